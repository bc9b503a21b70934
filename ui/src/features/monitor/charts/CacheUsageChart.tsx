import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { ApiError } from '../../../lib/api-client';
import { formatBytes, formatDayHour, formatDayMonth, formatNumber, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { CacheSeries, ChartRange } from '../types';
import { ChartFigure } from './ChartFigure';
import { DANGER, PRIMARY, PRIMARY_FILL } from './palette';
import { cacheAligned, lastPerGroup } from './series';
import { UPlotChart, axis, sparsePoints, timeAxisDefaults } from './UPlotChart';

const t = monitorText.charts.cache;

/** Axis steps of round binary sizes (1 GB, 2 GB, 5 GB…), not 23,3 GB. */
const BYTE_INCRS = [0, 1, 2, 3, 4, 5].flatMap((p) => [1, 2, 5, 10, 20, 50, 100, 200, 500].map((m) => m * 1024 ** p));

export function CacheUsageChart({ series, loading, error, range }: { series: CacheSeries | undefined; loading: boolean; error: ApiError | null; range: ChartRange }) {
  const shaped = useMemo(() => (series ? cacheAligned(series) : null), [series]);
  const from = series ? (toMs(series.from) ?? 0) / 1000 : 0;
  const to = series ? (toMs(series.to) ?? 0) / 1000 : 0;
  const hasCap = shaped?.hasCapacity ?? false;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      ...timeAxisDefaults,
      scales: { x: { time: true, range: () => [from, to] }, y: { range: (_u, _min, max) => [0, Math.max(1024 * 1024, max * 1.1)] } },
      series: [
        { label: monitorText.charts.timeAxis },
        { label: t.series, stroke: PRIMARY, fill: PRIMARY_FILL, width: 2, points: sparsePoints(), value: (_u, v) => formatBytes(v) },
        ...(hasCap ? [{ label: t.capacity, stroke: DANGER, dash: [6, 4], width: 1.5, points: { show: false }, value: (_u: uPlot, v: number | null) => formatBytes(v) }] : []),
      ],
      axes: [axis(), axis({ values: (_u, vals) => vals.map((v) => formatBytes(v)), incrs: BYTE_INCRS, size: 72 })],
      cursor: { points: { size: 6 } },
    }),
    [from, to, hasCap],
  );
  const rows = useMemo(() => (series ? lastPerGroup(series.points, range === '24h' ? formatDayHour : formatDayMonth) : []), [series, range]);
  const empty = !shaped || shaped.data[0].length === 0;
  return (
    <ChartFigure
      id="chart-cache"
      title={t.title}
      loading={loading}
      error={error}
      empty={empty}
      summary={shaped ? t.summary(formatBytes(shaped.last), formatBytes(shaped.min), formatBytes(shaped.max)) + (series?.capacityBytes ? t.capacityNote(formatBytes(series.capacityBytes)) : '') : ''}
      chart={shaped ? <UPlotChart options={options} layoutKey={`cache-${from}-${to}-${hasCap}`} data={shaped.data} height={220} /> : null}
      table={
        <table className="table table-compact">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colTime}</th>
              <th scope="col" className="align-end">{t.colBytes}</th>
              <th scope="col" className="align-end">{t.colFiles}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td className="num">{r.key}</td>
                <td className="num align-end">{formatBytes(r.bytes)}</td>
                <td className="num align-end">{formatNumber(r.files)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
