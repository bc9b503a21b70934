import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Which rows of a long list to put in the DOM, and the space the others take. */
export interface RowWindow {
  /** First rendered row. */
  start: number;
  /** One past the last rendered row. */
  end: number;
  /** Height in px of the rows above `start` (a spacer stands in for them). */
  before: number;
  /** Height in px of the rows from `end` on. */
  after: number;
}

export interface WindowInput {
  count: number;
  rowHeight: number;
  /** The visible part of the list, in px from the top of its first row (may be negative or past the end). */
  viewTop: number;
  viewBottom: number;
  /** Rows kept on each side of the visible ones. */
  overscan: number;
  /** Edges are rounded to multiples of this, so a small scroll does not change the window. */
  chunk: number;
}

export function rowWindow({ count, rowHeight, viewTop, viewBottom, overscan, chunk }: WindowInput): RowWindow {
  const h = rowHeight > 0 ? rowHeight : 1;
  const c = Math.max(1, Math.floor(chunk));
  if (count <= 0) return { start: 0, end: 0, before: 0, after: 0 };
  let start = Math.floor(Math.max(0, viewTop) / h) - overscan;
  let end = Math.ceil(Math.max(0, viewBottom) / h) + overscan;
  start = Math.min(count, Math.max(0, Math.floor(start / c) * c));
  end = Math.min(count, Math.max(start, Math.ceil(end / c) * c));
  return { start, end, before: start * h, after: (count - end) * h };
}

const sameWindow = (a: RowWindow, b: RowWindow) => a.start === b.start && a.end === b.end && a.before === b.before && a.after === b.after;

export interface VirtualRowsOptions {
  count: number;
  /** The row height used until a rendered row has been measured. */
  estimate: number;
  /** Below this many rows every row is rendered (find-in-page and Tab reach all of them). */
  threshold: number;
  overscan?: number;
  chunk?: number;
  /** The element that scrolls; the page itself when absent. */
  scroller?: RefObject<HTMLElement | null>;
  /** A rendered row, to measure the real height (CSS, zoom, fonts). */
  rowSelector: string;
}

/**
 * Renders only the rows near the viewport of a long list of equal-height rows:
 * 500 daemons cost the DOM, layout and paint of a few dozen. Attach `ref` to the
 * element whose top is the top of the first row (a tbody, a list); put a spacer
 * of `before` px above the rendered rows and one of `after` px below them.
 */
export function useVirtualRows<T extends HTMLElement>({
  count,
  estimate,
  threshold,
  overscan = 12,
  chunk = 8,
  scroller,
  rowSelector,
}: VirtualRowsOptions) {
  const ref = useRef<T | null>(null);
  const enabled = count >= threshold;
  // Where the list is on screen (px from its first row's top), from the last
  // look at the layout; the window is computed from it at every render.
  const view = useRef({ top: 0, bottom: typeof window === 'undefined' ? 1000 : window.innerHeight });
  const [height, setHeight] = useState(estimate);
  const [, rerender] = useState(0);
  const measured = useRef(false);
  const windowOf = (n: number, h: number) =>
    rowWindow({ count: n, rowHeight: h, viewTop: view.current.top, viewBottom: view.current.bottom, overscan, chunk });
  const win = enabled ? windowOf(count, height) : { start: 0, end: count, before: 0, after: 0 };
  const shown = useRef(win);
  shown.current = win;
  const latest = useRef({ count, height });
  latest.current = { count, height };

  // Reads the layout once: the list's position (and, the first time, a row's
  // real height: CSS, zoom, fonts); renders again only when the window moves.
  const update = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    let h = latest.current.height;
    if (!measured.current) {
      const row = el.querySelector<HTMLElement>(rowSelector);
      const real = row?.getBoundingClientRect().height ?? 0;
      if (real > 0) {
        measured.current = true;
        if (Math.abs(real - h) > 0.5) {
          h = real;
          setHeight(real);
        }
      }
    }
    const top = el.getBoundingClientRect().top;
    const box = scroller?.current;
    if (box) {
      const r = box.getBoundingClientRect();
      view.current = { top: r.top - top, bottom: r.bottom - top };
    } else {
      view.current = { top: -top, bottom: window.innerHeight - top };
    }
    if (!sameWindow(windowOf(latest.current.count, h), shown.current)) rerender((x) => x + 1);
    // windowOf reads only refs and the options listed below.
  }, [scroller, rowSelector, overscan, chunk]);

  // Follow scrolling and resizing, at most once a frame.
  useLayoutEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const schedule = () => {
      if (!frame)
        frame = requestAnimationFrame(() => {
          frame = 0;
          update();
        });
    };
    const resized = () => {
      measured.current = false;
      schedule();
    };
    const target: HTMLElement | Window = scroller?.current ?? window;
    target.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', resized);
    return () => {
      if (frame) cancelAnimationFrame(frame);
      target.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', resized);
    };
  }, [enabled, scroller, update]);

  // When the list appears or its length changes, look before the first paint.
  useLayoutEffect(() => {
    if (enabled) update();
  }, [enabled, count, update]);

  return { ref, enabled, window: win };
}
