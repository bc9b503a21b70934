import { startTransition, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { useFrameBatch } from '../../../lib/frame-batch';
import { socketLayer, useConnectionState } from '../../../lib/socket';
import { fetchDaemons } from '../api';
import { daemonsReducer, initialDaemonsState, isReplayable, type DaemonAction } from '../state/daemon-store';

export const POLL_WHILE_OFFLINE_MS = 10_000;
export const LIVE_BATCH_MS = 500;

/**
 * The daemons, live: the list from REST, then status changes, heartbeats and
 * indexed PDFs from the socket, applied once per frame. While the socket is
 * down the list is fetched every 10 s; when it comes back, once more.
 * Events that arrive while a list is being fetched are applied again on top
 * of it, so a list older than an event never wins (all but the pdf:indexed
 * increments, which the list may already count: see isReplayable).
 */
export function useLiveDaemons() {
  const [state, dispatch] = useReducer(daemonsReducer, initialDaemonsState);
  const [error, setError] = useState<ApiError | null>(null);
  const connection = useConnectionState();
  const replay = useRef<DaemonAction[] | null>(null);
  const inFlight = useRef(false);
  // Asked for while a fetch was going: that answer may predate what was
  // asked for (the socket coming up), so one more follows it.
  const again = useRef(false);
  const mounted = useRef(true);

  // A transition: React renders the 500 rows of a heartbeat burst in slices
  // and yields to the browser between them, so no frame is held for long.
  // At most two table updates a second: a heartbeat every 30 s per daemon
  // does not need more, and 500 of them then cost a few renders, not hundreds.
  const push = useFrameBatch<DaemonAction>((actions) => startTransition(() => dispatch({ type: 'batch', actions })), { minIntervalMs: LIVE_BATCH_MS });
  const live = useCallback(
    (a: DaemonAction) => {
      if (isReplayable(a)) replay.current?.push(a);
      push(a);
    },
    [push],
  );

  const refresh = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      do {
        again.current = false;
        replay.current = [];
        try {
          const daemons = await fetchDaemons();
          if (!mounted.current) return;
          dispatch({ type: 'batch', actions: [{ type: 'list', daemons }, ...(replay.current ?? [])] });
          setError(null);
        } catch (e) {
          if (mounted.current) setError(e instanceof ApiError ? e : null);
        }
      } while (again.current && mounted.current);
    } finally {
      replay.current = null;
      inFlight.current = false;
      again.current = false;
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    void refresh();
    const layer = socketLayer();
    const offs = [
      layer.on('daemon:status_changed', (event) => live({ type: 'status', event })),
      layer.on('daemon:heartbeat', (event) => live({ type: 'heartbeat', event })),
      layer.on('pdf:indexed', (event) => live({ type: 'pdf', event, at: new Date().toISOString() })),
    ];
    return () => {
      mounted.current = false;
      offs.forEach((off) => off());
    };
  }, [refresh, live]);

  // Polling while the live connection is down; one catch-up fetch each time it
  // (re)connects, the first time included: events before the socket was up are
  // not replayed by the server.
  const wasConnected = useRef(connection === 'connected');
  useEffect(() => {
    if (connection === 'connected') {
      if (!wasConnected.current) void refresh();
      wasConnected.current = true;
      return;
    }
    wasConnected.current = false;
    if (connection === 'idle' || connection === 'ended') return;
    const id = setInterval(() => void refresh(), POLL_WHILE_OFFLINE_MS);
    return () => clearInterval(id);
  }, [connection, refresh]);

  // A daemon we do not know yet (a new token bound, a new daemon): fetch the list.
  useEffect(() => {
    if (!state.stale) return;
    const id = setTimeout(() => void refresh(), 500);
    return () => clearTimeout(id);
  }, [state.stale, refresh]);

  return { state, dispatch, error, refresh, connection };
}
