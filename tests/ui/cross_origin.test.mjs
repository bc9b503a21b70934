// Cross-origin Socket.IO in a real browser: Debian's Chromium loads a page
// from one origin (a small node server on port A) whose script, the stock
// socket.io-client browser bundle, connects to sio-echo on another port with
// credentials (XHR withCredentials). sio-echo allows origin A only
// (--cors-origin): from A the client talks, over long-polling alone and with
// the default transports (polling, then the upgrade to WebSocket); from a
// page on port B the browser is refused (403, no Access-Control-Allow-Origin)
// and the client reports connect_error.
//
// SIO_ECHO names the sio-echo binary (ctest sets it); any server with the
// same command line and stdout line works (the reference socket.io server
// did, before ours spoke long-polling).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { chromiumPath, launchBrowser } from './browser.mjs';

const require = createRequire(import.meta.url);
// The package's exports do not list dist/: found beside its package.json.
const bundle = readFileSync(join(dirname(require.resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js'));

// What the page does, as an application would: connect, say hello with an
// ack, send bytes and wait for them to come back, then report in
// window.result (read by the test). The options come in the query string.
const pageScript = `
const params = new URLSearchParams(location.search);
const transports = params.get('transports') ? params.get('transports').split(',') : undefined;
const timeline = [];
window.result = null;
const finish = (r) => { if (!window.result) window.result = { ...r, timeline }; };
const socket = io(params.get('server'), {
  withCredentials: true, reconnection: false, timeout: 8000, auth: { page: location.origin },
  ...(transports ? { transports } : {}),
});
window.socket = socket;
socket.io.on('open', () => {
  timeline.push({ open: socket.io.engine.transport.name });
  socket.io.engine.on('upgrade', (t) => timeline.push({ upgrade: t.name }));
});
socket.on('auth', (a) => timeline.push({ auth: a }));
socket.on('connect_error', (e) => finish({ ok: false, error: String(e && e.message), description: String(e && e.description) }));
socket.on('connect', async () => {
  timeline.push({ connect: socket.io.engine.transport.name });
  try {
    if (params.get('upgrade') === '1' && socket.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve, reject) => {
        socket.io.engine.once('upgrade', resolve);
        setTimeout(() => reject(new Error('no upgrade within 8 s')), 8000);
      });
    }
    const acked = await new Promise((resolve) => socket.emit('message-with-ack', 'olá', { n: 42 }, (...args) => resolve(args)));
    const bytes = new Uint8Array(300);
    for (let i = 0; i < bytes.length; ++i) bytes[i] = (i * 7) & 255;
    const back = await new Promise((resolve) => { socket.once('message-back', (...args) => resolve(args)); socket.emit('message', 'bin', bytes); });
    const echoed = back[1];
    const view = echoed instanceof ArrayBuffer ? new Uint8Array(echoed) : null;
    const binaryAck = await new Promise((resolve) => socket.emit('message-with-ack', new Uint8Array([0, 255, 1]), (b) => resolve(b)));
    // Several rounds, so more than one poll cycle carries the traffic.
    const rounds = [];
    for (let i = 0; i < 5; ++i) rounds.push(await new Promise((resolve) => socket.emit('message-with-ack', i, (n) => resolve(n))));
    finish({
      ok: true, transport: socket.io.engine.transport.name, acked,
      binary: { text: back[0], isArrayBuffer: echoed instanceof ArrayBuffer, same: !!view && view.length === bytes.length && view.every((b, i) => b === bytes[i]) },
      binaryAck: binaryAck instanceof ArrayBuffer ? [...new Uint8Array(binaryAck)] : String(binaryAck),
      rounds,
    });
  } catch (e) {
    finish({ ok: false, error: String(e) });
  }
});
`;

function pageServer() {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/socket.io.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(pageScript);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cross-origin</title></head>'
        + '<body><script src="/socket.io.min.js"></script><script src="/app.js"></script></body></html>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    server.origin = `http://127.0.0.1:${server.address().port}`;
    resolve(server);
  }));
}

function startEcho(args) {
  const binary = process.env.SIO_ECHO;
  if (!binary) throw new Error('SIO_ECHO must name the sio-echo binary');
  const proc = spawn(binary, ['--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('sio-echo did not report listening')), 10000);
    proc.once('exit', (code) => reject(new Error(`sio-echo exited early with ${code}`)));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let entry;
      try { entry = JSON.parse(line); } catch { return; }
      if (entry.event === 'sio-echo:listening') {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${entry.port}` });
      }
    });
  });
}

let browser, echo, siteA, siteB;
const contexts = [];

before(async () => {
  siteA = await pageServer();
  siteB = await pageServer();
  // Production-like heartbeat: the page's exchanges span several polls
  // without a ping cycle ending a slow step on a loaded machine.
  echo = await startEcho(['--cors-origin', siteA.origin, '--ping-interval-ms', '2000', '--ping-timeout-ms', '5000']);
  browser = await launchBrowser();
  console.log(`chromium ${browser.version()} (${chromiumPath}); sio-echo ${echo.url}; pages ${siteA.origin} (allowed) and ${siteB.origin}`);
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  if (echo && echo.proc.exitCode === null) {
    const exited = new Promise((r) => echo.proc.once('exit', r));
    echo.proc.kill('SIGTERM');
    await exited;
  }
  siteA?.close();
  siteB?.close();
});

/** Opens the page of `site` with these query options; returns the page, what
 *  it reported in window.result, every response from sio-echo (url, status,
 *  CORS headers) and the WebSockets it opened. */
async function runPage(site, query) {
  const context = await browser.newContext();
  contexts.push(context);
  context.setDefaultTimeout(20000);
  const page = await context.newPage();
  const responses = [];
  const failed = [];
  const sockets = [];
  const console_ = [];
  page.on('console', (m) => console_.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console_.push(`pageerror: ${e}`));
  page.on('response', async (r) => {
    if (!r.url().startsWith(echo.url)) return;
    const headers = await r.allHeaders().catch(() => r.headers());
    responses.push({ method: r.request().method(), url: r.url(), status: r.status(), acao: headers['access-control-allow-origin'], acac: headers['access-control-allow-credentials'] });
  });
  page.on('requestfailed', (r) => { if (r.url().startsWith(echo.url)) failed.push({ url: r.url(), error: r.failure()?.errorText }); });
  page.on('websocket', (ws) => sockets.push(ws.url()));
  // Chromium hands a response the CORS check refused to no page event; the
  // DevTools protocol still has its status and headers as received.
  const cdp = await context.newCDPSession(page);
  const urls = new Map();
  const raw = [];
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, { url: e.request.url, method: e.request.method }));
  cdp.on('Network.responseReceivedExtraInfo', (e) => raw.push({ requestId: e.requestId, status: e.statusCode, headers: e.headers }));
  cdp.on('Network.loadingFailed', (e) => { if (e.corsErrorStatus) raw.push({ requestId: e.requestId, cors: e.corsErrorStatus.corsError }); });
  await cdp.send('Network.enable');
  const q = new URLSearchParams({ server: echo.url, ...query });
  await page.goto(`${site.origin}/?${q}`);
  await page.waitForFunction(() => window.result !== null, null, { timeout: 20000, polling: 50 });
  const result = await page.evaluate(() => window.result);
  const wire = raw.map((r) => ({ ...urls.get(r.requestId), ...r })).filter((r) => r.url?.startsWith(echo.url));
  return { page, context, result, responses, failed, sockets, wire, console: console_ };
}

const pollingRequests = (rs) => rs.filter((r) => /[?&]transport=polling/.test(r.url));

test('from the allowed origin, long-polling only: acks and binary go both ways', async () => {
  const run = await runPage(siteA, { transports: 'polling' });
  assert.ok(run.result.ok, `the page reported: ${JSON.stringify(run.result)}\n${run.console.join('\n')}`);
  assert.equal(run.result.transport, 'polling');
  assert.deepEqual(run.result.timeline.slice(0, 2), [{ open: 'polling' }, { connect: 'polling' }]);
  assert.deepEqual(run.result.acked, ['olá', { n: 42 }]);
  assert.deepEqual(run.result.binary, { text: 'bin', isArrayBuffer: true, same: true });
  assert.deepEqual(run.result.binaryAck, [0, 255, 1]);
  assert.deepEqual(run.result.rounds, [0, 1, 2, 3, 4]);
  assert.ok(run.result.timeline.some((t) => t.auth?.page === siteA.origin), 'the auth object reached the server');
  assert.deepEqual(run.sockets, [], 'no WebSocket was opened');
  // Every answer was a GET or POST of the polling transport, each allowed
  // for origin A with credentials.
  const polls = pollingRequests(run.responses);
  assert.ok(polls.some((r) => r.method === 'POST') && polls.some((r) => r.method === 'GET'), JSON.stringify(run.responses));
  for (const r of polls.filter((x) => x.method !== 'OPTIONS')) {
    assert.equal(r.status, 200, JSON.stringify(r));
    assert.equal(r.acao, siteA.origin, JSON.stringify(r));
    assert.equal(r.acac, 'true', JSON.stringify(r));
  }
  assert.deepEqual(run.failed.filter((f) => !/ERR_ABORTED/.test(f.error ?? '')), [], 'no request failed');
  await run.context.close();
});

test('from the allowed origin with the default transports: polling first, then the upgrade to WebSocket', async () => {
  const run = await runPage(siteA, { upgrade: '1' });
  assert.ok(run.result.ok, `the page reported: ${JSON.stringify(run.result)}\n${run.console.join('\n')}`);
  assert.deepEqual(run.result.timeline[0], { open: 'polling' }, 'opened over polling first');
  assert.ok(run.result.timeline.some((t) => t.upgrade === 'websocket'), JSON.stringify(run.result.timeline));
  assert.equal(run.result.transport, 'websocket', 'then upgraded');
  assert.deepEqual(run.result.acked, ['olá', { n: 42 }]);
  assert.deepEqual(run.result.binary, { text: 'bin', isArrayBuffer: true, same: true });
  assert.deepEqual(run.result.binaryAck, [0, 255, 1]);
  assert.deepEqual(run.result.rounds, [0, 1, 2, 3, 4]);
  assert.equal(run.sockets.length, 1, `one WebSocket: ${JSON.stringify(run.sockets)}`);
  assert.match(run.sockets[0], /transport=websocket&sid=/);
  const handshake = pollingRequests(run.responses).find((r) => r.method === 'GET' && !/[?&]sid=/.test(r.url));
  assert.ok(handshake, JSON.stringify(run.responses));
  assert.equal(handshake.status, 200);
  assert.equal(handshake.acao, siteA.origin);
  // Still there a little later, on the WebSocket.
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await run.page.evaluate(() => window.socket.connected && window.socket.io.engine.transport.name), 'websocket');
  await run.context.close();
});

test('from an origin the server was not told about: refused, and the client says connect_error', async () => {
  const run = await runPage(siteB, { transports: 'polling' });
  assert.equal(run.result.ok, false, JSON.stringify(run.result));
  assert.equal(run.result.error, 'xhr poll error', JSON.stringify(run.result));
  assert.deepEqual(run.result.timeline, [], 'never opened');
  // The server refused: 403 with no Access-Control-Allow-Origin, so the
  // browser kept the answer from the page (MissingAllowOriginHeader). The
  // page itself sees no response at all, only the failed request.
  const answers = run.wire.filter((w) => w.status !== undefined && /[?&]transport=polling/.test(w.url));
  assert.ok(answers.length >= 1, `the browser got an answer: ${JSON.stringify(run.wire)}`);
  for (const a of answers) {
    assert.equal(a.status, 403, JSON.stringify(a));
    const names = Object.keys(a.headers).map((h) => h.toLowerCase());
    assert.ok(!names.includes('access-control-allow-origin'), JSON.stringify(a));
    const blocked = run.wire.find((w) => w.requestId === a.requestId && w.cors);
    assert.equal(blocked?.cors, 'MissingAllowOriginHeader', JSON.stringify(run.wire));
  }
  assert.deepEqual(pollingRequests(run.responses), [], 'the page saw no answer');
  assert.ok(run.failed.length >= 1, 'the page saw the request fail');
  assert.deepEqual(run.sockets, []);
  // Chromium names the reason in the console.
  assert.ok(run.console.some((l) => /CORS policy/.test(l) && l.includes(siteB.origin)), run.console.join('\n'));
  await run.context.close();
});
