import type { AlertEvent } from '../../../lib/events';

// The active alerts on the monitor page: loaded once, then kept by
// alert:raised / alert:cleared. Newest first; one per id.

export type AlertAction =
  | { type: 'loaded'; active: AlertEvent[] }
  | { type: 'raised'; alert: AlertEvent }
  | { type: 'cleared'; alert: AlertEvent };

export function alertsReducer(list: AlertEvent[], action: AlertAction): AlertEvent[] {
  switch (action.type) {
    case 'loaded':
      return sortNewest(action.active.filter((a) => a.clearedAt === null));
    case 'raised':
      return sortNewest([action.alert, ...list.filter((a) => a.id !== action.alert.id)]);
    case 'cleared':
      return list.filter((a) => a.id !== action.alert.id);
  }
}

function sortNewest(list: AlertEvent[]): AlertEvent[] {
  return [...list].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0));
}

/** Critical first, for the headline's colour. */
export const worstSeverity = (list: AlertEvent[]): 'critical' | 'warning' | null =>
  list.some((a) => a.severity === 'critical') ? 'critical' : list.length > 0 ? 'warning' : null;
