import type { ApiError } from '../../lib/api-client';
import type { PdfRequestAnswer, PdfStatus } from './api';
import type { PdfFailedEvent, PdfReadyEvent, PdfUploadProgressEvent } from './events';
import { pdfText as t } from './strings';

/**
 * What this tab knows of one PDF's way from the office, beyond the status a
 * list was loaded with. Pure: the request's answer, the status endpoint and
 * the pdf:* events each move it one step (tested in transfer-state.test.ts).
 */
export type Phase = 'requesting' | 'queued' | 'uploading' | 'offline' | 'no-network' | 'ready' | 'failed' | 'missing' | 'expired' | 'error';

export interface Transfer {
  phase: Phase;
  requestId: string | null;
  percent: number | null;
  bytes: number | null;
  totalBytes: number | null;
  queuePosition: number | null;
  /** failed / missing: the code and the server's reason; error: the API client's sentence. */
  code: string | null;
  reason: string | null;
  /** Asked for from this tab (a press), not only seen in someone else's events. */
  askedHere: boolean;
  /** The office (or this device's network) was offline at some point of this wait: it is not opened by itself when it
   *  arrives; a notification says it came. */
  waitedOffline: boolean;
}

const blank: Transfer = {
  phase: 'requesting', requestId: null, percent: null, bytes: null, totalBytes: null, queuePosition: null,
  code: null, reason: null, askedHere: false, waitedOffline: false,
};

/** Waiting for the office: the status endpoint is polled and events are expected. */
export const isWaiting = (x: Transfer | undefined) =>
  !!x && (x.phase === 'requesting' || x.phase === 'queued' || x.phase === 'uploading' || x.phase === 'offline' || x.phase === 'no-network');

/** Waiting on the server (its status is worth asking), not on this device's network. */
export const isWaitingOnServer = (x: Transfer | undefined) => isWaiting(x) && x?.phase !== 'requesting' && x?.phase !== 'no-network';

function next(prev: Transfer | undefined, change: Partial<Transfer>): Transfer {
  const base = prev ?? blank;
  const x = { ...base, ...change };
  if (x.phase === 'offline' || x.phase === 'no-network') x.waitedOffline = true;
  // A new wait starts from a clean slate; an ended one keeps whether it waited offline (for the notice).
  if (x.phase !== 'failed' && x.phase !== 'missing' && x.phase !== 'error') {
    x.code = change.code ?? null;
    x.reason = change.reason ?? null;
  }
  return x;
}

/** Pressed with no network: the request waits on this device and goes when the network returns. */
export function noNetwork(prev: Transfer | undefined): Transfer {
  return next(prev, { phase: 'no-network', askedHere: true, percent: null });
}

/** A press: the request is on its way. */
export function pressed(prev: Transfer | undefined): Transfer {
  return { ...blank, askedHere: true, waitedOffline: isWaiting(prev) ? (prev?.waitedOffline ?? false) : false };
}

export function fromRequestAnswer(prev: Transfer | undefined, a: PdfRequestAnswer): Transfer {
  if (a.status === 'cached') return next(prev, { phase: 'ready', percent: 100 });
  const requestId = a.requestId ?? prev?.requestId ?? null;
  if (a.status === 'daemon_offline' || a.state === 'daemon_offline') return next(prev, { phase: 'offline', requestId });
  // An event may have arrived before the answer: keep the progress already shown.
  if (prev?.phase === 'uploading' || prev?.phase === 'ready') return { ...prev, requestId };
  if (a.state === 'uploading') return next(prev, { phase: 'uploading', requestId });
  return next(prev, { phase: 'queued', requestId });
}

export function fromRequestError(prev: Transfer | undefined, e: ApiError): Transfer {
  if (e.code === 'missing') return next(prev, { phase: 'missing', code: 'missing', reason: null });
  if (e.code === 'no_daemon') return next(prev, { phase: 'failed', code: 'no_daemon', reason: e.serverMessage });
  const reason = e.code === 'forbidden' ? t.forbidden : e.code === 'not_found' ? t.notFound : e.message;
  return next(prev, { phase: 'error', code: e.code, reason });
}

/** The status endpoint, asked while waiting (or when a page opens): catches what events missed. */
export function fromStatus(prev: Transfer | undefined, s: PdfStatus): Transfer | undefined {
  const tr = s.transfer;
  switch (s.status) {
    case 'cached':
      return next(prev, { phase: 'ready', percent: 100 });
    case 'daemon_offline':
      return next(prev, { phase: 'offline', requestId: tr?.requestId ?? s.requestId ?? prev?.requestId ?? null });
    case 'uploading': {
      if (tr?.state === 'daemon_offline') return next(prev, { phase: 'offline', requestId: tr.requestId });
      if (tr?.state === 'queued' || tr?.state === 'requested')
        return next(prev, { phase: 'queued', requestId: tr.requestId, queuePosition: tr.queuePosition ?? null });
      const percent = tr?.progress ?? s.progress ?? prev?.percent ?? null;
      return next(prev, { phase: 'uploading', requestId: tr?.requestId ?? s.requestId ?? null, percent, bytes: tr?.bytes ?? null, totalBytes: tr?.totalBytes ?? s.fileSize ?? null });
    }
    case 'missing':
      return next(prev, { phase: 'missing', code: 'missing', reason: s.reason });
    case 'expired':
      return next(prev, { phase: 'expired' });
    default:
      // available_local: nothing under way. If this tab was waiting, the transfer ended without a copy.
      if (prev?.phase === 'no-network') return prev; // not asked yet: it goes when the network returns
      if (isWaitingOnServer(prev)) {
        const last = s.lastTransfer;
        return next(prev, { phase: 'failed', code: last?.status === 'cancelled' ? 'cancelled' : 'upload_failed', reason: s.reason ?? last?.error ?? null });
      }
      return prev && (prev.phase === 'failed' || prev.phase === 'error') ? prev : undefined;
  }
}

export function fromProgress(prev: Transfer | undefined, e: PdfUploadProgressEvent): Transfer {
  if (prev?.phase === 'ready') return prev;
  return next(prev, { phase: 'uploading', requestId: e.requestId, percent: e.percent, bytes: e.bytes, totalBytes: e.totalBytes });
}

export function fromReady(prev: Transfer | undefined, e: PdfReadyEvent): Transfer {
  return next(prev, { phase: 'ready', requestId: e.requestId, percent: 100, bytes: e.bytes, totalBytes: e.bytes });
}

export function fromFailed(prev: Transfer | undefined, e: PdfFailedEvent): Transfer {
  const missing = e.code === 'file_missing' || e.code === 'hash_changed';
  return next(prev, { phase: missing ? 'missing' : 'failed', requestId: e.requestId, code: e.code, reason: e.reason });
}

/** A list said "cached" and the person opened it: the viewer may start at once (it asks again if the copy is gone). */
export function onServer(prev: Transfer | undefined): Transfer {
  return prev?.phase === 'ready' ? prev : next(prev, { phase: 'ready', percent: 100 });
}

export function fromExpired(prev: Transfer | undefined): Transfer {
  return next(prev, { phase: 'expired', percent: null });
}

/**
 * What the button shows: the tab's own knowledge first, else the status the
 * list was loaded with. `uploading` from a list is someone else's transfer.
 */
export type View = Phase | 'cached' | 'office' | 'uploading-other';

export function viewOf(listStatus: string, x: Transfer | undefined): View {
  if (x) return x.phase === 'uploading' && !x.askedHere ? 'uploading-other' : x.phase;
  switch (listStatus) {
    case 'cached': return 'cached';
    case 'expired': return 'expired';
    case 'missing': return 'missing';
    case 'uploading': return 'uploading-other';
    case 'daemon_offline': return 'offline';
    default: return 'office';
  }
}

/** Why it did not come, in words a technician can act on. */
export function failureText(code: string | null, reason: string | null): string {
  if (code && t.failure[code]) return t.failure[code];
  if (code === 'missing') return t.missing;
  if (reason) return reason;
  return t.failureUnknown(code ?? '?');
}
