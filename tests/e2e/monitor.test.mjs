// The admin's system monitor against the real server and PostgreSQL, with the
// stock socket.io-client as the daemon and as the admin's screen: connections
// become spans, heartbeats become latency samples timed by the server's own
// ping round trip (the harness pings every second) and reach admins live as a
// compact daemon:heartbeat, PDFs are counted per hour, the cache is sampled,
// the summary cards add up, bad ranges are refused with a reason, and only
// admins get in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor, indexDocuments, psql, startServer, until } from './harness.mjs';

const GiB = 1024 ** 3;
const endpoints = ['summary', 'connections', 'pdfs-indexed', 'cache', 'latency'];
let db, server, daemonId;
const sockets = [];

function connect(nsp, options) {
  const s = io(`${server.url}${nsp}`, { transports: ['websocket'], reconnection: false, ...options });
  sockets.push(s);
  const events = [];
  s.onAny((name, payload) => events.push({ name, payload }));
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ socket: s, events }));
    s.once('connect_error', reject);
  });
}

const connectDaemon = () => connect('/daemon', {
  auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '2.3.4' },
});
const connectAdmin = () => connect('/client', { auth: { token: server.creds.adminToken } });

const monitor = (path, opts) => api(server, 'GET', `/api/admin/monitor/${path}`, opts);
const isoHour = (t) => Date.parse(t) % 3600e3 === 0;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--cache-capacity-gb', '2'] });
  daemonId = Number(psql(db.conninfo, `SELECT id FROM daemon_clients WHERE client_id = '${server.creds.clientId}'`));
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('a daemon that connects and leaves is a span, and admins see it live', async () => {
  const admin = await connectAdmin();
  const peer = await connectDaemon();
  await until('online pushed', () => admin.events.some((e) => e.name === 'daemon:status_changed' && e.payload.status === 'online'));
  const online = admin.events.find((e) => e.name === 'daemon:status_changed');
  assert.equal(online.payload.id, daemonId);
  assert.equal(online.payload.clientId, server.creds.clientId);

  let r = await monitor('connections');
  assert.equal(r.status, 200, r.text);
  assert.ok(Date.parse(r.json.to) - Date.parse(r.json.from) === 24 * 3600e3, 'the default range is the last 24 h');
  let d = r.json.daemons.find((x) => x.id === daemonId);
  assert.equal(d.clientId, server.creds.clientId);
  assert.equal(d.status, 'online');
  assert.equal(d.spans.length, 1);
  assert.equal(d.spans[0].end, null, 'still online: the span is open');
  assert.ok(Math.abs(Date.parse(d.spans[0].start) - Date.now()) < 60e3);

  peer.socket.close();
  await until('offline pushed', () => admin.events.some((e) => e.name === 'daemon:status_changed' && e.payload.status === 'offline'));
  const offline = admin.events.find((e) => e.name === 'daemon:status_changed' && e.payload.status === 'offline');
  assert.equal(offline.payload.id, daemonId);
  // The stock client leaves the namespace, then closes the socket.
  assert.match(offline.payload.reason, /^(client namespace disconnect|transport close)$/);
  await until('span closed', async () => {
    r = await monitor(`connections?daemonId=${daemonId}`);
    return r.json.daemons[0].spans[0].end !== null;
  });
  assert.equal(r.json.daemons.length, 1);
  d = r.json.daemons[0];
  assert.equal(d.status, 'offline');
  assert.ok(Date.parse(d.spans[0].end) >= Date.parse(d.spans[0].start));
  assert.equal(psql(db.conninfo, "SELECT reason FROM daemon_connection_events WHERE kind = 'offline' ORDER BY id DESC LIMIT 1"),
    offline.payload.reason);

  // A range that ends before the daemon came has no span; an unknown daemon is a 404.
  const beforeItCame = new Date(Date.parse(d.spans[0].start) - 3600e3).toISOString();
  r = await monitor(`connections?to=${encodeURIComponent(beforeItCame)}`);
  assert.deepEqual(r.json.daemons.find((x) => x.id === daemonId).spans, []);
  assert.equal((await monitor('connections?daemonId=987654')).status, 404);
  admin.socket.close();
});

test('heartbeats are timed by the server ping and reach admins at once', async () => {
  const admin = await connectAdmin();
  const peer = await connectDaemon();
  const beat = {
    localAddr: '192.168.0.10', version: '2.3.4', hostname: 'ESCRITORIO', uptimeSeconds: 4242, memoryBytes: 73400320,
    counters: { indexed: 1520, uploaded: 12, errors: 0, queued: 0 }, config: { pdfDirectory: '/srv/pdfs' },
  };
  // The first ping goes out a second after connecting; beat until a relayed
  // heartbeat carries the round trip it measured.
  const timed = () => admin.events.find((e) => e.name === 'daemon:heartbeat' && e.payload.rttMs !== null);
  await until('a heartbeat with rttMs at the admin', async () => {
    const ack = await peer.socket.timeout(5000).emitWithAck('daemon:heartbeat', beat);
    assert.equal(ack.ok, true);
    return timed();
  }, { timeout: 10000, every: 250 });
  const live = timed().payload;
  assert.equal(live.id, daemonId);
  assert.equal(live.clientId, server.creds.clientId);
  assert.equal(typeof live.rttMs, 'number');
  assert.ok(live.rttMs >= 0 && live.rttMs < 1000, `rttMs ${live.rttMs}`);
  assert.equal(live.uptimeSeconds, 4242);
  assert.equal(live.memoryBytes, 73400320);
  assert.equal(live.pdfsIndexed, 1520);
  assert.equal(live.pdfsUploaded, 12);
  assert.equal(live.localAddr, '192.168.0.10');
  assert.equal(live.version, '2.3.4');
  assert.ok(Math.abs(Date.parse(live.at) - Date.now()) < 60e3);
  assert.deepEqual(Object.keys(live).sort(),
    ['at', 'clientId', 'id', 'localAddr', 'memoryBytes', 'pdfsIndexed', 'pdfsUploaded', 'rttMs', 'uptimeSeconds', 'version']);

  // Written in bulk within a couple of seconds: latencyMs and the samples.
  const listed = await until('latencyMs in the list', async () => {
    const list = await api(server, 'GET', '/api/admin/daemons');
    const me = list.json.daemons.find((x) => x.id === daemonId);
    return typeof me.latencyMs === 'number' ? me : null;
  });
  assert.ok(listed.latencyMs >= 0 && listed.latencyMs < 1000);
  const detail = await api(server, 'GET', `/api/admin/daemons/${daemonId}`);
  assert.equal(typeof detail.json.latencyMs, 'number');
  assert.ok(Number(psql(db.conninfo, 'SELECT coalesce(sum(samples), 0) FROM daemon_latency_buckets')) >= 1);

  const r = await monitor(`latency?daemonId=${daemonId}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.bucketSeconds, 300);
  assert.equal(r.json.daemons.length, 1);
  const { points } = r.json.daemons[0];
  assert.equal(r.json.daemons[0].clientId, server.creds.clientId);
  assert.ok(points.length >= 1);
  const last = points[points.length - 1];
  assert.ok(last.samples >= 1);
  assert.ok(last.maxMs >= last.avgMs && last.avgMs >= 0);
  assert.equal(Date.parse(last.t) % 300e3, 0);
  // The chart's few lines in one request; an id that names no daemon is left out.
  const some = await monitor(`latency?daemonId=${daemonId},987654`);
  assert.equal(some.status, 200, some.text);
  assert.deepEqual(some.json.daemons.map((d) => d.id), [daemonId]);
  assert.deepEqual(some.json.daemons[0].points, points);
  // A week is drawn with hourly points.
  const week = await monitor(`latency?from=${encodeURIComponent(new Date(Date.now() - 7 * 86400e3).toISOString())}`);
  assert.equal(week.status, 200, week.text);
  assert.equal(week.json.bucketSeconds, 3600);
  peer.socket.close();
  admin.socket.close();
});

test('with no admin listening heartbeats are still recorded', async () => {
  const peer = await connectDaemon();
  const samples = Number(psql(db.conninfo, 'SELECT coalesce(sum(samples), 0) FROM daemon_latency_buckets'));
  await until('a new sample', async () => {
    await peer.socket.timeout(5000).emitWithAck('daemon:heartbeat', { version: '2.3.4' });
    return Number(psql(db.conninfo, 'SELECT coalesce(sum(samples), 0) FROM daemon_latency_buckets')) > samples;
  }, { timeout: 10000, every: 500 });
  peer.socket.close();
});

test('PDFs indexed are counted per hour, every hour of the range', async () => {
  const ack = await indexDocuments(server, [1, 2, 3].map((i) => documentFor(i)));
  assert.equal(ack.processed, 3);
  psql(db.conninfo, "UPDATE pdf_cache SET created_at = now() - interval '5 hours' WHERE numero = '1'");
  const earlier = psql(db.conninfo, "SELECT siberius_iso_utc(date_bin('1 hour', created_at, TIMESTAMPTZ 'epoch')) FROM pdf_cache WHERE numero = '1'");
  const r = await monitor('pdfs-indexed');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.bucketSeconds, 3600);
  assert.ok(r.json.points.length === 24 || r.json.points.length === 25, `${r.json.points.length} points`);
  assert.ok(r.json.points.every((p) => isoHour(p.t)));
  r.json.points.slice(1).forEach((p, i) => assert.equal(Date.parse(p.t) - Date.parse(r.json.points[i].t), 3600e3));
  assert.equal(r.json.points.reduce((n, p) => n + p.count, 0), 3);
  assert.equal(r.json.points.find((p) => p.t === earlier).count, 1);
  assert.equal(r.json.points[r.json.points.length - 1].count, 2);

  const from = earlier;
  const to = new Date(Date.parse(earlier) + 3 * 3600e3).toISOString();
  const three = await monitor(`pdfs-indexed?from=${from}&to=${to}`);
  assert.equal(three.status, 200, three.text);
  assert.equal(three.json.from, from);
  assert.deepEqual(three.json.points.map((p) => p.count), [1, 0, 0]);
});

test('cache usage is sampled at start and shown with the configured capacity', async () => {
  let r = await monitor('cache');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.capacityBytes, 2 * GiB);
  assert.ok(r.json.points.length >= 1, 'the sample taken when the server started');
  assert.deepEqual(Object.keys(r.json.points[0]).sort(), ['bytes', 'files', 't']);
  assert.equal(r.json.points[0].files, 0);
  psql(db.conninfo, "INSERT INTO cache_usage_samples (at, bytes, files) VALUES (now() - interval '2 hours', 12345, 2)");
  const from = new Date(Date.now() - 3 * 3600e3).toISOString();
  const to = new Date(Date.now() - 3600e3).toISOString();
  r = await monitor(`cache?from=${from}&to=${to}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.points.map((p) => [p.bytes, p.files]), [[12345, 2]]);
});

test('the summary cards add up', async () => {
  psql(db.conninfo, "UPDATE pdf_cache SET status = 'cached' WHERE numero = '2'");
  const ack = await indexDocuments(server, [documentFor(4)]);
  assert.equal(ack.processed, 1);
  psql(db.conninfo, "UPDATE pdf_cache SET created_at = now() - interval '3 days' WHERE numero = '4'");
  const peer = await connectDaemon();
  const r = await monitor('summary');
  assert.equal(r.status, 200, r.text);
  const s = r.json;
  assert.deepEqual(s.daemons, { online: 1, total: 1 });
  assert.equal(s.pdfs.total, 4);
  // Documents 2 and 3 came in now; 1 five hours ago (today unless it is just past midnight in São Paulo); 4 three days ago.
  assert.ok(s.pdfs.today === 2 || s.pdfs.today === 3, `today = ${s.pdfs.today}`);
  assert.deepEqual(s.cache, { bytes: documentFor(2).fileSize, files: 1, capacityBytes: 2 * GiB });
  assert.equal(typeof s.server.version, 'string');
  assert.ok(s.server.uptimeSeconds > 0);
  assert.ok(Date.parse(s.server.startedAt) <= Date.now());
  assert.ok(Math.abs(Date.parse(s.server.startedAt) + s.server.uptimeSeconds * 1000 - Date.now()) < 5000);
  assert.ok(Math.abs(Date.parse(s.at) - Date.now()) < 60e3);
  peer.socket.close();
});

test('bad ranges are refused with a reason a person can act on', async () => {
  const now = Date.now();
  const iso = (ms) => encodeURIComponent(new Date(ms).toISOString());
  const cases = [
    ['connections?from=yesterday', /from: expected an ISO 8601 time/],
    [`latency?from=${iso(now)}&to=${iso(now - 3600e3)}`, /from must be before to/],
    [`pdfs-indexed?from=${iso(now - 40 * 86400e3)}`, /at most 31 days/],
    ['cache?to=2026-02-30T00:00:00Z', /to: expected an ISO 8601 time/],
    ['latency?daemonId=abc', /daemonId: expected a daemon's id/],
    ['cache?daemonId=1', /daemonId: only \/connections and \/latency/],
    ['connections?from=%zz', /malformed percent-encoding/],
    ['connections?daemonId=1,2', /\/connections takes one daemon/],
    [`latency?daemonId=${Array.from({ length: 21 }, (_, i) => i + 1).join(',')}`, /at most 20 daemons/],
    ['latency?daemonId=1,,2', /daemonId: expected a daemon's id/],
  ];
  for (const [path, message] of cases) {
    const r = await monitor(path);
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.json.code, 'bad_request');
    assert.match(r.json.error, message, path);
  }
  // An offset written with an unencoded '+' (read as a space) still works.
  assert.equal((await monitor('cache?from=2026-05-01T00:00:00+02:00&to=2026-05-02T00:00:00+02:00')).status, 200);
  assert.equal((await api(server, 'POST', '/api/admin/monitor/summary')).status, 405);
  assert.equal((await monitor('uptime')).status, 404);
});

test('only admins see the monitor', async () => {
  const created = await api(server, 'POST', '/api/admin/users', {
    body: { login: 'tec-monitor', role: 'tecnico', nome: 'Técnico', password: 'tec-monitor-password' },
  });
  assert.equal(created.status, 201, created.text);
  const login = await api(server, 'POST', '/api/auth/login', {
    token: null, body: { login: 'tec-monitor', password: 'tec-monitor-password' },
  });
  assert.equal(login.status, 200, login.text);
  for (const path of endpoints) {
    const tec = await monitor(path, { token: login.json.token });
    assert.equal(tec.status, 403, `${path} as a technician: ${tec.text}`);
    assert.equal(tec.json.code, 'forbidden');
    const anonymous = await monitor(`${path}?from=nonsense`, { token: null });
    assert.equal(anonymous.status, 401, `${path} anonymous: ${anonymous.text}`);
  }
});

test('a time zone PostgreSQL does not know stops the server with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siberius-e2e-'));
  try {
    await assert.rejects(startServer({ db: db.conninfo, dir, args: ['--timezone', 'Mars/Olympus_Mons'] }),
      /unknown time zone 'Mars\/Olympus_Mons'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
