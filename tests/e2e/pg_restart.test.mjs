// PostgreSQL restarts under load: the server reconnects by itself, and every
// document it acknowledged as received is in the database afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { api, documentFor, privateCluster, psql, sleep, startServer } from './harness.mjs';

let cluster, server, socket;

after(async () => {
  socket?.close();
  await server?.stop();
  server?.cleanup();
  cluster?.remove();
});

test('no acked document is lost across a PostgreSQL restart', async () => {
  cluster = privateCluster();
  server = await startServer({ db: cluster.conninfo });
  socket = io(`${server.url}/daemon`, {
    transports: ['websocket'], reconnection: false,
    auth: { token: server.creds.daemonToken, clientId: server.creds.clientId, version: '0.1.0' },
  });
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });

  const acked = [];
  let retryable = 0;
  let i = 0;
  const send = async () => {
    const doc = documentFor(1000 + i++);
    try {
      const ack = await socket.timeout(5000).emitWithAck('daemon:pdf_indexed', doc);
      if (ack.received) acked.push(doc.fileHash);
      else if (ack.retryable) retryable++;
      else assert.fail(`unexpected refusal: ${JSON.stringify(ack)}`);
    } catch { /* no ack in time: not claimed stored */ }
  };

  for (let n = 0; n < 30; n++) await send();
  const before = acked.length;
  assert.equal(before, 30);

  await cluster.stop();
  for (let n = 0; n < 10; n++) await send();
  assert.ok(retryable > 0, 'while the database is down, acks say retryable');
  await sleep(200);
  await cluster.start();

  // The workers reconnect on their next request; give them a few tries.
  const deadline = Date.now() + 20000;
  while (acked.length < before + 30 && Date.now() < deadline) await send();
  assert.ok(acked.length >= before + 30, `only ${acked.length - before} acked after the restart`);

  const stored = new Set(psql(cluster.conninfo, 'SELECT file_hash FROM pdf_cache').split('\n'));
  const lost = acked.filter((h) => !stored.has(h));
  assert.deepEqual(lost, [], 'every acked document is stored');
  const health = await api(server, 'GET', '/health/detailed');
  assert.equal(health.status, 200);
  assert.equal(health.json.database.connected, true);
});
