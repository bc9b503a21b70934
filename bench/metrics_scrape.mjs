// GET /metrics' cost (bench/metrics_scrape.sh): scrape latency on loopback
// over one kept-alive connection, the body's size, and how many database
// reads the scrapes caused (siberius_db_call_duration_seconds{call="db_run"}).
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { api, createDatabase, psql, startServer } from '../tests/e2e/harness.mjs';

// The packages as the e2e tests install them (tests/e2e/package-lock.json).
const e2eRequire = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { io } = e2eRequire('socket.io-client');
const parsePrometheus = e2eRequire('parse-prometheus-text-format');

const { values: opts } = parseArgs({
  options: {
    daemons: { type: 'string', default: '50' },
    pdfs: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '200' },
  },
});
const db = createDatabase();
const server = await startServer({ db: db.conninfo });
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const sockets = [];

function scrape() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get(`${server.url}/metrics`, { agent, headers: { authorization: `Bearer ${server.creds.adminToken}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, body, status: res.statusCode }));
    }).on('error', reject);
  });
}

// The npm parser merges a labelled histogram's series: read this one's _count line.
const dbReads = (body) => {
  parsePrometheus(body); // throws on a malformed scrape
  const m = /^siberius_db_call_duration_seconds_count\{call="db_run"\} (\d+)$/m.exec(body);
  return m ? Number(m[1]) : 0;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

try {
  // Daemons, each with a heartbeat's counters (a client_id label set each).
  for (let i = 0; i < Number(opts.daemons); i++) {
    const t = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: `bench ${i}`, clientId: `bench-${i}` } });
    const s = io(`${server.url}/daemon`, { transports: ['websocket'], reconnection: false,
      auth: { token: t.json.token, clientId: `bench-${i}`, version: '0.1.0' } });
    sockets.push(s);
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    await s.timeout(5000).emitWithAck('daemon:heartbeat', { counters: { reconnections: i, uploadsFailed: 0,
      avgUploadBytesPerSecond: 1e6, avgParseMs: 30 } });
  }
  psql(db.conninfo, `INSERT INTO pdf_cache (client_id, file_hash, filename, file_size, status)
    SELECT 'bench-0', md5(g::text) || md5((g + 1)::text), 'f' || g || '.pdf', 1000,
           (ARRAY['available_local','cached','expired','missing'])[1 + g % 4]
    FROM generate_series(1, ${Number(opts.pdfs)}) g`);
  // The first scrape reads the database figures (one statement over pdf_cache).
  const first = await scrape();
  const readsBefore = dbReads(first.body);
  const readSum = /^siberius_db_call_duration_seconds_sum\{call="db_run"\} (\S+)$/m.exec(first.body);
  const serial = [];
  const t0 = Date.now();
  for (let i = 0; i < Number(opts.rounds); i++) serial.push((await scrape()).ms);
  const burst = await Promise.all(Array.from({ length: 20 }, () => scrape()));
  const elapsed = (Date.now() - t0) / 1000;
  const last = await scrape();
  const figures = {
    daemons: Number(opts.daemons), pdfs: Number(opts.pdfs), bodyBytes: Buffer.byteLength(last.body),
    series: last.body.split('\n').filter((l) => l && !l.startsWith('#')).length,
    firstScrapeMs: first.ms, snapshotReadMs: readSum ? Number(readSum[1]) * 1000 : null,
    serialP50Ms: pct(serial, 0.5), serialP99Ms: pct(serial, 0.99), serialMaxMs: Math.max(...serial),
    burst20MaxMs: Math.max(...burst.map((b) => b.ms)),
    scrapes: serial.length + burst.length, seconds: elapsed, dbReads: dbReads(last.body) - readsBefore,
  };
  console.log(`scrape (${figures.series} samples, ${figures.bodyBytes} bytes, ${figures.daemons} daemons, ` +
    `${figures.pdfs} PDFs): first (reads the database, ${figures.snapshotReadMs?.toFixed(1)} ms of it) ` +
    `${figures.firstScrapeMs.toFixed(1)} ms; then p50 ${figures.serialP50Ms.toFixed(2)} ms, p99 ${figures.serialP99Ms.toFixed(2)} ms, ` +
    `20 at once ${figures.burst20MaxMs.toFixed(2)} ms; ${figures.dbReads} database reads for ${figures.scrapes} ` +
    `scrapes in ${elapsed.toFixed(1)} s`);
  console.log(JSON.stringify(figures));
} finally {
  for (const s of sockets) s.close();
  agent.destroy();
  await server.stop();
  server.cleanup();
  db.drop();
}
