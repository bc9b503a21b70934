import { useId, useMemo, useRef, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { useAsync } from '../../../lib/use-async';
import { fetchAudit } from '../api';
import { Badge } from '../components/Badge';
import { ListStatus } from '../components/ListStatus';
import { adminText } from '../strings';
import { auditActionLabel, auditActor, auditDetails, auditOutcome, filterByOutcome, type OutcomeFilter } from './labels';
import { auditQuery, firstAuditPage, hasNewer, newerPage, olderPage, pageNumber, readAuditPage, type AuditCursor } from './paging';

const t = adminText.audit;
const OUTCOMES: OutcomeFilter[] = ['all', 'ok', 'denied', 'failed'];

/** Auditoria: the log, newest first, a page at a time ("Mais antigos" / "Mais recentes"). */
export default function AuditPage() {
  const [cursor, setCursor] = useState<AuditCursor>(firstAuditPage);
  const [outcome, setOutcome] = useState<OutcomeFilter>('all');
  const query = auditQuery(cursor);
  const audit = useAsync((signal) => fetchAudit(query, signal).then((items) => readAuditPage(items)), [query.before]);
  const page = audit.data;
  const rows = useMemo(() => (page ? filterByOutcome(page.items, outcome) : []), [page, outcome]);
  const ids = { filter: useId(), filterHint: useId(), status: useId() };
  const olderButton = useRef<HTMLButtonElement>(null);

  const n = pageNumber(cursor);
  const canNewer = hasNewer(cursor);
  const canOlder = !!page && page.olderBefore !== null;
  // aria-disabled, not disabled: the button keeps focus when it can go no further.
  const go = (allowed: boolean, next: () => AuditCursor) => {
    if (allowed && !audit.loading) setCursor(next());
  };

  return (
    <section className="panel" aria-labelledby="audit-heading">
      <div className="panel-header">
        <h2 id="audit-heading">{t.panel}</h2>
        <div className="panel-tools">
          <p id={ids.status} className="panel-meta num" aria-live="polite">
            {page ? t.shownCount(rows.length) : ''}
          </p>
          <button type="button" className="button" onClick={audit.reload}>
            {adminText.reload}
          </button>
        </div>
      </div>

      <div className="toolbar">
        <div className="field field-inline">
          <label htmlFor={ids.filter}>{t.outcomeFilter}</label>
          <select id={ids.filter} value={outcome} onChange={(e) => setOutcome(e.target.value as OutcomeFilter)} aria-describedby={ids.filterHint} aria-controls="audit-table">
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o === 'all' ? t.allOutcomes : auditOutcome(o).label}
              </option>
            ))}
          </select>
          <span id={ids.filterHint} className="hint">
            {t.outcomeFilterHint}
          </span>
        </div>
        <nav className="pager toolbar-end" aria-label={t.pagingLabel}>
          <button type="button" className="button button-small" aria-disabled={!canNewer || undefined} onClick={() => go(canNewer, () => newerPage(cursor))}>
            {t.newer}
          </button>
          <span className="pager-page num">{t.page(n)}</span>
          <button ref={olderButton} type="button" className="button button-small" aria-disabled={!canOlder || undefined} onClick={() => go(canOlder, () => olderPage(cursor, page!))}>
            {t.older}
          </button>
          {n > 2 ? (
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => {
                go(true, () => firstAuditPage);
                olderButton.current?.focus(); // this button goes away on the first page
              }}
            >
              {t.newest}
            </button>
          ) : null}
        </nav>
      </div>

      <ListStatus loading={audit.loading} error={audit.error} hasData={!!page} loadingLabel={t.loading} onRetry={audit.reload} />

      {page ? (
        <div className="table-scroll" aria-busy={audit.loading || undefined}>
          <table className="table table-compact admin-table audit-table" id="audit-table" aria-describedby={ids.status}>
            <caption className="sr-only">{t.caption}</caption>
            <thead>
              <tr>
                <th scope="col" className="col-at">{t.cols.at}</th>
                <th scope="col" className="col-actor">{t.cols.actor}</th>
                <th scope="col" className="col-action">{t.cols.action}</th>
                <th scope="col" className="col-target">{t.cols.target}</th>
                <th scope="col" className="col-outcome">{t.cols.outcome}</th>
                <th scope="col" className="col-ip">{t.cols.ip}</th>
                <th scope="col" className="col-details">{t.cols.details}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((item) => {
                const who = auditActor(item);
                const result = auditOutcome(item.outcome);
                const details = auditDetails(item.details);
                return (
                  <tr key={item.id}>
                    <td className="num nowrap">
                      <time dateTime={item.at}>{formatDateTime(item.at)}</time>
                    </td>
                    <td>
                      <span className="wrap-anywhere">{who.who}</span>
                      {who.how ? <span className="sub">{who.how}</span> : null}
                    </td>
                    <th scope="row" className="cell-action">
                      <span className="wrap-anywhere">{auditActionLabel(item.action)}</span>
                      <span className="sub mono">{item.action}</span>
                    </th>
                    <td className="mono">
                      {item.target ? <span className="wrap-anywhere">{item.target}</span> : <span className="muted">{adminText.none}</span>}
                    </td>
                    <td>
                      <Badge tone={result.tone}>{result.label}</Badge>
                    </td>
                    <td className="mono nowrap">{item.ip ?? <span className="muted">{adminText.none}</span>}</td>
                    <td className="mono details-cell">
                      {details ? <span className="wrap-anywhere">{details}</span> : <span className="muted">{adminText.none}</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {page.items.length === 0 ? <p className="table-empty">{n === 1 ? t.empty : t.noOlder}</p> : null}
          {page.items.length > 0 && rows.length === 0 ? <p className="table-empty">{t.noMatch}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
