// The admin's system monitor in Debian's Chromium against the real server,
// PostgreSQL and a real siberius-daemon on a folder of the project's demo
// PDFs: sign in through the form, the daemon online with its heartbeat
// fields, stopping and restarting it live, Forçar Resync and Desconectar from
// the detail view, "Executar limpeza" in the Cache panel (and its absence for
// a technician), and the page riding out a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { api, createDatabase } from '../e2e/harness.mjs';
import {
  checkPrerequisites, daemonRow, demoFolder, eventually, heading, launchBrowser, newPage, rowCells, screenshot, settled, signIn,
  startFastDaemon, startUiServer, tearDown,
} from './browser.mjs';

let db, server, daemon, browser, page, context, demo, daemonId, daemonName, tecnicoContext;
const TECNICO = { login: 'carla.souza', nome: 'Carla Souza', password: 'carla-password-1' };

const live = () => page.getByRole('status').filter({ hasText: /^Ao vivo$/ });
const statusOf = async () => (await rowCells(daemonRow(page, server.creds.clientId)))['Status'];

before(async () => {
  checkPrerequisites();
  demo = demoFolder();
  db = createDatabase();
  server = await startUiServer(db);
  browser = await launchBrowser();
  ({ context, page } = await newPage(browser));
});

after(() => tearDown({ contexts: [context, tecnicoContext], browser, daemon, server, db, demo }));

test('the admin signs in through the login form and lands on the monitor, live', async () => {
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/login$/);
  await page.getByRole('button', { name: 'Entrar', exact: true }).waitFor();
  await signIn(page, server.url, server.creds.adminUser, server.creds.adminPassword, { path: null });
  await page.waitForURL(/\/admin\/system-monitor$/);
  await heading(page, 'Monitoramento de Sistema').waitFor();
  await live().waitFor({ timeout: 10000 });
  // The one daemon the server registered at its first start: no connection yet.
  const row = daemonRow(page, server.creds.clientId);
  await row.waitFor();
  assert.equal(await statusOf(), 'Offline');
  // Marks this document: a reload later would lose it.
  await page.evaluate(() => { window.__sameDocument = true; });
});

test('a real daemon shows online with the fields of its heartbeat; the cards show numbers', async () => {
  daemon = startFastDaemon(server, demo.folder);
  const expectedPdfs = demo.manifest.documents.length;
  assert.ok(expectedPdfs >= 5, `the demo folder has ${expectedPdfs} PDFs`);
  const row = daemonRow(page, server.creds.clientId);
  await eventually('the row to say Online', async () => (await statusOf()) === 'Online', { timeout: 15000 });
  // Version, local address and the PDF count come with heartbeats.
  const cells = await eventually(`every demo PDF (${expectedPdfs}) counted in the row`, async () => {
    const c = await rowCells(row);
    return c['PDFs'] === String(expectedPdfs) && c['Versão'] !== '—' && c['IP local'] !== '—' ? c : null;
  }, { timeout: 30000 });
  // The same figures as the server recorded them (heartbeats reach the
  // database in bulk writes, a moment after the live event).
  const detail = await eventually('the server to record the heartbeat', async () => {
    const d = (await api(server, 'GET', '/api/admin/daemons')).json.daemons.find((x) => x.clientId === server.creds.clientId);
    return d.version && d.localAddr && d.pdfsIndexed === expectedPdfs ? d : null;
  });
  daemonId = detail.id;
  daemonName = detail.name;
  assert.equal(cells['Versão'], detail.version);
  assert.match(cells['Versão'], /^\d+\.\d+\.\d+/);
  assert.equal(cells['IP local'], detail.localAddr);
  const mine = Object.values(networkInterfaces()).flat().map((i) => i.address);
  assert.ok(mine.includes(cells['IP local']), `${cells['IP local']} is an address of this machine (${mine.join(', ')})`);
  assert.match(cells['IP remoto'], /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  assert.match(cells['Última visão'], /agora|há \d+ s/);
  assert.ok(cells['Nome'].startsWith(daemonName), `${cells['Nome']} starts with ${daemonName}`);

  // The cards: 1 of 1 daemons online, every demo PDF indexed today, the
  // cache and the server's uptime.
  const card = (label) => page.locator('li.card').filter({ has: page.getByRole('heading', { name: label, exact: true }) });
  await eventually('the daemons card to say 1 de 1', async () => (await card('Daemons ativos').innerText()).includes('1 de 1'));
  await eventually(`the PDFs card to count ${expectedPdfs}`, async () => {
    const text = await card('PDFs indexados').locator('.card-value').innerText();
    return text.trim() === String(expectedPdfs);
  }, { timeout: 15000 });
  assert.match(await card('PDFs indexados').innerText(), new RegExp(`${expectedPdfs} hoje`));
  assert.match(await card('Cache utilizado').locator('.card-value').innerText(), /^\d+([,.]\d+)?\s?(B|KB|MB|GB|kB)$/);
  assert.match(await card('Cache utilizado').innerText(), /\d+ arquivos?/);
  const uptime = await card('Uptime do servidor').innerText();
  assert.match(uptime, /\d/);
  assert.match(uptime, /versão \d+\.\d+\.\d+/);
});

test('stopping the daemon turns its row offline live, and starting it again brings it back', async () => {
  await daemon.stop();
  await eventually('the row to go Offline without a reload', async () => (await statusOf()) === 'Offline', { timeout: 10000 });
  const card = page.locator('li.card').filter({ hasText: 'Daemons ativos' });
  await eventually('the daemons card to say 0 de 1', async () => (await card.innerText()).includes('0 de 1'));
  daemon = startFastDaemon(server, demo.folder);
  await eventually('the row to come back Online', async () => (await statusOf()) === 'Online', { timeout: 15000 });
  await eventually('the daemons card to say 1 de 1', async () => (await card.innerText()).includes('1 de 1'));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
  await live().waitFor();
});

test('Forçar Resync from the detail view shows the daemon\'s answer', async () => {
  await page.getByRole('link', { name: `Ver detalhes de ${daemonName}` }).click();
  await page.waitForURL(new RegExp(`/admin/system-monitor/daemons/${daemonId}$`));
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: `Daemon: ${daemonName}` }).waitFor();
  await dialog.getByText('Online', { exact: true }).first().waitFor();
  const resyncs = daemon.logs.filter((l) => l.event === 'server:resync').length;
  await dialog.getByRole('button', { name: 'Forçar Resync' }).click();
  await dialog.getByText(/Forçar uma reconciliação completa de/).waitFor();
  await dialog.getByLabel('Motivo (opcional, fica no log do daemon)').fill('teste de navegador');
  await dialog.getByRole('button', { name: 'Confirmar' }).click();
  const result = dialog.locator('.action-result');
  await result.waitFor({ timeout: 15000 });
  assert.match(await result.innerText(), /^O daemon confirmou o resync.*A sincronização da pasta começou\.$/);
  assert.match(await result.getAttribute('class'), /action-ok/);
  // The daemon itself got it, with the reason typed in the form.
  const got = await eventually('the daemon to log the resync', () =>
    daemon.logs.slice(resyncs).find((l) => l.event === 'server:resync'));
  assert.equal(got.reason, 'teste de navegador');
});

test('Desconectar drops the daemon (its row goes offline) and it reconnects by itself', async () => {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Desconectar' }).click();
  await dialog.getByText(/^Desconectar “.*”\? Ele volta a se conectar sozinho/).waitFor();
  const sessionsBefore = daemon.logs.filter((l) => l.event === 'daemon:disconnected').length;
  await dialog.getByRole('button', { name: 'Confirmar' }).click();
  await dialog.getByText('Desconectado. O daemon deve reconectar em instantes.', { exact: true }).waitFor({ timeout: 10000 });
  // The daemon stays away 12 × RECONNECT_BASE_MS (3 s here) after the server dropped it.
  await eventually('the row to go Offline', async () => (await statusOf()) === 'Offline', { timeout: 5000, every: 50 });
  assert.ok(daemon.logs.slice(sessionsBefore).some((l) => l.event === 'daemon:disconnected' && l.reason === 'io server disconnect'),
    'the daemon saw the server close its session');
  await eventually('the row to come back Online', async () => (await statusOf()) === 'Online', { timeout: 15000 });
  // The dialog follows too.
  await dialog.locator('.status').filter({ hasText: 'Online' }).first().waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await page.waitForURL(/\/admin\/system-monitor$/);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Ver detalhes de ${daemonName}`,
    'focus is back on the "Ver" button');
});

// "Quando" as the app writes it (lib/format.ts): São Paulo time, pt-BR.
const when = (iso) => new Intl.DateTimeFormat('pt-BR', { timeZone: 'America/Sao_Paulo', dateStyle: 'short', timeStyle: 'medium' }).format(Date.parse(iso));
const reportsFromApi = async () => (await api(server, 'GET', '/api/admin/cache/reports?limit=10')).json.items;

test('an admin clicks "Executar limpeza" and the new report shows; a run started elsewhere arrives live', async () => {
  const panel = page.locator('section.cache-panel');
  await panel.getByRole('heading', { name: 'Cache', exact: true }).waitFor();
  await settled(page);
  const before = await reportsFromApi();
  const button = panel.getByRole('button', { name: 'Executar limpeza', exact: true });
  // The request held back a moment, to see the panel while it runs.
  let release;
  const held = new Promise((r) => { release = r; });
  let sent;
  await page.route('**/api/admin/cache/cleanup', (route) => { sent = held.then(() => route.continue()); }, { times: 1 });
  await button.click();
  const busy = panel.getByRole('button', { name: 'Limpando…', exact: true });
  await busy.waitFor();
  assert.equal(await busy.isDisabled(), true);
  assert.equal(await panel.getAttribute('aria-busy'), 'true');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'monitor-cache-cleanup-running');
  release();
  await sent;
  const result = panel.locator('.cleanup-result');
  await result.waitFor({ timeout: 60000 });
  assert.match(await result.innerText(), /^Limpeza concluída: \d+ arquivos? removidos?, [\d,]+ (B|KB|MB|GB) liberados\./);
  assert.equal(await panel.getAttribute('aria-busy'), 'false');
  assert.equal(await button.isEnabled(), true);

  const after = await reportsFromApi();
  assert.equal(after.length, before.length + 1, 'the server stored one more report');
  const mine = after[0];
  assert.equal(mine.trigger, 'on_demand');
  const latest = panel.locator('.cleanup-latest');
  const figure = async (label) => (await latest.locator('.dl-row').filter({ has: page.locator('dt', { hasText: label }) }).locator('dd').innerText()).trim();
  assert.equal(await figure('Quando'), when(mine.finishedAt));
  assert.equal(await figure('Origem'), 'Sob demanda');
  assert.equal(await figure('Arquivos removidos'), String(mine.filesRemoved));
  assert.equal(await figure('Erros'), mine.errors.length ? `${mine.errors.length} erro${mine.errors.length > 1 ? 's' : ''}` : 'nenhum');
  // The runs before it (the one at the server's start among them) are listed below.
  if (before.length) {
    const rows = panel.locator('.cleanup-earlier tbody tr');
    assert.equal(await rows.count(), Math.min(before.length, 5));
    assert.equal((await rows.first().locator('td').first().innerText()).trim(), when(before[0].finishedAt));
  }
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing wider than the window');
  await screenshot(page, 'monitor-cache-cleanup', { fullPage: true });

  // Another admin (here the API with a token) runs it: the report arrives by the socket, no reload.
  const other = await api(server, 'POST', '/api/admin/cache/cleanup', { body: {} });
  assert.equal(other.status, 200, other.text);
  await eventually('the pushed report to become the latest', async () => (await figure('Quando')) === when(other.json.report.finishedAt) &&
    (await panel.locator('.cleanup-earlier tbody tr').first().locator('td').first().innerText()).trim() === when(mine.finishedAt), { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
});

test('a technician does not see "Executar limpeza" and cannot run it', async () => {
  const res = await api(server, 'POST', '/api/admin/users', { body: { ...TECNICO, role: 'tecnico' } });
  assert.equal(res.status, 201, res.text);
  let tecnico;
  ({ context: tecnicoContext, page: tecnico } = await newPage(browser));
  await signIn(tecnico, server.url, TECNICO.login, TECNICO.password);
  await tecnico.waitForURL(/\/tecnico$/);
  await tecnico.goto(`${server.url}/admin/system-monitor`);
  await tecnico.waitForURL(/\/tecnico$/);
  await heading(tecnico, 'Meus atendimentos').waitFor();
  assert.equal(await tecnico.getByRole('button', { name: 'Executar limpeza' }).count(), 0);
  // The server refuses it too, whatever the page shows.
  const status = await tecnico.evaluate(async () => (await fetch('/api/admin/cache/cleanup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
  assert.equal(status, 403);
});

test('when the server stops the page says so and polls; after a restart it is live again', async () => {
  const { port, dir } = server;
  await server.stop();
  // The socket drops first: the indicator says the page falls back to polling.
  await page.getByRole('status').filter({ hasText: /^Reconectando… atualizando a cada 10 s$/ }).waitFor({ timeout: 10000 });
  // A poll then fails: the banner.
  const banner = page.getByRole('alert').filter({ hasText: 'esta mensagem some sozinha quando a conexão voltar' });
  await banner.waitFor({ timeout: 20000 });
  assert.match(await banner.innerText(), /^Servidor inacessível/);
  server = await startUiServer(db, { port, dir });
  await live().waitFor({ timeout: 20000 });
  await banner.waitFor({ state: 'detached', timeout: 20000 });
  await eventually('the daemon back online after the server restart', async () => (await statusOf()) === 'Online', { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload: the same page came back by itself');
  assert.deepEqual(page.problems, [], 'no script error in the page');
});
