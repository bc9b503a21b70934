import { useState, type ReactNode } from 'react';
import type { ApiError } from '../../../lib/api-client';
import { monitorText } from '../strings';

const t = monitorText.charts;

interface Props {
  id: string;
  title: string;
  /** One or two sentences that say what the chart shows (its text alternative). */
  summary: ReactNode;
  loading: boolean;
  error: ApiError | null;
  empty: boolean;
  chart: ReactNode;
  table: ReactNode;
  legend?: ReactNode;
  className?: string;
}

/** A chart with its title, a text summary and its data as a table (collapsed), for every reader. */
export function ChartFigure({ id, title, summary, loading, error, empty, chart, table, legend, className }: Props) {
  // Data already on screen stays there when a refresh fails; the failure is said above it.
  const ready = !empty;
  // The table is built only when opened: with 500 daemons it is thousands of nodes.
  const [tableOpen, setTableOpen] = useState(false);
  return (
    <figure className={`chart panel ${className ?? ''}`} aria-labelledby={`${id}-title`}>
      <figcaption className="chart-caption">
        <h3 id={`${id}-title`}>{title}</h3>
        <p className="chart-summary" aria-live="polite">
          {error && empty ? `${t.failed} ${error.message}` : loading && empty ? t.loading : empty ? t.noData : summary}
          {error && !empty ? <span className="chart-stale"> {t.stale(error.message)}</span> : null}
        </p>
      </figcaption>
      {ready ? (
        <>
          {legend}
          <div className="chart-body">{chart}</div>
          <details className="chart-data" onToggle={(e) => setTableOpen(e.currentTarget.open)}>
            <summary>{t.dataTable}</summary>
            {tableOpen ? (
              <div className="table-scroll chart-table" tabIndex={0} role="region" aria-label={`${title}: ${t.dataTable}`}>
                {table}
              </div>
            ) : null}
          </details>
        </>
      ) : (
        <div className="chart-placeholder" aria-hidden="true" />
      )}
    </figure>
  );
}
