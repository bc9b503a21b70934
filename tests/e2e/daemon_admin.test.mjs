// The admin API for office daemons against the real server and PostgreSQL,
// with the stock socket.io-client playing the daemon (so each acknowledgement
// can be chosen): the detail view with reported log lines, resync and config
// pushed to a connected daemon (and config kept for one that is away),
// disconnect, token rotation with an overlap, revocation and blocking that
// disconnect at once and refuse the next CONNECT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase, startServer, until } from './harness.mjs';

let db, server, daemonId;
const peers = [];

/** Connects a daemon peer; `handlers` answer server events ({event: (payload, ack) => ...}). */
function connectDaemon({ token = server.creds.daemonToken, handlers = {} } = {}) {
  const events = [];
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token, clientId: server.creds.clientId, version: '9.9.9' },
  });
  peers.push(s);
  s.onAny((name, ...args) => {
    events.push({ name, payload: args[0] });
    const ack = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : null;
    if (handlers[name]) handlers[name](args[0], ack);
  });
  const disconnected = new Promise((resolve) => s.once('disconnect', resolve));
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ socket: s, events, disconnected }));
    s.once('connect_error', reject);
  });
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const peer = await connectDaemon();
  const list = await api(server, 'GET', '/api/admin/daemons');
  daemonId = list.json.daemons.find((d) => d.clientId === server.creds.clientId).id;
  peer.socket.close();
});

after(async () => {
  for (const p of peers) p.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('the detail view shows tokens, PDFs and the log lines the daemon reported', async () => {
  const peer = await connectDaemon();
  const ack = await peer.socket.timeout(5000).emitWithAck('daemon:log', {
    lines: [{ ts: '2026-11-29T10:00:00Z', level: 'warn', event: 'watch:slow', folder: '/srv/pdfs' },
      { ts: '2026-11-29T10:00:01Z', level: 'error', event: 'parse:failed', file: 'x.pdf' }],
  });
  assert.deepEqual(ack, { ok: true, stored: 2 });
  const bad = await peer.socket.timeout(5000).emitWithAck('daemon:log', { lines: 'nope' });
  assert.equal(bad.ok, false);
  const detail = await api(server, 'GET', `/api/admin/daemons/${daemonId}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.json.clientId, server.creds.clientId);
  assert.equal(detail.json.status, 'online');
  assert.equal(detail.json.version, '9.9.9');
  assert.equal(detail.json.tokens.length, 1);
  assert.equal(detail.json.tokens[0].state, 'active');
  assert.deepEqual(detail.json.pdfs, { total: 0, availableLocal: 0, uploading: 0, cached: 0, expired: 0, missing: 0 });
  assert.deepEqual(detail.json.recentEvents.map((e) => [e.level, e.event.event]),
    [['error', 'parse:failed'], ['warn', 'watch:slow']]);
  assert.equal((await api(server, 'GET', '/api/admin/daemons/987654')).status, 404);
  peer.socket.close();
});

test('resync reaches a connected daemon and answers with its ack', async () => {
  let asked;
  const peer = await connectDaemon({ handlers: { 'daemon:resync': (payload, ack) => { asked = payload; ack({ ok: true }); } } });
  const res = await api(server, 'POST', `/api/admin/daemons/${daemonId}/resync`, { body: { reason: 'disk replaced' } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.ack, { ok: true });
  assert.deepEqual(asked, { reason: 'disk replaced' });
  peer.socket.close();
  await until('offline', async () => (await api(server, 'GET', `/api/admin/daemons/${daemonId}`)).json.status === 'offline');
  const away = await api(server, 'POST', `/api/admin/daemons/${daemonId}/resync`);
  assert.equal(away.status, 409);
  assert.equal(away.json.code, 'not_connected');
});

test('a daemon that never answers gets 504 after 10 s', async () => {
  const peer = await connectDaemon(); // no handler: never acks
  const res = await api(server, 'POST', `/api/admin/daemons/${daemonId}/resync`);
  assert.equal(res.status, 504);
  assert.equal(res.json.code, 'daemon_timeout');
  peer.socket.close();
});

test('config goes to a connected daemon, and waits for one that is away', async () => {
  const seen = [];
  const handlers = { 'daemon:config_update': (payload, ack) => { seen.push(payload); ack({ ok: true, applied: payload }); } };
  const peer = await connectDaemon({ handlers });
  const res = await api(server, 'PUT', `/api/admin/daemons/${daemonId}/config`, { body: { logLevel: 'debug' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.delivered, true);
  assert.deepEqual(res.json.ack, { ok: true, applied: { logLevel: 'debug' } });
  assert.deepEqual(seen, [{ logLevel: 'debug' }]);
  for (const body of [{}, { logLevel: 'loud' }, { scanIntervalSeconds: 1 }, { autoUpload: 'yes' }, { color: 'red' }]) {
    const bad = await api(server, 'PUT', `/api/admin/daemons/${daemonId}/config`, { body });
    assert.equal(bad.status, 400, JSON.stringify(body));
  }
  peer.socket.close();
  await until('offline', async () => (await api(server, 'GET', `/api/admin/daemons/${daemonId}`)).json.status === 'offline');
  const later = await api(server, 'PUT', `/api/admin/daemons/${daemonId}/config`, { body: { scanIntervalSeconds: 120, autoUpload: true } });
  assert.equal(later.status, 202);
  assert.equal(later.json.delivered, false);
  assert.deepEqual(later.json.config, { logLevel: 'debug', scanIntervalSeconds: 120, autoUpload: true });
  // The stored settings go out as soon as the daemon connects again.
  const again = [];
  const back = await connectDaemon({ handlers: { 'daemon:config_update': (p, ack) => { again.push(p); ack({ ok: true }); } } });
  await until('config at connect', () => again.length === 1);
  assert.deepEqual(again[0], { logLevel: 'debug', scanIntervalSeconds: 120, autoUpload: true });
  back.socket.close();
});

test('disconnect drops the daemon at once', async () => {
  const peer = await connectDaemon();
  const res = await api(server, 'POST', `/api/admin/daemons/${daemonId}/disconnect`);
  assert.equal(res.status, 200);
  assert.equal(await peer.disconnected, 'io server disconnect');
  await until('offline', async () => (await api(server, 'GET', `/api/admin/daemons/${daemonId}`)).json.status === 'offline');
  assert.equal((await api(server, 'POST', `/api/admin/daemons/${daemonId}/disconnect`)).status, 409);
});

test('rotation overlaps the old token; revoking it disconnects and refuses the daemon', async () => {
  const old = await connectDaemon();
  const rotated = await api(server, 'POST', `/api/admin/daemons/${daemonId}/rotate-token`, { body: { overlapHours: 2 } });
  assert.equal(rotated.status, 201, rotated.text);
  assert.match(rotated.json.token, /^[0-9a-f]{16}\.[0-9a-f]{64}$/);
  assert.ok(Date.parse(rotated.json.previousTokensExpireAt) > Date.now() + 3600e3);
  const tokens = (await api(server, 'GET', '/api/admin/daemon-tokens')).json.tokens;
  assert.deepEqual(tokens.map((t) => t.state), ['expiring', 'active']);
  const oldTokenId = tokens[0].id;
  // Both work during the overlap; the new one replaces the old connection.
  const fresh = await connectDaemon({ token: rotated.json.token });
  assert.equal(await old.disconnected, 'io server disconnect');
  old.socket.close();
  const again = await connectDaemon();
  assert.equal(await fresh.disconnected, 'io server disconnect');
  // Revoking the old token drops the daemon using it and refuses it next time.
  const revoked = await api(server, 'DELETE', `/api/admin/daemon-tokens/${oldTokenId}`);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.json.disconnected, true);
  assert.equal(await again.disconnected, 'io server disconnect');
  await assert.rejects(connectDaemon(), /invalid token/);
  assert.equal((await api(server, 'DELETE', `/api/admin/daemon-tokens/${oldTokenId}`)).status, 404);
  server.creds.daemonToken = rotated.json.token;
  (await connectDaemon()).socket.close();
  const audit = (await api(server, 'GET', '/api/admin/audit')).json.items.map((e) => e.action);
  for (const action of ['daemon_token.rotate', 'daemon_token.revoke', 'daemon.disconnect', 'daemon.config', 'daemon.resync']) {
    assert.ok(audit.includes(action), action);
  }
});

test('a blocked daemon is disconnected and refused until unblocked', async () => {
  const peer = await connectDaemon();
  const blocked = await api(server, 'POST', `/api/admin/daemons/${daemonId}/block`);
  assert.equal(blocked.status, 200);
  assert.equal(blocked.json.blocked, true);
  assert.equal(await peer.disconnected, 'io server disconnect');
  await assert.rejects(connectDaemon(), /blocked/);
  assert.equal((await api(server, 'POST', `/api/admin/daemons/${daemonId}/unblock`)).status, 200);
  (await connectDaemon()).socket.close();
});
