import { Link } from '../../../lib/router';
import { monitorText } from '../strings';

const t = monitorText.empty;

/** No daemon yet: say how to add one. */
export function EmptyState() {
  return (
    <div className="empty">
      <h3>{t.title}</h3>
      <p>{t.body}</p>
      <ol>
        {t.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
      <Link to="/admin/daemon-tokens" className="button button-primary">
        {t.action}
      </Link>
    </div>
  );
}
