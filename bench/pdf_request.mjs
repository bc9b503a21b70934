// Request -> ready latency for PDFs of --size-mb on loopback (issue 4 target:
// median <= 50 ms for 1 MB). bench/pdf_request.sh starts PostgreSQL and runs
// this. Each PDF is asked for once, one after the other, so every request is
// a real upload from the daemon: find the file, check its hash, stream it,
// the server's hash + PDF check + rename + record, and pdf:ready.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { api, createDatabase, startDaemon, startServer, until } from '../tests/e2e/harness.mjs';
import { buildPdf, Page } from '../scripts/demo/pdf-writer.mjs';

// socket.io-client as the e2e tests install it (tests/e2e/package-lock.json).
const { io } = createRequire(new URL('../tests/e2e/package.json', import.meta.url))('socket.io-client');

const { values: opts } = parseArgs({
  options: { work: { type: 'string' }, files: { type: 'string', default: '30' }, 'size-mb': { type: 'string', default: '1' } },
});
const files = Number(opts.files);
const size = Math.round(Number(opts['size-mb']) * 1024 * 1024);

/** A valid one-page PDF whose bulk is an unreferenced binary stream. */
function makePdf(i) {
  const page = new Page();
  page.text(72, 122, `ORCAMENTO N ${1000 + i} Cliente: Bench`, { size: 12 });
  return buildPdf([page], { title: `Orçamento ${1000 + i}`, subject: 'Orçamento', author: 'Siberius bench', created: '20261203120000' }, { padding: randomBytes(size) });
}

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const fmt = (x) => x.toFixed(1);

const folder = join(opts.work, 'office');
mkdirSync(folder, { recursive: true });
mkdirSync(join(opts.work, 'server'), { recursive: true });
for (let i = 0; i < files; ++i) writeFileSync(join(folder, `orcamento_${1000 + i}.pdf`), makePdf(i));

const db = createDatabase();
const server = await startServer({ db: db.conninfo, dir: join(opts.work, 'server') });
const daemon = startDaemon(server, { folder, env: { LOG_LEVEL: 'warn' } });
const waiters = new Map();
const early = new Map(); // outcomes that arrived before their request's answer
const settle = (p) => { const w = waiters.get(p.requestId); if (w) w(p); else early.set(p.requestId, p); };
const client = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
client.on('pdf:ready', settle);
client.on('pdf:failed', settle);
await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });
await until('the folder indexed', async () => (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.total === files, { timeout: 120000 });
const items = (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.items;

const latencies = [];
for (const item of items) {
  const t0 = process.hrtime.bigint();
  const res = await api(server, 'POST', `/api/pdfs/${item.id}/request`);
  if (res.status !== 202) throw new Error(`request ${item.id}: ${res.status} ${res.text}`);
  const done = early.get(res.json.requestId) ?? await new Promise((resolve) => waiters.set(res.json.requestId, resolve));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (done.code) throw new Error(`request ${item.id} failed: ${done.code} ${done.reason}`);
  latencies.push(ms);
}

client.close();
await daemon.stop();
await server.stop();
db.drop();

const median = quantile(latencies, 0.5);
console.log(`request -> ready, ${files} PDFs of ${(size / 1048576).toFixed(1)} MB, one at a time (ms):`);
console.log(`  median ${fmt(median)}   p90 ${fmt(quantile(latencies, 0.9))}   min ${fmt(Math.min(...latencies))}   max ${fmt(Math.max(...latencies))}   first ${fmt(latencies[0])}`);
console.log(`  target: median <= 50 ms -> ${median <= 50 ? 'met' : 'MISSED'}`);
