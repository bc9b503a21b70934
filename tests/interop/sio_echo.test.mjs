// The stock socket.io-client against sio-echo: namespaces with auth, events,
// acks, refusals, timeouts, heartbeats, and a reconnect across a restart.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { startEcho, stopEcho, once, sleep } from "./echo_server.mjs";

let server;
const clients = [];

before(async () => {
  server = await startEcho();
});

after(async () => {
  for (const c of clients) c.close();
  await stopEcho(server);
});

function connect(nsp, opts = {}) {
  const socket = io(server.url + nsp, { transports: ["websocket"], reconnection: false, forceNew: true, ...opts });
  clients.push(socket);
  return socket;
}

test("connect / and /custom with auth and receive it back", async () => {
  for (const nsp of ["/", "/custom"]) {
    const auth = { token: "abc-" + nsp, n: 1 };
    const socket = connect(nsp, { auth });
    const [received] = await once(socket, "auth");
    assert.deepEqual(received, auth);
    assert.ok(socket.connected);
    assert.equal(typeof socket.id, "string");
    socket.close();
  }
});

test("connect without auth gets an empty auth object", async () => {
  const socket = connect("/");
  const [received] = await once(socket, "auth");
  assert.deepEqual(received, {});
  socket.close();
});

test("message comes back as message-back with the same arguments", async () => {
  const socket = connect("/custom");
  await once(socket, "connect");
  const args = [1, "two", { three: [3, null, true] }, "çà€"];
  socket.emit("message", ...args);
  const back = await once(socket, "message-back");
  assert.deepEqual(back, args);
  socket.close();
});

test("message-with-ack is acknowledged with the same arguments", async () => {
  const socket = connect("/");
  await once(socket, "connect");
  const acked = await new Promise((resolve) => socket.emit("message-with-ack", 1, "2", { a: 3 }, (...a) => resolve(a)));
  assert.deepEqual(acked, [1, "2", { a: 3 }]);
  const single = await socket.timeout(5000).emitWithAck("message-with-ack", "only");
  assert.equal(single, "only");
  socket.close();
});

test("an unknown namespace gets connect_error Invalid namespace", async () => {
  const socket = connect("/nope");
  const [err] = await once(socket, "connect_error");
  assert.equal(err.message, "Invalid namespace");
  socket.close();
});

test("a raw client that never joins a namespace is closed after connectTimeout", async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`);
  const frames = [];
  ws.on("message", (data) => {
    const text = data.toString();
    frames.push(text);
    if (text === "2") ws.send("3"); // stay alive: only connectTimeout may close
  });
  const [code] = await once(ws, "close", 5000);
  assert.ok(frames[0].startsWith("0{"), "first frame is the open packet");
  const open = JSON.parse(frames[0].slice(1));
  assert.deepEqual(open.upgrades, []);
  assert.equal(open.pingInterval, 300);
  assert.equal(open.pingTimeout, 200);
  assert.equal(open.maxPayload, 1000000);
  assert.ok(frames.includes("2"), "pings arrived before the close");
  assert.equal(typeof code, "number");
});

test("answered pings keep a connection alive past several intervals", async () => {
  const socket = connect("/");
  await once(socket, "connect");
  let disconnected = false;
  socket.on("disconnect", () => (disconnected = true));
  await sleep(1500); // five ping intervals
  assert.equal(disconnected, false);
  assert.ok(socket.connected);
  const echoed = await socket.timeout(5000).emitWithAck("message-with-ack", "still here");
  assert.equal(echoed, "still here");
  socket.close();
});

test("the client reconnects after sio-echo is killed and restarted on the same port", async () => {
  const port = server.port;
  const socket = connect("/custom", {
    reconnection: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 200,
    auth: { token: "again" },
  });
  await once(socket, "auth");
  const firstId = socket.id;
  const gone = once(socket, "disconnect");
  await stopEcho(server, "SIGKILL");
  const [reason] = await gone;
  assert.equal(reason, "transport close");
  server = await startEcho(port);
  const [auth] = await once(socket, "auth", 10000);
  assert.deepEqual(auth, { token: "again" });
  assert.notEqual(socket.id, firstId);
  socket.emit("message", "after restart");
  assert.deepEqual(await once(socket, "message-back"), ["after restart"]);
  socket.close();
});
