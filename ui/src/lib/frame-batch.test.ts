import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFrameBatcher } from './frame-batch';

describe('frame batcher', () => {
  let frames: (() => void)[];
  beforeEach(() => {
    vi.useFakeTimers();
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (fn: () => void) => frames.push(fn));
    vi.stubGlobal('cancelAnimationFrame', () => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('hands a burst over in one batch at the next frame', () => {
    const batches: number[][] = [];
    const b = createFrameBatcher<number>((items) => batches.push(items));
    for (let i = 0; i < 500; i++) b.push(i);
    expect(batches).toHaveLength(0);
    expect(frames).toHaveLength(1);
    frames[0]!();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(500);
  });

  it('waits out the minimum interval between batches', () => {
    let t = 0;
    const batches: number[][] = [];
    const b = createFrameBatcher<number>((items) => batches.push(items), { minIntervalMs: 500, now: () => t });
    b.push(1);
    frames.shift()!();
    expect(batches).toEqual([[1]]);
    t = 100;
    b.push(2);
    b.push(3);
    expect(frames).toHaveLength(0); // not before 500 ms
    t = 500;
    vi.advanceTimersByTime(400);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('a frame that never comes (hidden tab) is replaced by a timer', () => {
    const batches: number[][] = [];
    const b = createFrameBatcher<number>((items) => batches.push(items), { hiddenDelayMs: 1000 });
    b.push(1);
    vi.advanceTimersByTime(1000);
    expect(batches).toEqual([[1]]);
  });

  it('cancel drops what is queued', () => {
    const batches: number[][] = [];
    const b = createFrameBatcher<number>((items) => batches.push(items));
    b.push(1);
    b.cancel();
    vi.advanceTimersByTime(5000);
    expect(batches).toHaveLength(0);
  });
});
