import { useClockText } from '../../../lib/clock';
import { formatDateTime, formatRelative } from '../../../lib/format';

const TICK_MS = 5000;

/** "há 2 min", kept current every 5 s; the exact time is in the title. Re-renders only when the text changes. */
export function RelativeTime({ iso, never, neverTitle }: { iso: string | null; never: string; neverTitle?: string }) {
  const text = useClockText(TICK_MS, (now) => (iso ? formatRelative(iso, now) : ''));
  if (!iso) {
    return (
      <span className="muted" title={neverTitle}>
        <span aria-hidden="true">—</span>
        <span className="sr-only">{never}</span>
      </span>
    );
  }
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {text}
    </time>
  );
}
