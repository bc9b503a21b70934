import { liveText } from '../../../lib/strings';
import type { ConnectionState } from '../../../lib/socket';

/** "Ao vivo" while the socket is up; otherwise says the page is polling every 10 s. */
export function LiveIndicator({ state }: { state: ConnectionState }) {
  const live = state === 'connected';
  const label = live ? liveText.live : state === 'connecting' ? liveText.connecting : liveText.reconnecting;
  const hint = live ? liveText.liveHint : liveText.reconnectingHint;
  return (
    <p className={`live ${live ? 'live-on' : 'live-off'}`} role="status" title={hint}>
      <span className="live-dot" aria-hidden="true" />
      {label}
    </p>
  );
}
