// Checks answers of siberius-server against docs/openapi.yaml: the operation
// (method + path template), the status, the media type and the JSON body's
// schema. The harness runs every answer the suites receive through it.
import { readFileSync, appendFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = process.env.SIBERIUS_SOURCE_DIR ?? join(here, '..', '..');
export const documentPath = join(sourceDir, 'docs', 'openapi.yaml');

/** docs/openapi.yaml as an object (its YAML anchors resolved). */
export function loadDocument() {
  return YAML.parse(readFileSync(documentPath, 'utf8'), { maxAliasCount: -1 });
}

const doc = loadDocument();
const base = 'https://siberius.invalid/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The components as one schema resource, so a response schema's
// "#/components/schemas/X" resolves against it.
ajv.addSchema({ $id: base, components: doc.components });

const methods = ['get', 'head', 'post', 'put', 'delete', 'patch', 'options'];

/** Every documented operation as "METHOD /path/{template}". */
export function documentedOperations(document = doc) {
  const out = [];
  for (const [path, item] of Object.entries(document.paths))
    for (const m of methods) if (item[m]) out.push(`${m.toUpperCase()} ${path}`);
  return out;
}

// A template as a regular expression: ids are 1 to 18 digits (what the
// server's parse_id takes); a numero is everything after its tipo.
function templateRegex(template) {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name) => {
    if (name === 'id' || name === 'pdfId') return '[0-9]{1,18}';
    if (name === 'numero') return '.+';
    return '[^/]+';
  });
  return new RegExp(`^${source}$`);
}

const templates = Object.keys(doc.paths).map((t) => ({ template: t, re: templateRegex(t) }));

/** The documented path template a concrete path falls under, or null. */
export function matchPath(path) {
  return templates.find((t) => t.re.test(path))?.template ?? null;
}

/** Whether a path is the REST API's (the rest is the web app and Socket.IO). */
export function isApiPath(path) {
  return ['/api', '/health', '/metrics'].some((p) => path === p || path.startsWith(`${p}/`));
}

function deref(object) {
  if (object && object.$ref) return deref(object.$ref.replace(/^#\//, '').split('/').reduce((o, k) => o[k], doc));
  return object;
}

function absoluteRefs(schema) {
  if (Array.isArray(schema)) return schema.map(absoluteRefs);
  if (schema && typeof schema === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(schema))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? base + v : absoluteRefs(v);
    return out;
  }
  return schema;
}

const compiled = new Map();
function validatorFor(key, schema) {
  if (!compiled.has(key)) compiled.set(key, ajv.compile(absoluteRefs(schema)));
  return compiled.get(key);
}

const errorValidator = validatorFor('Error', { $ref: '#/components/schemas/Error' });

const mediaBase = (type) => (type ?? '').split(';')[0].trim().toLowerCase();

export const stats = { validated: 0, refusals: 0, failures: [] };

/**
 * Checks one answer; returns a list of problems (empty when it matches).
 * `body` is the text of the answer, or undefined when it was not read
 * (HEAD, files).
 */
export function checkResponse({ method, url, status, contentType, body }) {
  const { pathname } = new URL(url, 'http://x');
  if (!isApiPath(pathname)) return [];
  const problems = [];
  const template = matchPath(pathname);
  const operation = template && doc.paths[template][method.toLowerCase()];
  const where = `${method} ${pathname} -> ${status}`;
  if (!operation) {
    // The router's refusals of what the document does not list: 404 for an
    // unknown path, 405 for another method on a known one.
    const expected = template ? [404, 405] : [404];
    if (!expected.includes(status)) {
      problems.push(`${where}: ${template ? `method not documented for ${template}` : 'path not documented'}` +
        ` and the server did not refuse it (${status})`);
    } else if (body !== undefined && method !== 'HEAD') {
      let json;
      try { json = JSON.parse(body); } catch { problems.push(`${where}: refusal is not JSON: ${body.slice(0, 200)}`); }
      if (json !== undefined && !errorValidator(json))
        problems.push(`${where}: refusal is not an Error: ${ajv.errorsText(errorValidator.errors)}`);
      else if (json && status === 404 && !json.error.startsWith('no such endpoint'))
        problems.push(`${where}: 404 for an undocumented route that is not the router's (${json.error})`);
    }
    stats.refusals++;
    return record(problems);
  }
  const response = deref(operation.responses[String(status)]);
  if (!response) return record([`${where}: status ${status} not documented for ${method} ${template}`]);
  stats.validated++;
  const content = response.content;
  if (!content) {
    if (body) problems.push(`${where}: documented without a body, got ${body.slice(0, 200)}`);
    return record(problems);
  }
  const type = mediaBase(contentType);
  const mediaKey = Object.keys(content).find((k) => mediaBase(k) === type);
  if (!mediaKey) {
    // A HEAD answer has the GET's headers but no body to judge.
    if (!(method === 'HEAD' && body === undefined))
      problems.push(`${where}: content type ${contentType} not documented (${Object.keys(content).join(', ')})`);
    return record(problems);
  }
  if (type !== 'application/json' || body === undefined || method === 'HEAD') return record(problems);
  let json;
  try { json = JSON.parse(body); } catch { return record([`${where}: body is not JSON: ${body.slice(0, 200)}`]); }
  const validate = validatorFor(`${template} ${method} ${status} ${mediaKey}`, content[mediaKey].schema ?? {});
  if (!validate(json))
    problems.push(`${where}: body does not match ${method} ${template} ${status}: ${ajv.errorsText(validate.errors)}` +
      ` in ${JSON.stringify(json).slice(0, 400)}`);
  return record(problems);
}

function record(problems) {
  stats.failures.push(...problems);
  return problems;
}

// How many answers a suite checked, for the record (SIBERIUS_OPENAPI_STATS).
process.on('exit', () => {
  const file = process.env.SIBERIUS_OPENAPI_STATS;
  if (file)
    appendFileSync(file, `${JSON.stringify({ suite: process.argv[1], validated: stats.validated,
      refusals: stats.refusals, failures: stats.failures.length })}\n`);
});
