import { memo } from 'react';
import { spanOf, timeOf, type DayKey } from './calendar';
import { pdfName, tecnicoName } from './entries';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf } from './types';

/** What an atendimento says on a given day: its start time on the first day, "continuação" after. */
export function timeLabel(a: Atendimento, day: DayKey): string {
  const span = spanOf(a);
  if (span && day > span.start) return t.continues;
  return timeOf(a.dataInicio) ?? t.allDay;
}

/** One atendimento in the calendar: a button that opens it. */
export const AtendimentoEntry = memo(function AtendimentoEntry({ a, day, detailed, onOpen }: { a: Atendimento; day: DayKey; detailed: boolean; onOpen: (id: number) => void }) {
  const noTeam = a.tecnicos.length === 0;
  return (
    <button type="button" className={`agenda-entry agenda-entry-atendimento ${noTeam ? 'agenda-entry-noteam' : ''}`} data-atendimento={a.id} onClick={() => onOpen(a.id)}>
      <span className="sr-only">{t.kindAtendimento}: </span>
      <span className="agenda-entry-time num">{timeLabel(a, day)}</span>
      <span className="agenda-entry-title">{a.titulo}</span>
      {detailed && a.cliente ? <span className="agenda-entry-sub">{a.cliente}</span> : null}
      {detailed && !noTeam ? <span className="agenda-entry-sub">{t.team}: {a.tecnicos.map(tecnicoName).join(', ')}</span> : null}
      {noTeam ? <span className="agenda-entry-flag">{t.noTeam}</span> : null}
    </button>
  );
});

/** One PDF without atendimento: a button that opens it (and "Escalar equipe"). */
export const PdfEntry = memo(function PdfEntry({ p, detailed, onOpen }: { p: IndexedPdf; detailed: boolean; onOpen: (p: IndexedPdf) => void }) {
  return (
    <button type="button" className="agenda-entry agenda-entry-pdf" data-pdf={p.id} onClick={() => onOpen(p)}>
      <span className="sr-only">{t.kindPdf}: </span>
      <span className="agenda-entry-title">{pdfName(p)}</span>
      {p.cliente ? <span className={detailed ? 'agenda-entry-sub' : 'agenda-entry-title agenda-entry-client'}>{p.cliente}</span> : null}
    </button>
  );
});
