import { memo, useMemo, useRef } from 'react';
import { useVirtualRows } from '../../../lib/virtual-rows';
import type { ApiError } from '../../../lib/api-client';
import { formatDateTime, formatDayHour, formatDayMonth, formatHourMinute, formatNumber, formatPercent, toMs } from '../../../lib/format';
import { monitorText } from '../strings';
import type { ChartRange, ConnectionsSeries } from '../types';
import { ChartFigure } from './ChartFigure';
import { timelineRows, timeTicks, type TimelineRow } from './series';

const t = monitorText.charts.timeline;
const collator = new Intl.Collator('pt-BR', { numeric: true, sensitivity: 'base' });

/** Rows shown before the list scrolls (.tl-rows max-height 360px / 24px). */
const TL_VISIBLE_ROWS = 15;
/** The height of a .tl-row, until one is measured. */
const TL_ROW_HEIGHT = 24;
/** From this many daemons on, only the rows in (or near) the scrolled view are drawn. */
const TL_VIRTUAL_FROM = 60;

const pct = (v: number) => `${Math.max(0, Math.min(100, v * 100)).toFixed(3)}%`;

/**
 * One row per daemon, green where it was online. uPlot draws series, not
 * spans, so this is plain SVG sized in percentages (no measuring); the list
 * scrolls when there are many daemons.
 */
const TimelineTrack = memo(function TimelineTrack({ row, from, to, ticks }: { row: TimelineRow; from: number; to: number; ticks: number[] }) {
  const w = Math.max(1, to - from);
  return (
    <svg className="tl-track" width="100%" height="16" aria-hidden="true" focusable="false">
      <rect className="tl-off" x="0" y="3" width="100%" height="10" rx="2" />
      {ticks.map((tk) => (
        <line key={tk} className="tl-grid" x1={pct((tk - from) / w)} x2={pct((tk - from) / w)} y1="0" y2="16" />
      ))}
      {row.spans.map((sp, i) => (
        <rect
          key={i}
          className="tl-on"
          x={pct((sp.start - from) / w)}
          width={pct(Math.max(0.002, (sp.end - sp.start) / w))}
          y="3"
          height="10"
          rx="2"
        >
          <title>{t.spanTitle(row.name, formatDateTime(sp.start), sp.open ? t.now : formatDateTime(sp.end))}</title>
        </rect>
      ))}
    </svg>
  );
});

export function ConnectionTimeline({ series, loading, error, range }: { series: ConnectionsSeries | undefined; loading: boolean; error: ApiError | null; range: ChartRange }) {
  const from = series ? (toMs(series.from) ?? 0) : 0;
  const to = series ? (toMs(series.to) ?? 0) : 0;
  const rows = useMemo(
    () => (series ? timelineRows(series, from, to).sort((a, b) => collator.compare(a.name, b.name) || a.id - b.id) : []),
    [series, from, to],
  );
  const ticks = useMemo(() => (series ? timeTicks(from, to, range === '24h' ? 3 * 3600e3 : 24 * 3600e3) : []), [series, from, to, range]);
  const tickLabel = range === '24h' ? formatHourMinute : formatDayMonth;
  const fullyOnline = rows.filter((r) => r.onlineFraction > 0.999).length;
  const w = Math.max(1, to - from);
  const scroller = useRef<HTMLDivElement | null>(null);
  const virtual = useVirtualRows<HTMLDivElement>({
    count: rows.length,
    estimate: TL_ROW_HEIGHT,
    threshold: TL_VIRTUAL_FROM,
    scroller,
    overscan: 8,
    rowSelector: '.tl-row',
  });
  const { start, end, before, after } = virtual.window;

  return (
    <ChartFigure
      id="chart-timeline"
      className="chart-wide"
      title={t.title}
      loading={loading}
      error={error}
      empty={rows.length === 0}
      summary={t.summary(rows.length, fullyOnline)}
      legend={
        <p className="tl-legend" aria-hidden="true">
          <span className="tl-key tl-key-on" /> {t.legendOnline}
          <span className="tl-key tl-key-off" /> {t.legendOffline}
        </p>
      }
      chart={
        <div className="tl">
          <div className="tl-axis" aria-hidden="true">
            <div className="tl-label" />
            <div className="tl-ticks">
              {ticks.map((tk) => (
                <span key={tk} className="tl-tick num" style={{ left: pct((tk - from) / w) }}>
                  {tickLabel(tk)}
                </span>
              ))}
            </div>
          </div>
          {/* When it scrolls, focusable so the keyboard can scroll it; its content is in the table below. */}
          <div
            ref={scroller}
            className="tl-rows"
            tabIndex={rows.length > TL_VISIBLE_ROWS ? 0 : undefined}
            role={rows.length > TL_VISIBLE_ROWS ? 'region' : undefined}
            aria-label={rows.length > TL_VISIBLE_ROWS ? t.scrollLabel(rows.length) : undefined}
          >
            <div ref={virtual.ref}>
              {before > 0 ? <div aria-hidden="true" style={{ height: before }} /> : null}
              {rows.slice(start, end).map((r) => (
                <div className="tl-row" key={r.id} aria-hidden="true">
                  <div className="tl-label truncate" title={r.name}>
                    {r.name}
                  </div>
                  <TimelineTrack row={r} from={from} to={to} ticks={ticks} />
                </div>
              ))}
              {after > 0 ? <div aria-hidden="true" style={{ height: after }} /> : null}
            </div>
          </div>
        </div>
      }
      table={
        <table className="table table-compact">
          <caption className="sr-only">{t.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.colDaemon}</th>
              <th scope="col">{monitorText.table.columns.status}</th>
              <th scope="col" className="align-end">{t.colOnline}</th>
              <th scope="col" className="align-end">{t.colSessions}</th>
              <th scope="col">{t.colLast}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td><span className="truncate" title={r.name}>{r.name}</span></td>
                <td>{monitorText.status[r.status]}</td>
                <td className="num align-end">{formatPercent(r.onlineFraction)}</td>
                <td className="num align-end">{formatNumber(r.spans.length)}</td>
                <td className="num">{r.lastEvent ? formatDayHour(r.lastEvent) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
