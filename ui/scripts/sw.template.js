// The Siberius service worker (written into dist/sw.js by scripts/service-worker.mjs,
// which fills in the version and the list of the build's files).
//
// - The app shell (index.html, scripts, styles, icons) is cached at install:
//   the app opens with no network, and a new build replaces the old shell.
// - Pages: network first, the cached index.html when offline.
// - A few GET answers the technicians' home needs (who is signed in, their
//   atendimentos) are kept from the last time they were fetched, for offline.
// - Everything else under /api/ and /socket.io/ goes to the network only;
//   PDF downloads too: the page keeps the PDFs it showed for offline
//   (src/features/pdf/device-copies.ts), so a download never streams through
//   this worker (that cost the viewer ~100 ms a press).
// - "PDF disponível" is shown from here (the page asks), and a tap on it
//   brings the app to the viewer.
// Signing out deletes the kept answers and PDFs (ui/src/lib/offline.ts).
/* eslint-env serviceworker */
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const SHELL_CACHE = `siberius-shell-${VERSION}`;
const DATA_CACHE = 'siberius-data';
const KEPT_API = [/^\/api\/me$/, /^\/api\/atendimentos$/, /^\/api\/atendimentos\/\d+$/, /^\/api\/pdfs\/\d+\/status$/];

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

/** Bumped when the person signs out: answers fetched before that are not kept. */
let generation = 0;

/** Network first; the last good answer when the network is away. A 401/403 forgets it. */
async function kept(event, request) {
  const started = generation;
  try {
    const response = await fetch(request);
    if (response.ok && started === generation) {
      const copy = response.clone();
      event.waitUntil(caches.open(DATA_CACHE).then((cache) => (started === generation ? cache.put(request, copy) : undefined)).catch(() => {}));
    } else if (response.status === 401 || response.status === 403) {
      // Never creates the cache (caches.open would): after a sign-out none must be left.
      event.waitUntil(caches.has(DATA_CACHE).then((has) => has && caches.open(DATA_CACHE).then((cache) => cache.delete(request))).catch(() => {}));
    }
    return response;
  } catch (err) {
    const hit = (await caches.has(DATA_CACHE)) ? await (await caches.open(DATA_CACHE)).match(request) : undefined;
    if (hit) return saved(hit);
    throw err;
  }
}

/**
 * The page was loaded before this worker took it over (the very first visit):
 * it sends the addresses it fetched, and those this worker keeps are fetched
 * once more, so the app opens offline from the first visit on.
 */
self.addEventListener('message', (event) => {
  if (event.data?.type === 'siberius:keep' && Array.isArray(event.data.urls)) event.waitUntil(keepNow(event.data.urls));
  // The person signed out (ui/src/lib/offline.ts deletes the caches too): answers still on their way are not kept.
  if (event.data?.type === 'siberius:forget') {
    generation++;
    event.waitUntil(caches.delete(DATA_CACHE));
  }
});

async function keepNow(urls) {
  const started = generation;
  for (const u of urls.slice(0, 50)) {
    const url = new URL(String(u), self.location.origin);
    if (url.origin !== self.location.origin || !KEPT_API.some((re) => re.test(url.pathname))) continue;
    try {
      const response = await fetch(url.href, { credentials: 'same-origin' });
      if (response.ok && started === generation) await (await caches.open(DATA_CACHE)).put(url.href, response);
    } catch (err) {
      // Offline already: nothing to keep.
    }
  }
}

/** A tap on "PDF disponível": the app's open window goes to the viewer (or a new one opens there). */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = typeof event.notification.data?.url === 'string' && event.notification.data.url.startsWith('/') ? event.notification.data.url : '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (open) {
        await open.focus().catch(() => {});
        open.postMessage({ type: 'siberius:open', path });
      } else {
        await self.clients.openWindow(path);
      }
    })(),
  );
});
