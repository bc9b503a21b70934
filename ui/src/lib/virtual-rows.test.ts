import { describe, expect, it } from 'vitest';
import { rowWindow } from './virtual-rows';

const base = { count: 500, rowHeight: 50, overscan: 10, chunk: 8 };

describe('rowWindow', () => {
  it('renders the visible rows and some on each side, the rest as spacers', () => {
    // Rows 20 to 37 visible (1000 to 1900 px).
    const w = rowWindow({ ...base, viewTop: 1000, viewBottom: 1900 });
    expect(w.start).toBeLessThanOrEqual(10);
    expect(w.end).toBeGreaterThanOrEqual(48);
    expect(w.end - w.start).toBeLessThan(60);
    expect(w.before).toBe(w.start * 50);
    expect(w.after).toBe((500 - w.end) * 50);
    expect(w.before + (w.end - w.start) * 50 + w.after).toBe(500 * 50);
  });

  it('keeps the same window for a small scroll', () => {
    const a = rowWindow({ ...base, viewTop: 1010, viewBottom: 1910 });
    const b = rowWindow({ ...base, viewTop: 1040, viewBottom: 1940 });
    expect(b).toEqual(a);
    // A longer scroll moves it.
    const c = rowWindow({ ...base, viewTop: 1800, viewBottom: 2700 });
    expect(c.start).toBeGreaterThan(a.start);
    expect(c.end).toBeGreaterThan(a.end);
  });

  it('starts at the top when the list is below the fold', () => {
    const w = rowWindow({ ...base, viewTop: -600, viewBottom: 300 });
    expect(w.start).toBe(0);
    expect(w.before).toBe(0);
    expect(w.end).toBeGreaterThanOrEqual(16);
    expect(w.end).toBeLessThan(40);
  });

  it('never goes past the end', () => {
    const w = rowWindow({ ...base, viewTop: 24_800, viewBottom: 25_700 });
    expect(w.end).toBe(500);
    expect(w.after).toBe(0);
    expect(w.start).toBeLessThan(496);
    const past = rowWindow({ ...base, viewTop: 40_000, viewBottom: 41_000 });
    expect(past.start).toBe(past.end);
    expect(past.before + past.after).toBe(500 * 50);
  });

  it('renders everything when everything fits, and nothing for an empty list', () => {
    expect(rowWindow({ ...base, count: 12, viewTop: 0, viewBottom: 900 })).toEqual({ start: 0, end: 12, before: 0, after: 0 });
    expect(rowWindow({ ...base, count: 0, viewTop: 0, viewBottom: 900 })).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });

  it('survives a zero height before the first measure', () => {
    const w = rowWindow({ ...base, rowHeight: 0, viewTop: 0, viewBottom: 900 });
    expect(w.start).toBe(0);
    expect(w.end).toBe(500);
  });
});
