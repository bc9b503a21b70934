import { describe, expect, it } from 'vitest';
import { bumpPdfs, cacheAligned, groupCounts, lastPerGroup, latencyStats, latencyTopN, pdfsAligned, timelineRows, timeTicks } from './series';

const H = 3600e3;
const t0 = Date.parse('2026-01-03T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('pdfs per hour', () => {
  const s = { from: iso(t0), to: iso(t0 + 3 * H), bucketSeconds: 3600, points: [0, 5, 2].map((c, i) => ({ t: iso(t0 + i * H), count: c })) };
  it('aligns seconds and counts, finds the total and the peak', () => {
    const r = pdfsAligned(s);
    expect(r.data[0]).toEqual([t0 / 1000, t0 / 1000 + 3600, t0 / 1000 + 7200]);
    expect(r.data[1]).toEqual([0, 5, 2]);
    expect(r.total).toBe(7);
    expect(r.peak).toBe(5);
    expect(r.peakAt).toBe(t0 + H);
  });
  it('groups hours into days for the 7-day table', () => {
    expect(groupCounts(s.points, () => 'dia')).toEqual([{ key: 'dia', count: 7 }]);
  });
  it('live pdf:indexed counts into the current hour', () => {
    const b = bumpPdfs(s, t0 + H + 60e3, 3)!;
    expect(b.points.map((p) => p.count)).toEqual([0, 8, 2]);
    expect(bumpPdfs(s, t0 + 10 * H, 1)).toBe(s);
    expect(bumpPdfs(undefined, t0, 1)).toBeUndefined();
  });
});

describe('cache', () => {
  it('adds a capacity line only when one is configured', () => {
    const pts = [{ t: iso(t0), bytes: 10, files: 1 }, { t: iso(t0 + H), bytes: 30, files: 2 }];
    const a = cacheAligned({ from: iso(t0), to: iso(t0 + H), capacityBytes: null, points: pts });
    expect(a.data).toHaveLength(2);
    expect([a.min, a.max, a.last]).toEqual([10, 30, 30]);
    const b = cacheAligned({ from: iso(t0), to: iso(t0 + H), capacityBytes: 100, points: pts });
    expect(b.data[2]).toEqual([100, 100]);
  });
  it('keeps the last sample of each group', () => {
    const pts = [{ t: iso(t0), v: 1 }, { t: iso(t0 + 60e3), v: 2 }, { t: iso(t0 + H), v: 3 }];
    expect(lastPerGroup(pts, (ms) => String(Math.floor(ms / H))).map((p) => p.v)).toEqual([2, 3]);
  });
});

describe('latency', () => {
  const s = {
    from: iso(t0), to: iso(t0 + H), bucketSeconds: 300,
    daemons: [
      { id: 1, clientId: 'a', name: 'A', points: [{ t: iso(t0), avgMs: 10, maxMs: 20, samples: 1 }, { t: iso(t0 + 300e3), avgMs: 30, maxMs: 40, samples: 3 }] },
      { id: 2, clientId: 'b', name: 'B', points: [{ t: iso(t0 + 300e3), avgMs: 100, maxMs: 150, samples: 2 }] },
      { id: 3, clientId: 'c', name: 'C (nunca)', points: [] },
    ],
  };
  it('weighted mean and maximum per daemon', () => {
    const st = latencyStats(s);
    expect(st[0]).toMatchObject({ avgMs: 25, maxMs: 40, samples: 4 });
    expect(st[2]).toMatchObject({ avgMs: null, samples: 0 });
  });
  it('top N by mean latency on one time axis, gaps as null', () => {
    const r = latencyTopN(s, 1);
    expect(r.daemons.map((d) => d.name)).toEqual(['B']);
    expect(r.total).toBe(2);
    expect(r.data[0]).toEqual([(t0 + 300e3) / 1000]);
    const both = latencyTopN(s, 5);
    expect(both.data[0]).toHaveLength(2);
    expect(both.data[1]).toEqual([null, 100]);
    expect(both.data[2]).toEqual([10, 30]);
  });
});

describe('connection timeline', () => {
  it('clips spans to the window; an open span runs to the end', () => {
    const rows = timelineRows(
      {
        from: iso(t0), to: iso(t0 + 4 * H),
        daemons: [
          { id: 1, clientId: 'a', name: 'A', status: 'online', spans: [{ start: iso(t0 - H), end: iso(t0 + H) }, { start: iso(t0 + 2 * H), end: null }] },
          { id: 2, clientId: 'b', name: 'B', status: 'offline', spans: [] },
        ],
      },
      t0,
      t0 + 4 * H,
    );
    expect(rows[0]!.spans).toEqual([{ start: t0, end: t0 + H, open: false }, { start: t0 + 2 * H, end: t0 + 4 * H, open: true }]);
    expect(rows[0]!.onlineFraction).toBeCloseTo(0.75);
    expect(rows[0]!.lastEvent).toBe(t0 + 2 * H);
    expect(rows[1]!.onlineFraction).toBe(0);
  });
  it('ticks fall on whole hours of São Paulo time', () => {
    const ticks = timeTicks(t0 + 10 * 60e3, t0 + 7 * H, 3 * H);
    // 03:00Z = 00:00 in São Paulo
    expect(ticks.map((x) => new Date(x).toISOString().slice(11, 16))).toEqual(['03:00', '06:00']);
  });
});
