import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { useFrameBatch } from '../../../lib/frame-batch';
import { socketLayer, type ConnectionState } from '../../../lib/socket';
import { fetchSummary } from '../api';
import type { Summary } from '../types';
import { POLL_WHILE_OFFLINE_MS } from './use-live-daemons';

const REFRESH_LIVE_MS = 60_000;

export interface SummaryState {
  summary: Summary | null;
  /** Local clock when the summary arrived: the uptime card ticks from there. */
  receivedAt: number;
  error: ApiError | null;
}

/** The four cards' numbers: fetched, counted up by pdf:indexed, refreshed every minute (10 s without the socket). */
export function useSummary(connection: ConnectionState) {
  const [state, setState] = useState<SummaryState>({ summary: null, receivedAt: 0, error: null });
  const mounted = useRef(true);

  const refresh = useCallback(async () => {
    try {
      const s = await fetchSummary();
      if (mounted.current) setState({ summary: s, receivedAt: Date.now(), error: null });
    } catch (e) {
      if (mounted.current) setState((p) => ({ ...p, error: e instanceof ApiError ? e : null }));
    }
  }, []);

  const countPdfs = useFrameBatch<number>((items) =>
    setState((p) =>
      p.summary
        ? { ...p, summary: { ...p.summary, pdfs: { total: p.summary.pdfs.total + items.length, today: p.summary.pdfs.today + items.length } } }
        : p,
    ),
    { minIntervalMs: 500 },
  );

  useEffect(() => {
    mounted.current = true;
    const off = socketLayer().on('pdf:indexed', () => countPdfs(1));
    return () => {
      mounted.current = false;
      off();
    };
  }, [countPdfs]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Every minute while live, every 10 s without the socket; once more when it comes back.
  const previous = useRef(connection);
  useEffect(() => {
    if (connection === 'connected' && previous.current === 'reconnecting') void refresh();
    previous.current = connection;
    const every = connection === 'connected' ? REFRESH_LIVE_MS : POLL_WHILE_OFFLINE_MS;
    const id = setInterval(() => void refresh(), every);
    return () => clearInterval(id);
  }, [connection, refresh]);

  return { ...state, refresh };
}
