// The agenda in Debian's Chromium against the real server, PostgreSQL and a
// real siberius-daemon on the demo PDFs: an admin opens it on today (month,
// week, day, and the keyboard), searches and filters, escalates a team from
// a PDF, edits the atendimento, links and unlinks a PDF, assigns and removes
// technicians; another admin's page and the technician's phone see each
// change live, without reloading; the technician sees only their own
// atendimentos. Screenshots at 1440×900 (the technician at 390×844) and
// axe-core on every screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, createDatabase, documentFor } from '../e2e/harness.mjs';
import {
  checkPrerequisites, demoFolder, eventually, heading, launchBrowser, newPage, newPhonePage, runAxe, screenshot,
  screenshotDir, settled, signIn, startFastDaemon, startUiServer, tearDown,
} from './browser.mjs';

const ANA = { login: 'ana.campos', nome: 'Ana Campos', password: 'ana-password-1', role: 'tecnico' };
const BRUNO = { login: 'bruno.lima', nome: 'Bruno Lima', password: 'bruno-password-1', role: 'tecnico' };
const CARLA = { login: 'carla.admin', nome: 'Carla Mendes', password: 'carla-password-1', role: 'admin' };
const LONG_TITLE = 'Torneio de Verão do Clube Atlético Ribeirão Verde — quadra coberta, arquibancadas e sonorização completa';

let db, server, daemon, browser, demo, admin, admin2, tecnico;
const contexts = [];
const pdfIds = {};   // numero -> id
const demoIds = {};  // titulo -> id
let escalated;       // the atendimento created by "Escalar equipe"

// ---- São Paulo days, computed here independently of the app ----
const spDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo', year: 'numeric', month: '2-digit', day: '2-digit' });
const todaySP = () => spDay.format(Date.now());
const addDays = (key, n) => {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
};
const addMonths = (key, n) => {
  const [y, m, d] = key.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
};
const fmt = (opts) => new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', ...opts });
const monthTitle = (key) => fmt({ month: 'long', year: 'numeric' }).format(Date.parse(key));
const longDay = (key) => fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(Date.parse(key));

async function check(page, name) {
  await settled(page);
  await page.evaluate(() => document.fonts.ready);
  await screenshot(page, name);
  const { serious } = await runAxe(page, name);
  const problems = page.problems.splice(0);
  assert.deepEqual(serious.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join('; ')})`), [],
    `axe-core: no serious or critical violation on ${name}`);
  assert.deepEqual(problems, [], `no error in the console on ${name}`);
}

async function openAgenda(page, query = '') {
  await page.goto(`${server.url}/agenda${query}`);
  await heading(page, 'Agenda').waitFor();
  await page.locator('.agenda-body').waitFor();
  await settled(page);
}

const period = (page) => page.locator('.agenda-period').textContent();
const shownIds = async (page) => [...new Set(await page.locator('.agenda-body [data-atendimento]').evaluateAll((els) => els.map((e) => Number(e.dataset.atendimento))))];
const shownPdfIds = async (page) => [...new Set(await page.locator('.agenda-body [data-pdf]').evaluateAll((els) => els.map((e) => Number(e.dataset.pdf))))];
const card = (page, id) => page.locator('.agenda-card-full').filter({ has: page.locator(`[data-atendimento="${id}"]`) });
const demoA = (prefix) => demo.manifest.atendimentos.find((a) => a.titulo.startsWith(prefix));
const doc = (numero) => demo.manifest.documents.find((d) => d.numero === numero);
const dialog = () => admin.getByRole('dialog');

before(async () => {
  checkPrerequisites();
  demo = demoFolder();
  db = createDatabase();
  server = await startUiServer(db);
  for (const u of [ANA, BRUNO, CARLA]) {
    const res = await api(server, 'POST', '/api/admin/users', { body: u });
    assert.equal(res.status, 201, res.text);
  }
  daemon = startFastDaemon(server, demo.folder);
  const want = demo.manifest.documents.length;
  await eventually(`${want} demo PDFs indexed`, async () => (await api(server, 'GET', '/api/pdfs?pageSize=100')).json?.total === want, { timeout: 40000, every: 250 });
  for (const p of (await api(server, 'GET', '/api/pdfs?pageSize=100')).json.items) pdfIds[p.numero] = p.id;
  // The demo office's atendimentos, as scripts/run seeds them: Ana on those marked for the technician.
  for (const a of demo.manifest.atendimentos) {
    const res = await api(server, 'POST', '/api/atendimentos', {
      body: { titulo: a.titulo, cliente: a.cliente, local: a.local, dataInicio: a.dataInicio, dataFim: a.dataFim, tecnicos: a.tecnico ? [ANA.login] : [], pdfs: a.pdfs },
    });
    assert.equal(res.status, 201, res.text);
    demoIds[a.titulo] = res.json.id;
  }
  browser = await launchBrowser();
  for (const make of [() => newPage(browser), () => newPage(browser), () => newPhonePage(browser)]) {
    const { context, page } = await make();
    contexts.push(context);
    if (!admin) admin = page; else if (!admin2) admin2 = page; else tecnico = page;
  }
  console.log(`screenshots: ${screenshotDir}`);
});

after(() => tearDown({ contexts, browser, daemon, server, db, demo }));

test('an admin opens the agenda on today: month, then day and week; the keyboard moves between days', async () => {
  const today = todaySP();
  await signIn(admin, server.url, server.creds.adminUser, server.creds.adminPassword);
  await admin.waitForURL(/\/admin\/system-monitor$/);
  await admin.getByRole('navigation', { name: 'Navegação principal' }).getByRole('link', { name: 'Agenda', exact: true }).click();
  await admin.waitForURL(/\/agenda$/);
  await admin.locator('.agenda-body').waitFor();
  await settled(admin);
  assert.equal(await period(admin), monthTitle(today));
  const todayButton = admin.locator('.agenda-month [aria-current="date"]');
  assert.equal(await todayButton.getAttribute('data-day'), today);
  assert.equal(await todayButton.getAttribute('tabindex'), '0', 'today is the month\'s tab stop');
  assert.equal(await admin.getByRole('button', { name: 'Mês', exact: true }).getAttribute('aria-pressed'), 'true');
  await admin.getByText(/^Ao vivo$/).waitFor();
  await check(admin, 'agenda-01-admin-month');

  // Arrows move the focus a day or a week (into the next month when needed); Enter opens the day.
  await todayButton.focus();
  const focusedDay = () => admin.evaluate(() => document.activeElement?.getAttribute('data-day'));
  await admin.keyboard.press('ArrowDown');
  await eventually('focus a week later', async () => (await focusedDay()) === addDays(today, 7));
  await admin.keyboard.press('ArrowUp');
  await admin.keyboard.press('ArrowRight');
  await eventually('focus on tomorrow', async () => (await focusedDay()) === addDays(today, 1));
  await admin.keyboard.press('ArrowLeft');
  await eventually('focus back on today', async () => (await focusedDay()) === today);
  // Page Down: the same day next month, which loads that month and keeps the focus on the day.
  await admin.keyboard.press('PageDown');
  await eventually('next month', async () => (await period(admin)) === monthTitle(addMonths(today, 1)));
  await eventually('focus on the same day next month', async () => (await focusedDay()) === addMonths(today, 1));
  await admin.keyboard.press('PageUp');
  await eventually('this month again', async () => (await period(admin)) === monthTitle(today));
  await admin.locator(`[data-day="${today}"]`).focus();
  await admin.keyboard.press('Enter');
  await eventually('the day view of today', async () => (await period(admin)) === longDay(today));
  assert.equal(await admin.getByRole('button', { name: 'Dia', exact: true }).getAttribute('aria-pressed'), 'true');
  await check(admin, 'agenda-03-admin-day');

  await admin.getByRole('button', { name: 'Semana', exact: true }).click();
  await admin.locator('.agenda-week').waitFor();
  assert.equal(await admin.locator('.agenda-weekday.agenda-today').getAttribute('data-weekday'), today);
  const firstDay = await admin.locator('.agenda-weekday').first().getAttribute('data-weekday');
  assert.equal(new Date(Date.parse(firstDay)).getUTCDay(), 1, 'weeks start on Monday');
  await check(admin, 'agenda-02-admin-week');

  // Next and previous, and back to today.
  await admin.getByRole('button', { name: 'Próxima semana' }).click();
  await eventually('next week', async () => (await admin.locator('.agenda-weekday').first().getAttribute('data-weekday')) === addDays(firstDay, 7));
  await admin.getByRole('button', { name: /^Hoje:/ }).click();
  await eventually('this week again', async () => (await admin.locator('.agenda-weekday').first().getAttribute('data-weekday')) === firstDay);
});

test('search by cliente, número and tipo, and filter by situação', async () => {
  const conv = demoA('Convenção');
  const festa = demoA('12ª Festa');
  const casamento = demoA('Casamento');
  const convDay = conv.dataInicio.slice(0, 10);
  await openAgenda(admin, `?v=month&d=${convDay}`);
  const convId = demoIds[conv.titulo];
  assert.ok((await shownIds(admin)).includes(convId), 'the convenção is on its month');
  const search = admin.getByRole('searchbox', { name: 'Buscar' });

  await search.fill('conceito');
  await eventually('only the convenção for "conceito"', async () => JSON.stringify(await shownIds(admin)) === JSON.stringify([convId]));
  assert.deepEqual(await shownPdfIds(admin), [], 'its PDFs are inside it, not "a escalar"');
  await search.fill('4530');
  await eventually('the convenção by its OS número', async () => JSON.stringify(await shownIds(admin)) === JSON.stringify([convId]));
  await search.fill('');

  await admin.getByLabel('Tipo').selectOption('montagem');
  await eventually('montagem: no convenção (it has none)', async () => !(await shownIds(admin)).includes(convId));
  const montagens = new Set(demo.manifest.documents.filter((d) => d.tipo === 'montagem').map((d) => pdfIds[d.numero]));
  assert.ok((await shownPdfIds(admin)).every((id) => montagens.has(id)), 'only montagem PDFs');
  await admin.getByLabel('Tipo').selectOption('');

  await admin.getByLabel('Situação').selectOption('sem_equipe');
  await eventually('without team: the convenção', async () => (await shownIds(admin)).includes(convId));
  const shown = await shownIds(admin);
  assert.ok(!shown.includes(demoIds[festa.titulo]) && !shown.includes(demoIds[casamento.titulo]), 'atendimentos with a team are hidden');
  assert.deepEqual(await shownPdfIds(admin), []);
  assert.match(await admin.locator('.agenda-summary').textContent(), /^Filtro: /);
  await check(admin, 'agenda-04-admin-filtered');

  await admin.getByLabel('Situação').selectOption('a_escalar');
  await eventually('"a escalar": documents only', async () => (await shownIds(admin)).length === 0);
  await admin.getByRole('button', { name: 'Limpar filtros' }).click();
  await eventually('everything back', async () => (await shownIds(admin)).includes(convId));
});

test('escalar equipe from a PDF: the atendimento appears live on another admin\'s page and on the technician\'s phone', async () => {
  const d37 = doc('4537').dataEvento;
  // The other screens, open before the change.
  await signIn(admin2, server.url, CARLA.login, CARLA.password);
  await admin2.waitForURL(/\/admin\/system-monitor$/);
  await openAgenda(admin2, `?v=day&d=${d37}`);
  await signIn(tecnico, server.url, ANA.login, ANA.password);
  await tecnico.waitForURL(/\/tecnico$/);
  await openAgenda(tecnico, `?v=day&d=${d37}`);
  for (const p of [admin2, tecnico]) await p.evaluate(() => { window.agendaNotReloaded = true; });
  assert.ok(await admin2.getByRole('button', { name: 'Escalar equipe: OS 4537' }).isVisible(), 'the PDF is "a escalar" for the other admin');
  await tecnico.getByText('Nenhum atendimento seu neste dia.').waitFor();

  await openAgenda(admin, `?v=day&d=${d37}`);
  await admin.getByRole('button', { name: 'Escalar equipe: OS 4537' }).click();
  await dialog().getByRole('heading', { name: 'Documento: OS 4537' }).waitFor();
  await dialog().locator(`[data-pdf-id="${pdfIds['4537']}"]`).waitFor();
  await dialog().getByLabel('Ana Campos (ana.campos)').check();
  await check(admin, 'agenda-05-admin-escalar');
  await dialog().getByRole('button', { name: 'Escalar equipe', exact: true }).click();
  await dialog().getByRole('heading', { name: /^Atendimento: os 4537 - Clube Atlético Ribeirão Verde$/ }).waitFor();
  await dialog().getByText(/^Atendimento criado: /).waitFor();

  const list = await api(server, 'GET', `/api/atendimentos?from=${d37}&to=${d37}`);
  escalated = list.json.items.find((a) => a.pdfs.some((p) => p.id === pdfIds['4537']));
  assert.ok(escalated, 'the atendimento exists, linked to the PDF');
  assert.deepEqual(escalated.tecnicos.map((x) => x.login), [ANA.login]);
  assert.equal(escalated.cliente, doc('4537').cliente);

  await card(admin2, escalated.id).waitFor({ timeout: 10000 });
  await eventually('the PDF is no longer "a escalar" on the other page', async () => (await admin2.getByRole('button', { name: 'Escalar equipe: OS 4537' }).count()) === 0);
  await card(tecnico, escalated.id).waitFor({ timeout: 10000 });
  assert.match(await card(tecnico, escalated.id).textContent(), /OS 4537/);
});

test('edit the atendimento: the new title, place and time reach the other screens', async () => {
  await dialog().getByRole('button', { name: 'Editar dados' }).click();
  await dialog().getByLabel('Título').fill(LONG_TITLE);
  await dialog().getByLabel('Local').fill('Ginásio poliesportivo do Clube Atlético Ribeirão Verde, Ribeirão Pires - SP');
  await dialog().getByLabel('Início: hora (opcional)').fill('08:30');
  // A mistake first: an end before the start is said next to the field.
  await dialog().getByLabel('Fim: dia (opcional)').fill(addDays(doc('4537').dataEvento, -1));
  await dialog().getByRole('button', { name: 'Salvar alterações' }).click();
  await dialog().getByText('O fim não pode ser antes do início.').waitFor();
  await dialog().getByLabel('Fim: dia (opcional)').fill('');
  await dialog().getByRole('button', { name: 'Salvar alterações' }).click();
  await dialog().getByText('Alterações salvas.').waitFor();
  await dialog().getByRole('heading', { name: `Atendimento: ${LONG_TITLE}` }).waitFor();

  const a = (await api(server, 'GET', `/api/atendimentos/${escalated.id}`)).json;
  assert.equal(a.titulo, LONG_TITLE);
  assert.equal(new Date(a.dataInicio).toISOString(), new Date(`${doc('4537').dataEvento}T08:30:00-03:00`).toISOString());
  for (const page of [admin2, tecnico]) {
    await eventually('the new title live', async () => ((await card(page, escalated.id).textContent()) ?? '').includes(LONG_TITLE));
    assert.match(await card(page, escalated.id).textContent(), /08:30/);
  }
});

test('link and unlink a PDF: the other screens follow, and the technician gets and loses it', async () => {
  const box = dialog().getByRole('searchbox', { name: 'Número ou cliente do documento' });
  await box.fill('930');
  await dialog().getByRole('button', { name: 'Buscar', exact: true }).click();
  await dialog().getByRole('button', { name: 'Vincular Montagem 930' }).click();
  await dialog().getByText('Montagem 930 foi vinculado.').waitFor();
  await dialog().getByRole('button', { name: 'Desvincular Montagem 930' }).waitFor();
  for (const page of [admin2, tecnico]) {
    await eventually('Montagem 930 listed live', async () => ((await card(page, escalated.id).textContent()) ?? '').includes('Montagem 930'));
  }
  const anaToken = (await api(server, 'POST', '/api/auth/login', { token: null, body: { login: ANA.login, password: ANA.password } })).json.token;
  assert.equal((await api(server, 'GET', `/api/pdfs/${pdfIds['930']}/status`, { token: anaToken })).status, 200);

  await dialog().getByRole('button', { name: 'Desvincular Montagem 930' }).click();
  await dialog().getByText('Montagem 930 foi desvinculado.').waitFor();
  for (const page of [admin2, tecnico]) {
    await eventually('Montagem 930 gone live', async () => !((await card(page, escalated.id).textContent()) ?? '').includes('Montagem 930'));
  }
  assert.equal((await api(server, 'GET', `/api/pdfs/${pdfIds['930']}/status`, { token: anaToken })).status, 403, 'Ana lost the PDF');
  const a = (await api(server, 'GET', `/api/atendimentos/${escalated.id}`)).json;
  assert.deepEqual(a.pdfs.map((p) => p.id), [pdfIds['4537']]);
});

test('a document not indexed yet: the atendimento waits for it, and it joins live once the office indexes it', async () => {
  const form = dialog().getByRole('form', { name: 'Vincular por tipo e número' });
  await form.getByLabel('Tipo').selectOption({ label: 'OS' });
  await form.getByLabel('Número').fill('7777');
  await form.getByRole('button', { name: 'Vincular', exact: true }).click();
  await dialog().getByText('OS 7777 será vinculado quando o escritório indexar o PDF.').waitFor();
  await dialog().getByText('Aguardando PDF: OS 7777', { exact: true }).waitFor();
  await check(admin, 'agenda-05b-admin-awaiting');
  // The office saves it: another office's daemon indexes OS 7777.
  const token = await api(server, 'POST', '/api/admin/daemon-tokens', { body: { name: 'Filial', clientId: 'filial' } });
  assert.equal(token.status, 201, token.text);
  const office = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: token.json.token, clientId: 'filial', version: '0.1.0' },
  });
  try {
    await new Promise((resolve, reject) => { office.once('connect', resolve); office.once('connect_error', reject); });
    const doc7777 = documentFor(7777, {
      filename: 'os_7777.pdf',
      metadata: { tipo: 'os', numero: '7777', cliente: 'Clube Atlético Ribeirão Verde', dataEvento: addDays(todaySP(), 16), valorTotal: 980 },
    });
    const ack = await office.timeout(5000).emitWithAck('daemon:pdf_indexed_batch', { documents: [doc7777] });
    assert.equal(ack.processed, 1, JSON.stringify(ack));
  } finally {
    office.close();
  }
  // Linked, live: on this dialog, on the other admin's page and on the technician's phone.
  await dialog().getByRole('button', { name: 'Desvincular OS 7777' }).waitFor({ timeout: 10000 });
  await dialog().getByText('Aguardando PDF: OS 7777', { exact: true }).waitFor({ state: 'detached' });
  for (const page of [admin2, tecnico])
    await eventually('OS 7777 listed live', async () => ((await card(page, escalated.id).textContent()) ?? '').includes('OS 7777'));
  const a = (await api(server, 'GET', `/api/atendimentos/${escalated.id}`)).json;
  assert.deepEqual(a.referencias, [{ tipo: 'os', numero: '7777', pending: false }]);
});

test('assign and remove technicians: the technician\'s phone gains and loses the atendimento live', async () => {
  await dialog().getByLabel('Adicionar técnico').selectOption({ label: 'Bruno Lima (bruno.lima)' });
  await dialog().getByRole('button', { name: 'Adicionar', exact: true }).click();
  await dialog().getByText('Bruno Lima entrou na equipe.').waitFor();
  await eventually('Bruno on the other admin\'s page', async () => ((await card(admin2, escalated.id).textContent()) ?? '').includes('Bruno Lima'));

  await dialog().getByRole('button', { name: 'Remover Ana Campos' }).click();
  await dialog().getByText('Ana Campos saiu da equipe.').waitFor();
  await eventually('the atendimento leaves Ana\'s agenda', async () => (await card(tecnico, escalated.id).count()) === 0);
  await tecnico.getByText('Nenhum atendimento seu neste dia.').waitFor();
  await eventually('Ana off the team on the other admin\'s page', async () => !((await card(admin2, escalated.id).textContent()) ?? '').includes('Ana Campos'));

  await dialog().getByLabel('Adicionar técnico').selectOption({ label: 'Ana Campos (ana.campos)' });
  await dialog().getByRole('button', { name: 'Adicionar', exact: true }).click();
  await card(tecnico, escalated.id).waitFor({ timeout: 10000 });
  await check(admin, 'agenda-06-admin-atendimento');
  await admin.keyboard.press('Escape');
  await eventually('the dialog closed', async () => (await admin.getByRole('dialog').count()) === 0);
  await eventually('focus back on the atendimento', async () => (await admin.evaluate(() => document.activeElement?.getAttribute('data-atendimento'))) === String(escalated.id));

  for (const page of [admin2, tecnico]) {
    assert.equal(await page.evaluate(() => window.agendaNotReloaded), true, 'the page was never reloaded');
  }
  await check(admin2, 'agenda-09-other-admin-day-live');
});

test('a technician sees only their own atendimentos, on a phone', async () => {
  const mine = (list) => list.filter((a) => a.tecnicos.some((x) => x.login === ANA.login)).map((a) => a.id);
  const festa = demoA('12ª Festa');
  const festaDay = festa.dataInicio.slice(0, 10);
  await openAgenda(tecnico, `?v=week&d=${festaDay}`);
  const shown = await shownIds(tecnico);
  assert.ok(shown.includes(demoIds[festa.titulo]), 'Ana\'s festa is on her week');
  const all = (await api(server, 'GET', `/api/atendimentos?from=${addDays(festaDay, -7)}&to=${addDays(festaDay, 7)}`)).json.items;
  const hers = new Set(mine(all));
  assert.ok(shown.every((id) => hers.has(id)), `only hers: shown ${shown}, hers ${[...hers]}`);
  assert.deepEqual(await shownPdfIds(tecnico), [], 'no "a escalar" documents for a technician');
  assert.equal(await tecnico.getByLabel('Situação').locator('option[value="a_escalar"]').count(), 0);
  await check(tecnico, 'agenda-08-tecnico-week-390');

  // On a phone the agenda opens on this week (a month cell has room for a count only).
  await openAgenda(tecnico, '');
  assert.equal(await tecnico.locator('.agenda-weekday.agenda-today').getAttribute('data-weekday'), todaySP());
  await tecnico.getByRole('button', { name: 'Mês', exact: true }).click();
  await eventually('the month of today', async () => (await period(tecnico)) === monthTitle(todaySP()));
  const monthShown = await shownIds(tecnico);
  for (const title of ['Arraiá do Colégio Santa Inês', demoA('Convenção').titulo]) {
    assert.ok(!monthShown.includes(demoIds[title]), `${title} is not Ana's`);
  }
  const scroll = await tecnico.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(scroll <= 1, `no sideways scroll on the phone (${scroll}px)`);
  await check(tecnico, 'agenda-07-tecnico-month-390');

  // The API agrees: another atendimento's detail is refused to her.
  const anaToken = (await api(server, 'POST', '/api/auth/login', { token: null, body: { login: ANA.login, password: ANA.password } })).json.token;
  assert.equal((await api(server, 'GET', `/api/atendimentos/${demoIds[demoA('Convenção').titulo]}`, { token: anaToken })).status, 403);
});
