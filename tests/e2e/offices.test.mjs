// One document, several offices (issue 14), with two real daemons on two
// folders holding the same PDFs, the real server and PostgreSQL: both index
// and sync without taking the documents from each other or marking them
// missing, a request while the first office is offline is served by the
// second, and so is one the first office answers with file_missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, psql, sourceDir, startDaemon, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
const files = { 'orcamento_3061.pdf': 'orcamento_3061_lines.pdf', 'montagem_4490.pdf': 'montagem_4490_lines.pdf' };
const sha = (b) => createHash('sha256').update(b).digest('hex');
const branchId = 'office-branch';

let db, server, client, office, branch, officeFolder, branchFolder, branchToken;
const events = [];

function folderWithTheFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'siberius-office-'));
  for (const [name, source] of Object.entries(files)) copyFileSync(join(corpus, source), join(dir, name));
  return dir;
}

const sql = (q) => psql(db.conninfo, q);

/** The documents as the database has them: hash, owner, status, and each office's location. */
function documents() {
  return sql(`SELECT p.filename || '|' || p.client_id || '|' || p.status || '|' ||
      (SELECT string_agg(l.client_id || ':' || l.present, ',' ORDER BY l.client_id) FROM pdf_locations l WHERE l.pdf_id = p.id)
    FROM pdf_cache p ORDER BY p.filename`).split('\n').filter(Boolean);
}

function syncsOf(clientId) {
  return server.logs.filter((l) => l.event === 'daemon:sync' && l.clientId === clientId);
}

async function daemonId(clientId) {
  const list = await api(server, 'GET', '/api/admin/daemons');
  return list.json.daemons.find((d) => d.clientId === clientId).id;
}

async function resyncAndWait(clientId) {
  const before = syncsOf(clientId).length;
  const res = await api(server, 'POST', `/api/admin/daemons/${await daemonId(clientId)}/resync`, { body: { reason: 'e2e offices' } });
  assert.equal(res.status, 200, res.text);
  await until(`a full sync of ${clientId}`, () => syncsOf(clientId).length > before, { timeout: 20000 });
  return syncsOf(clientId).at(-1);
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const created = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial', clientId: branchId } });
  assert.equal(created.status, 201, created.text);
  branchToken = created.json.token;
  client = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
  client.onAny((name, payload) => events.push({ name, payload }));
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });

  officeFolder = folderWithTheFiles();
  branchFolder = folderWithTheFiles();
  office = startDaemon(server, { folder: officeFolder });
  await until('the first office indexed and synced', () => syncsOf(server.creds.clientId).length > 0, { timeout: 30000 });
  branch = startDaemon(server, { folder: branchFolder, env: { DAEMON_TOKEN: branchToken, CLIENT_ID: branchId } });
  await until('the second office indexed and synced', () => syncsOf(branchId).length > 0, { timeout: 30000 });
  await until('both offices located', () => sql(`SELECT count(*) FROM pdf_locations WHERE present`) === '4', { timeout: 15000 });
});

after(async () => {
  client?.close();
  await office?.stop();
  await branch?.stop();
  await server?.stop();
  server?.cleanup();
  for (const dir of [officeFolder, branchFolder]) if (dir) rmSync(dir, { recursive: true, force: true });
  db?.drop();
});

test('two offices with the same files: one document each, kept by the first, never missing', async () => {
  const office1 = server.creds.clientId;
  const both = [office1, branchId].sort().map((id) => `${id}:true`).join(',');
  const expected = [
    `montagem_4490.pdf|${office1}|available_local|${both}`,
    `orcamento_3061.pdf|${office1}|available_local|${both}`,
  ];
  assert.deepEqual(documents(), expected);
  // Each office reconciles again, in turns: nothing flips, nothing is marked missing.
  for (let round = 0; round < 2; round += 1) {
    for (const id of [office1, branchId, office1]) {
      const sync = await resyncAndWait(id);
      assert.equal(sync.files, 2);
      assert.equal(sync.markedMissing, 0, `${id}'s sync marks nothing`);
      assert.deepEqual(documents(), expected);
    }
  }
  const list = await api(server, 'GET', '/api/pdfs?pageSize=10');
  assert.equal(list.json.total, 2);
  assert.ok(list.json.items.every((i) => i.clientId === office1 && i.status === 'available_local' && i.localPresent));
  // Each daemon counts the files of its own folder.
  const daemons = (await api(server, 'GET', '/api/admin/daemons')).json.daemons;
  for (const d of daemons) assert.equal(d.pdfsIndexed, 2, d.clientId);
});

test('with the first office offline, a request is served by the other', async () => {
  const office1 = server.creds.clientId;
  await office.stop();
  await until('the first office offline', async () => {
    const list = await api(server, 'GET', '/api/admin/daemons');
    return list.json.daemons.find((d) => d.clientId === office1).status === 'offline';
  });
  // Going offline is not losing the file.
  assert.ok(documents().every((d) => d.includes('|available_local|')));
  const id = Number(sql(`SELECT id FROM pdf_cache WHERE filename = 'orcamento_3061.pdf'`));
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.status, 'uploading', 'an office with the file is online');
  const { requestId } = res.json;
  await until('pdf:ready', () => events.find((e) => e.name === 'pdf:ready' && e.payload.requestId === requestId), { timeout: 20000 });
  assert.ok(branch.logs.some((l) => l.event === 'upload:request' && l.requestId === requestId), 'the branch was asked');
  assert.equal(sql(`SELECT client_id FROM pdf_transfers WHERE pdf_cache_id = ${id} AND status = 'completed'`), branchId);
  const dl = await fetch(`${server.url}/api/pdfs/${id}/download`, { headers: { authorization: `Bearer ${server.creds.adminToken}` } });
  assert.equal(dl.status, 200);
  const bytes = Buffer.from(await dl.arrayBuffer());
  assert.equal(sha(bytes), sha(readFileSync(join(branchFolder, 'orcamento_3061.pdf'))));
});

test('an upload the server did not ask for is refused and stores nothing', async () => {
  const bytes = readFileSync(join(branchFolder, 'montagem_4490.pdf'));
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'montagem_4490.pdf');
  const res = await fetch(`${server.url}/api/daemon/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${branchToken}`, 'x-request-id': 'req-pushed', 'x-file-hash': sha(bytes) },
    body: form,
  });
  assert.equal(res.status, 409);
  assert.equal((await res.json()).code, 'not_requested');
  assert.equal(sql(`SELECT status FROM pdf_cache WHERE filename = 'montagem_4490.pdf'`), 'available_local');
});

test('a file gone from the first office is served by the other under the same request', async () => {
  const office1 = server.creds.clientId;
  // The first office comes back polling its folder once an hour, so the file
  // deleted below is still indexed there when the request reaches it: its
  // daemon finds it gone only when asked (file_missing), as when a file is
  // deleted between two reconciliations.
  const before = syncsOf(office1).length;
  office = startDaemon(server, {
    folder: officeFolder, env: { POLL: 'true', POLL_INTERVAL_MS: '3600000', VERIFY_PER_HOUR: '0' },
  });
  await until('the first office synced again', () => syncsOf(office1).length > before, { timeout: 30000 });
  unlinkSync(join(officeFolder, 'montagem_4490.pdf'));
  const both = [office1, branchId].sort().map((c) => `${c}:true`).join(',');
  assert.ok(documents().includes(`montagem_4490.pdf|${office1}|available_local|${both}`), documents().join('\n'));

  const id = Number(sql(`SELECT id FROM pdf_cache WHERE filename = 'montagem_4490.pdf'`));
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.status, 'uploading');
  const { requestId } = res.json;
  const end = await until('the transfer ends', () => events.find((e) =>
    (e.name === 'pdf:ready' || e.name === 'pdf:failed') && e.payload.requestId === requestId), { timeout: 30000 });
  assert.equal(end.name, 'pdf:ready', JSON.stringify(end.payload));

  // The first office was asked and refused; the branch served the same request.
  assert.ok(office.logs.some((l) => l.event === 'upload:request' && l.requestId === requestId), 'the first office was asked');
  assert.ok(office.logs.some((l) => l.event === 'upload:failed' && l.requestId === requestId && l.code === 'file_missing'),
    'the first office found the file gone');
  assert.ok(branch.logs.some((l) => l.event === 'upload:request' && l.requestId === requestId), 'the branch was asked');
  const moved = server.logs.find((l) => l.event === 'pdf:request:reassigned' && l.requestId === requestId);
  assert.ok(moved, 'pdf:request:reassigned logged');
  assert.equal(moved.from, office1);
  assert.equal(moved.to, branchId);
  assert.equal(moved.reason, 'file_missing');
  assert.ok(!events.some((e) => e.name === 'pdf:failed' && e.payload.requestId === requestId));

  // Only the first office's location is gone; the document is cached, from the branch.
  assert.equal(sql(`SELECT string_agg(client_id || ':' || present, ',' ORDER BY client_id) FROM pdf_locations WHERE pdf_id = ${id}`),
    [office1, branchId].sort().map((c) => `${c}:${c === branchId}`).join(','));
  assert.equal(sql(`SELECT status FROM pdf_cache WHERE id = ${id}`), 'cached');
  assert.equal(sql(`SELECT client_id FROM pdf_transfers WHERE pdf_cache_id = ${id} AND request_id = '${requestId}' AND status = 'completed'`), branchId);
  assert.equal(sql(`SELECT client_id FROM pdf_transfers WHERE pdf_cache_id = ${id} AND request_id = '${requestId}' AND status = 'failed'`), office1);
  const dl = await fetch(`${server.url}/api/pdfs/${id}/download`, { headers: { authorization: `Bearer ${server.creds.adminToken}` } });
  assert.equal(dl.status, 200);
  assert.equal(sha(Buffer.from(await dl.arrayBuffer())), sha(readFileSync(join(branchFolder, 'montagem_4490.pdf'))));
});
