import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../lib/events';
import { alertsReducer, worstSeverity } from './alert-list';

const alert = (id: string, raisedAt: string, over: Partial<AlertEvent> = {}): AlertEvent => ({
  id, kind: 'daemon_offline', subject: `office-${id}`, severity: 'warning', message: 'offline',
  details: {}, raisedAt, clearedAt: null, ...over,
});

describe('alertsReducer', () => {
  it('keeps the active ones of the listing, newest first', () => {
    const list = alertsReducer([], {
      type: 'loaded',
      active: [alert('a', '2026-05-01T10:00:00Z'), alert('b', '2026-05-01T11:00:00Z'), alert('c', '2026-05-01T09:00:00Z', { clearedAt: '2026-05-01T09:30:00Z' })],
    });
    expect(list.map((a) => a.id)).toEqual(['b', 'a']);
  });

  it('adds a raised alert once and removes it when cleared', () => {
    let list = alertsReducer([], { type: 'raised', alert: alert('a', '2026-05-01T10:00:00Z') });
    list = alertsReducer(list, { type: 'raised', alert: alert('a', '2026-05-01T10:00:00Z') });
    list = alertsReducer(list, { type: 'raised', alert: alert('b', '2026-05-01T12:00:00Z', { severity: 'critical' }) });
    expect(list.map((a) => a.id)).toEqual(['b', 'a']);
    expect(worstSeverity(list)).toBe('critical');
    list = alertsReducer(list, { type: 'cleared', alert: alert('b', '2026-05-01T12:00:00Z', { clearedAt: '2026-05-01T12:05:00Z' }) });
    expect(list.map((a) => a.id)).toEqual(['a']);
    expect(worstSeverity(list)).toBe('warning');
    expect(worstSeverity([])).toBeNull();
  });
});
