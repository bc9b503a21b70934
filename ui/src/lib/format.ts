// Numbers, sizes, durations and dates the way a person in Brazil reads them.
// Intl only (no date library); times are shown in the office's time zone.

export const LOCALE = 'pt-BR';
export const TIME_ZONE = 'America/Sao_Paulo';
const NONE = '—';

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToOneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, dateStyle: 'short', timeStyle: 'medium' });
const dateShort = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit' });
const hourMinute = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
const dayHour = new Intl.DateTimeFormat(LOCALE, {
  timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit',
});

type Num = number | null | undefined;

function missing(n: Num): n is null | undefined {
  return n === null || n === undefined || !Number.isFinite(n);
}

/** 1234567 → "1.234.567". */
export function formatNumber(n: Num): string {
  return missing(n) ? NONE : integer.format(n);
}

/** 47400000000 → "44,1 GB". Binary multiples with the names people know (as Windows shows them). */
export function formatBytes(n: Num): string {
  if (missing(n)) return NONE;
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const sign = n < 0 ? '-' : '';
  if (i === 0) return `${sign}${integer.format(v)} B`;
  const text = v < 100 ? oneDecimal.format(v) : integer.format(v);
  return `${sign}${text} ${units[i]}`;
}

/** Milliseconds of a round trip: "8 ms", "1,2 s". */
export function formatMs(ms: Num): string {
  if (missing(ms)) return NONE;
  if (ms < 1000) return `${upToOneDecimal.format(ms < 10 ? ms : Math.round(ms))} ms`;
  return `${oneDecimal.format(ms / 1000)} s`;
}

export function formatPercent(fraction: Num): string {
  if (missing(fraction)) return NONE;
  return `${upToOneDecimal.format(fraction * 100)}%`;
}

function parts(totalSeconds: number) {
  const s = Math.max(0, Math.floor(totalSeconds));
  return {
    days: Math.floor(s / 86400),
    hours: Math.floor((s % 86400) / 3600),
    minutes: Math.floor((s % 3600) / 60),
    seconds: s % 60,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A duration in two units at most: "45 s", "2 min 5 s", "3 h 12 min", "5 dias 3 h". */
export function formatDuration(seconds: Num): string {
  if (missing(seconds)) return NONE;
  const { days, hours, minutes, seconds: s } = parts(seconds);
  if (days > 0) return hours > 0 ? `${plural(days, 'dia', 'dias')} ${hours} h` : plural(days, 'dia', 'dias');
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return s > 0 ? `${minutes} min ${s} s` : `${minutes} min`;
  return `${s} s`;
}

/** In words, as the design's detail view: "5 dias, 3 horas e 25 minutos". */
export function formatDurationLong(seconds: Num): string {
  if (missing(seconds)) return NONE;
  const { days, hours, minutes, seconds: s } = parts(seconds);
  const out: string[] = [];
  if (days) out.push(plural(days, 'dia', 'dias'));
  if (hours) out.push(plural(hours, 'hora', 'horas'));
  if (minutes) out.push(plural(minutes, 'minuto', 'minutos'));
  if (out.length === 0) out.push(plural(s, 'segundo', 'segundos'));
  if (out.length === 1) return out[0]!;
  return `${out.slice(0, -1).join(', ')} e ${out[out.length - 1]}`;
}

/** A ticking clock for the uptime card, digits at fixed places: "15 d 03:25:07", "03:25:07". */
export function formatUptime(seconds: Num): string {
  if (missing(seconds)) return NONE;
  const { days, hours, minutes, seconds: s } = parts(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(hours)}:${two(minutes)}:${two(s)}`;
  return days > 0 ? `${days} d ${clock}` : clock;
}

export function toMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "há 2 min" from a timestamp and the current time; "agora" within 10 s (or a clock a bit ahead). */
export function formatRelative(iso: string | null | undefined, nowMs: number): string {
  const t = toMs(iso);
  if (t === null) return NONE;
  const ago = Math.floor((nowMs - t) / 1000);
  if (ago < 10) return 'agora';
  if (ago < 60) return `há ${ago} s`;
  if (ago < 3600) return `há ${Math.floor(ago / 60)} min`;
  if (ago < 86400) return `há ${Math.floor(ago / 3600)} h`;
  const days = Math.floor(ago / 86400);
  return `há ${plural(days, 'dia', 'dias')}`;
}

/** "03/01/2026, 10:30:00" in São Paulo time. */
export function formatDateTime(iso: string | number | null | undefined): string {
  const t = typeof iso === 'number' ? iso : toMs(iso);
  return t === null ? NONE : dateTime.format(t);
}

/** "10:30" */
export function formatHourMinute(ms: number): string {
  return hourMinute.format(ms);
}

/** "03/01" */
export function formatDayMonth(ms: number): string {
  return dateShort.format(ms);
}

/** "03/01 10:30" */
export function formatDayHour(ms: number): string {
  return dayHour.format(ms).replace(',', '');
}

/** Text for search: lower case, accents removed ("São João" matches "sao joao"). */
export function foldText(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}
