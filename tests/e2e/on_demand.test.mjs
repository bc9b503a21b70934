// The on-demand path end to end, with the real daemon on a folder of real
// PDFs, the real server and PostgreSQL: a request makes the daemon upload the
// file, the clients hear progress and ready, and the download is the office's
// file byte for byte. The daemon reaches the server through a TCP proxy the
// tests use to cut an upload midway.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, psql, sourceDir, startDaemon, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
const files = {
  'orcamento_3061.pdf': 'orcamento_3061_lines.pdf',
  'orcamento_8854.pdf': 'orcamento_8854_lines.pdf',
  'montagem_4490.pdf': 'montagem_4490_lines.pdf',
  'orcamento_9785.pdf': 'orcamento_9785_lines.pdf',
  'os_6380.pdf': 'OS Construtora nº 6380.pdf',
  'montagem_2478.pdf': 'montagem_2478_html.pdf',
};

let db, server, folder, proxy, daemon, client;
const events = [];

/** A TCP proxy to the server that can cut the next upload after some bytes. */
function startProxy(port) {
  const state = { cutNext: 0, cutAfter: 0, cuts: 0, stallNext: 0, stalls: 0 };
  const srv = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    let seen = 0;
    let cutting = null;
    let stalling = false;
    inbound.on('data', (chunk) => {
      if (cutting === null) {
        const upload = chunk.toString('latin1').startsWith('POST /api/daemon/upload');
        cutting = upload && state.cutNext > 0;
        if (cutting) state.cutNext -= 1;
        stalling = upload && !cutting && state.stallNext > 0;
        if (stalling) { state.stallNext -= 1; state.stalls += 1; }
      }
      if (stalling) return; // swallowed: the upload hangs
      seen += chunk.length;
      if (cutting && seen > state.cutAfter) {
        state.cuts += 1;
        outbound.destroy();
        inbound.destroy();
        return;
      }
      outbound.write(chunk);
    });
    outbound.on('data', (chunk) => inbound.write(chunk));
    const end = () => { inbound.destroy(); outbound.destroy(); };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => {
    resolve({ state, url: `http://127.0.0.1:${srv.address().port}`, close: () => srv.close() });
  }));
}

function waitFor(name, pred, timeout = 20000) {
  return until(`${name} event`, () => events.find((e) => e.name === name && pred(e.payload)), { timeout });
}

async function pdfIdOf(filename) {
  const list = await api(server, 'GET', '/api/pdfs?pageSize=100');
  const item = list.json.items.find((i) => i.filename === filename);
  assert.ok(item, `${filename} is indexed`);
  return item.id;
}

async function download(id) {
  const res = await fetch(`${server.url}/api/pdfs/${id}/download`, {
    headers: { authorization: `Bearer ${server.creds.adminToken}` },
  });
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

/** Stops the daemon and waits until the server has seen it leave. */
async function stopDaemon() {
  await daemon.stop();
  await until('the daemon offline', async () => {
    const list = await api(server, 'GET', '/api/admin/daemons');
    return list.json.daemons.every((d) => d.status === 'offline');
  });
}

function daemonRequests(requestId) {
  return daemon.logs.filter((l) => l.event === 'upload:request' && l.requestId === requestId).length;
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--upload-stall-ms', '5000'] });
  folder = mkdtempSync(join(tmpdir(), 'siberius-office-'));
  for (const [name, source] of Object.entries(files)) copyFileSync(join(corpus, source), join(folder, name));
  proxy = await startProxy(server.port);
  daemon = startDaemon(server, { folder, url: process.env.E2E_DIRECT ? server.url : proxy.url });
  client = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
  client.onAny((name, payload) => events.push({ name, payload }));
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });
  await until('the folder indexed', async () => (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.total === 6,
    { timeout: 30000 });
});

after(async () => {
  if (process.env.E2E_DUMP) {
    for (const l of daemon?.logs ?? []) if (/upload|error/.test(l.event)) console.log('daemon', JSON.stringify(l));
    for (const l of server?.logs ?? []) if (/upload|transfer|pdf:/.test(l.event)) console.log('server', JSON.stringify(l));
  }
  client?.close();
  await daemon?.stop();
  proxy?.close();
  await server?.stop();
  server?.cleanup();
  if (folder) rmSync(folder, { recursive: true, force: true });
  db?.drop();
});

test('request → progress → ready → the download is the office file byte for byte', async () => {
  const id = await pdfIdOf('orcamento_3061.pdf');
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`, { body: { priority: 'high' } });
  assert.equal(res.status, 202, res.text);
  const { requestId } = res.json;
  assert.match(requestId, /^req-[0-9a-f]{16}$/);
  assert.equal(res.json.status, 'uploading');

  const ready = await waitFor('pdf:ready', (p) => p.requestId === requestId);
  assert.equal(ready.payload.pdfId, id);
  assert.equal(ready.payload.pdfUrl, `/api/pdfs/${id}/download`);
  assert.match(ready.payload.expiresAt, /^\d{4}-\d\d-\d\dT/);
  const progress = events.filter((e) => e.name === 'pdf:upload_progress' && e.payload.requestId === requestId);
  assert.ok(progress.length >= 1, 'progress was reported');
  assert.equal(progress.at(-1).payload.percent, 100);
  assert.ok(events.indexOf(progress.at(-1)) < events.indexOf(ready), 'progress comes before ready');

  const original = readFileSync(join(folder, 'orcamento_3061.pdf'));
  assert.ok((await download(id)).equals(original));
  const status = await api(server, 'GET', `/api/pdfs/${id}/status`);
  assert.equal(status.json.status, 'cached');
  assert.equal(status.json.progress, 100);
  assert.equal(psql(db.conninfo, `SELECT status || ' ' || bytes_transferred FROM pdf_transfers WHERE pdf_cache_id = ${id} AND transfer_type = 'upload'`),
    `completed ${original.length}`);

  // Asked again: already cached, answered at once.
  const again = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(again.status, 200);
  assert.equal(again.json.status, 'cached');
  assert.equal(again.json.pdfUrl, `/api/pdfs/${id}/download`);
});

test('ten requests at once for one PDF cause one upload', async () => {
  const id = await pdfIdOf('orcamento_8854.pdf');
  const answers = await Promise.all(Array.from({ length: 10 }, () => api(server, 'POST', `/api/pdfs/${id}/request`)));
  for (const a of answers) assert.equal(a.status, 202, a.text);
  const ids = new Set(answers.map((a) => a.json.requestId));
  assert.equal(ids.size, 1, 'every caller got the same requestId');
  assert.equal(answers.filter((a) => a.json.coalesced).length, 9);
  const [requestId] = ids;
  await waitFor('pdf:ready', (p) => p.requestId === requestId);
  assert.equal(psql(db.conninfo, `SELECT count(*) FROM pdf_transfers WHERE pdf_cache_id = ${id} AND transfer_type = 'upload'`), '1');
  assert.equal(daemonRequests(requestId), 1, 'the daemon was asked once');
  assert.ok((await download(id)).equals(readFileSync(join(folder, 'orcamento_8854.pdf'))));
});

test('an upload cut midway is retried and completes', async () => {
  const id = await pdfIdOf('montagem_4490.pdf');
  proxy.state.cutNext = 1;
  proxy.state.cutAfter = 16 * 1024;
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202);
  const { requestId } = res.json;
  await waitFor('pdf:ready', (p) => p.requestId === requestId);
  assert.equal(proxy.state.cuts, 1, 'the first attempt was cut');
  assert.ok(daemon.logs.some((l) => l.event === 'upload:attempt:failed' && l.requestId === requestId),
    'the daemon saw the attempt fail');
  const rows = psql(db.conninfo, `SELECT status FROM pdf_transfers WHERE pdf_cache_id = ${id} AND transfer_type = 'upload' ORDER BY id`);
  assert.equal(rows, 'failed\ncompleted');
  assert.ok((await download(id)).equals(readFileSync(join(folder, 'montagem_4490.pdf'))));
  const left = psql(db.conninfo, `SELECT count(*) FROM pdf_cache WHERE status = 'uploading'`);
  assert.equal(left, '0');
});

test('a stalled upload is asked for again, the daemon restarts it, and it completes', async () => {
  const id = await pdfIdOf('montagem_2478.pdf');
  proxy.state.stallNext = 1;
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202);
  const { requestId } = res.json;
  // The server's stall timer (5 s here) asks again; the daemon drops the hung upload and starts over.
  await waitFor('pdf:ready', (p) => p.requestId === requestId, 30000);
  assert.equal(proxy.state.stalls, 1);
  assert.ok(server.logs.some((l) => l.event === 'pdf:upload:stalled' && l.requestId === requestId));
  assert.ok((await download(id)).equals(readFileSync(join(folder, 'montagem_2478.pdf'))));
});

test('a cancel stops the upload on the daemon and puts the PDF back', async () => {
  const id = await pdfIdOf('orcamento_9785.pdf');
  proxy.state.stallNext = 1;
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202);
  const { requestId } = res.json;
  await until('the daemon uploading', () => proxy.state.stalls === 2);
  const cancel = await api(server, 'DELETE', `/api/pdfs/${id}/request`);
  assert.equal(cancel.status, 200);
  const failed = await waitFor('pdf:failed', (p) => p.requestId === requestId);
  assert.equal(failed.payload.code, 'cancelled');
  await until('the daemon stopping the upload',
    () => daemon.logs.some((l) => l.event === 'upload:cancelled' && l.requestId === requestId));
  const status = await until('the PDF back in the office', async () => {
    const s = await api(server, 'GET', `/api/pdfs/${id}/status`);
    return s.json.status === 'available_local' && s.json;
  });
  assert.equal(status.lastTransfer.status, 'cancelled');
  assert.ok(!events.some((e) => e.name === 'pdf:ready' && e.payload.requestId === requestId));
});

test('a request while the daemon is offline waits, then is served when it reconnects', async () => {
  const id = await pdfIdOf('orcamento_9785.pdf');
  await stopDaemon();
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202);
  assert.equal(res.json.status, 'daemon_offline');
  const { requestId } = res.json;
  const waiting = await api(server, 'GET', `/api/pdfs/${id}/status`);
  assert.equal(waiting.json.status, 'daemon_offline');
  assert.equal(waiting.json.requestId, requestId);

  daemon = startDaemon(server, { folder, url: proxy.url });
  await waitFor('pdf:ready', (p) => p.requestId === requestId, 30000);
  assert.ok((await download(id)).equals(readFileSync(join(folder, 'orcamento_9785.pdf'))));
});

test('a file deleted in the office while the daemon was away ends missing', async () => {
  const id = await pdfIdOf('os_6380.pdf');
  await stopDaemon();
  unlinkSync(join(folder, 'os_6380.pdf'));
  const res = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(res.status, 202);
  const { requestId } = res.json;

  daemon = startDaemon(server, { folder, url: proxy.url });
  const failed = await waitFor('pdf:failed', (p) => p.requestId === requestId, 30000);
  assert.equal(failed.payload.code, 'file_missing');
  assert.match(failed.payload.reason, /no file with this hash/);
  const status = await until('status missing', async () => {
    const s = await api(server, 'GET', `/api/pdfs/${id}/status`);
    return s.json.status === 'missing' && s.json;
  });
  assert.equal(status.status, 'missing');
  const again = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(again.status, 409);
  assert.equal(again.json.code, 'missing');
});
