// The monitor at the edges an office network reaches, in Debian's Chromium
// against the real server and PostgreSQL: no daemon at all; then 500 daemons
// with long names, most of which never connected (no heartbeat, no address),
// and a few online sending heartbeats over the real /daemon protocol. The
// table keeps its layout, finds and shows any of them, renders only the rows
// near the viewport, and still updates live. Screenshots and axe-core on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase, psql } from '../e2e/harness.mjs';
import {
  checkPrerequisites, eventually, heading, launchBrowser, newPage, runAxe, screenshot, settled, signIn, startUiServer,
} from './browser.mjs';

const TOTAL = 500;
const ONLINE = 12;
let db, server, browser, context, page;
const sockets = [];

/** A long, accented name no column is wide enough for. */
const nameOf = (i) => `Filial ${String(i).padStart(3, '0')} — Locação de Tendas, Palcos e Iluminação São João do Rio Preto (depósito ${i % 7})`;
const clientOf = (i) => `filial-${String(i).padStart(3, '0')}.sao-joao-do-rio-preto.deposito-central@escritorio-regional`;

async function check(name) {
  await settled(page);
  await page.evaluate(() => document.fonts.ready);
  await screenshot(page, name);
  const { serious } = await runAxe(page, name);
  assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.help}`), [], `axe-core: no serious or critical violation on ${name}`);
  // Nothing wider than the window: long names are cut with an ellipsis, not spilled.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: the page is ${overflow} px wider than the window`);
  assert.deepEqual(page.problems.splice(0), [], `no error in the console on ${name}`);
}

const tableRows = () => page.evaluate(() => ({
  count: Number(document.querySelector('#daemons-table')?.getAttribute('data-rows')),
  inDom: document.querySelectorAll('#daemons-table tbody tr.daemon-row').length,
}));

before(async () => {
  checkPrerequisites();
  db = createDatabase();
  server = await startUiServer(db);
  // The demo daemon token the server made at start: gone, for "no daemon yet".
  psql(db.conninfo, 'DELETE FROM daemon_clients');
  browser = await launchBrowser();
  ({ context, page } = await newPage(browser));
});

after(async () => {
  for (const s of sockets) s.close();
  await context?.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('no daemon yet: the monitor says how to add one', async () => {
  await signIn(page, server.url, server.creds.adminUser, server.creds.adminPassword);
  await heading(page, 'Monitoramento de Sistema').waitFor();
  await page.locator('.empty').waitFor();
  assert.match(await page.locator('.empty').innerText(), /daemon/i);
  assert.equal(await page.locator('#daemons-table').count(), 0);
  assert.match(await page.locator('.card', { hasText: 'Daemons ativos' }).innerText(), /0 de 0/);
  await check('24-monitor-no-daemons');
});

test('500 daemons with long names, most never connected: the table holds, finds and updates', async () => {
  const ids = [];
  for (let i = 1; i <= TOTAL; ++i) {
    const r = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: nameOf(i), clientId: clientOf(i) } });
    assert.equal(r.status, 201, r.text);
    ids.push(r.json);
  }
  // A few online, each with a heartbeat; the others never sent one.
  for (let i = 0; i < ONLINE; ++i) {
    const s = io(`${server.url}/daemon`, {
      transports: ['websocket'], reconnection: false,
      auth: { token: ids[i].token, clientId: ids[i].clientId, version: '1.4.0' },
    });
    sockets.push(s);
    await new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); });
    await s.timeout(5000).emitWithAck('daemon:heartbeat', { version: '1.4.0', localAddr: `192.168.10.${i + 1}`, hostname: `ESCRITORIO-${i + 1}` });
  }

  await page.goto(`${server.url}/admin/system-monitor`);
  await page.locator(`#daemons-table[data-rows="${TOTAL}"]`).waitFor();
  await page.getByText('Ao vivo', { exact: true }).waitFor();
  assert.match(await page.locator('.card', { hasText: 'Daemons ativos' }).innerText(), new RegExp(`${ONLINE} de ${TOTAL}`));
  await page.getByText(`${TOTAL} daemons`, { exact: true }).waitFor();

  // Only the rows near the viewport are in the DOM; online ones sort first.
  let rows = await tableRows();
  assert.equal(rows.count, TOTAL);
  assert.ok(rows.inDom > 10 && rows.inDom < 120, `${rows.inDom} rows in the DOM`);
  const first = page.locator('#daemons-table tbody tr.daemon-row').first();
  assert.match(await first.innerText(), /Online/);
  // A long name is cut on screen and whole in its title.
  const cut = first.locator('th .truncate').first();
  const title = await cut.getAttribute('title');
  assert.match(title, /^Filial \d{3} — Locação de Tendas, Palcos e Iluminação São João do Rio Preto/);
  assert.ok(await cut.evaluate((e) => e.scrollWidth > e.clientWidth), 'the long name is truncated');
  await check('25-monitor-500-daemons');

  // Scrolled to the end: the last daemons are there, never seen ("nunca"), offline.
  await page.evaluate(() => window.scrollTo(0, document.querySelector('#daemons-table').getBoundingClientRect().bottom + window.scrollY - window.innerHeight + 40));
  const last = page.locator('#daemons-table tbody tr.daemon-row').last();
  await eventually('the last daemon in the DOM', async () => /Filial 500/.test(await last.innerText()));
  assert.match(await last.innerText(), /Offline/);
  assert.match(await last.innerText(), /nunca/i);
  rows = await tableRows();
  assert.ok(rows.inDom < 120, `${rows.inDom} rows in the DOM after scrolling`);
  await check('26-monitor-500-daemons-end');

  // Search finds one among 500, wherever it is.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByLabel('Buscar').fill('filial-321');
  await eventually('one row found', async () => (await tableRows()).count === 1);
  assert.match(await page.locator('#daemons-table tbody tr.daemon-row').innerText(), /Filial 321/);
  await page.getByLabel('Buscar').fill('');
  await eventually('all rows back', async () => (await tableRows()).count === TOTAL);

  // Live: a daemon at the top goes offline; the cards and its row say so without a reload.
  const row = page.locator('#daemons-table tbody tr.daemon-row').filter({ hasText: 'Filial 001 ' });
  assert.match(await row.innerText(), /Online/);
  sockets[0].close();
  await eventually('Filial 001 offline', async () => (await page.locator('.card', { hasText: 'Daemons ativos' }).innerText()).includes(`${ONLINE - 1} de ${TOTAL}`), { timeout: 15000 });
  // Offline sorts after the online ones: it is now the first of the offline group.
  const rowsNow = page.locator('#daemons-table tbody tr.daemon-row');
  await eventually('its row offline, after the online ones', async () => /Filial 001 [\s\S]*Offline/.test(await rowsNow.nth(ONLINE - 1).innerText()));
  assert.match(await rowsNow.nth(ONLINE - 2).innerText(), /Online/);
});
