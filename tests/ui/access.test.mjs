// Who may see what, in a real browser against the real server: a
// technician lands on their home and cannot open the monitor (and the API
// still says 403 with their cookie); another site's page cannot change
// anything with the admin's cookie; "Sair" ends the session and its sockets;
// an expired session goes back to the login page, keeping the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { io } from 'socket.io-client';
import { api, createDatabase, psql } from '../e2e/harness.mjs';
import { startProxy } from '../interop/proxy.mjs';
import { checkPrerequisites, daemonRow, eventually, heading, launchBrowser, newPage, rowCells, signIn, startUiServer } from './browser.mjs';

let db, server, browser, evil;
const contexts = [];
const sockets = [];
const proxies = [];
const TECNICO = { login: 'ana.campos', nome: 'Ana Campos', password: 'ana-password-1' };

async function open() {
  const { context, page } = await newPage(browser);
  contexts.push(context);
  return page;
}

async function adminOnMonitor() {
  const page = await open();
  await signIn(page, server.url, server.creds.adminUser, server.creds.adminPassword);
  await page.waitForURL(/\/admin\/system-monitor$/);
  await page.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 10000 });
  // The charts load after the table; let their requests finish too.
  await page.getByRole('heading', { name: 'Latência de heartbeat' }).waitFor({ timeout: 15000 });
  await page.waitForLoadState('networkidle');
  return page;
}

async function sessionCookie(page) {
  const c = (await page.context().cookies(server.url)).find((x) => x.name === 'siberius_session');
  assert.ok(c, 'the browser holds the session cookie');
  return c;
}

async function apiTokenNames() {
  const res = await api(server, 'GET', '/api/admin/api-tokens');
  assert.equal(res.status, 200, res.text);
  const list = res.json.tokens ?? res.json.items ?? res.json;
  return list.map((t) => t.name);
}

/** Another web site: serves whatever HTML a test gives it, on its own port. */
function startOtherSite() {
  const pages = new Map();
  const srv = createServer((req, res) => {
    const html = pages.get(req.url.split('?')[0]);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not here');
  });
  return new Promise((resolve) => srv.listen(0, () => resolve({
    port: srv.address().port,
    set: (path, html) => pages.set(path, html),
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  })));
}

before(async () => {
  checkPrerequisites();
  db = createDatabase();
  server = await startUiServer(db);
  const res = await api(server, 'POST', '/api/admin/users', { body: { ...TECNICO, role: 'tecnico' } });
  assert.equal(res.status, 201, res.text);
  browser = await launchBrowser();
  evil = await startOtherSite();
});

after(async () => {
  for (const s of sockets) s.close();
  for (const p of proxies) await p.close();
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close().catch(() => {});
  await evil?.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('a technician who signs in lands on the technicians\' home, without admin navigation', async () => {
  const page = await open();
  await signIn(page, server.url, TECNICO.login, TECNICO.password);
  await page.waitForURL(/\/tecnico$/);
  await heading(page, 'Meus atendimentos').waitFor();
  const nav = page.getByRole('navigation', { name: 'Navegação principal' });
  await nav.waitFor();
  for (const name of ['Monitoramento', 'Usuários', 'Tokens de daemon', 'Tokens de API', 'Auditoria']) {
    assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 0, `no "${name}" link for a technician`);
  }
  assert.match(await page.locator('header').innerText(), /Ana Campos/);
});

test('a technician sent to the monitor is brought home, and the API still says 403 with their cookie', async () => {
  const page = contexts.at(-1).pages()[0];
  await page.goto(`${server.url}/admin/system-monitor`);
  await page.waitForURL(/\/tecnico$/);
  await page.getByText('Essa página é só para administradores; você foi trazido para a sua página inicial.', { exact: true }).waitFor();
  await heading(page, 'Meus atendimentos').waitFor();
  assert.equal(await heading(page, 'Monitoramento de Sistema').count(), 0);
  assert.equal(await page.locator('#daemons-table').count(), 0, 'no daemons table on screen');
  // The same through the deep link of a daemon's detail.
  await page.goto(`${server.url}/admin/system-monitor/daemons/1`);
  await page.waitForURL(/\/tecnico$/);
  assert.equal(await page.getByRole('dialog').count(), 0);

  // The cookie, from the page itself (same origin, as the app's own fetches).
  const fromPage = await page.evaluate(async () => {
    const r = await fetch('/api/admin/daemons', { credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(fromPage.status, 403);
  assert.equal(fromPage.body.code, 'forbidden');
  const viaContext = await page.request.get(`${server.url}/api/admin/monitor/summary`);
  assert.equal(viaContext.status(), 403);
  // ...while the same cookie is a valid session: /api/me answers.
  const me = await page.evaluate(async () => (await fetch('/api/me')).json());
  assert.equal(me.login, TECNICO.login);
  assert.equal(me.role, 'tecnico');
});

test('another site cannot change anything with the admin\'s cookie', async () => {
  const page = await adminOnMonitor();
  const target = `${server.url}/api/admin/api-tokens`;
  // A form that posts a valid JSON body (enctype text/plain writes
  // name=value: {"name":"…","x":"="}): the server does not require a JSON
  // content type, so only the origin checks stand between it and a change.
  const form = (name) => `<!doctype html><html lang="en"><title>prize</title>
    <form method="POST" action="${target}" enctype="text/plain">
      <input type="hidden" name='{"name":"${name}","x":"' value='"}'>
      <button>Claim your prize</button>
    </form>`;

  // Our own origin, same request shape, as a control: it does create a token.
  const control = await page.evaluate(async (url) => {
    const r = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'text/plain' }, body: '{"name":"control-same-origin","x":"="}' });
    return r.status;
  }, target);
  assert.equal(control, 201, 'the same body from our own page is accepted');
  assert.ok((await apiTokenNames()).includes('control-same-origin'));

  // 1. Same site, other origin (127.0.0.1 on another port): SameSite=Strict
  //    lets the cookie go, so it is the Origin check that refuses.
  evil.set('/same-site', form('evil-same-site'));
  const other = await page.context().newPage();
  await other.goto(`http://127.0.0.1:${evil.port}/same-site`);
  const [sameSite] = await Promise.all([
    other.waitForResponse((r) => r.url() === target),
    other.getByRole('button', { name: 'Claim your prize' }).click(),
  ]);
  assert.equal(sameSite.status(), 403);
  const sameSiteReq = sameSite.request();
  assert.match((await sameSiteReq.allHeaders()).cookie ?? '', /siberius_session=/, 'the browser did send the cookie');
  assert.equal((await sameSiteReq.allHeaders()).origin, `http://127.0.0.1:${evil.port}`);
  assert.equal((await sameSite.json()).code, 'cross_site');
  await other.getByText('cross_site').waitFor();

  // 2. Another site (localhost is not 127.0.0.1's site): the cookie is not
  //    even sent, so the request is anonymous.
  evil.set('/cross-site', form('evil-cross-site'));
  await other.goto(`http://localhost:${evil.port}/cross-site`);
  const [crossSite] = await Promise.all([
    other.waitForResponse((r) => r.url() === target),
    other.getByRole('button', { name: 'Claim your prize' }).click(),
  ]);
  assert.equal(crossSite.status(), 401);
  assert.doesNotMatch((await crossSite.request().allHeaders()).cookie ?? '', /siberius_session=/, 'SameSite=Strict kept the cookie home');

  // 3. A script on the same-site page: fetch with credentials 'include'
  //    (no-cors, so the browser sends it without a preflight).
  await other.goto(`http://127.0.0.1:${evil.port}/same-site`);
  const [scripted] = await Promise.all([
    other.waitForResponse((r) => r.url() === target),
    other.evaluate((url) => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"name":"evil-fetch"}' }).catch(() => null), target),
  ]);
  assert.equal(scripted.status(), 403);

  const names = await apiTokenNames();
  assert.deepEqual(names.filter((n) => n.startsWith('evil')), [], 'no token was created by another site');
  const audit = await api(server, 'GET', '/api/admin/audit?limit=50');
  const refused = audit.json.items.filter((i) => i.action === 'auth.cross_site');
  assert.ok(refused.length >= 2, 'the refusals are in the audit log');
  assert.ok(refused.every((i) => i.details.origin === `http://127.0.0.1:${evil.port}`), JSON.stringify(refused));
  // The admin's own page still works: the refusals did not end the session.
  await page.reload();
  await page.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 10000 });
  await other.close();
});

test('with WebSockets refused on the way, the monitor is live over long-polling', async () => {
  const page = await open();
  // A proxy in front of the server that answers every WebSocket upgrade with
  // 400, as some phone networks and office firewalls do.
  const proxy = await startProxy(server.url, { upgrade: 'refuse' });
  proxies.push(proxy);
  const polled = [];
  page.on('response', (r) => { if (r.url().includes('transport=polling')) polled.push(r.status()); });
  await signIn(page, proxy.url, server.creds.adminUser, server.creds.adminPassword);
  await page.waitForURL(/\/admin\/system-monitor$/);
  await page.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 15000 });
  assert.ok(proxy.counts.upgrades >= 1, 'the app tried a WebSocket first');
  assert.ok(polled.length >= 2 && polled.every((s) => s === 200), `polling answered: ${polled.join(',')}`);
  // Live events arrive over polling: a new office connects and its row appears online.
  const token = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial Polling', clientId: 'filial-polling' } });
  assert.equal(token.status, 201, token.text);
  const office = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false, forceNew: true,
    auth: { token: token.json.token, clientId: 'filial-polling', version: '1.0.0' },
  });
  try {
    await new Promise((resolve, reject) => { office.once('connect', resolve); office.once('connect_error', reject); });
    await eventually('filial-polling online in the list',
      async () => (await rowCells(daemonRow(page, 'filial-polling'))).Status === 'Online', { timeout: 15000 });
  } finally {
    office.close();
  }
});

test('"Sair" ends the session: the sockets close, the cookie stops working and the app goes to /login', async () => {
  const page = await open();
  const sockets0 = [];
  page.on('websocket', (ws) => {
    if (ws.url().includes('/socket.io/')) {
      const s = { ws, closed: false, fromServer: [] };
      ws.on('framereceived', (f) => s.fromServer.push(String(f.payload)));
      ws.on('close', () => { s.closed = true; });
      sockets0.push(s);
    }
  });
  await signIn(page, server.url, server.creds.adminUser, server.creds.adminPassword);
  await page.waitForURL(/\/admin\/system-monitor$/);
  await page.getByRole('status').filter({ hasText: /^Ao vivo$/ }).waitFor({ timeout: 10000 });
  const browserSocket = await eventually('the page\'s socket', () => sockets0.find((s) => !s.closed));
  // A second /client socket of the same session, outside the browser: it
  // sees what the server does when the session ends.
  const cookie = await sessionCookie(page);
  const outside = io(`${server.url}/client`, {
    transports: ['websocket'], reconnection: false,
    extraHeaders: { cookie: `siberius_session=${cookie.value}`, origin: server.url },
  });
  sockets.push(outside);
  await new Promise((resolve, reject) => { outside.once('connect', resolve); outside.once('connect_error', reject); });
  const outsideClosed = new Promise((resolve) => outside.once('disconnect', resolve));

  await page.getByRole('button', { name: 'Sair', exact: true }).click();
  await page.waitForURL(/\/login$/);
  await page.getByText('Você saiu. Até logo!', { exact: true }).waitFor();
  assert.equal(await outsideClosed, 'io server disconnect', 'the server closed the session\'s other socket');
  await eventually('the page\'s own socket to close', () => browserSocket.closed, { timeout: 5000 });
  assert.equal(sockets0.filter((s) => !s.closed).length, 0, 'no socket left open in the page');
  // The cookie is gone from the browser, and the old value no longer works.
  assert.equal((await page.context().cookies(server.url)).find((c) => c.name === 'siberius_session'), undefined);
  const me = await fetch(`${server.url}/api/me`, { headers: { cookie: `siberius_session=${cookie.value}` } });
  assert.equal(me.status, 401);
  // Back to an admin page: the login form, not the monitor.
  await page.goto(`${server.url}/admin/system-monitor`);
  await page.waitForURL(/\/login\?next=%2Fadmin%2Fsystem-monitor$/);
  await page.getByLabel('Usuário').waitFor();
});

test('an expired session sends the user to /login keeping the page in ?next=, and back there after signing in', async () => {
  const page = await adminOnMonitor();
  const daemonId = (await api(server, 'GET', '/api/admin/daemons')).json.daemons[0].id;
  const publicId = (await sessionCookie(page)).value.split('.')[0];
  // The session runs out while the page is open; the next thing the admin
  // does (open a daemon's detail) meets the 401.
  psql(db.conninfo, `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE public_id = '${publicId}'`);
  await page.locator(`[data-daemon-view="${daemonId}"]`).click();
  const detailPath = `/admin/system-monitor/daemons/${daemonId}`;
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === detailPath, { timeout: 10000 });
  await page.getByText('Sua sessão terminou. Entre novamente para continuar de onde parou.', { exact: true }).waitFor();
  await signIn(page, server.url, server.creds.adminUser, server.creds.adminPassword, { path: null });
  await page.waitForURL((u) => u.pathname === detailPath);
  await page.getByRole('dialog').getByRole('heading', { name: /^Daemon: / }).waitFor();

  // Expiring while nobody touches anything: the server closes the socket at
  // the session's end and the app finds out by itself.
  const publicId2 = (await sessionCookie(page)).value.split('.')[0];
  psql(db.conninfo, `UPDATE sessions SET expires_at = now() + interval '6 seconds' WHERE public_id = '${publicId2}'`);
  await page.goto(`${server.url}/admin/audit`); // a fresh socket: it learns the new expiry
  await heading(page, 'Auditoria').waitFor();
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/admin/audit', { timeout: 15000 });
  await page.getByText('Sua sessão terminou. Entre novamente para continuar de onde parou.', { exact: true }).waitFor();
  assert.deepEqual(page.problems, [], 'no script error in the page');
});
