import { useCallback, useSyncExternalStore } from 'react';

/**
 * Shared tickers: one interval per period for the whole app, running only
 * while something listens. A component showing "há 2 min" re-renders only
 * when its text changes, not on every tick.
 */
interface Ticker {
  now: number;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setInterval> | null;
}

const tickers = new Map<number, Ticker>();

function ticker(periodMs: number): Ticker {
  let t = tickers.get(periodMs);
  if (!t) {
    t = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(periodMs, t);
  }
  return t;
}

/** A stopped ticker's time would be stale: read the clock until it runs again. */
function current(periodMs: number): number {
  const t = ticker(periodMs);
  if (t.timer === null) t.now = Date.now();
  return t.now;
}

function subscribe(periodMs: number, listener: () => void): () => void {
  const t = ticker(periodMs);
  t.listeners.add(listener);
  if (t.timer === null) {
    t.now = Date.now();
    t.timer = setInterval(() => {
      t.now = Date.now();
      for (const l of [...t.listeners]) l();
    }, periodMs);
  }
  return () => {
    t.listeners.delete(listener);
    if (t.listeners.size === 0 && t.timer !== null) {
      clearInterval(t.timer);
      t.timer = null;
    }
  };
}

/** The current time, refreshed every `periodMs`. */
export function useNow(periodMs: number): number {
  const sub = useCallback((l: () => void) => subscribe(periodMs, l), [periodMs]);
  return useSyncExternalStore(sub, () => current(periodMs));
}

/** Text computed from the current time; re-renders only when the text changes. */
export function useClockText(periodMs: number, compute: (nowMs: number) => string): string {
  const sub = useCallback((l: () => void) => subscribe(periodMs, l), [periodMs]);
  return useSyncExternalStore(sub, () => compute(current(periodMs)));
}
