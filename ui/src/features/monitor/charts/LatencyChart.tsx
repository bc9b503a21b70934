import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { ApiError } from '../../../lib/api-client';
import { formatMs, formatNumber, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { LatencySeries } from '../types';
import { ChartFigure } from './ChartFigure';
import { SERIES_COLORS } from './palette';
import { LATENCY_TOP_N } from './limits';
import { latencyStats, latencyTopN } from './series';
import { UPlotChart, axis, sparsePoints, timeAxisDefaults } from './UPlotChart';

const t = monitorText.charts.latency;

export function LatencyChart({ series, loading, error, daemonCount }: { series: LatencySeries | undefined; loading: boolean; error: ApiError | null; daemonCount: number }) {
  const shaped = useMemo(() => (series ? latencyTopN(series, LATENCY_TOP_N) : null), [series]);
  const stats = useMemo(() => (series ? latencyStats(series).sort((a, b) => (b.avgMs ?? -1) - (a.avgMs ?? -1)) : []), [series]);
  const from = series ? (toMs(series.from) ?? 0) / 1000 : 0;
  const to = series ? (toMs(series.to) ?? 0) / 1000 : 0;
  const ids = shaped?.daemons.map((d) => d.id).join(',') ?? '';
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      ...timeAxisDefaults,
      scales: { x: { time: true, range: () => [from, to] }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.15)] } },
      series: [
        { label: monitorText.charts.timeAxis },
        ...(shaped?.daemons ?? []).map((d, i) => ({
          label: d.name.length > 28 ? d.name.slice(0, 27) + '…' : d.name,
          stroke: SERIES_COLORS[i % SERIES_COLORS.length],
          width: 2,
          spanGaps: false,
          points: sparsePoints(),
          value: (_u: uPlot, v: number | null) => formatMs(v),
        })),
      ],
      axes: [axis(), axis({ values: (_u, vals) => vals.map((v) => formatMs(v)), size: 64 })],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [from, to, ids],
  );
  const empty = !shaped || shaped.daemons.length === 0;
  const top = shaped?.daemons[0];
  const summary = shaped && top
    ? [t.summary(top.name, formatMs(top.avgMs)), Math.max(shaped.total, daemonCount) > LATENCY_TOP_N ? t.topN(shaped.daemons.length, Math.max(shaped.total, daemonCount)) : ''].filter(Boolean).join(' ')
    : '';
  return (
    <ChartFigure
      id="chart-latency"
      className="chart-wide"
      title={t.title}
      loading={loading}
      error={error}
      empty={empty}
      summary={summary}
      chart={shaped ? <UPlotChart options={options} layoutKey={`lat-${from}-${to}-${ids}`} data={shaped.data} height={240} /> : null}
      table={
        <table className="table table-compact">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colDaemon}</th>
              <th scope="col" className="align-end">{t.colAvg}</th>
              <th scope="col" className="align-end">{t.colMax}</th>
              <th scope="col" className="align-end">{t.colSamples}</th>
            </tr>
          </thead>
          <tbody>
            {stats.map((s) => (
              <tr key={s.id}>
                <td><span className="truncate" title={s.name}>{s.name}</span></td>
                <td className="num align-end">{formatMs(s.avgMs)}</td>
                <td className="num align-end">{formatMs(s.maxMs)}</td>
                <td className="num align-end">{formatNumber(s.samples)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
