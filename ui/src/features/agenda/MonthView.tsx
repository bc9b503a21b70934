import { useEffect, useRef, type KeyboardEvent } from 'react';
import { addDays, addMonths, longDay, monthGrid, sameMonth, startOfWeek, weekdayNames, type DayKey } from './calendar';
import type { DayEntries } from './entries';
import { AtendimentoEntry, PdfEntry } from './Entry';
import { agendaText as t } from './strings';
import type { IndexedPdf } from './types';

/** Entries shown in a month cell before "+N mais". */
const PER_CELL = 3;
const WEEKDAYS = weekdayNames();

interface Props {
  date: DayKey;
  today: DayKey;
  days: Map<DayKey, DayEntries>;
  titleId: string;
  onDate: (d: DayKey) => void;
  onOpenDay: (d: DayKey) => void;
  onOpenAtendimento: (id: number) => void;
  onOpenPdf: (p: IndexedPdf) => void;
}

/**
 * The month as a table, Monday first. The day numbers are one tab stop
 * (roving tabindex): arrows move a day or a week, Home/End to the week's
 * ends, Page Up/Down a month; Enter opens the day. Entries are buttons of
 * their own, in reading order.
 */
export function MonthView({ date, today, days, titleId, onDate, onOpenDay, onOpenAtendimento, onOpenPdf }: Props) {
  const weeks = monthGrid(date);
  const table = useRef<HTMLTableElement>(null);
  const focusAfter = useRef<DayKey | null>(null);

  useEffect(() => {
    if (!focusAfter.current) return;
    table.current?.querySelector<HTMLElement>(`[data-day="${focusAfter.current}"]`)?.focus();
    focusAfter.current = null;
  });

  const onKey = (e: KeyboardEvent<HTMLButtonElement>, day: DayKey) => {
    let to: DayKey | null = null;
    if (e.key === 'ArrowLeft') to = addDays(day, -1);
    else if (e.key === 'ArrowRight') to = addDays(day, 1);
    else if (e.key === 'ArrowUp') to = addDays(day, -7);
    else if (e.key === 'ArrowDown') to = addDays(day, 7);
    else if (e.key === 'Home') to = startOfWeek(day);
    else if (e.key === 'End') to = addDays(startOfWeek(day), 6);
    else if (e.key === 'PageUp') to = addMonths(day, -1);
    else if (e.key === 'PageDown') to = addMonths(day, 1);
    if (!to) return;
    e.preventDefault();
    focusAfter.current = to;
    onDate(to);
  };

  return (
    <table className="agenda-month" ref={table} aria-labelledby={titleId}>
      <thead>
        <tr>
          {WEEKDAYS.map((w) => (
            <th key={w.long} scope="col">
              <abbr title={w.long}>{w.short}</abbr>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]}>
            {week.map((day) => {
              const e = days.get(day) ?? { atendimentos: [], pdfs: [] };
              const total = e.atendimentos.length + e.pdfs.length;
              const shownA = e.atendimentos.slice(0, PER_CELL);
              const shownP = e.pdfs.slice(0, Math.max(0, PER_CELL - shownA.length));
              const more = total - shownA.length - shownP.length;
              const isToday = day === today;
              const label = `${longDay(day)}${isToday ? ` (${t.todayMark})` : ''}`;
              return (
                <td key={day} className={`${sameMonth(day, date) ? '' : 'agenda-outside'} ${isToday ? 'agenda-today' : ''} ${day === date ? 'agenda-selected' : ''}`}>
                  <div className="agenda-cell">
                    <div className="agenda-cell-head">
                      <button
                        type="button"
                        className="agenda-daynum num"
                        data-day={day}
                        tabIndex={day === date ? 0 : -1}
                        aria-current={isToday ? 'date' : undefined}
                        aria-label={t.dayButton(label, e.atendimentos.length, e.pdfs.length)}
                        onKeyDown={(ev) => onKey(ev, day)}
                        onClick={() => onOpenDay(day)}
                      >
                        {Number(day.slice(8))}
                      </button>
                      {total > 0 ? (
                        <span className="agenda-cell-count num" aria-hidden="true">
                          {total}
                        </span>
                      ) : null}
                    </div>
                    {total > 0 ? (
                      <ul className="agenda-entries">
                        {shownA.map((a) => (
                          <li key={`a${a.id}`}>
                            <AtendimentoEntry a={a} day={day} detailed={false} onOpen={onOpenAtendimento} />
                          </li>
                        ))}
                        {shownP.map((p) => (
                          <li key={`p${p.id}`}>
                            <PdfEntry p={p} detailed={false} onOpen={onOpenPdf} />
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    {more > 0 ? (
                      <button type="button" className="agenda-more-link" onClick={() => onOpenDay(day)}>
                        {t.more(more)}
                        <span className="sr-only">{t.moreIn(longDay(day))}</span>
                      </button>
                    ) : null}
                  </div>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
