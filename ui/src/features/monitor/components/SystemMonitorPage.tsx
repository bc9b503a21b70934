import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Loading } from '../../../components/Loading';
import { navigate } from '../../../lib/router';
import { useAlerts } from '../hooks/use-alerts';
import { useLiveDaemons } from '../hooks/use-live-daemons';
import { useSummary } from '../hooks/use-summary';
import { countOnline, daemonList, type DaemonsState } from '../state/daemon-store';
import { monitorText as t } from '../strings';
import type { Daemon } from '../types';
import { AlertsPanel } from './AlertsPanel';
import { CachePanel } from './CachePanel';
import { DaemonDetailDialog } from './DaemonDetailDialog';
import { DaemonsTable } from './DaemonsTable';
import { LiveIndicator } from './LiveIndicator';
import { LATENCY_TOP_N } from '../charts/limits';
import { SummaryCards } from './SummaryCards';

// uPlot and the charts come in their own chunk, after the table is on screen.
const ChartsPanel = lazy(() => import('../charts/ChartsPanel'));

export const MONITOR_PATH = '/admin/system-monitor';

/** Up to this many daemons the latency chart asks for all of them at once. */
const LATENCY_ALL_UP_TO = 12;

/** The daemons with the highest latest round trip, for the latency chart. */
export function latencyCandidates(state: DaemonsState, n: number): number[] | null {
  if (state.ids.length <= LATENCY_ALL_UP_TO) return null;
  return state.ids
    .map((id) => state.byId[id]!)
    .filter((d) => d.latencyMs !== null && d.latencyMs !== undefined)
    .sort((a, b) => (b.latencyMs ?? 0) - (a.latencyMs ?? 0))
    .slice(0, n)
    .map((d) => d.id);
}

/** How long the charts wait for the live connection once the table is there. */
export const CHARTS_WAIT_MS = 1500;

/**
 * The charts are below the fold: they start once the table is on screen and
 * the live connection is up (or CHARTS_WAIT_MS after the table, when it is
 * not), so drawing them never delays either.
 */
function useChartsReady(tableReady: boolean, connected: boolean): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || !tableReady) return;
    if (connected) {
      setReady(true);
      return;
    }
    const id = setTimeout(() => setReady(true), CHARTS_WAIT_MS);
    return () => clearTimeout(id);
  }, [ready, tableReady, connected]);
  return ready;
}

/** "Monitoramento de Sistema": cards, the live daemons table, the cache janitor, charts; the detail route opens a dialog over it. */
export function SystemMonitorPage({ detailId }: { detailId: number | null }) {
  const live = useLiveDaemons();
  const summary = useSummary(live.connection);
  const alerts = useAlerts(live.connection);
  const daemons = useMemo(() => daemonList(live.state), [live.state]);
  const counts = useMemo(() => countOnline(live.state), [live.state]);
  const { dispatch } = live;
  const onDaemonChanged = useCallback((d: Daemon) => dispatch({ type: 'daemon', daemon: d }), [dispatch]);
  const closeDetail = useCallback(() => navigate(MONITOR_PATH), []);
  // Read when the charts refresh (every minute), not on every heartbeat.
  const stateRef = useRef(live.state);
  stateRef.current = live.state;
  const candidates = useCallback(() => latencyCandidates(stateRef.current, LATENCY_TOP_N), []);
  const chartsReady = useChartsReady(live.state.loaded || live.error !== null, live.connection === 'connected');
  // A cleanup run changes what the cache card counts.
  const refreshSummary = summary.refresh;
  const onCleanupReport = useCallback(() => void refreshSummary(), [refreshSummary]);

  return (
    <div className="page monitor">
      <div className="page-header">
        <div>
          <h1 tabIndex={-1} data-page-heading>
            {t.pageTitle}
          </h1>
          <p className="page-intro">{t.pageIntro}</p>
        </div>
        <LiveIndicator state={live.connection} />
      </div>

      <AlertsPanel alerts={alerts} />

      <SummaryCards daemons={{ ...counts, loaded: live.state.loaded }} summary={summary} />

      <DaemonsTable daemons={daemons} loaded={live.state.loaded} error={live.error} onRetry={() => void live.refresh()} />

      <CachePanel onReport={onCleanupReport} />

      {chartsReady ? (
        <Suspense fallback={<Loading label={t.charts.loading} />}>
          <ChartsPanel latencyCandidates={candidates} daemonCount={counts.total} />
        </Suspense>
      ) : null}

      {detailId !== null ? (
        <DaemonDetailDialog key={detailId} id={detailId} live={live.state.byId[detailId]} onClose={closeDetail} onDaemonChanged={onDaemonChanged} />
      ) : null}
    </div>
  );
}
