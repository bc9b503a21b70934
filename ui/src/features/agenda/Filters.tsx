import { useId } from 'react';
import { isFiltered, NO_FILTER, PDF_STATUSES, SITUATIONS, TIPOS, type AgendaFilter } from './entries';
import { agendaText as t } from './strings';

interface Props {
  admin: boolean;
  filter: AgendaFilter;
  onChange: (f: AgendaFilter) => void;
}

/** Search (cliente, número, título), tipo and situação; applied as one types, to what the period loaded. */
export function Filters({ admin, filter, onChange }: Props) {
  const base = useId();
  const ids = { q: `${base}-q`, tipo: `${base}-tipo`, status: `${base}-status` };
  const set = (k: keyof AgendaFilter, v: string) => onChange({ ...filter, [k]: v });
  return (
    <form className="agenda-filters" role="search" aria-label={t.filtersLabel} onSubmit={(e) => e.preventDefault()}>
      <div className="field agenda-filter-q">
        <label htmlFor={ids.q}>{t.search}</label>
        <input id={ids.q} type="search" value={filter.q} maxLength={200} placeholder={t.searchHint} aria-describedby={`${ids.q}-hint`} onChange={(e) => set('q', e.target.value)} />
        <span id={`${ids.q}-hint`} className="sr-only">
          {t.searchHint}
        </span>
      </div>
      <div className="field">
        <label htmlFor={ids.tipo}>{t.tipo}</label>
        <select id={ids.tipo} value={filter.tipo} onChange={(e) => set('tipo', e.target.value)}>
          <option value="">{t.tipoAll}</option>
          {TIPOS.map((k) => (
            <option key={k} value={k}>
              {t.tipos[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.status}>{t.status}</label>
        <select id={ids.status} value={filter.status} onChange={(e) => set('status', e.target.value)}>
          <option value="">{t.statusAll}</option>
          <optgroup label={t.statusGroups.atendimento}>
            {SITUATIONS.filter((s) => admin || s !== 'a_escalar').map((k) => (
              <option key={k} value={k}>
                {t.statusFilters[k]}
              </option>
            ))}
          </optgroup>
          <optgroup label={t.statusGroups.pdf}>
            {PDF_STATUSES.map((k) => (
              <option key={k} value={k}>
                {`PDF ${t.pdfStatus[k]}`}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      {isFiltered(filter) ? (
        <button type="button" className="button agenda-clear" onClick={() => onChange(NO_FILTER)}>
          {t.clearFilters}
        </button>
      ) : null}
    </form>
  );
}
