// Writes dist/sw.js from scripts/sw.template.js: the list of the build's files
// to cache at install (the app shell) and a version that changes with them, so
// a new build replaces the old shell on the devices that have it.
//   node scripts/service-worker.mjs [dist]
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? 'dist';
const template = await readFile(fileURLToPath(new URL('./sw.template.js', import.meta.url)), 'utf8');

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const files = [];
for await (const file of walk(root)) {
  const name = '/' + relative(root, file).split(sep).join('/');
  if (name.endsWith('.gz') || name.endsWith('.br') || name === '/sw.js' || name.endsWith('.map')) continue;
  files.push(name);
}
files.sort();
const hash = createHash('sha256');
for (const name of files) hash.update(name).update(await readFile(join(root, name)));
const version = hash.digest('hex').slice(0, 16);
const sw = template.replace("'__VERSION__'", JSON.stringify(version)).replace('__SHELL__', JSON.stringify(files, null, 2));
await writeFile(join(root, 'sw.js'), sw);
console.log(`sw.js: ${files.length} files in the app shell, version ${version}`);
