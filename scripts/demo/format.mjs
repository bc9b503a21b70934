// Brazilian amounts and dates, as the office's documents print them. Dates
// are whole days in UTC so that the output never depends on the time zone.

/** 1250000 (cents) → "12.500,00". */
export function brl(cents) {
  const whole = Math.floor(cents / 100);
  const frac = String(cents % 100).padStart(2, '0');
  return `${String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
}

const MONTHS = [
  'janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho',
  'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro',
];

/** "2026-03-14" → a Date at 00:00 UTC; throws on anything else. */
export function parseDay(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  const d = m && new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (!d || d.toISOString().slice(0, 10) !== iso) throw new Error(`not a date YYYY-MM-DD: ${iso}`);
  return d;
}

export const addDays = (day, n) => new Date(day.getTime() + n * 86400000);
export const isoDay = (day) => day.toISOString().slice(0, 10);

const dd = (day) => String(day.getUTCDate()).padStart(2, '0');
const mm = (day) => String(day.getUTCMonth() + 1).padStart(2, '0');

/** The ways the documents write a date: 14/03/2026, 14/03/26, 14 de março de 2026. */
export function writeDay(day, style = 'numeric') {
  const year = String(day.getUTCFullYear());
  switch (style) {
    case 'numeric': return `${dd(day)}/${mm(day)}/${year}`;
    case 'short': return `${dd(day)}/${mm(day)}/${year.slice(2)}`;
    case 'written': return `${day.getUTCDate()} de ${MONTHS[day.getUTCMonth()]} de ${year}`;
    default: throw new Error(`unknown date style ${style}`);
  }
}

/** "D:" date body of the PDF info dictionary: 20260314093000. */
export const pdfDate = (day, hhmm = '0930') => `${isoDay(day).replaceAll('-', '')}${hhmm}00`;
