import { describe, expect, it } from 'vitest';
import { addDays, agendaRange, dayKey, dayTag, groupAgenda, isDateOnly, pdfText, todayKey, whenText } from './agenda';
import type { Atendimento } from './types';

// 2026-12-02 22:30 in São Paulo is already 2026-12-03 in UTC.
const NOW = Date.parse('2026-12-03T01:30:00Z');

function at(id: number, dataInicio: string, dataFim: string | null = null): Atendimento {
  return { id, titulo: `A${id}`, cliente: null, dataInicio, dataFim, local: null, tecnicos: [], pdfs: [], createdAt: null, updatedAt: null };
}

describe('São Paulo days', () => {
  it('today is the São Paulo date, not the UTC one', () => {
    expect(todayKey(NOW)).toBe('2026-12-02');
  });

  it('the query window: 7 days back, 60 ahead', () => {
    expect(agendaRange(NOW)).toEqual({ from: '2026-11-25', to: '2027-01-31' });
    expect(agendaRange(NOW, 37).from).toBe('2026-10-26');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('a date without a time (midnight UTC) is that calendar day; an instant is its São Paulo day', () => {
    expect(isDateOnly('2026-12-05T00:00:00Z')).toBe(true);
    expect(isDateOnly('2026-12-05T00:00:00.000Z')).toBe(true);
    expect(isDateOnly('2026-12-05T10:00:00Z')).toBe(false);
    expect(dayKey('2026-12-05T00:00:00Z')).toBe('2026-12-05');
    expect(dayKey('2026-12-05T02:00:00Z')).toBe('2026-12-04'); // 23:00 the day before in São Paulo
    expect(dayKey('2026-12-05T10:00:00Z')).toBe('2026-12-05');
    expect(dayKey(null)).toBeNull();
    expect(dayKey('not a date')).toBeNull();
  });
});

describe('grouping', () => {
  it('Próximos: not over yet, soonest first; Anteriores: over, latest first', () => {
    const items = [
      at(1, '2026-11-20T10:00:00Z', '2026-11-21T20:00:00Z'), // past
      at(2, '2026-12-05T00:00:00Z'), // upcoming, date only
      at(3, '2026-11-30T10:00:00Z', '2026-12-04T20:00:00Z'), // ongoing
      at(4, '2026-11-28T10:00:00Z'), // past
      at(5, '2026-12-02T23:00:00Z'), // today 20:00 in São Paulo
      at(6, '2026-12-02T00:00:00Z'), // today, date only
    ];
    const g = groupAgenda(items, NOW);
    expect(g.upcoming.map((a) => a.id)).toEqual([3, 6, 5, 2]);
    expect(g.past.map((a) => a.id)).toEqual([4, 1]);
  });

  it('an all-day atendimento sorts within its own day, not with the evening before', () => {
    // 2026-12-04 22:00 in São Paulo is after midnight UTC of 12-05, but on the 4th.
    const g = groupAgenda([at(1, '2026-12-05T00:00:00Z'), at(2, '2026-12-05T01:00:00Z')], NOW);
    expect(g.upcoming.map((a) => a.id)).toEqual([2, 1]);
  });

  it('an atendimento that ended yesterday in São Paulo is past, even when it is still "today" in UTC', () => {
    // Ends 2026-12-01 23:30 São Paulo = 2026-12-02 02:30 UTC; today (São Paulo) is 12-02.
    const g = groupAgenda([at(1, '2026-12-01T20:00:00Z', '2026-12-02T02:30:00Z')], NOW);
    expect(g.past.map((a) => a.id)).toEqual([1]);
  });

  it('tags: hoje, amanhã, em andamento', () => {
    expect(dayTag(at(1, '2026-12-02T00:00:00Z'), NOW)).toBe('Hoje');
    expect(dayTag(at(1, '2026-12-03T12:00:00Z'), NOW)).toBe('Amanhã');
    expect(dayTag(at(1, '2026-11-30T10:00:00Z', '2026-12-04T20:00:00Z'), NOW)).toBe('Em andamento');
    expect(dayTag(at(1, '2026-12-10T10:00:00Z'), NOW)).toBeNull();
  });
});

describe('texts', () => {
  it('when: day, times in São Paulo, ranges', () => {
    expect(whenText({ dataInicio: '2026-12-05T00:00:00Z', dataFim: null })).toBe('sáb., 05/12');
    expect(whenText({ dataInicio: '2026-12-05T10:00:00Z', dataFim: '2026-12-05T21:00:00Z' })).toBe('sáb., 05/12, 07:00 – 18:00');
    expect(whenText({ dataInicio: '2026-12-05T10:00:00Z', dataFim: '2026-12-08T21:00:00Z' })).toBe('sáb., 05/12, 07:00 – ter., 08/12, 18:00');
    expect(whenText({ dataInicio: '2026-12-05T00:00:00Z', dataFim: '2026-12-08T00:00:00Z' })).toBe('sáb., 05/12 – ter., 08/12');
    expect(whenText({ dataInicio: 'garbage', dataFim: null })).toBe('—');
  });

  it('a linked PDF: tipo and número, its status in words', () => {
    expect(pdfText({ tipo: 'os', numero: '89331', status: 'available_local' })).toEqual({ name: 'OS 89331', status: 'no escritório' });
    expect(pdfText({ tipo: 'orcamento', numero: '2026/0340', status: 'cached' })).toEqual({ name: 'Orçamento 2026/0340', status: 'disponível no servidor' });
    expect(pdfText({ tipo: null, numero: null, status: 'weird' })).toEqual({ name: 'Documento', status: 'weird' });
    expect(pdfText({ tipo: 'os', numero: 'OS-4519', status: 'cached' }).name).toBe('OS-4519');
    expect(pdfText({ tipo: 'orcamento', numero: 'Orcamento 12', status: 'cached' }).name).toBe('Orcamento 12');
  });
});
