// The cache janitor's on-demand run against the real server and PostgreSQL:
// an admin's POST /api/admin/cache/cleanup deletes a copy past its type's
// retention (--retention os=1), answers with the run's report, which is then
// first in GET /api/admin/cache/reports and reaches an admin's /client socket
// as cache:cleanup_report; a technician and a caller without a session are
// refused and their sockets hear nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { api, createDatabase, fakeHash, psql, startServer, until } from './harness.mjs';

let db, server, techToken;
const sockets = [];

function connectClient(token) {
  const events = [];
  const s = io(`${server.url}/client`, { transports: ['websocket'], reconnection: false, auth: { token } });
  s.onAny((name, payload) => events.push({ name, payload }));
  sockets.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ socket: s, events }));
    s.once('connect_error', reject);
  });
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--retention', 'os=1,orcamento=30', '--janitor-tz', 'Europe/Berlin'] });
  const res = await api(server, 'POST', '/api/admin/users', {
    body: { login: 'tec', role: 'tecnico', nome: 'Tec', password: 'tec-password-1' },
  });
  assert.equal(res.status, 201, res.text);
  const login = await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'tec', password: 'tec-password-1' } });
  assert.equal(login.status, 200, login.text);
  techToken = login.json.token;
  // The run at start is over before the test's rows exist.
  await until('the run at start', () => server.logs.some((l) => l.event === 'cache:cleanup:report'));
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

/** A cached copy of `tipo` whose event and upload were 3 days ago, with a file of `size` bytes. */
function cachedCopy(n, tipo, size) {
  const folder = join(server.dir, 'storage', '2026', '01');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${n}.pdf`);
  writeFileSync(path, Buffer.alloc(size, 1));
  const id = psql(db.conninfo, `INSERT INTO pdf_cache (file_hash, filename, file_size, tipo, data_evento, status,
    file_path, cached_at, expires_at) VALUES ('${fakeHash(n)}', '${n}.pdf', ${size}, '${tipo}',
    current_date - 3, 'cached', '${path}', now() - interval '3 days', now() + interval '12 days') RETURNING id`);
  return { id: Number(id), path };
}

test('an admin runs the cleanup and sees its report; others are refused', async () => {
  const os = cachedCopy(1, 'os', 2048);          // os: 1 day after the event, past
  const orcamento = cachedCopy(2, 'orcamento', 10); // orcamento: 30 days, kept
  const admin = await connectClient(server.creds.adminToken);
  const tech = await connectClient(techToken);

  const refusedTech = await api(server, 'POST', '/api/admin/cache/cleanup', { token: techToken });
  assert.equal(refusedTech.status, 403, refusedTech.text);
  const refusedAnon = await api(server, 'POST', '/api/admin/cache/cleanup', { token: null });
  assert.equal(refusedAnon.status, 401, refusedAnon.text);
  assert.equal((await api(server, 'GET', '/api/admin/cache/reports', { token: techToken })).status, 403);
  assert.ok(existsSync(os.path), 'a refused call deleted nothing');

  const run = await api(server, 'POST', '/api/admin/cache/cleanup');
  assert.equal(run.status, 200, run.text);
  assert.equal(run.json.joined, false);
  const report = run.json.report;
  assert.equal(report.trigger, 'on_demand');
  assert.equal(report.filesRemoved, 1);
  assert.equal(report.bytesFreed, 2048);
  assert.equal(report.expiredRows, 1);
  assert.deepEqual(report.errors, []);
  assert.ok(report.id > 0 && report.startedAt && report.finishedAt && report.durationMs >= 0);
  assert.ok(!existsSync(os.path));
  assert.ok(existsSync(orcamento.path));
  assert.equal(psql(db.conninfo, `SELECT status FROM pdf_cache WHERE id = ${os.id}`), 'expired');

  const list = await api(server, 'GET', '/api/admin/cache/reports?limit=1');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.items.length, 1);
  assert.equal(list.json.items[0].id, report.id);
  assert.equal(list.json.items[0].filesRemoved, 1);
  assert.equal((await api(server, 'GET', '/api/admin/cache/reports?limit=0')).status, 400);

  await until('cache:cleanup_report on the admin socket',
    () => admin.events.some((e) => e.name === 'cache:cleanup_report' && e.payload.id === report.id));
  assert.ok(!tech.events.some((e) => e.name === 'cache:cleanup_report'), 'a technician is not told');
  const logged = server.logs.find((l) => l.event === 'cache:cleanup:report' && l.id === report.id);
  assert.equal(logged?.bytesFreed, 2048);
});
