import { useCallback, useEffect, useRef } from 'react';

export interface BatchOptions {
  /** At most one hand-over per this many ms (the first one of a quiet period goes at the next frame). */
  minIntervalMs?: number;
  /** In a hidden tab frames do not run: a timer hands over after this delay. */
  hiddenDelayMs?: number;
  now?: () => number;
}

/**
 * Collects items (live events) and hands them over in one batch at the next
 * animation frame, and not more often than `minIntervalMs`: 500 heartbeats
 * become a couple of renders a second instead of one per event or per frame.
 */
export function createFrameBatcher<T>(apply: (items: T[]) => void, opts: BatchOptions = {}) {
  const minInterval = opts.minIntervalMs ?? 0;
  const hiddenDelay = opts.hiddenDelayMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const hasRaf = typeof requestAnimationFrame === 'function';
  let queue: T[] = [];
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;

  const clear = () => {
    if (frame !== null && hasRaf) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
  };

  const flush = () => {
    clear();
    last = now();
    const items = queue;
    queue = [];
    if (items.length) apply(items);
  };

  const atNextFrame = () => {
    timer = null;
    const hidden = typeof document !== 'undefined' && document.hidden;
    if (hasRaf && !hidden) {
      frame = requestAnimationFrame(flush);
      // A frame that never comes (the tab was hidden meanwhile) must not hold the queue.
      timer = setTimeout(flush, hiddenDelay);
    } else timer = setTimeout(flush, hasRaf ? hiddenDelay : 0);
  };

  return {
    push(item: T) {
      queue.push(item);
      if (frame !== null || timer !== null) return;
      const wait = last + minInterval - now();
      if (wait > 0) timer = setTimeout(atNextFrame, wait);
      else atNextFrame();
    },
    flush,
    cancel() {
      clear();
      queue = [];
    },
  };
}

export function useFrameBatch<T>(apply: (items: T[]) => void, opts?: BatchOptions): (item: T) => void {
  const applyRef = useRef(apply);
  applyRef.current = apply;
  const batcher = useRef<ReturnType<typeof createFrameBatcher<T>> | null>(null);
  batcher.current ??= createFrameBatcher<T>((items) => applyRef.current(items), opts);
  useEffect(() => () => batcher.current?.cancel(), []);
  return useCallback((item: T) => batcher.current!.push(item), []);
}
