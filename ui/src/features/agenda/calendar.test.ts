import { describe, expect, it } from 'vitest';
import {
  addDays, addMonths, dayOf, daysBetween, daysFrom, fromApiDate, isDateOnly, isDayKey, monthGrid, spanOf, startOfWeek, stepView,
  timeOf, toApiDate, todayKey, viewDays, viewTitle, weekdayIndex, weekdayNames, weekTitle, zoneOffsetMinutes,
} from './calendar';
import { whenText } from './when';

describe('day keys', () => {
  it('validates real days only', () => {
    expect(isDayKey('2026-12-03')).toBe(true);
    expect(isDayKey('2026-02-29')).toBe(false);
    expect(isDayKey('2028-02-29')).toBe(true);
    expect(isDayKey('2026-13-01')).toBe(false);
    expect(isDayKey('2026-1-01')).toBe(false);
    expect(isDayKey(null)).toBe(false);
  });

  it('adds days and months across month, year and leap-year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2026-01-10', -1)).toBe('2025-12-10');
    expect(daysFrom('2026-12-01', '2027-01-01')).toBe(31);
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });

  it('days are whole across the old São Paulo summer-time changes (2018-11-04 began, 2019-02-17 ended)', () => {
    expect(addDays('2018-11-03', 1)).toBe('2018-11-04');
    expect(addDays('2018-11-04', 1)).toBe('2018-11-05');
    expect(addDays('2019-02-16', 1)).toBe('2019-02-17');
    expect(daysBetween('2018-11-01', '2018-11-07')).toHaveLength(7);
    expect(daysFrom('2018-10-01', '2019-03-01')).toBe(151);
  });
});

describe('weeks start on Monday', () => {
  it('knows the weekday of a key', () => {
    expect(weekdayIndex('2026-11-30')).toBe(0); // a Monday
    expect(weekdayIndex('2026-12-06')).toBe(6); // a Sunday
    expect(startOfWeek('2026-12-03')).toBe('2026-11-30');
    expect(startOfWeek('2026-12-06')).toBe('2026-11-30');
    expect(startOfWeek('2026-11-30')).toBe('2026-11-30');
  });

  it('names the columns Monday to Sunday in Portuguese', () => {
    const names = weekdayNames();
    expect(names).toHaveLength(7);
    expect(names[0]!.long).toBe('segunda-feira');
    expect(names[6]!.long).toBe('domingo');
  });
});

describe('month grid', () => {
  it('December 2026: whole weeks from Monday 30 Nov to Sunday 3 Jan', () => {
    const g = monthGrid('2026-12-17');
    expect(g).toHaveLength(5);
    expect(g[0]![0]).toBe('2026-11-30');
    expect(g[4]![6]).toBe('2027-01-03');
    expect(g.every((w) => w.length === 7 && weekdayIndex(w[0]!) === 0)).toBe(true);
  });

  it('a month that starts on Monday has no leading days; February 2021 fits in 4 weeks', () => {
    expect(monthGrid('2021-02-10')).toHaveLength(4);
    expect(monthGrid('2021-02-10')[0]![0]).toBe('2021-02-01');
  });

  it('a 31-day month that starts on Sunday needs 6 weeks', () => {
    const g = monthGrid('2026-03-01');
    expect(g).toHaveLength(6);
    expect(g[0]![6]).toBe('2026-03-01');
    expect(g[5]![1]).toBe('2026-03-31');
  });

  it('views: the days shown and where the arrows go', () => {
    expect(viewDays('day', '2026-12-03')).toEqual(['2026-12-03']);
    expect(viewDays('week', '2026-12-03')).toEqual(daysBetween('2026-11-30', '2026-12-06'));
    expect(viewDays('month', '2026-12-03')).toHaveLength(35);
    expect(stepView('month', '2026-01-31', 1)).toBe('2026-02-01');
    expect(stepView('week', '2026-12-03', -1)).toBe('2026-11-26');
    expect(stepView('day', '2026-12-31', 1)).toBe('2027-01-01');
  });

  it('titles', () => {
    expect(viewTitle('month', '2026-12-03')).toBe('dezembro de 2026');
    expect(viewTitle('day', '2026-12-03')).toBe('quinta-feira, 3 de dezembro de 2026');
    expect(weekTitle('2026-12-03')).toBe('30 de nov. – 6 de dez. de 2026');
    expect(weekTitle('2026-12-31')).toBe('28 de dez. de 2026 – 3 de jan. de 2027');
  });
});

describe('instants and São Paulo days', () => {
  // 2026-12-02 22:30 in São Paulo is already 2026-12-03 in UTC.
  const LATE = Date.parse('2026-12-03T01:30:00Z');

  it('today is the São Paulo date, not the UTC one', () => {
    expect(todayKey(LATE)).toBe('2026-12-02');
    expect(todayKey(Date.parse('2026-12-03T03:00:00Z'))).toBe('2026-12-03');
  });

  it('a date-only value (midnight UTC) is that day; an instant is its São Paulo day', () => {
    expect(isDateOnly('2026-12-05T00:00:00Z')).toBe(true);
    expect(isDateOnly('2026-12-05T00:00:00.000Z')).toBe(true);
    expect(isDateOnly('2026-12-05T10:00:00Z')).toBe(false);
    expect(dayOf('2026-12-05T00:00:00Z')).toBe('2026-12-05');
    expect(dayOf('2026-12-05T02:00:00Z')).toBe('2026-12-04');
    expect(timeOf('2026-12-05T02:00:00Z')).toBe('23:00');
    expect(timeOf('2026-12-05T00:00:00Z')).toBeNull();
    expect(dayOf('garbage')).toBeNull();
  });

  it('spans: first and last day, an end before the start is one day', () => {
    expect(spanOf({ dataInicio: '2026-11-20T10:00:00Z', dataFim: '2026-11-22T15:00:00Z' })).toEqual({ start: '2026-11-20', end: '2026-11-22' });
    expect(spanOf({ dataInicio: '2026-12-04T21:00:00Z', dataFim: '2026-12-05T02:30:00Z' })).toEqual({ start: '2026-12-04', end: '2026-12-04' });
    expect(spanOf({ dataInicio: '2026-12-05T00:00:00Z', dataFim: null })).toEqual({ start: '2026-12-05', end: '2026-12-05' });
  });

  it('the offset of São Paulo: -03:00 today, -02:00 in the summer time of 2018', () => {
    expect(zoneOffsetMinutes(Date.parse('2026-12-05T12:00:00Z'))).toBe(-180);
    expect(zoneOffsetMinutes(Date.parse('2018-12-05T12:00:00Z'))).toBe(-120);
  });

  it('form values to the API and back', () => {
    expect(toApiDate('2026-12-05', null)).toBe('2026-12-05');
    expect(toApiDate('2026-12-05', '07:00')).toBe('2026-12-05T07:00:00-03:00');
    expect(toApiDate('2018-12-05', '07:00')).toBe('2018-12-05T07:00:00-02:00');
    expect(fromApiDate('2026-12-05T10:00:00Z')).toEqual({ day: '2026-12-05', time: '07:00' });
    expect(fromApiDate('2026-12-05T00:00:00Z')).toEqual({ day: '2026-12-05', time: '' });
    expect(fromApiDate(null)).toEqual({ day: '', time: '' });
    // Round trip of a late-evening time, whose UTC instant is the next day.
    const iso = new Date(Date.parse(toApiDate('2026-12-31', '22:30'))).toISOString();
    expect(iso).toBe('2027-01-01T01:30:00.000Z');
    expect(fromApiDate(iso)).toEqual({ day: '2026-12-31', time: '22:30' });
  });

  it('when, in a line', () => {
    expect(whenText({ dataInicio: '2026-12-05T00:00:00Z', dataFim: null })).toBe('sáb., 05/12');
    expect(whenText({ dataInicio: '2026-12-05T10:00:00Z', dataFim: '2026-12-05T21:00:00Z' })).toBe('sáb., 05/12, 07:00 – 18:00');
    expect(whenText({ dataInicio: '2026-12-05T10:00:00Z', dataFim: '2026-12-08T21:00:00Z' })).toBe('sáb., 05/12, 07:00 – ter., 08/12, 18:00');
    expect(whenText({ dataInicio: 'garbage', dataFim: null })).toBe('—');
  });
});
