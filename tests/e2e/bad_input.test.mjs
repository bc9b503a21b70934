// Bad input never hurts the server: each gets a clear error or a closed
// socket, the server keeps serving, and nothing stored is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, psql, startServer, until } from './harness.mjs';

let db, server;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
});

after(async () => {
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

/** A raw Engine.IO WebSocket: frames in order, and how it closed. */
function raw() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`);
  const frames = [];
  const waiters = [];
  ws.on('message', (data) => {
    frames.push(data.toString());
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  const opened = new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  return {
    ws, frames, closed, opened,
    async next(pred = () => true, timeout = 5000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const i = frames.findIndex(pred);
        if (i >= 0) return frames.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
    },
  };
}

async function authenticated() {
  const c = raw();
  await c.opened;
  await c.next((f) => f.startsWith('0{'));
  c.ws.send(`40/daemon,${JSON.stringify({ token: server.creds.daemonToken, clientId: server.creds.clientId, version: 'raw' })}`);
  const reply = await c.next((f) => f.startsWith('4'));
  assert.match(reply, /^40\/daemon,\{.*"sid":"[^"]+"/);
  return c;
}

async function stillServing() {
  const res = await api(server, 'GET', '/health', { token: null });
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'ok');
}

const closesOn = [
  ['a malformed Socket.IO packet', '4garbage'],
  ['an unknown Engine.IO type', '9hello'],
  ['an EVENT whose data is not an array', '42/daemon,{"not":"an array"}'],
  ['a binary event', '451-/daemon,["daemon:heartbeat",{"_placeholder":true,"num":0}]'],
  ['broken JSON', '42/daemon,["daemon:heartbeat",{'],
];

for (const [what, frame] of closesOn) {
  test(`${what} closes that connection and the server keeps serving`, async () => {
    const c = await authenticated();
    c.ws.send(frame);
    await c.closed;
    await stillServing();
    await (await authenticated()).ws.close();
  });
}

test('a malformed packet is logged as one JSON line with a stable event name', async () => {
  const c = await authenticated();
  c.ws.send('4garbage');
  await c.closed;
  const line = await until('sio:malformed logged', () => server.logs.find((l) => l.event === 'sio:malformed'));
  assert.equal(line.level, 'warn');
  assert.match(line.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(line.remote, '127.0.0.1');
  assert.ok(line.reason);
});

test('an event before the namespace is joined closes the socket', async () => {
  const c = raw();
  await c.opened;
  await c.next((f) => f.startsWith('0{'));
  c.ws.send('42/daemon,1["daemon:pdf_indexed",{}]');
  await c.closed;
  await stillServing();
});

test('a frame over maxPayload closes the socket', async () => {
  const c = await authenticated();
  c.ws.send(`42/daemon,["daemon:heartbeat",{"pad":"${'x'.repeat(1_100_000)}"}]`);
  await c.closed;
  await stillServing();
});

test('unknown events and invalid fields get an ack that says what is wrong, and nothing is stored', async () => {
  const c = await authenticated();
  c.ws.send('42/daemon,5["daemon:teleport",{}]');
  assert.match(await c.next((f) => f.startsWith('43/daemon,5')), /unknown event: daemon:teleport/);
  const cases = [
    [{ ...documentFor(1), fileHash: 'abc' }, /fileHash/],
    [{ ...documentFor(2), metadata: { tipo: 'orcamento', dataEvento: '2026-02-30' } }, /dataEvento/],
    [{ ...documentFor(3), metadata: { tipo: 'orcamento', valorTotal: -5 } }, /valorTotal/],
    [{ ...documentFor(4), metadata: { tipo: 'fatura' } }, /tipo/],
    [{ ...documentFor(5), filename: '../../etc/passwd' }, /filename/],
    [{ fileHash: documentFor(6).fileHash }, /filename|fileSize|filePath/],
    ['not an object', /./],
  ];
  let id = 10;
  for (const [doc, reason] of cases) {
    c.ws.send(`42/daemon,${id}${JSON.stringify(['daemon:pdf_indexed', doc])}`);
    const ack = JSON.parse((await c.next((f) => f.startsWith(`43/daemon,${id}[`))).slice(`43/daemon,${id}`.length))[0];
    assert.equal(ack.received, false, JSON.stringify(doc));
    assert.match(ack.error, reason);
    id++;
  }
  assert.equal(psql(db.conninfo, 'SELECT count(*) FROM pdf_cache'), '0');
  c.ws.close();
});

test('a flood of connections leaves the server serving and the daemon able to connect', async () => {
  const flood = [];
  for (let i = 0; i < 300; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`);
    ws.on('error', () => {});
    flood.push(ws);
  }
  await until('flood opened', () => flood.every((ws) => ws.readyState !== WebSocket.CONNECTING));
  // Half-open HTTP requests too: they must time out, not pile up.
  await stillServing();
  // The flood's address is at its connection cap (--max-connections-per-address);
  // the daemon comes from another one, as the office's would (forwarded by a
  // trusted proxy here, since every test client is 127.0.0.1).
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false, extraHeaders: { 'X-Forwarded-For': '192.0.2.10' },
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
  const ack = await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(50));
  assert.equal(ack.received, true);
  s.close();
  flood.forEach((ws) => ws.terminate());
});

test('HTTP: admin endpoints need the admin token; errors are JSON with a code', async () => {
  const anon = await api(server, 'GET', '/health/detailed', { token: null });
  assert.equal(anon.status, 401);
  assert.equal(anon.json.code, 'unauthorized');
  assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
  const wrong = await api(server, 'GET', '/api/admin/daemons', { token: server.creds.daemonToken });
  assert.equal(wrong.status, 401, 'a daemon token is not an admin token');
  const ok = await api(server, 'GET', '/health/detailed');
  assert.equal(ok.status, 200);
  assert.equal(ok.json.database.connected, true);
  assert.ok(ok.json.server.memory.rssBytes > 0);
  assert.equal((await api(server, 'GET', '/api/nope')).status, 404);
  assert.equal((await api(server, 'DELETE', '/health')).status, 405);
  const badBody = await api(server, 'POST', '/api/admin/daemon-tokens', { body: '{not json' });
  assert.equal(badBody.status, 400);
  const huge = await api(server, 'POST', '/api/admin/daemon-tokens', { body: JSON.stringify({ name: 'x'.repeat(2 << 20) }) });
  assert.equal(huge.status, 413);
  const created = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial RJ', clientId: 'filial-rj' } });
  assert.equal(created.status, 201);
  assert.match(created.json.token, /^[0-9a-f]{16}\.[0-9a-f]{64}$/);
  assert.equal(psql(db.conninfo, `SELECT count(*) FROM daemon_tokens WHERE token_hash = '${created.json.token}'`), '0', 'the token is stored hashed');
  const dup = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'again', clientId: 'filial-rj' } });
  assert.equal(dup.status, 409);
  // An id no daemon could connect with is refused when the token is made, not at the office.
  for (const clientId of ['filial rj', 'filial/rj', 'é', 'x'.repeat(101)]) {
    const bad = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial', clientId } });
    assert.equal(bad.status, 400, clientId);
    assert.match(bad.json.error, /CLIENT_ID/);
  }
  assert.equal(psql(db.conninfo, "SELECT count(*) FROM audit_log WHERE action = 'daemon_token.create'"), '1', 'the creation is audited');
});
