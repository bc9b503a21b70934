import { memo } from 'react';
import { formatNumber } from '../../../lib/format';
import { Link } from '../../../lib/router';
import { monitorText } from '../strings';
import type { Daemon } from '../types';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';

const t = monitorText.table;

export const detailPath = (id: number) => `/admin/system-monitor/daemons/${id}`;

function Text({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  if (!value) return <span className="muted">{empty}</span>;
  return (
    <span className="truncate" title={value}>
      {value}
    </span>
  );
}

/** One daemon. Memoised: a heartbeat re-renders only its own row. Server text is rendered as text. */
export const DaemonRow = memo(function DaemonRow({ daemon: d, rowIndex }: { daemon: Daemon; rowIndex?: number }) {
  return (
    <tr className={`daemon-row ${d.status === 'online' ? 'row-online' : 'row-offline'}`} aria-rowindex={rowIndex}>
      <th scope="row" className="cell-name">
        <span className="truncate" title={d.name}>
          {d.name}
        </span>
        {d.hostname ? (
          <span className="sub truncate" title={d.hostname}>
            {d.hostname}
          </span>
        ) : null}
      </th>
      <td className="mono">
        {d.clientId ? (
          <Text value={d.clientId} />
        ) : (
          <span className="muted" title={t.unboundTitle}>
            {t.unbound}
          </span>
        )}
      </td>
      <td>
        <StatusBadge daemon={d} />
      </td>
      <td className="mono">
        <Text value={d.remoteAddr} />
      </td>
      <td className="mono">
        <Text value={d.localAddr} />
      </td>
      <td className="mono">
        <Text value={d.version} />
      </td>
      <td className="num">
        <RelativeTime iso={d.lastSeen} never={t.never} neverTitle={t.neverTitle} />
      </td>
      <td className="num align-end">{formatNumber(d.pdfsIndexed)}</td>
      <td className="align-end">
        <Link to={detailPath(d.id)} className="button button-small" aria-label={t.viewLabel(d.name)} data-daemon-view={d.id}>
          {t.view}
        </Link>
      </td>
    </tr>
  );
});
