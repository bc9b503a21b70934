// The admin's daemon commands reaching the real siberius-daemon through the
// real server: a resync makes the daemon send a full sync, a config update is
// applied at once and shows in its next heartbeat, and the daemon's own
// warnings appear in the admin's detail view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, createDatabase, sourceDir, startDaemon, startServer, until } from './harness.mjs';

const corpus = join(sourceDir, '..', 'shared', 'corpus', 'pdfs');
let db, server, daemon, folder, daemonId;

const detail = async () => (await api(server, 'GET', `/api/admin/daemons/${daemonId}`)).json;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  folder = mkdtempSync(join(tmpdir(), 'siberius-e2e-office-'));
  for (const name of readdirSync(corpus).filter((n) => n.endsWith('.pdf')).slice(0, 2)) {
    copyFileSync(join(corpus, name), join(folder, name));
  }
  daemon = startDaemon(server, { folder, env: { HEARTBEAT_SECONDS: '1', LOG_LEVEL: 'info' } });
  await until('indexed', async () => (await api(server, 'GET', '/api/pdfs')).json?.total === 2, { timeout: 30000 });
  const list = await api(server, 'GET', '/api/admin/daemons');
  daemonId = list.json.daemons.find((d) => d.clientId === server.creds.clientId).id;
});

after(async () => {
  await daemon?.stop();
  await server?.stop();
  server?.cleanup();
  db?.drop();
  rmSync(folder, { recursive: true, force: true });
});

test('resync makes the daemon reconcile its whole folder', async () => {
  const syncsBefore = server.logs.filter((l) => l.event === 'daemon:sync').length;
  const res = await api(server, 'POST', `/api/admin/daemons/${daemonId}/resync`, { body: { reason: 'e2e check' } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.ack, { ok: true });
  await until('server:resync in the daemon log', () => daemon.logs.some((l) => l.event === 'server:resync' && l.reason === 'e2e check'));
  await until('a full sync at the server', () => server.logs.filter((l) => l.event === 'daemon:sync').length > syncsBefore, { timeout: 20000 });
  const sync = server.logs.filter((l) => l.event === 'daemon:sync').pop();
  assert.equal(sync.files, 2);
});

test('a config update is applied at once and reported in the heartbeat', async () => {
  const res = await api(server, 'PUT', `/api/admin/daemons/${daemonId}/config`, { body: { logLevel: 'warn', scanIntervalSeconds: 120 } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.delivered, true);
  assert.deepEqual(res.json.ack.applied, { logLevel: 'warn', scanIntervalSeconds: 120 });
  await until('the heartbeat carries the new config', async () => {
    const d = await detail();
    return d.heartbeat?.config?.logLevel === 'warn' && d.heartbeat.config.scanIntervalSeconds === 120;
  }, { timeout: 15000 });
  assert.equal((await detail()).heartbeat.config.pdfDirectory, folder, 'the detail view names the watched folder');
  const bad = await api(server, 'PUT', `/api/admin/daemons/${daemonId}/config`, { body: { logLevel: 'loud' } });
  assert.equal(bad.status, 400);
});

test('the daemon warnings reach the detail view', async () => {
  // A file named .pdf that is not a PDF: the daemon warns about it.
  writeFileSync(join(folder, 'quebrado.pdf'), 'this is not a PDF at all');
  await until('a forwarded warning', async () => (await detail()).recentEvents.some((e) => e.event.source === 'daemon:log'),
    { timeout: 30000 });
  const d = await detail();
  const forwarded = d.recentEvents.filter((e) => e.event.source === 'daemon:log');
  assert.ok(forwarded.every((e) => e.level === 'warn' || e.level === 'error'));
  assert.ok(!JSON.stringify(d.recentEvents).includes(server.creds.daemonToken.split('.')[1]), 'the token leaked');
});
