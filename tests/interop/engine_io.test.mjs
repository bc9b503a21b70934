// The stock engine.io-client against sio-echo's bare Engine.IO endpoint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "engine.io-client";
import { startEcho, stopEcho, once, sleep } from "./echo_server.mjs";

let server;

before(async () => {
  server = await startEcho();
});

after(async () => {
  await stopEcho(server);
});

test("bare engine.io messages are echoed", async () => {
  const socket = new Socket(`ws://127.0.0.1:${server.port}`, { transports: ["websocket"], path: "/engine.io/" });
  await once(socket, "open");
  const messages = ["hello", "çà€ 𝄞", JSON.stringify({ a: [1, 2] }), "x".repeat(100000)];
  for (const m of messages) {
    socket.send(m);
    const [echoed] = await once(socket, "message");
    assert.equal(echoed, m);
  }
  socket.close();
});

test("the bare endpoint keeps the connection through heartbeats", async () => {
  const socket = new Socket(`ws://127.0.0.1:${server.port}`, { transports: ["websocket"], path: "/engine.io/" });
  await once(socket, "open");
  let closed = false;
  socket.on("close", () => (closed = true));
  await sleep(1500);
  assert.equal(closed, false);
  socket.send("alive");
  assert.deepEqual(await once(socket, "message"), ["alive"]);
  socket.close();
});
