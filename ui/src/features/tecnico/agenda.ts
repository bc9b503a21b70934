import { foldText, LOCALE, TIME_ZONE, toMs } from '../../lib/format';
import { tecnicoText as t } from './strings';
import type { AgendaPdf, Atendimento } from './types';

/**
 * The technicians' agenda in São Paulo days. The API stores a date given
 * without a time as midnight UTC (docs/api.md, POST /api/atendimentos): such
 * a value is a calendar day, shown and grouped as that day with no time.
 * Any other value is an instant, shown and grouped in São Paulo time.
 */

const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const dayLabelLocal = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, weekday: 'short', day: '2-digit', month: '2-digit' });
const dayLabelUtc = new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'short', day: '2-digit', month: '2-digit' });
const timeLocal = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });

export const PAST_DAYS = 7;
export const FUTURE_DAYS = 60;

/** Midnight UTC exactly: the API's form of a date without a time. */
export function isDateOnly(iso: string): boolean {
  return /T00:00(:00(\.0+)?)?(Z|[+-]00:?00)$/.test(iso);
}

/** "2026-12-05": the day of a value (see above), or null when it does not parse. */
export function dayKey(iso: string | null | undefined): string | null {
  const ms = toMs(iso);
  if (ms === null || !iso) return null;
  return isDateOnly(iso) ? new Date(ms).toISOString().slice(0, 10) : dayKeyFormat.format(ms);
}

export function todayKey(nowMs: number): string {
  return dayKeyFormat.format(nowMs);
}

export function addDays(key: string, days: number): string {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The query of the page: from `pastDays` ago to `FUTURE_DAYS` ahead, in São Paulo days. */
export function agendaRange(nowMs: number, pastDays = PAST_DAYS, futureDays = FUTURE_DAYS): { from: string; to: string } {
  const today = todayKey(nowMs);
  return { from: addDays(today, -pastDays), to: addDays(today, futureDays) };
}

function startKey(a: Atendimento): string {
  return dayKey(a.dataInicio) ?? '';
}

function endKey(a: Atendimento): string {
  return dayKey(a.dataFim) ?? startKey(a);
}

/**
 * "Próximos": not over yet (ends today or later: ongoing ones included),
 * soonest first. "Anteriores": over, most recent first.
 */
export function groupAgenda(items: readonly Atendimento[], nowMs: number): { upcoming: Atendimento[]; past: Atendimento[] } {
  const today = todayKey(nowMs);
  const upcoming: Atendimento[] = [];
  const past: Atendimento[] = [];
  for (const a of items) (endKey(a) >= today ? upcoming : past).push(a);
  // By São Paulo day first: an all-day atendimento (midnight UTC) belongs to its own day.
  const byStart = (x: Atendimento, y: Atendimento) =>
    startKey(x).localeCompare(startKey(y)) || (toMs(x.dataInicio) ?? 0) - (toMs(y.dataInicio) ?? 0) || x.id - y.id;
  upcoming.sort(byStart);
  past.sort((x, y) => -byStart(x, y));
  return { upcoming, past };
}

/** "Hoje", "Amanhã", "Em andamento", or nothing. */
export function dayTag(a: Atendimento, nowMs: number): string | null {
  const today = todayKey(nowMs);
  const start = startKey(a);
  const end = endKey(a);
  if (start < today && end >= today) return t.ongoing;
  if (start === today) return t.today;
  if (start === addDays(today, 1)) return t.tomorrow;
  return null;
}

function dayLabel(iso: string): string {
  const ms = toMs(iso)!;
  return (isDateOnly(iso) ? dayLabelUtc : dayLabelLocal).format(ms);
}

function timeLabel(iso: string): string | null {
  return isDateOnly(iso) ? null : timeLocal.format(toMs(iso)!);
}

/**
 * When, in a line: "sáb., 05/12", "sáb., 05/12, 07:00 – 18:00",
 * "sáb., 05/12, 07:00 – ter., 08/12, 18:00", "sáb., 05/12 – ter., 08/12".
 */
export function whenText(a: Pick<Atendimento, 'dataInicio' | 'dataFim'>): string {
  if (toMs(a.dataInicio) === null) return '—';
  const startDay = dayLabel(a.dataInicio);
  const startTime = timeLabel(a.dataInicio);
  const start = startTime ? `${startDay}, ${startTime}` : startDay;
  if (!a.dataFim || toMs(a.dataFim) === null) return start;
  const endDay = dayLabel(a.dataFim);
  const endTime = timeLabel(a.dataFim);
  if (dayKey(a.dataFim) === dayKey(a.dataInicio)) {
    if (endTime && endTime !== startTime) return `${start} – ${endTime}`;
    return start;
  }
  return `${start} – ${endTime ? `${endDay}, ${endTime}` : endDay}`;
}

/** "OS 89331" and "no escritório"; a número that already names its tipo ("OS-4519") is not prefixed twice. */
export function pdfText(p: Pick<AgendaPdf, 'tipo' | 'numero' | 'status'>): { name: string; status: string } {
  const tipo = p.tipo ? (t.tipos[p.tipo] ?? p.tipo) : t.documento;
  const status = t.pdfStatus[p.status] ?? p.status;
  if (!p.numero) return { name: tipo, status };
  const named = foldText(p.numero).startsWith(foldText(tipo));
  return { name: named ? p.numero : `${tipo} ${p.numero}`, status };
}
