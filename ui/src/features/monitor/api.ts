import { api } from '../../lib/api';
import type { AlertEvent } from '../../lib/events';
import type {
  CacheSeries, ChartRange, CleanupAnswer, CleanupReport, ConfigResult, ConfigUpdate, ConnectionsSeries, Daemon, DaemonDetail,
  LatencySeries, PdfsIndexedSeries, Summary,
} from './types';

// The monitor's calls; every one is admin-only on the server.

export const fetchDaemons = (signal?: AbortSignal) =>
  api.get<{ daemons: Daemon[] }>('/api/admin/daemons', { signal }).then((r) => r.daemons ?? []);

export const fetchDaemon = (id: number, signal?: AbortSignal) => api.get<DaemonDetail>(`/api/admin/daemons/${id}`, { signal });

export const fetchAlerts = (signal?: AbortSignal) =>
  api.get<{ active: AlertEvent[]; recent: AlertEvent[] }>('/api/admin/alerts', { signal });

export const fetchSummary = (signal?: AbortSignal) => api.get<Summary>('/api/admin/monitor/summary', { signal });

/** The window of a chart range, ending now. */
export function rangeWindow(range: ChartRange, nowMs = Date.now()): { from: string; to: string } {
  const span = range === '24h' ? 24 * 3600e3 : 7 * 24 * 3600e3;
  return { from: new Date(nowMs - span).toISOString(), to: new Date(nowMs).toISOString() };
}

export const fetchConnections = (w: { from: string; to: string }, signal?: AbortSignal) =>
  api.get<ConnectionsSeries>('/api/admin/monitor/connections', { query: w, signal });
export const fetchPdfsIndexed = (w: { from: string; to: string }, signal?: AbortSignal) =>
  api.get<PdfsIndexedSeries>('/api/admin/monitor/pdfs-indexed', { query: w, signal });
export const fetchCache = (w: { from: string; to: string }, signal?: AbortSignal) =>
  api.get<CacheSeries>('/api/admin/monitor/cache', { query: w, signal });
export const fetchLatency = (w: { from: string; to: string; daemonId?: string }, signal?: AbortSignal) =>
  api.get<LatencySeries>('/api/admin/monitor/latency', { query: w, signal });

/**
 * Latency of every daemon, or — with many daemons — only of the given ones,
 * in one request (`daemonId=3,7,12`): 500 daemons × 24 h of 5-minute buckets
 * would be 144,000 points to draw six lines.
 */
export async function fetchLatencyOf(w: { from: string; to: string }, ids: number[] | null, signal?: AbortSignal): Promise<LatencySeries> {
  if (ids === null) return fetchLatency(w, signal);
  if (ids.length === 0) return { ...w, bucketSeconds: 300, daemons: [] };
  return fetchLatency({ ...w, daemonId: ids.join(',') }, signal);
}

// Actions on one daemon (docs/api.md). Each answers or throws an ApiError:
// 409 not_connected (offline), 504 daemon_timeout (no answer in 10 s).
export const resyncDaemon = (id: number, reason?: string) =>
  api.post<{ id: number; clientId: string; ack: unknown }>(`/api/admin/daemons/${id}/resync`, reason ? { reason } : {});
export const disconnectDaemon = (id: number) =>
  api.post<{ id: number; clientId: string; disconnected: boolean }>(`/api/admin/daemons/${id}/disconnect`);
export const blockDaemon = (id: number) => api.post<Daemon>(`/api/admin/daemons/${id}/block`);
export const unblockDaemon = (id: number) => api.post<Daemon>(`/api/admin/daemons/${id}/unblock`);
export const updateDaemonConfig = (id: number, update: ConfigUpdate) =>
  api.request<ConfigResult>('PUT', `/api/admin/daemons/${id}/config`, { body: update }).then((r) => r.data);

// The cache janitor (docs/api.md, "Cache cleanup").
export const fetchCleanupReports = (limit: number, signal?: AbortSignal) =>
  api.get<{ items: CleanupReport[] }>('/api/admin/cache/reports', { query: { limit }, signal }).then((r) => r.items ?? []);

/** Runs the cleanup now (or joins the run under way); 202 when it outlasts the server's 50 s wait. */
export async function runCacheCleanup(): Promise<CleanupAnswer> {
  const r = await api.request<{ joined?: boolean; report?: CleanupReport; running?: boolean }>('POST', '/api/admin/cache/cleanup', { body: {} });
  if (r.status === 202 || !r.data?.report) return { running: true };
  return { running: false, joined: r.data.joined === true, report: r.data.report };
}
