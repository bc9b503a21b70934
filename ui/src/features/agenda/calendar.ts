import { LOCALE, TIME_ZONE, toMs } from '../../lib/format';
import type { AgendaView } from './types';

/**
 * Calendar maths on day keys ("2026-12-03"). A key is a calendar day, not an
 * instant: arithmetic runs on Date.UTC midnights and labels are formatted in
 * UTC, so no time zone rule (São Paulo had summer time until 2019) can make a
 * day last 23 or 25 hours or print as the day before. Only two things touch
 * the office's zone: which day "today" is, and which day an instant falls on.
 *
 * Weeks start on Monday: the company's events crowd the weekend, and a
 * Monday-first row keeps Saturday and Sunday of one event side by side.
 */
export type DayKey = string;

const spDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const spTime = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const spOffset = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });

const KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseKey(key: string): { y: number; m: number; d: number } | null {
  const match = KEY.exec(key);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return { y, m, d };
}

export const isDayKey = (s: string | null | undefined): s is DayKey => !!s && parseKey(s) !== null;

function utcMs(key: DayKey): number {
  const p = parseKey(key);
  if (!p) throw new RangeError(`not a day: ${key}`);
  return Date.UTC(p.y, p.m - 1, p.d);
}

const fromUtcMs = (ms: number): DayKey => new Date(ms).toISOString().slice(0, 10);

/** The São Paulo date at this instant. */
export function todayKey(nowMs: number): DayKey {
  return spDay.format(nowMs);
}

export function addDays(key: DayKey, n: number): DayKey {
  const p = parseKey(key)!;
  return fromUtcMs(Date.UTC(p.y, p.m - 1, p.d + n));
}

/** Same day of another month, clamped to its length (31 Jan + 1 month = 28 Feb). */
export function addMonths(key: DayKey, n: number): DayKey {
  const p = parseKey(key)!;
  const last = new Date(Date.UTC(p.y, p.m - 1 + n + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(p.y, p.m - 1 + n, Math.min(p.d, last)));
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(key: DayKey): number {
  return (new Date(utcMs(key)).getUTCDay() + 6) % 7;
}

export const startOfWeek = (key: DayKey): DayKey => addDays(key, -weekdayIndex(key));
export const startOfMonth = (key: DayKey): DayKey => `${key.slice(0, 8)}01`;
export const sameMonth = (a: DayKey, b: DayKey) => a.slice(0, 7) === b.slice(0, 7);

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysFrom(a: DayKey, b: DayKey): number {
  return Math.round((utcMs(b) - utcMs(a)) / 86_400_000);
}

/** Every day from `from` to `to`, both included; at most `limit` of them. */
export function daysBetween(from: DayKey, to: DayKey, limit = 400): DayKey[] {
  const out: DayKey[] = [];
  for (let k = from; k <= to && out.length < limit; k = addDays(k, 1)) out.push(k);
  return out;
}

/** The month of `key` as whole Monday-to-Sunday weeks (4 to 6 rows). */
export function monthGrid(key: DayKey): DayKey[][] {
  const first = startOfMonth(key);
  const last = addDays(addMonths(first, 1), -1);
  const weeks: DayKey[][] = [];
  for (let start = startOfWeek(first); start <= last; start = addDays(start, 7)) weeks.push(daysBetween(start, addDays(start, 6)));
  return weeks;
}

/** The days a view shows around `key`. */
export function viewDays(view: AgendaView, key: DayKey): DayKey[] {
  if (view === 'day') return [key];
  if (view === 'week') return daysBetween(startOfWeek(key), addDays(startOfWeek(key), 6));
  return monthGrid(key).flat();
}

/** Where "anterior" / "próximo" go. */
export function stepView(view: AgendaView, key: DayKey, dir: 1 | -1): DayKey {
  if (view === 'day') return addDays(key, dir);
  if (view === 'week') return addDays(key, 7 * dir);
  return addMonths(startOfMonth(key), dir);
}

// ---- instants and days ----

/** Midnight UTC exactly: the API's form of a date given without a time. */
export function isDateOnly(iso: string): boolean {
  return /T00:00(:00(\.0+)?)?(Z|[+-]00:?00)$/.test(iso);
}

/** The day of a value: a date-only value is that calendar day; an instant, its São Paulo day. */
export function dayOf(iso: string | null | undefined): DayKey | null {
  const ms = toMs(iso);
  if (ms === null || !iso) return null;
  return isDateOnly(iso) ? fromUtcMs(ms) : spDay.format(ms);
}

/** "07:00" in São Paulo, or null for a date-only value. */
export function timeOf(iso: string | null | undefined): string | null {
  const ms = toMs(iso);
  if (ms === null || !iso || isDateOnly(iso)) return null;
  return spTime.format(ms);
}

/** The first and last day an atendimento occupies (an end before its start counts as one day). */
export function spanOf(a: { dataInicio: string; dataFim: string | null }): { start: DayKey; end: DayKey } | null {
  const start = dayOf(a.dataInicio);
  if (!start) return null;
  const end = dayOf(a.dataFim);
  return { start, end: end && end > start ? end : start };
}

/** Minutes east of UTC of São Paulo at an instant ("GMT-03:00" → -180). */
export function zoneOffsetMinutes(ms: number): number {
  const name = spOffset.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * A day and an optional "HH:MM" typed in the form, as the API takes it: the
 * day alone ("2026-12-05", stored as a date without a time), or the wall time
 * in São Paulo with that moment's offset ("2026-12-05T07:00:00-03:00").
 */
export function toApiDate(day: DayKey, time: string | null): string {
  if (!time) return day;
  const p = parseKey(day)!;
  const [h, min] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(p.y, p.m - 1, p.d, h, min);
  // Two passes: the offset is that of the instant, which depends on the offset.
  let offset = zoneOffsetMinutes(wall);
  offset = zoneOffsetMinutes(wall - offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${day}T${two(h)}:${two(min)}:00${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** The form's fields for an API value: its day and São Paulo time ("" for none). */
export function fromApiDate(iso: string | null): { day: DayKey | ''; time: string } {
  return { day: dayOf(iso) ?? '', time: timeOf(iso) ?? '' };
}

// ---- labels (formatted in UTC: a key's midnight is that day everywhere) ----

const monthTitleFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', month: 'long', year: 'numeric' });
const longDayFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const dayMonthFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', day: 'numeric', month: 'short' });
const dayMonthYearFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const weekdayShortFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'short' });
const weekdayLongFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'long' });
const shortDateFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' });
const numericFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });

/** "dezembro de 2026" */
export const monthTitle = (key: DayKey) => monthTitleFmt.format(utcMs(key));
/** "quinta-feira, 3 de dezembro de 2026" */
export const longDay = (key: DayKey) => longDayFmt.format(utcMs(key));
/** "qui., 03/12" */
export const shortDay = (key: DayKey) => shortDateFmt.format(utcMs(key));
/** "03/12/2026" */
export const numericDay = (key: DayKey) => numericFmt.format(utcMs(key));
/** "30 de nov. – 6 de dez. de 2026" */
export function weekTitle(key: DayKey): string {
  const start = startOfWeek(key);
  const end = addDays(start, 6);
  return `${(start.slice(0, 4) === end.slice(0, 4) ? dayMonthFmt : dayMonthYearFmt).format(utcMs(start))} – ${dayMonthYearFmt.format(utcMs(end))}`;
}

export function viewTitle(view: AgendaView, key: DayKey): string {
  if (view === 'day') return longDay(key);
  if (view === 'week') return weekTitle(key);
  return monthTitle(key);
}

/** Column headings, Monday first: short ("seg.") and long ("segunda-feira"). */
export function weekdayNames(): { short: string; long: string }[] {
  const monday = '2024-01-01';
  return daysBetween(monday, addDays(monday, 6)).map((k) => ({ short: weekdayShortFmt.format(utcMs(k)), long: weekdayLongFmt.format(utcMs(k)) }));
}
