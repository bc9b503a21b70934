// Long-polling beside WebSocket on one sio-echo: --clients stock
// socket.io-client sessions with transports ["polling"] and as many with
// ["websocket"], then a steady rate of `message-with-ack` on each transport;
// round trip p50/p99 per transport and the server's VmRSS idle, with every
// session connected, and under the load. bench/sio_transports.sh runs it.
//
// The clients live in --workers node processes (half of them per transport):
// one node process keeping 1,000 polling sessions alive and timing acks would
// measure itself. SIO_ECHO names the server binary (anything with sio-echo's
// command line and its listening line on stdout).
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// socket.io-client as the interop tests install it (tests/interop/package-lock.json).
const { io } = createRequire(new URL('../tests/interop/package.json', import.meta.url))('socket.io-client');

const { values: opts } = parseArgs({
  options: {
    worker: { type: 'boolean', default: false },
    clients: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '4' },
    rate: { type: 'string', default: '100' },
    duration: { type: 'string', default: '30' },
    // Each polling request on a TCP connection of its own: what the node
    // client does when given no agent (browsers keep theirs alive).
    'new-connections': { type: 'boolean', default: false },
    'connect-concurrency': { type: 'string', default: '20' },
  },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- Worker: `count` sessions of one transport ------------------------------
if (opts.worker) {
  const sockets = [];
  let disconnects = 0;
  const send = (m) => process.send(m);
  process.on('message', async (m) => {
    if (m.type === 'connect') {
      // A keep-alive agent shared by the worker's polling sessions, as a
      // browser reuses its connections; without one (--new-connections, the
      // node client's default) every poll and every POST is a TCP connection
      // of its own.
      const agent = m.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: Infinity }) : undefined;
      const t0 = performance.now();
      let next = 0;
      const one = async () => {
        while (next < m.count) {
          next += 1;
          const socket = io(m.url, { transports: [m.transport], reconnection: false, forceNew: true, timeout: 60000, ...(agent ? { agent } : {}) });
          await new Promise((resolve, reject) => {
            socket.once('connect', resolve);
            socket.once('connect_error', (e) => reject(new Error(`${m.transport} connect: ${e.message} ${e.description ?? ''}`)));
          });
          socket.on('disconnect', () => { disconnects += 1; });
          sockets.push(socket);
        }
      };
      try {
        await Promise.all(Array.from({ length: m.concurrency }, one));
      } catch (e) {
        send({ type: 'error', error: String(e) });
        return;
      }
      send({ type: 'connected', count: sockets.length, seconds: (performance.now() - t0) / 1000 });
    } else if (m.type === 'load') {
      // Evenly spaced events, each on the next session in turn; a late ack
      // does not hold up the next event (open loop).
      const latencies = [];
      let lost = 0;
      const interval = 1000 / m.rate;
      const start = performance.now();
      const end = start + m.seconds * 1000;
      const pending = new Set();
      for (let i = 0; ; ++i) {
        const due = start + i * interval;
        if (due >= end) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const socket = sockets[i % sockets.length];
        const t = performance.now();
        const p = new Promise((resolve) => {
          socket.timeout(10000).emit('message-with-ack', i, 'x'.repeat(64), (err, n) => {
            if (err || n !== i) lost += 1;
            else latencies.push(performance.now() - t);
            resolve();
          });
        });
        pending.add(p);
        p.then(() => pending.delete(p));
      }
      await Promise.all(pending);
      send({ type: 'loaded', latencies, lost, sent: Math.floor(m.seconds * m.rate), disconnects, connected: sockets.filter((s) => s.connected).length });
    } else if (m.type === 'close') {
      for (const s of sockets) s.close();
      setTimeout(() => process.exit(0), 200);
    }
  });
  send({ type: 'ready' });
} else {
  await main();
}

// --- The conductor ---------------------------------------------------------
function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** utime + stime of a process, seconds. */
function cpu(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startEcho() {
  const binary = process.env.SIO_ECHO;
  if (!binary) throw new Error('SIO_ECHO must name the server binary');
  const proc = spawn(binary, ['--host', '127.0.0.1', '--port', '0', '--ping-interval-ms', '25000', '--ping-timeout-ms', '20000',
    '--max-connections-per-address', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report listening')), 10000);
    proc.once('exit', (code) => reject(new Error(`the server exited early with ${code}`)));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      let entry;
      try { entry = JSON.parse(line); } catch { return; }
      if (entry.event === 'sio-echo:listening') {
        clearTimeout(timer);
        resolve({ proc, url: `http://127.0.0.1:${entry.port}` });
      }
    });
  });
}

function quantile(xs, q) {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}

function ask(workers, build, reply) {
  return Promise.all(workers.map((w, i) => new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.type === 'error') reject(new Error(m.error));
      if (m.type !== reply) return;
      w.proc.off('message', on);
      resolve(m);
    };
    w.proc.on('message', on);
    w.proc.send(build(w, i));
  })));
}

async function main() {
  const clients = Number(opts.clients);
  const workerCount = Math.max(2, Number(opts.workers) - (Number(opts.workers) % 2));
  const rate = Number(opts.rate);
  const seconds = Number(opts.duration);
  const echo = await startEcho();
  const pid = echo.proc.pid;
  await sleep(500);
  const idle = rss(pid);

  const half = workerCount / 2;
  const workers = [];
  for (let i = 0; i < workerCount; ++i) {
    const transport = i < half ? 'polling' : 'websocket';
    const k = i % half;
    const count = Math.floor(clients / half) + (k < clients % half ? 1 : 0);
    const proc = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise((r) => proc.once('message', r));
    workers.push({ proc, transport, count });
  }
  const t0 = performance.now();
  const cpu0 = cpu(pid);
  const connected = await ask(workers, (w) => ({
    type: 'connect', url: echo.url, transport: w.transport, count: w.count,
    concurrency: Number(opts['connect-concurrency']), keepAlive: !opts['new-connections'],
  }), 'connected');
  const connectSeconds = (performance.now() - t0) / 1000;
  const connectCpu = cpu(pid) - cpu0;
  // A few seconds with every session open and nothing sent: the polling
  // sessions each hold a GET.
  await sleep(3000);
  const allConnected = rss(pid);

  const samples = [];
  const sampler = setInterval(() => samples.push(rss(pid)), 500);
  const cpu1 = cpu(pid);
  const l0 = performance.now();
  const loaded = await ask(workers, () => ({ type: 'load', rate: rate / half, seconds }), 'loaded');
  const loadWall = (performance.now() - l0) / 1000;
  const loadCpu = cpu(pid) - cpu1;
  clearInterval(sampler);
  const during = { max: Math.max(...samples), last: samples.at(-1) };

  const by = (transport) => {
    const mine = loaded.filter((_, i) => workers[i].transport === transport);
    const lat = mine.flatMap((m) => m.latencies);
    return {
      sessions: connected.filter((_, i) => workers[i].transport === transport).reduce((a, m) => a + m.count, 0),
      still: mine.reduce((a, m) => a + m.connected, 0),
      acked: lat.length,
      lost: mine.reduce((a, m) => a + m.lost, 0),
      disconnects: mine.reduce((a, m) => a + m.disconnects, 0),
      p50: quantile(lat, 0.5), p90: quantile(lat, 0.9), p99: quantile(lat, 0.99), max: Math.max(...lat),
    };
  };
  const polling = by('polling');
  const websocket = by('websocket');

  for (const w of workers) w.proc.send({ type: 'close' });
  await Promise.all(workers.map((w) => new Promise((r) => (w.proc.exitCode !== null ? r() : w.proc.once('exit', r)))));
  const exited = new Promise((r) => echo.proc.once('exit', r));
  echo.proc.kill('SIGTERM');
  await exited;

  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(`server: ${process.env.SIO_ECHO}`);
  console.log(`${clients} polling + ${clients} websocket sessions over ${workerCount} client processes`
    + ` (${opts['new-connections'] ? 'no agent: a TCP connection per polling request' : 'polling over a keep-alive agent'});`
    + ` connected in ${f(connectSeconds, 1)} s, server CPU ${f(connectCpu, 1)} s`);
  console.log(`load: ${rate} message-with-ack/s per transport for ${seconds} s (${f(loadWall, 1)} s with the last acks), server CPU ${f(loadCpu, 1)} s (${f((loadCpu / loadWall) * 100, 0)}% of a core)`);
  console.log('');
  console.log('| transport | sessions | acked / lost | p50 ms | p90 ms | p99 ms | max ms | dropped |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, r] of [['polling', polling], ['websocket', websocket]]) {
    console.log(`| ${name} | ${r.sessions} | ${r.acked} / ${r.lost} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max, 1)} | ${r.sessions - r.still} |`);
  }
  console.log('');
  console.log(`| server VmRSS | MB |`);
  console.log('|---|---|');
  console.log(`| idle, no session | ${f(idle, 1)} |`);
  console.log(`| ${2 * clients} sessions connected | ${f(allConnected, 1)} |`);
  console.log(`| during the load, peak / at the end | ${f(during.max, 1)} / ${f(during.last, 1)} |`);
  console.log(JSON.stringify({ clients, workers: workerCount, rate, seconds, keepAlive: !opts['new-connections'], connectSeconds, connectCpu, loadCpu, loadWall, rssMb: { idle, allConnected, ...during }, polling, websocket }));
}
