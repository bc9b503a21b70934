// The PDF list and status over HTTP, as a client sees them: documents a
// daemon indexed through Socket.IO, searched and paged with the admin token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, createDatabase, documentFor, indexDocuments, psql, startServer } from './harness.mjs';

let db, server;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const docs = [
    documentFor(1, { metadata: { tipo: 'orcamento', numero: '2026-0215', cliente: 'Ana Lima', dataEvento: '2026-03-10', valorTotal: 900 } }),
    documentFor(2, { metadata: { tipo: 'os', numero: '89331', cliente: 'Ana Lima', dataEvento: '2026-05-19', valorTotal: null } }),
    documentFor(3, { metadata: { tipo: 'montagem', numero: '4490', cliente: 'Construtora São João', dataEvento: '2026-05-20', valorTotal: 100 } }),
  ];
  const ack = await indexDocuments(server, docs);
  assert.equal(ack.processed, 3);
});

after(async () => {
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('the list is searched, paged and newest first', async () => {
  const all = await api(server, 'GET', '/api/pdfs');
  assert.equal(all.status, 200);
  assert.equal(all.json.total, 3);
  assert.deepEqual(all.json.items.map((d) => d.numero), ['4490', '89331', '2026-0215']);
  const os = all.json.items[1];
  assert.equal(os.tipo, 'os');
  assert.equal(os.cliente, 'Ana Lima');
  assert.equal(os.dataEvento, '2026-05-19');
  assert.equal(os.status, 'available_local');
  assert.equal(os.clientId, server.creds.clientId);
  assert.equal(os.valorTotal, null);

  const byName = await api(server, 'GET', `/api/pdfs?cliente=${encodeURIComponent('são joão')}`);
  assert.deepEqual(byName.json.items.map((d) => d.numero), ['4490']);
  const may = await api(server, 'GET', '/api/pdfs?from=2026-05-01&to=2026-05-31&tipo=os');
  assert.deepEqual(may.json.items.map((d) => d.numero), ['89331']);
  const page2 = await api(server, 'GET', '/api/pdfs?pageSize=2&page=2');
  assert.deepEqual(page2.json, { ...page2.json, total: 3, page: 2, pageSize: 2 });
  assert.deepEqual(page2.json.items.map((d) => d.numero), ['2026-0215']);
});

test('one pdf has a status; an unknown one is 404', async () => {
  const all = await api(server, 'GET', '/api/pdfs?numero=89331');
  const id = all.json.items[0].id;
  const res = await api(server, 'GET', `/api/pdfs/${id}/status`);
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'available_local');
  assert.equal(res.json.fileHash, all.json.items[0].fileHash);
  assert.equal(res.json.cachedUntil, null);
  const missing = await api(server, 'GET', '/api/pdfs/987654321/status');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.code, 'not_found');
  assert.equal((await api(server, 'POST', `/api/pdfs/${id}/status`)).status, 405);
  assert.equal((await api(server, 'GET', '/api/pdfs/abc/status')).status, 404);
});

test('who is asking is checked and bad parameters are named', async () => {
  for (const path of ['/api/pdfs', '/api/pdfs/1/status']) {
    const anonymous = await api(server, 'GET', path, { token: null });
    assert.equal(anonymous.status, 401, path);
    const daemonToken = await api(server, 'GET', path, { token: server.creds.daemonToken });
    assert.equal(daemonToken.status, 401, path);
  }
  const bad = await api(server, 'GET', '/api/pdfs?tipo=fatura');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /^tipo:/);
  const typo = await api(server, 'GET', '/api/pdfs?cleinte=Ana');
  assert.equal(typo.status, 400);
  assert.match(typo.json.error, /cleinte: unknown parameter/);
});

/** Every page of `query` followed by nextCursor; the ids in the order served. */
async function walk(query, token = server.creds.adminToken) {
  const ids = [];
  let res = await api(server, 'GET', `/api/pdfs?${query}`, { token });
  for (let page = 1; ; ++page) {
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.page, page);
    assert.equal(typeof res.json.totalIsLowerBound, 'boolean');
    ids.push(...res.json.items.map((d) => d.id));
    if (res.json.nextCursor === null) return ids;
    assert.equal(typeof res.json.nextCursor, 'string');
    assert.ok(page < 100, 'the cursor never ends');
    res = await api(server, 'GET', `/api/pdfs?${query}&cursor=${encodeURIComponent(res.json.nextCursor)}`, { token });
  }
}

test('cursor pages: no gaps or repeats on equal dates, filters kept, page still works', async () => {
  // 40 more documents on two days (every fifth undated), half os, a third "Aurora".
  const docs = [];
  for (let i = 100; i < 140; ++i) {
    docs.push(documentFor(i, { metadata: {
      tipo: i % 2 ? 'orcamento' : 'os', numero: `S${i}`, cliente: i % 3 ? 'Bruno Costa' : 'Aurora Eventos',
      dataEvento: i % 5 === 0 ? null : `2026-08-0${1 + (i % 2)}`, valorTotal: 1,
    } }));
  }
  for (let i = 0; i < docs.length; i += 10) { // at most 10 per batch
    assert.equal((await indexDocuments(server, docs.slice(i, i + 10))).processed, 10);
  }

  const all = await api(server, 'GET', '/api/pdfs?pageSize=100');
  assert.equal(all.json.total, 43);
  assert.equal(all.json.totalIsLowerBound, false);
  assert.equal(all.json.nextCursor, null);
  const order = all.json.items.map((d) => d.id);
  const walked = await walk('pageSize=6');
  assert.deepEqual(walked, order);
  assert.equal(new Set(walked).size, 43);
  // Undated last, ties on a date by id descending.
  const dated = all.json.items.filter((d) => d.dataEvento !== null);
  assert.deepEqual(all.json.items.slice(dated.length).map((d) => d.dataEvento), Array(43 - dated.length).fill(null));
  for (let i = 1; i < dated.length; ++i) {
    const [a, b] = [dated[i - 1], dated[i]];
    assert.ok(a.dataEvento > b.dataEvento || (a.dataEvento === b.dataEvento && a.id > b.id), `${a.id} before ${b.id}`);
  }

  // Filters stay with the cursor.
  const auroraOs = all.json.items.filter((d) => d.tipo === 'os' && d.cliente === 'Aurora Eventos').map((d) => d.id);
  assert.ok(auroraOs.length >= 5);
  assert.deepEqual(await walk('tipo=os&cliente=aurora&pageSize=2'), auroraOs);
  const augustFirst = all.json.items.filter((d) => d.dataEvento === '2026-08-01').map((d) => d.id);
  assert.deepEqual(await walk('from=2026-08-01&to=2026-08-01&pageSize=4'), augustFirst);

  // page=N gives the same pages, and hands over a cursor to the next.
  const page2 = await api(server, 'GET', '/api/pdfs?pageSize=6&page=2');
  assert.deepEqual(page2.json.items.map((d) => d.id), order.slice(6, 12));
  const page3 = await api(server, 'GET', `/api/pdfs?pageSize=6&cursor=${page2.json.nextCursor}`);
  assert.equal(page3.json.page, 3);
  assert.deepEqual(page3.json.items.map((d) => d.id), order.slice(12, 18));
  const last = await api(server, 'GET', '/api/pdfs?pageSize=6&page=8');
  assert.deepEqual(last.json.items.map((d) => d.id), order.slice(42));
  assert.equal(last.json.nextCursor, null);
});

test('a bad cursor is a 400 that says so', async () => {
  const first = await api(server, 'GET', '/api/pdfs?tipo=os&pageSize=2');
  const cursor = first.json.nextCursor;
  assert.equal(typeof cursor, 'string');
  const tampered = cursor.replace(/\.(\d+)\./, (m, id) => `.${Number(id) + 1}.`);
  assert.notEqual(tampered, cursor);
  for (const query of [`tipo=os&cursor=garbage`, `tipo=os&cursor=${tampered}`, `tipo=montagem&cursor=${cursor}`,
    `cursor=${cursor}`, `tipo=os&cursor=${cursor}x`]) {
    const res = await api(server, 'GET', `/api/pdfs?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.code, 'bad_request');
    assert.match(res.json.error, /^cursor: /, query);
  }
  const both = await api(server, 'GET', `/api/pdfs?tipo=os&page=2&cursor=${cursor}`);
  assert.equal(both.status, 400);
  assert.match(both.json.error, /^page: must be absent or 1 with a cursor/);
  assert.equal((await api(server, 'GET', `/api/pdfs?tipo=os&page=1&cursor=${cursor}`)).status, 200);
});

test('a technician pages through the PDFs of their atendimentos only', async () => {
  const admin = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'admin', password: server.creds.adminPassword } });
  assert.equal(admin.status, 200, admin.text);
  const created = await api(server, 'POST', '/api/admin/users', {
    token: admin.json.token, body: { login: 'tec-pages', role: 'tecnico', password: 'tec-pages-password' },
  });
  assert.equal(created.status, 201, created.text);
  const linked = [101, 104, 105, 110, 113, 120, 131].map((i) => ({ tipo: i % 2 ? 'orcamento' : 'os', numero: `S${i}` }));
  const atendimento = await api(server, 'POST', '/api/atendimentos', {
    token: admin.json.token, body: { titulo: 'Feira', dataInicio: '2026-08-01', tecnicos: ['tec-pages'], pdfs: linked },
  });
  assert.equal(atendimento.status, 201, atendimento.text);
  const tec = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec-pages', password: 'tec-pages-password' } });
  const all = await api(server, 'GET', '/api/pdfs?pageSize=100');
  const mine = all.json.items.filter((d) => linked.some((l) => l.numero === d.numero)).map((d) => d.id);
  assert.equal(mine.length, 7);
  assert.deepEqual(await walk('pageSize=2', tec.json.token), mine);
  const first = await api(server, 'GET', '/api/pdfs?pageSize=2', { token: tec.json.token });
  assert.equal(first.json.total, 7);
  // A cursor belongs to the view it came from: the admin's is refused to the technician.
  const adminCursor = (await api(server, 'GET', '/api/pdfs?pageSize=1')).json.nextCursor;
  const res = await api(server, 'GET', `/api/pdfs?pageSize=100&cursor=${adminCursor}`, { token: tec.json.token });
  assert.equal(res.status, 400);
  assert.match(res.json.error, /^cursor: /);
  const back = await api(server, 'GET', `/api/pdfs?pageSize=2&cursor=${first.json.nextCursor}`);
  assert.equal(back.status, 400, "the technician's cursor is refused to the admin");
});

test('past the cap the total is a lower bound', async () => {
  // Rows straight into the table: 1,000 through the daemon would only be slower.
  psql(db.conninfo, `INSERT INTO pdf_cache (file_hash, filename, file_size, tipo, data_evento)
    SELECT lpad(to_hex(900000 + i), 64, '0'), 'bulk.pdf', 1, 'desconhecido', date '2020-01-01' + i % 100
    FROM generate_series(1, 1000) i`);
  const res = await api(server, 'GET', '/api/pdfs?pageSize=5');
  assert.equal(res.json.total, 1000);
  assert.equal(res.json.totalIsLowerBound, true);
  const next = await api(server, 'GET', `/api/pdfs?pageSize=5&cursor=${res.json.nextCursor}`);
  assert.equal(next.json.totalIsLowerBound, true);
  const narrow = await api(server, 'GET', '/api/pdfs?pageSize=5&tipo=os');
  assert.equal(narrow.json.totalIsLowerBound, false);
  assert.equal(narrow.json.total, 21);
});
