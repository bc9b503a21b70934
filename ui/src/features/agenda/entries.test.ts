import { describe, expect, it } from 'vitest';
import { pendingReferencias } from '../../lib/atendimentos';
import { daysBetween } from './calendar';
import { entriesByDay, linkedIds, matchesAtendimento, matchesPdf, NO_FILTER, pdfName } from './entries';
import { applyAtendimento, belongs, isAtendimento } from './live';
import type { Atendimento, IndexedPdf, LinkedPdf } from './types';

function pdf(id: number, over: Partial<IndexedPdf> = {}): IndexedPdf {
  return { id, tipo: 'os', numero: String(4500 + id), cliente: 'Buffet Estrela', dataEvento: '2026-12-05', filename: `os_${id}.pdf`, status: 'available_local', ...over };
}
const linked = (p: IndexedPdf): LinkedPdf => ({ ...p, fileHash: 'x'.repeat(64) });

function at(id: number, over: Partial<Atendimento> = {}): Atendimento {
  return {
    id, titulo: `A${id}`, cliente: null, dataInicio: '2026-12-05T10:00:00Z', dataFim: null, local: null,
    tecnicos: [], pdfs: [], createdAt: null, updatedAt: '2026-12-01T10:00:00Z', ...over,
  };
}

describe('entries by day', () => {
  const week = daysBetween('2026-11-30', '2026-12-06');

  it('an atendimento shows on every day it spans, clipped to the days shown; PDFs on their event date', () => {
    const long = at(1, { dataInicio: '2026-11-28T10:00:00Z', dataFim: '2026-12-01T20:00:00Z' });
    const byDay = entriesByDay(week, [long, at(2)], [pdf(7), pdf(8, { dataEvento: null }), pdf(9, { dataEvento: '2027-01-01' })]);
    expect(byDay.get('2026-11-30')!.atendimentos.map((a) => a.id)).toEqual([1]);
    expect(byDay.get('2026-12-01')!.atendimentos.map((a) => a.id)).toEqual([1]);
    expect(byDay.get('2026-12-02')!.atendimentos).toEqual([]);
    expect(byDay.get('2026-12-05')!.atendimentos.map((a) => a.id)).toEqual([2]);
    expect(byDay.get('2026-12-05')!.pdfs.map((p) => p.id)).toEqual([7]);
    expect([...byDay.values()].flatMap((e) => e.pdfs).map((p) => p.id)).toEqual([7]);
    expect(byDay.size).toBe(7);
  });

  it('sorts all-day first, then by time', () => {
    const byDay = entriesByDay(week, [at(1, { dataInicio: '2026-12-05T20:00:00Z' }), at(2, { dataInicio: '2026-12-05T00:00:00Z' }), at(3, { dataInicio: '2026-12-05T11:00:00Z' })], []);
    expect(byDay.get('2026-12-05')!.atendimentos.map((a) => a.id)).toEqual([2, 3, 1]);
  });
});

describe('references', () => {
  it('only those no linked PDF answers yet are pending; a server without them has none', () => {
    const a = at(1, { referencias: [{ tipo: 'os', numero: '555', pending: true }, { tipo: 'orcamento', numero: '12', pending: false }] });
    expect(pendingReferencias(a)).toEqual([{ tipo: 'os', numero: '555', pending: true }]);
    expect(pendingReferencias(at(2))).toEqual([]);
  });

  it('a reference is named like a PDF of that tipo and número', () => {
    expect(pdfName({ tipo: 'os', numero: '555', filename: null })).toBe('OS 555');
    expect(pdfName({ tipo: 'montagem', numero: '7/2026', filename: null })).toBe('Montagem 7/2026');
  });
});

describe('filters', () => {
  const a = at(1, { titulo: 'Casamento Laura', cliente: 'Buffet Estrela Dourada', pdfs: [linked(pdf(11, { tipo: 'montagem', numero: '917', status: 'cached' }))] });

  it('search by cliente (accents and case ignored), número or título', () => {
    expect(matchesAtendimento(a, { ...NO_FILTER, q: 'estrela' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, q: '917' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, q: 'laura' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, q: 'colégio' })).toBe(false);
    expect(matchesPdf(pdf(1, { cliente: 'Colégio Santa Inês' }), { ...NO_FILTER, q: 'colegio santa' })).toBe(true);
    expect(matchesPdf(pdf(1, { numero: '2026/0311' }), { ...NO_FILTER, q: '0311' })).toBe(true);
  });

  it('an atendimento is found by the número of a document it still waits for', () => {
    const waiting = at(2, { referencias: [{ tipo: 'os', numero: '555', pending: true }] });
    expect(matchesAtendimento(waiting, { ...NO_FILTER, q: '555' })).toBe(true);
    expect(matchesAtendimento(at(3), { ...NO_FILTER, q: '555' })).toBe(false);
  });

  it('tipo: a PDF of that tipo, or an atendimento with one linked', () => {
    expect(matchesAtendimento(a, { ...NO_FILTER, tipo: 'montagem' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, tipo: 'os' })).toBe(false);
    expect(matchesPdf(pdf(1), { ...NO_FILTER, tipo: 'os' })).toBe(true);
    expect(matchesPdf(pdf(1, { tipo: null }), { ...NO_FILTER, tipo: 'desconhecido' })).toBe(true);
  });

  it('situação: a escalar, with or without team, PDF status', () => {
    expect(matchesAtendimento(a, { ...NO_FILTER, status: 'sem_equipe' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, status: 'com_equipe' })).toBe(false);
    expect(matchesAtendimento(a, { ...NO_FILTER, status: 'a_escalar' })).toBe(false);
    expect(matchesAtendimento(a, { ...NO_FILTER, status: 'cached' })).toBe(true);
    expect(matchesAtendimento(a, { ...NO_FILTER, status: 'missing' })).toBe(false);
    expect(matchesPdf(pdf(1), { ...NO_FILTER, status: 'a_escalar' })).toBe(true);
    expect(matchesPdf(pdf(1), { ...NO_FILTER, status: 'sem_equipe' })).toBe(false);
    expect(matchesPdf(pdf(1), { ...NO_FILTER, status: 'available_local' })).toBe(true);
  });

  it('names a PDF once: "OS 4512", "OS-4519", "Orçamento 2026/0311"', () => {
    expect(pdfName({ tipo: 'os', numero: '4512', filename: null })).toBe('OS 4512');
    expect(pdfName({ tipo: 'os', numero: 'OS-4519', filename: null })).toBe('OS-4519');
    expect(pdfName({ tipo: 'orcamento', numero: '2026/0311', filename: null })).toBe('Orçamento 2026/0311');
    expect(pdfName({ tipo: 'desconhecido', numero: null, filename: 'x.pdf' })).toBe('x.pdf');
  });
});

describe('live updates', () => {
  const admins = { from: '2026-11-30', to: '2026-12-06', onlyTecnico: null };
  const ana = { ...admins, onlyTecnico: 5 };

  it('inserts, replaces in place, removes when it leaves the days shown', () => {
    const list = [at(1), at(2)];
    expect(applyAtendimento(list, at(3), admins).map((a) => a.id)).toEqual([1, 2, 3]);
    const edited = applyAtendimento(list, at(1, { titulo: 'novo', updatedAt: '2026-12-02T00:00:00Z' }), admins);
    expect(edited.map((a) => a.titulo)).toEqual(['novo', 'A2']);
    expect(edited[1]).toBe(list[1]);
    expect(applyAtendimento(list, at(2, { dataInicio: '2027-02-01T10:00:00Z' }), admins).map((a) => a.id)).toEqual([1]);
  });

  it('a technician keeps only the atendimentos they are on', () => {
    const on = at(1, { tecnicos: [{ id: 5, login: 'ana', nome: 'Ana' }] });
    expect(belongs(on, ana)).toBe(true);
    expect(applyAtendimento([on], at(1, { tecnicos: [], updatedAt: '2026-12-02T00:00:00Z' }), ana)).toEqual([]);
  });

  it('an older copy never overwrites a newer one', () => {
    const list = [at(1, { titulo: 'new', updatedAt: '2026-12-02T00:00:00Z' })];
    expect(applyAtendimento(list, at(1, { titulo: 'old', updatedAt: '2026-12-01T00:00:00Z' }), admins)[0]!.titulo).toBe('new');
  });

  it('a PDF linked here leaves the atendimento it was on', () => {
    const p = linked(pdf(9));
    const list = [at(1, { pdfs: [p] }), at(2)];
    const out = applyAtendimento(list, at(2, { pdfs: [p], updatedAt: '2026-12-02T00:00:00Z' }), admins);
    expect(out.find((a) => a.id === 1)!.pdfs).toEqual([]);
    expect([...linkedIds(out)]).toEqual([9]);
  });

  it('checks the shape of an event', () => {
    expect(isAtendimento(at(1))).toBe(true);
    expect(isAtendimento({ id: 1 })).toBe(false);
    expect(isAtendimento(null)).toBe(false);
  });
});
