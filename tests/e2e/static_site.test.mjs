// The web app served by siberius-server itself (--ui-dir): types, caching,
// the app's routes answered with index.html, precompressed files for browsers
// that take them, and never a byte from outside the folder. Without a built
// app the server still runs and / says how to build it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { gzipSync, brotliCompressSync, gunzipSync, brotliDecompressSync } from 'node:zlib';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, startServer } from './harness.mjs';

let db, server, bare, site, outside;
const script = 'console.log("siberius");\n'.repeat(200);

function get(target, path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    // A raw request: fetch would normalise "..", and decode the body.
    const req = request({ host: '127.0.0.1', port: target.port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'siberius-site-'));
  outside = mkdtempSync(join(tmpdir(), 'siberius-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'do not serve me');
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>Siberius</title><div id="root"></div>');
  writeFileSync(join(site, 'assets', 'index-3f2a9c.js'), script);
  writeFileSync(join(site, 'assets', 'index-3f2a9c.js.gz'), gzipSync(script));
  writeFileSync(join(site, 'assets', 'index-3f2a9c.js.br'), brotliCompressSync(script));
  writeFileSync(join(site, 'assets', 'app-77.css'), 'body{margin:0}');
  writeFileSync(join(site, 'manifest.webmanifest'), '{"name":"Siberius"}');
  writeFileSync(join(site, '.stamp'), 'hidden');
  symlinkSync(join(outside, 'secret.txt'), join(site, 'assets', 'leak.js'));
  symlinkSync(outside, join(site, 'elsewhere'));
  db = createDatabase();
  server = await startServer({ db: db.conninfo, args: ['--ui-dir', site] });
  bare = await startServer({ db: db.conninfo, args: ['--ui-dir', join(site, 'not-built')] });
});

after(async () => {
  await server?.stop();
  await bare?.stop();
  server?.cleanup();
  bare?.cleanup();
  db?.drop();
  rmSync(site, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test('index.html is served for / and revalidated every time, with the app\'s security headers', async () => {
  const res = await get(server, '/');
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.match(res.body.toString(), /<div id="root">/);
  assert.match(res.headers['content-security-policy'], /default-src 'self'/);
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.ok(res.headers.etag);
  const again = await get(server, '/', { 'if-none-match': res.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
});

test('the app\'s own routes get index.html; a missing asset is a 404', async () => {
  const page = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }; // a browser navigating
  for (const route of ['/login', '/admin/system-monitor', '/admin/system-monitor/daemons/12', '/tecnico/']) {
    const res = await get(server, route, page);
    assert.equal(res.status, 200, route);
    assert.match(res.body.toString(), /<div id="root">/, route);
  }
  // A program at a wrong address gets a 404 it can read, not the app's page.
  const json = await get(server, '/nowhere/api/admin/daemons', { accept: 'application/json' });
  assert.equal(json.status, 404);
  assert.deepEqual(JSON.parse(json.body.toString()), { error: 'no such endpoint: /nowhere/api/admin/daemons', code: 'not_found' });
  const plain = await get(server, '/admin/system-monitor');
  assert.equal(plain.status, 404);
  const missing = await get(server, '/assets/index-000000.js');
  assert.equal(missing.status, 404);
  assert.equal((await get(server, '/favicon.ico')).status, 404);
});

test('hashed assets are cached for a year and have the right types', async () => {
  const js = await get(server, '/assets/index-3f2a9c.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.headers['content-encoding'], undefined);
  assert.equal(js.body.toString(), script);
  const css = await get(server, '/assets/app-77.css');
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const manifest = await get(server, '/manifest.webmanifest');
  assert.equal(manifest.headers['content-type'], 'application/manifest+json');
  assert.equal(manifest.headers['cache-control'], 'no-cache');
});

test('precompressed files go to browsers that take them', async () => {
  const br = await get(server, '/assets/index-3f2a9c.js', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.equal(brotliDecompressSync(br.body).toString(), script);
  assert.ok(br.body.length < script.length / 5);
  const gz = await get(server, '/assets/index-3f2a9c.js', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.body).toString(), script);
  const refused = await get(server, '/assets/index-3f2a9c.js', { 'accept-encoding': 'br;q=0, gzip;q=0' });
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.notEqual(br.headers.etag, gz.headers.etag, 'each variant has its own validator');
  const head = await get(server, '/assets/index-3f2a9c.js', { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers['content-length']), br.body.length);
  assert.equal(head.body.length, 0);
});

test('nothing outside the folder, and no hidden file, is ever served', async () => {
  for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc/passwd',
    '/.stamp', '/assets/leak.js', '/elsewhere/secret.txt', '/%00', '/a%5c..%5csecret.txt']) {
    const res = await get(server, path);
    assert.notEqual(res.status, 200, path);
    assert.doesNotMatch(res.body.toString(), /do not serve me|root:|hidden/, path);
  }
});

test('the API, health and the socket keep their own answers', async () => {
  const health = await get(server, '/health');
  assert.equal(health.headers['content-type'], 'application/json');
  const api = await get(server, '/api/nothing-here');
  assert.equal(api.status, 404);
  assert.equal(JSON.parse(api.body.toString()).code, 'not_found');
  const me = await get(server, '/api/me');
  assert.equal(me.status, 401);
});

test('without a built app the server runs and / says how to build it', async () => {
  const res = await get(bare, '/');
  assert.equal(res.status, 503);
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.match(res.body.toString(), /npm run build/);
  assert.match(res.body.toString(), /scripts\/run/);
  assert.equal((await get(bare, '/admin/system-monitor', { accept: 'text/html' })).status, 503);
  assert.equal((await get(bare, '/health')).status, 200);
  assert.ok(bare.logs.some((l) => l.event === 'server:ui:missing'));
});
