// --log-file: the server's log goes to a file that never grows past its
// bound, old files rotate away, and no token or password lands in any of them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAnswersOf, createDatabase, serverBinary, sourceDir, until } from './harness.mjs';

const db = createDatabase();
const dir = mkdtempSync(join(tmpdir(), 'siberius-e2e-log-'));
let proc;
after(() => {
  proc?.kill('SIGTERM');
  db.drop?.();
  rmSync(dir, { recursive: true, force: true });
});

test('the log file rotates at its size and keeps secrets out', async () => {
  const log = join(dir, 'logs', 'server.log');
  let stderr = '';
  proc = spawn(serverBinary, [
    '--port', '0', '--db', db.conninfo, '--schema-dir', join(sourceDir, 'schema'),
    '--credentials', join(dir, 'credentials.json'), '--storage-dir', join(dir, 'storage'),
    '--rate-limit-per-s', '0', '--log-level', 'debug', '--log-file', log, '--log-max-mb', '1', '--log-keep', '2',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr.on('data', (d) => { stderr += d; });
  await until('the server listening, in the log file', () => existsSync(log) && readFileSync(log, 'utf8').includes('"server:listening"'), { timeout: 30000 });
  const port = JSON.parse(readFileSync(log, 'utf8').split('\n').find((l) => l.includes('"server:listening"'))).port;
  const creds = JSON.parse(readFileSync(join(dir, 'credentials.json'), 'utf8'));

  // Each refused token is a log line (api:auth:failed), and at debug level
  // each connection more: a few MiB of them.
  const url = `http://127.0.0.1:${port}/api/admin/daemons`;
  checkAnswersOf(url);
  const wrong = `${creds.adminToken.slice(0, 17)}${'0'.repeat(64)}`;
  for (let round = 0; round < 1000; round++) {
    await Promise.all(Array.from({ length: 50 }, () => fetch(url, { headers: { Authorization: `Bearer ${wrong}` } }).then((r) => r.arrayBuffer())));
    if (existsSync(`${log}.2`) && statSync(log).size > 0) break;
  }
  // A login, so that a password went through the server too.
  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST', body: JSON.stringify({ login: creds.adminUser, password: creds.adminPassword }),
  });
  assert.equal(login.status, 200);

  const files = readdirSync(join(dir, 'logs')).sort();
  assert.deepEqual(files, ['server.log', 'server.log.1', 'server.log.2'], 'the live file and two rotated ones, no more');
  for (const f of files) {
    const path = join(dir, 'logs', f);
    assert.ok(statSync(path).size <= 1024 * 1024, `${f} is within 1 MiB (${statSync(path).size} bytes)`);
    const text = readFileSync(path, 'utf8');
    for (const line of text.split('\n').filter(Boolean)) JSON.parse(line); // whole JSON lines, none cut
    for (const secret of [creds.adminToken, creds.daemonToken, creds.adminPassword, wrong.slice(17)]) {
      assert.ok(!text.includes(secret), `no secret in ${f}`);
    }
  }
  assert.ok(readFileSync(join(dir, 'logs', 'server.log.1'), 'utf8').includes('"api:auth:failed"'));
  assert.equal(stderr, '', 'nothing on stderr once the log file is set');
});
