// The viewer's chunk (pdf.js and its worker): one import shared by the lazy
// route and the press of "Visualizar PDF", which starts fetching it while the
// office is still sending the file.
export const loadViewer = () => import('./PdfViewerPage');

let warming: Promise<unknown> | null = null;

/** Fetches the viewer and starts pdf.js's worker, once; failures show up later, when the viewer opens. */
export function preloadViewer(): void {
  warming ??= loadViewer().then((m) => m.warmUp(), () => (warming = null));
}

let idleScheduled = false;

/**
 * A list with PDFs is on screen: once the page is idle, the viewer and its
 * worker get ready, so a press waits only for the file. Not with the
 * browser's data saver on (the viewer is ~400 KB compressed).
 */
export function preloadViewerWhenIdle(): void {
  if (idleScheduled || typeof window === 'undefined') return;
  idleScheduled = true;
  if ((navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData) return;
  const start = () => preloadViewer();
  if ('requestIdleCallback' in window) window.requestIdleCallback(start, { timeout: 4000 });
  else setTimeout(start, 2000);
}
