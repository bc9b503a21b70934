// GET /metrics end to end: a real server and PostgreSQL, a daemon speaking
// the stock socket.io-client, and the scrape read by a Prometheus text-format
// parser from npm, as Prometheus would read it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import parsePrometheus from 'parse-prometheus-text-format';
import { api, createDatabase, documentFor, sourceDir, startDaemon, startServer, until } from './harness.mjs';

let db, server;
const sockets = [];

before(async () => {
  db = createDatabase();
  // 10.0.0.0/8 only: this test's own address (127.0.0.1) needs a token,
  // unless nginx (a trusted proxy here) forwards an address in that network.
  server = await startServer({ db: db.conninfo, args: ['--metrics-allow', '10.0.0.0/8', '--metrics-snapshot-s', '1'] });
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

async function scrape(headers = { authorization: `Bearer ${server.creds.adminToken}` }, srv = server) {
  const res = await fetch(`${srv.url}/metrics`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text };
}

/** name -> parsed family (parse-prometheus-text-format); the raw text under `text`. */
async function families(srv = server) {
  const res = await scrape({ authorization: `Bearer ${srv.creds.adminToken}` }, srv);
  assert.equal(res.status, 200, res.text);
  const fams = Object.fromEntries(parsePrometheus(res.text).map((f) => [f.name, f]));
  Object.defineProperty(fams, 'text', { value: res.text });
  return fams;
}

/** One labelled histogram's series: {buckets: {le: n}, sum, count}. The npm
 *  parser merges the series of a histogram with labels into one, so these are
 *  read from the lines (after the parser accepted the whole text). */
function histogram(fams, name, labels) {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const out = { buckets: {}, sum: undefined, count: undefined };
  for (const line of fams.text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || !m[1].startsWith(name)) continue;
    const pairs = m[2].split(',');
    if (!want.every((w) => pairs.includes(w))) continue;
    const le = pairs.find((p) => p.startsWith('le='));
    if (m[1] === `${name}_bucket` && le && pairs.length === want.length + 1) out.buckets[le.slice(4, -1)] = Number(m[3]);
    else if (m[1] === `${name}_sum` && pairs.length === want.length) out.sum = Number(m[3]);
    else if (m[1] === `${name}_count` && pairs.length === want.length) out.count = Number(m[3]);
  }
  return out;
}

function sample(fams, name, labels = {}) {
  const fam = fams[name];
  assert.ok(fam, `${name} is exposed`);
  return fam.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v));
}

function value(fams, name, labels = {}) {
  const m = sample(fams, name, labels);
  return m === undefined ? undefined : Number(m.value);
}

async function connectDaemon() {
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  sockets.push(s);
  await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
  return s;
}

test('a scrape without a token from an address not allowed is refused with a JSON reason', async () => {
  const res = await scrape({});
  assert.equal(res.status, 401);
  const body = JSON.parse(res.text);
  assert.equal(body.code, 'unauthorized');
  assert.match(body.error, /--metrics-allow/);
  assert.match(body.error, /127\.0\.0\.1/);
  // Forwarded by the trusted proxy from outside the allowed network: still refused.
  const outside = await scrape({ 'x-forwarded-for': '192.0.2.7' });
  assert.equal(outside.status, 401);
  // A wrong token is a 401, a technician's token a 403.
  assert.equal((await scrape({ authorization: 'Bearer nope.nope' })).status, 401);
  const tec = await api(server, 'POST', '/api/admin/api-tokens', { body: { name: 'tec-metrics', role: 'tecnico' } });
  assert.equal(tec.status, 201, tec.text);
  const forbidden = await scrape({ authorization: `Bearer ${tec.json.token}` });
  assert.equal(forbidden.status, 403);
  assert.equal(JSON.parse(forbidden.text).code, 'forbidden');
});

test('an address of --metrics-allow, as nginx forwards it, scrapes without a token', async () => {
  const res = await scrape({ 'x-forwarded-for': '10.20.30.40' });
  assert.equal(res.status, 200, res.text);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  assert.ok(parsePrometheus(res.text).length > 10);
});

test('after some activity the named series exist with sane values', async () => {
  // HTTP: one search and one PDF's status (a route with an id).
  assert.equal((await api(server, 'GET', '/api/pdfs?pageSize=5')).status, 200);
  assert.equal((await api(server, 'GET', '/api/pdfs/987654/status')).status, 404);
  assert.equal((await api(server, 'GET', '/api/definitely/not/a/route')).status, 404);

  // A daemon: online, two documents indexed, a heartbeat with its counters.
  const s = await connectDaemon();
  const ack = await s.timeout(5000).emitWithAck('daemon:pdf_indexed_batch', { documents: [documentFor(1), documentFor(2)] });
  assert.equal(ack.processed, 2);
  const beat = await s.timeout(5000).emitWithAck('daemon:heartbeat', {
    version: '0.1.0',
    counters: { indexed: 2, uploaded: 0, errors: 0, queued: 0, reconnections: 3, uploadsFailed: 1,
                avgUploadBytesPerSecond: 2500000, avgParseMs: 42.5 },
  });
  assert.equal(beat.ok, true);

  const clientId = server.creds.clientId;
  const fams = await until('the daemon in the database figures', async () => {
    const f = await families();
    return value(f, 'siberius_daemons_online') === 1 ? f : null;
  }, { timeout: 10000, every: 300 });

  // Types as Prometheus reads them.
  assert.equal(fams.siberius_http_requests_total.type, 'COUNTER');
  assert.equal(fams.siberius_http_request_duration_seconds.type, 'HISTOGRAM');
  assert.equal(fams.siberius_daemons_online.type, 'GAUGE');

  // HTTP requests by route template, method and code; unknown paths pooled.
  assert.ok(value(fams, 'siberius_http_requests_total', { route: '/api/pdfs', method: 'GET', code: '200' }) >= 1);
  assert.ok(value(fams, 'siberius_http_requests_total', { route: '/api/pdfs/:id/status', method: 'GET', code: '404' }) >= 1);
  assert.ok(value(fams, 'siberius_http_requests_total', { route: 'other', method: 'GET', code: '404' }) >= 1);
  assert.ok(value(fams, 'siberius_http_requests_total', { route: '/metrics', method: 'GET', code: '401' }) >= 1);
  for (const m of fams.siberius_http_requests_total.metrics)
    assert.doesNotMatch(m.labels.route, /\d/, `route ${m.labels.route} is a template`);
  const latency = histogram(fams, 'siberius_http_request_duration_seconds', { route: '/api/pdfs', method: 'GET', class: '2xx' });
  assert.ok(latency.count >= 1);
  assert.equal(latency.buckets['+Inf'], latency.count);
  assert.ok(latency.buckets['60'] <= latency.count && latency.buckets['0.005'] <= latency.buckets['60']);
  assert.ok(latency.sum > 0 && latency.sum < 60);

  // Daemons, sessions, documents.
  assert.ok(value(fams, 'siberius_daemons') >= 1);
  assert.equal(value(fams, 'siberius_daemon_online', { client_id: clientId }), 1);
  assert.equal(value(fams, 'siberius_socketio_sessions', { namespace: '/daemon' }), 1);
  assert.equal(value(fams, 'siberius_ingest_acks_total', { outcome: 'indexed' }), 2);
  assert.equal(value(fams, 'siberius_pdfs', { status: 'available_local' }), 2);
  assert.equal(value(fams, 'siberius_pdfs', { status: 'cached' }), 0);
  assert.equal(value(fams, 'siberius_cache_bytes'), 0);
  // No --cache-capacity-gb: no capacity series (a ratio over it is then no series, not +Inf).
  assert.equal((fams.siberius_cache_capacity_bytes?.metrics ?? []).length, 0);
  assert.equal(value(fams, 'siberius_uploads_in_progress'), 0);

  // The heartbeat's counters, labelled by client_id.
  assert.equal(value(fams, 'siberius_daemon_reconnections_total', { client_id: clientId }), 3);
  assert.equal(value(fams, 'siberius_daemon_uploads_failed_total', { client_id: clientId }), 1);
  assert.equal(value(fams, 'siberius_daemon_upload_speed_bytes_per_second', { client_id: clientId }), 2500000);
  assert.equal(value(fams, 'siberius_daemon_parse_seconds_average', { client_id: clientId }), 0.0425);

  // The database pool's calls were timed.
  assert.ok(histogram(fams, 'siberius_db_call_duration_seconds', { call: 'api_auth' }).count >= 1);
  assert.ok(histogram(fams, 'siberius_db_call_duration_seconds', { call: 'ingest' }).count >= 1);
  assert.ok(sample(fams, 'siberius_janitor_sweeps_total') !== undefined);

  // The daemon leaves: its session and its online flag go.
  s.close();
  const after = await until('the daemon offline in the figures', async () => {
    const f = await families();
    return value(f, 'siberius_daemon_online', { client_id: clientId }) === 0 ? f : null;
  }, { timeout: 10000, every: 300 });
  assert.equal(value(after, 'siberius_socketio_sessions', { namespace: '/daemon' }), 0);
  assert.equal(value(after, 'siberius_daemons_online'), 0);
});

test('scrapes reuse the database figures instead of querying each time', async () => {
  // Twenty scrapes at once: at most one database read per --metrics-snapshot-s.
  const before = await families();
  const reads = (f) => histogram(f, 'siberius_db_call_duration_seconds', { call: 'db_run' }).count ?? 0;
  const start = reads(before);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 20 }, () => families()));
  const elapsed = (Date.now() - t0) / 1000;
  const after = await families();
  // db_run also serves other API calls; none are made here.
  assert.ok(reads(after) - start <= Math.ceil(elapsed) + 2, `${reads(after) - start} reads in ${elapsed} s`);
});

test('a PDF requested from the real daemon: upload bytes, durations, the cache and the daemon averages', async () => {
  // A server of its own with a cache capacity, and the real daemon beating every second.
  const db2 = createDatabase();
  const srv = await startServer({ db: db2.conninfo, args: ['--cache-capacity-gb', '1', '--metrics-snapshot-s', '1'] });
  const folder = mkdtempSync(join(tmpdir(), 'siberius-metrics-office-'));
  const pdf = join(folder, 'orcamento_3061.pdf');
  copyFileSync(join(sourceDir, '..', 'shared', 'corpus', 'pdfs', 'orcamento_3061_lines.pdf'), pdf);
  const size = statSync(pdf).size;
  const daemon = startDaemon(srv, { folder, env: { HEARTBEAT_SECONDS: '1' } });
  try {
    const list = await until('the PDF indexed', async () => {
      const r = await api(srv, 'GET', '/api/pdfs?pageSize=10');
      return r.json?.total === 1 ? r.json : null;
    }, { timeout: 30000 });
    const id = list.items[0].id;
    const req = await api(srv, 'POST', `/api/pdfs/${id}/request`);
    assert.equal(req.status, 202, req.text);
    await until('the PDF cached', async () => (await api(srv, 'GET', `/api/pdfs/${id}/status`)).json?.status === 'cached',
      { timeout: 30000 });

    const clientId = srv.creds.clientId;
    const fams = await until('the daemon averages and the cache in the figures', async () => {
      const f = await families(srv);
      return value(f, 'siberius_daemon_upload_speed_bytes_per_second', { client_id: clientId }) > 0 &&
        value(f, 'siberius_cache_files') === 1 ? f : null;
    }, { timeout: 15000, every: 300 });
    assert.equal(value(fams, 'siberius_upload_received_bytes_total'), size);
    assert.equal(value(fams, 'siberius_uploads_in_progress'), 0);
    assert.equal(histogram(fams, 'siberius_upload_duration_seconds', { outcome: 'stored' }).count, 1);
    const ready = sample(fams, 'siberius_pdf_request_to_ready_seconds'); // no labels: the parser reads it whole
    assert.equal(Number(ready.count), 1);
    assert.ok(Number(ready.sum) > 0 && Number(ready.sum) < 30);
    assert.equal(value(fams, 'siberius_http_requests_total', { route: '/api/daemon/upload', method: 'POST', code: '200' }), 1);
    assert.equal(value(fams, 'siberius_http_requests_total', { route: '/api/pdfs/:id/request', method: 'POST', code: '202' }), 1);
    assert.equal(value(fams, 'siberius_pdfs', { status: 'cached' }), 1);
    assert.equal(value(fams, 'siberius_cache_bytes'), size);
    assert.equal(value(fams, 'siberius_cache_capacity_bytes'), 1024 ** 3);
    assert.ok(value(fams, 'siberius_daemon_parse_seconds_average', { client_id: clientId }) > 0);
    assert.equal(value(fams, 'siberius_daemon_uploads_failed_total', { client_id: clientId }), 0);
    assert.equal(value(fams, 'siberius_daemon_reconnections_total', { client_id: clientId }), 0);
  } finally {
    await daemon.stop();
    await srv.stop();
    srv.cleanup();
    rmSync(folder, { recursive: true, force: true });
    db2.drop();
  }
});
