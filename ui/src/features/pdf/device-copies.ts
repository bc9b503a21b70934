import { FORGOTTEN_EVENT, PERSONAL_CACHES } from '../../lib/offline';
import { createStore, useStore } from '../../lib/store';
import { downloadUrl, fetchPdfStatus } from './api';

/**
 * PDFs kept on this device for the field: every PDF the viewer showed is
 * written to the Cache Storage (`siberius-pdfs`, one entry per PDF under its
 * download path) once page 1 is on screen, so it opens again with no network.
 * Each copy carries the date the server keeps it until (its event's date plus
 * the retention, `cachedUntil`); past that date it is removed (at the app's
 * start and whenever the list is read). Signing out deletes them all
 * (lib/offline.ts).
 *
 * The page owns these copies, not the service worker: writing the copy beside
 * a download streaming through the worker cost the viewer about 100 ms per
 * press (bench/pdf_view.sh), and the page knows when it has the whole file.
 */
export const PDF_CACHE: (typeof PERSONAL_CACHES)[number] = 'siberius-pdfs';
const KEEP_UNTIL = 'x-siberius-keep-until';
/** When the server does not say (an old status answer, no event date): the design's 15 days. */
const DEFAULT_KEEP_MS = 15 * 86_400_000;

const kept = createStore<ReadonlySet<number>>(new Set());
const key = (id: number) => new URL(downloadUrl(id), window.location.origin).href;
const idOf = (url: string) => {
  const m = /\/api\/pdfs\/(\d+)\/download$/.exec(new URL(url).pathname);
  return m ? Number(m[1]) : null;
};
const available = () => typeof caches !== 'undefined';

/** Whether a copy of the PDF is on this device (for the button's words, and to open it offline). */
export function useKeptOnDevice(id: number): boolean {
  return useStore(kept, (s) => s.has(id));
}

export const isKeptOnDevice = (id: number) => kept.get().has(id);

/** A copy is past its date: `keepUntil` in ms since the epoch (pure, tested). */
export const isExpired = (keepUntil: number | null, now: number) => keepUntil !== null && keepUntil <= now;

/** Reads which PDFs are kept, removing those past their date. */
export async function refreshKept(now = Date.now()): Promise<void> {
  if (!available()) return;
  try {
    const cache = await caches.open(PDF_CACHE);
    const ids = new Set<number>();
    for (const request of await cache.keys()) {
      const id = idOf(request.url);
      const response = id === null ? undefined : await cache.match(request);
      const until = Number(response?.headers.get(KEEP_UNTIL));
      if (id === null || !response || isExpired(Number.isFinite(until) ? until : null, now)) await cache.delete(request);
      else ids.add(id);
    }
    kept.set(ids);
  } catch {
    // Storage refused (private window, quota): nothing is kept, the app works online.
  }
}

/** Writes the copy the viewer showed, with the server's date. Failures only mean it is not kept. */
export async function keepOnDevice(id: number, bytes: Uint8Array): Promise<void> {
  if (!available()) return;
  let until = Date.now() + DEFAULT_KEEP_MS;
  try {
    const s = await fetchPdfStatus(id);
    const server = Date.parse(s.cachedUntil ?? '');
    if (Number.isFinite(server)) until = server;
  } catch {
    // Offline just after it arrived: the default date; the next look at the list corrects nothing, which is fine.
  }
  if (isExpired(until, Date.now())) return;
  try {
    const cache = await caches.open(PDF_CACHE);
    await cache.put(
      key(id),
      new Response(bytes.slice().buffer, { headers: { 'content-type': 'application/pdf', 'content-length': String(bytes.byteLength), [KEEP_UNTIL]: String(until) } }),
    );
    kept.set(new Set(kept.get()).add(id));
  } catch {
    // Full or refused: not kept.
  }
}

/** The kept copy's bytes, or null. */
export async function readKept(id: number): Promise<Uint8Array | null> {
  if (!available()) return null;
  try {
    const response = await (await caches.open(PDF_CACHE)).match(key(id));
    const until = Number(response?.headers.get(KEEP_UNTIL));
    if (!response || isExpired(Number.isFinite(until) ? until : null, Date.now())) return null;
    return new Uint8Array(await response.arrayBuffer());
  } catch {
    return null;
  }
}

/** The copy is no longer the server's (expired there, or access was lost): off the device too. */
export async function dropKept(id: number): Promise<void> {
  if (!kept.get().has(id) || !available()) return;
  const next = new Set(kept.get());
  next.delete(id);
  kept.set(next);
  await caches
    .open(PDF_CACHE)
    .then((c) => c.delete(key(id)))
    .catch(() => false);
}

// After sign-out the caches are deleted (lib/offline.ts); the memory of them follows.
if (typeof window !== 'undefined') window.addEventListener(FORGOTTEN_EVENT, () => kept.set(new Set()));
