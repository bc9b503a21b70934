// Limits of the network front against the real server process: memory per
// connection bounded in bytes (clients that flood large pings and never read),
// connections per address, running out of file descriptors, and REST bodies
// nested too deeply. Memory is asserted as a bound (docs/operations.md), never
// as a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { api, createDatabase, documentFor, indexDocuments, psql, startServer, until } from './harness.mjs';

let db, server;

before(async () => {
  db = createDatabase();
  // Pings far apart: a client that never reads is not dropped for missing
  // its pongs, so only the byte limits stand between it and the server's memory.
  server = await startServer({
    db: db.conninfo,
    args: ['--max-connections-per-address', '24', '--ping-interval-ms', '60000', '--ping-timeout-ms', '60000'],
  });
});

after(async () => {
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

/** VmRSS and VmHWM of a process, in bytes. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))[1]) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** A masked client text frame (RFC 6455). */
function textFrame(text) {
  const payload = Buffer.from(text);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x81, 0x80 | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  for (let i = 0; i < payload.length; ++i) payload[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, payload]);
}

const serverPing = Buffer.from([0x81, 0x01, 0x32]); // unmasked text frame "2"

/** A raw Engine.IO WebSocket: resolves once the 101 arrived; `null` when
 *  refused. With `answerPings` it stays alive by answering the server's pings. */
function openEngine(port, { answerPings = false } = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', function onData(chunk) {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.on('error', () => {});
      if (!got.subarray(0, end).toString().startsWith('HTTP/1.1 101')) {
        socket.destroy();
        resolve(null);
        return;
      }
      if (answerPings)
        socket.on('data', (c) => { if (c.includes(serverPing)) socket.write(textFrame('3')); });
      resolve(socket);
    });
    socket.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\n\r\n');
  });
}

/** One client that never reads: sends `count` Engine.IO pings carrying
 *  `frame`, reconnecting whenever the server cuts it off. */
async function floodPings(port, frame, count, stop) {
  let sent = 0;
  let connections = 0;
  while (sent < count && !stop.now) {
    const socket = await openEngine(port);
    if (!socket) continue;
    ++connections;
    socket.pause(); // never read: whatever the server answers piles up
    const closed = new Promise((r) => socket.once('close', r));
    let open = true;
    closed.then(() => { open = false; });
    while (open && sent < count && !stop.now) {
      ++sent;
      if (!socket.write(frame))
        await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
    }
    socket.destroy();
    await closed;
  }
  return connections;
}

test('clients flooding large pings without reading leave the server within its memory bound', async () => {
  // docs/operations.md: per connection at most 2 x maxPayload of input,
  // --ws-write-queue-kb (1 MiB) plus one frame of output; maxPayload is 1 MB.
  const maxPayload = 1000000;
  const perConnection = 3 * maxPayload + 64 * 1024 + 1024 * 1024;
  const clients = 20;
  const slack = 48 * 1024 * 1024; // allocator arenas and the threads' stacks
  const idle = memoryOf(server.proc.pid);
  const bound = idle.rss + clients * perConnection + slack;

  const frame = textFrame('2' + 'p'.repeat(maxPayload - 1000));
  const stop = { now: false };
  let peak = 0;
  const watch = setInterval(() => {
    const { rss } = memoryOf(server.proc.pid);
    peak = Math.max(peak, rss);
    if (rss > bound) stop.now = true; // fail fast instead of exhausting the machine
  }, 50);
  let connections;
  try {
    connections = await Promise.all(Array.from({ length: clients }, () => floodPings(server.port, frame, 40, stop)));
  } finally {
    clearInterval(watch);
  }
  const after = memoryOf(server.proc.pid);
  const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
  console.log(JSON.stringify({ event: 'net:memory', idleRss: mib(idle.rss), peakRss: mib(peak), hwm: mib(after.hwm), bound: mib(bound) }));
  assert.ok(!stop.now, `RSS passed the bound: ${mib(peak)} > ${mib(bound)}`);
  assert.ok(after.hwm <= Math.max(idle.hwm, bound), `VmHWM ${mib(after.hwm)} over the bound ${mib(bound)}`);
  // A long ping costs the sender its connection, with a reason in the log
  // (a client's last connection may end before its ping is whole).
  const cut = server.logs.filter((l) => l.event === 'eio:ping:too_large').length;
  assert.ok(cut >= clients, `${cut} cut off, connections per client ${connections}`);
  assert.equal((await api(server, 'GET', '/health', { token: null })).status, 200);
});

test('WebSockets past the per-address limit get 503 and the address gets its places back', async () => {
  const held = [];
  try {
    for (let i = 0; i < 24; ++i) {
      const s = await openEngine(server.port, { answerPings: true });
      assert.ok(s, `WebSocket ${i + 1} of 24 was refused`);
      held.push(s);
    }
    const refused = await new Promise((resolve) => {
      const s = connect(server.port, '127.0.0.1');
      let got = '';
      s.on('data', (c) => { got += c; });
      s.on('close', () => resolve(got));
      s.on('error', () => {});
      s.write('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n');
    });
    assert.match(refused, /^HTTP\/1\.1 503/);
    assert.match(refused, /too many connections from 127\.0\.0\.1/);
    // Plain requests from this address (nginx's, in production) still pass.
    assert.equal((await api(server, 'GET', '/health', { token: null })).status, 200);
  } finally {
    for (const s of held) s.destroy();
  }
  await until('a WebSocket is accepted again', async () => {
    const s = await openEngine(server.port);
    s?.destroy();
    return s !== null;
  });
});

test('a deeply nested REST body is refused as 400 before it is parsed', async () => {
  const deep = '['.repeat(30000) + ']'.repeat(30000);
  let res = await api(server, 'POST', '/api/atendimentos', { body: deep });
  assert.equal(res.status, 400);
  assert.equal(res.json.error, 'body nested deeper than 64 levels');
  const field = `{"titulo":${'['.repeat(65)}${']'.repeat(65)},"dataInicio":"2026-12-01"}`;
  res = await api(server, 'POST', '/api/atendimentos', { body: field });
  assert.equal(res.status, 400);
  assert.equal(res.json.error, 'body nested deeper than 64 levels');
  res = await api(server, 'POST', '/api/admin/daemon-tokens', { body: `{"name":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}` });
  assert.equal(res.status, 400);
  assert.equal(res.json.error, 'body nested deeper than 64 levels');
  // Brackets inside strings are text, not nesting.
  res = await api(server, 'POST', '/api/atendimentos', { body: { titulo: '['.repeat(200), dataInicio: '2026-12-01' } });
  assert.notEqual(res.json?.error, 'body nested deeper than 64 levels');
});

/** Sends one raw request on `socket` and reads one response (Content-Length bodies). */
function exchange(socket, request) {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = got.subarray(0, end).toString();
      const length = Number(head.match(/content-length:\s*(\d+)/i)?.[1] ?? 0);
      if (got.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ status: Number(head.split(' ')[1]), head, body: got.subarray(end + 4, end + 4 + length).toString() });
    };
    const onClose = () => {
      socket.off('data', onData);
      const head = got.toString();
      resolve(head ? { status: Number(head.split(' ')[1]), head, body: head.slice(head.indexOf('\r\n\r\n') + 4) } : null);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', () => {});
    socket.write(request, (e) => e && reject(e));
  });
}

function connectRaw(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', () => resolve(s));
  });
}

// Last: it lowers the server's descriptor limit for good.
test('out of file descriptors: new clients get 503, a cached PDF answers 503 busy and is never lost', async () => {
  const doc = documentFor(7001);
  await indexDocuments(server, [doc]);
  const id = psql(db.conninfo, `SELECT id FROM pdf_cache WHERE file_hash = '${doc.fileHash}'`);
  const folder = join(server.dir, 'storage', '2026', '03');
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${doc.fileHash}_${doc.filename}`);
  const bytes = '%PDF-1.4\n% siberius network limits test\n%%EOF\n';
  writeFileSync(path, bytes);
  psql(db.conninfo, `UPDATE pdf_cache SET status = 'cached', file_path = '${path}' WHERE id = ${id}`);
  const auth = `Authorization: Bearer ${server.creds.adminToken}\r\n`;
  const download = `GET /api/pdfs/${id}/download HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}\r\n`;
  const health = 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  assert.equal((await api(server, 'GET', `/api/pdfs/${id}/download`)).text, bytes);

  // A few descriptors over what the server holds now, then fill them.
  const pid = server.proc.pid;
  const inUse = readdirSync(`/proc/${pid}/fd`).length;
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${inUse + 8}:${inUse + 8}`]);
  const held = [];
  const refusals = [];
  try {
    // Fill the descriptors until a client is refused, then ask for the PDF on
    // a connection already open. A descriptor the server freed in between
    // (a connection of an earlier test ending) serves it: fill again.
    let busy = null;
    while (!busy) {
      assert.ok(held.length < 64 && refusals.length < 64, 'the lowered limit never bit, or bit all along');
      const s = await connectRaw(server.port);
      const res = await exchange(s, health);
      if (res?.status === 200) {
        held.push(s);
        continue;
      }
      refusals.push(res);
      s.destroy();
      if (held.length === 0) continue;
      const answer = await exchange(held[0], download);
      if (answer.status === 503) busy = answer;
      else assert.equal(answer.status, 200, answer.head);
    }
    // Refused cleanly, with a reason, or at worst closed: never left hanging.
    for (const r of refusals)
      if (r) {
        assert.equal(r.status, 503);
        assert.match(r.body, /out of file descriptors/);
      }
    assert.ok(refusals.some((r) => r?.status === 503), 'at least one refusal said 503');
    assert.ok(server.logs.some((l) => l.event === 'net:accept:shed'));
    // The cached PDF could not be opened: the server is busy, the file is not gone.
    assert.match(busy.body, /server_busy/);
    assert.match(busy.head, /retry-after: 1/i);
  } finally {
    for (const s of held) s.destroy();
  }
  assert.ok(!server.logs.some((l) => l.event === 'pdf:cache:lost'), 'no PDF was reported lost');
  assert.equal(psql(db.conninfo, `SELECT status FROM pdf_cache WHERE id = ${id}`), 'cached');

  // Descriptors back: the same PDF is served and reported cached.
  const res = await until('the PDF is served again', async () => {
    const r = await api(server, 'GET', `/api/pdfs/${id}/download`).catch(() => null);
    return r?.status === 200 ? r : null;
  });
  assert.equal(res.text, bytes);
  const asked = await api(server, 'POST', `/api/pdfs/${id}/request`);
  assert.equal(asked.status, 200, asked.text);
  assert.equal(asked.json.status, 'cached');
});
