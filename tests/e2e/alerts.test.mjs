// Storage and alerts against the real server and PostgreSQL: a cache past its
// capacity refuses uploads with 507 storage_full (the client hears pdf:failed
// with the reason) and new requests too; the admins' socket hears
// alert:raised, GET /api/admin/alerts lists it (admins only), and the webhook
// gets the same alert as a JSON POST, again after a first answer of 500.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, indexDocuments, psql, sourceDir, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
const pdfA = readFileSync(join(corpus, 'OS Diego nº 70999.pdf'));
const pdfB = readFileSync(join(corpus, 'OS Eventos nº 19570.pdf'));
const pdfC = readFileSync(join(corpus, 'MONTAGEM Construtora nº 8038.pdf'));
const sha = (b) => createHash('sha256').update(b).digest('hex');

let db, server, daemon, admin, hook;
const asked = [];   // daemon:upload_request payloads
const events = [];  // what the admin's /client socket heard
const posts = [];   // bodies the webhook received
const ids = {};

before(async () => {
  // The webhook: the first POST fails with 500, the rest are taken.
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      posts.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
      res.statusCode = posts.length === 1 ? 500 : 204;
      res.end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  db = createDatabase();
  // Room for one PDF (A) and not two: once A is cached the cache is full.
  const capacityGb = (pdfA.length - 100) / 1024 ** 3;
  server = await startServer({
    db: db.conninfo,
    args: ['--cache-capacity-gb', String(capacityGb), '--min-free-disk-mb', '0', '--storage-check-s', '1',
      '--alert-webhook', `http://127.0.0.1:${hook.address().port}/hooks/siberius`],
  });
  const docs = [[pdfA, 'os_70999.pdf', 1], [pdfB, 'os_19570.pdf', 2], [pdfC, 'montagem_8038.pdf', 3]]
    .map(([bytes, filename, i]) => documentFor(i, { fileHash: sha(bytes), filename, fileSize: bytes.length }));
  assert.equal((await indexDocuments(server, docs)).processed, 3);
  for (const [name, bytes] of [['a', pdfA], ['b', pdfB], ['c', pdfC]])
    ids[name] = Number(psql(db.conninfo, `SELECT id FROM pdf_cache WHERE file_hash = '${sha(bytes)}'`));
  daemon = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  daemon.on('daemon:upload_request', (p) => asked.push(p));
  await new Promise((resolve, reject) => { daemon.once('connect', resolve); daemon.once('connect_error', reject); });
  admin = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
  admin.onAny((name, payload) => events.push({ name, payload }));
  await new Promise((resolve, reject) => { admin.once('connect', resolve); admin.once('connect_error', reject); });
});

after(async () => {
  admin?.close();
  daemon?.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
  hook?.close();
});

async function upload(bytes, requestId, name) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const res = await fetch(`${server.url}/api/daemon/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.creds.daemonToken}`, 'x-request-id': requestId, 'x-file-hash': sha(bytes) },
    body: form,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

async function request(id) {
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  if (res.status === 202)
    await until('the daemon asked', () => asked.some((p) => p.requestId === res.json.requestId));
  return res;
}

test('a full cache refuses uploads with 507, raises an alert for admins and the webhook', async () => {
  // Both asked while the cache is empty.
  const a = await request(ids.a);
  const b = await request(ids.b);
  assert.equal(a.status, 202, a.text);
  assert.equal(b.status, 202, b.text);
  const first = await upload(pdfA, a.json.requestId, 'os_70999.pdf');
  assert.equal(first.status, 200, first.text);

  // The monitor sees the cache at its capacity: the admins hear it.
  const raised = await until('alert:raised', () =>
    events.find((e) => e.name === 'alert:raised' && e.payload.kind === 'cache_capacity'));
  assert.equal(raised.payload.severity, 'critical');
  assert.match(raised.payload.message, /capacity/);
  assert.equal(raised.payload.clearedAt, null);

  // B's upload, asked before, is refused and its transfer ends for good.
  const refused = await upload(pdfB, b.json.requestId, 'os_19570.pdf');
  assert.equal(refused.status, 507, refused.text);
  assert.equal(refused.json.code, 'storage_full');
  assert.match(refused.json.error, /cache is full/);
  const failed = await until('pdf:failed', () =>
    events.find((e) => e.name === 'pdf:failed' && e.payload.requestId === b.json.requestId));
  assert.equal(failed.payload.code, 'storage_full');
  assert.equal(failed.payload.reason, refused.json.error);
  await until('B back in the office', () =>
    psql(db.conninfo, `SELECT status FROM pdf_cache WHERE id = ${ids.b}`) === 'available_local');
  assert.equal(psql(db.conninfo, `SELECT count(*) FROM pdf_cache WHERE status = 'cached'`), '1');

  // A new request while full gets the same answer at once; a cached copy is still served.
  const c = await api(server, 'POST', `/api/pdfs/${ids.c}/request`);
  assert.equal(c.status, 507, c.text);
  assert.equal(c.json.code, 'storage_full');
  assert.equal((await api(server, 'POST', `/api/pdfs/${ids.a}/request`)).status, 200);

  // Listed for admins, and written to PostgreSQL.
  const list = await api(server, 'GET', '/api/admin/alerts');
  assert.equal(list.status, 200, list.text);
  const listed = list.json.active.find((x) => x.kind === 'cache_capacity');
  assert.ok(listed, list.text);
  assert.equal(listed.id, raised.payload.id);
  assert.equal(listed.details.capacityBytes, pdfA.length - 100);
  await until('the alert in PostgreSQL', () =>
    psql(db.conninfo, `SELECT kind FROM alerts WHERE id = '${listed.id}' AND cleared_at IS NULL`) === 'cache_capacity');

  // The webhook: refused once with 500, then delivered again with the same alert.
  const delivered = await until('the webhook retried', () => {
    const mine = posts.filter((p) => p.body.event === 'alert:raised' && p.body.alert.id === listed.id);
    return mine.length >= 2 && mine;
  }, { timeout: 15000 });
  assert.equal(posts[0].body.alert.id, listed.id, 'the first POST was this alert (answered 500)');
  assert.equal(delivered[1].path, '/hooks/siberius');
  assert.equal(delivered[1].type, 'application/json');
  assert.equal(delivered[1].body.alert.kind, 'cache_capacity');
  assert.deepEqual(delivered[1].body, delivered[0].body);
});

test('only admins read the alerts', async () => {
  assert.equal((await api(server, 'GET', '/api/admin/alerts', { token: null })).status, 401);
  const made = await api(server, 'POST', '/api/admin/api-tokens', { body: { name: 'tecnico script', role: 'tecnico' } });
  assert.equal(made.status, 201, made.text);
  const tech = await api(server, 'GET', '/api/admin/alerts', { token: made.json.token });
  assert.equal(tech.status, 403);
  assert.equal(tech.json.code, 'forbidden');
  assert.equal((await api(server, 'POST', '/api/admin/alerts')).status, 405);
});
