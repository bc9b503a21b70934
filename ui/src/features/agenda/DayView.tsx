import { useId } from 'react';
import { PdfViewButton } from '../pdf';
import { numericDay, type DayKey } from './calendar';
import { pdfName, pdfStatusText, tecnicoName, type DayEntries } from './entries';
import { timeLabel } from './Entry';
import { whenText } from './when';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf } from './types';

interface Props {
  day: DayKey;
  e: DayEntries | undefined;
  tecnico: boolean;
  onOpenAtendimento: (id: number) => void;
  onOpenPdf: (p: IndexedPdf) => void;
}

/** One day in full: its atendimentos as cards, then the documents still without one. */
export function DayView({ day, e, tecnico, onOpenAtendimento, onOpenPdf }: Props) {
  const aId = useId();
  const pId = useId();
  const atendimentos = e?.atendimentos ?? [];
  const pdfs = e?.pdfs ?? [];
  if (atendimentos.length + pdfs.length === 0) return <p className="agenda-nothing agenda-day-empty">{tecnico ? t.emptyDayTecnico : t.emptyDayLong}</p>;
  return (
    <div className="agenda-day">
      {atendimentos.length ? (
        <section aria-labelledby={aId}>
          <h3 id={aId} className="agenda-day-heading">
            {t.atendimentosHeading}
          </h3>
          <ul className="agenda-cards">
            {atendimentos.map((a) => (
              <li key={a.id}>
                <AtendimentoCard a={a} day={day} onOpen={onOpenAtendimento} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {pdfs.length ? (
        <section aria-labelledby={pId}>
          <h3 id={pId} className="agenda-day-heading">
            {t.pdfsHeading}
          </h3>
          <ul className="agenda-cards">
            {pdfs.map((p) => (
              <li key={p.id}>
                <article className="agenda-card-full agenda-card-pdf" aria-label={pdfName(p)}>
                  <h4 className="agenda-card-title wrap-anywhere">{pdfName(p)}</h4>
                  <dl className="agenda-facts">
                    {p.cliente ? <Fact label={t.client} value={p.cliente} /> : null}
                    <Fact label={t.eventDate} value={p.dataEvento ? numericDay(p.dataEvento) : t.none} />
                    <Fact label={t.pdfStatusLabel} value={pdfStatusText(p.status)} />
                  </dl>
                  <div className="button-row">
                    <button type="button" className="button button-small button-primary" onClick={() => onOpenPdf(p)} aria-label={`${t.escalarHeading}: ${pdfName(p)}`}>
                      {t.escalarHeading}
                    </button>
                    <PdfViewButton pdf={p} compact />
                  </div>
                </article>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className="wrap-anywhere">{value}</dd>
    </div>
  );
}

function AtendimentoCard({ a, day, onOpen }: { a: Atendimento; day: DayKey; onOpen: (id: number) => void }) {
  const titleId = useId();
  return (
    <article className={`agenda-card-full ${a.tecnicos.length ? '' : 'agenda-card-noteam'}`} aria-labelledby={titleId}>
      <p className="agenda-card-when num">
        {timeLabel(a, day) === t.continues ? `${t.continues} · ` : ''}
        {whenText(a)}
      </p>
      <h4 id={titleId} className="agenda-card-title wrap-anywhere">
        {a.titulo}
      </h4>
      <dl className="agenda-facts">
        {a.cliente ? <Fact label={t.client} value={a.cliente} /> : null}
        {a.local ? <Fact label={t.place} value={a.local} /> : null}
        <Fact label={t.team} value={a.tecnicos.length ? a.tecnicos.map(tecnicoName).join(', ') : t.teamEmpty} />
        <Fact label={t.documents} value={a.pdfs.length ? a.pdfs.map((p) => `${pdfName(p)} (${pdfStatusText(p.status)})`).join(', ') : t.docsEmpty} />
      </dl>
      <div className="button-row">
        <button type="button" className="button button-small" onClick={() => onOpen(a.id)} data-atendimento={a.id} aria-label={`${t.open}: ${a.titulo}`}>
          {t.open}
        </button>
      </div>
    </article>
  );
}
