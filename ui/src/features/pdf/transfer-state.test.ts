import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-client';
import type { PdfStatus } from './api';
import {
  failureText, fromExpired, fromFailed, fromProgress, fromReady, fromRequestAnswer, fromRequestError, fromStatus, isWaiting, isWaitingOnServer,
  noNetwork, pressed, viewOf,
} from './transfer-state';
import { isExpired } from './device-copies';

const status = (s: Partial<PdfStatus>): PdfStatus => ({
  id: 7, status: 'available_local', filename: 'os.pdf', fileSize: 1000, cachedUntil: null, progress: null, reason: null, lastTransfer: null, ...s,
});

describe('a press and the server\'s answer', () => {
  it('cached: ready at once', () => {
    const x = fromRequestAnswer(pressed(undefined), { status: 'cached', pdfId: 7, pdfUrl: '/api/pdfs/7/download' });
    expect(x.phase).toBe('ready');
    expect(x.askedHere).toBe(true);
  });

  it('a transfer begins or is joined: queued until bytes arrive', () => {
    const x = fromRequestAnswer(pressed(undefined), { status: 'uploading', pdfId: 7, requestId: 'r1', state: 'queued', coalesced: true });
    expect(x).toMatchObject({ phase: 'queued', requestId: 'r1', waitedOffline: false });
    expect(isWaiting(x)).toBe(true);
  });

  it('the office offline: offline, and remembered once it arrives', () => {
    const off = fromRequestAnswer(pressed(undefined), { status: 'daemon_offline', pdfId: 7, requestId: 'r1', state: 'daemon_offline' });
    expect(off).toMatchObject({ phase: 'offline', waitedOffline: true });
    const done = fromReady(off, { pdfId: 7, requestId: 'r1', pdfUrl: '/api/pdfs/7/download', expiresAt: null, bytes: 1000 });
    expect(done).toMatchObject({ phase: 'ready', waitedOffline: true, askedHere: true });
  });

  it('progress that came before the answer is kept', () => {
    const early = fromProgress(pressed(undefined), { pdfId: 7, requestId: 'r1', percent: 40, bytes: 400, totalBytes: 1000 });
    const x = fromRequestAnswer(early, { status: 'uploading', pdfId: 7, requestId: 'r1', state: 'requested' });
    expect(x).toMatchObject({ phase: 'uploading', percent: 40 });
  });

  it('refusals in words', () => {
    const m = fromRequestError(undefined, new ApiError({ status: 409, code: 'missing', message: 'x' }));
    expect(m.phase).toBe('missing');
    const f = fromRequestError(undefined, new ApiError({ status: 403, code: 'forbidden', message: 'x' }));
    expect(f).toMatchObject({ phase: 'error', reason: expect.stringContaining('não tem acesso') });
    const n = fromRequestError(undefined, new ApiError({ status: 409, code: 'no_daemon', message: 'x' }));
    expect(failureText(n.code, n.reason)).toMatch(/Nenhum computador/);
  });
});

describe('events', () => {
  it('progress, then ready', () => {
    const p = fromProgress(undefined, { pdfId: 7, requestId: 'r1', percent: 10, bytes: 100, totalBytes: 1000 });
    expect(p).toMatchObject({ phase: 'uploading', askedHere: false });
    expect(fromReady(p, { pdfId: 7, requestId: 'r1', pdfUrl: '', expiresAt: null, bytes: 1000 }).phase).toBe('ready');
  });

  it('late progress does not undo ready', () => {
    const r = fromReady(undefined, { pdfId: 7, requestId: 'r1', pdfUrl: '', expiresAt: null, bytes: 1000 });
    expect(fromProgress(r, { pdfId: 7, requestId: 'r1', percent: 90, bytes: 900, totalBytes: 1000 }).phase).toBe('ready');
  });

  it('failed: missing files are "missing", the rest "failed", with the reason in words', () => {
    expect(fromFailed(undefined, { pdfId: 7, requestId: 'r', code: 'file_missing', reason: 'gone' }).phase).toBe('missing');
    const f = fromFailed(undefined, { pdfId: 7, requestId: 'r', code: 'stalled', reason: 'no bytes' });
    expect(f.phase).toBe('failed');
    expect(failureText(f.code, f.reason)).toMatch(/parou de responder/);
    expect(failureText('weird', 'the server said so')).toBe('the server said so');
    expect(failureText('weird', null)).toBe('O envio falhou (weird).');
  });

  it('expired after ready', () => {
    const r = fromReady(undefined, { pdfId: 7, requestId: 'r1', pdfUrl: '', expiresAt: null, bytes: 1 });
    expect(fromExpired(r).phase).toBe('expired');
  });
});

describe('the status endpoint', () => {
  it('maps every state', () => {
    expect(fromStatus(undefined, status({ status: 'cached' }))?.phase).toBe('ready');
    expect(fromStatus(undefined, status({ status: 'daemon_offline' }))?.phase).toBe('offline');
    expect(fromStatus(undefined, status({ status: 'uploading', transfer: { requestId: 'r', state: 'daemon_offline', priority: 'high', bytes: null, totalBytes: null, progress: null } }))?.phase).toBe('offline');
    expect(fromStatus(undefined, status({ status: 'uploading', transfer: { requestId: 'r', state: 'queued', priority: 'high', bytes: null, totalBytes: null, progress: null, queuePosition: 2 } }))).toMatchObject({ phase: 'queued', queuePosition: 2 });
    expect(fromStatus(undefined, status({ status: 'uploading', transfer: { requestId: 'r', state: 'uploading', priority: 'high', bytes: 500, totalBytes: 1000, progress: 50 } }))).toMatchObject({ phase: 'uploading', percent: 50 });
    expect(fromStatus(undefined, status({ status: 'missing', reason: 'deleted' }))).toMatchObject({ phase: 'missing', reason: 'deleted' });
    expect(fromStatus(undefined, status({ status: 'expired' }))?.phase).toBe('expired');
    expect(fromStatus(undefined, status({}))).toBeUndefined();
  });

  it('back in the office while this tab waited: the transfer ended without a copy', () => {
    const waiting = fromRequestAnswer(pressed(undefined), { status: 'uploading', pdfId: 7, requestId: 'r1', state: 'queued' });
    const x = fromStatus(waiting, status({ reason: 'cancelled by admin', lastTransfer: { requestId: 'r1', status: 'cancelled', error: 'cancelled by admin', bytes: null, at: null } }));
    expect(x).toMatchObject({ phase: 'failed', code: 'cancelled' });
  });
});

describe('what the button shows', () => {
  it('from the list\'s status when this tab knows nothing more', () => {
    expect(viewOf('cached', undefined)).toBe('cached');
    expect(viewOf('available_local', undefined)).toBe('office');
    expect(viewOf('uploading', undefined)).toBe('uploading-other');
    expect(viewOf('expired', undefined)).toBe('expired');
    expect(viewOf('missing', undefined)).toBe('missing');
  });

  it('the tab\'s own knowledge wins; someone else\'s upload is told apart', () => {
    const other = fromProgress(undefined, { pdfId: 7, requestId: 'r', percent: 5, bytes: 5, totalBytes: 100 });
    expect(viewOf('available_local', other)).toBe('uploading-other');
    const mine = fromProgress(pressed(undefined), { pdfId: 7, requestId: 'r', percent: 5, bytes: 5, totalBytes: 100 });
    expect(viewOf('available_local', mine)).toBe('uploading');
    expect(viewOf('available_local', fromReady(mine, { pdfId: 7, requestId: 'r', pdfUrl: '', expiresAt: null, bytes: 100 }))).toBe('ready');
  });
});

describe('pressed with no network on the device', () => {
  it('waits on the device: not polled, and the list\'s status does not end it', () => {
    const x = noNetwork(undefined);
    expect(x).toMatchObject({ phase: 'no-network', askedHere: true, waitedOffline: true });
    expect(isWaiting(x)).toBe(true);
    expect(isWaitingOnServer(x)).toBe(false);
    // A saved status answer (or the viewer page opening) says "in the office": still waiting to be sent, not failed.
    expect(fromStatus(x, status({ status: 'available_local' }))).toBe(x);
    expect(viewOf('available_local', x)).toBe('no-network');
  });

  it('sent when the network returns: it then arrives as one waited for (a notification, no jump to the viewer)', () => {
    const sent = pressed(noNetwork(undefined));
    expect(sent).toMatchObject({ phase: 'requesting', waitedOffline: true });
    const x = fromRequestAnswer(sent, { status: 'uploading', pdfId: 7, requestId: 'r9', state: 'queued', coalesced: false });
    const done = fromReady(x, { pdfId: 7, requestId: 'r9', pdfUrl: '', expiresAt: null, bytes: 10 });
    expect(done).toMatchObject({ phase: 'ready', waitedOffline: true, askedHere: true });
  });

  it('a cached status ends the wait too (someone else brought it meanwhile)', () => {
    expect(fromStatus(noNetwork(undefined), status({ status: 'cached' }))?.phase).toBe('ready');
  });
});

describe('copies kept on the device', () => {
  it('stay until the server\'s date and go after it', () => {
    const until = Date.parse('2026-12-20T03:00:00Z');
    expect(isExpired(until, until - 1)).toBe(false);
    expect(isExpired(until, until)).toBe(true);
    expect(isExpired(until, until + 86_400_000)).toBe(true);
    expect(isExpired(null, until)).toBe(false);
  });
});
