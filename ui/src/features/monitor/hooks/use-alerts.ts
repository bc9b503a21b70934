import { useEffect, useReducer, useRef } from 'react';
import { socketLayer, type ConnectionState } from '../../../lib/socket';
import { fetchAlerts } from '../api';
import { alertsReducer } from '../state/alert-list';

/** The active alerts: fetched, then kept live by alert:raised / alert:cleared; fetched again after a reconnect. */
export function useAlerts(connection: ConnectionState) {
  const [alerts, dispatch] = useReducer(alertsReducer, []);

  useEffect(() => {
    const layer = socketLayer();
    const offRaised = layer.on('alert:raised', (alert) => dispatch({ type: 'raised', alert }));
    const offCleared = layer.on('alert:cleared', (alert) => dispatch({ type: 'cleared', alert }));
    return () => {
      offRaised();
      offCleared();
    };
  }, []);

  const previous = useRef<ConnectionState | null>(null);
  useEffect(() => {
    const first = previous.current === null;
    const back = connection === 'connected' && previous.current !== 'connected';
    previous.current = connection;
    if (!first && !back) return;
    const ctrl = new AbortController();
    fetchAlerts(ctrl.signal)
      .then((r) => dispatch({ type: 'loaded', active: r.active }))
      .catch(() => {
        /* the events still arrive; the next reconnect fetches again */
      });
    return () => ctrl.abort();
  }, [connection]);

  return alerts;
}
