// Pure shaping of the monitor's time series for the charts and their text
// alternatives. Times in uPlot are seconds since the epoch.
import { toMs } from '../../../lib/format';
import type { CacheSeries, ConnectionsSeries, LatencySeries, PdfsIndexedSeries } from '../types';

export type Aligned = [number[], ...(number | null)[][]];

const sec = (iso: string) => Math.floor((toMs(iso) ?? 0) / 1000);

export function pdfsAligned(s: PdfsIndexedSeries): { data: Aligned; total: number; peak: number; peakAt: number | null } {
  const xs: number[] = [];
  const ys: number[] = [];
  let total = 0;
  let peak = 0;
  let peakAt: number | null = null;
  for (const p of s.points) {
    xs.push(sec(p.t));
    ys.push(p.count);
    total += p.count;
    if (p.count > peak) {
      peak = p.count;
      peakAt = toMs(p.t);
    }
  }
  return { data: [xs, ys], total, peak, peakAt };
}

/** Sums per bucket of `bucketMs` (e.g. a day), for the table of a 7-day range. */
export function groupCounts(points: { t: string; count: number }[], keyOf: (ms: number) => string): { key: string; count: number }[] {
  const out: { key: string; count: number }[] = [];
  for (const p of points) {
    const k = keyOf(toMs(p.t) ?? 0);
    const last = out[out.length - 1];
    if (last && last.key === k) last.count += p.count;
    else out.push({ key: k, count: p.count });
  }
  return out;
}

export function cacheAligned(s: CacheSeries): { data: Aligned; hasCapacity: boolean; min: number | null; max: number | null; last: number | null } {
  const xs: number[] = [];
  const ys: number[] = [];
  const cap: (number | null)[] = [];
  let min: number | null = null;
  let max: number | null = null;
  for (const p of s.points) {
    xs.push(sec(p.t));
    ys.push(p.bytes);
    cap.push(s.capacityBytes);
    min = min === null ? p.bytes : Math.min(min, p.bytes);
    max = max === null ? p.bytes : Math.max(max, p.bytes);
  }
  const last = ys.length ? ys[ys.length - 1]! : null;
  const hasCapacity = s.capacityBytes !== null && s.capacityBytes !== undefined;
  return { data: hasCapacity ? [xs, ys, cap] : [xs, ys], hasCapacity, min, max, last };
}

/** The last sample of each group (an hour, a day): a readable table of a long series. */
export function lastPerGroup<T extends { t: string }>(points: T[], keyOf: (ms: number) => string): (T & { key: string })[] {
  const out: (T & { key: string })[] = [];
  for (const p of points) {
    const k = keyOf(toMs(p.t) ?? 0);
    const row = { ...p, key: k };
    if (out.length && out[out.length - 1]!.key === k) out[out.length - 1] = row;
    else out.push(row);
  }
  return out;
}

export interface LatencyStats {
  id: number;
  name: string;
  clientId: string | null;
  avgMs: number | null;
  maxMs: number | null;
  samples: number;
}

export function latencyStats(s: LatencySeries): LatencyStats[] {
  return s.daemons.map((d) => {
    let weighted = 0;
    let samples = 0;
    let max: number | null = null;
    for (const p of d.points) {
      if (p.avgMs !== null && p.samples > 0) {
        weighted += p.avgMs * p.samples;
        samples += p.samples;
      }
      if (p.maxMs !== null) max = max === null ? p.maxMs : Math.max(max, p.maxMs);
    }
    return { id: d.id, name: d.name, clientId: d.clientId, avgMs: samples ? weighted / samples : null, maxMs: max, samples };
  });
}

/** The N daemons with the highest mean latency, on one time axis (null where a daemon has no sample). */
export function latencyTopN(s: LatencySeries, n: number): { data: Aligned; daemons: LatencyStats[]; total: number } {
  const stats = latencyStats(s).filter((d) => d.samples > 0);
  stats.sort((a, b) => (b.avgMs ?? 0) - (a.avgMs ?? 0) || a.name.localeCompare(b.name));
  const top = stats.slice(0, n);
  const times = new Set<number>();
  const byDaemon = new Map<number, Map<number, number | null>>();
  for (const d of s.daemons) {
    if (!top.some((t) => t.id === d.id)) continue;
    const m = new Map<number, number | null>();
    for (const p of d.points) {
      const x = sec(p.t);
      times.add(x);
      m.set(x, p.avgMs);
    }
    byDaemon.set(d.id, m);
  }
  const xs = [...times].sort((a, b) => a - b);
  const ys = top.map((t) => xs.map((x) => byDaemon.get(t.id)?.get(x) ?? null));
  return { data: [xs, ...ys], daemons: top, total: stats.length };
}

export interface TimelineRow {
  id: number;
  name: string;
  clientId: string | null;
  status: 'online' | 'offline';
  /** Clipped to the window, ms; `end` is the window's end for a session still open. */
  spans: { start: number; end: number; open: boolean }[];
  onlineFraction: number;
  lastEvent: number | null;
}

export function timelineRows(s: ConnectionsSeries, fromMs: number, toMs_: number): TimelineRow[] {
  const width = Math.max(1, toMs_ - fromMs);
  return s.daemons.map((d) => {
    const spans = d.spans
      .map((sp) => {
        const start = Math.max(fromMs, toMs(sp.start) ?? fromMs);
        const end = Math.min(toMs_, sp.end === null ? toMs_ : (toMs(sp.end) ?? toMs_));
        return { start, end, open: sp.end === null };
      })
      .filter((sp) => sp.end > sp.start || sp.open);
    const online = spans.reduce((acc, sp) => acc + (sp.end - sp.start), 0);
    let lastEvent: number | null = null;
    for (const sp of d.spans) {
      for (const v of [toMs(sp.start), sp.end === null ? null : toMs(sp.end)]) if (v !== null && (lastEvent === null || v > lastEvent)) lastEvent = v;
    }
    return { id: d.id, name: d.name, clientId: d.clientId, status: d.status, spans, onlineFraction: Math.min(1, online / width), lastEvent };
  });
}

/** Tick positions for a time axis: every few hours over a day, every day over a week. */
export function timeTicks(fromMs: number, toMs_: number, stepMs: number): number[] {
  const out: number[] = [];
  // Align to the step in São Paulo time (UTC-3, no daylight saving since 2019).
  const offset = -3 * 3600e3;
  let t = Math.ceil((fromMs + offset) / stepMs) * stepMs - offset;
  for (; t <= toMs_; t += stepMs) out.push(t);
  return out;
}

/** Counts live pdf:indexed events into the bucket they fall in. */
export function bumpPdfs(s: PdfsIndexedSeries | undefined, nowMs: number, n: number): PdfsIndexedSeries | undefined {
  if (!s || s.points.length === 0) return s;
  const bucket = s.bucketSeconds * 1000;
  const i = s.points.findIndex((p) => {
    const start = toMs(p.t) ?? 0;
    return nowMs >= start && nowMs < start + bucket;
  });
  if (i < 0) return s;
  const points = s.points.slice();
  points[i] = { ...points[i]!, count: points[i]!.count + n };
  return { ...s, points };
}
