// "Visualizar PDF" timed in Debian's Chromium on a phone-sized page (issue 12
// target: median <= 300 ms from the press to page 1 for a 1 MB PDF in the
// office, on loopback with a real daemon). bench/pdf_view.sh starts
// PostgreSQL and runs this. It prints figures; it is not a test.
//
// Method: the office folder holds --rounds × 2 generated PDFs of --size-mb
// (one page of text and an unreferenced binary stream), each linked to an
// atendimento of one technician by "escalar". Every press is on a PDF that
// is only in the office, so each one is a real upload by the daemon. Times
// are the page's own clock (performance.now()), stamped by an init script:
// "press" = the click event on the button (capture phase), "ready" = the
// pdf:ready frame on the socket, "viewer" = the app's navigation to
// /pdf/:id, "page 1" = the canvas marked data-rendered-page="1", at the next
// animation frame. Two ways:
// - new tab: a new tab opens /tecnico, waits for the list and the live
//   socket, then one second (a person finding the PDF), then the press; the
//   viewer's chunk and pdf.js's worker start once the list is idle, or at
//   the press at the latest (from the browser's cache after round one);
// - same tab: the press, page 1, "Voltar", the next press in the same tab.
import { readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api, createDatabase, startDaemon, startServer, until } from '../tests/e2e/harness.mjs';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
// playwright-core as the browser tests install it (tests/ui/package-lock.json).
const { chromium } = createRequire(join(ROOT, 'tests', 'ui', 'package.json'))('playwright-core');

const { values: o } = parseArgs({
  options: {
    work: { type: 'string' },
    'ui-dir': { type: 'string', default: join(ROOT, 'ui', 'dist') },
    rounds: { type: 'string', default: '10' },
    'size-mb': { type: 'string', default: '1' },
    screenshots: { type: 'string', default: join(ROOT, 'build', 'ui-screenshots') },
    // 'block' measures without the app's service worker (it keeps a copy of each PDF the viewer fetches).
    'service-worker': { type: 'string', default: 'allow' },
  },
});
if (!o.work || !process.env.SIBERIUS_PG) throw new Error('run through bench/pdf_view.sh (needs --work and SIBERIUS_PG)');
const ROUNDS = Number(o.rounds);
const SIZE = Math.round(Number(o['size-mb']) * 1024 * 1024);
const log = (...a) => console.error('..', ...a);

/** A valid one-page PDF: a few lines of text, and `bytes` of an unreferenced binary stream. */
function officePdf(n, bytes) {
  const text = Buffer.from(`BT /F1 24 Tf 72 740 Td (ORDEM DE SERVICO ${7000 + n}) Tj 0 -36 Td /F1 14 Tf (Montagem de palco e som - bench) Tj ET`);
  const bulk = randomBytes(bytes);
  const bodies = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    Buffer.concat([Buffer.from(`<< /Length ${text.length} >>\nstream\n`), text, Buffer.from('\nendstream')]),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    Buffer.concat([Buffer.from(`<< /Length ${bulk.length} >>\nstream\n`), bulk, Buffer.from('\nendstream')]),
  ].map((b) => (Buffer.isBuffer(b) ? b : Buffer.from(b)));
  const out = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let at = out[0].length;
  const xref = [];
  bodies.forEach((b, i) => {
    xref.push(at);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), b, Buffer.from('\nendobj\n')]);
    out.push(obj);
    at += obj.length;
  });
  const rows = xref.map((x) => `${String(x).padStart(10, '0')} 00000 n \n`).join('');
  out.push(Buffer.from(`xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${rows}trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`));
  return Buffer.concat(out);
}

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const ms = (x) => (x == null ? '—' : `${x.toFixed(0)} ms`);

// ---- the office, the server, the real daemon
const folder = join(o.work, 'office');
mkdirSync(folder, { recursive: true });
mkdirSync(join(o.work, 'server'), { recursive: true });
const files = 2 * ROUNDS;
for (let i = 0; i < files; ++i) writeFileSync(join(folder, `os_${7000 + i}.pdf`), officePdf(i, SIZE));
const db = createDatabase();
const server = await startServer({ db: db.conninfo, dir: join(o.work, 'server'), args: ['--ui-dir', o['ui-dir']] });
const daemon = startDaemon(server, { folder, env: { LOG_LEVEL: 'warn' } });
await until('the office indexed', async () => (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.total === files, { timeout: 120000 });
const pdfs = (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.items.sort((a, b) => a.id - b.id);
const TECNICO = { login: 'bench.tecnico', nome: 'Bench Técnico', password: 'bench-password-1', role: 'tecnico' };
if ((await api(server, 'POST', '/api/admin/users', { body: TECNICO })).status !== 201) throw new Error('could not create the technician');
const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Sao_Paulo' });
for (const p of pdfs) {
  const r = await api(server, 'POST', `/api/pdfs/${p.id}/escalar`, { body: { tecnicos: [TECNICO.login], dataInicio: today, titulo: `Bench ${p.filename}` } });
  if (r.status !== 201) throw new Error(`escalar ${p.id}: ${r.status} ${r.text}`);
}
log(`server ${server.url}, the real daemon online with ${files} PDFs of ${(SIZE / 1048576).toFixed(1)} MB, all linked to ${TECNICO.login}`);

// ---- the browser: a phone
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
  locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', serviceWorkers: o['service-worker'] === 'block' ? 'block' : 'allow',
});
await context.addInitScript(() => {
  const pv = (window.__pv = { live: false, press: null, ready: null, viewer: null, page1: null });
  addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('.pdf-view button')) return;
    Object.assign(pv, { press: performance.now(), ready: null, viewer: null, page1: null });
  }, true);
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (m) => {
        if (typeof m.data !== 'string') return;
        if (m.data.startsWith('40/client')) pv.live = true;
        if (pv.press !== null && pv.ready === null && m.data.includes('"pdf:ready"')) pv.ready = performance.now();
      });
    }
  };
  const push = history.pushState;
  history.pushState = function (...args) {
    const r = push.apply(this, args);
    if (pv.press !== null && pv.viewer === null && location.pathname.startsWith('/pdf/')) pv.viewer = performance.now();
    return r;
  };
  new MutationObserver(() => {
    if (pv.press === null || pv.page1 !== null || !document.querySelector('canvas.pdf-canvas[data-rendered-page="1"]')) return;
    pv.page1 = -1;
    requestAnimationFrame(() => { pv.page1 = performance.now(); });
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rendered-page'] });
});
{
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Usuário').fill(TECNICO.login);
  await page.getByLabel('Senha').fill(TECNICO.password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await page.waitForURL(/\/tecnico$/);
  await page.close();
}

/** Presses "Visualizar PDF" on a PDF of the list on screen; the marks of that press. */
async function press(page, pdf) {
  const button = page.locator(`.pdf-view[data-pdf-id="${pdf.id}"] button`);
  await button.waitFor();
  await button.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__pv.live, null, { timeout: 15000 });
  const status = (await api(server, 'GET', `/api/pdfs/${pdf.id}/status`)).json.status;
  if (status !== 'available_local') throw new Error(`PDF ${pdf.id} is ${status}, not only in the office`);
  await page.waitForTimeout(1000); // a person finding the PDF on the list
  await button.tap();
  await page.waitForFunction(() => window.__pv.page1 > 0, null, { timeout: 30000, polling: 20 });
  const m = await page.evaluate((id) => {
    // The copy's download as the page saw it (the last one: a same-tab press fetches each PDF once).
    const d = performance.getEntriesByType('resource').filter((e) => e.name.endsWith(`/api/pdfs/${id}/download`)).at(-1);
    return { ...window.__pv, fetchStart: d?.startTime ?? null, fetchEnd: d?.responseEnd ?? null };
  }, pdf.id);
  return {
    total: m.page1 - m.press, upload: m.ready - m.press, navigate: m.viewer - m.ready, render: m.page1 - m.viewer,
    // Of "render": the viewer until pdf.js asks for the file, the file's download, and parsing + drawing page 1.
    toFetch: m.fetchStart - m.viewer, download: m.fetchEnd - m.fetchStart, draw: m.page1 - m.fetchEnd,
  };
}

const runs = { 'new tab': [], 'same tab': [] };
let next = 0;
for (let i = 0; i < ROUNDS; ++i) {
  const page = await context.newPage();
  await page.goto(`${server.url}/tecnico`);
  runs['new tab'].push(await press(page, pdfs[next++]));
  await page.close();
}
{
  const page = await context.newPage();
  await page.goto(`${server.url}/tecnico`);
  for (let i = 0; i < ROUNDS; ++i) {
    runs['same tab'].push(await press(page, pdfs[next++]));
    if (i === ROUNDS - 1) {
      mkdirSync(o.screenshots, { recursive: true });
      await page.screenshot({ path: join(o.screenshots, 'bench-pdf-view.png') });
    }
    await page.getByRole('link', { name: /Voltar/ }).click();
    await page.waitForURL(/\/tecnico$/);
  }
  await page.close();
}

// ---- the technicians' app: its first load on a phone with nothing cached, and a
// repeat visit with no network at all (from the service worker). Bytes are what
// crossed the network (CDP's encodedDataLength: compressed bodies and headers).
async function measuredLoad(ctx, steps) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = { network: 0, requests: 0, fromWorker: 0 };
  const fromWorker = new Set();
  cdp.on('Network.responseReceived', (e) => { if (e.response.fromServiceWorker) fromWorker.add(e.requestId); });
  cdp.on('Network.loadingFinished', (e) => {
    if (fromWorker.has(e.requestId)) { seen.fromWorker++; return; }
    seen.requests++;
    seen.network += e.encodedDataLength;
  });
  const t0 = Date.now();
  await steps(page);
  seen.ms = Date.now() - t0;
  await page.close();
  return seen;
}
const appContext = await browser.newContext({
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo',
});
const listShown = async (page) => {
  await page.getByRole('heading', { name: 'Meus atendimentos' }).waitFor({ timeout: 20000 });
  await page.locator('.pdf-view').first().waitFor({ timeout: 20000 });
};
const firstVisit = await measuredLoad(appContext, async (page) => {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Usuário').fill(TECNICO.login);
  await page.getByLabel('Senha').fill(TECNICO.password);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await page.waitForURL(/\/tecnico$/);
  await listShown(page);
  // The service worker installs (it fetches the shell once more, into its cache): not part of the first screen.
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20000 });
  // ... and keeps the answers already on screen (ui/src/lib/offline.ts), in a moment.
  await page.waitForFunction(async () => {
    if (!(await caches.has('siberius-data'))) return false;
    const kept = (await (await caches.open('siberius-data')).keys()).map((r) => new URL(r.url).pathname);
    return kept.includes('/api/me') && kept.includes('/api/atendimentos');
  }, null, { timeout: 20000, polling: 100 });
});
await appContext.setOffline(true);
const offlineVisit = await measuredLoad(appContext, async (page) => {
  await page.goto(`${server.url}/tecnico`);
  await listShown(page);
});
await appContext.close();

// ---- the bytes the press adds (the viewer's chunk and pdf.js's worker) and the first load
const assets = join(o['ui-dir'], 'assets');
const size = (f) => { try { return statSync(f).size; } catch { return null; } };
const kb = (n) => (n == null ? '—' : `${(n / 1024).toFixed(1)} KB`);
const pick = (re) => readdirSync(assets).filter((f) => re.test(f));
const group = (names) => ['', '.br', '.gz'].map((ext) => names.reduce((s, f) => s + (size(join(assets, f + ext)) ?? size(join(assets, f)) ?? 0), 0));
const viewerFiles = [...pick(/^PdfViewerPage-.*\.js$/), ...pick(/^pdf\.worker.*\.mjs$/)];
const html = readFileSync(join(o['ui-dir'], 'index.html'), 'utf8');
const firstFiles = [...html.matchAll(/\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const [viewerRaw, viewerBr, viewerGz] = group(viewerFiles);
const [firstRaw, firstBr, firstGz] = group(firstFiles);

await browser.close();
await daemon.stop();
await server.stop();
db.drop();

console.log(`\nVisualizar PDF, ${(SIZE / 1048576).toFixed(1)} MB in the office, real daemon on loopback, phone page 390×844 (DPR 2), service worker ${o['service-worker']}; ${ROUNDS} presses each; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('\n| way | press → page 1: median | p90 | min | max | of which: upload (press → pdf:ready) | ready → viewer | viewer → page 1 | = viewer → request of the copy | + its download | + parse and draw |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const [way, xs] of Object.entries(runs)) {
  const col = (k) => ms(quantile(xs.map((x) => x[k]), 0.5));
  const tot = xs.map((x) => x.total);
  console.log(`| ${way} | ${ms(quantile(tot, 0.5))} | ${ms(quantile(tot, 0.9))} | ${ms(Math.min(...tot))} | ${ms(Math.max(...tot))} | ${col('upload')} | ${col('navigate')} | ${col('render')} | ${col('toFetch')} | ${col('download')} | ${col('draw')} |`);
}
const all = Object.values(runs).flat().map((x) => x.total);
console.log(`\ntarget: median <= 300 ms: ${quantile(all, 0.5) <= 300 ? 'met' : 'NOT met'} (${ms(quantile(all, 0.5))} over both ways)`);
console.log(`first load (app files): ${kb(firstBr)} brotli / ${kb(firstGz)} gzip / ${kb(firstRaw)} raw: ${firstFiles.join(', ')}`);
console.log(`fetched on the first press (viewer chunk + pdf.js worker): ${kb(viewerBr)} brotli / ${kb(viewerGz)} gzip / ${kb(viewerRaw)} raw: ${viewerFiles.join(', ')}`);
console.log(`technicians' app, first visit (nothing cached: /login, sign in, the list with its PDFs): ${kb(firstVisit.network)} over the network in ${firstVisit.requests} responses (target <= 200 KB compressed: ${firstVisit.network <= 200 * 1024 ? 'met' : 'NOT met'}), ${firstVisit.ms} ms`);
console.log(`repeat visit with the network off: the list on screen in ${offlineVisit.ms} ms, ${offlineVisit.fromWorker} responses from the service worker, ${kb(offlineVisit.network)} over the network in ${offlineVisit.requests} (expected: none)`);
console.log(JSON.stringify({ firstVisit, offlineVisit }));
console.log(JSON.stringify({ bench: 'pdf_view', sizeBytes: SIZE, serviceWorker: o['service-worker'], rounds: ROUNDS, runs, firstLoad: { raw: firstRaw, br: firstBr, gz: firstGz }, viewer: { raw: viewerRaw, br: viewerBr, gz: viewerGz }, loadavg: loadavg() }));
