// The /daemon namespace end to end: the stock socket.io-client against a real
// siberius-server and PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, psql, startServer, until } from './harness.mjs';

let db, server;
const sockets = [];

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

function daemon(auth = {}, opts = {}) {
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'],
    reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0', ...auth },
    ...opts,
  });
  sockets.push(s);
  return s;
}

function connected(s) {
  return new Promise((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
}

function refused(s) {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected, expected a refusal')));
    s.once('connect_error', resolve);
  });
}

test('a daemon with its token connects, and the admin API shows it online', async () => {
  const s = daemon();
  await connected(s);
  const res = await api(server, 'GET', '/api/admin/daemons');
  assert.equal(res.status, 200);
  const row = res.json.daemons.find((d) => d.clientId === server.creds.clientId);
  assert.equal(row.status, 'online');
  assert.equal(row.remoteAddr, '127.0.0.1');
  assert.equal(row.version, '0.1.0');
  s.close();
  await until('offline after disconnect', async () => {
    const r = await api(server, 'GET', '/api/admin/daemons');
    return r.json.daemons.find((d) => d.clientId === server.creds.clientId).status === 'offline';
  });
});

test('documents are acked after commit: indexed, duplicate, updated', async () => {
  const s = daemon();
  await connected(s);
  const doc = documentFor(1);
  const first = await s.timeout(5000).emitWithAck('daemon:pdf_indexed', doc);
  assert.equal(first.received, true);
  assert.equal(first.status, 'indexed');
  assert.ok(Number.isInteger(first.recordId));
  const again = await s.timeout(5000).emitWithAck('daemon:pdf_indexed', doc);
  assert.deepEqual([again.status, again.recordId], ['duplicate', first.recordId]);
  const moved = await s.timeout(5000).emitWithAck('daemon:pdf_indexed', { ...doc, filePath: '/srv/pdfs/2026/orcamento_1.pdf' });
  assert.deepEqual([moved.status, moved.recordId], ['updated', first.recordId]);
  const row = psql(db.conninfo, `SELECT tipo, numero, cliente, data_evento, valor_total, status, expires_at::date FROM pdf_cache WHERE file_hash = '${doc.fileHash}'`);
  assert.equal(row, 'orcamento|1|Construtora São João|2026-03-10|1250.50|available_local|2026-03-25');
  assert.equal(psql(db.conninfo, 'SELECT count(*) FROM atendimentos'), '0', 'indexing never creates an atendimento');
  s.close();
});

test('a batch reports processed, duplicates and errors per document', async () => {
  const s = daemon();
  await connected(s);
  await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(10));
  const docs = [documentFor(10), documentFor(11), documentFor(12, { metadata: { tipo: 'os', dataEvento: '2026-13-01' } })];
  const ack = await s.timeout(5000).emitWithAck('daemon:pdf_indexed_batch', { documents: docs });
  assert.equal(ack.processed, 1);
  assert.equal(ack.duplicates, 1);
  assert.equal(ack.errors, 1);
  assert.deepEqual(ack.results.map((r) => r.status), ['duplicate', 'indexed', 'error']);
  assert.match(ack.results[2].error, /dataEvento/);
  s.close();
});

test('sync asks only for what the server lacks and marks what the office no longer has', async () => {
  const s = daemon();
  await connected(s);
  await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(20));
  await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(21));
  const ack = await s.timeout(5000).emitWithAck('daemon:sync', {
    syncId: 'sync-1', done: true,
    files: [documentFor(20), documentFor(22)].map((d) => ({ fileHash: d.fileHash, filePath: d.filePath })),
  });
  assert.deepEqual(ack.needed, [documentFor(22).fileHash]);
  assert.ok(ack.markedMissing >= 1);
  const status = psql(db.conninfo, `SELECT status FROM pdf_cache WHERE file_hash = '${documentFor(21).fileHash}'`);
  assert.equal(status, 'missing');
  s.close();
});

test('heartbeats are acked at once and reach the admin view', async () => {
  const s = daemon();
  await connected(s);
  const ack = await s.timeout(5000).emitWithAck('daemon:heartbeat', {
    publicAddr: '200.150.10.5', localAddr: '192.168.1.10', version: '0.1.0', runtime: 'siberius-daemon 0.1.0',
    platform: 'linux', hostname: 'office-pc', uptimeSeconds: 42, memoryBytes: 9000000,
    counters: { indexed: 3, uploaded: 0, errors: 0, queued: 0 },
  });
  assert.equal(ack.ok, true);
  await until('heartbeat stored', async () => {
    const r = await api(server, 'GET', '/api/admin/daemons');
    const row = r.json.daemons.find((d) => d.clientId === server.creds.clientId);
    return row.hostname === 'office-pc' && row.localAddr === '192.168.1.10' && row.lastHeartbeat;
  });
  s.close();
});

test('a payload of the wrong JSON type gets an error ack and the session carries on', async () => {
  const s = daemon();
  await connected(s);
  const bad = await s.timeout(5000).emitWithAck('daemon:sync', { syncId: 1, files: [] });
  assert.match(bad.error, /syncId: string/);
  const beat = await s.timeout(5000).emitWithAck('daemon:heartbeat', { version: '0.1.0' });
  assert.equal(beat.ok, true);
  assert.equal(s.connected, true);
  s.close();
});

test('refused CONNECTs carry a message and a code', async () => {
  const wrong = await refused(daemon({ token: '0123456789abcdef.' + '0'.repeat(64) }));
  assert.equal(wrong.message, 'invalid token');
  assert.equal(wrong.data.code, 401);
  const otherClient = await refused(daemon({ clientId: 'someone-else' }));
  assert.equal(otherClient.data.code, 403);
  const noClient = await refused(daemon({ clientId: undefined }));
  assert.equal(noClient.data.code, 400);
  const badNsp = io(`${server.url}/nowhere`, { transports: ['websocket'], reconnection: false });
  sockets.push(badNsp);
  const invalid = await refused(badNsp);
  assert.equal(invalid.message, 'Invalid namespace');
  assert.ok(server.logs.some((l) => l.event === 'daemon:auth:failed' && l.reason === 'invalid_token' && l.ip === '127.0.0.1'));
});

test('a second connection with the same clientId replaces the first', async () => {
  const first = daemon();
  await connected(first);
  const dropped = new Promise((r) => first.once('disconnect', r));
  const second = daemon();
  await connected(second);
  assert.equal(await dropped, 'io server disconnect');
  const ack = await second.timeout(5000).emitWithAck('daemon:heartbeat', { version: '0.1.0' });
  assert.equal(ack.ok, true);
  const r = await api(server, 'GET', '/api/admin/daemons');
  assert.equal(r.json.daemons.find((d) => d.clientId === server.creds.clientId).status, 'online');
  second.close();
});

test('admin clients on /client see daemons come and go and new documents', async () => {
  const client = io(`${server.url}/client`, {
    transports: ['websocket'], reconnection: false, auth: { token: server.creds.adminToken },
  });
  sockets.push(client);
  await connected(client);
  const events = [];
  client.onAny((name, payload) => events.push([name, payload]));
  const s = daemon();
  await connected(s);
  await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(30));
  s.close();
  await until('online, indexed and offline pushed', () =>
    events.some(([n, p]) => n === 'daemon:status_changed' && p.status === 'offline'));
  const names = events.map(([n, p]) => (n === 'daemon:status_changed' ? `${n}:${p.status}` : n));
  assert.deepEqual(names, ['daemon:status_changed:online', 'pdf:indexed', 'daemon:status_changed:offline']);
  assert.equal(events[1][1].fileHash, documentFor(30).fileHash);
  const anonymous = io(`${server.url}/client`, { transports: ['websocket'], reconnection: false, auth: { token: 'nope' } });
  sockets.push(anonymous);
  assert.equal((await refused(anonymous)).data.code, 401);
  client.close();
});

test('the stock client reconnects by itself after the server restarts', async () => {
  const s = daemon({}, { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  await connected(s);
  const port = server.port;
  // Listen before acting: under load the events can come before an await returns.
  const dropped = new Promise((r) => s.once('disconnect', r));
  await server.stop();
  await dropped;
  const back = new Promise((r) => s.once('connect', r));
  server = await startServer({ db: db.conninfo, port, dir: server.dir });
  await back;
  const ack = await s.timeout(5000).emitWithAck('daemon:pdf_indexed', documentFor(40));
  assert.equal(ack.status, 'indexed');
  s.close();
});
