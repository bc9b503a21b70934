import { useId } from 'react';
import { longDay, shortDay, viewDays, type DayKey } from './calendar';
import type { DayEntries } from './entries';
import { AtendimentoEntry, PdfEntry } from './Entry';
import { agendaText as t } from './strings';
import type { IndexedPdf } from './types';

interface Props {
  date: DayKey;
  today: DayKey;
  days: Map<DayKey, DayEntries>;
  tecnico: boolean;
  onOpenDay: (d: DayKey) => void;
  onOpenAtendimento: (id: number) => void;
  onOpenPdf: (p: IndexedPdf) => void;
}

/** Seven columns, Monday first (one under the other on a phone); every entry in full. */
export function WeekView({ date, today, days, tecnico, onOpenDay, onOpenAtendimento, onOpenPdf }: Props) {
  return (
    <ol className="agenda-week">
      {viewDays('week', date).map((day) => (
        <WeekDay key={day} day={day} today={today} e={days.get(day)} tecnico={tecnico} onOpenDay={onOpenDay} onOpenAtendimento={onOpenAtendimento} onOpenPdf={onOpenPdf} />
      ))}
    </ol>
  );
}

function WeekDay({ day, today, e, tecnico, onOpenDay, onOpenAtendimento, onOpenPdf }: { day: DayKey; today: DayKey; e: DayEntries | undefined; tecnico: boolean } & Omit<Props, 'date' | 'today' | 'days' | 'tecnico'>) {
  const headingId = useId();
  const isToday = day === today;
  const atendimentos = e?.atendimentos ?? [];
  const pdfs = e?.pdfs ?? [];
  return (
    <li className={`agenda-weekday ${isToday ? 'agenda-today' : ''}`} data-weekday={day}>
      <h3 id={headingId} className="agenda-weekday-title">
        <button type="button" className="agenda-daylink" aria-current={isToday ? 'date' : undefined} onClick={() => onOpenDay(day)}>
          <span className="num">{shortDay(day)}</span>
          {isToday ? <span className="agenda-today-tag">{t.today}</span> : null}
          <span className="sr-only">{`: ${longDay(day)}, ${t.seeDay}`}</span>
        </button>
      </h3>
      {atendimentos.length + pdfs.length === 0 ? (
        <p className="agenda-nothing">{tecnico ? t.emptyDayTecnico : t.emptyDay}</p>
      ) : (
        <ul className="agenda-entries">
          {atendimentos.map((a) => (
            <li key={`a${a.id}`}>
              <AtendimentoEntry a={a} day={day} detailed onOpen={onOpenAtendimento} />
            </li>
          ))}
          {pdfs.map((p) => (
            <li key={`p${p.id}`}>
              <PdfEntry p={p} detailed onOpen={onOpenPdf} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
