import { formatBytes, formatMs, formatNumber } from '../../../lib/format';
import type { DaemonDetail } from '../types';

type Counters = NonNullable<NonNullable<DaemonDetail['heartbeat']>['counters']>;

/** The daemon's own counters since it started, as the detail shows them; an
 *  average before the first upload or read (0), or from an older daemon that
 *  does not send it, is "—". */
export function daemonPerformance(c: Counters | null | undefined) {
  const positive = (v: number | undefined) => (typeof v === 'number' && v > 0 ? v : null);
  const speed = positive(c?.avgUploadBytesPerSecond);
  return {
    reconnections: formatNumber(c?.reconnections),
    uploadsFailed: formatNumber(c?.uploadsFailed),
    uploadSpeed: speed === null ? '—' : `${formatBytes(speed)}/s`,
    parseTime: formatMs(positive(c?.avgParseMs)),
  };
}
