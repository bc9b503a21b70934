import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useVirtualRows } from '../../../lib/virtual-rows';
import { Banner } from '../../../components/Banner';
import { Loading } from '../../../components/Loading';
import type { ApiError } from '../../../lib/api-client';
import { formatNumber } from '../../../lib/format';
import { nextSort, visibleDaemons, type Sort, type SortKey, type StatusFilter } from '../state/daemon-table';
import { monitorText } from '../strings';
import type { Daemon } from '../types';
import { DaemonRow } from './DaemonRow';
import { EmptyState } from './EmptyState';

const t = monitorText.table;

/** From this many rows on, only those near the viewport are in the DOM. */
export const VIRTUAL_FROM = 120;
/** The height of a row (CSS .daemon-row), until one is measured. */
const ROW_HEIGHT = 54;

const COLUMNS: { key: SortKey; label: string; className?: string }[] = [
  { key: 'name', label: t.columns.name, className: 'col-name' },
  { key: 'clientId', label: t.columns.clientId, className: 'col-client' },
  { key: 'status', label: t.columns.status, className: 'col-status' },
  { key: 'remoteAddr', label: t.columns.remoteAddr, className: 'col-ip' },
  { key: 'localAddr', label: t.columns.localAddr, className: 'col-ip' },
  { key: 'version', label: t.columns.version, className: 'col-version' },
  { key: 'lastSeen', label: t.columns.lastSeen, className: 'col-seen' },
  { key: 'pdfs', label: t.columns.pdfs, className: 'col-pdfs align-end' },
];

interface Props {
  daemons: Daemon[];
  loaded: boolean;
  error: ApiError | null;
  onRetry: () => void;
}

export function DaemonsTable({ daemons, loaded, error, onRetry }: Props) {
  const [sort, setSort] = useState<Sort>({ key: 'status', dir: 'asc' });
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [query, setQuery] = useState('');
  // Typing stays responsive with 500 rows: filtering follows a step behind.
  const deferredQuery = useDeferredValue(query);
  const rows = useMemo(() => visibleDaemons(daemons, filter, deferredQuery, sort), [daemons, filter, deferredQuery, sort]);
  const searchId = useId();
  const filterId = useId();
  const countId = useId();
  const virtual = useVirtualRows<HTMLTableSectionElement>({
    count: rows.length,
    estimate: ROW_HEIGHT,
    threshold: VIRTUAL_FROM,
    rowSelector: 'tr.daemon-row',
  });
  const { start, end, before, after } = virtual.window;

  const filtered = filter !== 'all' || query.trim() !== '';

  return (
    <section className="panel" aria-labelledby="daemons-heading">
      <div className="panel-header">
        <h2 id="daemons-heading">{t.caption}</h2>
        <p id={countId} className="panel-meta num" aria-live="polite">
          {loaded ? t.count(formatNumber(rows.length), formatNumber(daemons.length)) : ''}
        </p>
      </div>

      {error ? (
        <Banner tone="error" title={t.loadFailed} action={<button type="button" className="button button-small" onClick={onRetry}>{t.retry}</button>}>
          {error.message}
        </Banner>
      ) : null}

      {loaded && daemons.length === 0 ? (
        <EmptyState />
      ) : (
        <>
          <div className="toolbar" role="search">
            <div className="field field-inline field-grow">
              <label htmlFor={searchId}>{t.searchLabel}</label>
              <input
                id={searchId}
                type="search"
                value={query}
                placeholder={t.searchPlaceholder}
                onChange={(e) => setQuery(e.target.value)}
                aria-controls="daemons-table"
                aria-describedby={countId}
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <div className="field field-inline">
              <label htmlFor={filterId}>{t.statusFilterLabel}</label>
              <select id={filterId} value={filter} onChange={(e) => setFilter(e.target.value as StatusFilter)} aria-controls="daemons-table">
                {(Object.keys(t.filters) as StatusFilter[]).map((k) => (
                  <option key={k} value={k}>
                    {t.filters[k]}
                  </option>
                ))}
              </select>
            </div>
            {filtered ? (
              <button
                type="button"
                className="button button-quiet"
                onClick={() => {
                  setQuery('');
                  setFilter('all');
                }}
              >
                {t.clearFilters}
              </button>
            ) : null}
          </div>

          {!loaded && !error ? (
            <Loading label={t.loading} />
          ) : (
            <div className="table-scroll">
              <table
                className="table daemons-table"
                id="daemons-table"
                data-rows={rows.length}
                aria-rowcount={virtual.enabled ? rows.length + 1 : undefined}
              >
                <caption className="sr-only">{t.caption}</caption>
                <thead>
                  <tr aria-rowindex={virtual.enabled ? 1 : undefined}>
                    {COLUMNS.map((c) => {
                      const active = sort.key === c.key;
                      return (
                        <th
                          key={c.key}
                          scope="col"
                          className={c.className}
                          aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                        >
                          <button type="button" className="sort" onClick={() => setSort((s) => nextSort(s, c.key))}>
                            {c.label}
                            <span className={`sort-icon ${active ? 'sort-' + sort.dir : ''}`} aria-hidden="true" />
                          </button>
                        </th>
                      );
                    })}
                    <th scope="col" className="col-actions align-end">
                      {t.columns.actions}
                    </th>
                  </tr>
                </thead>
                <tbody ref={virtual.ref}>
                  {before > 0 ? <SpacerRow height={before} /> : null}
                  {rows.slice(start, end).map((d, i) => (
                    <DaemonRow key={d.id} daemon={d} rowIndex={virtual.enabled ? start + i + 2 : undefined} />
                  ))}
                  {after > 0 ? <SpacerRow height={after} /> : null}
                </tbody>
              </table>
              {rows.length === 0 ? (
                <p className="table-empty">
                  {t.noMatch}{' '}
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      setQuery('');
                      setFilter('all');
                    }}
                  >
                    {t.clearFilters}
                  </button>
                </p>
              ) : null}
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Stands in for the rows that are not in the DOM; the scrollbar stays true. */
function SpacerRow({ height }: { height: number }) {
  return (
    <tr className="spacer-row" aria-hidden="true">
      <td colSpan={COLUMNS.length + 1} style={{ height }} />
    </tr>
  );
}
