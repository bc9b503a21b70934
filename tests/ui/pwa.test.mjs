// The technicians' installable app in Debian's Chromium, on a phone-sized
// screen, against the real server and PostgreSQL: the manifest and the
// service worker pass Chromium's own installability check; with the network
// gone the app shell and the technician's last answers still load, and the
// screen says it is offline; signing out leaves nothing of the person on the
// device. Screenshots at 390×844.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { api, createDatabase } from '../e2e/harness.mjs';
import { checkPrerequisites, chromiumPath, eventually, runAxe, screenshot, signIn, startUiServer } from './browser.mjs';

const { chromium } = createRequire(import.meta.url)('playwright-core');

const TECNICO = { login: 'carla.souza', nome: 'Carla Souza', password: 'carla-password-1' };
let db, server, context, page, profile;

before(async () => {
  checkPrerequisites();
  db = createDatabase();
  server = await startUiServer(db);
  const made = await api(server, 'POST', '/api/admin/users', { body: { ...TECNICO, role: 'tecnico' } });
  assert.equal(made.status, 201, made.text);
  const today = new Date().toISOString().slice(0, 10);
  const at = await api(server, 'POST', '/api/atendimentos', {
    body: { titulo: 'Montagem do palco – Festa da Uva', cliente: 'Prefeitura de Jundiaí', local: 'Parque da Uva', dataInicio: today, tecnicos: [TECNICO.login] },
  });
  assert.equal(at.status, 201, at.text);
  // A profile on disk, as a phone has: Chromium never offers to install
  // from an incognito context (which a plain new context is).
  profile = mkdtempSync(join(tmpdir(), 'siberius-pwa-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'pt-BR', timezoneId: 'America/Sao_Paulo',
  });
  context.setDefaultTimeout(15000);
  page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e}`));
});

after(async () => {
  await context?.close().catch(() => {});
  if (profile) rmSync(profile, { recursive: true, force: true });
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('the manifest and the service worker make the app installable', async () => {
  await signIn(page, server.url, TECNICO.login, TECNICO.password);
  await page.waitForURL(/\/tecnico$/);
  await page.getByRole('heading', { name: 'Meus atendimentos' }).waitFor();
  // The worker takes over this page once installed (clients.claim).
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined, null, { timeout: 15000 });
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifest.errors, [], JSON.stringify(manifest.errors));
  const parsed = JSON.parse(manifest.data);
  assert.equal(parsed.display, 'standalone');
  assert.equal(parsed.start_url, '/');
  assert.ok(parsed.icons.some((i) => i.sizes === '192x192'));
  assert.ok(parsed.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], `Chromium says: ${JSON.stringify(installabilityErrors)}`);
  const sw = await api(server, 'GET', '/sw.js', { token: null });
  assert.equal(sw.status, 200);
  await screenshot(page, 'pwa-01-tecnico-home-390');
  const { serious } = await runAxe(page, 'pwa-01-tecnico-home-390');
  assert.deepEqual(serious.map((v) => v.id), []);
});

test('offline, the app shell and the last answers load, and the screen says so', async () => {
  // Only the first visit so far: the worker took the page over after its answers came, and was handed them to keep.
  let kept = [];
  await eventually('the first visit\'s answers kept', async () => {
    kept = await page.evaluate(async () => ((await caches.has('siberius-data'))
      ? (await (await caches.open('siberius-data')).keys()).map((r) => new URL(r.url).pathname) : []));
    return kept.includes('/api/me') && kept.includes('/api/atendimentos');
  }).catch((e) => { throw new Error(`${e.message}; kept: ${JSON.stringify(kept)}`); });
  await context.setOffline(true);
  try {
    await page.reload();
    await page.getByRole('heading', { name: 'Meus atendimentos' }).waitFor();
    await page.getByText('Montagem do palco – Festa da Uva').waitFor();
    // It says it is not connected.
    await page.getByText(/Servidor inacessível|Sem conexão com a internet/).first().waitFor();
    await screenshot(page, 'pwa-02-tecnico-offline-390');
    const { serious } = await runAxe(page, 'pwa-02-tecnico-offline-390');
    assert.deepEqual(serious.map((v) => v.id), []);
  } finally {
    await context.setOffline(false);
  }
});

/** A finger on the screen from (x, y0) down to (x, y1), in steps, through Chromium's touch input. */
async function drag(cdp, x, y0, y1, { release = true } = {}) {
  const at = (y) => [{ x, y, id: 1, radiusX: 8, radiusY: 8, force: 1 }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(y0) });
  for (let i = 1; i <= 10; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(y0 + ((y1 - y0) * i) / 10) });
  }
  if (release) await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
}

test('pull to refresh: a long pull from the top fetches the list again, a short one does not', async () => {
  let live = false;
  page.on('websocket', (ws) => ws.on('framereceived', (f) => { if (String(f.payload).startsWith('40/client')) live = true; }));
  let lastListAt = 0;
  const seen = (r) => { if (new URL(r.url()).pathname === '/api/atendimentos') lastListAt = Date.now(); };
  page.on('request', seen);
  page.on('requestfinished', seen);
  await page.goto(`${server.url}/tecnico`);
  await page.getByText('Montagem do palco – Festa da Uva').waitFor();
  // The live connection up (its arrival may fetch the list once more: events before it are lost), then quiet.
  await eventually('the live connection', () => live);
  await eventually('no list fetch for a second', () => lastListAt > 0 && Date.now() - lastListAt > 1000);
  let lists = 0;
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/atendimentos') lists++; });
  const cdp = await context.newCDPSession(page);
  // A short pull: shown, but let go before the threshold.
  await drag(cdp, 195, 200, 260);
  await page.waitForTimeout(500);
  assert.equal(lists, 0, 'a short pull fetches nothing');
  // A long one: "Solte para atualizar" before letting go, then the list is fetched again.
  await drag(cdp, 195, 200, 520, { release: false });
  await page.getByText('Solte para atualizar').waitFor();
  await screenshot(page, 'pwa-03-pull-to-refresh-390');
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await eventually('the list fetched again', async () => lists === 1);
  await page.getByText('Montagem do palco – Festa da Uva').waitFor();
  await eventually('the indicator gone', async () => (await page.locator('.pull-to-refresh').getAttribute('data-state')) === 'idle');
  // Scrolled down, the same gesture scrolls the page and refreshes nothing.
  await page.evaluate(() => { document.body.style.minHeight = '3000px'; window.scrollTo(0, 600); });
  await drag(cdp, 195, 200, 520);
  await page.waitForTimeout(500);
  assert.equal(lists, 1, 'a pull away from the top is a scroll');
  await page.evaluate(() => { document.body.style.minHeight = ''; window.scrollTo(0, 0); });
  assert.deepEqual(page.problems, []);
});

test('signing out leaves nothing of the person on the device', async () => {
  await page.reload();
  await page.getByRole('heading', { name: 'Meus atendimentos' }).waitFor();
  assert.ok((await page.evaluate(() => caches.keys())).includes('siberius-data'), 'answers were kept for offline');
  await page.getByRole('button', { name: 'Sair' }).click();
  await page.getByLabel('Usuário').waitFor();
  const left = await page.evaluate(() => caches.keys());
  assert.ok(!left.includes('siberius-data') && !left.includes('siberius-pdfs'), `caches left: ${left}`);
  assert.ok(left.some((k) => k.startsWith('siberius-shell-')), 'the app shell stays');
  assert.deepEqual(page.problems, []);
});
