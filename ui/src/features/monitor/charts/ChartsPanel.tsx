import { useCallback, useEffect, useState } from 'react';
import { useFrameBatch } from '../../../lib/frame-batch';
import { useSocketEvent } from '../../../lib/socket';
import { useAsync } from '../../../lib/use-async';
import { fetchCache, fetchConnections, fetchLatencyOf, fetchPdfsIndexed, rangeWindow } from '../api';
import { monitorText } from '../strings';
import type { ChartRange } from '../types';
import { CacheUsageChart } from './CacheUsageChart';
import { ConnectionTimeline } from './ConnectionTimeline';
import { LatencyChart } from './LatencyChart';
import { PdfsPerHourChart } from './PdfsPerHourChart';
import { bumpPdfs } from './series';

const t = monitorText.charts;
const REFRESH_MS = 60_000;

interface Props {
  /** With many daemons, which ones the latency chart asks for (the highest latest latency); null: all. */
  latencyCandidates: () => number[] | null;
  daemonCount: number;
}

/** The four charts, 24 h or 7 days, refreshed every minute. Loaded on demand (a separate chunk with uPlot). */
export default function ChartsPanel({ latencyCandidates, daemonCount }: Props) {
  const [range, setRange] = useState<ChartRange>('24h');
  const [win, setWin] = useState(() => rangeWindow('24h'));
  // The window moves with the clock every minute; a new range moves it at
  // once (in the click, so the first window is fetched only once).
  const choose = (r: ChartRange) => {
    if (r === range) return;
    setRange(r);
    setWin(rangeWindow(r));
  };
  useEffect(() => {
    const id = setInterval(() => setWin(rangeWindow(range)), REFRESH_MS);
    return () => clearInterval(id);
  }, [range]);

  const conns = useAsync((s) => fetchConnections(win, s), [win]);
  const pdfs = useAsync((s) => fetchPdfsIndexed(win, s), [win]);
  const cache = useAsync((s) => fetchCache(win, s), [win]);
  const latency = useAsync((s) => fetchLatencyOf(win, latencyCandidates(), s), [win]);

  const setPdfs = pdfs.setData;
  const bump = useFrameBatch<number>(useCallback((items: number[]) => setPdfs((p) => bumpPdfs(p, Date.now(), items.length)), [setPdfs]));
  useSocketEvent('pdf:indexed', () => bump(1));

  return (
    <section className="charts" aria-labelledby="charts-heading">
      <div className="panel-header charts-header">
        <h2 id="charts-heading">{t.title}</h2>
        <div className="segmented" role="group" aria-label={t.rangeLabel}>
          {(['24h', '7d'] as ChartRange[]).map((r) => (
            <button key={r} type="button" className="segment" aria-pressed={range === r} onClick={() => choose(r)}>
              {r === '24h' ? t.range24h : t.range7d}
            </button>
          ))}
        </div>
      </div>
      <div className="charts-grid">
        <ConnectionTimeline series={conns.data} loading={conns.loading} error={conns.error} range={range} />
        <PdfsPerHourChart series={pdfs.data} loading={pdfs.loading} error={pdfs.error} range={range} />
        <CacheUsageChart series={cache.data} loading={cache.loading} error={cache.error} range={range} />
        <LatencyChart series={latency.data} loading={latency.loading} error={latency.error} daemonCount={daemonCount} />
      </div>
    </section>
  );
}
