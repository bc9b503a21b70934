// Starts real components for the end-to-end tests: a database of its own in
// the PostgreSQL cluster of scripts/test (SIBERIUS_PG), or a private cluster,
// and siberius-server on a free port.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { io } from 'socket.io-client';
import { checkResponse, stats as openapiStats } from './openapi_check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.SIBERIUS_SOURCE_DIR ?? join(here, '..', '..');
export const serverBinary = process.env.SIBERIUS_SERVER ?? join(sourceDir, 'build', 'actors', 'siberius-server');
export const daemonBinary = process.env.SIBERIUS_DAEMON ?? join(sourceDir, 'build', 'daemon', 'siberius-daemon');

export function psql(conninfo, sql) {
  return execFileSync('psql', [conninfo, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8' }).trim();
}

/** A fresh database in the shared test cluster; drop() removes it. */
export function createDatabase() {
  const base = process.env.SIBERIUS_PG;
  if (!base) throw new Error('SIBERIUS_PG is not set: run the tests through scripts/test');
  const name = `e2e_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  psql(base.replace(/dbname=\S+/, 'dbname=postgres'), `CREATE DATABASE ${name}`);
  const conninfo = base.replace(/dbname=\S+/, `dbname=${name}`);
  return {
    conninfo,
    drop() {
      try {
        psql(base.replace(/dbname=\S+/, 'dbname=postgres'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch { /* the cluster may be gone already */ }
    },
  };
}

function pgShell(script) {
  return execFileSync('bash', ['-c', `source "${sourceDir}/scripts/lib/pg.sh"; ${script}`], { encoding: 'utf8' });
}

// The same without blocking the test's event loop: its sockets keep answering
// the server's pings while PostgreSQL takes its seconds to start.
function pgShellAsync(script) {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `source "${sourceDir}/scripts/lib/pg.sh"; ${script}`], { encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}

/** A private PostgreSQL cluster that a test may stop and start at will. */
export function privateCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'siberius-e2e-pg-'));
  const port = 5432;
  const startScript = `siberius_pg_start "${dir}" ${port} throwaway && echo "$SIBERIUS_PG"`;
  const conninfo = pgShell(startScript).trim().split('\n').pop();
  return {
    conninfo,
    /** Starts it again; resolves once it accepts connections. */
    start: () => pgShellAsync(startScript),
    stop: () => pgShellAsync(`siberius_pg_stop "${dir}"`),
    remove() {
      pgShell(`siberius_pg_stop "${dir}"`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Every answer a suite's fetch (api() included) gets from a server started
// here is checked against docs/openapi.yaml: an undocumented route or status,
// or a body that does not match its schema, fails the request and the suite.
const checkedOrigins = new Set();
const plainFetch = globalThis.fetch;
const isJson = (contentType) => (contentType ?? '').split(';')[0].trim() === 'application/json';
/** Throws when an answer of a checked server is not as the document says
 *  (for suites that send requests without fetch). `text`: the body read. */
export function expectDocumented({ method, url, status, contentType, text }) {
  if (!checkedOrigins.has(new URL(url).origin)) return;
  const body = method.toUpperCase() !== 'HEAD' && isJson(contentType) ? text : undefined;
  const problems = checkResponse({ method: method.toUpperCase(), url, status, contentType, body });
  if (problems.length) throw new Error(`answer not as docs/openapi.yaml says:\n${problems.join('\n')}`);
}
globalThis.fetch = async function fetchChecked(input, init = {}) {
  const res = await plainFetch(input, init);
  const url = typeof input === 'string' ? input : (input.url ?? String(input));
  if (!checkedOrigins.has(new URL(url).origin)) return res;
  const method = (init.method ?? input.method ?? 'GET').toUpperCase();
  const contentType = res.headers.get('content-type');
  // JSON answers are small; files and streams are judged by status and type.
  const text = method !== 'HEAD' && isJson(contentType) ? await res.clone().text() : undefined;
  expectDocumented({ method, url, status: res.status, contentType, text });
  return res;
};
/** Checks the answers of a server a suite started by itself too. */
export function checkAnswersOf(url) {
  checkedOrigins.add(new URL(url).origin);
}
after(() => {
  if (openapiStats.failures.length)
    throw new Error(`answers not as docs/openapi.yaml says:\n${openapiStats.failures.join('\n')}`);
});

/** Starts siberius-server; resolves once it logs server:listening. */
export async function startServer({ db, port = 0, args = [], dir = mkdtempSync(join(tmpdir(), 'siberius-e2e-')) }) {
  const credentialsPath = join(dir, 'credentials.json');
  const proc = spawn(serverBinary, [
    '--port', String(port), '--db', db, '--schema-dir', join(sourceDir, 'schema'),
    '--credentials', credentialsPath, '--ping-interval-ms', '1000', '--ping-timeout-ms', '1000',
    // Suites fire hundreds of requests a second from one address: the
    // per-address limit is off unless a test sets it (abuse.test.mjs).
    '--storage-dir', join(dir, 'storage'), '--rate-limit-per-s', '0', ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  const lines = createInterface({ input: proc.stderr });
  const listening = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      let entry;
      try { entry = JSON.parse(line); } catch { entry = { event: 'raw', line }; }
      logs.push(entry);
      if (entry.event === 'server:listening') resolve(entry.port);
    });
    proc.on('exit', (code) => reject(new Error(`siberius-server exited with ${code}: ${JSON.stringify(logs.slice(-5))}`)));
  });
  const boundPort = await listening;
  const creds = JSON.parse(readFileSync(credentialsPath, 'utf8'));
  const url = `http://127.0.0.1:${boundPort}`;
  checkedOrigins.add(url);
  return {
    proc, port: boundPort, url, creds, logs, dir,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Starts the real siberius-daemon on `folder`, connected to `url` (the
 *  server's, or a proxy in front of it) with the server's demo daemon token. */
export function startDaemon(server, { folder, url = server.url, env = {} }) {
  const proc = spawn(daemonBinary, ['--config', '/dev/null'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: '/usr/bin:/bin', SERVER_URL: url, DAEMON_TOKEN: server.creds.daemonToken,
      CLIENT_ID: server.creds.clientId, PDF_DIRECTORY: folder, STABLE_MS: '200', SETTLE_MS: '2500',
      RECONNECT_BASE_MS: '200', SYNC_DEBOUNCE_MS: '300', PARSE_WORKERS: '2', LOG_LEVEL: 'debug', ...env,
    },
  });
  const logs = [];
  createInterface({ input: proc.stderr }).on('line', (line) => {
    try { logs.push(JSON.parse(line)); } catch { logs.push({ event: 'raw', line }); }
  });
  return {
    proc, logs,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function api(server, method, path, { token = server.creds.adminToken, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + path, {
    method, headers, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

export function fakeHash(i) {
  return (BigInt(i) * 0x9e3779b97f4a7c15n).toString(16).padStart(64, 'a').slice(-64);
}

export function documentFor(i, overrides = {}) {
  return {
    filename: `orcamento_${i}.pdf`,
    fileHash: fakeHash(i),
    fileSize: 40000 + i,
    filePath: `/srv/pdfs/orcamento_${i}.pdf`,
    metadata: { tipo: 'orcamento', numero: String(i), cliente: 'Construtora São João', dataEvento: '2026-03-10', valorTotal: 1250.5 },
    indexedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Connects the server's demo daemon on /daemon (stock socket.io-client) and
 *  sends `documents` as one daemon:pdf_indexed_batch; resolves with the ack. */
export async function indexDocuments(server, documents) {
  const s = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  try {
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    return await s.timeout(5000).emitWithAck('daemon:pdf_indexed_batch', { documents });
  } finally {
    s.close();
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(what, check, { timeout = 10000, every = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
