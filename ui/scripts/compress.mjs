// Writes .gz and .br next to every compressible file of the build (js, css,
// html, svg, json, webmanifest, txt over 1 KiB), at maximum compression: the
// server sends them to browsers that accept them. Prints the first-load size.
//   node scripts/compress.mjs [dist]
import { readdir, readFile, writeFile, stat, unlink } from 'node:fs/promises';
import { join, extname, relative } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = process.argv[2] ?? 'dist';
const EXT = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt', '.map']);
const MIN_BYTES = 1024;

async function* walk(dir) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

let files = 0;
let raw = 0;
let gz = 0;
for await (const file of walk(root)) {
  if (file.endsWith('.gz') || file.endsWith('.br')) {
    // Left over from an earlier build of a file that no longer exists.
    const source = file.slice(0, -3);
    if (!(await stat(source).catch(() => null))) await unlink(file);
    continue;
  }
  if (!EXT.has(extname(file))) continue;
  const data = await readFile(file);
  if (data.length <= MIN_BYTES) continue;
  const g = gzipSync(data, { level: 9 });
  const b = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [constants.BROTLI_PARAM_MODE]: extname(file) === '.woff2' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  await writeFile(file + '.gz', g);
  await writeFile(file + '.br', b);
  files++;
  raw += data.length;
  gz += g.length;
}

// The first load: index.html plus what it links (the entry script, its static
// imports preloaded by <link rel=modulepreload>, the stylesheet).
const html = await readFile(join(root, 'index.html'), 'utf8');
const linked = [...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let first = gzipSync(Buffer.from(html), { level: 9 }).length;
for (const f of linked) first += gzipSync(await readFile(join(root, f)), { level: 9 }).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KiB';
console.log(`compress: ${files} files, ${kb(raw)} → ${kb(gz)} gzip; first load ${kb(first)} gzip (${['index.html', ...linked].map((f) => relative('.', f)).join(', ')})`);
