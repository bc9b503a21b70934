// autoUpload end to end: the real daemon on a folder of the demo office's
// PDFs (events from two weeks ago to six weeks ahead), the real server and
// PostgreSQL. Once an admin turns autoUpload on for the daemon, the PDFs of
// the events of the next days are on the server without anyone asking, and
// only those.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import parsePrometheus from 'parse-prometheus-text-format';
import { api, createDatabase, sleep, sourceDir, startDaemon, startServer, until } from './harness.mjs';

const DAYS = 3;
let db, server, folder, daemon, client, manifest, today;
const events = [];

const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

async function pdfs() {
  const list = await api(server, 'GET', '/api/pdfs?pageSize=100');
  assert.equal(list.status, 200);
  return list.json.items;
}

before(async () => {
  // "Today" is the server's (--timezone UTC) and the generator's alike.
  today = new Date().toISOString().slice(0, 10);
  folder = mkdtempSync(join(tmpdir(), 'siberius-auto-upload-'));
  execFileSync(process.execPath, [join(sourceDir, 'scripts', 'demo', 'make-demo-pdfs.mjs'), folder, '--today', today],
    { stdio: 'pipe' });
  manifest = JSON.parse(readFileSync(join(folder, '.siberius-demo.json'), 'utf8'));
  db = createDatabase();
  server = await startServer({
    db: db.conninfo,
    args: ['--auto-upload-days', String(DAYS), '--auto-upload-interval-s', '1', '--timezone', 'UTC'],
  });
  client = io(`${server.url}/client`, { transports: ['websocket'], auth: { token: server.creds.adminToken } });
  client.onAny((name, payload) => events.push({ name, payload }));
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });
  daemon = startDaemon(server, { folder });
});

after(async () => {
  client?.close();
  await daemon?.stop();
  await server?.stop();
  db?.drop();
  server?.cleanup();
  rmSync(folder, { recursive: true, force: true });
});

test('with autoUpload on, the PDFs of the next days are cached before anyone asks, and only those', async () => {
  const soon = manifest.documents.filter((d) => d.dataEvento >= today && d.dataEvento <= addDays(today, DAYS));
  const later = manifest.documents.filter((d) => !soon.includes(d));
  assert.ok(soon.length >= 2, `the demo has events in the next ${DAYS} days (${soon.length})`);
  await until('every demo PDF indexed', async () => (await pdfs()).length === manifest.documents.length,
    { timeout: 30000, every: 200 });

  // Off by default: several lookups later, nothing was uploaded.
  await sleep(2500);
  assert.deepEqual((await pdfs()).filter((p) => p.status !== 'available_local').map((p) => p.filename), []);

  const daemons = await api(server, 'GET', '/api/admin/daemons');
  const id = daemons.json.daemons?.[0]?.id ?? daemons.json.items?.[0]?.id;
  assert.ok(id, JSON.stringify(daemons.json));
  const put = await api(server, 'PUT', `/api/admin/daemons/${id}/config`, { body: { autoUpload: true } });
  assert.equal(put.status, 200, put.text);

  const cached = await until('the PDFs of the coming events cached', async () => {
    const items = await pdfs();
    const byName = new Map(items.map((p) => [p.filename, p]));
    return soon.every((d) => byName.get(d.file)?.status === 'cached') ? byName : null;
  }, { timeout: 30000, every: 200 });
  // The clients heard it as for any upload.
  for (const d of soon) {
    const ready = events.find((e) => e.name === 'pdf:ready' && e.payload.pdfId === cached.get(d.file).id);
    assert.ok(ready, `pdf:ready for ${d.file}`);
  }
  // A copy is the office's file byte for byte.
  const first = cached.get(soon[0].file);
  const res = await fetch(`${server.url}/api/pdfs/${first.id}/download`, {
    headers: { authorization: `Bearer ${server.creds.adminToken}` },
  });
  assert.equal(res.status, 200);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(folder, soon[0].file))));

  // Past events and those further ahead stay in the office.
  await sleep(2000);
  const after = new Map((await pdfs()).map((p) => [p.filename, p]));
  for (const d of later)
    assert.equal(after.get(d.file).status, 'available_local', `${d.file} (event ${d.dataEvento}) stays in the office`);

  // The server counted them, and the daemon logged them as the uploads they are.
  const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.creds.adminToken}` } });
  const family = parsePrometheus(await metrics.text()).find((f) => f.name === 'siberius_auto_uploads_total');
  const started = family?.metrics.find((m) => m.labels?.event === 'started');
  assert.equal(Number(started?.value), soon.length);
  assert.equal(daemon.logs.filter((l) => l.event === 'upload:stored').length, soon.length);
});

test('a person asking for another PDF meanwhile is served as usual', async () => {
  const items = await pdfs();
  const other = items.find((p) => p.status === 'available_local');
  const asked = await api(server, 'POST', `/api/pdfs/${other.id}/request`, { body: {} });
  assert.equal(asked.status, 202, asked.text);
  await until('the requested PDF ready', () => events.find((e) => e.name === 'pdf:ready' && e.payload.pdfId === other.id),
    { timeout: 20000 });
});
