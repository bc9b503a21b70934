// docs/openapi.yaml is a valid OpenAPI 3.1 document that lists exactly the
// routes the server lists (siberius-server --print-routes), and the running
// server serves each of them and refuses every other method on their paths.
// (Every answer of every suite is checked against it by harness.mjs.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createDatabase, serverBinary, sourceDir, startServer } from './harness.mjs';
import { documentedOperations, loadDocument } from './openapi_check.mjs';

const doc = loadDocument();
const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function serverRoutes() {
  return execFileSync(serverBinary, ['--print-routes'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

test('docs/openapi.yaml is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result.errors ?? [], [], 'no schema errors');
  assert.equal(result.valid, true);
  const ids = documentedOperations().map((op) => {
    const [method, path] = op.split(' ');
    return doc.paths[path][method.toLowerCase()].operationId;
  });
  assert.equal(new Set(ids).size, ids.length, 'every operation has its own operationId');
});

test('the document lists exactly the routes the server lists', () => {
  const listed = serverRoutes();
  assert.ok(listed.length > 40, `the server lists its routes (${listed.length})`);
  for (const line of listed) assert.match(line, /^(GET|HEAD|POST|PUT|DELETE) \/\S*$/);
  const documented = documentedOperations();
  const missing = listed.filter((r) => !documented.includes(r));
  const extra = documented.filter((r) => !listed.includes(r));
  assert.deepEqual(missing, [], 'routes of the server that docs/openapi.yaml does not describe');
  assert.deepEqual(extra, [], 'operations of docs/openapi.yaml that the server does not list');
});

// A second net under the route table: every path the server's sources spell
// out (a handler's `path == "/api/…"`, a prefix it matches, a metrics label)
// leads to a listed route, so a handler added without its table entry shows.
test('every REST path spelled in the server sources leads to a listed route', () => {
  const shape = (p) => p.replace(/\{\w+\}|:\w+/g, '{}');
  const routes = serverRoutes().map((r) => shape(r.split(' ')[1]));
  const strays = [];
  for (const dir of ['actors', 'api']) {
    const folder = join(sourceDir, dir);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => /\.(cpp|hpp)$/.test(f))) {
      const text = readFileSync(join(folder, file), 'utf8');
      for (const [, path] of text.matchAll(/"(\/(?:api|health|metrics)(?:\/[^"\s]*)?)"/g)) {
        if (!routes.some((r) => r.startsWith(shape(path)))) strays.push(`${dir}/${file}: ${path}`);
      }
    }
  }
  assert.deepEqual(strays, [], 'paths in the sources that no listed route has');
});

// A concrete path for a template: any id, a tipo and numero the path check takes.
const example = (template) => template.replace(/\{(\w+)\}/g, (_, name) => ({ tipo: 'os', numero: '12' }[name] ?? '1'));

// The router's own refusals: 404 "no such endpoint" or 405 method_not_allowed
// (an answer to HEAD has no body to tell which 404 it is).
async function refused(res, method) {
  const text = await res.text();
  if (res.status === 405) return true;
  if (res.status !== 404) return false;
  if (method === 'HEAD') return true;
  try { return JSON.parse(text).error.startsWith('no such endpoint'); } catch { return false; }
}

test('the running server serves every listed route and refuses other methods on their paths', async () => {
  const db = createDatabase();
  cleanups.push(() => db.drop());
  const server = await startServer({ db: db.conninfo });
  cleanups.push(async () => { await server.stop(); server.cleanup(); });
  const byPath = new Map();
  for (const line of serverRoutes()) {
    const [method, template] = line.split(' ');
    if (!byPath.has(template)) byPath.set(template, new Set());
    byPath.get(template).add(method);
  }
  const served = [], notServed = [], answeredAnyway = [];
  for (const [template, listed] of byPath) {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      // No credentials: a route answers (401, 400, 200 for /health …);
      // the router answers 404 or 405 for what it does not serve.
      const res = await fetch(server.url + example(template), { method });
      const wasRefused = await refused(res, method);
      if (listed.has(method)) {
        if (wasRefused) notServed.push(`${method} ${template} -> ${res.status}`);
        else served.push(`${method} ${template}`);
      } else if (!wasRefused) {
        answeredAnyway.push(`${method} ${template} -> ${res.status}`);
      }
    }
  }
  assert.deepEqual(notServed, [], 'listed routes the server does not serve');
  assert.deepEqual(answeredAnyway, [], 'methods the server serves on a listed path without listing them');
  assert.equal(served.length, serverRoutes().length);
});
