// GET /api/pdfs on a large catalogue (issue 12): bench/pdf_search.sh starts a
// throw-away PostgreSQL (auto_explain loaded, off) and runs this. It starts
// siberius-server on a fresh database (which applies the migrations), fills
// pdf_cache with bench/pdf_search_load.sql, warms up, then times each search
// as an HTTP round trip on loopback over one kept-alive connection (the
// server's whole work: parse, auth, the database, JSON; no network). Then it
// switches auto_explain on and asks each search once more, so the plans shown
// are those of the very statements the server sent, with their parameters.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDatabase, psql, startServer } from '../tests/e2e/harness.mjs';

const { values: opts } = parseArgs({
  options: {
    work: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    'no-explain': { type: 'boolean', default: false },
  },
});
const rows = Number(opts.rows);
const rounds = Number(opts.rounds);
const here = new URL('.', import.meta.url).pathname;

mkdirSync(join(opts.work, 'server'), { recursive: true });
const db = createDatabase();
const server = await startServer({ db: db.conninfo, dir: join(opts.work, 'server') });
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(path, token = server.creds.adminToken) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get(server.url + path, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const body = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode} ${body}`));
        resolve({ ms, json: JSON.parse(body) });
      });
    });
    req.on('error', reject);
  });
}

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

try {
  let t = Date.now();
  execFileSync('psql', [db.conninfo, '-q', '-v', `rows=${rows}`, '-f', join(here, 'pdf_search_load.sql')], { stdio: 'inherit' });
  const loadS = (Date.now() - t) / 1000;
  const sizes = psql(db.conninfo, "SELECT pg_size_pretty(pg_table_size('pdf_cache')) || ' table, ' || pg_size_pretty(pg_indexes_size('pdf_cache')) || ' indexes'");
  console.log(`loaded ${rows.toLocaleString('en')} PDFs in ${loadS.toFixed(0)} s (${sizes})`);

  // A technician: tec1 gets a password through the admin API, then signs in.
  const tecId = psql(db.conninfo, "SELECT id FROM usuarios WHERE login = 'tec1'");
  await new Promise((resolve, reject) => {
    const body = JSON.stringify({ password: 'bench-tec1-password' });
    const req = http.request(`${server.url}/api/admin/users/${tecId}/password`, {
      method: 'PUT', agent, headers: { authorization: `Bearer ${server.creds.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`password: ${res.statusCode}`)))); });
    req.on('error', reject);
    req.end(body);
  });
  const tecToken = await new Promise((resolve, reject) => {
    const body = JSON.stringify({ login: 'tec1', password: 'bench-tec1-password' });
    const req = http.request(`${server.url}/api/auth/login`, {
      method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => { const c = []; res.on('data', (d) => c.push(d)); res.on('end', () => resolve(JSON.parse(Buffer.concat(c).toString()).token)); });
    req.on('error', reject);
    req.end(body);
  });

  // Deep cursors: the cursor handed out with a deep page reached by number
  // (untimed), then timed as any client following it would use it.
  const deepPage = Math.floor(rows / 25 / 2);
  const deep = (await get(`/api/pdfs?page=${deepPage}`)).json.nextCursor;
  const deepAurora = (await get('/api/pdfs?cliente=aurora&page=200')).json.nextCursor;
  const deepTipoStatus = (await get('/api/pdfs?tipo=os&status=cached&page=300')).json.nextCursor;
  const tecFirst = (await get('/api/pdfs', tecToken)).json;
  const tecDeep = (await get('/api/pdfs?page=20', tecToken)).json.nextCursor;

  const all = [
    ['first page', '/api/pdfs'],
    ['cliente=aurora', '/api/pdfs?cliente=aurora'],
    ['numero=4242', '/api/pdfs?numero=4242'],
    ['tipo=os&status=cached', '/api/pdfs?tipo=os&status=cached'],
    [`deep page via cursor (page ${deepPage + 1})`, `/api/pdfs?cursor=${deep}`],
    ['page=50', '/api/pdfs?page=50'],
    ['month: pdfs, May 2026, pageSize=100', '/api/pdfs?from=2026-05-01&to=2026-05-31&pageSize=100'],
    ['month: atendimentos, May 2026', '/api/atendimentos?from=2026-05-01&to=2026-05-31'],
    ['cliente=aurora, cursor (page 201)', `/api/pdfs?cliente=aurora&cursor=${deepAurora}`],
    ['tipo=os&status=cached, cursor (page 301)', `/api/pdfs?tipo=os&status=cached&cursor=${deepTipoStatus}`],
    ['technician: first page', '/api/pdfs', tecToken],
    ['technician: cursor (page 21)', `/api/pdfs?cursor=${tecDeep}`, tecToken],
    ['page=2000 (OFFSET 49,975)', '/api/pdfs?page=2000'],
  ];
  // A server without cursors (an older build, for a before/after) hands out none.
  const searches = all.filter(([, path]) => !path.includes('cursor=undefined'));

  for (let i = 0; i < Number(opts.warmup); ++i)
    for (const [, path, token] of searches) await get(path, token);
  const times = new Map(searches.map(([name]) => [name, []]));
  const answers = new Map();
  for (let r = 0; r < rounds; ++r) {
    for (const [name, path, token] of searches) {
      const { ms, json } = await get(path, token);
      times.get(name).push(ms);
      answers.set(name, json);
    }
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`\nHTTP round trip on loopback, ${rounds} rounds after ${opts.warmup} warm-up rounds (load average ${load}):\n`);
  console.log('| search | median ms | p90 ms | max ms | items | total |');
  console.log('|---|---|---|---|---|---|');
  const figures = {};
  for (const [name] of searches) {
    const xs = times.get(name);
    const a = answers.get(name);
    const items = a.items.length;
    const total = a.total === undefined ? '' : `${a.totalIsLowerBound ? '> ' : ''}${a.total}`;
    figures[name] = { median: quantile(xs, 0.5), p90: quantile(xs, 0.9), max: Math.max(...xs), items };
    console.log(`| ${name} | ${quantile(xs, 0.5).toFixed(2)} | ${quantile(xs, 0.9).toFixed(2)} | ${Math.max(...xs).toFixed(2)} | ${items} | ${total} |`);
  }
  console.log(`(technician: ${tecFirst.total}${tecFirst.totalIsLowerBound ? '+' : ''} PDFs visible)`);

  if (!opts['no-explain']) {
    // auto_explain was loaded at the cluster's start with log_min_duration
    // -1; turning it on by reload reaches the server's open connection.
    const pgLog = join(opts.work, 'pg-logs', 'postgres.log');
    psql(db.conninfo, "ALTER SYSTEM SET auto_explain.log_min_duration = 0");
    psql(db.conninfo, 'SELECT pg_reload_conf()');
    await new Promise((r) => setTimeout(r, 300));
    for (const [name, path, token] of searches) {
      const from = statSync(pgLog).size;
      await get(path, token);
      await new Promise((r) => setTimeout(r, 100));
      const text = readFileSync(pgLog).subarray(from).toString();
      console.log(`\n=== ${name}: GET ${path.length > 110 ? path.slice(0, 110) + '…' : path}`);
      const plans = text.split(/\n(?=\S)/).filter((l) => l.includes('duration:') && l.includes('plan:'))
        .map((l) => l.replace(/^.*?LOG:\s+/, ''));
      console.log(plans.join('\n'));
    }
    psql(db.conninfo, 'ALTER SYSTEM RESET auto_explain.log_min_duration');
    psql(db.conninfo, 'SELECT pg_reload_conf()');
  }
  console.log(JSON.stringify({ rows, rounds, figures }));
} finally {
  agent.destroy();
  await server.stop();
  db.drop();
}
