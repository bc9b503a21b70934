import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../lib/events';
import { alertsReducer, describeAlert, worstSeverity } from './alert-list';

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

describe('describeAlert', () => {
  it('says each known kind in Portuguese from its details', () => {
    expect(describeAlert({ kind: 'daemon_versions', message: 'daemons run different versions: 0.0.9 (1), 0.1.0 (2)',
      details: { versions: { '0.0.9': ['rio'], '0.1.0': ['sp', 'bh'] } } })).toBe('versões em uso: 0.0.9 (1 daemon), 0.1.0 (2 daemons).');
    expect(describeAlert({ kind: 'daemon_offline', message: 'x', details: { offlineMinutes: 17 } })).toBe('sem conexão há 17 minutos.');
    expect(describeAlert({ kind: 'daemons_offline_pct', message: 'x', details: { offline: 2, total: 3, percent: 66.7 } }))
      .toBe('2 de 3 daemons offline (66,7%).');
    expect(describeAlert({ kind: 'cache_capacity', message: 'x',
      details: { percent: 85, cacheBytes: 870 * 1024 * 1024, capacityBytes: 1024 * 1024 * 1024 } }))
      .toBe('85% da capacidade em uso (870 MB de 1,0 GB).');
    expect(describeAlert({ kind: 'janitor_failed', message: 'x', details: { reason: 'database unavailable' } }))
      .toBe('a última execução falhou (database unavailable).');
  });

  it('falls back to the server message for an unknown kind or unreadable details', () => {
    expect(describeAlert({ kind: 'new_kind', message: 'something new', details: {} })).toBe('something new');
    expect(describeAlert({ kind: 'daemon_offline', message: 'daemon x offline for 3 min', details: { offlineMinutes: 'three' } }))
      .toBe('daemon x offline for 3 min');
  });
});
