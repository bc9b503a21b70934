import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../lib/api-client';
import { PdfViewButton } from '../pdf';
import { escalar } from './api';
import { isDayKey, numericDay } from './calendar';
import { pdfName, pdfStatusText, tecnicoName } from './entries';
import { useTecnicos } from './TeamEditor';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf } from './types';

interface Props {
  pdf: IndexedPdf;
  admin: boolean;
  onEscalated: (a: Atendimento) => void;
  onClose: () => void;
}

/** A document without atendimento: its facts, "Visualizar PDF", and for admins "Escalar equipe". */
export function PdfDialog({ pdf, admin, onEscalated, onClose }: Props) {
  const name = pdfName(pdf);
  return (
    <Dialog title={t.pdfDialogTitle(name)} subtitle={pdf.cliente ?? undefined} onClose={onClose} closeLabel={t.close} className="agenda-dialog">
      <dl className="dl agenda-dl">
        <Row label={t.tipo} value={pdf.tipo ? (t.tipos[pdf.tipo] ?? pdf.tipo) : t.none} />
        <Row label={t.number} value={pdf.numero ?? t.none} />
        <Row label={t.client} value={pdf.cliente ?? t.none} />
        <Row label={t.eventDate} value={pdf.dataEvento ? numericDay(pdf.dataEvento) : t.none} />
        <Row label={t.file} value={pdf.filename ?? t.none} />
        <Row label={t.pdfStatusLabel} value={pdfStatusText(pdf.status)} />
      </dl>
      <div className="button-row agenda-dialog-actions">
        <PdfViewButton pdf={pdf} />
      </div>
      {admin ? <EscalarForm pdf={pdf} onEscalated={onEscalated} /> : null}
    </Dialog>
  );
}

function EscalarForm({ pdf, onEscalated }: { pdf: IndexedPdf; onEscalated: (a: Atendimento) => void }) {
  const headingId = useId();
  const dayId = useId();
  const tecnicos = useTecnicos();
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [day, setDay] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const needsDay = !isDayKey(pdf.dataEvento);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (needsDay && !isDayKey(day)) {
      setFailure(t.escalarNoDate);
      document.getElementById(dayId)?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      onEscalated(await escalar(pdf.id, [...picked], needsDay ? day : undefined));
    } catch (err) {
      setFailure(errorMessage(err));
      setBusy(false);
    }
  };

  const list = (tecnicos.data ?? []).slice().sort((x, y) => tecnicoName(x).localeCompare(tecnicoName(y), 'pt-BR'));
  return (
    <section aria-labelledby={headingId} className="agenda-dialog-section">
      <h3 id={headingId}>{t.escalarHeading}</h3>
      <p className="hint">{t.escalarIntro}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {needsDay ? (
          <div className="field agenda-field-date">
            <label htmlFor={dayId}>{t.escalarDay}</label>
            <input id={dayId} type="date" value={day} required onChange={(e) => setDay(e.target.value)} />
          </div>
        ) : null}
        <fieldset className="agenda-pick">
          <legend>{t.escalarPick}</legend>
          {tecnicos.error ? <p className="form-error">{`${t.tecnicosFailed} ${tecnicos.error.message}`}</p> : null}
          {tecnicos.data && list.length === 0 ? <p className="hint">{t.noTecnicos}</p> : null}
          {list.map((x) => (
            <label key={x.id} className="field-check agenda-check">
              <input
                type="checkbox"
                checked={picked.has(x.id)}
                onChange={(e) =>
                  setPicked((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(x.id);
                    else n.delete(x.id);
                    return n;
                  })
                }
              />
              <span className="wrap-anywhere">{x.nome ? `${x.nome} (${x.login})` : x.login}</span>
            </label>
          ))}
        </fieldset>
        <div className="form-error-slot" aria-live="assertive">
          {failure ? <p className="form-error">{failure}</p> : null}
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t.escalarWorking : t.escalarSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd className="wrap-anywhere">{value}</dd>
    </div>
  );
}
