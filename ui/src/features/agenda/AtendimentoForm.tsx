import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api-client';
import { toMs } from '../../lib/format';
import { updateAtendimento } from './api';
import { fromApiDate, isDayKey, toApiDate } from './calendar';
import { agendaText as t } from './strings';
import type { Atendimento } from './types';

const f = t.fields;

interface Props {
  a: Atendimento;
  onSaved: (a: Atendimento) => void;
  onCancel: () => void;
}

/** Checks the form as the server would, and says what is wrong next to the field. */
export function formProblems(v: { titulo: string; cliente: string; local: string; inicioDia: string; inicioHora: string; fimDia: string; fimHora: string }) {
  const out: Partial<Record<keyof typeof v, string>> = {};
  const titulo = v.titulo.trim();
  if (!titulo || titulo.length > 200) out.titulo = t.errors.titulo;
  if (v.cliente.trim().length > 200) out.cliente = t.errors.texto;
  if (v.local.trim().length > 200) out.local = t.errors.texto;
  if (!isDayKey(v.inicioDia)) out.inicioDia = t.errors.inicio;
  if (v.fimHora && !v.fimDia) out.fimDia = t.errors.fimSemDia;
  if (!out.inicioDia && isDayKey(v.fimDia)) {
    const start = toMs(toApiDate(v.inicioDia, v.inicioHora || null));
    const end = toMs(toApiDate(v.fimDia, v.fimHora || null));
    if (start !== null && end !== null && end < start) out.fimDia = t.errors.fimAntes;
  }
  return out;
}

/** "Editar dados": título, cliente, local, início and fim (day, and an optional time in São Paulo). */
export function AtendimentoForm({ a, onSaved, onCancel }: Props) {
  const base = useId();
  const start = fromApiDate(a.dataInicio);
  const end = fromApiDate(a.dataFim);
  const [v, setV] = useState({
    titulo: a.titulo,
    cliente: a.cliente ?? '',
    local: a.local ?? '',
    inicioDia: start.day,
    inicioHora: start.time,
    fimDia: end.day,
    fimHora: end.time,
  });
  const [errors, setErrors] = useState<ReturnType<typeof formProblems>>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const id = (k: string) => `${base}-${k}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const found = formProblems(v);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(id(first))?.focus();
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const saved = await updateAtendimento(a.id, {
        titulo: v.titulo.trim(),
        cliente: v.cliente.trim() || null,
        local: v.local.trim() || null,
        dataInicio: toApiDate(v.inicioDia, v.inicioHora || null),
        dataFim: v.fimDia ? toApiDate(v.fimDia, v.fimHora || null) : null,
      });
      onSaved(saved);
    } catch (err) {
      setFailure(errorMessage(err));
      setBusy(false);
    }
  };

  const field = (k: keyof typeof v, label: string, input: { type?: string; maxLength?: number; required?: boolean; hint?: string }) => {
    const err = errors[k];
    const described = [input.hint ? id(`${k}-hint`) : null, err ? id(`${k}-error`) : null].filter(Boolean).join(' ');
    return (
      <div className={`field ${input.type === 'date' || input.type === 'time' ? 'agenda-field-date' : ''}`}>
        <label htmlFor={id(k)}>{label}</label>
        <input
          id={id(k)}
          type={input.type ?? 'text'}
          value={v[k]}
          maxLength={input.maxLength}
          required={input.required}
          aria-invalid={err ? true : undefined}
          aria-describedby={described || undefined}
          onChange={(e) => {
            setV((x) => ({ ...x, [k]: e.target.value }));
            setErrors((x) => ({ ...x, [k]: undefined }));
          }}
        />
        {input.hint ? (
          <p id={id(`${k}-hint`)} className="hint">
            {input.hint}
          </p>
        ) : null}
        {err ? (
          <p id={id(`${k}-error`)} className="field-error">
            {err}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <form className="agenda-form" onSubmit={(e) => void submit(e)} noValidate aria-label={t.editTitle}>
      {field('titulo', f.titulo, { maxLength: 200, required: true })}
      <div className="agenda-form-row">
        {field('cliente', f.cliente, { maxLength: 200 })}
        {field('local', f.local, { maxLength: 200 })}
      </div>
      <div className="agenda-form-row">
        {field('inicioDia', f.inicioDia, { type: 'date', required: true })}
        {field('inicioHora', f.inicioHora, { type: 'time', hint: f.horaHint })}
      </div>
      <div className="agenda-form-row">
        {field('fimDia', f.fimDia, { type: 'date' })}
        {field('fimHora', f.fimHora, { type: 'time' })}
      </div>
      <div className="form-error-slot" aria-live="assertive">
        {failure ? <p className="form-error">{failure}</p> : null}
      </div>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t.working : t.save}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}
