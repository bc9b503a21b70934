import { toMs } from '../../lib/format';
import { spanOf, type DayKey } from './calendar';
import type { Atendimento } from './types';

/**
 * Applying one atendimento as the server now has it (an atendimento:updated
 * event, or the answer to our own change) to the list on screen.
 */
export interface Audience {
  /** The days loaded. */
  from: DayKey;
  to: DayKey;
  /** A technician's id: only the atendimentos they are on stay; null for admins. */
  onlyTecnico: number | null;
}

/** Still on this screen: overlaps the days loaded and, for a technician, has them on the team. */
export function belongs(a: Atendimento, who: Audience): boolean {
  const span = spanOf(a);
  if (!span || span.end < who.from || span.start > who.to) return false;
  return who.onlyTecnico === null || a.tecnicos.some((x) => x.id === who.onlyTecnico);
}

/** An older copy (a late event, or an answer that crossed one) never overwrites a newer one. */
function isOlder(incoming: Atendimento, current: Atendimento): boolean {
  const a = toMs(incoming.updatedAt);
  const b = toMs(current.updatedAt);
  return a !== null && b !== null && a < b;
}

export function applyAtendimento(list: readonly Atendimento[], a: Atendimento, who: Audience): Atendimento[] {
  const current = list.find((x) => x.id === a.id);
  if (current && isOlder(a, current)) return list as Atendimento[];
  // A PDF is linked to one atendimento at most: linking it here took it from
  // wherever it was, and the server announces only this one.
  const moved = new Set(a.pdfs.map((p) => p.id));
  const rest = list
    .filter((x) => x.id !== a.id)
    .map((x) => (x.pdfs.some((p) => moved.has(p.id)) ? { ...x, pdfs: x.pdfs.filter((p) => !moved.has(p.id)) } : x));
  if (!belongs(a, who)) return rest;
  const i = list.findIndex((x) => x.id === a.id);
  if (i < 0) return [...rest, a];
  // Keep its place: the views sort for themselves, and identity of the others is kept.
  const out = [...rest];
  out.splice(Math.min(i, out.length), 0, a);
  return out;
}

/** A payload that looks like an atendimento (events are checked before they touch state). */
export function isAtendimento(p: unknown): p is Atendimento {
  const a = p as Partial<Atendimento> | null;
  return !!a && typeof a === 'object' && typeof a.id === 'number' && typeof a.titulo === 'string' &&
    typeof a.dataInicio === 'string' && Array.isArray(a.tecnicos) && Array.isArray(a.pdfs);
}
