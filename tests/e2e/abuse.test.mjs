// Request limits against the real server: the per-address rate limit (429
// with Retry-After, /health exempt) and the REST body limit (413).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, createDatabase, sleep, startServer } from './harness.mjs';

let db, server;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--rate-limit-per-s', '2', '--rate-burst', '10'] });
});

after(async () => {
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('one address past its burst gets 429 with Retry-After, and /health stays open', async () => {
  const statuses = [];
  let refused;
  for (let i = 0; i < 15; ++i) {
    const res = await api(server, 'GET', '/api/me');
    statuses.push(res.status);
    if (res.status === 429) refused = res;
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
  assert.ok(refused, `no 429 in ${statuses}`);
  assert.equal(refused.json.code, 'rate_limited');
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  // Anonymous callers and logins count against the same address.
  assert.equal((await api(server, 'POST', '/api/auth/login', { token: null, body: { login: 'a', password: 'b' } })).status, 429);
  for (let i = 0; i < 20; ++i) assert.equal((await api(server, 'GET', '/health', { token: null })).status, 200);
  await sleep(1100);
  assert.equal((await api(server, 'GET', '/api/me')).status, 200, 'the bucket refills');
});

test('a REST body over 64 KiB is refused before it is read', async () => {
  await sleep(5000); // a full bucket again
  const big = JSON.stringify({ titulo: 'x'.repeat(70 * 1024), dataInicio: '2026-12-01' });
  const res = await api(server, 'POST', '/api/atendimentos', { body: big });
  assert.equal(res.status, 413);
  const fine = await api(server, 'POST', '/api/atendimentos', { body: { titulo: 'x'.repeat(300), dataInicio: '2026-12-01' } });
  assert.equal(fine.status, 400, 'a long field is a 400 naming it, not a 413');
  assert.match(fine.json.error, /titulo/);
});
