import { foldText, toMs } from '../../lib/format';
import { daysBetween, isDayKey, spanOf, type DayKey } from './calendar';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf, LinkedPdf } from './types';

/**
 * What the calendar shows, derived from two lists: the atendimentos, and the
 * indexed PDFs. A PDF linked to an atendimento on screen is shown inside it;
 * the others are "a escalar" entries on their event date.
 */

export const PDF_STATUSES = ['available_local', 'uploading', 'cached', 'expired', 'missing'] as const;
export const TIPOS = ['os', 'orcamento', 'montagem', 'desconhecido'] as const;
/** The tipos an atendimento may wait for by número. */
export const REFERENCIA_TIPOS = ['os', 'orcamento', 'montagem'] as const;
export const SITUATIONS = ['a_escalar', 'sem_equipe', 'com_equipe'] as const;

export interface AgendaFilter {
  /** Free text: cliente, número, título, file name. */
  q: string;
  tipo: string;
  /** '', one of SITUATIONS, or a PDF status. */
  status: string;
}

export const NO_FILTER: AgendaFilter = { q: '', tipo: '', status: '' };
export const isFiltered = (f: AgendaFilter) => !!(f.q.trim() || f.tipo || f.status);

function hasText(haystack: (string | null | undefined)[], q: string): boolean {
  const needle = foldText(q.trim());
  if (!needle) return true;
  return haystack.some((s) => !!s && foldText(s).includes(needle));
}

export function matchesAtendimento(a: Atendimento, f: AgendaFilter): boolean {
  if (f.status === 'a_escalar') return false;
  if (f.status === 'sem_equipe' && a.tecnicos.length > 0) return false;
  if (f.status === 'com_equipe' && a.tecnicos.length === 0) return false;
  if ((PDF_STATUSES as readonly string[]).includes(f.status) && !a.pdfs.some((p) => p.status === f.status)) return false;
  if (f.tipo && !a.pdfs.some((p) => (p.tipo ?? 'desconhecido') === f.tipo)) return false;
  return hasText([a.titulo, a.cliente, a.local, ...a.pdfs.flatMap((p) => [p.numero, p.cliente]), ...(a.referencias ?? []).map((r) => r.numero)], f.q);
}

export function matchesPdf(p: IndexedPdf, f: AgendaFilter): boolean {
  if (f.status === 'sem_equipe' || f.status === 'com_equipe') return false;
  if ((PDF_STATUSES as readonly string[]).includes(f.status) && p.status !== f.status) return false;
  if (f.tipo && (p.tipo ?? 'desconhecido') !== f.tipo) return false;
  return hasText([p.cliente, p.numero, p.filename], f.q);
}

/** Ids of the PDFs linked to any of these atendimentos. */
export function linkedIds(list: readonly Atendimento[]): Set<number> {
  return new Set(list.flatMap((a) => a.pdfs.map((p) => p.id)));
}

export interface DayEntries {
  atendimentos: Atendimento[];
  pdfs: IndexedPdf[];
}

/** Sorts by first day, then start time (all-day first), then title. */
function byStart(a: Atendimento, b: Atendimento): number {
  const sa = spanOf(a)?.start ?? '';
  const sb = spanOf(b)?.start ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  return (toMs(a.dataInicio) ?? 0) - (toMs(b.dataInicio) ?? 0) || a.titulo.localeCompare(b.titulo, 'pt-BR') || a.id - b.id;
}

/**
 * The entries of each day in `days`: an atendimento on every day it spans,
 * a PDF without atendimento on its event date. Days without entries are in
 * the map too (empty), so views never have to ask.
 */
export function entriesByDay(days: readonly DayKey[], atendimentos: readonly Atendimento[], freePdfs: readonly IndexedPdf[]): Map<DayKey, DayEntries> {
  const out = new Map<DayKey, DayEntries>();
  for (const d of days) out.set(d, { atendimentos: [], pdfs: [] });
  if (days.length === 0) return out;
  const first = days[0]!;
  const last = days[days.length - 1]!;
  for (const a of [...atendimentos].sort(byStart)) {
    const span = spanOf(a);
    if (!span || span.end < first || span.start > last) continue;
    const from = span.start < first ? first : span.start;
    const to = span.end > last ? last : span.end;
    for (const d of daysBetween(from, to)) out.get(d)?.atendimentos.push(a);
  }
  for (const p of freePdfs) {
    if (isDayKey(p.dataEvento)) out.get(p.dataEvento)?.pdfs.push(p);
  }
  for (const e of out.values()) e.pdfs.sort((x, y) => pdfName(x).localeCompare(pdfName(y), 'pt-BR') || x.id - y.id);
  return out;
}

/** "OS 4512", "Orçamento 2026/0311"; a número that already names its tipo ("OS-4519") is not prefixed twice. */
export function pdfName(p: Pick<LinkedPdf, 'tipo' | 'numero' | 'filename'>): string {
  const tipo = p.tipo && p.tipo !== 'desconhecido' ? (t.tipos[p.tipo] ?? p.tipo) : t.documento;
  if (!p.numero) return p.tipo && p.tipo !== 'desconhecido' ? tipo : (p.filename ?? tipo);
  return foldText(p.numero).startsWith(foldText(tipo)) ? p.numero : `${tipo} ${p.numero}`;
}

export const pdfStatusText = (status: string) => t.pdfStatus[status] ?? status;

export const tecnicoName = (x: { nome: string | null; login: string }) => x.nome || x.login;
