import { Banner } from '../../../components/Banner';
import { Loading } from '../../../components/Loading';
import { useCleanupReports } from '../hooks/use-cleanup-reports';
import { reportFigures, reportKey } from '../state/cleanup-reports';
import { monitorText } from '../strings';
import type { CleanupReport } from '../types';

const t = monitorText.cleanup;
const f = t.fields;

function LatestReport({ report }: { report: CleanupReport }) {
  const v = reportFigures(report);
  const rows: [string, string][] = [
    [f.when, v.when],
    [f.trigger, v.trigger],
    [f.filesRemoved, v.filesRemoved],
    [f.bytesFreed, v.bytesFreed],
    [f.expiredRows, v.expiredRows],
    [f.tempRemoved, v.tempRemoved],
    [f.duration, v.duration],
  ];
  return (
    <section className="cleanup-latest" aria-labelledby="cleanup-latest-heading">
      <h3 id="cleanup-latest-heading">{t.latest}</h3>
      <dl className="dl cleanup-figures">
        {rows.map(([label, value]) => (
          <div className="dl-row" key={label}>
            <dt>{label}</dt>
            <dd className="num">{value}</dd>
          </div>
        ))}
        <div className="dl-row">
          <dt>{f.errors}</dt>
          <dd className={v.hasErrors ? 'cleanup-has-errors' : 'muted'}>{v.errors}</dd>
        </div>
      </dl>
      {v.hasErrors ? (
        <div className="cleanup-errors">
          <p>{t.errorsTitle(String(report.errors.length))}</p>
          <ul>
            {report.errors.map((e, i) => (
              <li key={i} className="mono wrap-anywhere">
                {e}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function EarlierReports({ reports }: { reports: CleanupReport[] }) {
  return (
    <section className="cleanup-earlier" aria-labelledby="cleanup-earlier-heading">
      <h3 id="cleanup-earlier-heading">{t.earlier}</h3>
      <div className="cleanup-table-scroll">
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{f.when}</th>
              <th scope="col">{f.trigger}</th>
              {(['filesRemoved', 'bytesFreed', 'expiredRows', 'tempRemoved'] as const).map((k) => (
                <th key={k} scope="col" className="align-end">
                  <abbr title={f[k]}>{t.columns[k]}</abbr>
                </th>
              ))}
              <th scope="col" className="align-end">{f.duration}</th>
              <th scope="col">{f.errors}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => {
              const v = reportFigures(r);
              return (
                <tr key={reportKey(r)}>
                  <td className="nowrap">{v.when}</td>
                  <td className="nowrap">{v.trigger}</td>
                  <td className="align-end">{v.filesRemoved}</td>
                  <td className="align-end">{v.bytesFreed}</td>
                  <td className="align-end">{v.expiredRows}</td>
                  <td className="align-end">{v.tempRemoved}</td>
                  <td className="align-end">{v.duration}</td>
                  <td className={v.hasErrors ? 'cleanup-has-errors' : 'muted'} title={v.hasErrors ? r.errors.join('\n') : undefined}>
                    {v.errors}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * "Cache": the janitor's latest runs and "Executar limpeza". Reports of runs
 * started elsewhere (the schedule, another admin, the CLI) arrive live.
 */
export function CachePanel({ onReport }: { onReport?: (r: CleanupReport) => void }) {
  const { reports, running, result, run } = useCleanupReports(onReport);
  const list = reports.data ?? [];
  const [latest, ...earlier] = list;

  return (
    <section className="panel cache-panel" aria-labelledby="cache-heading" aria-busy={running}>
      <div className="panel-header">
        <div>
          <h2 id="cache-heading">{t.title}</h2>
          <p className="hint cache-intro">{t.intro}</p>
        </div>
        <button type="button" className="button button-primary" onClick={() => void run()} disabled={running}>
          {running ? (
            <>
              <span className="spinner" aria-hidden="true" />
              {t.running}
            </>
          ) : (
            t.run
          )}
        </button>
      </div>

      {/* Always in the page, so the result of a click is announced when it arrives. */}
      <div role="status" aria-live="polite" className="action-result-slot">
        {result && result.tone !== 'error' ? (
          <p className={`action-result cleanup-result ${result.tone === 'warning' ? 'action-warn' : result.tone === 'info' ? 'action-info' : 'action-ok'}`}>
            {result.text}
          </p>
        ) : null}
      </div>
      {result?.tone === 'error' ? <Banner tone="error">{result.text}</Banner> : null}

      {reports.error && !reports.data ? (
        <Banner
          tone="error"
          action={
            <button type="button" className="button button-small" onClick={reports.reload}>
              {t.retry}
            </button>
          }
        >
          {t.loadFailed(reports.error.message)}
        </Banner>
      ) : reports.loading && !reports.data ? (
        <Loading label={t.loading} />
      ) : latest ? (
        <div className="cleanup-reports">
          <LatestReport report={latest} />
          {earlier.length ? <EarlierReports reports={earlier} /> : null}
        </div>
      ) : (
        <p className="muted">{t.none}</p>
      )}
    </section>
  );
}
