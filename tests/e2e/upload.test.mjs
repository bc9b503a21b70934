// POST /api/daemon/upload with real PDFs: a good upload becomes the cached
// copy, and every bad one is refused with its reason and leaves no file. The
// office daemon is a stock socket.io client here: uploads answer the
// daemon:upload_request the server sent it, as the real daemon's do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, indexDocuments, psql, sleep, sourceDir, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
const good = readFileSync(join(corpus, 'orcamento_3061_lines.pdf'));
const notPdf = Buffer.from('this is plain text, not a PDF at all\n');
const truncated = readFileSync(join(corpus, 'bad_truncated.pdf'));
const sha = (b) => createHash('sha256').update(b).digest('hex');

let db, server, storage, daemon;
const asked = [];           // the daemon:upload_request payloads
const finished = new Set(); // request ids of transfers a final rejection ended

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--max-upload-mb', '1'] });
  storage = join(server.dir, 'storage');
  const docs = [
    documentFor(1, { fileHash: sha(good), filename: 'orcamento_3061_lines.pdf' }),
    documentFor(2, { fileHash: sha(notPdf), filename: 'notes.pdf' }),
    documentFor(3, { fileHash: sha(truncated), filename: 'bad_truncated.pdf' }),
  ];
  const ack = await indexDocuments(server, docs);
  assert.equal(ack.processed, 3);
  daemon = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  daemon.on('daemon:upload_request', (p) => asked.push(p));
  await new Promise((resolve, reject) => { daemon.once('connect', resolve); daemon.once('connect_error', reject); });
});

after(async () => {
  daemon?.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

/** Every file under the storage folder, relative paths. */
function stored() {
  const out = [];
  const walk = (dir, rel) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), join(rel, e.name));
      else out.push(join(rel, e.name));
    }
  };
  walk(storage, '');
  return out.sort();
}

/** Requests the PDF indexed with `hash` and returns the requestId the daemon
 *  was asked with (a transfer in flight: an upload under it is accepted). */
async function requestFor(hash) {
  const id = psql(db.conninfo, `SELECT id FROM pdf_cache WHERE file_hash = '${hash}'`);
  for (;;) {
    const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
    assert.equal(res.status, 202, res.text);
    const { requestId } = res.json;
    if (!finished.has(requestId)) {
      await until('the daemon asked', () => asked.some((p) => p.requestId === requestId));
      return requestId;
    }
    await sleep(50); // the transfer a rejection ended is still winding down
  }
}

const final = new Set(['hash_mismatch', 'not_a_pdf', 'bad_name', 'too_large']);

async function upload(bytes, { name = 'orcamento_3061_lines.pdf', hash = sha(bytes), token = server.creds.daemonToken, requestId } = {}) {
  requestId ??= await requestFor(hash);
  const form = new FormData();
  form.append('requestId', requestId);
  form.append('file', new Blob([bytes], { type: 'application/pdf' }), name);
  const res = await fetch(`${server.url}/api/daemon/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId, 'x-file-hash': hash },
    body: form,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (final.has(json?.code)) finished.add(requestId);
  return { status: res.status, json, text };
}

function transfers() {
  return psql(db.conninfo, "SELECT status || ':' || coalesce(bytes_transferred, -1) || ':' || coalesce(error_message, '') FROM pdf_transfers ORDER BY id")
    .split('\n').filter(Boolean);
}

test('bad uploads are refused with their reason and leave nothing behind', async () => {
  const mismatch = await upload(good, { hash: sha(notPdf), requestId: await requestFor(sha(notPdf)) });
  assert.equal(mismatch.status, 422);
  assert.equal(mismatch.json.code, 'hash_mismatch');

  const text = await upload(notPdf, { name: 'notes.pdf' });
  assert.equal(text.status, 422);
  assert.equal(text.json.code, 'not_a_pdf');

  const cut = await upload(truncated, { name: 'bad_truncated.pdf' });
  assert.equal(cut.status, 422);
  assert.match(cut.json.error, /truncated/);

  for (const name of ['../../etc/evil.pdf', 'a/b.pdf', '..\\evil.pdf', 'orcamento.exe']) {
    const bad = await upload(good, { name });
    assert.equal(bad.status, 422, name);
    assert.equal(bad.json.code, 'bad_name', name);
  }

  const stranger = await upload(good, { token: 'abcdef0123456789.' + '0'.repeat(64), requestId: 'req-x' });
  assert.equal(stranger.status, 401);
  const admin = await upload(good, { token: server.creds.adminToken, requestId: 'req-x' });
  assert.equal(admin.status, 401);
  const unknown = await upload(Buffer.from('%PDF-1.4 unknown'), { requestId: 'req-x' });
  assert.equal(unknown.status, 404);
  const badHash = await upload(good, { hash: 'xyz', requestId: 'req-x' });
  assert.equal(badHash.status, 400);

  // Larger than --max-upload-mb by its Content-Length: 413 before any byte is read.
  const big = await upload(Buffer.concat([good, Buffer.alloc(2 * 1024 * 1024)]), { requestId: 'req-x' });
  assert.equal(big.status, 413);

  // Not asked for: a made-up request id, or one the server asked for another file.
  const pushed = await upload(good, { requestId: 'req-made-up' });
  assert.equal(pushed.status, 409);
  assert.equal(pushed.json.code, 'not_requested');
  const other = await requestFor(sha(truncated));
  const crossed = await upload(good, { requestId: other });
  assert.equal(crossed.status, 409);
  assert.equal(crossed.json.code, 'not_requested');
  await api(server, 'DELETE', `/api/pdfs/${psql(db.conninfo, `SELECT id FROM pdf_cache WHERE file_hash = '${sha(truncated)}'`)}/request`);
  await until('the cancelled transfer recorded', () => transfers().some((t) => t.startsWith('cancelled:')));

  assert.deepEqual(stored().filter((f) => !f.startsWith('tmp')), []);
  assert.deepEqual(stored(), []);
  const failed = transfers();
  assert.ok(failed.length >= 7, JSON.stringify(failed));
  assert.ok(failed.every((t) => t.startsWith('failed:') || t.startsWith('cancelled:')), JSON.stringify(failed));
});

test('an upload cut off midway leaves no file', async () => {
  const before = transfers().length;
  const requestId = await requestFor(sha(good));
  const boundary = 'xYzBoundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="orcamento_3061_lines.pdf"\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), good, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  await new Promise((resolve) => {
    const sock = connect(server.port, '127.0.0.1', () => {
      sock.write(`POST /api/daemon/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.creds.daemonToken}\r\n` +
        `X-Request-Id: ${requestId}\r\nX-File-Hash: ${sha(good)}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: ${body.length}\r\n\r\n`);
      setTimeout(() => { sock.write(body.subarray(0, body.length / 2)); setTimeout(() => { sock.destroy(); resolve(); }, 200); }, 200);
    });
    sock.on('error', () => {});
  });
  await until('the cut upload is recorded as failed', async () => transfers().length > before);
  assert.match(transfers().at(-1), /^failed:/);
  assert.deepEqual(stored(), []);
});

test('a good upload becomes the cached copy, byte for byte', async () => {
  const res = await upload(good);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'cached');
  assert.equal(res.json.bytes, good.length);
  assert.equal(res.json.fileHash, sha(good));
  const files = stored();
  assert.equal(files.length, 1);
  // Every upload has a name of its own, so expiring one copy never deletes another.
  assert.match(files[0], new RegExp(`^\\d{4}/\\d{2}/${sha(good)}-[0-9a-f]{16}_orcamento_3061_lines\\.pdf$`));
  assert.ok(readFileSync(join(storage, files[0])).equals(good));
  assert.equal(statSync(join(storage, files[0])).size, good.length);

  const status = await api(server, 'GET', `/api/pdfs/${res.json.pdfId}/status`);
  assert.equal(status.json.status, 'cached');
  assert.equal(status.json.cachedUntil, res.json.cachedUntil);
  assert.equal(transfers().at(-1), `completed:${good.length}:`);
  const uploaded = psql(db.conninfo, `SELECT pdfs_uploaded FROM daemon_clients WHERE client_id = '${server.creds.clientId}'`);
  assert.equal(uploaded.trim(), '1');
});

test('the cached copy downloads whole, in ranges, and only for admins', async () => {
  const list = await api(server, 'GET', `/api/pdfs?numero=1`);
  const id = list.json.items[0].id;
  assert.equal(list.json.items[0].status, 'cached');
  const auth = { authorization: `Bearer ${server.creds.adminToken}` };
  const url = `${server.url}/api/pdfs/${id}/download`;

  const whole = await fetch(url, { headers: auth });
  assert.equal(whole.status, 200);
  const bytes = Buffer.from(await whole.arrayBuffer());
  assert.ok(bytes.equals(good));
  assert.equal(whole.headers.get('content-type'), 'application/pdf');
  assert.equal(whole.headers.get('etag'), `"${sha(good)}"`);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.match(whole.headers.get('content-disposition'), /^attachment; filename="orcamento_3061_lines\.pdf"/);

  const head = await fetch(url, { method: 'HEAD', headers: auth });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), good.length);

  const part = await fetch(url, { headers: { ...auth, range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 100-199/${good.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(good.subarray(100, 200)));
  const tail = await fetch(url, { headers: { ...auth, range: 'bytes=-50' } });
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(good.subarray(good.length - 50)));
  const beyond = await fetch(url, { headers: { ...auth, range: `bytes=${good.length}-` } });
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), `bytes */${good.length}`);
  const same = await fetch(url, { headers: { ...auth, 'if-none-match': `"${sha(good)}"` } });
  assert.equal(same.status, 304);

  assert.equal((await fetch(url)).status, 401);
  assert.equal((await fetch(url, { headers: { authorization: `Bearer ${server.creds.daemonToken}` } })).status, 401);
  const notCached = (await api(server, 'GET', '/api/pdfs?numero=2')).json.items[0].id;
  const conflict = await fetch(`${server.url}/api/pdfs/${notCached}/download`, { headers: auth });
  assert.equal(conflict.status, 409);
  assert.equal((await conflict.json()).code, 'not_cached');
  assert.equal((await fetch(`${server.url}/api/pdfs/99999999/download`, { headers: auth })).status, 404);

  const downloads = psql(db.conninfo, `SELECT count(*) || ':' || sum(bytes_transferred) FROM pdf_transfers WHERE transfer_type = 'download'`);
  assert.equal(downloads, `3:${good.length + 100 + 50}`);
  assert.equal(psql(db.conninfo, `SELECT last_accessed IS NOT NULL FROM pdf_cache WHERE id = ${id}`), 't');
});
