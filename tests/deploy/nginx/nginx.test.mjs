// nginx/siberius.conf as shipped, run by Debian's nginx in front of the real
// siberius-server and PostgreSQL, with a CA and a certificate this test makes:
// the redirect to HTTPS, the web app and its headers, REST, the stock
// socket.io-client over wss:// and the real daemon over wss:// (both
// verifying the test's CA), the stock client with its defaults (long-polling
// through nginx, then the upgrade) and on long-polling alone, cross-origin
// polling, the TLS versions offered, the rate limits, and which client
// address the server believes.
//
// The config is rendered by replacing only the values its header marks
// "SET:" (names, ports, paths, upstream); everything else is the file a
// VPS runs. Different loopback addresses (127.0.0.2, .3, ...) stand for
// different clients on the internet: the server trusts only 127.0.0.1, where
// nginx connects from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { io } from 'socket.io-client';
import { api, createDatabase, sourceDir, startDaemon, startServer, until } from '../../e2e/harness.mjs';

const nginxBinary = '/usr/sbin/nginx';
const uiDir = process.env.SIBERIUS_UI_DIR ?? join(sourceDir, 'ui', 'dist');
// What the server itself sends with the app's pages (net/static_files.cpp).
const appPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; "
  + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

// A second site of the company whose pages may use the server (--allowed-origin).
const otherOrigin = 'https://app.example.test';

let dir, caPem, db, server, nginx, daemon, client, httpPort, httpsPort, pdfFolder;
const nginxOutput = [];
const clientEvents = [];

function run(cmd, args, { input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { encoding: 'utf8', timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

async function mustRun(cmd, args) {
  const r = await run(cmd, args);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')}:\n${r.stderr}`);
  return r;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** One HTTP(S) request on a fresh connection, verifying the test's CA. */
function request(url, { method = 'GET', headers = {}, body, localAddress, servername = 'localhost' } = {}) {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
  if (data !== undefined && !headers['content-type']) headers = { ...headers, 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const req = (tls ? https : http).request(u, {
      method, headers, localAddress, agent: false, ...(tls ? { ca: caPem, servername } : {}),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, raw, text, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

const viaNginx = (path, opts) => request(`https://localhost:${httpsPort}${path}`, opts);
const direct = (path, opts) => request(`${server.url}${path}`, opts);
const bearer = () => ({ authorization: `Bearer ${server.creds.adminToken}` });

/** How many times a header came in one response. */
function headerCount(res, name) {
  return res.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === name).length;
}

async function makeCertificates() {
  const p = (name) => join(dir, name);
  await mustRun('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=Siberius deploy test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await mustRun('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('site.key'), '-out', p('site.csr'), '-subj', '/CN=localhost']);
  writeFileSync(p('site.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n'
    + 'extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await mustRun('openssl', ['x509', '-req', '-in', p('site.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', p('site.ext'), '-out', p('site.pem')]);
  // nginx's ssl_certificate is the chain: the site's certificate, then the CA's.
  writeFileSync(p('fullchain.pem'), readFileSync(p('site.pem'), 'utf8') + readFileSync(p('ca.pem'), 'utf8'));
  return readFileSync(p('ca.pem'));
}

/** nginx/siberius.conf with its "SET:" values for this machine. */
function renderSite() {
  let conf = readFileSync(join(sourceDir, 'nginx', 'siberius.conf'), 'utf8');
  const set = (from, to, times) => {
    const n = conf.split(from).length - 1;
    assert.equal(n, times, `nginx/siberius.conf has "${from}" ${times} time(s) (the test renders it)`);
    conf = conf.split(from).join(to);
  };
  set('server_name siberius.example.com;', 'server_name localhost;', 2);
  set('listen 80;', `listen 127.0.0.1:${httpPort};`, 1);
  set('listen [::]:80;', `listen [::1]:${httpPort};`, 1);
  set('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`, 1);
  set('listen [::]:443 ssl http2;', `listen [::1]:${httpsPort} ssl http2;`, 1);
  set('return 301 https://$host$request_uri;', `return 301 https://$host:${httpsPort}$request_uri;`, 1);
  set('/etc/letsencrypt/live/siberius.example.com/fullchain.pem', join(dir, 'fullchain.pem'), 1);
  set('/etc/letsencrypt/live/siberius.example.com/privkey.pem', join(dir, 'site.key'), 1);
  set('root /var/www/html;', `root ${join(dir, 'acme')};`, 1);
  set('server 127.0.0.1:8080;', `server 127.0.0.1:${server.port};`, 1);
  set('root /usr/share/siberius/ui;', `root ${uiDir};`, 1);
  // Nothing of the VPS's values is left outside the comments.
  const left = conf.split('\n').map((l) => l.replace(/#.*/, ''))
    .filter((l) => /siberius\.example\.com|letsencrypt|:8080|\/usr\/share\/siberius|\/var\/www/.test(l));
  assert.deepEqual(left, [], 'every SET: value of nginx/siberius.conf is replaced');
  return conf;
}

/** The minimal nginx.conf around it, everything nginx writes kept in `dir`. */
function mainConf() {
  const temp = (name) => join(dir, 'temp', name);
  // As root, nginx's workers would become "nobody" and could not read the
  // test's private folder.
  const user = process.getuid() === 0 ? `user ${userInfo().username};` : '';
  return `${user}
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} info;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log ${join(dir, 'access.log')};
    client_body_temp_path ${temp('client_body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    include ${join(dir, 'siberius.conf')};
}
`;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

before(async () => {
  assert.ok(existsSync(nginxBinary),
    `${nginxBinary} is missing: install Debian's nginx (scripts/test installs SIBERIUS_TEST_APT_PACKAGES)`);
  assert.ok(existsSync(join(uiDir, 'index.html')),
    `${uiDir}/index.html is missing: build the web app first (scripts/lib/ui.sh siberius_ui_build)`);
  dir = mkdtempSync(join(tmpdir(), 'siberius-nginx-'));
  for (const d of ['acme', 'temp']) mkdirSync(join(dir, d));
  caPem = await makeCertificates();

  db = createDatabase();
  // Pings every second, as in the e2e suites, but a loaded machine gets 5 s
  // to answer one: the connection test below counts on no reconnect.
  server = await startServer({
    db: db.conninfo,
    args: ['--trusted-proxy', '127.0.0.1', '--ui-dir', uiDir, '--ping-timeout-ms', '5000', '--allowed-origin', otherOrigin],
  });
  httpPort = await freePort();
  httpsPort = await freePort();
  writeFileSync(join(dir, 'siberius.conf'), renderSite());
  writeFileSync(join(dir, 'nginx.conf'), mainConf());
  const check = await run(nginxBinary, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr']);
  assert.equal(check.code, 0, `nginx -t refused the config:\n${check.stderr}`);
  nginx = spawn(nginxBinary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  nginx.stderr.on('data', (c) => nginxOutput.push(c.toString()));
  const exited = new Promise((resolve) => nginx.once('exit', resolve));
  await until('nginx listening', async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}:\n${nginxOutput.join('')}`);
    return (await portOpen(httpsPort)) && (await portOpen(httpPort));
  }, { timeout: 15000 });
  nginx.exited = exited;

  // A staff member's browser tab, on the Socket.IO namespace of the web app,
  // over wss:// through nginx.
  client = io(`https://localhost:${httpsPort}/client`, {
    transports: ['websocket'], ca: caPem, auth: { token: server.creds.adminToken },
  });
  client.onAny((name, payload) => clientEvents.push({ name, payload }));
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('connect_error', reject); });
});

after(async () => {
  client?.close();
  await daemon?.stop();
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGTERM');
    await nginx.exited;
  }
  await server?.stop();
  server?.cleanup();
  db?.drop();
  if (process.env.NGINX_KEEP) console.log('kept', dir);
  else if (dir) rmSync(dir, { recursive: true, force: true });
  if (pdfFolder) rmSync(pdfFolder, { recursive: true, force: true });
});

test('the server trusts only the proxy it was told about', () => {
  const listening = server.logs.find((l) => l.event === 'server:listening');
  assert.deepEqual(listening.trustedProxies, ['127.0.0.1']);
});

test('nginx starts with the shipped file, and says so when OCSP stapling has no responder', () => {
  const log = readFileSync(join(dir, 'error.log'), 'utf8') + nginxOutput.join('');
  assert.match(log, /"ssl_stapling" ignored, no OCSP responder URL in the certificate/);
  assert.doesNotMatch(log, /\[(emerg|crit|alert)\]/);
});

test('plain HTTP is sent to HTTPS, path and query kept', async () => {
  const res = await request(`http://127.0.0.1:${httpPort}/admin/daemons?tab=2`, { headers: { host: 'localhost' } });
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `https://localhost:${httpsPort}/admin/daemons?tab=2`);
  assert.equal(res.headers.server, 'nginx', 'no version in the Server header');
  const followed = await request(res.headers.location, { headers: { accept: 'text/html' } });
  assert.equal(followed.status, 200);
  assert.match(followed.headers['content-type'], /^text\/html/);
  // Let's Encrypt's HTTP challenge is answered on port 80, not redirected.
  mkdirSync(join(dir, 'acme', '.well-known', 'acme-challenge'), { recursive: true });
  writeFileSync(join(dir, 'acme', '.well-known', 'acme-challenge', 'tok3n'), 'tok3n.key');
  const challenge = await request(`http://127.0.0.1:${httpPort}/.well-known/acme-challenge/tok3n`,
    { headers: { host: 'localhost' } });
  assert.equal(challenge.status, 200);
  assert.equal(challenge.text, 'tok3n.key');
});

test('the web app comes from nginx with the headers the server gives it', async () => {
  const index = readFileSync(join(uiDir, 'index.html'));
  const page = await viaNginx('/', { headers: { accept: 'text/html' } });
  const own = await direct('/', { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.ok(page.raw.equals(index), 'the page is ui/dist/index.html');
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.equal(page.headers['content-security-policy'], appPolicy);
  for (const h of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'x-content-type-options', 'cache-control']) {
    assert.equal(page.headers[h], own.headers[h], `${h} is what the server sends`);
    assert.equal(headerCount(page, h), 1, `one ${h}`);
  }
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.equal(page.headers['strict-transport-security'], 'max-age=63072000');
  assert.equal(page.headers.server, 'nginx');

  // A route of the app, for a browser: index.html again, with its headers.
  const route = await viaNginx('/admin/system-monitor', { headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(route.status, 200);
  assert.ok(route.raw.equals(index));
  assert.equal(route.headers['content-security-policy'], appPolicy);
  assert.equal(route.headers['cache-control'], 'no-cache');
  // The same URL asked for as JSON, and a missing asset: 404, as from the server.
  assert.equal((await viaNginx('/admin/system-monitor', { headers: { accept: 'application/json' } })).status, 404);
  assert.equal((await direct('/admin/system-monitor', { headers: { accept: 'application/json' } })).status, 404);
  assert.equal((await viaNginx('/assets/no-such-chunk.js', { headers: { accept: 'text/html' } })).status, 404);
  assert.equal((await viaNginx('/.git/config', { headers: { accept: 'text/html' } })).status, 404);

  // A hashed asset: cached for a year; gzip from its .gz sibling when asked.
  const assets = readdirSync(join(uiDir, 'assets'));
  const script = assets.find((n) => n.endsWith('.js'));
  assert.ok(script, 'ui/dist/assets has a script');
  const asset = await viaNginx(`/assets/${script}`);
  const ownAsset = await direct(`/assets/${script}`);
  assert.equal(asset.status, 200);
  assert.ok(asset.raw.equals(readFileSync(join(uiDir, 'assets', script))));
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(asset.headers['cache-control'], ownAsset.headers['cache-control']);
  assert.equal(asset.headers['x-content-type-options'], 'nosniff');
  assert.match(asset.headers['content-type'], /javascript/);
  assert.equal(asset.headers['content-security-policy'], undefined, 'the policy is for pages');
  if (assets.includes(`${script}.gz`)) {
    const packed = await viaNginx(`/assets/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(packed.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(packed.raw).equals(asset.raw));
  }
  // The service worker is checked again on every use, like index.html.
  if (existsSync(join(uiDir, 'sw.js'))) {
    const sw = await viaNginx('/sw.js');
    assert.equal(sw.status, 200);
    assert.equal(sw.headers['cache-control'], 'no-cache');
    assert.equal(sw.headers['cache-control'], (await direct('/sw.js')).headers['cache-control']);
  }
});

test('REST goes through to the server, with its own headers and HSTS added', async () => {
  const health = await viaNginx('/health');
  assert.equal(health.status, 200, health.text);
  const list = await viaNginx('/api/admin/daemons', { headers: bearer() });
  assert.equal(list.status, 200, list.text);
  assert.ok(Array.isArray(list.json.daemons));
  assert.equal(list.headers['strict-transport-security'], 'max-age=63072000');
  assert.equal(headerCount(list, 'x-content-type-options'), 1);
  assert.equal(list.headers['content-security-policy'], undefined);
  const denied = await viaNginx('/api/admin/daemons');
  assert.equal(denied.status, 401);
  assert.equal((await viaNginx('/metrics', { headers: bearer() })).status, 404, '/metrics stays on the loopback');

  // A browser login through nginx: the server sees https (X-Forwarded-Proto
  // from its trusted proxy) and the Host with its port, so the page's own
  // origin is accepted and the session cookie is Secure.
  const login = await viaNginx('/api/auth/login', {
    method: 'POST', headers: { origin: `https://localhost:${httpsPort}` },
    body: { login: server.creds.adminUser, password: server.creds.adminPassword, cookie: true },
  });
  assert.equal(login.status, 200, login.text);
  assert.match(login.headers['set-cookie'][0], /; Secure/);
  const me = await viaNginx('/api/me', { headers: { cookie: login.headers['set-cookie'][0].split(';')[0] } });
  assert.equal(me.status, 200, me.text);
});

/** Sends only a request's head (a large Content-Length, no body) and
 *  resolves with the answer: its status line and body. */
function headOnly(path, headers) {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: httpsPort, servername: 'localhost', ca: caPem }, () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost:${httpsPort}\r\n`
        + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
    });
    let text = '';
    socket.on('data', (c) => {
      text += c.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
      if (Buffer.byteLength(text.slice(end + 4)) < length) return;
      socket.destroy();
      let json = null;
      try { json = JSON.parse(text.slice(end + 4)); } catch { /* not JSON */ }
      resolve({ status: text.slice(0, text.indexOf('\r\n')), json });
    });
    socket.on('error', reject);
  });
}

test('request bodies: PDFs up to the server\'s upload limit, small JSON elsewhere', async () => {
  const mib = 1024 * 1024;
  const multipart = 'multipart/form-data; boundary=x';
  // Over --max-upload-mb (50) and its envelope: nginx refuses on the header.
  const over = await headOnly('/api/daemon/upload', { 'content-length': 52 * mib, 'content-type': multipart });
  assert.match(over.status, /^HTTP\/1\.1 413 /);
  assert.equal(over.json?.code, 'too_large');
  // Exactly the largest PDF plus the envelope: nginx lets it through at once,
  // and the server, not nginx, turns the wrong token away.
  const largest = await headOnly('/api/daemon/upload', {
    'content-length': 50 * mib + 64 * 1024, 'content-type': multipart, authorization: 'Bearer not-a-daemon-token',
  });
  assert.match(largest.status, /^HTTP\/1\.1 401 /);
  // A REST body of 2 MiB is no JSON anyone sends.
  const rest = await headOnly('/api/atendimentos', { 'content-length': 2 * mib, 'content-type': 'application/json' });
  assert.match(rest.status, /^HTTP\/1\.1 413 /);
  assert.equal(rest.json?.code, 'too_large');
});

test('the stock socket.io-client reaches the server over wss:// and checks the certificate', async () => {
  assert.ok(client.connected);
  assert.equal(client.io.engine.transport.name, 'websocket');
  // Several of the server's ping cycles (1 s here) pass through nginx.
  const id = client.id;
  await new Promise((r) => setTimeout(r, 3500));
  assert.ok(client.connected);
  assert.equal(client.id, id, 'the same connection');

  // Without the test's CA the certificate is not trusted: no connection.
  const stranger = io(`https://localhost:${httpsPort}/client`, {
    transports: ['websocket'], reconnection: false, auth: { token: server.creds.adminToken },
  });
  try {
    const err = await new Promise((resolve, reject) => {
      stranger.once('connect', () => reject(new Error('connected without trusting the CA')));
      stranger.once('connect_error', resolve);
    });
    assert.match(String(err.description?.message ?? err.description ?? err.message), /certificate|self.signed|issuer/i);
  } finally {
    stranger.close();
  }
});

test('the real daemon indexes and uploads over wss:// through nginx, checking the CA', async () => {
  pdfFolder = mkdtempSync(join(tmpdir(), 'siberius-nginx-office-'));
  await mustRun(process.execPath, [join(sourceDir, 'scripts', 'demo', 'make-demo-pdfs.mjs'), pdfFolder, '--today', '2026-03-02']);
  const pdfs = readdirSync(pdfFolder).filter((n) => n.endsWith('.pdf'));
  assert.ok(pdfs.length >= 5, 'the demo generator wrote PDFs');
  const url = `https://localhost:${httpsPort}`;
  // Without the test's CA (the system store only) the daemon does not trust
  // the site and does not connect.
  const untrusting = startDaemon(server, { folder: pdfFolder, url });
  const refused = await until('the daemon without the CA refused',
    () => untrusting.logs.find((l) => l.event === 'daemon:connect:failed'), { timeout: 20000 });
  await untrusting.stop();
  assert.match(JSON.stringify(refused), /certificate|verify/i);
  assert.ok(!untrusting.logs.some((l) => l.event === 'daemon:connected'));

  daemon = startDaemon(server, { folder: pdfFolder, url, env: { CA_FILE: join(dir, 'ca.pem') } });
  const all = await until('the folder indexed through nginx', async () => {
    const res = await api(server, 'GET', '/api/pdfs?pageSize=100');
    return res.json.total === pdfs.length && res.json;
  }, { timeout: 60000, every: 250 });
  assert.deepEqual(all.items.map((i) => i.filename).sort(), [...pdfs].sort());

  // The server saw the daemon come from nginx's client, not from nginx.
  const daemons = (await api(server, 'GET', '/api/admin/daemons')).json.daemons;
  const mine = daemons.find((d) => d.clientId === server.creds.clientId);
  assert.equal(mine.status, 'online');

  // A PDF asked for through nginx: the server asks the daemon, the daemon
  // uploads it through nginx, the tab hears it is ready, and the download
  // through nginx is the office's file byte for byte.
  const name = pdfs[0];
  const item = all.items.find((i) => i.filename === name);
  const asked = await viaNginx(`/api/pdfs/${item.id}/request`, { method: 'POST', headers: bearer(), body: {} });
  assert.equal(asked.status, 202, asked.text);
  await until('pdf:ready on the wss:// client', () => clientEvents.find(
    (e) => e.name === 'pdf:ready' && e.payload.requestId === asked.json.requestId), { timeout: 30000 });
  const pdf = await viaNginx(`/api/pdfs/${item.id}/download`, { headers: bearer() });
  assert.equal(pdf.status, 200);
  assert.ok(pdf.raw.equals(readFileSync(join(pdfFolder, name))), 'the download is the office file');
  const access = readFileSync(join(dir, 'access.log'), 'utf8');
  assert.match(access, /"POST \/api\/daemon\/upload HTTP\/1\.1" 200 /, 'the upload came through nginx');
  // nginx writes a WebSocket's line when it closes: the daemon's upgrade.
  await daemon.stop();
  const upgraded = await until('the daemon\'s WebSocket in the access log', () => readFileSync(join(dir, 'access.log'), 'utf8')
    .split('\n').find((l) => /"GET \/socket\.io\/\?[^"]*transport=websocket[^"]*" 101 .*"siberius-sio-client\//.test(l)));
  if (process.env.NGINX_DUMP) console.log(upgraded, JSON.stringify(refused));
});

async function handshake(version, extra = []) {
  return run('openssl', ['s_client', '-connect', `127.0.0.1:${httpsPort}`, '-servername', 'localhost',
    '-CAfile', join(dir, 'ca.pem'), '-verify_return_error', `-${version}`, ...extra]);
}

test('TLS 1.0 and 1.1 are refused; 1.2 and 1.3 are spoken with a verified certificate', async () => {
  for (const version of ['tls1', 'tls1_1']) {
    // OpenSSL 3 must be told to offer the old versions at all (security level 0).
    const r = await handshake(version, ['-cipher', 'DEFAULT@SECLEVEL=0']);
    assert.notEqual(r.code, 0, `${version} handshake failed`);
    assert.match(r.stderr + r.stdout, /alert protocol version|unsupported protocol|no protocols available/i,
      `${version}: ${r.stderr}`);
    assert.match(r.stdout, /no peer certificate available/);
    assert.match(r.stdout, /Cipher is \(NONE\)/);
  }
  for (const [version, name] of [['tls1_2', 'TLSv1.2'], ['tls1_3', 'TLSv1.3']]) {
    const r = await handshake(version);
    assert.equal(r.code, 0, `${version}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`New, ${name.replace('.', '\\.')}, Cipher is [A-Z]`));
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/);
  }
  // Browsers get HTTP/2.
  const h2 = await handshake('tls1_3', ['-alpn', 'h2,http/1.1']);
  assert.match(h2.stdout, /ALPN protocol: h2/);
});

async function failedLoginFrom(fetcher, login, localAddress) {
  const res = await fetcher('/api/auth/login', {
    method: 'POST', localAddress, headers: { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' },
    body: { login, password: 'not the password' },
  });
  assert.equal(res.status, 401, res.text);
  const entry = await until(`the audit entry of ${login}`, async () => {
    const audit = await api(server, 'GET', '/api/admin/audit?limit=100');
    return audit.json.items.find((i) => i.actor === login && i.action === 'auth.login_failed');
  });
  return entry.ip;
}

test('a forged X-Forwarded-For is ignored, straight to the server or through nginx', async () => {
  // Straight to the server from an address that is not its proxy.
  const viaIp = (path, opts) => request(`https://127.0.0.1:${httpsPort}${path}`, opts);
  assert.equal(await failedLoginFrom(direct, 'xff-direct', '127.0.0.2'), '127.0.0.2');
  // Through nginx, from a client that claims another address: nginx replaces
  // the header with the address that connected to it.
  assert.equal(await failedLoginFrom(viaIp, 'xff-via-nginx', '127.0.0.2'), '127.0.0.2');
});

test('a burst of logins through nginx is cut off by nginx with a clear 429', async () => {
  // 127.0.0.3 is a client of its own: its own budget in nginx's zones.
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => viaNginx('/api/auth/login', {
    method: 'POST', localAddress: '127.0.0.3', servername: 'localhost',
    body: { login: `burst-${i}`, password: 'not the password' },
  }).catch((err) => ({ status: 0, text: String(err) }))));
  // Connecting to "localhost" from 127.0.0.3: reached as 127.0.0.1.
  const limited = answers.filter((a) => a.status === 429 && a.json?.code === 'rate_limited'
    && /too many requests from this address/.test(a.json.error));
  assert.ok(limited.length >= 10, `nginx refused the burst: ${JSON.stringify(answers.map((a) => a.status))}`);
  assert.match(limited[0].headers['content-type'], /^application\/json/);
  assert.equal(limited[0].headers['strict-transport-security'], 'max-age=63072000');
  // Other clients are not held up by it.
  const other = await viaNginx('/api/admin/daemons', { headers: bearer(), localAddress: '127.0.0.4' });
  assert.equal(other.status, 200);
  const log = readFileSync(join(dir, 'error.log'), 'utf8');
  assert.match(log, /limiting requests, excess: .* by zone "siberius_login", client: 127\.0\.0\.3/);
});

/** A socket.io-client tab on /client through nginx, connecting from
 *  `localAddress` (a client of its own for nginx's zones). */
function tabFrom(localAddress, options = {}) {
  // The agent carries the address and the CA for the polling requests and
  // the WebSocket alike.
  const agent = new https.Agent({ localAddress, ca: caPem, keepAlive: true });
  const tab = io(`https://localhost:${httpsPort}/client`, {
    agent, ca: caPem, reconnection: false, auth: { token: server.creds.adminToken }, ...options,
  });
  tab.seen = [];
  tab.io.on('open', () => {
    tab.seen.push(`open:${tab.io.engine.transport.name}`);
    tab.io.engine.on('upgrade', (t) => tab.seen.push(`upgrade:${t.name}`));
  });
  tab.agent = agent;
  return tab;
}

function connected(tab) {
  return new Promise((resolve, reject) => {
    tab.once('connect', resolve);
    tab.once('connect_error', (e) => reject(new Error(`connect_error: ${e.message} ${e.description?.message ?? e.description ?? ''}`)));
  });
}

/** The access log's lines of one client address under /socket.io/: [method, url, status]. */
function socketLines(address) {
  return readFileSync(join(dir, 'access.log'), 'utf8').split('\n')
    .filter((l) => l.startsWith(`${address} `))
    .map((l) => /"(\w+) (\/socket\.io\/\S*) HTTP\/[\d.]+" (\d+) /.exec(l))
    .filter(Boolean)
    .map(([, method, url, status]) => ({ method, url, status: Number(status) }));
}

test('the stock socket.io-client with its defaults: long-polling through nginx, then the upgrade to wss://', async () => {
  const tab = tabFrom('127.0.0.5');
  try {
    await connected(tab);
    assert.equal(tab.seen[0], 'open:polling', 'it starts on long-polling');
    await until('the upgrade to WebSocket', () => tab.io.engine.transport.name === 'websocket', { timeout: 15000 });
    assert.deepEqual(tab.seen, ['open:polling', 'upgrade:websocket']);
    // The server answers on the upgraded socket (/client acks an event it
    // does not know with an error object).
    const answer = await tab.timeout(5000).emitWithAck('nginx:hello', 1);
    assert.deepEqual(answer, { error: 'unknown event: nginx:hello' });
    // A few of the server's 1 s ping cycles on it: the same session.
    const id = tab.id;
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(tab.connected);
    assert.equal(tab.id, id);
  } finally {
    tab.close();
    tab.agent.destroy();
  }
  // What went through nginx: the handshake GET, polls and POSTs with the
  // sid, and the WebSocket with the same sid (its line written at close).
  const lines = await until('the WebSocket in the access log',
    () => { const l = socketLines('127.0.0.5'); return l.some((x) => x.status === 101) && l; });
  const handshake = lines.find((l) => l.method === 'GET' && /transport=polling/.test(l.url) && !/[?&]sid=/.test(l.url));
  assert.equal(handshake?.status, 200, JSON.stringify(lines));
  assert.ok(lines.some((l) => l.method === 'POST' && /transport=polling&.*sid=|sid=.*transport=polling/.test(l.url) && l.status === 200),
    `a polling POST: ${JSON.stringify(lines)}`);
  const ws = lines.filter((l) => l.status === 101);
  assert.equal(ws.length, 1);
  assert.match(ws[0].url, /transport=websocket/);
  assert.match(ws[0].url, /[?&]sid=/);
  assert.deepEqual(lines.filter((l) => l.status >= 400 && l.status !== 499), [], 'no request refused');
});

test('a long-polling client exchanges many events through nginx without a 429', async () => {
  const tab = tabFrom('127.0.0.6', { transports: ['polling'] });
  let rounds = 0;
  try {
    await connected(tab);
    const id = tab.id;
    // Each acked event is a POST and the answer on a held GET, then a new
    // GET: about 240 requests in a few seconds, four times the handshake
    // zone's burst of 60.
    for (let i = 0; i < 80; ++i) {
      const answer = await tab.timeout(5000).emitWithAck('nginx:poll', i);
      assert.deepEqual(answer, { error: 'unknown event: nginx:poll' });
      rounds += 1;
    }
    // Idle for a few of the server's pings: the held GETs are answered by them.
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(tab.connected);
    assert.equal(tab.id, id, 'the same session throughout');
    assert.equal(tab.io.engine.transport.name, 'polling');
  } finally {
    tab.close();
    tab.agent.destroy();
  }
  assert.equal(rounds, 80);
  const lines = socketLines('127.0.0.6');
  assert.ok(lines.length >= 160, `the events went as many requests: ${lines.length}`);
  assert.ok(lines.filter((l) => l.method === 'POST').length >= 80);
  // 499: the poll held when the client closed (nginx logs the client's hang-up).
  assert.deepEqual(lines.filter((l) => l.status !== 200 && l.status !== 499), [], 'every request answered 200');
  const log = readFileSync(join(dir, 'error.log'), 'utf8');
  assert.doesNotMatch(log, /limiting requests, .*client: 127\.0\.0\.6,/);
  // A polling body past 1 MiB (the server's maxPayload is 1,000,000 bytes)
  // stops at nginx, refused on its header.
  const big = await headOnly('/socket.io/?EIO=4&transport=polling&sid=x', {
    'content-length': 2 * 1024 * 1024, 'content-type': 'text/plain;charset=UTF-8',
  });
  assert.match(big.status, /^HTTP\/1\.1 413 /);
  assert.equal(big.json?.code, 'too_large');
});

test('new Socket.IO sessions from one address are still limited by nginx', async () => {
  // 90 handshakes at once from 127.0.0.7: past the burst of 60, nginx refuses.
  const answers = await Promise.all(Array.from({ length: 90 }, () => viaNginx('/socket.io/?EIO=4&transport=polling',
    { localAddress: '127.0.0.7' }).catch((err) => ({ status: 0, text: String(err) }))));
  const opened = answers.filter((a) => a.status === 200 && a.text.startsWith('0{'));
  const limited = answers.filter((a) => a.status === 429 && a.json?.code === 'rate_limited');
  assert.ok(opened.length >= 50, `most of the burst opened sessions: ${JSON.stringify(answers.map((a) => a.status))}`);
  assert.ok(limited.length >= 10, `nginx refused the rest: ${JSON.stringify(answers.map((a) => a.status))}`);
  const log = readFileSync(join(dir, 'error.log'), 'utf8');
  assert.match(log, /limiting requests, excess: .* by zone "siberius_handshake", client: 127\.0\.0\.7/);
});

test('long-polling behind nginx: the site\'s own origin and an allowed one pass, another is refused', async () => {
  const handshake = (origin) => viaNginx('/socket.io/?EIO=4&transport=polling',
    { localAddress: '127.0.0.8', headers: { origin } });
  // A page of the site itself (https, through nginx): same origin.
  const own = await handshake(`https://localhost:${httpsPort}`);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.text[0], '0', 'an Engine.IO open packet');
  assert.equal(typeof JSON.parse(own.text.slice(1)).sid, 'string');
  // The other site named by --allowed-origin: allowed, with credentials.
  const allowed = await handshake(otherOrigin);
  assert.equal(allowed.status, 200, allowed.text);
  assert.equal(allowed.headers['access-control-allow-origin'], otherOrigin);
  assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
  assert.equal(headerCount(allowed, 'access-control-allow-origin'), 1);
  const preflight = await viaNginx(`/socket.io/?EIO=4&transport=polling&sid=${JSON.parse(allowed.text.slice(1)).sid}`, {
    method: 'OPTIONS', localAddress: '127.0.0.8',
    headers: { origin: otherOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(preflight.status, 204, preflight.text);
  assert.equal(preflight.headers['access-control-allow-origin'], otherOrigin);
  assert.match(preflight.headers['access-control-allow-methods'] ?? '', /POST/);
  // Anybody else's page: 403 from the server, no CORS header.
  const stranger = await handshake('https://evil.example');
  assert.equal(stranger.status, 403, stranger.text);
  assert.deepEqual(stranger.json, { code: 4, message: 'Forbidden' });
  assert.equal(stranger.headers['access-control-allow-origin'], undefined);
});
