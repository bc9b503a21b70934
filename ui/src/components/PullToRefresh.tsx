import { useEffect, useRef, useState, type ReactNode } from 'react';
import { commonText as t } from '../lib/strings';

/** How far the finger pulls (the indicator moves half as far) before letting go refreshes. */
export const PULL_THRESHOLD_PX = 140;
const MAX_SHOWN_PX = 96;

/**
 * Pull to refresh, as phones do it: with the page at its top, a finger
 * dragging down shows "Puxe para atualizar", then "Solte para atualizar"
 * past the threshold; letting go there calls `onRefresh`, and "Atualizando…"
 * stays while `busy`. The browser's own pull-to-reload of the whole page is
 * turned off while this is mounted (overscroll-behavior), so the gesture
 * refreshes the data, not the app. Pages keep a button that does the same,
 * for people without a touch screen.
 */
export function PullToRefresh({ onRefresh, busy, children }: { onRefresh: () => void; busy: boolean; children: ReactNode }) {
  const [pulled, setPulled] = useState(0);
  const [asked, setAsked] = useState(false);
  const onRefreshRef = useRef(onRefresh);
  onRefreshRef.current = onRefresh;

  useEffect(() => {
    const root = document.documentElement;
    const before = root.style.overscrollBehaviorY;
    root.style.overscrollBehaviorY = 'contain';
    let start: { x: number; y: number } | null = null;
    let distance = 0;
    const onStart = (e: TouchEvent) => {
      const touch = e.touches.length === 1 ? e.touches[0] : undefined;
      start = window.scrollY <= 0 && touch ? { x: touch.clientX, y: touch.clientY } : null;
      distance = 0;
    };
    const onMove = (e: TouchEvent) => {
      const touch = e.touches.length === 1 ? e.touches[0] : undefined;
      if (!start || !touch) return;
      const dy = touch.clientY - start.y;
      const dx = touch.clientX - start.x;
      // Upwards or sideways first: a scroll or a swipe, not a pull.
      if (distance === 0 && (dy <= 0 || Math.abs(dx) > dy)) {
        start = null;
        return;
      }
      distance = Math.max(0, dy);
      if (e.cancelable) e.preventDefault();
      setPulled(distance);
    };
    const onEnd = () => {
      if (!start) return;
      const far = distance >= PULL_THRESHOLD_PX;
      start = null;
      distance = 0;
      setPulled(0);
      if (far) {
        setAsked(true);
        onRefreshRef.current();
      }
    };
    window.addEventListener('touchstart', onStart, { passive: true });
    window.addEventListener('touchmove', onMove, { passive: false });
    window.addEventListener('touchend', onEnd);
    window.addEventListener('touchcancel', onEnd);
    return () => {
      root.style.overscrollBehaviorY = before;
      window.removeEventListener('touchstart', onStart);
      window.removeEventListener('touchmove', onMove);
      window.removeEventListener('touchend', onEnd);
      window.removeEventListener('touchcancel', onEnd);
    };
  }, []);

  useEffect(() => {
    if (!busy) setAsked(false);
  }, [busy]);

  const refreshing = asked && busy;
  const shown = refreshing ? 40 : Math.min(MAX_SHOWN_PX, pulled / 2);
  const text = refreshing ? t.refreshing : pulled >= PULL_THRESHOLD_PX ? t.releaseToRefresh : pulled > 0 ? t.pullToRefresh : '';
  return (
    <>
      <div className="pull-to-refresh" style={{ height: shown }} data-state={refreshing ? 'refreshing' : pulled >= PULL_THRESHOLD_PX ? 'release' : pulled > 0 ? 'pull' : 'idle'}>
        <span role="status" className="pull-to-refresh-text">
          {text}
        </span>
      </div>
      {children}
    </>
  );
}
