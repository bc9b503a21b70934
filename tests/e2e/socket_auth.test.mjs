// Throttled CONNECTs and logins, and the end of a credential reaching live
// sockets, against the real server and PostgreSQL. Each test speaks from its
// own client address (X-Forwarded-For from 127.0.0.1, a trusted proxy), so
// the per-address counts of one test do not leak into the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { api, createDatabase, psql, sleep, startServer, until } from './harness.mjs';

let db, server;
const sockets = [];
const badToken = '0123456789abcdef.' + '0'.repeat(64);

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const res = await api(server, 'POST', '/api/admin/users', {
    body: { login: 'ana', role: 'tecnico', nome: 'Ana', password: 'ana-password-1' },
  });
  assert.equal(res.status, 201, res.text);
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

/** A raw Engine.IO WebSocket seen from `ip`: frames in order. */
async function raw(ip) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`,
    { headers: { 'x-forwarded-for': ip } });
  sockets.push(ws);
  const frames = [];
  const waiters = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '2') return ws.send('3'); // answer the server's pings while a test waits
    frames.push(text);
    waiters.splice(0).forEach((w) => w());
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const c = {
    ws,
    async next(pred, timeout = 10000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const i = frames.findIndex(pred);
        if (i >= 0) return frames.splice(i, 1)[0];
        if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(frames)}`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
    },
    /** Sends a CONNECT and returns the answer: {accepted} or {code, message}. */
    async connect(nsp, auth) {
      ws.send(`40${nsp},${JSON.stringify(auth)}`);
      const frame = await c.next((f) => f.startsWith(`40${nsp},`) || f.startsWith(`44${nsp},`));
      const body = JSON.parse(frame.slice(frame.indexOf(',') + 1));
      return frame.startsWith('40') ? { accepted: true, body } : { code: body.data?.code, message: body.message };
    },
  };
  await c.next((f) => f.startsWith('0{'));
  return c;
}

/** The stock client on /client from `ip`; resolves connected, rejects with the connect_error. */
function client(ip, auth) {
  const s = io(`${server.url}/client`, {
    transports: ['websocket'], reconnection: false, auth, extraHeaders: { 'x-forwarded-for': ip },
  });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => reject(err));
  });
}

function daemon(ip, token) {
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false, extraHeaders: { 'x-forwarded-for': ip },
    auth: { token, clientId: server.creds.clientId, version: 'e2e' },
  });
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => reject(err));
  });
}

const disconnected = (s) => new Promise((resolve) => s.once('disconnect', resolve));

function login(ip, login, password) {
  return fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ login, password }),
  }).then(async (res) => ({ status: res.status, json: await res.json(), retryAfter: res.headers.get('retry-after') }));
}

test('a refused CONNECT makes the same socket wait longer before its next one is checked', async () => {
  const c = await raw('198.51.100.1');
  let r = await c.connect('/client', { token: badToken });
  assert.equal(r.code, 401, r.message);
  r = await c.connect('/client', { token: server.creds.adminToken });
  assert.equal(r.code, 429, 'even a good token waits: the wait comes before any check');
  assert.match(r.message, /retry in 1 s/);
  await sleep(1100);
  r = await c.connect('/client', { token: badToken });
  assert.equal(r.code, 401, 'checked again once the wait is over');
  r = await c.connect('/client', { token: badToken });
  assert.equal(r.code, 429);
  assert.match(r.message, /retry in 2 s/, 'the second refusal doubles the wait');
  // Another socket from the same address is not held up by this one.
  const other = await raw('198.51.100.1');
  r = await other.connect('/client', { token: server.creds.adminToken });
  assert.ok(r.accepted, JSON.stringify(r));
  await sleep(2100);
  r = await c.connect('/client', { token: server.creds.adminToken });
  assert.ok(r.accepted, JSON.stringify(r));
});

test('the /daemon namespace is throttled the same way', async () => {
  const c = await raw('198.51.100.2');
  let r = await c.connect('/daemon', { token: badToken, clientId: server.creds.clientId, version: 'x' });
  assert.equal(r.code, 401);
  r = await c.connect('/daemon', { token: server.creds.daemonToken, clientId: server.creds.clientId, version: 'x' });
  assert.equal(r.code, 429);
  assert.match(r.message, /retry in 1 s/);
});

test('a token not even shaped like one is refused without a database lookup', async () => {
  const c = await raw('198.51.100.3');
  const r = await c.connect('/client', { token: 'not-a-token' });
  assert.equal(r.code, 401);
  await until('the refusal logged', () =>
    server.logs.some((l) => l.event === 'client:auth:failed' && l.reason === 'malformed' && l.ip === '198.51.100.3'));
});

test('an address past its free refusals waits on every socket, and an IPv6 /64 is one address', async () => {
  for (let i = 1; i <= 21; ++i) {
    const c = await raw(`2001:db8:aa:bb::${i.toString(16)}`);
    const r = await c.connect('/client', { token: badToken });
    assert.equal(r.code, 401, `attempt ${i}: ${r.message}`);
    c.ws.close();
  }
  // What the stock client sees from another address of the same /64.
  await assert.rejects(client('2001:db8:aa:bb:1:2:3:4', { token: server.creds.adminToken }),
    (err) => err.data?.code === 429 && /retry in \d+ s/.test(err.message));
  const next = await client('2001:db8:aa:bc::1', { token: server.creds.adminToken });
  assert.ok(next.connected, 'the next /64 is another address');
});

test('revoking an API token closes the sockets opened with it, not the others', async () => {
  const created = await api(server, 'POST', '/api/admin/api-tokens', { body: { name: 'wallboard' } });
  assert.equal(created.status, 201, created.text);
  const revoked = await client('198.51.100.4', { token: created.json.token });
  const kept = await client('198.51.100.4', { token: server.creds.adminToken });
  const gone = disconnected(revoked);
  const res = await api(server, 'DELETE', `/api/admin/api-tokens/${created.json.id}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(await gone, 'io server disconnect');
  assert.ok(kept.connected);
  await assert.rejects(client('198.51.100.4', { token: created.json.token }), (err) => err.data?.code === 401);
});

test('a session that expires closes its sockets', async () => {
  const r = await login('198.51.100.5', 'ana', 'ana-password-1');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const publicId = r.json.token.split('.')[0];
  psql(db.conninfo, `UPDATE sessions SET expires_at = now() + interval '2 seconds' WHERE public_id = '${publicId}'`);
  const s = await client('198.51.100.5', { token: r.json.token });
  assert.equal(await disconnected(s), 'io server disconnect');
  await assert.rejects(client('198.51.100.5', { token: r.json.token }), (err) => err.data?.code === 401);
});

test('a daemon still on its old token is disconnected when the rotation overlap ends', async () => {
  const id = psql(db.conninfo, `SELECT id FROM daemon_clients WHERE client_id = '${server.creds.clientId}'`);
  const old = await daemon('198.51.100.6', server.creds.daemonToken);
  const gone = disconnected(old);
  const rotated = await api(server, 'POST', `/api/admin/daemons/${id}/rotate-token`, { body: { overlapHours: 0 } });
  assert.equal(rotated.status, 201, rotated.text);
  assert.equal(await gone, 'io server disconnect');
  await assert.rejects(daemon('198.51.100.6', server.creds.daemonToken), (err) => err.data?.code === 401);
  // The new token works; and a connect with a token inside its overlap ends with the overlap.
  const fresh = await daemon('198.51.100.7', rotated.json.token);
  assert.ok(fresh.connected);
  fresh.close();
  const again = await api(server, 'POST', `/api/admin/daemons/${id}/rotate-token`, { body: { overlapHours: 1 } });
  assert.equal(again.status, 201, again.text);
  psql(db.conninfo, `UPDATE daemon_tokens SET expires_at = now() + interval '2 seconds' WHERE id = ${rotated.json.tokenId}`);
  const overlapping = await daemon('198.51.100.7', rotated.json.token);
  assert.equal(await disconnected(overlapping), 'io server disconnect');
});

test('failed logins elsewhere never lock the real user out', async () => {
  // One address guesses on, waiting out each hold-up, until its wait is 8 s.
  let r;
  let failures = 0;
  while (failures < 9) {
    r = await login('203.0.113.9', 'ana', `wrong-${failures}`);
    if (r.status === 429) {
      await sleep(Number(r.retryAfter) * 1000 + 100);
      continue;
    }
    assert.equal(r.status, 401, JSON.stringify(r.json));
    ++failures;
  }
  r = await login('203.0.113.9', 'ana', 'ana-password-1');
  assert.equal(r.status, 429, 'that address waits, even with the password');
  assert.ok(Number(r.retryAfter) >= 1);
  // Guesses from a dozen more addresses push the account past its global bound.
  for (let i = 1; i <= 12; ++i)
    assert.equal((await login(`203.0.113.${100 + i}`, 'ana', 'wrong')).status, 401);
  // The user, from an address with no failures, is served.
  r = await login('192.0.2.50', 'ana', 'ana-password-1');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.user.login, 'ana');
});
