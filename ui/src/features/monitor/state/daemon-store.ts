import type { DaemonHeartbeatEvent, DaemonStatusChangedEvent, PdfIndexedEvent } from '../../../lib/events';
import type { Daemon } from '../types';

/**
 * The daemons on screen: the REST list, kept current by the live events.
 * Unchanged daemons keep their object identity, so memoised rows skip them;
 * a burst of events is applied in one pass ('batch').
 */
export interface DaemonsState {
  loaded: boolean;
  byId: Readonly<Record<number, Daemon>>;
  /** By id, as the server orders them. */
  ids: readonly number[];
  idByClient: Readonly<Record<string, number>>;
  /** A live event named a daemon the list does not have yet: fetch the list again. */
  stale: boolean;
}

export type DaemonAction =
  | { type: 'list'; daemons: Daemon[] }
  | { type: 'status'; event: DaemonStatusChangedEvent }
  | { type: 'heartbeat'; event: DaemonHeartbeatEvent }
  | { type: 'pdf'; event: PdfIndexedEvent; at: string }
  | { type: 'daemon'; daemon: Daemon }
  | { type: 'batch'; actions: DaemonAction[] };

export const initialDaemonsState: DaemonsState = { loaded: false, byId: {}, ids: [], idByClient: {}, stale: false };

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) || 0 : 0);
const later = (a: string | null, b: string | null) => (ms(a) >= ms(b) ? a : b);

function sameDaemon(a: Daemon, b: Daemon): boolean {
  const ka = Object.keys(a) as (keyof Daemon)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}

function applyStatus(d: Daemon, e: DaemonStatusChangedEvent): Daemon {
  // An event older than what we know (replayed after a fresh list) changes nothing.
  if (ms(e.at) < Math.max(ms(d.connectedAt), ms(d.disconnectedAt))) return d;
  const online = e.status === 'online';
  return {
    ...d,
    status: e.status,
    name: e.name || d.name,
    remoteAddr: online ? (e.remoteAddr ?? d.remoteAddr) : d.remoteAddr,
    lastSeen: online ? later(d.lastSeen, e.at) : d.lastSeen,
    connectedAt: online ? e.at : d.connectedAt,
    disconnectedAt: online ? d.disconnectedAt : e.at,
  };
}

function applyHeartbeat(d: Daemon, e: DaemonHeartbeatEvent): Daemon {
  const at = ms(e.at);
  if (d.lastHeartbeat && at < ms(d.lastHeartbeat)) return d;
  // A heartbeat after the last disconnect means we missed the "online" event.
  const missedOnline = d.status === 'offline' && at > ms(d.disconnectedAt);
  return {
    ...d,
    status: missedOnline ? 'online' : d.status,
    lastSeen: later(d.lastSeen, e.at),
    lastHeartbeat: e.at,
    latencyMs: e.rttMs ?? d.latencyMs ?? null,
    uptimeSeconds: e.uptimeSeconds ?? d.uptimeSeconds,
    memoryBytes: e.memoryBytes ?? d.memoryBytes,
    // e.pdfsIndexed / e.pdfsUploaded are the daemon's own counters since it
    // started (docs/protocol.md), not the server's totals the list shows: the
    // totals move with pdf:indexed instead.
    localAddr: e.localAddr ?? d.localAddr,
    version: e.version ?? d.version,
  };
}

/**
 * Whether an event may be applied again on top of a list fetched while it
 * arrived. Status changes and heartbeats carry their time, so a second pass
 * changes nothing; a pdf:indexed adds one to a total the list may already
 * include, so it is not replayed (the next list corrects an event missed in
 * that window).
 */
export function isReplayable(a: DaemonAction): boolean {
  return a.type === 'batch' ? a.actions.every(isReplayable) : a.type !== 'pdf';
}

function flatten(actions: DaemonAction[], out: DaemonAction[] = []): DaemonAction[] {
  for (const a of actions) if (a.type === 'batch') flatten(a.actions, out);
    else out.push(a);
  return out;
}

export function daemonsReducer(state: DaemonsState, action: DaemonAction): DaemonsState {
  const actions = action.type === 'batch' ? flatten(action.actions) : [action];
  let { byId, ids, idByClient, stale, loaded } = state;
  let copied = false;
  const put = (d: Daemon) => {
    if (!copied) {
      byId = { ...byId };
      copied = true;
    }
    (byId as Record<number, Daemon>)[d.id] = d;
  };
  const byClient = (clientId: string | null | undefined) => {
    if (!clientId) return undefined;
    const id = idByClient[clientId];
    return id === undefined ? undefined : byId[id];
  };
  // Events name the daemon by clientId, and by id when the server sends it.
  const byEvent = (e: { clientId: string; id?: number }) => (e.id !== undefined && byId[e.id]) || byClient(e.clientId);

  for (const a of actions) {
    switch (a.type) {
      case 'list': {
        const next: Record<number, Daemon> = {};
        const nextClient: Record<string, number> = {};
        for (const raw of a.daemons) {
          const old = byId[raw.id];
          const d: Daemon = { ...raw, blocked: !!raw.blocked, latencyMs: raw.latencyMs ?? null };
          next[d.id] = old && sameDaemon(old, d) ? old : d;
          if (d.clientId) nextClient[d.clientId] = d.id;
        }
        byId = next;
        copied = true;
        ids = a.daemons.map((d) => d.id).sort((x, y) => x - y);
        idByClient = nextClient;
        stale = false;
        loaded = true;
        break;
      }
      case 'status': {
        const d = byEvent(a.event);
        if (!d) stale = true;
        else {
          const n = applyStatus(d, a.event);
          if (n !== d) put(n);
        }
        break;
      }
      case 'heartbeat': {
        const d = byEvent(a.event);
        if (!d) stale = true;
        else {
          const n = applyHeartbeat(d, a.event);
          if (n !== d) put(n);
        }
        break;
      }
      case 'pdf': {
        // A new document (never a duplicate or an update): one more in the server's total.
        const d = byClient(a.event.clientId);
        if (d) put({ ...d, pdfsIndexed: (d.pdfsIndexed ?? 0) + 1, lastPdfIndexed: later(d.lastPdfIndexed, a.at) });
        break;
      }
      case 'daemon': {
        const old = byId[a.daemon.id];
        const d = { ...old, ...a.daemon } as Daemon;
        if (!old || !sameDaemon(old, d)) put(d);
        if (!old) {
          ids = [...ids, d.id].sort((x, y) => x - y);
        }
        if (d.clientId && idByClient[d.clientId] !== d.id) idByClient = { ...idByClient, [d.clientId]: d.id };
        break;
      }
    }
  }
  if (byId === state.byId && ids === state.ids && idByClient === state.idByClient && stale === state.stale && loaded === state.loaded) return state;
  return { byId, ids, idByClient, stale, loaded };
}

export function daemonList(state: DaemonsState): Daemon[] {
  return state.ids.map((id) => state.byId[id]!).filter(Boolean);
}

export function countOnline(state: DaemonsState): { online: number; total: number } {
  let online = 0;
  for (const id of state.ids) if (state.byId[id]?.status === 'online') online++;
  return { online, total: state.ids.length };
}
