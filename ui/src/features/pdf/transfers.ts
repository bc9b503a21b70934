import { ApiError } from '../../lib/api-client';
import { OUTBOX_KEY } from '../../lib/offline';
import { navigate } from '../../lib/router';
import { socketLayer } from '../../lib/socket';
import { createStore, useStore } from '../../lib/store';
import { fetchPdfStatus, requestPdf, type PdfStatus } from './api';
import { dropKept, refreshKept } from './device-copies';
import './events';
import { prefetchPdf } from './pdf-bytes';
import { pdfText as t } from './strings';
import {
  fromExpired, fromFailed, onServer, fromProgress, fromReady, fromRequestAnswer, fromRequestError, fromStatus, isWaiting, isWaitingOnServer,
  noNetwork, pressed,
  type Transfer,
} from './transfer-state';

/**
 * Every PDF this tab is waiting for or has seen move, by id: one place that
 * the buttons and the viewer read. One request at a time per PDF from this
 * tab; the server joins the requests of everyone else into the same upload.
 * There is no "cancel": the upload is shared, and one person leaving must
 * not cancel it for the others.
 */
const transfers = createStore<ReadonlyMap<number, Transfer>>(new Map());
const inFlight = new Set<number>();
/** Asked with no network, in this tab (also in localStorage, when there is one). */
const outbox = new Set<number>();
/** PDFs to open when they arrive, with the page they were asked from. */
const openWhenReady = new Map<number, string>();
/** Display names, for the notification. */
const names = new Map<number, string>();

export const POLL_MS = 5000;
const CANCELLING_RETRIES = 3;

export const viewerPath = (id: number) => `/pdf/${id}`;

function update(id: number, fn: (prev: Transfer | undefined) => Transfer | undefined): Transfer | undefined {
  let out: Transfer | undefined;
  transfers.set((m) => {
    const prev = m.get(id);
    out = fn(prev);
    if (out === prev) return m;
    const copy = new Map(m);
    if (out) copy.set(id, out);
    else copy.delete(id);
    return copy;
  });
  return out;
}

export function transferOf(id: number): Transfer | undefined {
  return transfers.get().get(id);
}

let wired = false;
let pollTimer: ReturnType<typeof setInterval> | null = null;

function wire(): void {
  if (wired) return;
  wired = true;
  const s = socketLayer();
  s.on('pdf:upload_progress', (e) => update(e.pdfId, (p) => fromProgress(p, e)));
  s.on('pdf:ready', (e) => {
    update(e.pdfId, (p) => fromReady(p, e));
    arrived(e.pdfId);
  });
  s.on('pdf:failed', (e) => {
    update(e.pdfId, (p) => fromFailed(p, e));
    openWhenReady.delete(e.pdfId);
  });
  s.on('pdf:expired', (e) => {
    update(e.pdfId, (p) => (p ? fromExpired(p) : p));
    void dropKept(e.pdfId); // past its event's date: off this device too
  });
  // Events sent while the socket was down are lost: ask for where things are.
  let was = s.state.get();
  s.state.subscribe(() => {
    const now = s.state.get();
    if (now === 'connected' && was !== 'connected') {
      refreshWaiting();
      flushOutbox();
    }
    was = now;
  });
  transfers.subscribe(schedulePolling);
  // Requests made with no network, here or before the app was closed: shown as waiting, sent when it returns.
  window.addEventListener('online', flushOutbox);
  queueMicrotask(() => {
    void refreshKept(); // which PDFs this device keeps (and those past their date go)
    for (const id of readOutbox()) update(id, noNetwork);
    flushOutbox();
  });
}

function readOutbox(): number[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(OUTBOX_KEY) ?? '[]');
    return Array.isArray(ids) ? ids.filter((x): x is number => Number.isInteger(x) && x > 0) : [];
  } catch {
    return [];
  }
}

function writeOutbox(ids: number[]): void {
  try {
    if (ids.length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(ids));
    else localStorage.removeItem(OUTBOX_KEY);
  } catch {
    // No storage (a private window): the request waits only while this tab is open.
  }
}

/** No network: the request is kept on the device (it survives closing the app) until the network returns. */
function waitForNetwork(id: number): Transfer | undefined {
  writeOutbox([...new Set([...readOutbox(), id])]);
  outbox.add(id);
  openWhenReady.delete(id);
  return update(id, noNetwork);
}

/** The network is back (the browser says so, or the live connection came back): the kept requests go. */
function flushOutbox(): void {
  if (navigator.onLine === false) return;
  const ids = [...new Set([...readOutbox(), ...outbox])];
  if (ids.length === 0) return;
  writeOutbox([]);
  outbox.clear();
  for (const id of ids) void send(id);
}

/** While anything is awaited, the status endpoint is asked every few seconds: it
 *  catches an office that went offline mid-way and events the socket missed. */
function schedulePolling(): void {
  const waiting = [...transfers.get().values()].some(isWaitingOnServer);
  if (waiting && pollTimer === null) pollTimer = setInterval(refreshWaiting, POLL_MS);
  else if (!waiting && pollTimer !== null) {
    clearInterval(pollTimer);
    pollTimer = null;
  }
}

function refreshWaiting(): void {
  for (const [id, x] of transfers.get()) if (isWaitingOnServer(x) && !inFlight.has(id)) void refresh(id);
}

/** Asks the server where one PDF is and folds the answer in. */
export async function refresh(id: number, signal?: AbortSignal): Promise<Transfer | undefined> {
  wire();
  try {
    return foldStatus(id, await fetchPdfStatus(id, signal));
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'forbidden' || e.code === 'not_found')) {
      void dropKept(id); // no longer this person's (or gone): off this device too
      return update(id, (p) => fromRequestError(p, e));
    }
    if (signal?.aborted) throw e;
    return transferOf(id); // a network hiccup: the next poll tries again
  }
}

/** Folds a status answer in (a page that opened, a poll). */
export function foldStatus(id: number, s: PdfStatus): Transfer | undefined {
  wire();
  const before = transferOf(id);
  const after = update(id, (p) => fromStatus(p, s));
  if (after?.phase === 'ready' && before?.phase !== 'ready') arrived(id);
  return after;
}

/**
 * A person asks for the PDF: at high priority. Resolves with the state after
 * the server's answer. `openOnArrival` opens the viewer when it arrives, if
 * the person is still on the same page and the office did not go offline.
 */
export async function ask(id: number, { openOnArrival = true }: { openOnArrival?: boolean } = {}): Promise<Transfer | undefined> {
  wire();
  if (openOnArrival) openWhenReady.set(id, window.location.pathname);
  const cur = transferOf(id);
  if (inFlight.has(id) || (cur?.askedHere && isWaiting(cur))) return cur;
  if (navigator.onLine === false) return waitForNetwork(id);
  return send(id);
}

/** POST /api/pdfs/:id/request, and the state after the answer; no network → kept for later. */
async function send(id: number): Promise<Transfer | undefined> {
  if (inFlight.has(id)) return transferOf(id);
  inFlight.add(id);
  update(id, pressed);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await requestPdf(id);
        const x = update(id, (p) => fromRequestAnswer(p, answer));
        if (x?.phase === 'ready') arrived(id);
        return x;
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', message: String(e) });
        // The previous transfer is being cancelled by someone: it takes a moment.
        if (err.code === 'cancelling' && attempt < CANCELLING_RETRIES) {
          await new Promise((r) => setTimeout(r, 1000 * (err.retryAfterSeconds ?? 1)));
          continue;
        }
        if (err.isUnreachable) return waitForNetwork(id);
        openWhenReady.delete(id);
        return update(id, (p) => fromRequestError(p, err));
      }
    }
  } finally {
    inFlight.delete(id);
  }
}

/** The PDF is on the server: open it if the person is still waiting on that page, else tell them. */
function arrived(id: number): void {
  const x = transferOf(id);
  const from = openWhenReady.get(id);
  openWhenReady.delete(id);
  if (!x?.askedHere) return;
  const watching = from !== undefined && from === window.location.pathname && document.visibilityState === 'visible';
  if (watching && !x.waitedOffline) openViewer(id);
  else if (x.waitedOffline || document.visibilityState !== 'visible') void notify(id);
}

export function rememberName(id: number, name: string): void {
  names.set(id, name);
}

export const nameOf = (id: number) => names.get(id);

let cameFrom: string | null = null;

/** The page the viewer was opened from in this tab, for "Voltar". */
export const openedFrom = () => cameFrom;

export function openViewer(id: number, { cached = false }: { cached?: boolean } = {}): void {
  if (cached) update(id, onServer);
  // The file starts coming now, beside the viewer's code and pdf.js's worker.
  prefetchPdf(id, transferOf(id)?.totalBytes);
  const here = window.location.pathname + window.location.search;
  if (here !== viewerPath(id)) cameFrom = here;
  navigate(viewerPath(id));
}

export const canNotify = () => typeof Notification !== 'undefined';

export async function askNotificationPermission(): Promise<NotificationPermission> {
  if (!canNotify()) return 'denied';
  return Notification.requestPermission();
}

/**
 * "PDF disponível", through the service worker when there is one: it shows
 * while the app is in the background too, and on Android (where `new
 * Notification` is refused); a tap brings the app to the viewer
 * (scripts/sw.template.js, lib/offline.ts). Without a worker (development),
 * the page's own notification.
 */
async function notify(id: number): Promise<void> {
  if (!canNotify() || Notification.permission !== 'granted') return;
  const name = names.get(id) ?? t.title;
  const options: NotificationOptions = { body: t.notificationBody(name), tag: `siberius-pdf-${id}`, icon: '/icons/icon-192.png', data: { url: viewerPath(id) } };
  const reg = await workerRegistration();
  if (reg?.active) {
    try {
      await reg.showNotification(t.notificationTitle, options);
      return;
    } catch {
      // fall through to the page's own
    }
  }
  try {
    const n = new Notification(t.notificationTitle, options);
    n.onclick = () => {
      window.focus();
      openViewer(id);
      n.close();
    };
  } catch {
    // Refused (a browser without page notifications): the button still says it came.
  }
}

/** The service worker's registration once it has an active worker: one still installing (a first visit) is waited
 *  for a few seconds rather than falling back to the page's notification, which Android refuses. */
async function workerRegistration(): Promise<ServiceWorkerRegistration | undefined> {
  const sw = navigator.serviceWorker;
  if (!sw) return undefined;
  const reg = await sw.getRegistration().catch(() => undefined);
  if (!reg || reg.active) return reg;
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000));
  return Promise.race([sw.ready.catch(() => undefined), timeout]);
}

/** Follows one PDF's transfer in this tab (undefined: nothing beyond the list's status). */
export function usePdfTransfer(id: number): Transfer | undefined {
  wire();
  return useStore(transfers, (m) => m.get(id));
}
