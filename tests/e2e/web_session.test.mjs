// Browser sessions against the real server and PostgreSQL: the login puts
// the session in an HttpOnly, SameSite=Strict cookie (never in the body),
// the cookie authenticates REST and /client, another site's page can neither
// change anything with it nor open a socket, and logout or the session's end
// closes the sockets. Bearer tokens keep working as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { io } from 'socket.io-client';
import { api, createDatabase, expectDocumented, psql, startServer, until } from './harness.mjs';

let db, server, own;
const sockets = [];

/** One request with exactly these headers (fetch adds some of its own). */
function raw(method, path, { headers = {}, body, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(server.url + path, {
      method, localAddress, headers: { ...(data ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        try {
          expectDocumented({ method, url: server.url + path, status: res.statusCode, contentType: res.headers['content-type'], text });
        } catch (err) { reject(err); return; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A browser's login from our own page: the Set-Cookie line and the cookie. */
async function browserLogin(login = 'admin', password = server.creds.adminPassword, headers = { origin: own }) {
  const res = await raw('POST', '/api/auth/login', { headers, body: { login, password, cookie: true } });
  assert.equal(res.status, 200, res.text);
  const line = res.headers['set-cookie'][0];
  return { res, line, cookie: line.split(';')[0] };
}

function connect(headers) {
  const events = [];
  const s = io(`${server.url}/client`, { transports: ['websocket'], reconnection: false, extraHeaders: headers });
  sockets.push(s);
  s.onAny((name, payload) => events.push({ name, payload }));
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve({ socket: s, events }));
    s.once('connect_error', (err) => reject(err));
  });
}

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--allowed-origin', 'https://siberius.example.com'] });
  own = server.url;
  const res = await api(server, 'POST', '/api/admin/users', {
    body: { login: 'ana', role: 'tecnico', nome: 'Ana', password: 'ana-password-1' },
  });
  assert.equal(res.status, 201, res.text);
});

after(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('a browser login sets an HttpOnly SameSite=Strict cookie and keeps the token out of the body', async () => {
  const { res, line, cookie } = await browserLogin();
  assert.equal(res.json.token, undefined, 'no script can read the token');
  assert.equal(res.json.user.login, 'admin');
  assert.match(res.json.expiresAt, /^\d{4}-\d\d-\d\dT/);
  assert.match(line, /^siberius_session=[0-9a-f]{16}\.[0-9a-f]{64}; /);
  assert.match(line, /; HttpOnly/);
  assert.match(line, /; SameSite=Strict/);
  assert.match(line, /; Path=\//);
  assert.match(line, /; Max-Age=43200/);
  assert.doesNotMatch(line, /Secure/, 'plain HTTP on loopback: no Secure flag');
  const me = await raw('GET', '/api/me', { headers: { cookie } });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.login, 'admin');
  assert.equal(me.json.via, 'session');
  assert.equal(me.json.sessionExpiresAt, res.json.expiresAt);
});

test('behind the TLS proxy the cookie is Secure; a client cannot claim TLS by itself from afar', async () => {
  // The test talks to the server from 127.0.0.1, a trusted proxy address.
  const { line } = await browserLogin('admin', server.creds.adminPassword,
    { origin: 'https://siberius.example.com', 'x-forwarded-proto': 'https', host: 'siberius.example.com' });
  assert.match(line, /; Secure/);
  // From 127.0.0.2 the server sees a peer that is not a trusted proxy: its
  // X-Forwarded-Proto is ignored, so no Secure flag and only the plain origin.
  const far = await raw('POST', '/api/auth/login', {
    localAddress: '127.0.0.2',
    headers: { origin: own, 'x-forwarded-proto': 'https' },
    body: { login: 'admin', password: server.creds.adminPassword, cookie: true },
  });
  assert.equal(far.status, 200, far.text);
  assert.doesNotMatch(far.headers['set-cookie'][0], /Secure/);
  const claimed = await raw('POST', '/api/auth/login', {
    localAddress: '127.0.0.2',
    headers: { origin: own.replace('http:', 'https:'), 'x-forwarded-proto': 'https' },
    body: { login: 'admin', password: server.creds.adminPassword, cookie: true },
  });
  assert.equal(claimed.status, 403, 'an https origin does not match a plain-HTTP arrival');
});

test('the token login of the CLI and scripts is unchanged', async () => {
  const res = await raw('POST', '/api/auth/login', { body: { login: 'admin', password: server.creds.adminPassword } });
  assert.equal(res.status, 200);
  assert.match(res.json.token, /^[0-9a-f]{16}\.[0-9a-f]{64}$/);
  assert.equal(res.headers['set-cookie'], undefined);
  // A bearer token needs no Origin, even for changes.
  const created = await raw('POST', '/api/admin/api-tokens', {
    headers: { authorization: `Bearer ${res.json.token}` }, body: { name: 'ci' },
  });
  assert.equal(created.status, 201, created.text);
});

test('a cookie login asked by another site is refused', async () => {
  const res = await raw('POST', '/api/auth/login', {
    headers: { origin: 'https://evil.example' }, body: { login: 'admin', password: server.creds.adminPassword, cookie: true },
  });
  assert.equal(res.status, 403);
  assert.equal(res.json.code, 'cross_site');
  assert.equal(res.headers['set-cookie'], undefined);
});

test('changes made with the cookie must come from our own pages', async () => {
  const { cookie } = await browserLogin();
  const body = { name: 'from the browser' };
  const cases = [
    { headers: { cookie, origin: 'https://evil.example' }, status: 403, why: 'another origin' },
    { headers: { cookie, origin: 'null' }, status: 403, why: 'an opaque origin' },
    { headers: { cookie, 'sec-fetch-site': 'cross-site' }, status: 403, why: 'Sec-Fetch-Site cross-site' },
    { headers: { cookie, 'sec-fetch-site': 'same-site' }, status: 403, why: 'a sibling site' },
    { headers: { cookie }, status: 403, why: 'no Origin and no Sec-Fetch-Site' },
    { headers: { cookie, origin: own }, status: 201, why: 'our own page' },
    { headers: { cookie, 'sec-fetch-site': 'same-origin' }, status: 201, why: 'same-origin fetch' },
    { headers: { cookie, origin: 'https://siberius.example.com' }, status: 201, why: 'a listed origin' },
  ];
  for (const c of cases) {
    const res = await raw('POST', '/api/admin/api-tokens', { headers: c.headers, body });
    assert.equal(res.status, c.status, `${c.why}: ${res.text}`);
    if (c.status === 403) assert.equal(res.json.code, 'cross_site', c.why);
  }
  // Reads are fine from anywhere the cookie is sent (SameSite keeps it home).
  const read = await raw('GET', '/api/admin/api-tokens', { headers: { cookie, origin: 'https://evil.example' } });
  assert.equal(read.status, 200);
  const audit = await api(server, 'GET', '/api/admin/audit?limit=50');
  assert.ok(audit.json.items.some((i) => i.action === 'auth.cross_site' && i.details.origin === 'https://evil.example'));
});

test('a technician session cookie gets 403 on admin endpoints, like its token', async () => {
  const { cookie } = await browserLogin('ana', 'ana-password-1');
  const res = await raw('GET', '/api/admin/daemons', { headers: { cookie } });
  assert.equal(res.status, 403);
  assert.equal(res.json.code, 'forbidden');
});

test('an API token put in the cookie is refused', async () => {
  const res = await raw('GET', '/api/me', { headers: { cookie: `siberius_session=${server.creds.adminToken}` } });
  assert.equal(res.status, 401);
});

test('the cookie opens /client from our pages only', async () => {
  const { cookie } = await browserLogin();
  const ok = await connect({ cookie, origin: own });
  assert.ok(ok.socket.connected);
  await assert.rejects(connect({ cookie, origin: 'https://evil.example' }),
    (err) => err.data?.code === 403 && /origin not allowed/.test(err.message));
  await assert.rejects(connect({ cookie }), (err) => err.data?.code === 403);
  await assert.rejects(connect({ origin: own }), (err) => err.data?.code === 401);
  await assert.rejects(connect({ cookie: 'siberius_session=0123456789abcdef.' + '0'.repeat(64), origin: own }),
    (err) => err.data?.code === 401 && /sign in again/.test(err.message));
  const listed = await connect({ cookie, origin: 'https://siberius.example.com' });
  assert.ok(listed.socket.connected);
});

test('logout clears the cookie and closes that session\'s sockets, not the others', async () => {
  const first = await browserLogin();
  const second = await browserLogin();
  const a = await connect({ cookie: first.cookie, origin: own });
  const b = await connect({ cookie: second.cookie, origin: own });
  const closed = new Promise((resolve) => a.socket.once('disconnect', resolve));
  const out = await raw('POST', '/api/auth/logout', { headers: { cookie: first.cookie, origin: own } });
  assert.equal(out.status, 204, out.text);
  assert.match(out.headers['set-cookie'][0], /^siberius_session=; .*Max-Age=0/);
  assert.equal(await closed, 'io server disconnect');
  assert.ok(b.socket.connected, 'the other session stays');
  const me = await raw('GET', '/api/me', { headers: { cookie: first.cookie } });
  assert.equal(me.status, 401);
  assert.match(me.headers['set-cookie'][0], /Max-Age=0/, 'a stale cookie is cleared');
  // A logout forged by another site is refused like any other change.
  const forged = await raw('POST', '/api/auth/logout', { headers: { cookie: second.cookie, origin: 'https://evil.example' } });
  assert.equal(forged.status, 403);
});

test('a session that expires closes its sockets by itself', async () => {
  const { cookie } = await browserLogin();
  const publicId = cookie.split('=')[1].split('.')[0];
  psql(db.conninfo, `UPDATE sessions SET expires_at = now() + interval '2 seconds' WHERE public_id = '${publicId}'`);
  const s = await connect({ cookie, origin: own });
  const reason = await new Promise((resolve) => s.socket.once('disconnect', resolve));
  assert.equal(reason, 'io server disconnect');
  const me = await raw('GET', '/api/me', { headers: { cookie } });
  assert.equal(me.status, 401);
});

test('disabling the account closes its browser sockets', async () => {
  const { cookie } = await browserLogin('ana', 'ana-password-1');
  const s = await connect({ cookie, origin: own });
  const closed = until('the socket to close', () => !s.socket.connected, { timeout: 5000 });
  const users = await api(server, 'GET', '/api/admin/users');
  const ana = users.json.users.find((u) => u.login === 'ana');
  const res = await api(server, 'POST', `/api/admin/users/${ana.id}/disable`);
  assert.equal(res.status, 200, res.text);
  await closed;
});
