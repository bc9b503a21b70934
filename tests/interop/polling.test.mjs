// The stock socket.io-client and engine.io-client in their default
// configuration (HTTP long-polling first, then the upgrade to WebSocket)
// against sio-echo: events, acks and binary attachments before, during and
// after the upgrade; clients kept on polling by choice or by a proxy that
// blocks WebSocket; a reconnect across a restart; and the protocol's error
// answers that a stock client never provokes, with plain fetch.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { Socket as EngineSocket } from "engine.io-client";
import WebSocket from "ws";
import { startEcho, stopEcho, once } from "./echo_server.mjs";
import { startProxy } from "./proxy.mjs";

// A ping every 250 ms shows several heartbeats quickly; the generous timeout
// keeps a busy machine from dropping a polling client between its requests.
const heartbeat = ["--ping-interval-ms", "250", "--ping-timeout-ms", "2000"];

let server;
const clients = [];
const proxies = [];

before(async () => {
  server = await startEcho(0, heartbeat);
});

after(async () => {
  for (const c of clients) c.close();
  for (const p of proxies) await p.close();
  await stopEcho(server);
});

async function proxy(upgrade) {
  const p = await startProxy(server.url, { upgrade });
  proxies.push(p);
  return p;
}

/** The stock client with its defaults (polling, then websocket) unless `opts` says otherwise. */
function connect(url, nsp, opts = {}) {
  const socket = io(url + nsp, { reconnection: false, forceNew: true, ...opts });
  clients.push(socket);
  // The engine exists from here on: note what it opened with.
  const engine = socket.io.engine;
  socket.opened = once(engine, "handshake", 10000).then(([handshake]) => ({
    handshake,
    transport: engine.transport.name,
  }));
  return socket;
}

function connected(socket) {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

/** Resolves once the engine of `socket` (a socket.io or engine.io socket) runs on WebSocket. */
function upgraded(socket, ms = 10000) {
  const engine = socket.io ? socket.io.engine : socket;
  if (engine.transport.name === "websocket") return Promise.resolve();
  return once(engine, "upgrade", ms);
}

/** Resolves with the arguments of the next `count` emissions of `event`. */
function collect(emitter, event, count, ms = 20000) {
  return new Promise((resolve, reject) => {
    const seen = [];
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`${seen.length} of ${count} ${event} within ${ms} ms`));
    }, ms);
    const on = (...args) => {
      seen.push(args);
      if (seen.length === count) {
        clearTimeout(timer);
        emitter.off(event, on);
        resolve(seen);
      }
    };
    emitter.on(event, on);
  });
}

/**
 * Sends a numbered sequence on `socket` (each number as `message` and as
 * `message-with-ack`, a few acks in flight at a time) until `afterUpgrade`
 * numbers went out on WebSocket; calls `atStart` once `startBurst` numbers are
 * out. Resolves with what was sent on which transport, the acks and the
 * message-backs, each in arrival order.
 */
function sequenceAcrossUpgrade(socket, { startBurst = 5, afterUpgrade = 10, atStart = () => {}, inFlight = 3 } = {}) {
  const engine = socket.io.engine;
  const sentOn = [];
  const acks = [];
  const backs = [];
  socket.on("message-back", (n) => backs.push(n));
  let next = 0;
  let onWebSocket = 0;
  let outstanding = 0;
  return new Promise((resolve, reject) => {
    const finish = async () => {
      // The message-backs still on their way (each was sent before its ack).
      const missing = next - backs.length;
      if (missing > 0) await collect(socket, "message-back", missing, 10000).catch(() => {});
      resolve({ sentOn, acks, backs, sent: next });
    };
    const send = () => {
      if (onWebSocket >= afterUpgrade) {
        if (outstanding === 0) finish();
        return;
      }
      if (next > 5000) return reject(new Error("no upgrade after 5000 messages"));
      const n = next++;
      const transport = engine.transport.name;
      sentOn.push(transport);
      if (transport === "websocket") ++onWebSocket;
      ++outstanding;
      socket.emit("message", n);
      socket.timeout(10000).emit("message-with-ack", n, { n }, (err, value, object) => {
        if (err) return reject(new Error(`no ack for ${n}: ${err.message}`));
        --outstanding;
        acks.push(value);
        if (object?.n !== n) return reject(new Error(`ack ${n} carried ${JSON.stringify(object)}`));
        send();
      });
      if (next === startBurst) atStart();
    };
    for (let i = 0; i < inFlight; ++i) send();
  });
}

function checkSequence(result) {
  const expected = Array.from({ length: result.sent }, (_, i) => i);
  assert.deepEqual(result.acks, expected, "every ack arrived, in order");
  assert.deepEqual(result.backs, expected, "every message-back arrived, in order");
}

// Binary payloads: Buffers and Uint8Arrays nested in objects and arrays.
const bytes = (n, seed) => Buffer.from(Array.from({ length: n }, (_, k) => (k * seed + 7) & 255));
const binaryArgs = (tag) => [
  { tag, pdf: bytes(256, 1), parts: [new Uint8Array([0, 1, 2, 253, 254, 255]), { inner: bytes(3000, 31) }] },
  [bytes(1, 3), "text between", 42, { deeper: [bytes(70000, 13)] }],
  "çà€ 𝄞",
];

/** Binary values as {hex} so Buffers and Uint8Arrays compare by their bytes. */
function plain(value) {
  if (value instanceof ArrayBuffer) value = new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return { hex: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function binaryRoundTrips(socket, tag) {
  const args = binaryArgs(tag);
  const back = once(socket, "message-back", 10000);
  socket.emit("message", ...args);
  const received = await back;
  assert.deepEqual(plain(received), plain(args), `${tag}: message-back has the same bytes`);
  assert.ok(Buffer.isBuffer(received[0].pdf), `${tag}: binary came back as binary`);
  const acked = await socket.timeout(10000).emitWithAck("message-with-ack", { tag, blob: bytes(5000, 17) }, [bytes(2, 5)]);
  // emitWithAck resolves with the first argument of the ack.
  assert.deepEqual(plain(acked), plain({ tag, blob: bytes(5000, 17) }), `${tag}: the ack carries the same bytes`);
  const all = await new Promise((resolve, reject) =>
    socket.timeout(10000).emit("message-with-ack", bytes(10, 9), "and text", (err, ...a) => (err ? reject(err) : resolve(a))));
  assert.deepEqual(plain(all), plain([bytes(10, 9), "and text"]), `${tag}: every ack argument`);
}

test("a default client opens on polling, upgrades, and loses or reorders nothing across the switch", async () => {
  for (const nsp of ["/", "/custom"]) {
    const auth = { token: "polling-first" + nsp, n: 7 };
    const socket = connect(server.url, nsp, { auth });
    const authBack = once(socket, "auth", 10000);
    const opened = await socket.opened;
    assert.equal(opened.transport, "polling", `${nsp}: the engine opened on polling`);
    assert.deepEqual(opened.handshake.upgrades, ["websocket"]);
    assert.equal(opened.handshake.pingInterval, 250);
    assert.equal(opened.handshake.pingTimeout, 2000);
    assert.deepEqual(await authBack, [auth], `${nsp}: auth came back`);
    const result = await sequenceAcrossUpgrade(socket);
    checkSequence(result);
    await upgraded(socket);
    assert.equal(socket.io.engine.transport.name, "websocket");
    assert.ok(socket.connected);
    socket.close();
  }
});

test("emits sent on polling, during the upgrade and on WebSocket arrive in order", async () => {
  // The proxy holds the WebSocket until the first numbers went out, so some
  // are certain to travel on polling.
  const p = await proxy("hold");
  const socket = connect(p.url, "/custom", { auth: { token: "held" } });
  await connected(socket);
  assert.equal(socket.io.engine.transport.name, "polling");
  const upgrade = once(socket.io.engine, "upgrade", 15000);
  const result = await sequenceAcrossUpgrade(socket, { startBurst: 8, atStart: () => p.release() });
  await upgrade;
  checkSequence(result);
  assert.ok(result.sentOn.filter((t) => t === "polling").length >= 8, "numbers went out on polling");
  assert.ok(result.sentOn.includes("websocket"), "numbers went out on WebSocket");
  assert.equal(p.counts.upgrades, 1);
  socket.close();
});

test("binary attachments both ways on a polling-only client", async () => {
  const socket = connect(server.url, "/", { transports: ["polling"] });
  await connected(socket);
  await binaryRoundTrips(socket, "polling");
  assert.equal(socket.io.engine.transport.name, "polling");
  socket.close();
});

test("binary attachments both ways on a WebSocket-only client", async () => {
  const socket = connect(server.url, "/custom", { transports: ["websocket"] });
  await connected(socket);
  await binaryRoundTrips(socket, "websocket");
  socket.close();
});

test("binary attachments before and after the upgrade of a default client", async () => {
  const p = await proxy("hold");
  const socket = connect(p.url, "/");
  await connected(socket);
  assert.equal(socket.io.engine.transport.name, "polling");
  await binaryRoundTrips(socket, "before the upgrade");
  // Binary in flight while the transport changes, then on WebSocket.
  const upgrade = upgraded(socket);
  p.release();
  const during = binaryRoundTrips(socket, "during the upgrade");
  await upgrade;
  await during;
  assert.equal(socket.io.engine.transport.name, "websocket");
  await binaryRoundTrips(socket, "after the upgrade");
  socket.close();
});

test("an empty binary attachment comes back empty, on polling and on WebSocket", async () => {
  for (const transports of [["polling"], ["websocket"]]) {
    const socket = connect(server.url, "/", { transports });
    await connected(socket);
    const back = once(socket, "message-back", 10000);
    socket.emit("message", { empty: Buffer.alloc(0), one: Buffer.from([0]) });
    const [received] = await back;
    assert.deepEqual(plain(received), { empty: { hex: "" }, one: { hex: "00" } }, transports[0]);
    socket.close();
  }
});

test("a client forced to polling works and stays on polling through several heartbeats", async () => {
  const socket = connect(server.url, "/custom", { transports: ["polling"], auth: { only: "polling" } });
  assert.deepEqual(await once(socket, "auth", 10000), [{ only: "polling" }]);
  let disconnected = null;
  socket.on("disconnect", (reason) => (disconnected = reason));
  await collect(socket.io.engine, "ping", 5);
  assert.equal(disconnected, null);
  assert.equal(socket.io.engine.transport.name, "polling");
  const back = once(socket, "message-back", 10000);
  socket.emit("message", "still", { here: true });
  assert.deepEqual(await back, ["still", { here: true }]);
  assert.equal(await socket.timeout(10000).emitWithAck("message-with-ack", "acked"), "acked");
  await binaryRoundTrips(socket, "polling after heartbeats");
  await collect(socket.io.engine, "ping", 2);
  assert.equal(disconnected, null);
  assert.ok(socket.connected);
  socket.close();
});

for (const block of ["refuse", "destroy"]) {
  test(`a default client whose WebSocket is blocked (${block}) keeps working on polling`, async () => {
    const p = await proxy(block);
    const socket = connect(p.url, "/", { auth: { behind: block } });
    const failed = once(socket.io.engine, "upgradeError", 10000);
    assert.deepEqual(await once(socket, "auth", 10000), [{ behind: block }]);
    await failed;
    assert.ok(p.counts.upgrades >= 1, "the client did try to upgrade");
    assert.equal(socket.io.engine.transport.name, "polling");
    let disconnected = null;
    socket.on("disconnect", (reason) => (disconnected = reason));
    const result = await (async () => {
      const acks = [];
      for (let n = 0; n < 20; ++n) acks.push(await socket.timeout(10000).emitWithAck("message-with-ack", n));
      return acks;
    })();
    assert.deepEqual(result, Array.from({ length: 20 }, (_, i) => i));
    await binaryRoundTrips(socket, `behind a proxy that does ${block}`);
    await collect(socket.io.engine, "ping", 3);
    assert.equal(disconnected, null);
    assert.equal(socket.io.engine.transport.name, "polling");
    socket.emit("message", "last");
    assert.deepEqual(await once(socket, "message-back", 10000), ["last"]);
    socket.close();
  });
}

test("polling-first clients reconnect after sio-echo is killed and restarted on the same port", async () => {
  let own = await startEcho(0, heartbeat);
  try {
    const options = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 300 };
    const byDefault = connect(own.url, "/custom", { ...options, auth: { who: "default" } });
    const pollingOnly = connect(own.url, "/", { ...options, transports: ["polling"], auth: { who: "polling" } });
    await Promise.all([once(byDefault, "auth", 10000), once(pollingOnly, "auth", 10000)]);
    await upgraded(byDefault);
    const ids = [byDefault.id, pollingOnly.id];
    const gone = Promise.all([once(byDefault, "disconnect", 10000), once(pollingOnly, "disconnect", 10000)]);
    await stopEcho(own, "SIGKILL");
    const [[reasonDefault], [reasonPolling]] = await gone;
    assert.equal(reasonDefault, "transport close");
    assert.match(reasonPolling, /^transport (close|error)$/);
    const again = Promise.all([once(byDefault, "auth", 20000), once(pollingOnly, "auth", 20000)]);
    own = await startEcho(own.port, heartbeat);
    assert.deepEqual(await again, [[{ who: "default" }], [{ who: "polling" }]]);
    assert.notEqual(byDefault.id, ids[0]);
    assert.notEqual(pollingOnly.id, ids[1]);
    // The default client went through polling again and upgrades again.
    await upgraded(byDefault);
    assert.equal(pollingOnly.io.engine.transport.name, "polling");
    for (const socket of [byDefault, pollingOnly]) {
      socket.emit("message", "after restart", bytes(4, 1));
      assert.deepEqual(plain(await once(socket, "message-back", 10000)), plain(["after restart", bytes(4, 1)]));
      assert.equal(await socket.timeout(10000).emitWithAck("message-with-ack", "acked"), "acked");
      socket.close();
    }
  } finally {
    await stopEcho(own);
  }
});

test("the bare engine.io endpoint echoes text and binary before and after the upgrade", async () => {
  const p = await proxy("hold");
  const socket = new EngineSocket(p.url, { path: "/engine.io/" });
  clients.push(socket);
  await once(socket, "open", 10000);
  assert.equal(socket.transport.name, "polling");
  const messages = ["hello", "çà€ 𝄞", "", JSON.stringify({ a: [1, 2] }), "x".repeat(100000)];
  const binaries = [bytes(1, 1), bytes(256, 1), bytes(70000, 7)];
  const roundTrips = async (phase) => {
    for (const m of messages) {
      socket.send(m);
      const [echoed] = await once(socket, "message", 10000);
      // The stock client hands an empty message over as undefined.
      assert.equal(echoed ?? "", m, `${phase}: text comes back as text`);
    }
    for (const b of binaries) {
      socket.send(b);
      const [echoed] = await once(socket, "message", 10000);
      assert.ok(typeof echoed !== "string", `${phase}: binary comes back as binary`);
      assert.deepEqual(plain(echoed), plain(b), `${phase}: the same bytes`);
    }
  };
  await roundTrips("on polling");
  // A numbered sequence across the switch.
  const received = [];
  socket.on("message", (m) => received.push(m));
  const upgrade = once(socket, "upgrade", 10000);
  for (let n = 0; n < 10; ++n) socket.send(String(n));
  p.release();
  let n = 10;
  while (socket.transport.name !== "websocket") {
    socket.send(String(n++));
    await once(socket, "message", 10000);
  }
  await upgrade;
  for (let k = 0; k < 10; ++k) socket.send(String(n++));
  while (received.length < n) await once(socket, "message", 10000);
  assert.deepEqual(received, Array.from({ length: n }, (_, i) => String(i)));
  socket.off("message");
  await roundTrips("on WebSocket");
  socket.close();
});

// --- The protocol's answers to what a stock client never does ------------

let raw;

async function rawServer() {
  // A ping interval longer than any test: a GET stays held until something is sent.
  raw ??= await startEcho(0, ["--ping-interval-ms", "60000", "--ping-timeout-ms", "60000", "--max-payload", "1000"]);
  return raw;
}

after(async () => {
  if (raw) await stopEcho(raw);
});

const pollingUrl = (srv, sid, path = "/socket.io/") =>
  `${srv.url}${path}?EIO=4&transport=polling${sid ? `&sid=${encodeURIComponent(sid)}` : ""}`;

async function answer(promise) {
  const res = await promise;
  const body = await res.text();
  let json = null;
  try {
    json = JSON.parse(body);
  } catch { /* not JSON */ }
  return { status: res.status, body, json, type: res.headers.get("content-type") };
}

async function openSession(srv, path) {
  const res = await answer(fetch(pollingUrl(srv, null, path)));
  assert.equal(res.status, 200, res.body);
  assert.match(res.type, /^text\/plain; ?charset=utf-8$/i);
  assert.equal(res.body[0], "0", res.body);
  return JSON.parse(res.body.slice(1));
}

/** GETs on `sid` until `want` packets arrived; resolves with them. */
async function poll(srv, sid, want) {
  const packets = [];
  while (packets.length < want) {
    const res = await answer(fetch(pollingUrl(srv, sid)));
    assert.equal(res.status, 200, res.body);
    packets.push(...res.body.split("\x1e"));
  }
  return packets;
}

const post = (srv, sid, body) => answer(fetch(pollingUrl(srv, sid), { method: "POST", body }));

/** The session is over: its sid is unknown, after at most one GET that
 *  picks up the close packet still queued for it. */
async function assertClosed(srv, sid) {
  let res = await answer(fetch(pollingUrl(srv, sid)));
  if (res.status === 200) {
    assert.ok(res.body.split("\x1e").includes("1"), `only the close packet is left: ${res.body}`);
    res = await answer(fetch(pollingUrl(srv, sid)));
  }
  assert.equal(res.status, 400, `the session is closed: ${res.body}`);
  assert.deepEqual(res.json, { code: 1, message: "Session ID unknown" });
}

test("raw polling: the open packet, a message through POST and GET, binary as b+base64", async () => {
  const srv = await rawServer();
  const open = await openSession(srv);
  assert.equal(typeof open.sid, "string");
  assert.deepEqual(open.upgrades, ["websocket"]);
  assert.equal(open.pingInterval, 60000);
  assert.equal(open.maxPayload, 1000);
  const connect = await post(srv, open.sid, "40");
  assert.deepEqual([connect.status, connect.body], [200, "ok"]);
  const [accepted, auth] = await poll(srv, open.sid, 2);
  assert.match(accepted, /^40\{"sid":"[^"]+"\}$/);
  assert.equal(auth, '42["auth",{}]');
  // Two packets in one POST: a BINARY_EVENT header and its attachment.
  const sent = await post(srv, open.sid, '451-["message",{"_placeholder":true,"num":0}]\x1ebAAEC/w==');
  assert.deepEqual([sent.status, sent.body], [200, "ok"]);
  assert.deepEqual(await poll(srv, open.sid, 2), ['451-["message-back",{"_placeholder":true,"num":0}]', "bAAEC/w=="]);
  const bare = await openSession(srv, "/engine.io/");
  assert.equal((await post(srv, null, "x")).status, 400, "a POST without sid");
  const echo = await answer(fetch(pollingUrl(srv, bare.sid, "/engine.io/"), { method: "POST", body: "4text\x1ebAP8=" }));
  assert.equal(echo.status, 200);
  const back = await answer(fetch(pollingUrl(srv, bare.sid, "/engine.io/")));
  assert.equal(back.body, "4text\x1ebAP8=");
});

test("raw polling: an unknown sid gets 400 code 1", async () => {
  const srv = await rawServer();
  for (const method of ["GET", "POST"]) {
    const res = await answer(fetch(pollingUrl(srv, "no-such-session"), { method, body: method === "POST" ? "6" : undefined }));
    assert.equal(res.status, 400, method);
    assert.deepEqual(res.json, { code: 1, message: "Session ID unknown" }, method);
  }
});

test("raw polling: a second GET while one is held gets 400 and closes the session", async () => {
  const srv = await rawServer();
  const { sid } = await openSession(srv);
  // Which of the two the server sees first is not ours to know: one is held
  // and then answered with the close packet, the other refused.
  const both = await Promise.all([answer(fetch(pollingUrl(srv, sid))), answer(fetch(pollingUrl(srv, sid)))]);
  both.sort((a, b) => a.status - b.status);
  assert.deepEqual([both[0].status, both[1].status], [200, 400], JSON.stringify(both));
  assert.ok(both[0].body.split("\x1e").includes("1"), `the held GET gets the close packet: ${both[0].body}`);
  await assertClosed(srv, sid);
});

test("raw polling: a POST over maxPayload gets 413 and closes the session", async () => {
  const srv = await rawServer();
  const { sid } = await openSession(srv);
  const held = answer(fetch(pollingUrl(srv, sid)));
  const res = await post(srv, sid, "4" + "x".repeat(2000));
  assert.equal(res.status, 413);
  const closed = await held;
  assert.equal(closed.status, 200);
  assert.ok(closed.body.split("\x1e").includes("1"), `the held GET gets the close packet: ${closed.body}`);
  await assertClosed(srv, sid);
});

test("raw polling: a malformed POST body gets 400 and closes the session", async () => {
  const srv = await rawServer();
  for (const body of ["hello", "4ok\x1e\x1e40"]) {
    const { sid } = await openSession(srv);
    const res = await post(srv, sid, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    await assertClosed(srv, sid);
  }
});

test("raw upgrade: probe, the held GET released with a noop, then polling on that session is refused", async () => {
  const srv = await rawServer();
  const { sid } = await openSession(srv);
  assert.deepEqual((await post(srv, sid, "40")).status, 200);
  await poll(srv, sid, 2); // the CONNECT answer and the auth event
  const held = answer(fetch(pollingUrl(srv, sid)));
  const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/socket.io/?EIO=4&transport=websocket&sid=${encodeURIComponent(sid)}`);
  const frames = [];
  ws.on("message", (data, binary) => frames.push(binary ? data : data.toString()));
  await once(ws, "open");
  ws.send("2probe");
  await once(ws, "message");
  assert.deepEqual(frames, ["3probe"]);
  const released = await held;
  assert.equal(released.status, 200);
  assert.equal(released.body, "6", "the held GET is answered with a noop");
  ws.send("5");
  ws.send('42["message",1]');
  await once(ws, "message");
  assert.deepEqual(frames, ["3probe", '42["message-back",1]']);
  const late = await answer(fetch(pollingUrl(srv, sid)));
  assert.equal(late.status, 400);
  assert.deepEqual(late.json, { code: 3, message: "Bad request" });
  ws.close();
});
