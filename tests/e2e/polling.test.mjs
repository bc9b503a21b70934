// The stock socket.io-client in its default configuration (HTTP long-polling
// first, then the upgrade to WebSocket) against the real server and
// PostgreSQL: a daemon's first exchanges and a user's or a browser session's
// /client socket answered before and after the upgrade, a polling-only admin
// screen receiving live events, and wrong credentials refused exactly as over
// WebSocket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, psql, startServer, until } from './harness.mjs';
// The interop suite's proxy (node built-ins only): it holds the WebSocket
// upgrade until a test releases it, so some exchanges surely go over polling.
import { startProxy } from '../interop/proxy.mjs';

let db, server, own;
const sockets = [];
const proxies = [];
const badToken = '0123456789abcdef.' + '0'.repeat(64);

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  own = server.url;
  const res = await api(server, 'POST', '/api/admin/users', {
    body: { login: 'ana', role: 'tecnico', nome: 'Ana', password: 'ana-password-1' },
  });
  assert.equal(res.status, 201, res.text);
});

after(async () => {
  for (const s of sockets) s.close();
  for (const p of proxies) await p.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

async function heldProxy() {
  const p = await startProxy(server.url, { upgrade: 'hold' });
  proxies.push(p);
  return p;
}

/** The stock client with its defaults unless `opts` says otherwise; every event it receives is kept. */
function open(url, nsp, opts = {}) {
  const s = io(`${url}${nsp}`, { reconnection: false, forceNew: true, ...opts });
  sockets.push(s);
  s.events = [];
  s.onAny((name, payload) => s.events.push({ name, payload }));
  const engine = s.io.engine;
  s.openedOn = new Promise((resolve) => engine.once('open', () => resolve(engine.transport.name)));
  return s;
}

function connected(s) {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

function refused(s) {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected, expected a refusal')));
    s.once('connect_error', resolve);
  });
}

function upgraded(s) {
  const engine = s.io.engine;
  if (engine.transport.name === 'websocket') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no upgrade within 15 s')), 15000);
    engine.once('upgrade', () => { clearTimeout(timer); resolve(); });
  });
}

const transportOf = (s) => s.io.engine.transport.name;

const daemonAuth = (extra = {}) => ({ token: server.creds.daemonToken, clientId: server.creds.clientId, version: 'polling-e2e', ...extra });

async function login(user, password) {
  const res = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: user, password } });
  assert.equal(res.status, 200, res.text);
  return res.json.token;
}

/** A browser login from our own page: the session cookie. */
async function browserCookie() {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: own },
    body: JSON.stringify({ login: 'admin', password: server.creds.adminPassword, cookie: true }),
  });
  assert.equal(res.status, 200, await res.text());
  return res.headers.get('set-cookie').split(';')[0];
}

const daemonRow = async () =>
  (await api(server, 'GET', '/api/admin/daemons')).json.daemons.find((d) => d.clientId === server.creds.clientId);

test('a daemon opening on polling gets its first exchanges answered before and after the upgrade', async () => {
  const p = await heldProxy();
  const s = open(p.url, '/daemon', { auth: daemonAuth(), extraHeaders: { 'x-forwarded-for': '198.51.100.20' } });
  await connected(s);
  assert.equal(await s.openedOn, 'polling');
  assert.equal(transportOf(s), 'polling');
  // What the daemon sends first: a heartbeat, its stat check, what it indexed.
  const beat = await s.timeout(10000).emitWithAck('daemon:heartbeat', { version: 'polling-e2e', hostname: 'ESCRITORIO-POLL' });
  assert.equal(beat.ok, true, JSON.stringify(beat));
  assert.ok(!Number.isNaN(Date.parse(beat.serverTime)));
  const first = documentFor(501, { fileMtimeMs: 1714550000123 });
  const check = await s.timeout(10000).emitWithAck('daemon:stat_check', {
    files: [{ filePath: first.filePath, fileSize: first.fileSize, mtimeMs: first.fileMtimeMs }],
  });
  assert.deepEqual(check, { known: [] });
  const batch = await s.timeout(10000).emitWithAck('daemon:pdf_indexed_batch', { documents: [first] });
  assert.equal(batch.processed, 1, JSON.stringify(batch));
  assert.equal(batch.results[0].status, 'indexed');
  let row = await daemonRow();
  assert.equal(row.status, 'online');
  assert.equal(row.remoteAddr, '198.51.100.20', 'the forwarded address, as over WebSocket');
  assert.equal(transportOf(s), 'polling', 'all of that went over polling');

  // Documents sent while the transport changes, and after.
  p.release();
  const upgrade = upgraded(s);
  const during = [];
  for (let i = 0; i < 20; ++i) during.push(s.timeout(15000).emitWithAck('daemon:pdf_indexed', documentFor(510 + i)));
  const acks = await Promise.all(during);
  await upgrade;
  assert.equal(transportOf(s), 'websocket');
  for (const ack of acks) assert.deepEqual([ack.received, ack.status], [true, 'indexed'], JSON.stringify(ack));
  assert.equal(new Set(acks.map((a) => a.recordId)).size, 20, 'twenty distinct records');
  const after = await s.timeout(10000).emitWithAck('daemon:heartbeat', { version: 'polling-e2e' });
  assert.equal(after.ok, true);
  const again = await s.timeout(10000).emitWithAck('daemon:stat_check', {
    files: [{ filePath: first.filePath, fileSize: first.fileSize, mtimeMs: first.fileMtimeMs }],
  });
  assert.deepEqual(again, { known: [{ filePath: first.filePath, fileHash: first.fileHash }] });
  const files = [first, ...Array.from({ length: 20 }, (_, i) => documentFor(510 + i))]
    .map((d) => ({ fileHash: d.fileHash, filePath: d.filePath }));
  const sync = await s.timeout(10000).emitWithAck('daemon:sync', { syncId: 'polling-1', files, done: true });
  assert.deepEqual(sync, { needed: [], markedMissing: 0 });
  assert.equal(psql(db.conninfo, "SELECT count(*) FROM pdf_cache WHERE filename LIKE 'orcamento_5__.pdf'"), '21');
  row = await daemonRow();
  assert.equal(row.status, 'online');
  s.close();
  await until('offline after the close', async () => (await daemonRow()).status === 'offline');
});

test('a user token on /client opens on polling; acks come before and after the upgrade', async () => {
  const token = await login('ana', 'ana-password-1');
  const p = await heldProxy();
  const s = open(p.url, '/client', { auth: { token } });
  await connected(s);
  assert.equal(transportOf(s), 'polling');
  // /client has no client events yet: every one is answered with an error naming it.
  const before = await s.timeout(10000).emitWithAck('ui:hello', { n: 1 });
  assert.deepEqual(before, { error: 'unknown event: ui:hello' });
  p.release();
  const during = Array.from({ length: 10 }, (_, i) => s.timeout(15000).emitWithAck(`ui:n${i}`));
  await upgraded(s);
  assert.deepEqual(await Promise.all(during), Array.from({ length: 10 }, (_, i) => ({ error: `unknown event: ui:n${i}` })));
  const after = await s.timeout(10000).emitWithAck('ui:hello', { n: 2 });
  assert.deepEqual(after, { error: 'unknown event: ui:hello' });
  assert.ok(s.connected);
  s.close();
});

test('the browser session cookie opens /client over polling and the upgrade', async () => {
  const cookie = await browserCookie();
  const s = open(server.url, '/client', { extraHeaders: { cookie, origin: own } });
  await connected(s);
  assert.equal(await s.openedOn, 'polling');
  await upgraded(s);
  assert.deepEqual(await s.timeout(10000).emitWithAck('ui:hello'), { error: 'unknown event: ui:hello' });
  // The same cookie from another site's page is refused, as over WebSocket.
  const evil = open(server.url, '/client', { extraHeaders: { cookie, origin: 'https://evil.example' }, transports: ['polling'] });
  const err = await refused(evil);
  // Refused either by the polling endpoint itself (HTTP 403, before any
  // session exists) or by the CONNECT, as over WebSocket.
  assert.ok(err.data?.code === 403 || err.description === 403, `${err.message} ${err.description} ${JSON.stringify(err.data)}`);
  s.close();
});

test('a polling handshake without Origin is ours only when Sec-Fetch-Site says same-origin', async () => {
  // Browsers send no Origin on a same-origin GET: the web app's own polling
  // handshake carries only Sec-Fetch-Site.
  const cookie = await browserCookie();
  const ours = open(server.url, '/client', { transports: ['polling'], extraHeaders: { cookie, 'sec-fetch-site': 'same-origin' } });
  await connected(ours);
  ours.close();
  for (const headers of [{ cookie, 'sec-fetch-site': 'cross-site' }, { cookie }]) {
    const other = open(server.url, '/client', { transports: ['polling'], extraHeaders: headers });
    const err = await refused(other);
    assert.equal(err.data?.code, 403, `${JSON.stringify(headers)}: ${err.message}`);
    assert.match(err.message, /origin not allowed/);
  }
});

test('a polling-only admin screen receives the live daemon events', async () => {
  const cookie = await browserCookie();
  const admin = open(server.url, '/client', { transports: ['polling'], extraHeaders: { cookie, origin: own } });
  const token = open(server.url, '/client', { transports: ['polling'], auth: { token: server.creds.adminToken } });
  await Promise.all([connected(admin), connected(token)]);
  const peer = open(server.url, '/daemon', { auth: daemonAuth({ version: 'live-1' }) });
  await connected(peer);
  const beat = await peer.timeout(10000).emitWithAck('daemon:heartbeat', { version: 'live-1', uptimeSeconds: 77 });
  assert.equal(beat.ok, true);
  for (const screen of [admin, token]) {
    await until('online pushed', () => screen.events.some((e) => e.name === 'daemon:status_changed' && e.payload.status === 'online'));
    await until('heartbeat pushed', () => screen.events.some((e) => e.name === 'daemon:heartbeat' && e.payload.uptimeSeconds === 77));
    const hb = screen.events.find((e) => e.name === 'daemon:heartbeat');
    assert.equal(hb.payload.clientId, server.creds.clientId);
    assert.equal(hb.payload.version, 'live-1');
  }
  peer.close();
  for (const screen of [admin, token]) {
    await until('offline pushed', () => screen.events.some((e) => e.name === 'daemon:status_changed' && e.payload.status === 'offline'));
    assert.equal(transportOf(screen), 'polling');
    assert.ok(screen.connected);
  }
  // A document indexed now reaches the polling screens too.
  const indexer = open(server.url, '/daemon', { auth: daemonAuth() });
  await connected(indexer);
  const doc = documentFor(601);
  const ack = await indexer.timeout(10000).emitWithAck('daemon:pdf_indexed', doc);
  assert.equal(ack.status, 'indexed');
  for (const screen of [admin, token]) {
    await until('pdf:indexed pushed', () => screen.events.some((e) => e.name === 'pdf:indexed' && e.payload.fileHash === doc.fileHash));
  }
  indexer.close();
  admin.close();
  token.close();
});

/** The connect_error a client gets on `nsp` with `opts`, by polling (default) and by WebSocket. */
async function refusalBothWays(nsp, opts, ips) {
  const polled = open(server.url, nsp, { ...opts, extraHeaders: { ...opts.extraHeaders, 'x-forwarded-for': ips[0] } });
  const errPolled = await refused(polled);
  assert.equal(await polled.openedOn, 'polling');
  const direct = open(server.url, nsp, { ...opts, transports: ['websocket'], extraHeaders: { ...opts.extraHeaders, 'x-forwarded-for': ips[1] } });
  const errDirect = await refused(direct);
  polled.close();
  direct.close();
  return [errPolled, errDirect];
}

test('wrong credentials get the same connect_error over polling as over WebSocket', async () => {
  const cases = [
    { nsp: '/daemon', opts: { auth: daemonAuth({ token: badToken }) }, code: 401, message: 'invalid token' },
    { nsp: '/daemon', opts: { auth: { clientId: server.creds.clientId } }, code: 400 },
    { nsp: '/client', opts: { auth: { token: badToken } }, code: 401, message: 'invalid token' },
    { nsp: '/client', opts: {}, code: 401 },
    { nsp: '/nope', opts: { auth: { token: server.creds.adminToken } }, message: 'Invalid namespace' },
  ];
  let n = 0;
  for (const c of cases) {
    const ips = [`198.51.100.${100 + n++}`, `198.51.100.${100 + n++}`];
    const [polled, direct] = await refusalBothWays(c.nsp, c.opts, ips);
    const what = `${c.nsp} ${JSON.stringify(c.opts)}`;
    assert.equal(polled.message, direct.message, what);
    assert.deepEqual(polled.data, direct.data, what);
    if (c.code) assert.equal(polled.data?.code, c.code, what);
    if (c.message) assert.equal(polled.message, c.message, what);
  }
  // The daemon is still allowed in afterwards.
  const ok = open(server.url, '/daemon', { auth: daemonAuth(), extraHeaders: { 'x-forwarded-for': '198.51.100.150' } });
  await connected(ok);
  ok.close();
});
