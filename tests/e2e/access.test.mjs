// Users, sessions and the access rules, against the real server and
// PostgreSQL: every endpoint asked by every kind of caller (anonymous, a
// technician scheduled on the atendimento, another technician, an admin
// session, the admin API token, a daemon token) answers the status the rules
// say; /client events follow the same rules; logins are throttled; and no
// password or token is stored in the clear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, indexDocuments, psql, startServer, until } from './harness.mjs';

let db, server;
const tokens = {}; // caller -> bearer token (null for anonymous)
const users = {};  // login -> user json
const ids = {};    // pdf1..pdf3, a1 (tec-on is on it, linked to pdf1), a2 (nobody, no PDF)
const sockets = [];

async function login(loginName, password) {
  const res = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: loginName, password } });
  assert.equal(res.status, 200, `login ${loginName}: ${res.text}`);
  return res.json;
}

function connectClient(token) {
  const events = [];
  const s = io(`${server.url}/client`, { transports: ['websocket'], reconnection: false, auth: { token } });
  s.onAny((name, payload) => events.push({ name, payload }));
  sockets.push(s);
  const ready = new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ socket: s, events }));
    s.once('connect_error', reject);
  });
  return ready;
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const ack = await indexDocuments(server, [1, 2, 3].map((i) => documentFor(i, {
    metadata: { tipo: 'os', numero: String(100 + i), cliente: 'Buffet Estrela', dataEvento: '2026-12-1' + i, valorTotal: 10 },
  })));
  assert.equal(ack.processed, 3);
  for (const i of [1, 2, 3]) {
    ids[`pdf${i}`] = Number(psql(db.conninfo, `SELECT id FROM pdf_cache WHERE numero = '${100 + i}'`));
  }
  ids.daemon = Number(psql(db.conninfo, `SELECT id FROM daemon_clients WHERE client_id = '${server.creds.clientId}'`));
  assert.equal(server.creds.adminUser, 'admin');
  tokens.admin = (await login('admin', server.creds.adminPassword)).token;
  tokens.apiToken = server.creds.adminToken;
  tokens.daemon = server.creds.daemonToken;
  tokens.anonymous = null;
  for (const name of ['tec-on', 'tec-off', 'spare']) {
    const res = await api(server, 'POST', '/api/admin/users', {
      token: tokens.admin, body: { login: name, role: 'tecnico', nome: name, password: `${name}-password` },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.password, undefined, 'a chosen password is not echoed');
    users[name] = res.json;
  }
  tokens.on = (await login('tec-on', 'tec-on-password')).token;
  tokens.off = (await login('TEC-OFF', 'tec-off-password')).token; // logins ignore case
  const a1 = await api(server, 'POST', '/api/atendimentos', {
    token: tokens.admin,
    body: { titulo: 'Casamento', dataInicio: '2026-12-11', tecnicos: ['tec-on'], pdfs: [{ tipo: 'os', numero: '101' }] },
  });
  assert.equal(a1.status, 201, a1.text);
  ids.a1 = a1.json.id;
  const a2 = await api(server, 'POST', '/api/atendimentos', {
    token: tokens.admin, body: { titulo: 'Formatura', dataInicio: '2026-12-20' },
  });
  assert.equal(a2.status, 201, a2.text);
  ids.a2 = a2.json.id;
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

const callers = ['anonymous', 'on', 'off', 'admin', 'apiToken', 'daemon'];

// [method, path, body, expected status per caller in the order of `callers`]
const matrix = () => [
  ['GET', '/health', undefined, [200, 200, 200, 200, 200, 200]],
  ['GET', '/health/detailed', undefined, [401, 403, 403, 200, 200, 401]],
  ['GET', '/api/me', undefined, [401, 200, 200, 200, 200, 401]],
  ['GET', '/api/pdfs', undefined, [401, 200, 200, 200, 200, 401]],
  ['GET', `/api/pdfs/${ids.pdf1}/status`, undefined, [401, 200, 403, 200, 200, 401]],
  ['GET', `/api/pdfs/${ids.pdf2}/status`, undefined, [401, 403, 403, 200, 200, 401]],
  ['GET', '/api/pdfs/987654/status', undefined, [401, 403, 403, 404, 404, 401]],
  ['POST', `/api/pdfs/${ids.pdf1}/request`, {}, [401, 202, 403, 202, 202, 401]],
  ['POST', `/api/pdfs/${ids.pdf2}/request`, {}, [401, 403, 403, 202, 202, 401]],
  ['GET', `/api/pdfs/${ids.pdf1}/download`, undefined, [401, 409, 403, 409, 409, 401]],
  ['GET', `/api/pdfs/${ids.pdf2}/download`, undefined, [401, 403, 403, 409, 409, 401]],
  ['GET', '/api/atendimentos?from=2026-12-01&to=2026-12-31', undefined, [401, 200, 200, 200, 200, 401]],
  ['GET', `/api/atendimentos/${ids.a1}`, undefined, [401, 200, 403, 200, 200, 401]],
  ['GET', `/api/atendimentos/${ids.a2}`, undefined, [401, 403, 403, 200, 200, 401]],
  ['GET', '/api/atendimentos/987654', undefined, [401, 404, 404, 404, 404, 401]],
  ['GET', `/api/atendimentos/${ids.a1}/pdf/status`, undefined, [401, 200, 403, 200, 200, 401]],
  ['GET', `/api/atendimentos/${ids.a2}/pdf/status`, undefined, [401, 403, 403, 404, 404, 401]],
  ['POST', `/api/atendimentos/${ids.a1}/pdf/request`, {}, [401, 202, 403, 202, 202, 401]],
  ['GET', `/api/atendimentos/${ids.a1}/pdf/download`, undefined, [401, 409, 403, 409, 409, 401]],
  ['POST', '/api/atendimentos', { titulo: 'Novo', dataInicio: '2026-12-24' }, [401, 403, 403, 201, 201, 401]],
  ['PUT', `/api/atendimentos/${ids.a2}`, { local: 'Clube' }, [401, 403, 403, 200, 200, 401]],
  ['PUT', `/api/atendimentos/${ids.a2}/tecnicos`, { tecnicos: [] }, [401, 403, 403, 200, 200, 401]],
  ['DELETE', `/api/atendimentos/${ids.a2}/pdfs/987654`, undefined, [401, 403, 403, 404, 404, 401]],
  ['DELETE', `/api/atendimentos/${ids.a2}/referencias/os/987654`, undefined, [401, 403, 403, 404, 404, 401]],
  ['POST', `/api/pdfs/${ids.pdf3}/escalar`, { tecnicos: [] }, [401, 403, 403, 201, 201, 401]],
  ['GET', '/api/admin/users', undefined, [401, 403, 403, 200, 200, 401]],
  ['POST', '/api/admin/users', { login: 'newbie', role: 'tecnico' }, [401, 403, 403, 201, 409, 401]],
  ['PUT', `/api/admin/users/${users.spare.id}/password`, { password: 'another-pass' }, [401, 403, 403, 200, 200, 401]],
  ['POST', `/api/admin/users/${users.spare.id}/disable`, undefined, [401, 403, 403, 200, 200, 401]],
  ['POST', `/api/admin/users/${users.spare.id}/enable`, undefined, [401, 403, 403, 200, 200, 401]],
  ['GET', '/api/admin/audit', undefined, [401, 403, 403, 200, 200, 401]],
  ['GET', '/api/admin/daemons', undefined, [401, 403, 403, 200, 200, 401]],
  ['POST', '/api/admin/daemon-tokens', { name: 'Filial' }, [401, 403, 403, 201, 201, 401]],
  ['GET', '/api/admin/daemon-tokens', undefined, [401, 403, 403, 200, 200, 401]],
  ['DELETE', '/api/admin/daemon-tokens/987654', undefined, [401, 403, 403, 404, 404, 401]],
  ['GET', `/api/admin/daemons/${ids.daemon}`, undefined, [401, 403, 403, 200, 200, 401]],
  ['PUT', `/api/admin/daemons/${ids.daemon}/config`, { logLevel: 'info' }, [401, 403, 403, 202, 202, 401]],
  ['POST', `/api/admin/daemons/${ids.daemon}/resync`, undefined, [401, 403, 403, 409, 409, 401]],
  ['POST', `/api/admin/daemons/${ids.daemon}/disconnect`, undefined, [401, 403, 403, 409, 409, 401]],
  ['GET', '/api/admin/api-tokens', undefined, [401, 403, 403, 200, 200, 401]],
  ['POST', '/api/admin/api-tokens', { name: 'ci' }, [401, 403, 403, 201, 201, 401]],
  ['DELETE', '/api/admin/api-tokens/987654', undefined, [401, 403, 403, 404, 404, 401]],
  ['POST', '/api/daemon/upload', undefined, [401, 401, 401, 401, 401, 400]],
];

test('every endpoint answers each kind of caller as the access rules say', async () => {
  const wrong = [];
  for (const [method, path, body, expected] of matrix()) {
    for (const [i, caller] of callers.entries()) {
      const res = await api(server, method, path, { token: tokens[caller], body });
      if (res.status !== expected[i]) wrong.push(`${method} ${path} as ${caller}: ${res.status}, expected ${expected[i]} ${res.text.slice(0, 120)}`);
      if (res.status === 401) assert.equal(res.headers.get('www-authenticate'), 'Bearer', `${method} ${path}`);
      if (res.status >= 400 && res.json) assert.ok(res.json.code && res.json.error, `${method} ${path}: ${res.text}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a technician lists only the PDFs and atendimentos they are scheduled on', async () => {
  const mine = await api(server, 'GET', '/api/pdfs', { token: tokens.on });
  assert.deepEqual(mine.json.items.map((p) => p.id), [ids.pdf1]);
  const none = await api(server, 'GET', '/api/pdfs', { token: tokens.off });
  assert.equal(none.json.total, 0);
  const all = await api(server, 'GET', '/api/pdfs', { token: tokens.admin });
  assert.equal(all.json.total, 3);
  const calendar = await api(server, 'GET', '/api/atendimentos?from=2026-12-01&to=2026-12-31', { token: tokens.on });
  assert.deepEqual(calendar.json.items.map((a) => a.titulo), ['Casamento']);
  assert.deepEqual(calendar.json.items[0].pdfs.map((p) => p.numero), ['101']);
  const me = await api(server, 'GET', '/api/me', { token: tokens.on });
  assert.equal(me.json.login, 'tec-on');
  assert.equal(me.json.role, 'tecnico');
  assert.equal(me.json.via, 'session');
});

test('socket events reach admins and the technicians who may see them, nobody else', async () => {
  const admin = await connectClient(tokens.admin);
  const on = await connectClient(tokens.on);
  const off = await connectClient(tokens.off);
  await assert.rejects(connectClient('0123456789abcdef.' + '0'.repeat(64)), /invalid token/);
  // A cancel of the request on pdf1 (under way since the matrix) is a pdf:failed for pdf1.
  const cancel = await api(server, 'DELETE', `/api/pdfs/${ids.pdf1}/request`, { token: tokens.admin });
  assert.equal(cancel.status, 200, cancel.text);
  await until('pdf:failed at the admin', () => admin.events.some((e) => e.name === 'pdf:failed' && e.payload.pdfId === ids.pdf1));
  await until('pdf:failed at tec-on', () => on.events.some((e) => e.name === 'pdf:failed' && e.payload.pdfId === ids.pdf1));
  // pdf2 is nobody's: its cancel reaches the admin only.
  assert.equal((await api(server, 'DELETE', `/api/pdfs/${ids.pdf2}/request`, { token: tokens.admin })).status, 200);
  await until('pdf:failed for pdf2 at the admin', () => admin.events.some((e) => e.name === 'pdf:failed' && e.payload.pdfId === ids.pdf2));
  // An edit of a1 reaches tec-on; moving a2 onto tec-off reaches tec-off.
  const edit = await api(server, 'PUT', `/api/atendimentos/${ids.a1}`, { token: tokens.admin, body: { local: 'Sítio' } });
  assert.equal(edit.status, 200);
  await until('atendimento:updated at tec-on', () => on.events.some((e) => e.name === 'atendimento:updated' && e.payload.local === 'Sítio'));
  const assign = await api(server, 'PUT', `/api/atendimentos/${ids.a2}/tecnicos`, { token: tokens.admin, body: { tecnicos: ['tec-off'] } });
  assert.equal(assign.status, 200);
  await until('atendimento:updated at tec-off', () => off.events.some((e) => e.name === 'atendimento:updated' && e.payload.id === ids.a2));
  await until('both at the admin', () => admin.events.filter((e) => e.name === 'atendimento:updated').length >= 2);
  assert.deepEqual(off.events.filter((e) => e.name.startsWith('pdf:')), [], 'tec-off saw a PDF event');
  assert.ok(!on.events.some((e) => e.payload?.pdfId === ids.pdf2), 'tec-on saw pdf2');
  assert.ok(!on.events.some((e) => e.name === 'atendimento:updated' && e.payload.id === ids.a2), 'tec-on saw a2');
  // Now that tec-off is on a2 (no PDF), an escalar of pdf2 with tec-off gives them pdf2.
  const esc = await api(server, 'POST', `/api/pdfs/${ids.pdf2}/escalar`, { token: tokens.admin, body: { tecnicos: ['tec-off'] } });
  assert.equal(esc.status, 201, esc.text);
  assert.equal(esc.json.titulo, 'os 102 - Buffet Estrela');
  assert.equal((await api(server, 'GET', `/api/pdfs/${ids.pdf2}/status`, { token: tokens.off })).status, 200);
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids.pdf2}/request`, { token: tokens.off })).status, 202);
  await api(server, 'DELETE', `/api/pdfs/${ids.pdf2}/request`, { token: tokens.off });
  await until('pdf:failed for pdf2 at tec-off', () => off.events.some((e) => e.name === 'pdf:failed' && e.payload.pdfId === ids.pdf2));
});

test('unlinking a PDF: admins only, announced, audited, and the technicians lose that PDF at once', async () => {
  // pdf3 moves onto a new atendimento of tec-on (escalar had put it elsewhere in the matrix).
  const made = await api(server, 'POST', '/api/atendimentos', {
    token: tokens.admin, body: { titulo: 'Aniversário', dataInicio: '2026-12-13', tecnicos: ['tec-on'], pdfs: [{ id: ids.pdf3 }] },
  });
  assert.equal(made.status, 201, made.text);
  const a3 = made.json.id;
  assert.equal((await api(server, 'GET', `/api/pdfs/${ids.pdf3}/status`, { token: tokens.on })).status, 200);
  const admin = await connectClient(tokens.admin);
  const on = await connectClient(tokens.on);

  const path = `/api/atendimentos/${a3}/pdfs/${ids.pdf3}`;
  assert.equal((await api(server, 'DELETE', path, { token: tokens.on })).status, 403, 'a technician on it cannot unlink');
  assert.equal((await api(server, 'DELETE', path, { token: null })).status, 401);
  assert.equal((await api(server, 'GET', path, { token: tokens.admin })).status, 405);
  const res = await api(server, 'DELETE', path, { token: tokens.admin });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.id, a3);
  assert.deepEqual(res.json.pdfs, []);
  assert.deepEqual(res.json.tecnicos.map((x) => x.login), ['tec-on'], 'the team stays');
  assert.equal(psql(db.conninfo, `SELECT coalesce(atendimento_id::text, 'none') FROM pdf_cache WHERE id = ${ids.pdf3}`), 'none');

  const unlinkedEvent = (e) => e.name === 'atendimento:updated' && e.payload.id === a3 && e.payload.pdfs.length === 0;
  await until('atendimento:updated at the admin', () => admin.events.some(unlinkedEvent));
  await until('atendimento:updated at tec-on', () => on.events.some(unlinkedEvent));
  // tec-on no longer reaches the PDF, its status or its events.
  assert.equal((await api(server, 'GET', `/api/pdfs/${ids.pdf3}/status`, { token: tokens.on })).status, 403);
  assert.equal((await api(server, 'GET', `/api/atendimentos/${a3}/pdf/status`, { token: tokens.on })).status, 404);
  assert.ok(!(await api(server, 'GET', '/api/pdfs', { token: tokens.on })).json.items.some((p) => p.id === ids.pdf3));
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids.pdf3}/request`, { token: tokens.admin })).status, 202);
  assert.equal((await api(server, 'DELETE', `/api/pdfs/${ids.pdf3}/request`, { token: tokens.admin })).status, 200);
  await until('pdf:failed for pdf3 at the admin', () => admin.events.some((e) => e.name === 'pdf:failed' && e.payload.pdfId === ids.pdf3));
  assert.ok(!on.events.some((e) => e.name.startsWith('pdf:') && e.payload.pdfId === ids.pdf3), 'tec-on saw an event of pdf3');

  // Again: it is no longer linked. A PDF linked to another atendimento stays there.
  const again = await api(server, 'DELETE', path, { token: tokens.admin });
  assert.equal(again.status, 404);
  assert.equal(again.json.code, 'not_found');
  assert.match(again.json.error, /not linked/);
  assert.equal((await api(server, 'DELETE', `/api/atendimentos/${a3}/pdfs/${ids.pdf1}`, { token: tokens.admin })).status, 404);
  assert.deepEqual((await api(server, 'GET', `/api/atendimentos/${ids.a1}`, { token: tokens.admin })).json.pdfs.map((p) => p.id), [ids.pdf1]);
  assert.equal((await api(server, 'DELETE', `/api/atendimentos/987654/pdfs/${ids.pdf1}`, { token: tokens.admin })).status, 404);
  assert.equal((await api(server, 'DELETE', `/api/atendimentos/${a3}/pdfs/abc`, { token: tokens.admin })).status, 404);

  const audit = await api(server, 'GET', '/api/admin/audit?limit=50', { token: tokens.admin });
  const line = audit.json.items.find((e) => e.action === 'atendimento.unlink_pdf');
  assert.ok(line, 'the unlink is in the audit log');
  assert.equal(line.target, `atendimento ${a3}`);
  assert.equal(line.outcome, 'ok');
  assert.equal(line.details.pdf, ids.pdf3);
  assert.equal(audit.json.items.filter((e) => e.action === 'atendimento.unlink_pdf').length, 1, 'refusals are not audited as unlinks');
});

test('a document referenced before it exists joins its atendimento when indexed, live for its technicians', async () => {
  const admin = await connectClient(tokens.admin);
  const on = await connectClient(tokens.on);
  // Scheduled from a phone call: the office has not written OS 555 yet.
  const made = await api(server, 'POST', '/api/atendimentos', {
    token: tokens.admin,
    body: { titulo: 'Bodas', dataInicio: '2026-12-18', tecnicos: ['tec-on'], pdfs: [{ tipo: 'os', numero: '555' }, { tipo: 'montagem', numero: '7/2026' }] },
  });
  assert.equal(made.status, 201, made.text);
  const a4 = made.json.id;
  const atendimentos = psql(db.conninfo, 'SELECT count(*) FROM atendimentos');
  assert.deepEqual(made.json.pdfs, []);
  assert.deepEqual(made.json.referencias, [{ tipo: 'montagem', numero: '7/2026', pending: true }, { tipo: 'os', numero: '555', pending: true }]);
  const shown = await api(server, 'GET', `/api/atendimentos/${a4}`, { token: tokens.on });
  assert.deepEqual(shown.json.referencias.map((r) => r.pending), [true, true]);
  for (const [pdfs, error] of [
    [[{ tipo: 'nota', numero: '1' }], 'pdfs[0].tipo: expected one of orcamento, os, montagem'],
    [[{ tipo: 'os', numero: '1' }, { tipo: 'os', numero: '' }], 'pdfs[1].numero: 1 to 100 characters'],
    [[{ tipo: 'os', numero: '9'.repeat(101) }], 'pdfs[0].numero: 1 to 100 characters'],
    [[{ id: 987654 }], 'pdfs: no indexed PDF with id 987654'],
    [[{ fileHash: 'f'.repeat(64) }], `pdfs: no indexed PDF with hash ${'f'.repeat(64)}`],
  ]) {
    const res = await api(server, 'PUT', `/api/atendimentos/${a4}`, { token: tokens.admin, body: { pdfs } });
    assert.equal(res.status, 400, JSON.stringify(pdfs));
    assert.equal(res.json.error, error);
  }

  // The office writes it; its daemon indexes it.
  const ack = await indexDocuments(server, [documentFor(20, {
    filename: 'os_555.pdf', metadata: { tipo: 'os', numero: '555', cliente: 'Buffet Estrela', dataEvento: '2026-12-18' },
  })]);
  assert.equal(ack.processed, 1);
  const pdf = Number(psql(db.conninfo, `SELECT id FROM pdf_cache WHERE numero = '555'`));
  const joined = (e) => e.name === 'atendimento:updated' && e.payload.id === a4 && e.payload.pdfs.some((p) => p.id === pdf);
  await until('atendimento:updated at tec-on', () => on.events.some(joined));
  await until('atendimento:updated at the admin', () => admin.events.some(joined));
  assert.deepEqual(on.events.find(joined).payload.referencias,
    [{ tipo: 'montagem', numero: '7/2026', pending: true }, { tipo: 'os', numero: '555', pending: false }]);
  const now = await api(server, 'GET', `/api/atendimentos/${a4}`, { token: tokens.on });
  assert.deepEqual(now.json.pdfs.map((p) => p.id), [pdf]);
  assert.deepEqual(now.json.referencias.map((r) => r.pending), [true, false]);
  // tec-on, on the atendimento, sees the PDF; tec-off does not.
  assert.equal((await api(server, 'GET', `/api/pdfs/${pdf}/status`, { token: tokens.on })).status, 200);
  assert.ok((await api(server, 'GET', '/api/pdfs', { token: tokens.on })).json.items.some((p) => p.id === pdf));
  assert.equal((await api(server, 'GET', `/api/pdfs/${pdf}/status`, { token: tokens.off })).status, 403);
  assert.equal(psql(db.conninfo, 'SELECT count(*) FROM atendimentos'), atendimentos, 'indexing never creates an atendimento');

  // The montagem is not coming after all: the admin drops that reference.
  const path = `/api/atendimentos/${a4}/referencias/montagem/${encodeURIComponent('7/2026')}`;
  assert.equal((await api(server, 'DELETE', path, { token: tokens.on })).status, 403);
  assert.equal((await api(server, 'GET', path, { token: tokens.admin })).status, 405);
  assert.equal((await api(server, 'DELETE', `/api/atendimentos/${a4}/referencias/nota/1`, { token: tokens.admin })).status, 400);
  const dropped = await api(server, 'DELETE', path, { token: tokens.admin });
  assert.equal(dropped.status, 200, dropped.text);
  assert.deepEqual(dropped.json.referencias, [{ tipo: 'os', numero: '555', pending: false }]);
  assert.deepEqual(dropped.json.pdfs.map((p) => p.id), [pdf]);
  await until('the drop at tec-on', () => on.events.some((e) => e.name === 'atendimento:updated' && e.payload.id === a4 && e.payload.referencias.length === 1));
  const again = await api(server, 'DELETE', path, { token: tokens.admin });
  assert.equal(again.status, 404);
  assert.match(again.json.error, /does not reference montagem 7\/2026/);
  const audit = await api(server, 'GET', '/api/admin/audit?limit=50', { token: tokens.admin });
  const line = audit.json.items.find((e) => e.action === 'atendimento.unlink_ref');
  assert.ok(line, 'the drop is in the audit log');
  assert.equal(line.target, `atendimento ${a4}`);
  assert.deepEqual([line.details.tipo, line.details.numero], ['montagem', '7/2026']);

  // Unlinking the PDF drops its reference too: its next version stays out.
  const unlinked = await api(server, 'DELETE', `/api/atendimentos/${a4}/pdfs/${pdf}`, { token: tokens.admin });
  assert.equal(unlinked.status, 200, unlinked.text);
  assert.deepEqual(unlinked.json.referencias, []);
  await indexDocuments(server, [documentFor(21, { metadata: { tipo: 'os', numero: '555', cliente: 'Buffet Estrela', dataEvento: '2026-12-18' } })]);
  assert.equal(psql(db.conninfo, `SELECT coalesce(atendimento_id::text, 'none') FROM pdf_cache WHERE file_hash = '${documentFor(21).fileHash}'`), 'none');
});

test('logout ends the session and its socket; a disabled account cannot log in', async () => {
  const session = await login('tec-on', 'tec-on-password');
  const client = await connectClient(session.token);
  const gone = new Promise((resolve) => client.socket.once('disconnect', resolve));
  const out = await api(server, 'POST', '/api/auth/logout', { token: session.token });
  assert.equal(out.status, 204);
  await gone;
  assert.equal((await api(server, 'GET', '/api/me', { token: session.token })).status, 401);
  assert.equal((await api(server, 'GET', '/api/me', { token: tokens.on })).status, 200, 'other sessions live on');
  assert.equal((await api(server, 'POST', '/api/auth/logout', { token: tokens.apiToken })).status, 400);
  await assert.rejects(connectClient(session.token), /invalid token/);

  assert.equal((await api(server, 'POST', `/api/admin/users/${users.spare.id}/disable`, { token: tokens.admin })).status, 200);
  const refused = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'spare', password: 'another-pass' } });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, 'account_disabled');
});

test('API tokens for automation are created once, listed without secrets, and revocable', async () => {
  const made = await api(server, 'POST', '/api/admin/api-tokens', { token: tokens.admin, body: { name: 'backup job', role: 'admin' } });
  assert.equal(made.status, 201);
  assert.equal((await api(server, 'GET', '/api/me', { token: made.json.token })).json.via, 'api_token');
  const list = await api(server, 'GET', '/api/admin/api-tokens', { token: tokens.admin });
  const row = list.json.tokens.find((t) => t.id === made.json.id);
  assert.equal(row.name, 'backup job');
  assert.equal(row.token, undefined);
  assert.ok(!list.text.includes(made.json.token.split('.')[1]));
  assert.ok(row.lastUsedAt, 'last use is recorded');
  assert.equal((await api(server, 'DELETE', `/api/admin/api-tokens/${made.json.id}`, { token: tokens.admin })).status, 200);
  assert.equal((await api(server, 'GET', '/api/me', { token: made.json.token })).status, 401);
  assert.equal((await api(server, 'DELETE', `/api/admin/api-tokens/${made.json.id}`, { token: tokens.admin })).status, 404);
  assert.equal((await api(server, 'POST', '/api/admin/api-tokens', { token: tokens.admin, body: { name: '' } })).status, 400);
});

test('wrong passwords get one answer, then a growing wait with Retry-After', async () => {
  const unknown = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'ghost', password: 'whatever-1' } });
  const wrong = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec-off', password: 'nope-nope' } });
  assert.equal(unknown.status, 401);
  assert.equal(wrong.status, 401);
  assert.deepEqual(unknown.json, wrong.json, 'an unknown login and a wrong password look the same');
  assert.equal((await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec-off' } })).status, 400);
  assert.equal((await api(server, 'POST', '/api/auth/login', { token: null, body: '{"login":' })).status, 400);
  let throttled;
  for (let i = 0; i < 8 && !throttled; ++i) {
    const res = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec-off', password: 'nope-nope' } });
    if (res.status === 429) throttled = res;
    else assert.equal(res.status, 401);
  }
  assert.ok(throttled, 'no 429 after repeated failures');
  assert.equal(throttled.json.code, 'too_many_attempts');
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
  // Even the right password waits its turn while the account is locked.
  const locked = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec-off', password: 'tec-off-password' } });
  assert.equal(locked.status, 429);
  const audit = await api(server, 'GET', '/api/admin/audit?limit=50', { token: tokens.admin });
  const actions = audit.json.items.map((e) => e.action);
  assert.ok(actions.includes('auth.login_failed'));
  assert.ok(actions.includes('auth.login_throttled'));
  assert.ok(actions.includes('user.disable'));
  assert.ok(actions.includes('atendimento.assign'));
  const failure = audit.json.items.find((e) => e.action === 'auth.login_failed');
  assert.equal(failure.outcome, 'denied');
  assert.equal(failure.ip, '127.0.0.1');
});

test('no password or token is stored in the clear', () => {
  const secrets = [server.creds.adminPassword, 'tec-on-password', 'tec-off-password', 'another-pass',
    tokens.admin, tokens.on, tokens.off, tokens.apiToken, tokens.daemon];
  // Secret halves of the tokens (after the public id) must not appear anywhere either.
  for (const t of [tokens.admin, tokens.on, tokens.apiToken, tokens.daemon]) secrets.push(t.split('.')[1]);
  const dump = execFileSync('pg_dump', ['--data-only', db.conninfo], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const s of secrets) assert.ok(!dump.includes(s), `found a secret in the database dump: ${s.slice(0, 6)}…`);
  const hashes = psql(db.conninfo, 'SELECT password_hash FROM usuarios ORDER BY id').split('\n');
  assert.ok(hashes.length >= 4);
  for (const h of hashes) assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});
