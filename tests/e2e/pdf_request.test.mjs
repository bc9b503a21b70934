// POST/DELETE /api/pdfs/:id/request and the atendimento routes, against the
// real server and PostgreSQL with no daemon connected: requests wait for the
// daemon, the per-daemon rate limit answers 429 with Retry-After, a cancel
// puts the PDF back, and the cache janitor expires a copy past its date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, indexDocuments, psql, sourceDir, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
const pdf = readFileSync(join(corpus, 'orcamento_8418_table.pdf'));
const pdfHash = createHash('sha256').update(pdf).digest('hex');

let db, server, client;
const events = [];
const ids = {};

before(async () => {
  db = createDatabase();
  server = await startServer({
    db: db.conninfo, args: ['--upload-rate-limit', '3', '--upload-rate-window-s', '600', '--janitor-interval-s', '1'],
  });
  const docs = [1, 2, 3, 4, 5].map((i) => documentFor(i));
  docs.push(documentFor(6, { fileHash: pdfHash, filename: 'orcamento_8418.pdf', fileSize: pdf.length,
    metadata: { tipo: 'orcamento', numero: '8418', cliente: 'Old event', dataEvento: '2020-01-10', valorTotal: 10 } }));
  const ack = await indexDocuments(server, docs);
  assert.equal(ack.processed, 6);
  for (const i of [1, 2, 3, 4, 5, 6]) {
    ids[i] = Number(psql(db.conninfo, `SELECT id FROM pdf_cache WHERE file_hash = '${docs[i - 1].fileHash}'`));
  }
  client = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
  client.onAny((name, payload) => events.push({ name, payload }));
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });
});

after(async () => {
  client?.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('requests need the admin token and a known PDF, and say what is wrong', async () => {
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[1]}/request`, { token: null })).status, 401);
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[1]}/request`, { token: server.creds.daemonToken })).status, 401);
  const unknown = await api(server, 'POST', '/api/pdfs/987654/request');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.code, 'not_found');
  const badPriority = await api(server, 'POST', `/api/pdfs/${ids[1]}/request`, { body: { priority: 'urgent' } });
  assert.equal(badPriority.status, 400);
  assert.match(badPriority.json.error, /priority/);
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[1]}/request`, { body: '[1,2' })).status, 400);
  assert.equal((await api(server, 'PUT', `/api/pdfs/${ids[1]}/request`)).status, 405);
});

test('a request with the daemon offline waits; asking again joins it; a cancel puts the PDF back', async () => {
  const first = await api(server, 'POST', `/api/pdfs/${ids[1]}/request`);
  assert.equal(first.status, 202, first.text);
  assert.equal(first.json.status, 'daemon_offline');
  const again = await api(server, 'POST', `/api/pdfs/${ids[1]}/request?priority=high`);
  assert.equal(again.status, 202);
  assert.equal(again.json.requestId, first.json.requestId);
  assert.equal(again.json.coalesced, true);

  const status = await api(server, 'GET', `/api/pdfs/${ids[1]}/status`);
  assert.equal(status.json.status, 'daemon_offline');
  assert.equal(status.json.requestId, first.json.requestId);
  assert.equal(status.json.transfer.priority, 'high');
  assert.equal(psql(db.conninfo, `SELECT status FROM pdf_cache WHERE id = ${ids[1]}`), 'uploading');

  const cancel = await api(server, 'DELETE', `/api/pdfs/${ids[1]}/request`);
  assert.equal(cancel.status, 200);
  assert.equal(cancel.json.requestId, first.json.requestId);
  const failed = await until('pdf:failed', () => events.find((e) => e.name === 'pdf:failed' && e.payload.requestId === first.json.requestId));
  assert.equal(failed.payload.code, 'cancelled');
  const after = await until('the PDF back in the office', async () => {
    const s = await api(server, 'GET', `/api/pdfs/${ids[1]}/status`);
    return s.json.status === 'available_local' && s.json;
  });
  assert.match(after.reason, /cancelled/);
  assert.equal(after.lastTransfer.status, 'cancelled');
  assert.equal((await api(server, 'DELETE', `/api/pdfs/${ids[1]}/request`)).status, 404);
});

test('past the per-daemon rate limit a new request gets 429 with Retry-After', async () => {
  // The cancelled request above counted: two more fit in the window of 3.
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[2]}/request`)).status, 202);
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[3]}/request`)).status, 202);
  const limited = await api(server, 'POST', `/api/pdfs/${ids[4]}/request`);
  assert.equal(limited.status, 429);
  assert.equal(limited.json.code, 'rate_limited');
  const retry = Number(limited.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 601, `Retry-After ${retry}`);
  // Joining a transfer under way is not a new upload: no limit.
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids[2]}/request`)).status, 202);
  assert.equal(psql(db.conninfo, `SELECT status FROM pdf_cache WHERE id = ${ids[4]}`), 'available_local');
});

test('the atendimento routes serve the PDF linked to it', async () => {
  const a = psql(db.conninfo, `INSERT INTO atendimentos (titulo, data_inicio) VALUES ('Festa', now()) RETURNING id`).split('\n')[0];
  const empty = psql(db.conninfo, `INSERT INTO atendimentos (titulo, data_inicio) VALUES ('Sem PDF', now()) RETURNING id`).split('\n')[0];
  psql(db.conninfo, `UPDATE pdf_cache SET atendimento_id = ${a} WHERE id = ${ids[2]}`);
  const status = await api(server, 'GET', `/api/atendimentos/${a}/pdf/status`);
  assert.equal(status.status, 200);
  assert.equal(status.json.id, ids[2]);
  const request = await api(server, 'POST', `/api/atendimentos/${a}/pdf/request`);
  assert.equal(request.status, 202);
  assert.equal(request.json.pdfId, ids[2]);
  assert.equal(request.json.coalesced, true);
  const download = await api(server, 'GET', `/api/atendimentos/${a}/pdf/download`);
  assert.equal(download.status, 409);
  assert.equal(download.json.code, 'not_cached');
  const none = await api(server, 'GET', `/api/atendimentos/${empty}/pdf/status`);
  assert.equal(none.status, 404);
  assert.equal(none.json.code, 'no_pdf');
  assert.equal((await api(server, 'GET', '/api/atendimentos/999999/pdf/status')).status, 404);
  assert.equal((await api(server, 'GET', `/api/atendimentos/${a}/pdf/status`, { token: null })).status, 401);
});

test('the janitor expires a cached copy past its date, deletes the file and tells the clients', async () => {
  // A second office with the same file (the first is offline and past its
  // rate limit) is asked for it, and uploads it as the server asked.
  const created = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Arquivo', clientId: 'office-archive' } });
  assert.equal(created.status, 201, created.text);
  const archive = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: created.json.token, clientId: 'office-archive', version: '0.1.0' },
  });
  const asked = [];
  archive.on('daemon:upload_request', (p) => asked.push(p));
  await new Promise((resolve, reject) => { archive.once('connect', resolve); archive.once('connect_error', reject); });
  const doc = documentFor(6, { fileHash: pdfHash, filename: 'orcamento_8418.pdf', fileSize: pdf.length,
    filePath: '/arquivo/orcamento_8418.pdf' });
  const indexed = await archive.timeout(5000).emitWithAck('daemon:pdf_indexed_batch', { documents: [doc] });
  assert.equal(indexed.processed, 1);
  // The clients must hear pdf:expired: a socket the 1 s ping timeout dropped
  // while psql blocked this process is back before the copy can expire.
  // (A refused reconnect is not retried by socket.io-client: ask again then.)
  await until('the admin client connected', () => {
    if (!client.connected && !client.active) client.connect();
    return client.connected;
  }, { timeout: 30000 });
  const request = await api(server, 'POST', `/api/pdfs/${ids[6]}/request`);
  assert.equal(request.status, 202, request.text);
  await until('the archive office asked', () => asked.some((p) => p.requestId === request.json.requestId));
  const form = new FormData();
  form.append('file', new Blob([pdf], { type: 'application/pdf' }), 'orcamento_8418.pdf');
  const res = await fetch(`${server.url}/api/daemon/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${created.json.token}`, 'x-request-id': request.json.requestId, 'x-file-hash': pdfHash },
    body: form,
  });
  archive.close();
  assert.equal(res.status, 200);
  const stored = (await res.json());
  assert.equal(stored.status, 'cached');
  // An event of 2020 is long past its 15 days: the copy is kept the minimum
  // (--min-keep-h, 24 h) rather than expiring at the next sweep.
  const hoursLeft = (new Date(stored.cachedUntil) - new Date()) / 3600e3;
  assert.ok(hoursLeft > 23 && hoursLeft <= 24, `kept about a day, not ${hoursLeft} h`);
  assert.equal((await api(server, 'GET', `/api/pdfs/${ids[6]}/status`)).json.status, 'cached');
  psql(db.conninfo, `UPDATE pdf_cache SET expires_at = now() - interval '1 second' WHERE id = ${ids[6]}`);
  const expired = await until('pdf:expired', () => events.find((e) => e.name === 'pdf:expired' && e.payload.pdfId === ids[6]));
  assert.equal(expired.payload.fileHash, pdfHash);
  const status = await api(server, 'GET', `/api/pdfs/${ids[6]}/status`);
  assert.equal(status.json.status, 'expired');
  assert.equal(psql(db.conninfo, `SELECT count(*) FROM pdf_cache WHERE id = ${ids[6]} AND file_path IS NULL`), '1');
  const files = psql(db.conninfo, `SELECT count(*) FROM pdf_transfers WHERE pdf_cache_id = ${ids[6]}`);
  assert.equal(files, '1');
  const left = readdirSync(join(server.dir, 'storage'), { recursive: true }).filter((f) => String(f).includes(pdfHash));
  assert.deepEqual(left, [], 'the cached file is deleted');
  const dl = await api(server, 'GET', `/api/pdfs/${ids[6]}/download`);
  assert.equal(dl.status, 409);
});
