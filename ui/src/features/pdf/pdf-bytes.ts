import { downloadUrl } from './api';
import { dropKept, readKept } from './device-copies';

/**
 * The file of a PDF about to be shown, fetched whole by the page as soon as
 * it is known to be on the server (the press on a cached PDF, or pdf:ready),
 * while the viewer's chunk loads and pdf.js's worker starts. The viewer takes
 * it (once) and hands pdf.js the bytes: no second request, no ranges. With no
 * network (or the server out of reach) the copy kept on this device is used
 * (device-copies.ts).
 *
 * Only for files up to PREFETCH_MAX: a larger one is left to pdf.js, which
 * reads it in ranges and shows page 1 before its end has arrived. A file not
 * taken within KEEP_MS is dropped (the person went elsewhere).
 */
export const PREFETCH_MAX = 8 * 1024 * 1024;
const KEEP_MS = 60_000;

export interface PdfBytes {
  bytes: Uint8Array;
  /** Read from this device's kept copy, not from the server. */
  fromDevice: boolean;
}

interface Pending {
  file: Promise<PdfBytes | null>;
  timer: ReturnType<typeof setTimeout>;
}

const pending = new Map<number, Pending>();

async function fromServer(id: number): Promise<PdfBytes | null> {
  const r = await fetch(downloadUrl(id), { credentials: 'same-origin' });
  if (r.status === 403 || r.status === 404) void dropKept(id); // no longer this person's, or gone: off the device too
  if (!r.ok) return null; // the viewer asks pdf.js, which reports what went wrong (and the route asks again)
  const length = Number(r.headers.get('content-length'));
  if (Number.isFinite(length) && length > PREFETCH_MAX) {
    void r.body?.cancel();
    return null;
  }
  return { bytes: new Uint8Array(await r.arrayBuffer()), fromDevice: false };
}

async function fetchFile(id: number): Promise<PdfBytes | null> {
  const device = async () => {
    const bytes = await readKept(id);
    return bytes ? { bytes, fromDevice: true } : null;
  };
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return device();
  try {
    return await fromServer(id);
  } catch {
    return device(); // no network after all, or the server out of reach
  }
}

/** Starts fetching the PDF's file unless it is known to be large; a fetch under way is reused. */
export function prefetchPdf(id: number, size?: number | null): void {
  if (pending.has(id) || (size != null && size > PREFETCH_MAX)) return;
  pending.set(id, { file: fetchFile(id), timer: setTimeout(() => pending.delete(id), KEEP_MS) });
}

/** The prefetched file, once; undefined when none was started; null when it could not be had. */
export function takePdf(id: number): Promise<PdfBytes | null> | undefined {
  const p = pending.get(id);
  if (!p) return undefined;
  pending.delete(id);
  clearTimeout(p.timer);
  return p.file.catch(() => null);
}

/** The file for the viewer: the prefetched one, else fetched now (null: large, or not to be had). */
export function loadPdf(id: number, size?: number | null): Promise<PdfBytes | null> {
  prefetchPdf(id, size);
  return takePdf(id) ?? Promise.resolve(null);
}
