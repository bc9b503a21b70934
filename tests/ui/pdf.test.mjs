// "Visualizar PDF" end to end on a phone (390×844, touch) in Debian's
// Chromium, against the real server, PostgreSQL and siberius-daemon: an
// admin escalates a team from a PDF through the API, the technician sees the
// atendimento arrive live, presses the button, watches the office's upload
// and gets page 1 in the viewer; the downloaded bytes are the office file's.
// With the daemon stopped the button says so and the PDF comes by itself
// when the daemon is back. Ten people on one PDF make one upload. Another
// technician sees none of it (UI and API). Screenshots at 390×844 and
// 1440×900; axe-core on each screen (no serious or critical violation).
//
// The daemon reaches the server through a relay that can slow its uplink
// (startSlowLink): on loopback a PDF arrives in milliseconds, too fast to
// watch a progress bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, createDatabase, psql, startDaemon, until } from '../e2e/harness.mjs';
import { buildPdf, Page } from '../../scripts/demo/pdf-writer.mjs';
import {
  checkPrerequisites, demoFolder, heading, launchBrowser, newPage, newPhonePage, runAxe, screenshot, screenshotDir,
  settled, signIn, startSlowLink, startUiServer, writeReport, tearDown,
} from './browser.mjs';

let db, server, link, daemon, browser, demo;
const contexts = [];
const report = [];
const CARLA = { login: 'carla.souza', nome: 'Carla Souza', password: 'carla-password-1' };
const DIEGO = { login: 'diego.reis', nome: 'Diego Reis', password: 'diego-password-1' };
const PEOPLE = Array.from({ length: 10 }, (_, i) => ({ login: `pessoa${i + 1}`, nome: `Pessoa ${i + 1}`, password: `pessoa-password-${i + 1}` }));
const BIG_FILE = 'OS Festival da Primavera nº 5001.pdf';
const BIG_BYTES = 2 * 1024 * 1024;
const pdfs = {}; // filename → id
let carla; // Carla's phone page
const today = new Date().toLocaleDateString('en-CA', { timeZone: 'America/Sao_Paulo' });

/** A valid one-page PDF with a line of text, made large by an unreferenced binary stream. */
function bigPdf(bytes) {
  const page = new Page();
  page.text(72, 142, 'ORDEM DE SERVICO 5001', { size: 28 });
  page.text(72, 182, 'Festival da Primavera - palco e som', { size: 16 });
  return buildPdf([page], { title: 'OS 5001', subject: 'Ordem de serviço', author: 'Siberius tests', created: '20261203120000' }, { padding: randomBytes(bytes) });
}

/** Screenshot + axe + the page's console. */
async function check(page, name) {
  await settled(page);
  await page.evaluate(() => document.fonts.ready);
  const file = await screenshot(page, name);
  const { violations, serious } = await runAxe(page, name);
  const problems = page.problems.splice(0);
  report.push({ screen: name, url: page.url(), file, violations, consoleErrors: problems });
  assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join('; ')})`), [],
    `axe-core: no serious or critical violation on ${name}`);
  assert.deepEqual(problems, [], `no error in the console on ${name}`);
}

function startOfficeDaemon() {
  return startDaemon(server, { folder: demo.folder, url: link.url, env: { HEARTBEAT_SECONDS: '1', RECONNECT_BASE_MS: '250', LOG_LEVEL: 'info' } });
}

async function daemonStatus() {
  const d = (await api(server, 'GET', '/api/admin/daemons')).json.daemons.find((x) => x.clientId === server.creds.clientId);
  return d?.status;
}

const uploads = (id) => Number(psql(db.conninfo, `SELECT count(*) FROM pdf_transfers WHERE pdf_cache_id = ${id} AND transfer_type = 'upload'`));

async function escalar(file, tecnicos, titulo) {
  const res = await api(server, 'POST', `/api/pdfs/${pdfs[file]}/escalar`, { body: { tecnicos, titulo, dataInicio: today, local: 'Parque da Cidade' } });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** A signed-in browser context without the login form (for the ten people). */
async function contextWithSession(person, { phone = false } = {}) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ login: person.login, password: person.password, cookie: true }),
  });
  assert.equal(res.status, 200, await res.text());
  const value = /siberius_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(value, 'the login set the session cookie');
  const { context, page } = phone ? await newPhonePage(browser) : await newPage(browser);
  contexts.push(context);
  await context.addCookies([{ name: 'siberius_session', value, url: server.url, httpOnly: true, sameSite: 'Strict' }]);
  return page;
}

/** The notifications the app's service worker is showing now. */
async function shownNotifications(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url }));
  });
}

/** What stands between the app and a shown notification, for a failure's message. */
async function notificationState(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return {
      permission: Notification.permission,
      fromPage: window.__notifications,
      worker: { active: reg?.active?.state ?? null, waiting: reg?.waiting?.state ?? null, installing: reg?.installing?.state ?? null, controller: !!navigator.serviceWorker.controller },
      visible: document.visibilityState,
      button: document.querySelector('.pdf-view[data-pdf-state="ready"]')?.innerText ?? null,
    };
  });
}

/** The PDFs this device keeps for the field (the page's Cache Storage). */
async function keptOnDevice(page) {
  return page.evaluate(async () => {
    if (!(await caches.has('siberius-pdfs'))) return [];
    const keys = await (await caches.open('siberius-pdfs')).keys();
    return keys.map((r) => Number(/\/api\/pdfs\/(\d+)\/download$/.exec(new URL(r.url).pathname)?.[1])).sort((a, b) => a - b);
  });
}

/** The "Visualizar PDF" block of one PDF in the list. */
const pdfBlock = (page, id) => page.locator(`.pdf-view[data-pdf-id="${id}"]`);

/** Page 1 (or n) drawn by pdf.js, with ink on it (not a blank canvas). */
async function pageDrawn(page, n = 1, { timeout = 20000 } = {}) {
  const canvas = page.locator(`canvas.pdf-canvas[data-rendered-page="${n}"]`);
  await canvas.waitFor({ timeout }).catch(async (e) => {
    const seen = await page.evaluate(() => ({ main: document.querySelector('main')?.innerText.slice(0, 300), visible: document.visibilityState, canvas: document.querySelector('canvas')?.outerHTML })).catch(() => null);
    throw new Error(`${e.message}\n${page.url()}: ${JSON.stringify(seen)}; console: ${JSON.stringify(page.problems)}`);
  });
  const ink = await canvas.evaluate((c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) dark++;
    return dark;
  });
  assert.ok(ink > 100, `page ${n} has text on it (${ink} dark pixels)`);
  return canvas;
}

before(async () => {
  checkPrerequisites();
  demo = demoFolder();
  writeFileSync(join(demo.folder, BIG_FILE), bigPdf(BIG_BYTES));
  db = createDatabase();
  server = await startUiServer(db);
  for (const u of [CARLA, DIEGO, ...PEOPLE]) {
    const res = await api(server, 'POST', '/api/admin/users', { body: { ...u, role: 'tecnico' } });
    assert.equal(res.status, 201, res.text);
  }
  link = await startSlowLink(server.url);
  daemon = startOfficeDaemon();
  const expected = demo.manifest.documents.length + 1;
  await until('the office folder indexed', async () => (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.total === expected, { timeout: 60000 });
  for (const p of (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.items) pdfs[p.filename] = p.id;
  browser = await launchBrowser();
  console.log(`screenshots: ${screenshotDir}`);
});

after(async () => {
  writeReport('pdf-axe-report.json', report);
  await tearDown({ contexts, browser, daemon, link, server, db, demo });
});

test('the technician, on a phone, sees the atendimento an admin escalated from a PDF arrive live', async () => {
  const ctx = await newPhonePage(browser);
  contexts.push(ctx.context);
  await ctx.context.grantPermissions(['notifications'], { origin: server.url });
  carla = ctx.page;
  // Every value the progress bar takes, and every notification shown.
  await ctx.context.addInitScript(() => {
    window.__progress = [];
    window.__notifications = [];
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('[role=progressbar]')) {
        const v = bar.getAttribute('aria-valuenow');
        if (v !== null && window.__progress.at(-1) !== Number(v)) window.__progress.push(Number(v));
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    const Native = window.Notification;
    window.Notification = class extends Native {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? '' });
      }
    };
  });
  let live = false;
  carla.on('websocket', (ws) => ws.on('framereceived', (f) => { if (String(f.payload).startsWith('40/client')) live = true; }));
  await signIn(carla, server.url, CARLA.login, CARLA.password);
  await carla.waitForURL(/\/tecnico$/);
  await heading(carla, 'Meus atendimentos').waitFor();
  await carla.getByText('Nenhum atendimento agendado para você nos próximos 60 dias.').waitFor();
  await until('the live connection', () => live, { timeout: 10000 });

  // The admin, through the API: "escalar equipe" on the big OS, with Carla.
  await escalar(BIG_FILE, [CARLA.login], 'Festival da Primavera');
  const card = carla.getByRole('article', { name: 'Festival da Primavera' });
  await card.waitFor({ timeout: 10000 });
  await pdfBlock(carla, pdfs[BIG_FILE]).getByRole('button', { name: /Visualizar PDF/ }).waitFor();
  assert.match(await pdfBlock(carla, pdfs[BIG_FILE]).innerText(), /No escritório/);
  await check(carla, 'pdf-01-tecnico-phone');
});

test('Visualizar PDF: the upload is shown live, then the viewer opens on page 1', async () => {
  const id = pdfs[BIG_FILE];
  assert.equal(uploads(id), 0);
  link.bytesPerSecond = 1024 * 1024; // about two seconds for the 2 MB
  const requests = [];
  carla.on('request', (r) => { if (r.url().includes(`/api/pdfs/${id}/request`)) requests.push(r.method()); });
  await pdfBlock(carla, id).getByRole('button', { name: /Visualizar PDF/ }).click();
  const bar = pdfBlock(carla, id).getByRole('progressbar');
  await until('the progress bar past 0 %', async () => Number(await bar.getAttribute('aria-valuenow').catch(() => null)) > 5, { timeout: 15000, every: 20 });
  await screenshot(carla, 'pdf-02-progress-phone');
  const { violations, serious } = await runAxe(carla, 'pdf-02-progress-phone');
  report.push({ screen: 'pdf-02-progress-phone', violations });
  assert.deepEqual(serious, [], 'axe-core on the progress');
  await carla.waitForURL(new RegExp(`/pdf/${id}$`), { timeout: 20000 });
  link.bytesPerSecond = 0;
  await pageDrawn(carla, 1);
  const seen = await carla.evaluate(() => window.__progress);
  assert.ok(seen.some((v) => v > 0 && v < 100), `the bar moved through the upload: ${JSON.stringify(seen)}`);
  assert.ok(seen.length >= 3, `several steps shown: ${JSON.stringify(seen)}`);
  assert.deepEqual(requests, ['POST'], 'one request from the page');
  assert.equal(uploads(id), 1, 'one upload');
  await heading(carla, 'OS 5001').waitFor();
  await check(carla, 'pdf-03-viewer-phone');
});

test('Baixar: the downloaded bytes are the office file; ranges work with the session cookie', async () => {
  const id = pdfs[BIG_FILE];
  const office = readFileSync(join(demo.folder, BIG_FILE));
  const [download] = await Promise.all([carla.waitForEvent('download'), carla.getByRole('link', { name: 'Baixar' }).click()]);
  const path = await download.path();
  assert.ok(readFileSync(path).equals(office), 'the download equals the office file, byte for byte');
  assert.equal(download.suggestedFilename(), BIG_FILE);
  // What the viewer itself fetched is the same file; a range answers 206 with the right bytes.
  const range = await carla.evaluate(async (url) => {
    const r = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    return { status: r.status, range: r.headers.get('content-range'), bytes: [...new Uint8Array(await r.arrayBuffer())] };
  }, `/api/pdfs/${id}/download`);
  assert.equal(range.status, 206);
  assert.equal(range.range, `bytes 100-199/${office.length}`);
  assert.deepEqual(range.bytes, [...office.subarray(100, 200)]);
});

test('the viewer: pages, zoom, and back to the list', async () => {
  // A two-page orçamento from the demo office, cached before the technician opens it.
  const file = demo.manifest.documents.find((d) => d.pages === 2).file;
  const id = pdfs[file];
  await escalar(file, [CARLA.login], 'Feira do Vale');
  const req = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.ok([200, 202].includes(req.status), req.text);
  await until('cached', async () => (await api(server, 'GET', `/api/pdfs/${id}/status`)).json.status === 'cached');
  await carla.getByRole('link', { name: /Voltar/ }).click();
  await carla.waitForURL(/\/tecnico$/);
  const block = pdfBlock(carla, id);
  await block.waitFor({ timeout: 10000 });
  await block.getByRole('button', { name: /Visualizar PDF/ }).click();
  await carla.waitForURL(new RegExp(`/pdf/${id}$`));
  await pageDrawn(carla, 1);
  assert.equal(uploads(id), 1, 'opening a cached PDF uploads nothing');
  const toolbar = carla.getByRole('toolbar', { name: 'Páginas e zoom' });
  assert.equal(await toolbar.getByText('de 2').count(), 1);
  await toolbar.getByRole('button', { name: 'Próxima página' }).click();
  await pageDrawn(carla, 2);
  assert.equal(await toolbar.getByRole('textbox', { name: 'Página' }).inputValue(), '2');
  const before = await carla.locator('canvas.pdf-canvas').evaluate((c) => c.getBoundingClientRect().width);
  await toolbar.getByRole('button', { name: 'Aumentar zoom' }).click();
  await until('zoomed in', async () => (await carla.locator('canvas.pdf-canvas[data-rendered-page="2"]').evaluate((c) => c.getBoundingClientRect().width).catch(() => 0)) > before * 1.2);
  // Wider than the phone now: the box scrolls sideways.
  assert.ok(await carla.locator('.pdf-canvas-box').evaluate((b) => b.scrollWidth > b.clientWidth));
  await toolbar.getByRole('button', { name: 'Ajustar à largura' }).click();
  await until('fit to width', async () => Math.abs((await carla.locator('canvas.pdf-canvas').evaluate((c) => c.getBoundingClientRect().width)) - before) < 2);
  await toolbar.getByRole('textbox', { name: 'Página' }).fill('1');
  await toolbar.getByRole('textbox', { name: 'Página' }).press('Enter');
  await pageDrawn(carla, 1);
  await carla.getByRole('link', { name: /Voltar/ }).click();
  await carla.waitForURL(/\/tecnico$/);
});

test('the office offline: the button says so, and the PDF comes by itself when the daemon is back', async () => {
  const file = demo.manifest.documents.find((d) => d.tipo === 'montagem').file;
  const id = pdfs[file];
  await escalar(file, [CARLA.login], 'Montagem do palco');
  await daemon.stop();
  await until('the daemon offline', async () => (await daemonStatus()) === 'offline', { timeout: 15000 });
  const block = pdfBlock(carla, id);
  await block.waitFor({ timeout: 10000 });
  await block.getByRole('button', { name: /Visualizar PDF/ }).click();
  await block.getByText('O escritório está offline.').waitFor();
  await block.getByText(/o PDF vem assim que o computador do escritório voltar/).waitFor();
  await block.getByText('Você receberá uma notificação quando ele chegar.').waitFor();
  assert.equal((await api(server, 'GET', `/api/pdfs/${id}/status`)).json.status, 'daemon_offline');
  await check(carla, 'pdf-04-offline-phone');

  daemon = startOfficeDaemon();
  await until('the PDF arrived', async () => (await block.getAttribute('data-pdf-state')) === 'ready', { timeout: 30000 });
  await block.getByText('O PDF chegou do escritório.').waitFor();
  // Shown by the app's service worker (as on Android, and while the app is in the background), not by the page.
  await until('the notification shown', async () => (await shownNotifications(carla)).length > 0, { timeout: 10000 }).catch(async (e) => {
    throw new Error(`${e.message}: ${JSON.stringify(await notificationState(carla).catch((x) => String(x)))}`);
  });
  const notes = await shownNotifications(carla);
  assert.deepEqual(notes.map((n) => n.title), ['PDF disponível']);
  assert.match(notes[0].body, /chegou do escritório/);
  assert.equal(notes[0].url, `/pdf/${id}`, 'a tap opens the viewer');
  assert.deepEqual(await carla.evaluate(() => window.__notifications), [], 'none from the page itself');
  assert.ok(carla.url().endsWith('/tecnico'), 'it did not jump to the viewer by itself');
  await check(carla, 'pdf-05-arrived-phone');
  await block.getByRole('button', { name: /Abrir PDF/ }).click();
  await carla.waitForURL(new RegExp(`/pdf/${id}$`));
  await pageDrawn(carla, 1);
  assert.equal(uploads(id), 1);
});

test('with no network, the app shell reloads and the PDFs opened before open again from the phone', async () => {
  const big = pdfs[BIG_FILE];
  const montagem = pdfs[demo.manifest.documents.find((d) => d.tipo === 'montagem').file];
  // The viewer keeps what it showed once page 1 was on screen.
  await until('the opened PDFs kept on the phone', async () => {
    const kept = await keptOnDevice(carla);
    return kept.includes(big) && kept.includes(montagem);
  }, { timeout: 10000 });
  await carla.goto(`${server.url}/tecnico`);
  await pdfBlock(carla, big).waitFor();
  // The service worker keeps the last answers too (the list) once it has seen them.
  await until('the list kept by the service worker', () => carla.evaluate(async () => (await caches.has('siberius-data'))
    && (await (await caches.open('siberius-data')).keys()).some((r) => new URL(r.url).pathname === '/api/atendimentos')));
  const before = uploads(big);

  await carla.context().setOffline(true);
  await carla.reload();
  await heading(carla, 'Meus atendimentos').waitFor();
  await carla.getByText('Sem conexão com a internet').first().waitFor();
  const block = pdfBlock(carla, big);
  await block.getByText('Salvo neste aparelho: abre sem internet.').waitFor();
  await check(carla, 'pdf-09-offline-list-phone');
  await block.getByRole('button', { name: /Visualizar PDF/ }).click();
  await carla.waitForURL(new RegExp(`/pdf/${big}$`));
  await pageDrawn(carla, 1);
  await carla.getByText('Aberto da cópia salva neste aparelho.').waitFor();
  await check(carla, 'pdf-10-offline-viewer-phone');
  // Opened straight at its address (a notification, a bookmark), with no network either.
  await carla.goto(`${server.url}/pdf/${montagem}`);
  await pageDrawn(carla, 1);
  // "Baixar" gives the kept bytes: the office file.
  const [download] = await Promise.all([carla.waitForEvent('download'), carla.getByRole('link', { name: 'Baixar' }).click()]);
  const file = demo.manifest.documents.find((d) => d.tipo === 'montagem').file;
  assert.ok(readFileSync(await download.path()).equals(readFileSync(join(demo.folder, file))), 'the kept copy is the office file');
  await carla.context().setOffline(false);
  assert.equal(uploads(big), before, 'nothing was asked of the office');
  carla.networkErrors.splice(0);
});

test('a PDF asked for with no network is asked when the network returns, and a notification says it came', async () => {
  const file = demo.manifest.documents.find((d) => d.tipo === 'orcamento' && d.pages === 1).file;
  const id = pdfs[file];
  await escalar(file, [CARLA.login], 'Orçamento da feira');
  await carla.goto(`${server.url}/tecnico`);
  const block = pdfBlock(carla, id);
  await block.waitFor({ timeout: 10000 });
  const requests = [];
  carla.on('request', (r) => { if (r.url().endsWith(`/api/pdfs/${id}/request`)) requests.push(r.method()); });

  await carla.context().setOffline(true);
  await block.getByRole('button', { name: /Visualizar PDF/ }).click();
  await block.getByText('Sem conexão com a internet.').waitFor();
  await block.getByText('O pedido foi guardado neste aparelho e será enviado assim que a rede voltar.').waitFor();
  await check(carla, 'pdf-11-asked-offline-phone');
  // Kept across a reload (the app closed and opened again in the field).
  await carla.reload();
  await pdfBlock(carla, id).getByText('O pedido foi guardado neste aparelho e será enviado assim que a rede voltar.').waitFor();
  assert.deepEqual(requests, [], 'nothing left the phone');
  assert.equal((await api(server, 'GET', `/api/pdfs/${id}/status`)).json.status, 'available_local');

  await carla.context().setOffline(false);
  await until('the PDF arrived', async () => (await pdfBlock(carla, id).getAttribute('data-pdf-state')) === 'ready', { timeout: 30000 });
  assert.deepEqual(requests, ['POST'], 'the kept request was sent once');
  assert.equal(uploads(id), 1);
  assert.ok(carla.url().endsWith('/tecnico'), 'it did not jump to the viewer by itself');
  await until('the notification', async () => (await shownNotifications(carla)).some((n) => n.url === `/pdf/${id}`));
  assert.equal(await carla.evaluate(() => localStorage.getItem('siberius-outbox')), null, 'nothing left to send');
  carla.networkErrors.splice(0);
});

test('ten people pressing Visualizar PDF on the same PDF make one upload', async () => {
  const file = demo.manifest.documents.find((d) => d.tipo === 'os').file;
  const id = pdfs[file];
  await escalar(file, PEOPLE.map((p) => p.login), 'Equipe grande');
  const t0 = Date.now();
  // Signed in one after the other: the server runs one login per account at a time, and Argon2 is slow on purpose.
  const pages = [];
  for (const p of PEOPLE) pages.push(await contextWithSession(p));
  const answers = [];
  const askedBy = new Map();
  await Promise.all(pages.map(async (page) => {
    page.on('request', (r) => {
      if (r.url().endsWith(`/api/pdfs/${id}/request`) && r.method() === 'POST') askedBy.set(page, (askedBy.get(page) || 0) + 1);
    });
    page.on('response', async (r) => {
      if (r.url().endsWith(`/api/pdfs/${id}/request`)) answers.push({ ...(await r.json().catch(() => ({}))), http: r.status() });
    });
    await page.goto(`${server.url}/tecnico`);
    await pdfBlock(page, id).getByRole('button', { name: /Visualizar PDF/ }).waitFor({ timeout: 30000 });
  }));
  const t1 = Date.now();
  // Slow enough that the ten presses land while the one upload is under way.
  link.bytesPerSecond = 4 * 1024;
  // A tab that already saw the PDF arrive (someone else's pdf:ready) opens it without asking: noted per tab.
  const arrivedBefore = [];
  await Promise.all(pages.map(async (page) => {
    const block = pdfBlock(page, id);
    if ((await block.getAttribute('data-pdf-state')) === 'ready') arrivedBefore.push(page);
    await block.getByRole('button', { name: /Visualizar PDF|Abrir PDF/ }).click();
  }));
  // Each tab opens the viewer by itself when the PDF arrives; one of them is
  // looked at (ten pdf.js at once on two shared cores only measure the machine).
  await Promise.all(pages.map((page) => page.waitForURL(new RegExp(`/pdf/${id}$`), { timeout: 30000 })));
  await pageDrawn(pages[0], 1, { timeout: 60000 });
  link.bytesPerSecond = 0;
  console.log(`ten people: signed in and on the list in ${t1 - t0} ms, pressed to page 1 everywhere in ${Date.now() - t1} ms`);
  assert.equal(uploads(id), 1, 'one upload for ten people');
  // A tab whose pdf:ready lands between the look above and its click opens
  // the copy without asking; so the requests are counted as the tabs sent them.
  const asking = [...askedBy.values()].reduce((a, b) => a + b, 0);
  assert.ok([...askedBy.values()].every((n) => n === 1), 'no tab asked twice');
  assert.ok(asking >= 1 && asking <= 10 - arrivedBefore.length,
    `${asking} requests: at most one per person who pressed before it arrived (${arrivedBefore.length} after)`);
  // The answers are read as they come (their bodies asynchronously).
  await until('the answers read', () => answers.length >= asking, { timeout: 10000 }).catch(() => {});
  assert.equal(answers.length, asking, 'every request answered');
  // One press starts the transfer; the others join it, or find the copy already there if they come after it.
  const started = answers.filter((a) => a.http === 202 && a.coalesced === false);
  const joined = answers.filter((a) => a.http === 202 && a.coalesced === true);
  const cached = answers.filter((a) => a.http === 200 && a.status === 'cached');
  assert.equal(started.length, 1, `one new transfer: ${JSON.stringify(answers)}`);
  assert.equal(started.length + joined.length + cached.length, asking, JSON.stringify(answers));
  assert.ok(joined.every((a) => a.requestId === started[0].requestId), 'the others joined the same transfer');
  console.log(`ten people: 1 started the upload, ${joined.length} joined it, ${cached.length} found it cached`);
  for (const page of pages) {
    assert.deepEqual(page.problems, [], 'no error in the console');
    await page.context().close();
  }
});

test('another technician sees neither the atendimento nor its PDF (UI and API)', async () => {
  await escalar(demo.manifest.documents.find((d) => d.tipo === 'orcamento' && d.pages === 1).file, [DIEGO.login], 'Atendimento do Diego');
  const { context, page } = await newPhonePage(browser);
  contexts.push(context);
  await signIn(page, server.url, DIEGO.login, DIEGO.password);
  await page.waitForURL(/\/tecnico$/);
  await page.getByRole('article', { name: 'Atendimento do Diego' }).waitFor();
  for (const titulo of ['Festival da Primavera', 'Feira do Vale', 'Montagem do palco']) {
    assert.equal(await page.getByRole('article', { name: titulo }).count(), 0, `${titulo} is not on Diego's list`);
  }
  const id = pdfs[BIG_FILE];
  await page.goto(`${server.url}/pdf/${id}`);
  await page.getByText('Você não tem acesso a este documento: ele não está em um atendimento da sua escala.').waitFor();
  assert.equal(await page.locator('canvas.pdf-canvas').count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Baixar' }).count(), 0);
  page.httpErrors.splice(0); // the 403 the page was given
  await check(page, 'pdf-06-forbidden-phone');
  const answers = await page.evaluate(async (pdfId) => {
    const status = async (method, path) => (await fetch(path, { method, credentials: 'same-origin' })).status;
    return {
      status: await status('GET', `/api/pdfs/${pdfId}/status`),
      request: await status('POST', `/api/pdfs/${pdfId}/request`),
      download: await status('GET', `/api/pdfs/${pdfId}/download`),
      list: (await (await fetch(`/api/pdfs?pageSize=100`)).json()).items.map((p) => p.id),
    };
  }, id);
  assert.deepEqual({ ...answers, list: undefined }, { status: 403, request: 403, download: 403, list: undefined });
  assert.ok(!answers.list.includes(id), 'the PDF is not in the technician\'s search');
});

test('the same screens at 1440×900', async () => {
  const { context, page } = await newPage(browser);
  contexts.push(context);
  await signIn(page, server.url, CARLA.login, CARLA.password);
  await page.waitForURL(/\/tecnico$/);
  await page.getByRole('article', { name: 'Festival da Primavera' }).waitFor();
  await check(page, 'pdf-07-tecnico-desktop');
  await pdfBlock(page, pdfs[BIG_FILE]).getByRole('button', { name: /Visualizar PDF/ }).click();
  await page.waitForURL(new RegExp(`/pdf/${pdfs[BIG_FILE]}$`));
  await pageDrawn(page, 1);
  await check(page, 'pdf-08-viewer-desktop');
});

test('a PDF kept on the phone is removed after its event\'s expiry', async () => {
  const kept = await keptOnDevice(carla);
  assert.ok(kept.includes(pdfs[BIG_FILE]), `kept now: ${kept}`);
  const keepUntil = await carla.evaluate(async (id) => Number((await (await caches.open('siberius-pdfs')).match(`/api/pdfs/${id}/download`)).headers.get('x-siberius-keep-until')), pdfs[BIG_FILE]);
  const status = (await api(server, 'GET', `/api/pdfs/${pdfs[BIG_FILE]}/status`)).json;
  assert.equal(keepUntil, Date.parse(status.cachedUntil), 'kept until the server\'s date for it');
  // The phone's clock a day past that date; the app opens.
  await carla.context().clock.setFixedTime(new Date(keepUntil + 86_400_000));
  await carla.goto(`${server.url}/tecnico`);
  await heading(carla, 'Meus atendimentos').waitFor();
  await until('the expired copies removed', async () => !(await keptOnDevice(carla)).includes(pdfs[BIG_FILE]), { timeout: 10000 });
});
