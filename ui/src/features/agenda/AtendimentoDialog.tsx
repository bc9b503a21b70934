import { useId, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { AtendimentoForm } from './AtendimentoForm';
import { PdfLinks } from './PdfLinks';
import { TeamEditor, useTecnicos } from './TeamEditor';
import { tecnicoName } from './entries';
import { whenText } from './when';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf } from './types';

interface Props {
  /** The atendimento as the page has it now (live); undefined when it left the agenda. */
  a: Atendimento | undefined;
  admin: boolean;
  suggestions: IndexedPdf[];
  linkedElsewhere: Set<number>;
  notice?: string | null;
  onChanged: (a: Atendimento) => void;
  onClose: () => void;
}

/** One atendimento: its facts; for admins, edit them, the team and the documents (each change saved at once). */
export function AtendimentoDialog({ a, admin, suggestions, linkedElsewhere, notice, onChanged, onClose }: Props) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(notice ?? null);
  const editButton = useRef<HTMLButtonElement>(null);
  const teamId = useId();
  const docsId = useId();
  const detailsId = useId();

  if (!a) {
    return (
      <Dialog title={t.details} onClose={onClose} closeLabel={t.close}>
        <p role="status">{t.gone}</p>
      </Dialog>
    );
  }
  return (
    <Dialog
      title={t.atendimentoTitle(a.titulo)}
      subtitle={whenText(a)}
      onClose={onClose}
      closeLabel={t.close}
      className="dialog-wide agenda-dialog"
      returnFocus={() => document.querySelector<HTMLElement>(`[data-atendimento="${a.id}"]`) ?? document.querySelector<HTMLElement>('main [data-page-heading]')}
    >
      <div aria-live="polite" className="notice-slot">
        {saved ? <p className="notice">{saved}</p> : null}
      </div>
      <section aria-labelledby={detailsId} className="agenda-dialog-section">
        <div className="agenda-dialog-section-head">
          <h3 id={detailsId}>{editing ? t.editTitle : t.details}</h3>
          {admin && !editing ? (
            <button type="button" ref={editButton} className="button button-small" onClick={() => (setEditing(true), setSaved(null))}>
              {t.edit}
            </button>
          ) : null}
        </div>
        {editing ? (
          <AtendimentoForm
            a={a}
            onSaved={(x) => {
              onChanged(x);
              setEditing(false);
              setSaved(t.saved);
              requestAnimationFrame(() => editButton.current?.focus());
            }}
            onCancel={() => {
              setEditing(false);
              requestAnimationFrame(() => editButton.current?.focus());
            }}
          />
        ) : (
          <dl className="dl agenda-dl">
            <Row label={t.when} value={whenText(a)} />
            <Row label={t.client} value={a.cliente ?? t.none} />
            <Row label={t.place} value={a.local ?? t.none} />
            {!admin ? <Row label={t.team} value={a.tecnicos.length ? a.tecnicos.map(tecnicoName).join(', ') : t.teamEmpty} /> : null}
          </dl>
        )}
      </section>
      {admin ? (
        <section aria-labelledby={teamId} className="agenda-dialog-section">
          <h3 id={teamId}>{t.team}</h3>
          <AdminTeam a={a} onChanged={onChanged} />
        </section>
      ) : null}
      <section aria-labelledby={docsId} className="agenda-dialog-section">
        <h3 id={docsId}>{t.documents}</h3>
        <PdfLinks a={a} admin={admin} suggestions={suggestions} linkedElsewhere={linkedElsewhere} onChanged={onChanged} />
      </section>
    </Dialog>
  );
}

function AdminTeam({ a, onChanged }: { a: Atendimento; onChanged: (a: Atendimento) => void }) {
  const tecnicos = useTecnicos();
  return <TeamEditor a={a} tecnicos={tecnicos.data} tecnicosError={tecnicos.error?.message ?? null} onChanged={onChanged} />;
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="dl-row">
      <dt>{label}</dt>
      <dd className="wrap-anywhere">{value}</dd>
    </div>
  );
}
