// Draws the web app's icons (PNG, for the manifest and home screens) from the
// logo's SVG in Debian's Chromium; run again only when the logo changes:
//   node scripts/make-icons.mjs        (needs tests/ui/node_modules: npm ci there)
// "any" icons are the rounded logo; "maskable" ones fill the square and keep
// the letter inside the central 80 % circle that launchers may crop to.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'tests', 'ui', 'package.json'));
const { chromium } = require('playwright-core');

const letter = 'M9 21.5c1.6 1.4 3.9 2.2 6.6 2.2 3.9 0 6.4-1.9 6.4-4.8 0-2.6-1.8-3.8-5.6-4.7-2.6-.6-3.4-1-3.4-2 0-.9.9-1.5 2.4-1.5 1.6 0 3.1.5 4.4 1.5l1.8-2.6c-1.6-1.3-3.7-2-6.1-2-3.7 0-6.1 2-6.1 4.8 0 2.9 2 3.9 5.7 4.7 2.4.5 3.3 1 3.3 2 0 1-.9 1.6-2.6 1.6-2 0-3.8-.7-5.2-2z';
const svg = (maskable) => maskable
  ? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#1d4f91"/><g transform="translate(16 16) scale(0.62) translate(-15.5 -16)"><path d="${letter}" fill="#fff"/></g></svg>`
  : `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4f91"/><path d="${letter}" fill="#fff"/></svg>`;

const out = join(root, 'ui', 'public', 'icons');
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['maskable-512.png', 512, true], ['apple-touch-icon.png', 180, true]]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg(maskable)}`);
  await page.screenshot({ path: join(out, name), omitBackground: !maskable });
  await page.close();
  console.log(`${name} ${size}x${size}`);
}
await browser.close();
