import type { AlertEvent } from '../../../lib/events';
import { describeAlert, worstSeverity } from '../state/alert-list';
import { monitorText as t } from '../strings';
import { RelativeTime } from './RelativeTime';

/** The active alerts, above the cards; nothing at all when there are none. */
export function AlertsPanel({ alerts }: { alerts: AlertEvent[] }) {
  const worst = worstSeverity(alerts);
  if (worst === null) return null;
  return (
    <section className={`alerts-panel alerts-${worst}`} aria-labelledby="alerts-heading" role="region">
      <h2 id="alerts-heading">{t.alerts.heading(alerts.length)}</h2>
      <ul>
        {alerts.map((a) => (
          <li key={a.id} className={`alert-item alert-${a.severity}`} data-alert-kind={a.kind}>
            <span className="alert-severity">{t.alerts.severity[a.severity]}</span>{' '}
            <strong className="alert-title">{t.alerts.title(a.kind, a.subject)}</strong>{' '}
            <span className="alert-message">{describeAlert(a)}</span>{' '}
            <span className="muted">
              {t.alerts.since} <RelativeTime iso={a.raisedAt} never="" />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
