import type { AlertEvent } from '../../../lib/events';
import { formatBytes } from '../../../lib/format';

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

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What the alert says, in pt-BR, from its details. The server's `message` is
 * English (for logs and webhooks); it is shown only for a kind this page does
 * not know or details it cannot read.
 */
export function describeAlert(a: Pick<AlertEvent, 'kind' | 'message' | 'details'>): string {
  const d = a.details ?? {};
  switch (a.kind) {
    case 'daemon_offline': {
      const min = num(d.offlineMinutes);
      if (min !== null) return `sem conexão há ${plural(min, 'minuto', 'minutos')}.`;
      break;
    }
    case 'daemons_offline_pct': {
      const off = num(d.offline);
      const total = num(d.total);
      const pct = num(d.percent);
      if (off !== null && total !== null && pct !== null)
        return `${off} de ${total} daemons offline (${formatDecimal(pct)}%).`;
      break;
    }
    case 'daemon_versions': {
      const versions = d.versions;
      if (versions && typeof versions === 'object') {
        const parts = Object.entries(versions as Record<string, unknown>).map(([v, ids]) =>
          `${v} (${Array.isArray(ids) ? plural(ids.length, 'daemon', 'daemons') : '?'})`);
        if (parts.length > 0) return `versões em uso: ${parts.join(', ')}.`;
      }
      break;
    }
    case 'cache_capacity': {
      const pct = num(d.percent);
      const used = num(d.cacheBytes);
      const cap = num(d.capacityBytes);
      if (pct !== null && used !== null && cap !== null)
        return `${pct}% da capacidade em uso (${formatBytes(used)} de ${formatBytes(cap)}).`;
      break;
    }
    case 'disk_floor': {
      const free = num(d.freeBytes);
      const floor = num(d.minFreeBytes);
      if (free !== null && floor !== null)
        return `${formatBytes(free)} livres; o mínimo é ${formatBytes(floor)}. Novos PDFs são recusados até liberar espaço.`;
      break;
    }
    case 'janitor_failed': {
      const why = str(d.reason);
      return why ? `a última execução falhou (${why}).` : 'a última execução falhou.';
    }
    case 'db_unreachable': {
      const why = str(d.reason);
      return why ? `o servidor não consegue falar com o banco (${why}).` : 'o servidor não consegue falar com o banco.';
    }
  }
  return a.message;
}

function formatDecimal(n: number): string {
  return String(Math.round(n * 10) / 10).replace('.', ',');
}
