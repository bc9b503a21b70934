import { monitorText as t } from '../strings';
import type { Daemon } from '../types';

/** Colour and word together: never colour alone. */
export function StatusBadge({ daemon }: { daemon: Pick<Daemon, 'status' | 'blocked'> }) {
  const kind = daemon.blocked ? 'blocked' : daemon.status;
  return (
    <span className={`status status-${kind}`}>
      <span className="status-dot" aria-hidden="true" />
      {t.status[kind]}
    </span>
  );
}
