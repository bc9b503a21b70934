// The PDF list and status over HTTP, as a client sees them: documents a
// daemon indexed through Socket.IO, searched and paged with the admin token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, createDatabase, documentFor, indexDocuments, startServer } from './harness.mjs';

let db, server;

before(async () => {
  db = createDatabase();
  server = await startServer({ db: db.conninfo });
  const docs = [
    documentFor(1, { metadata: { tipo: 'orcamento', numero: '2026-0215', cliente: 'Ana Lima', dataEvento: '2026-03-10', valorTotal: 900 } }),
    documentFor(2, { metadata: { tipo: 'os', numero: '89331', cliente: 'Ana Lima', dataEvento: '2026-05-19', valorTotal: null } }),
    documentFor(3, { metadata: { tipo: 'montagem', numero: '4490', cliente: 'Construtora São João', dataEvento: '2026-05-20', valorTotal: 100 } }),
  ];
  const ack = await indexDocuments(server, docs);
  assert.equal(ack.processed, 3);
});

after(async () => {
  await server?.stop();
  server?.cleanup();
  db?.drop();
});

test('the list is searched, paged and newest first', async () => {
  const all = await api(server, 'GET', '/api/pdfs');
  assert.equal(all.status, 200);
  assert.equal(all.json.total, 3);
  assert.deepEqual(all.json.items.map((d) => d.numero), ['4490', '89331', '2026-0215']);
  const os = all.json.items[1];
  assert.equal(os.tipo, 'os');
  assert.equal(os.cliente, 'Ana Lima');
  assert.equal(os.dataEvento, '2026-05-19');
  assert.equal(os.status, 'available_local');
  assert.equal(os.clientId, server.creds.clientId);
  assert.equal(os.valorTotal, null);

  const byName = await api(server, 'GET', `/api/pdfs?cliente=${encodeURIComponent('são joão')}`);
  assert.deepEqual(byName.json.items.map((d) => d.numero), ['4490']);
  const may = await api(server, 'GET', '/api/pdfs?from=2026-05-01&to=2026-05-31&tipo=os');
  assert.deepEqual(may.json.items.map((d) => d.numero), ['89331']);
  const page2 = await api(server, 'GET', '/api/pdfs?pageSize=2&page=2');
  assert.deepEqual(page2.json, { ...page2.json, total: 3, page: 2, pageSize: 2 });
  assert.deepEqual(page2.json.items.map((d) => d.numero), ['2026-0215']);
});

test('one pdf has a status; an unknown one is 404', async () => {
  const all = await api(server, 'GET', '/api/pdfs?numero=89331');
  const id = all.json.items[0].id;
  const res = await api(server, 'GET', `/api/pdfs/${id}/status`);
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'available_local');
  assert.equal(res.json.fileHash, all.json.items[0].fileHash);
  assert.equal(res.json.cachedUntil, null);
  const missing = await api(server, 'GET', '/api/pdfs/987654321/status');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.code, 'not_found');
  assert.equal((await api(server, 'POST', `/api/pdfs/${id}/status`)).status, 405);
  assert.equal((await api(server, 'GET', '/api/pdfs/abc/status')).status, 404);
});

test('who is asking is checked and bad parameters are named', async () => {
  for (const path of ['/api/pdfs', '/api/pdfs/1/status']) {
    const anonymous = await api(server, 'GET', path, { token: null });
    assert.equal(anonymous.status, 401, path);
    const daemonToken = await api(server, 'GET', path, { token: server.creds.daemonToken });
    assert.equal(daemonToken.status, 401, path);
  }
  const bad = await api(server, 'GET', '/api/pdfs?tipo=fatura');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /^tipo:/);
  const typo = await api(server, 'GET', '/api/pdfs?cleinte=Ana');
  assert.equal(typo.status, 400);
  assert.match(typo.json.error, /cleinte: unknown parameter/);
});
