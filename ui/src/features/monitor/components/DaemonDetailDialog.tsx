import { useEffect, useRef, useState } from 'react';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { Loading } from '../../../components/Loading';
import { Tabs } from '../../../components/Tabs';
import { useAsync } from '../../../lib/use-async';
import { fetchDaemon } from '../api';
import { monitorText } from '../strings';
import type { Daemon, DaemonDetail } from '../types';
import { DaemonActions } from './DaemonActions';
import { DaemonConfigForm } from './DaemonConfigForm';
import { DaemonLogs } from './DaemonLogs';
import { DaemonOverview } from './DaemonOverview';
import { StatusBadge } from './StatusBadge';

const t = monitorText.detail;
type Tab = 'overview' | 'logs' | 'config';

interface Props {
  id: number;
  /** The same daemon from the live list: newer heartbeat fields than the detail we fetched. */
  live: Daemon | undefined;
  onClose: () => void;
  onDaemonChanged: (d: Daemon) => void;
}

/** The daemon detail of the design, as a dialog over the monitor (route /admin/system-monitor/daemons/:id). */
export function DaemonDetailDialog({ id, live, onClose, onDaemonChanged }: Props) {
  const detail = useAsync((signal) => fetchDaemon(id, signal), [id]);
  const [tab, setTab] = useState<Tab>('overview');

  // Connected or gone, blocked or not, a new heartbeat (its config, new log
  // lines): fetch the detail again while it is open.
  const key = live ? `${live.status}/${live.blocked}/${live.lastHeartbeat ?? ''}` : '';
  const lastKey = useRef(key);
  useEffect(() => {
    if (lastKey.current !== key && key) detail.reload();
    lastKey.current = key;
  }, [key, detail.reload]);

  const d: DaemonDetail | null = detail.data ? { ...detail.data, ...(live ?? {}) } : null;
  const name = d?.name ?? live?.name ?? `#${id}`;

  return (
    <Dialog
      title={t.dialogLabel(name)}
      subtitle={
        d || live ? (
          <>
            <StatusBadge daemon={(d ?? live)!} /> <span className="mono">{(d ?? live)!.clientId ?? ''}</span>
          </>
        ) : null
      }
      onClose={onClose}
      closeLabel={t.close}
      className="dialog-wide"
      returnFocus={() => document.querySelector<HTMLElement>(`[data-daemon-view="${id}"]`) ?? document.getElementById('daemons-heading')}
    >
      {!d && detail.loading ? <Loading label={t.loading} /> : null}
      {detail.error && !d ? (
        <Banner tone="error" title={detail.error.status === 404 ? t.notFound : t.loadFailed}>
          {detail.error.status === 404 ? null : detail.error.message}
        </Banner>
      ) : null}
      {d ? (
        <>
          <DaemonActions daemon={d} onChanged={onDaemonChanged} onDone={detail.reload} />
          <Tabs
            label={t.tabsLabel}
            selected={tab}
            onSelect={setTab}
            tabs={[
              { key: 'overview', label: t.tabs.overview },
              { key: 'logs', label: monitorText.actions.logs },
              { key: 'config', label: monitorText.actions.config },
            ]}
          >
            {tab === 'overview' ? <DaemonOverview d={d} /> : null}
            {tab === 'logs' ? <DaemonLogs events={d.recentEvents ?? []} onRefresh={detail.reload} refreshing={detail.loading} /> : null}
            {tab === 'config' ? <DaemonConfigForm daemon={d} onSaved={detail.reload} /> : null}
          </Tabs>
        </>
      ) : null}
    </Dialog>
  );
}
