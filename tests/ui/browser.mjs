// What the browser suites share: Debian's Chromium driven by playwright-core
// (no browser download), the real server serving ui/dist (started through
// tests/e2e/harness.mjs), a folder of the project's own demo PDFs for a real
// siberius-daemon, screenshots and axe-core.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer, connect as netConnect } from 'node:net';
import { chromium } from 'playwright-core';
import { sourceDir, startDaemon, startServer } from '../e2e/harness.mjs';

const require = createRequire(import.meta.url);

export const uiDir = process.env.SIBERIUS_UI_DIR ?? join(sourceDir, 'ui', 'dist');
export const screenshotDir = process.env.SIBERIUS_SCREENSHOT_DIR
  ?? join(process.env.SIBERIUS_BINARY_DIR ?? join(sourceDir, 'build'), 'ui-screenshots');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Fails early, in words, when something the suites need is not there. */
export function checkPrerequisites() {
  if (!existsSync(join(uiDir, 'index.html'))) {
    throw new Error(`no built web app in ${uiDir}: run \`source scripts/lib/ui.sh && siberius_ui_build\` (scripts/test does)`);
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install chromium`);
}

/** A fresh headless Chromium; playwright gives each launch a new temporary
 *  profile (--user-data-dir) and removes it on close. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A browser context as an admin in São Paulo would have it, at 1440×900.
 *  `page.problems` collects uncaught page errors and console errors (CSP
 *  violations among them); failed 4xx loads and refused connections (the
 *  server stopped) are expected in some steps and kept apart in
 *  `page.httpErrors` and `page.networkErrors`. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
  // A step that cannot happen fails in 15 s, not playwright's 30.
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  watchConsole(page, /net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE|INTERNET_DISCONNECTED)/);
  return { context, page };
}

/** Sorts the page's console errors: failed 4xx loads and network errors (expected in some steps) apart from the rest. */
function watchConsole(page, networkError) {
  page.problems = [];
  page.httpErrors = [];
  page.networkErrors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(text)) page.httpErrors.push(text);
    else if (networkError.test(text)) page.networkErrors.push(text);
    else page.problems.push(text);
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e}`));
}

/** Ends a suite: its browser contexts and browser, then the daemon, the relay, the server, the database and the demo folder. */
export async function tearDown({ contexts = [], browser, daemon, link, server, db, demo }) {
  for (const c of contexts) await c?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await daemon?.stop();
  await link?.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
  if (demo) rmSync(demo.parent, { recursive: true, force: true });
}

/** Signs in through the login form, as a person does. */
export async function signIn(page, base, login, password, { path = '/login' } = {}) {
  if (path !== null) await page.goto(base + path);
  await page.getByLabel('Usuário').fill(login);
  await page.getByLabel('Senha').fill(password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
}

/** The page's <h1>, by its exact text. */
export function heading(page, name) {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/** Waits until nothing in the page says it is still loading ("Carregando…",
 *  the app's placeholder for a lazy chunk or data on its way). */
export async function settled(page, { timeout = 15000 } = {}) {
  await page.waitForFunction(() => ![...document.querySelectorAll('main [role=status]')]
    .some((e) => /^\s*Carregando/.test(e.textContent ?? '')), null, { timeout, polling: 100 });
}

/** The daemons table row of a clientId. */
export function daemonRow(page, clientId) {
  return page.locator('#daemons-table tbody tr').filter({ has: page.locator('td', { hasText: clientId }) });
}

/** Cells of a daemons table row by column name (the table's own header). */
export async function rowCells(row) {
  const header = await row.page().locator('#daemons-table thead th').allInnerTexts();
  const cells = await row.locator('th, td').allInnerTexts();
  return Object.fromEntries(header.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]));
}

/** Waits until `fn()` returns a truthy value (a locator read, say); the
 *  last value seen is in the error. */
export async function eventually(what, fn, { timeout = 10000, every = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** The project's own sample PDFs (scripts/demo/make-demo-pdfs.mjs) in a new
 *  folder; returns the folder and the generator's manifest. */
export function demoFolder(parent = mkdtempSync(join(tmpdir(), 'siberius-ui-'))) {
  const folder = join(parent, 'office');
  execFileSync(process.execPath, [join(sourceDir, 'scripts', 'demo', 'make-demo-pdfs.mjs'), folder], { stdio: ['ignore', 'ignore', 'inherit'] });
  const manifest = JSON.parse(readFileSync(join(folder, '.siberius-demo.json'), 'utf8'));
  return { parent, folder, manifest };
}

/** siberius-server serving the built app (--ui-dir); the harness already
 *  sets --ping-interval-ms 1000, so a dropped socket is noticed within ~2 s. */
export function startUiServer(db, { port = 0, dir, args = [] } = {}) {
  return startServer({ db: db.conninfo, port, ...(dir ? { dir } : {}), args: ['--ui-dir', uiDir, ...args] });
}

/** The real siberius-daemon with a heartbeat every second and short
 *  reconnect delays (an admin's "Desconectar" keeps it away 12× the base). */
export function startFastDaemon(server, folder, env = {}) {
  return startDaemon(server, { folder, env: { HEARTBEAT_SECONDS: '1', RECONNECT_BASE_MS: '250', LOG_LEVEL: 'info', ...env } });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page as it is. Injected by evaluation over CDP, so the
 * page's CSP stays as the server sent it. Prints every violation; returns
 * them with the serious and critical ones apart.
 */
export async function runAxe(page, name) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  for (const v of violations) {
    console.log(`axe ${name}: ${v.impact} ${v.id}: ${v.help}`);
    for (const n of v.nodes) console.log(`    ${n.target}${n.summary ? ` (${n.summary.replace(/\s+/g, ' ').slice(0, 200)})` : ''}`);
  }
  if (!violations.length) console.log(`axe ${name}: no violations`);
  return { violations, serious: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
}

/** A screenshot of the viewport (or the whole page) under ui-screenshots/. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage, animations: 'disabled', caret: 'hide' });
  return path;
}

export function writeReport(name, data) {
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(join(screenshotDir, name), JSON.stringify(data, null, 2));
}

/**
 * A TCP relay in front of the server whose upstream direction can be slowed
 * down (`link.bytesPerSecond`, 0 = as fast as it goes): an office on a slow
 * uplink, so that an upload lasts long enough to be watched. Give its `url`
 * to the daemon as the server's.
 */
export function startSlowLink(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const link = { bytesPerSecond: 0, url: '', close: null };
  const server = createNetServer((client) => {
    const upstream = netConnect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    upstream.pipe(client);
    client.on('data', (buf) => {
      if (!link.bytesPerSecond) {
        upstream.write(buf);
        return;
      }
      client.pause();
      void (async () => {
        for (let i = 0; i < buf.length && !upstream.destroyed; i += 16384) {
          const piece = buf.subarray(i, i + 16384);
          upstream.write(piece);
          if (link.bytesPerSecond) await new Promise((r) => setTimeout(r, (piece.length / link.bytesPerSecond) * 1000));
        }
        client.resume();
      })();
    });
    client.on('end', () => upstream.end());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    link.url = `http://127.0.0.1:${server.address().port}`;
    link.close = () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(r);
    });
    resolve(link);
  }));
}

/** Like newPage, on a phone: 390×844, touch, as a technician in the field has it. */
export async function newPhonePage(browser) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'pt-BR', timezoneId: 'America/Sao_Paulo',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  // In the field the network comes and goes: every network error is one of those.
  watchConsole(page, /net::ERR_/);
  return { context, page };
}
