import { describe, expect, it } from 'vitest';
import {
  foldText, formatBytes, formatDateTime, formatDayHour, formatDuration, formatDurationLong, formatMs, formatNumber,
  formatPercent, formatRelative, formatUptime,
} from './format';

describe('numbers', () => {
  it('groups thousands the Brazilian way', () => {
    expect(formatNumber(1234)).toBe('1.234');
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatNumber(0)).toBe('0');
  });
  it('shows a dash for missing values', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatBytes(null)).toBe('—');
    expect(formatMs(null)).toBe('—');
  });
  it('percent with a decimal comma', () => {
    expect(formatPercent(0.452)).toBe('45,2%');
    expect(formatPercent(1)).toBe('100%');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1,0 KB'],
    [1536, '1,5 KB'],
    [73400320, '70,0 MB'],
    [150 * 1024 * 1024, '150 MB'],
    [45.2 * 1024 ** 3, '45,2 GB'],
    [2 * 1024 ** 4, '2,0 TB'],
  ])('%d → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('formatMs', () => {
  it('milliseconds, then seconds', () => {
    expect(formatMs(3.25)).toBe('3,3 ms');
    expect(formatMs(42.4)).toBe('42 ms');
    expect(formatMs(1234)).toBe('1,2 s');
  });
});

describe('durations', () => {
  it('two units at most', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(3 * 3600 + 12 * 60 + 9)).toBe('3 h 12 min');
    expect(formatDuration(86400)).toBe('1 dia');
    expect(formatDuration(5 * 86400 + 3 * 3600 + 25 * 60)).toBe('5 dias 3 h');
  });
  it('in words, as the design writes them', () => {
    expect(formatDurationLong(5 * 86400 + 3 * 3600 + 25 * 60)).toBe('5 dias, 3 horas e 25 minutos');
    expect(formatDurationLong(86400 + 60)).toBe('1 dia e 1 minuto');
    expect(formatDurationLong(3600)).toBe('1 hora');
    expect(formatDurationLong(12)).toBe('12 segundos');
    expect(formatDurationLong(1)).toBe('1 segundo');
  });
  it('uptime keeps fixed-width fields so the ticking card does not jump', () => {
    expect(formatUptime(7)).toBe('00:00:07');
    expect(formatUptime(65)).toBe('00:01:05');
    expect(formatUptime(3600 + 2 * 60 + 3)).toBe('01:02:03');
    expect(formatUptime(15 * 86400 + 3 * 3600 + 25 * 60 + 7.9)).toBe('15 d 03:25:07');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-01-03T13:30:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  it.each([
    [0, 'agora'],
    [9, 'agora'],
    [12, 'há 12 s'],
    [59, 'há 59 s'],
    [60, 'há 1 min'],
    [150, 'há 2 min'],
    [3599, 'há 59 min'],
    [2 * 3600 + 5, 'há 2 h'],
    [86400, 'há 1 dia'],
    [3 * 86400 + 10, 'há 3 dias'],
  ])('%d s ago → %s', (s, text) => expect(formatRelative(ago(s), now)).toBe(text));
  it('a clock slightly ahead reads as now; nothing reads as a dash', () => {
    expect(formatRelative(ago(-30), now)).toBe('agora');
    expect(formatRelative(null, now)).toBe('—');
    expect(formatRelative('not a date', now)).toBe('—');
  });
});

describe('dates in São Paulo time', () => {
  it('UTC instants are shown at UTC−3', () => {
    expect(formatDateTime('2026-01-03T13:30:00Z')).toBe('03/01/2026, 10:30:00');
    expect(formatDayHour(Date.parse('2026-01-03T02:15:00Z'))).toBe('02/01 23:15');
  });
});

describe('foldText', () => {
  it('ignores case and accents', () => {
    expect(foldText('Construtora São João')).toBe('construtora sao joao');
    expect(foldText('ESCRITÓRIO BH')).toContain('escritorio');
  });
});
