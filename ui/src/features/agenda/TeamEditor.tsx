import { useId, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api-client';
import { useAsync } from '../../lib/use-async';
import { fetchTecnicos, setTecnicos } from './api';
import { tecnicoName } from './entries';
import { agendaText as t } from './strings';
import type { Atendimento, Tecnico } from './types';

/** The active technicians, for the pickers (admins only). */
export function useTecnicos() {
  return useAsync((signal) => fetchTecnicos(signal), []);
}

interface Props {
  a: Atendimento;
  tecnicos: Tecnico[] | undefined;
  tecnicosError: string | null;
  onChanged: (a: Atendimento) => void;
}

/** Who is on the atendimento: remove one, add one. Each change is saved at once. */
export function TeamEditor({ a, tecnicos, tecnicosError, onChanged }: Props) {
  const selectId = useId();
  const [pick, setPick] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const select = useRef<HTMLSelectElement>(null);
  const onTeam = new Set(a.tecnicos.map((x) => x.id));
  const candidates = (tecnicos ?? []).filter((x) => !onTeam.has(x.id)).sort((x, y) => tecnicoName(x).localeCompare(tecnicoName(y), 'pt-BR'));

  const save = async (ids: number[], done: string) => {
    setBusy(true);
    setResult(null);
    try {
      onChanged(await setTecnicos(a.id, ids));
      setResult({ ok: true, text: done });
      setPick('');
    } catch (e) {
      setResult({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
      // The button pressed may be gone (a removed technician): the picker stays.
      requestAnimationFrame(() => select.current?.focus());
    }
  };

  const chosen = candidates.find((x) => String(x.id) === pick);
  return (
    <div className="agenda-team">
      {a.tecnicos.length === 0 ? (
        <p className="agenda-nothing">{t.teamEmpty}</p>
      ) : (
        <ul className="agenda-chips">
          {a.tecnicos.map((x) => (
            <li key={x.id} className="agenda-chip">
              <span className="wrap-anywhere">{tecnicoName(x)}</span>
              <button type="button" className="button button-small button-danger-outline" disabled={busy} onClick={() => void save(a.tecnicos.filter((y) => y.id !== x.id).map((y) => y.id), t.removedTecnico(tecnicoName(x)))}>
                <span aria-hidden="true">{t.remove}</span>
                <span className="sr-only">{t.removeTecnico(tecnicoName(x))}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {tecnicosError ? <p className="form-error">{`${t.tecnicosFailed} ${tecnicosError}`}</p> : null}
      <div className="agenda-inline-form">
        <div className="field">
          <label htmlFor={selectId}>{t.addTecnico}</label>
          <select id={selectId} ref={select} value={pick} onChange={(e) => setPick(e.target.value)} disabled={!tecnicos || candidates.length === 0}>
            <option value="">{tecnicos && candidates.length === 0 ? (tecnicos.length ? t.noMoreTecnicos : t.noTecnicos) : t.chooseTecnico}</option>
            {candidates.map((x) => (
              <option key={x.id} value={x.id}>
                {x.nome ? `${x.nome} (${x.login})` : x.login}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button" disabled={busy || !chosen} onClick={() => chosen && void save([...a.tecnicos.map((y) => y.id), chosen.id], t.addedTecnico(tecnicoName(chosen)))}>
          {t.addTecnicoButton}
        </button>
      </div>
      <div aria-live="polite" className="action-result-slot">
        {result ? <p className={result.ok ? 'action-ok' : 'form-error'}>{result.text}</p> : null}
      </div>
    </div>
  );
}
