// The Siberius service worker (written into dist/sw.js by scripts/service-worker.mjs,
// which fills in the version and the list of the build's files).
//
// - The app shell (index.html, scripts, styles, icons) is cached at install:
//   the app opens with no network, and a new build replaces the old shell.
// - Pages: network first, the cached index.html when offline.
// - A few GET answers the technicians' home needs (who is signed in, their
//   atendimentos) are kept from the last time they were fetched, for offline.
// - A PDF opened on this device is kept until its event's expiry (the server's
//   cachedUntil), so it opens again with no network; then it is removed.
// - Everything else under /api/ and /socket.io/ goes to the network only.
// Signing out deletes the kept answers and PDFs (ui/src/lib/offline.ts).
/* eslint-env serviceworker */
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const SHELL_CACHE = `siberius-shell-${VERSION}`;
const DATA_CACHE = 'siberius-data';
const PDF_CACHE = 'siberius-pdfs';
const KEPT_API = [/^\/api\/me$/, /^\/api\/atendimentos$/, /^\/api\/atendimentos\/\d+$/, /^\/api\/pdfs\/\d+\/status$/];
const PDF_DOWNLOAD = /^\/api\/pdfs\/(\d+)\/download$/;
const metaKey = (id) => `/__siberius/pdf-meta/${id}`;

/** A kept answer, marked so the page knows the server was not reached (ui/src/lib/api-client.ts). */
function saved(response) {
  const headers = new Headers(response.headers);
  headers.set('X-Siberius-Saved', '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('siberius-shell-') && key !== SHELL_CACHE) await caches.delete(key);
      await dropExpiredPdfs();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/socket.io/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    return;
  }
  const pdf = PDF_DOWNLOAD.exec(url.pathname);
  if (pdf) {
    event.respondWith(pdfDownload(event, request, Number(pdf[1])));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname === '/health') {
    if (KEPT_API.some((re) => re.test(url.pathname))) event.respondWith(kept(event, request));
    return;
  }
  event.respondWith(shellFile(request));
});

async function page(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const shell = await caches.open(SHELL_CACHE);
    return (await shell.match('/index.html')) ?? Response.error();
  }
}

async function shellFile(request) {
  const hit = await caches.match(request, { ignoreSearch: true });
  return hit ?? fetch(request);
}

/** Network first; the last good answer when the network is away. A 401/403 forgets it. */
async function kept(event, request) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) event.waitUntil(cache.put(request, response.clone()).catch(() => {}));
    else if (response.status === 401 || response.status === 403) event.waitUntil(cache.delete(request));
    return response;
  } catch (err) {
    const hit = await cache.match(request);
    if (hit) return saved(hit);
    throw err;
  }
}

/** A PDF the viewer fetched: kept whole until its event's expiry, served from here offline. */
async function pdfDownload(event, request, id) {
  const cache = await caches.open(PDF_CACHE);
  const key = new URL(request.url).pathname;
  try {
    const response = await fetch(request);
    // The page gets the bytes as they arrive; the copy is written beside
    // them (never before them: the viewer must not wait for the cache).
    // Only a whole file (not a range) is kept.
    if (response.status === 200) {
      event.waitUntil(cache.put(key, response.clone()).then(() => rememberExpiry(cache, id)).catch(() => {}));
    } else if (response.status === 401 || response.status === 403 || response.status === 404) {
      event.waitUntil(Promise.all([cache.delete(key), cache.delete(metaKey(id))]));
    }
    return response;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return saved(hit);
    throw err;
  }
}

/** Until when the server keeps the PDF (its event date + retention): so long it stays here. */
async function rememberExpiry(cache, id) {
  try {
    const response = await fetch(`/api/pdfs/${id}/status`, { credentials: 'same-origin' });
    if (!response.ok) return;
    const status = await response.json();
    const until = Date.parse(status.cachedUntil ?? '') || Date.now() + 15 * 86400e3;
    await cache.put(metaKey(id), new Response(JSON.stringify({ keepUntil: until }), { headers: { 'content-type': 'application/json' } }));
  } catch (err) {
    // Offline right after the download: the next visit asks again.
  }
}

async function dropExpiredPdfs() {
  const cache = await caches.open(PDF_CACHE);
  for (const request of await cache.keys()) {
    const match = PDF_DOWNLOAD.exec(new URL(request.url).pathname);
    if (!match) continue;
    const meta = await cache.match(metaKey(match[1]));
    const keepUntil = meta ? (await meta.json()).keepUntil : null;
    if (keepUntil !== null && keepUntil < Date.now()) {
      await cache.delete(request);
      await cache.delete(metaKey(match[1]));
    }
  }
}

self.addEventListener('message', (event) => {
  if (event.data === 'siberius:drop-expired') event.waitUntil(dropExpiredPdfs());
});
