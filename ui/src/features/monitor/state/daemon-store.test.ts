import { describe, expect, it } from 'vitest';
import type { DaemonHeartbeatEvent, DaemonStatusChangedEvent } from '../../../lib/events';
import type { Daemon } from '../types';
import { countOnline, daemonList, daemonsReducer, initialDaemonsState, isReplayable, type DaemonAction, type DaemonsState } from './daemon-store';

function daemon(id: number, over: Partial<Daemon> = {}): Daemon {
  return {
    id, clientId: `office-${id}`, name: `Escritório ${id}`, status: 'offline', blocked: false,
    lastSeen: null, lastHeartbeat: null, connectedAt: null, disconnectedAt: null, remoteAddr: null, localAddr: null,
    version: null, runtime: null, platform: null, hostname: null, pdfsIndexed: null, pdfsUploaded: null,
    lastPdfIndexed: null, lastSyncAt: null, uptimeSeconds: null, memoryBytes: null, latencyMs: null, ...over,
  };
}

const run = (actions: DaemonAction[], from: DaemonsState = initialDaemonsState) => actions.reduce(daemonsReducer, from);
const status = (clientId: string, s: 'online' | 'offline', at: string, extra: Partial<DaemonStatusChangedEvent> = {}): DaemonAction => ({
  type: 'status', event: { clientId, status: s, at, ...extra },
});
const pdf = (clientId: string, pdfId: number, at: string): DaemonAction => ({
  type: 'pdf', at,
  event: { pdfId, fileHash: `h${pdfId}`, filename: `${pdfId}.pdf`, tipo: 'os', numero: String(pdfId), cliente: null, dataEvento: null, valorTotal: null, clientId },
});
const heartbeat = (clientId: string, at: string, extra: Partial<DaemonHeartbeatEvent> = {}): DaemonAction => ({
  type: 'heartbeat', event: { clientId, at, rttMs: 10, ...extra },
});

describe('daemons reducer', () => {
  it('loads the list, ordered by id, indexed by clientId', () => {
    const s = run([{ type: 'list', daemons: [daemon(3), daemon(1, { status: 'online' }), daemon(2, { clientId: null })] }]);
    expect(s.loaded).toBe(true);
    expect(s.ids).toEqual([1, 2, 3]);
    expect(s.idByClient).toEqual({ 'office-1': 1, 'office-3': 3 });
    expect(countOnline(s)).toEqual({ online: 1, total: 3 });
    expect(daemonList(s).map((d) => d.id)).toEqual([1, 2, 3]);
  });

  it('an empty list is loaded, not loading', () => {
    const s = run([{ type: 'list', daemons: [] }]);
    expect(s.loaded).toBe(true);
    expect(countOnline(s)).toEqual({ online: 0, total: 0 });
  });

  it('status_changed: online with its address, offline keeps the last one', () => {
    let s = run([{ type: 'list', daemons: [daemon(1)] }]);
    s = run([status('office-1', 'online', '2026-01-03T10:00:00Z', { remoteAddr: '203.0.113.7', name: 'Sede' })], s);
    expect(s.byId[1]).toMatchObject({ status: 'online', remoteAddr: '203.0.113.7', name: 'Sede', connectedAt: '2026-01-03T10:00:00Z', lastSeen: '2026-01-03T10:00:00Z' });
    s = run([status('office-1', 'offline', '2026-01-03T11:00:00Z')], s);
    expect(s.byId[1]).toMatchObject({ status: 'offline', remoteAddr: '203.0.113.7', disconnectedAt: '2026-01-03T11:00:00Z', lastSeen: '2026-01-03T10:00:00Z' });
  });

  it('heartbeat: live fields and the latency; null fields keep what we knew', () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { status: 'online', connectedAt: '2026-01-03T09:00:00Z', version: '1.0.0', localAddr: '10.0.0.1' })] }]);
    s = run([heartbeat('office-1', '2026-01-03T10:00:00Z', { uptimeSeconds: 3600, memoryBytes: 7e7, localAddr: null, version: '1.1.0' })], s);
    expect(s.byId[1]).toMatchObject({
      lastHeartbeat: '2026-01-03T10:00:00Z', lastSeen: '2026-01-03T10:00:00Z', latencyMs: 10, uptimeSeconds: 3600,
      memoryBytes: 7e7, localAddr: '10.0.0.1', version: '1.1.0',
    });
    s = run([heartbeat('office-1', '2026-01-03T10:00:30Z', { rttMs: null })], s);
    expect(s.byId[1]!.latencyMs).toBe(10);
  });

  it('an older heartbeat or status event does not undo a newer one', () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { status: 'online', connectedAt: '2026-01-03T10:00:00Z', lastHeartbeat: '2026-01-03T10:05:00Z' })] }]);
    const before = s.byId[1];
    s = run([heartbeat('office-1', '2026-01-03T10:04:00Z', { pdfsIndexed: 1 }), status('office-1', 'offline', '2026-01-03T09:59:00Z')], s);
    expect(s.byId[1]).toBe(before);
  });

  it('a heartbeat after the last disconnect means the online event was missed', () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { status: 'offline', disconnectedAt: '2026-01-03T10:00:00Z' })] }]);
    s = run([heartbeat('office-1', '2026-01-03T10:01:00Z')], s);
    expect(s.byId[1]!.status).toBe('online');
  });

  it('only the daemons an event touches get a new object (memoised rows skip the rest)', () => {
    const list = Array.from({ length: 500 }, (_, i) => daemon(i + 1, { status: 'online' }));
    const s0 = run([{ type: 'list', daemons: list }]);
    const s1 = daemonsReducer(s0, { type: 'batch', actions: [heartbeat('office-7', '2026-01-03T10:00:00Z'), heartbeat('office-9', '2026-01-03T10:00:00Z')] });
    expect(s1.byId[7]).not.toBe(s0.byId[7]);
    expect(s1.byId[9]).not.toBe(s0.byId[9]);
    expect(s1.byId[8]).toBe(s0.byId[8]);
    expect(s1.ids).toBe(s0.ids);
  });

  it('a fresh list keeps the object of a daemon that did not change', () => {
    const s0 = run([{ type: 'list', daemons: [daemon(1), daemon(2)] }]);
    const s1 = run([{ type: 'list', daemons: [daemon(1), daemon(2, { status: 'online' })] }], s0);
    expect(s1.byId[1]).toBe(s0.byId[1]);
    expect(s1.byId[2]).not.toBe(s0.byId[2]);
  });

  it('events replayed on top of a list fetched meanwhile leave the newest state', () => {
    // The list is a snapshot taken after the daemon reconnected; the events
    // that arrived while it was fetched are applied again on top of it.
    const listed = daemon(1, { status: 'online', connectedAt: '2026-01-03T10:02:00Z', disconnectedAt: '2026-01-03T10:01:00Z' });
    const s = daemonsReducer(initialDaemonsState, {
      type: 'batch',
      actions: [{ type: 'list', daemons: [listed] }, status('office-1', 'offline', '2026-01-03T10:01:00Z'), status('office-1', 'online', '2026-01-03T10:02:00Z')],
    });
    expect(s.byId[1]!.status).toBe('online');
  });

  it('an event about an unknown daemon asks for the list again', () => {
    let s = run([{ type: 'list', daemons: [daemon(1)] }]);
    s = run([status('office-new', 'online', '2026-01-03T10:00:00Z')], s);
    expect(s.stale).toBe(true);
    s = run([{ type: 'list', daemons: [daemon(1), daemon(2, { clientId: 'office-new' })] }], s);
    expect(s.stale).toBe(false);
  });

  it('an event with the daemon id finds a daemon whose clientId the list did not have yet', () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { clientId: null })] }]);
    s = run([{ type: 'heartbeat', event: { clientId: 'just-bound', id: 1, at: '2026-01-03T10:00:00Z', rttMs: 3 } }], s);
    expect(s.stale).toBe(false);
    expect(s.byId[1]!.latencyMs).toBe(3);
  });

  it("the heartbeat's counters (the daemon's own, since it started) never replace the server's totals", () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { status: 'online', pdfsIndexed: 1520, pdfsUploaded: 12 })] }]);
    s = run([heartbeat('office-1', '2026-01-03T10:00:00Z', { pdfsIndexed: 3, pdfsUploaded: 0, uptimeSeconds: 60 })], s);
    expect(s.byId[1]).toMatchObject({ pdfsIndexed: 1520, pdfsUploaded: 12, uptimeSeconds: 60 });
  });

  it('pdf:indexed adds one to the total of its daemon and marks when it last indexed', () => {
    let s = run([{ type: 'list', daemons: [daemon(1, { pdfsIndexed: 1520 }), daemon(2, { pdfsIndexed: 7 })] }]);
    s = run([pdf('office-1', 1, '2026-01-03T10:00:00Z'), pdf('office-1', 2, '2026-01-03T10:00:01Z')], s);
    expect(s.byId[1]).toMatchObject({ pdfsIndexed: 1522, lastPdfIndexed: '2026-01-03T10:00:01Z' });
    expect(s.byId[2]!.pdfsIndexed).toBe(7);
  });

  it('pdf:indexed counts from zero for a daemon without a total yet, and ignores unknown daemons', () => {
    const s0 = run([{ type: 'list', daemons: [daemon(1)] }]);
    const s1 = run([pdf('office-1', 1, '2026-01-03T10:00:00Z')], s0);
    expect(s1.byId[1]!.pdfsIndexed).toBe(1);
    expect(run([pdf('office-9', 1, '2026-01-03T10:00:00Z')], s1)).toBe(s1);
  });

  it('increments are not replayed on top of a fetched list (it may count them already); dated events are', () => {
    expect(isReplayable(pdf('office-1', 1, '2026-01-03T10:00:00Z'))).toBe(false);
    expect(isReplayable(heartbeat('office-1', '2026-01-03T10:00:00Z'))).toBe(true);
    expect(isReplayable(status('office-1', 'online', '2026-01-03T10:00:00Z'))).toBe(true);
    expect(isReplayable({ type: 'batch', actions: [heartbeat('office-1', '2026-01-03T10:00:00Z'), pdf('office-1', 1, '2026-01-03T10:00:00Z')] })).toBe(false);
  });

  it('an action answer (block) replaces the daemon', () => {
    let s = run([{ type: 'list', daemons: [daemon(1)] }]);
    s = run([{ type: 'daemon', daemon: daemon(1, { blocked: true }) }], s);
    expect(s.byId[1]!.blocked).toBe(true);
  });

  it('nothing changed → the same state object', () => {
    const s = run([{ type: 'list', daemons: [daemon(1)] }]);
    expect(daemonsReducer(s, { type: 'batch', actions: [] })).toBe(s);
  });
});
