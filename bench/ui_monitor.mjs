// The system monitor in Debian's Chromium against the real siberius-server
// serving ui/dist (issue 11): time to first render and to live data, bytes
// transferred compressed on the first load, then the page with N simulated
// daemons online (bench-daemon-sessions) while their heartbeats stream in:
// memory of the tab and frame times. bench/ui_monitor.sh starts PostgreSQL
// and runs this. It prints figures; it is not a test.
//
// Method (the logic of ui/scripts/measure-monitor.mjs, on real components):
// - Times are the page's own clock from navigation start (performance.now()),
//   read by an init script: "table" = the first daemons row (or the empty
//   state) in the DOM, stamped at the next animation frame; "live" = the
//   "Ao vivo" indicator in the DOM, same way; "load" = loadEventEnd.
// - Bytes: CDP Network.loadingFinished encodedDataLength (headers + body as
//   sent), cache disabled, for every request of the cold load until the
//   network is idle; the app's static files are split from the API calls and
//   the charts chunk (fetched after the table shows) is shown apart.
// - N daemons: bench-daemon-sessions holds N /daemon sessions over the real
//   protocol, heartbeats spread evenly over --heartbeat-interval seconds.
//   Frames: requestAnimationFrame deltas over --watch-s seconds; long tasks
//   from PerformanceObserver; the renderer main thread's busiest task, wall
//   and CPU, from a Chrome trace; JS heap from CDP Performance.getMetrics;
//   the renderer's RSS from /proc of the pid CDP SystemInfo names.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
// playwright-core as the browser tests install it (tests/ui/package-lock.json).
const { chromium } = createRequire(join(ROOT, 'tests', 'ui', 'package.json'))('playwright-core');

const { values: o } = parseArgs({
  options: {
    work: { type: 'string' },
    build: { type: 'string', default: join(ROOT, 'build') },
    'ui-dir': { type: 'string', default: join(ROOT, 'ui', 'dist') },
    rounds: { type: 'string', default: '5' },
    daemons: { type: 'string', default: '500' },
    'heartbeat-interval': { type: 'string', default: '30' },
    'watch-s': { type: 'string', default: '30' },
    screenshots: { type: 'string' },
    // Records what the longest main-thread tasks were made of (script, style,
    // layout, paint, GC); the richer trace costs the page some time itself.
    profile: { type: 'boolean', default: false },
  },
});
const PG = process.env.SIBERIUS_PG;
if (!o.work || !PG) throw new Error('run through bench/ui_monitor.sh (needs --work and SIBERIUS_PG)');
const N = Number(o.daemons);
const WATCH_S = Number(o['watch-s']);
const HB_S = Number(o['heartbeat-interval']);
const shotsDir = o.screenshots ?? join(o.build, 'ui-screenshots');
const bin = {
  server: join(o.build, 'actors', 'siberius-server'),
  daemon: join(o.build, 'daemon', 'siberius-daemon'),
  sessions: join(o.build, 'bench', 'bench-daemon-sessions'),
};
const children = [];
// Whatever happens, nothing this run started outlives it.
process.on('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('..', ...a);

function jsonLines(proc, sink) {
  createInterface({ input: proc.stderr }).on('line', (line) => {
    try { sink.push(JSON.parse(line)); } catch { sink.push({ event: 'raw', line }); }
  });
}

async function stop(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([gone, sleep(10000).then(() => proc.kill('SIGKILL'))]);
}

async function until(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

// ---- the server (its default ping settings: 25 s / 20 s), the real daemon
mkdirSync(join(o.work, 'server'), { recursive: true });
const serverLogs = [];
const server = spawn(bin.server, [
  '--port', '0', '--db', PG, '--schema-dir', join(ROOT, 'schema'), '--credentials', join(o.work, 'credentials.json'),
  '--storage-dir', join(o.work, 'server', 'storage'), '--ui-dir', o['ui-dir'], '--rate-limit-per-s', '0',
], { stdio: ['ignore', 'ignore', 'pipe'] });
children.push(server);
jsonLines(server, serverLogs);
const port = await until('server:listening', async () => serverLogs.find((e) => e.event === 'server:listening')?.port, 60000);
const base = `http://127.0.0.1:${port}`;
const creds = JSON.parse(readFileSync(join(o.work, 'credentials.json'), 'utf8'));
const api = async (path, init = {}) => {
  const r = await fetch(base + path, { ...init, headers: { authorization: `Bearer ${creds.adminToken}`, ...(init.headers ?? {}) } });
  return r.json();
};

const office = join(o.work, 'office');
execFileSync(process.execPath, [join(ROOT, 'scripts', 'demo', 'make-demo-pdfs.mjs'), office], { stdio: ['ignore', 'ignore', 'inherit'] });
const demoCount = JSON.parse(readFileSync(join(office, '.siberius-demo.json'), 'utf8')).documents.length;
const daemon = spawn(bin.daemon, ['--config', '/dev/null'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { PATH: '/usr/bin:/bin', SERVER_URL: base, DAEMON_TOKEN: creds.daemonToken, CLIENT_ID: creds.clientId, PDF_DIRECTORY: office, LOG_LEVEL: 'warn' },
});
children.push(daemon);
jsonLines(daemon, []);
await until('the demo daemon to index its PDFs', async () => {
  const d = (await api('/api/admin/daemons')).daemons.find((x) => x.clientId === creds.clientId);
  return d?.status === 'online' && d.pdfsIndexed >= demoCount;
});
log(`server ${base}, the real daemon online with ${demoCount} demo PDFs`);

// ---- the browser
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--enable-precise-memory-info'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' });
await context.addInitScript(() => {
  // The page's own clock from navigation start; frames and long tasks from the start.
  const ui = (window.__ui = { table: null, live: null, frames: [], slow: [], long: [] });
  const check = () => {
    if (ui.table === null && document.querySelector('#daemons-table tbody tr.daemon-row, .empty')) {
      ui.table = -1;
      requestAnimationFrame(() => { ui.table = performance.now(); });
    }
    if (ui.live === null && document.querySelector('.live-on')) {
      ui.live = -1;
      requestAnimationFrame(() => { ui.live = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  // When the live socket opened and when Socket.IO's CONNECT came back.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      ui.wsStart ??= performance.now();
      this.addEventListener('open', () => { ui.wsOpen ??= performance.now(); });
      this.addEventListener('message', (m) => {
        if (typeof m.data === 'string' && m.data.startsWith('40')) ui.sioConnect ??= performance.now();
      });
    }
  };
  let last = performance.now();
  const tick = (t) => {
    ui.frames.push(t - last);
    if (t - last > 50) ui.slow.push({ at: performance.timeOrigin + last, ms: t - last });
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => ui.long.push({ at: performance.timeOrigin + e.startTime, ms: e.duration }))).observe({ type: 'longtask', buffered: true });
  } catch { /* no long task timing */ }
});
{
  // Sign in once through the form: the cookie stays in the context.
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Usuário').fill(creds.adminUser);
  await page.getByLabel('Senha').fill(creds.adminPassword);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await page.waitForURL(/\/admin\/system-monitor$/);
  await page.close();
}

/** One cold load of the monitor: timings and bytes. */
async function coldLoad({ acceptEncoding, cpuProfile = false } = {}) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (cpuProfile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (acceptEncoding) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': acceptEncoding } });
  const req = new Map();
  cdp.on('Network.responseReceived', (e) => {
    req.set(e.requestId, { ...(req.get(e.requestId) ?? {}), url: e.response.url, type: e.type, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '' });
  });
  cdp.on('Network.loadingFinished', (e) => { req.set(e.requestId, { ...(req.get(e.requestId) ?? {}), bytes: e.encodedDataLength }); });
  await page.goto(`${base}/admin/system-monitor`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__ui.table > 0 && window.__ui.live > 0, null, { timeout: 60000, polling: 50 }).catch(async (e) => {
    throw new Error(`${e.message}; at ${page.url()}: ${await page.evaluate(() => JSON.stringify({ ...window.__ui, frames: window.__ui.frames.length, long: undefined }))}`);
  });
  await page.getByRole('heading', { name: 'Latência de heartbeat' }).waitFor({ timeout: 60000 });
  await page.waitForLoadState('networkidle');
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    // Where the time went: each API answer (start-end, from navigation start),
    // the socket, and the main thread's long tasks before "Ao vivo".
    const steps = performance.getEntriesByType('resource')
      .filter((r) => new URL(r.name).pathname.startsWith('/api/'))
      .map((r) => `${new URL(r.name).pathname.replace('/api/admin/', '')} ${r.startTime.toFixed(0)}-${r.responseEnd.toFixed(0)}`);
    const ui = window.__ui;
    const busy = ui.long.filter((l) => l.at - performance.timeOrigin < ui.live);
    return {
      table: ui.table, live: ui.live, load: nav.loadEventEnd, dcl: nav.domContentLoadedEventEnd, fcp: fcp?.startTime ?? null,
      socket: { start: ui.wsStart ?? null, open: ui.wsOpen ?? null, connect: ui.sioConnect ?? null },
      api: steps,
      longTasksBeforeLive: busy.map((l) => `${(l.at - performance.timeOrigin).toFixed(0)}+${l.ms.toFixed(0)}`),
    };
  });
  // The table has every daemon (data-rows); only those near the viewport are in the DOM.
  const rows = Number(await page.locator('#daemons-table').getAttribute('data-rows'));
  const files = [...req.values()].filter((r) => r.url && r.bytes !== undefined);
  const isStatic = (r) => !new URL(r.url).pathname.startsWith('/api/') && !r.url.includes('/socket.io/');
  const sum = (xs) => xs.reduce((a, r) => a + r.bytes, 0);
  const statics = files.filter(isStatic);
  const charts = statics.filter((r) => /ChartsPanel/.test(r.url));
  const selfTime = cpuProfile ? topSelfTime((await cdp.send('Profiler.stop')).profile, 12) : undefined;
  await page.close();
  return {
    rows, ...t, selfTime,
    entryBytes: sum(statics.filter((r) => !charts.includes(r))),
    chartsBytes: sum(charts),
    apiBytes: sum(files.filter((r) => !isStatic(r))),
    allBytes: sum(files),
    encodings: [...new Set(statics.map((r) => r.encoding || 'identity'))].join(','),
    files: files.map((r) => ({ path: new URL(r.url).pathname, bytes: r.bytes, enc: r.encoding || '' })),
  };
}

/** The functions that used the most CPU themselves in a CDP CPU profile. */
function topSelfTime(profile, n) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id).callFrame;
    const file = f.url ? f.url.split('/').pop() : '';
    const key = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, v]) => `${v.toFixed(1)} ms ${k}`);
}

const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const range = (xs, f = (x) => x.toFixed(0)) => `${f(med(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
const kb = (b) => (b / 1024).toFixed(1);

async function loads(label, rounds) {
  const rs = [];
  for (let i = 0; i < rounds; ++i) rs.push(await coldLoad());
  const gz = await coldLoad({ acceptEncoding: 'gzip' });
  return { label, rs, gz };
}

const loadAtStart = loadavg()[0];
// ---- phase 1: the real daemon only
const ROUNDS = Number(o.rounds);
const small = await loads('1 daemon (the real one)', ROUNDS);
log(`phase 1 done: ${ROUNDS} cold loads`);

// ---- phase 2: N simulated daemons online, heartbeats streaming
const sessionsOut = [];
const sessions = spawn(bin.sessions, [
  '--url', base, '--admin-token', creds.adminToken, '--sessions', String(N), '--heartbeat-interval', String(HB_S),
  '--duration', String(Math.max(600, WATCH_S * 4 + 300)), '--docs', '0', '--connect-concurrency', '64',
], { stdio: ['ignore', 'pipe', 'pipe'] });
children.push(sessions);
createInterface({ input: sessions.stdout }).on('line', (l) => sessionsOut.push(l));
createInterface({ input: sessions.stderr }).on('line', (l) => sessionsOut.push(l));
sessions.on('exit', (code) => { if (code) log(`bench-daemon-sessions exited ${code}: ${sessionsOut.slice(-5).join(' | ')}`); });
await until(`${N} simulated daemons online`, async () => (await api('/api/admin/monitor/summary')).daemons.online >= N + 1, 120000);
log(`${N} simulated daemons online (+ the real one)`);
// Every simulated daemon has sent its first heartbeat: a full interval.
await sleep(HB_S * 1000 + 2000);
const big = await loads(`${N + 1} daemons online`, Math.min(ROUNDS, 3));
// --profile: one more cold load under the CPU profiler (not in the figures).
const loadProfile = o.profile ? (await coldLoad({ cpuProfile: true })).selfTime : null;
log('phase 2 cold loads done; watching the page');

/** Renderer processes and their RSS (CDP SystemInfo names them, /proc measures). */
async function renderers() {
  try {
    const info = await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
    return info.processInfo.filter((p) => p.type === 'renderer').map((p) => {
      try {
        const kbRss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.id}/status`, 'utf8'))?.[1] ?? 0);
        return { pid: p.id, rssMB: +(kbRss / 1024).toFixed(1) };
      } catch { return { pid: p.id, rssMB: null }; }
    });
  } catch { return []; }
}
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Performance.enable');
const beats = { n: 0, first: null, last: null };
cdp.on('Network.webSocketFrameReceived', (e) => {
  const p = e.response.payloadData;
  if (p.includes('"daemon:heartbeat"')) {
    beats.n += (p.match(/"daemon:heartbeat"/g) ?? []).length;
    beats.first ??= Date.now();
    beats.last = Date.now();
  }
});
await page.goto(`${base}/admin/system-monitor`);
await page.waitForFunction((n) => Number(document.querySelector('#daemons-table')?.getAttribute('data-rows')) >= n, N, { timeout: 60000 });
await page.getByText('Ao vivo', { exact: true }).waitFor();
await page.locator('.uplot').first().waitFor({ timeout: 60000 }).catch(() => {});
await page.waitForLoadState('networkidle');
await sleep(3000);
// Which renderer process draws this tab: a short devtools.timeline trace
// names the process of each frame (TracingStartedInBrowser).
const tracePath = join(o.work, 'trace.json');
await browser.startTracing(page, { path: tracePath, categories: ['disabled-by-default-devtools.timeline'] });
await sleep(300);
await browser.stopTracing();
const probe = JSON.parse(readFileSync(tracePath, 'utf8')).traceEvents.find((e) => e.name === 'TracingStartedInBrowser');
const tabPid = probe?.args?.data?.frames?.find((f) => f.isOutermostMainFrame && /\/admin\/system-monitor/.test(f.url ?? ''))?.processId ?? null;
// The measuring trace; the watch window starts a second after it (starting
// and stopping a trace costs the page a frame or two of its own).
const PROFILE_CATEGORIES = ['toplevel', 'devtools.timeline', 'v8.execute', 'disabled-by-default-v8.gc', 'blink.user_timing'];
await browser.startTracing(page, { path: tracePath, categories: o.profile ? PROFILE_CATEGORIES : ['toplevel'] });
await sleep(1000);
await page.evaluate(() => { window.__ui.frames.length = 0; window.__ui.long.length = 0; window.__ui.slow.length = 0; });
beats.n = 0;
// What the page fetched during the watch, to put beside its slow frames.
const fetched = [];
cdp.on('Network.requestWillBeSent', (e) => fetched.push({ at: e.wallTime * 1000, path: new URL(e.request.url).pathname }));
const watchStart = Date.now();
await sleep(WATCH_S * 1000);
const { frames, longTasks, slow } = await page.evaluate(() => ({ frames: window.__ui.frames.slice(), longTasks: window.__ui.long.map((x) => x.ms), slow: window.__ui.slow.slice() }));
const beatsInWatch = beats.n;
const watchedRequests = fetched.slice();
const loadAfterWatch = loadavg()[0];
await browser.stopTracing();
const trace = JSON.parse(readFileSync(tracePath, 'utf8')).traceEvents;
unlinkSync(tracePath);
const mainThread = trace.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && (tabPid === null || e.pid === tabPid));
const onMain = trace.filter((e) => e.pid === mainThread?.pid && e.tid === mainThread?.tid && e.name === 'ThreadControllerImpl::RunTask' && e.dur);
// Only the tasks of the watch window (trace clock in µs from its first event).
const t0 = Math.min(...trace.filter((e) => e.ts > 0).map((e) => e.ts));
const tasks = onMain.filter((e) => e.ts >= t0 + 1e6 && e.ts + e.dur <= t0 + (1 + WATCH_S) * 1e6);
const cpuOf = (e) => (e.tdur ?? e.dur) / 1000;
// --profile: the five longest tasks, by what ran inside them (nested events overlap).
const profile = [];
if (o.profile) {
  const inner = trace.filter((e) => e.pid === mainThread?.pid && e.tid === mainThread?.tid && e.ph === 'X' && e.dur && e.name !== 'ThreadControllerImpl::RunTask');
  for (const task of [...tasks].sort((a, b) => b.dur - a.dur).slice(0, 5)) {
    const parts = {};
    for (const e of inner) if (e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur) parts[e.name] = (parts[e.name] ?? 0) + e.dur / 1000;
    const top = Object.entries(parts).sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k} ${v.toFixed(1)}`);
    profile.push({ atS: +((task.ts - t0) / 1e6 - 1).toFixed(1), wallMs: +(task.dur / 1000).toFixed(1), cpuMs: +cpuOf(task).toFixed(1), parts: top });
  }
}
// Each slow frame with the requests sent up to 2 s before it.
const slowFrames = slow.map((f) => ({
  atS: +((f.at - watchStart) / 1000).toFixed(1),
  ms: +f.ms.toFixed(0),
  after: [...new Set(watchedRequests.filter((r) => r.at <= f.at + f.ms && r.at >= f.at - 2000).map((r) => r.path))],
}));
const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
const listed = await page.evaluate(async () => (await (await fetch('/api/admin/daemons', { headers: { accept: 'application/json' } })).json()).daemons);
const onlineRows = listed.filter((d) => d.status === 'online').length;
const allRows = Number(await page.locator('#daemons-table').getAttribute('data-rows'));
const renderedRows = await page.locator('#daemons-table tbody tr.daemon-row').count();
const all = await renderers();
const tab = tabPid !== null ? all.filter((r) => r.pid === tabPid) : [];
const tabRss = (tab.length ? tab : all).reduce((a, r) => Math.max(a, r.rssMB ?? 0), 0);
mkdirSync(shotsDir, { recursive: true });
const shot = join(shotsDir, `bench-monitor-${N}-daemons.png`);
await page.screenshot({ path: shot });
// Rows far from the viewport and the charts below the fold are drawn only
// when scrolled to (a full-page capture would show them blank): scroll there.
const shotMiddle = join(shotsDir, `bench-monitor-${N}-daemons-middle.png`);
await page.evaluate(() => {
  const t = document.querySelector('#daemons-table').getBoundingClientRect();
  window.scrollTo(0, window.scrollY + t.top + t.height / 2);
});
await page.waitForTimeout(500);
await page.screenshot({ path: shotMiddle });
const shotCharts = join(shotsDir, `bench-monitor-${N}-daemons-charts.png`);
await page.getByRole('heading', { name: 'Gráficos' }).evaluate((h) => window.scrollTo(0, window.scrollY + h.getBoundingClientRect().top - 80));
await page.waitForTimeout(800);
await page.screenshot({ path: shotCharts });

frames.sort((a, b) => a - b);
const pct = (p) => frames[Math.min(frames.length - 1, Math.floor((p / 100) * frames.length))] ?? 0;
const watch = {
  watchS: WATCH_S,
  heartbeatsReceived: beatsInWatch,
  heartbeatsPerS: +(beatsInWatch / WATCH_S).toFixed(1),
  rows: allRows,
  renderedRows,
  onlineRows,
  frames: frames.length,
  frameP50Ms: +pct(50).toFixed(1),
  frameP99Ms: +pct(99).toFixed(1),
  frameMaxMs: +(frames.at(-1) ?? 0).toFixed(1),
  framesOver50: frames.filter((f) => f > 50).length,
  longTasks: longTasks.length,
  longTaskMaxMs: +Math.max(0, ...longTasks).toFixed(1),
  taskWallMaxMs: +Math.max(0, ...tasks.map((e) => e.dur / 1000)).toFixed(1),
  taskCpuMaxMs: +Math.max(0, ...tasks.map(cpuOf)).toFixed(1),
  mainThreadCpuPct: +((tasks.reduce((a, e) => a + cpuOf(e), 0) / (WATCH_S * 1000)) * 100).toFixed(1),
  jsHeapUsedMB: +(metrics.JSHeapUsedSize / 1048576).toFixed(1),
  jsHeapTotalMB: +(metrics.JSHeapTotalSize / 1048576).toFixed(1),
  domNodes: metrics.Nodes,
  loadAvg1m: +loadAfterWatch.toFixed(2),
  slowFrames,
  requestsDuringWatch: watchedRequests.map((r) => r.path),
  tabRendererRssMB: tabRss,
  renderers: all,
  tabRendererKnown: tab.length > 0,
};

const chromiumVersion = browser.version();
await browser.close();
for (const c of children.reverse()) await stop(c);

// ---- report
const line = (k, v, target = '') => console.log(`${k.padEnd(46)} ${String(v).padEnd(30)} ${target}`);
console.log(`\nmachine load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (${(await import('node:os')).cpus().length} cores; anything above ~1 means other work shared the cores)`);
console.log(`\nui_monitor: siberius-server serving ${o['ui-dir']}, Chromium ${chromiumVersion} headless, 1440x900`);
for (const phase of [small, big]) {
  const r = phase.rs;
  console.log(`\n== cold loads of /admin/system-monitor, ${phase.label}: median (min-max) of ${r.length}`);
  line('rows in the table', r[0].rows);
  line('first contentful paint, ms', range(r.map((x) => x.fcp ?? 0)));
  line('table rows visible, ms from navigation start', range(r.map((x) => x.table)));
  line('"Ao vivo" (live), ms from navigation start', range(r.map((x) => x.live)), 'target: live data <= 1000 ms after load');
  line('load event, ms', range(r.map((x) => x.load)));
  line('"Ao vivo" minus load event, ms', range(r.map((x) => x.live - x.load)));
  const m = r.find((x) => x.live === med(r.map((y) => y.live))) ?? r[0];
  line('  median load: socket started / open / CONNECT', `${m.socket.start?.toFixed(0)} / ${m.socket.open?.toFixed(0)} / ${m.socket.connect?.toFixed(0)} ms`);
  line('  median load: API answers (start-end ms)', m.api.join(', '));
  line('  median load: long tasks before live (at+ms)', m.longTasksBeforeLive.join(', ') || 'none');
  line(`app files before the charts, KB (${r[0].encodings})`, range(r.map((x) => x.entryBytes / 1024), (x) => x.toFixed(1)), 'target: first load <= 250 KB');
  line('charts chunk (after the table), KB', range(r.map((x) => x.chartsBytes / 1024), (x) => x.toFixed(1)));
  line('API answers (JSON), KB', range(r.map((x) => x.apiBytes / 1024), (x) => x.toFixed(1)));
  line('everything until network idle, KB', range(r.map((x) => x.allBytes / 1024), (x) => x.toFixed(1)));
  line(`same load with Accept-Encoding: gzip only, KB (${phase.gz.encodings})`, `app ${kb(phase.gz.entryBytes)} + charts ${kb(phase.gz.chartsBytes)}; all ${kb(phase.gz.allBytes)}`);
}
console.log(`\n== ${allRows} daemons in the table (${onlineRows} online; ${renderedRows} rows in the DOM), ${N} sending a heartbeat every ${HB_S} s, watched ${WATCH_S} s`);
line('heartbeats received by the page', `${watch.heartbeatsReceived} (${watch.heartbeatsPerS}/s)`);
line('frames (rAF)', watch.frames);
line('frame p50 / p99 / max, ms', `${watch.frameP50Ms} / ${watch.frameP99Ms} / ${watch.frameMaxMs}`, 'target: no frame over 50 ms');
line('frames over 50 ms', watch.framesOver50);
for (const f of slowFrames) line(`  at ${f.atS} s: ${f.ms} ms`, f.after.length ? `after ${f.after.join(', ')}` : '(no request just before)');
line('requests sent during the watch', watchedRequests.length ? [...new Set(watchedRequests.map((r) => r.path))].join(', ') : 'none');
line('long tasks (>50 ms), max ms', `${watch.longTasks}, ${watch.longTaskMaxMs}`);
line('busiest main-thread task, wall / CPU ms', `${watch.taskWallMaxMs} / ${watch.taskCpuMaxMs}`);
line('renderer main thread busy, %', watch.mainThreadCpuPct);
for (const p of profile) console.log(`  task at ${p.atS} s: ${p.wallMs} ms wall, ${p.cpuMs} ms CPU: ${p.parts.join(', ')}`);
if (loadProfile) {
  console.log(`\n== --profile: where a cold load with ${N + 1} daemons spent its CPU (self time, until networkidle)`);
  for (const l of loadProfile) console.log(`  ${l}`);
}
line('JS heap used / total, MB', `${watch.jsHeapUsedMB} / ${watch.jsHeapTotalMB}`);
line('DOM nodes', watch.domNodes);
line('machine load average (1 min) after the watch', watch.loadAvg1m);
line(`renderer RSS of the tab, MB${watch.tabRendererKnown ? ` (pid ${tabPid})` : ' (not told apart: the largest)'}`, watch.tabRendererRssMB);
line('every renderer process, MB', watch.renderers.map((r) => `${r.pid}: ${r.rssMB}`).join(', '));
console.log(`\nscreenshots: ${shot}\n             ${shotMiddle}\n             ${shotCharts}`);
const strip = (p) => ({ label: p.label, rounds: p.rs.map(({ files, ...x }) => x), gzip: (({ files, ...x }) => x)(p.gz), files: p.rs[0].files });
console.log(JSON.stringify({ bench: 'ui_monitor', small: strip(small), big: strip(big), watch }));
