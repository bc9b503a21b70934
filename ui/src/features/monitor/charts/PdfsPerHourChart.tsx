import { useMemo } from 'react';
import uPlot from 'uplot';
import type { ApiError } from '../../../lib/api-client';
import { formatDayHour, formatDayMonth, formatNumber, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { ChartRange, PdfsIndexedSeries } from '../types';
import { ChartFigure } from './ChartFigure';
import { PRIMARY, PRIMARY_FILL } from './palette';
import { groupCounts, pdfsAligned } from './series';
import { UPlotChart, axis, timeAxisDefaults } from './UPlotChart';

const t = monitorText.charts.pdfs;

export function PdfsPerHourChart({ series, loading, error, range }: { series: PdfsIndexedSeries | undefined; loading: boolean; error: ApiError | null; range: ChartRange }) {
  const shaped = useMemo(() => (series ? pdfsAligned(series) : null), [series]);
  const from = series ? (toMs(series.from) ?? 0) / 1000 : 0;
  const to = series ? (toMs(series.to) ?? 0) / 1000 : 0;
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      ...timeAxisDefaults,
      scales: { x: { time: true, range: () => [from, to] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      series: [
        { label: monitorText.charts.timeAxis },
        {
          label: t.series,
          stroke: PRIMARY,
          fill: PRIMARY_FILL,
          width: 1,
          paths: uPlot.paths.bars!({ size: [0.8, 40], align: 1 }),
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : formatNumber(v)),
        },
      ],
      axes: [axis(), axis({ values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? formatNumber(v) : '')), size: 48 })],
      cursor: { points: { show: false } },
    }),
    [from, to],
  );

  const rows = useMemo(() => {
    if (!series) return [];
    return range === '24h'
      ? series.points.map((p) => ({ key: formatDayHour(toMs(p.t) ?? 0), count: p.count }))
      : groupCounts(series.points, formatDayMonth);
  }, [series, range]);

  const empty = !shaped || shaped.data[0].length === 0;
  return (
    <ChartFigure
      id="chart-pdfs"
      title={t.title}
      loading={loading}
      error={error}
      empty={empty}
      summary={shaped ? t.summary(formatNumber(shaped.total), formatNumber(shaped.peak), shaped.peakAt ? formatDayHour(shaped.peakAt) : '—') : ''}
      chart={shaped ? <UPlotChart options={options} layoutKey={`pdfs-${from}-${to}`} data={shaped.data} height={220} /> : null}
      table={
        <table className="table table-compact">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{range === '24h' ? t.colHour : t.colDay}</th>
              <th scope="col" className="align-end">{t.colCount}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td className="num">{r.key}</td>
                <td className="num align-end">{formatNumber(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
