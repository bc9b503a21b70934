// Every screen of the web app at 1440×900 in Debian's Chromium, against the
// real server, PostgreSQL and a real siberius-daemon on the demo PDFs: a
// screenshot of each under <build>/ui-screenshots/ on every run, and
// axe-core on each. A serious or critical violation fails the screen's
// test; every violation found is printed. Errors in the page's console
// (CSP violations among them) fail it too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase } from '../e2e/harness.mjs';
import {
  checkPrerequisites, daemonRow, demoFolder, eventually, heading, launchBrowser, newPage, rowCells, runAxe,
  screenshot, screenshotDir, settled, signIn, startFastDaemon, startUiServer, writeReport, tearDown,
} from './browser.mjs';

let db, server, daemon, browser, demo, admin, tecnico, daemonName, daemonId;
const contexts = [];
const report = [];
const TECNICO = { login: 'bruno.lima', nome: 'Bruno Lima', password: 'bruno-password-1' };

/** Screenshot + axe + the page's console. */
async function check(page, name, { fullPage = false } = {}) {
  // Nothing still loading, fonts ready; no animation (the capture disables them).
  await settled(page);
  await page.evaluate(() => document.fonts.ready);
  const file = await screenshot(page, name, { fullPage });
  const { violations, serious } = await runAxe(page, name);
  const problems = page.problems.splice(0);
  report.push({ screen: name, url: page.url(), file, violations, consoleErrors: problems });
  assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join('; ')})`), [],
    `axe-core: no serious or critical violation on ${name}`);
  assert.deepEqual(problems, [], `no error in the console on ${name}`);
}

const dialog = () => admin.getByRole('dialog');

before(async () => {
  checkPrerequisites();
  demo = demoFolder();
  db = createDatabase();
  // Alerts looked at every second: the alert screen below needs no wait.
  server = await startUiServer(db, { args: ['--alert-poll-s', '1'] });
  const res = await api(server, 'POST', '/api/admin/users', { body: { ...TECNICO, role: 'tecnico' } });
  assert.equal(res.status, 201, res.text);
  const token = await api(server, 'POST', '/api/admin/api-tokens', { body: { name: 'Backup noturno' } });
  assert.equal(token.status, 201, token.text);
  // Blocked then unblocked below: a reconnect refused while blocked waits
  // AUTH_RETRY_SECONDS (600 by default) before the next; 2 here, so a slow
  // machine that takes longer than the 3 s reconnect delay to unblock gets the
  // office back before the next test needs it online.
  daemon = startFastDaemon(server, demo.folder, { AUTH_RETRY_SECONDS: '2' });
  browser = await launchBrowser();
  for (const who of ['admin', 'tecnico']) {
    const { context, page } = await newPage(browser);
    contexts.push(context);
    if (who === 'admin') admin = page; else tecnico = page;
  }
  console.log(`screenshots: ${screenshotDir}`);
});

after(async () => {
  writeReport('axe-report.json', report);
  await tearDown({ contexts, browser, daemon, server, db, demo });
});

test('login', async () => {
  await admin.goto(`${server.url}/admin/system-monitor`);
  await admin.waitForURL(/\/login\?next=/);
  await admin.getByLabel('Usuário').waitFor();
  await check(admin, '01-login');
});

test('login with a wrong password', async () => {
  await signIn(admin, server.url, server.creds.adminUser, 'not-the-password', { path: null });
  await admin.getByText('Usuário ou senha incorretos.', { exact: true }).waitFor();
  await check(admin, '02-login-error');
});

test('system monitor', async () => {
  await admin.getByLabel('Senha').fill(server.creds.adminPassword);
  await admin.getByRole('button', { name: 'Entrar', exact: true }).click();
  await admin.waitForURL(/\/admin\/system-monitor$/);
  await admin.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 10000 });
  const row = daemonRow(admin, server.creds.clientId);
  const expected = String(demo.manifest.documents.length);
  await eventually('the daemon online with every demo PDF', async () => {
    const c = await rowCells(row);
    return c['Status'] === 'Online' && c['PDFs'] === expected && c['Versão'] !== '—';
  }, { timeout: 30000 });
  await admin.getByRole('heading', { name: 'Latência de heartbeat' }).waitFor({ timeout: 15000 });
  await admin.locator('.uplot').first().waitFor({ timeout: 15000 });
  await admin.waitForLoadState('networkidle');
  const d = (await api(server, 'GET', '/api/admin/daemons')).json.daemons.find((x) => x.clientId === server.creds.clientId);
  daemonId = d.id;
  daemonName = d.name;
  await check(admin, '03-monitor');
  await check(admin, '04-monitor-full-page', { fullPage: true });
});

test('daemon detail: overview', async () => {
  await admin.getByRole('link', { name: `Ver detalhes de ${daemonName}` }).click();
  await admin.waitForURL(new RegExp(`/daemons/${daemonId}$`));
  await dialog().getByRole('heading', { name: `Daemon: ${daemonName}` }).waitFor();
  await dialog().getByRole('tab', { name: 'Visão geral', selected: true }).waitFor();
  await dialog().getByText(demo.folder, { exact: true }).waitFor({ timeout: 10000 });
  await settled(admin);
  await check(admin, '05-detail-overview');
});

test('daemon detail: Forçar Resync, asked and answered', async () => {
  await dialog().getByRole('button', { name: 'Forçar Resync' }).click();
  await dialog().getByRole('button', { name: 'Confirmar' }).waitFor();
  await check(admin, '06-detail-resync-confirm');
  await dialog().getByRole('button', { name: 'Confirmar' }).click();
  await dialog().getByText(/^O daemon confirmou o resync/).waitFor({ timeout: 15000 });
  await check(admin, '07-detail-resync-answer');
});

test('daemon detail: Desconectar, asked (then cancelled)', async () => {
  await dialog().getByRole('button', { name: 'Desconectar' }).click();
  await dialog().getByText(/^Desconectar “/).waitFor();
  await check(admin, '08-detail-disconnect-confirm');
  await dialog().getByRole('button', { name: 'Cancelar' }).click();
  await dialog().getByText(/^Desconectar “/).waitFor({ state: 'detached' });
});

test('daemon detail: Bloquear and Desbloquear, asked and answered', async () => {
  await dialog().getByRole('button', { name: 'Bloquear' }).click();
  await dialog().getByText(/^Bloquear “/).waitFor();
  await check(admin, '09-detail-block-confirm');
  await dialog().getByRole('button', { name: 'Confirmar' }).click();
  await dialog().getByText(/^Bloqueado\. O daemon foi desconectado/).waitFor({ timeout: 10000 });
  await dialog().locator('.status').filter({ hasText: 'Bloqueado' }).first().waitFor();
  await check(admin, '10-detail-blocked');
  await dialog().getByRole('button', { name: 'Desbloquear' }).click();
  await dialog().getByText(/^Desbloquear “/).waitFor();
  await check(admin, '11-detail-unblock-confirm');
  await dialog().getByRole('button', { name: 'Confirmar' }).click();
  await dialog().getByText(/^Desbloqueado\./).waitFor({ timeout: 10000 });
  // The office reconnects by itself once unblocked.
  await eventually('the office back online', async () => (await rowCells(daemonRow(admin, server.creds.clientId)))['Status'] === 'Online',
    { timeout: 20000 });
});

test('daemon detail: Ver Logs', async () => {
  await dialog().getByRole('tab', { name: 'Ver Logs' }).click();
  await dialog().getByRole('tab', { name: 'Ver Logs', selected: true }).waitFor();
  // The lines the daemon reported (its warnings around the block), or the
  // words for none yet: which one depends on how fast it came back.
  await dialog().getByRole('region', { name: 'Eventos recentes' })
    .or(dialog().getByText('Nenhum evento relatado por este daemon.', { exact: true })).first().waitFor();
  await check(admin, '12-detail-logs');
});

test('daemon detail: Configuração, changed, asked and answered', async () => {
  await dialog().getByRole('tab', { name: 'Configuração' }).click();
  const interval = dialog().getByLabel('Intervalo de varredura (segundos)');
  await interval.waitFor();
  await check(admin, '13-detail-config');
  await interval.fill('120');
  await dialog().getByRole('button', { name: 'Salvar configuração' }).click();
  await dialog().getByText(/^Enviar a nova configuração para “/).waitFor();
  await check(admin, '14-detail-config-confirm');
  await dialog().getByRole('button', { name: 'Confirmar' }).click();
  // Blocked and unblocked a moment ago, the daemon may not be back yet: either answer is a real one.
  await dialog().getByText(/^(O daemon aplicou a nova configuração\.|Aplicado: |Configuração salva\. O daemon está offline)/).waitFor({ timeout: 15000 });
  await check(admin, '15-detail-config-answer');
  await admin.keyboard.press('Escape');
  await dialog().waitFor({ state: 'detached' });
});

test('system monitor with an alert raised, then cleared', async () => {
  // A second office connects with an older daemon: the versions differ.
  const token = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial Rio', clientId: 'filial-rio' } });
  assert.equal(token.status, 201, token.text);
  const old = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: token.json.token, clientId: 'filial-rio', version: '0.0.9' },
  });
  try {
    await new Promise((resolve, reject) => { old.once('connect', resolve); old.once('connect_error', reject); });
    const panel = admin.getByRole('region', { name: '1 alerta ativo' });
    await panel.getByText('Daemons em versões diferentes', { exact: true }).waitFor({ timeout: 15000 });
    await panel.getByText('versões em uso: 0.0.9 (1 daemon), 0.1.0 (1 daemon).', { exact: true }).waitFor();
    // The list as the alert describes it: both offices online.
    for (const clientId of [server.creds.clientId, 'filial-rio'])
      await eventually(`${clientId} online in the list`, async () => (await rowCells(daemonRow(admin, clientId)))['Status'] === 'Online',
        { timeout: 15000 });
    await check(admin, '15a-monitor-alert');
  } finally {
    old.close();
  }
  // Back to one version: the alert clears and the panel goes away.
  await admin.getByRole('region', { name: /alertas? ativos?$/ }).waitFor({ state: 'detached', timeout: 15000 });
});

// Each admin page with something it must list: the technician created
// above, the demo daemon's token, the API token created above, and the
// audit entries of what this suite did (a failed sign-in, a block).
for (const [n, title, mustShow] of [
  ['16', 'Usuários', [TECNICO.login]],
  ['17', 'Tokens de daemon', ['demo office daemon']],
  ['18', 'Tokens de API', ['Backup noturno']],
  ['19', 'Auditoria', ['Falha ao entrar', 'Daemon bloqueado']]]) {
  test(`admin page: ${title}`, async () => {
    await admin.getByRole('navigation', { name: 'Navegação principal' }).getByRole('link', { name: title, exact: true }).click();
    await heading(admin, title).waitFor();
    await settled(admin);
    for (const text of mustShow) await admin.getByRole('main').getByText(text, { exact: true }).first().waitFor();
    await check(admin, `${n}-${title.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ +/g, '-')}`);
  });
}

test('page not found', async () => {
  await admin.goto(`${server.url}/nao/existe`);
  await heading(admin, 'Página não encontrada').waitFor();
  await admin.getByRole('link', { name: 'Ir para a página inicial' }).waitFor();
  await check(admin, '20-not-found');
});

test('technicians\' home', async () => {
  await signIn(tecnico, server.url, TECNICO.login, TECNICO.password);
  await tecnico.waitForURL(/\/tecnico$/);
  await heading(tecnico, 'Meus atendimentos').waitFor();
  await settled(tecnico);
  await check(tecnico, '21-tecnico-home');
});

test('a technician sent away from the monitor', async () => {
  await tecnico.goto(`${server.url}/admin/system-monitor`);
  await tecnico.waitForURL(/\/tecnico$/);
  await tecnico.getByText('Essa página é só para administradores', { exact: false }).waitFor();
  await check(tecnico, '22-tecnico-redirected');
});

test('the server unreachable, as the monitor shows it', async () => {
  await admin.goto(`${server.url}/admin/system-monitor`);
  await admin.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 10000 });
  await admin.locator('.uplot').first().waitFor({ timeout: 15000 });
  await admin.waitForLoadState('networkidle');
  await admin.context().setOffline(true);
  // The browser may know it is offline ("Sem conexão") or only see the server fail ("Servidor inacessível").
  const notice = admin.locator('.banner').filter({ hasText: /esta mensagem some sozinha|Sem conexão com a internet/ });
  await notice.first().waitFor({ timeout: 30000 });
  await check(admin, '23-monitor-server-unreachable');
  await admin.context().setOffline(false);
  await notice.first().waitFor({ state: 'detached', timeout: 30000 });
});
