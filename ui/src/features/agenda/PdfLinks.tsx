import { useId, useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../lib/api-client';
import { pendingReferencias } from '../../lib/atendimentos';
import { PdfViewButton } from '../pdf';
import { dropReferencia, linkByNumero, linkPdf, searchPdfs, unlinkPdf } from './api';
import { numericDay } from './calendar';
import { pdfName, pdfStatusText, REFERENCIA_TIPOS } from './entries';
import { agendaText as t } from './strings';
import type { Atendimento, IndexedPdf } from './types';

interface Props {
  a: Atendimento;
  admin: boolean;
  /** PDFs without atendimento on the atendimento's days: offered before any search. */
  suggestions: IndexedPdf[];
  /** Ids linked to some atendimento on screen (a link moves them here). */
  linkedElsewhere: Set<number>;
  onChanged: (a: Atendimento) => void;
}

/** "OS 123" for a reference (tipo and número, no file yet). */
const refName = (r: { tipo: string; numero: string }) => pdfName({ tipo: r.tipo, numero: r.numero, filename: null });

/**
 * The atendimento's documents: view each, and those still awaited by tipo and
 * número; admins unlink one, find one and link it, link by tipo and número
 * (also one the office has not indexed yet), or stop waiting for one.
 */
export function PdfLinks({ a, admin, suggestions, linkedElsewhere, onChanged }: Props) {
  const searchId = useId();
  const tipoId = useId();
  const numeroId = useId();
  const [text, setText] = useState('');
  const [tipo, setTipo] = useState<string>(REFERENCIA_TIPOS[0]);
  const [numero, setNumero] = useState('');
  const [found, setFound] = useState<IndexedPdf[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);

  const run = async (job: () => Promise<Atendimento>, done: string | ((a: Atendimento) => string)) => {
    setBusy(true);
    setResult(null);
    try {
      const changed = await job();
      onChanged(changed);
      setResult({ ok: true, text: typeof done === 'string' ? done : done(changed) });
    } catch (e) {
      setResult({ ok: false, text: errorMessage(e) });
    } finally {
      setBusy(false);
      // The row pressed moved between lists: keep focus where the next step starts.
      requestAnimationFrame(() => searchBox.current?.focus());
    }
  };

  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return setFound(null);
    setBusy(true);
    setResult(null);
    try {
      setFound(await searchPdfs(text));
    } catch (err) {
      setResult({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const byNumero = (e: FormEvent) => {
    e.preventDefault();
    const n = numero.trim();
    if (!n || n.length > 100) return setResult({ ok: false, text: t.awaitNumero });
    const name = refName({ tipo, numero: n });
    void run(() => linkByNumero(a.id, tipo, n), (x) => {
      setNumero('');
      const waiting = pendingReferencias(x).some((r) => r.tipo === tipo && r.numero === n);
      return waiting ? t.awaited(name) : t.linked(name);
    });
  };

  const here = new Set(a.pdfs.map((p) => p.id));
  const pending = pendingReferencias(a);
  const offered = (found ?? suggestions).filter((p) => !here.has(p.id));

  return (
    <div className="agenda-docs">
      {a.pdfs.length === 0 ? (
        <p className="agenda-nothing">{t.docsEmpty}</p>
      ) : (
        <ul className="agenda-doc-list">
          {a.pdfs.map((p) => (
            <li key={p.id} className="agenda-doc">
              <span className="agenda-doc-name wrap-anywhere">
                <strong>{pdfName(p)}</strong>
                <span className="muted"> · {pdfStatusText(p.status)}</span>
              </span>
              <div className="button-row">
                <PdfViewButton pdf={p} compact />
                {admin ? (
                  <button type="button" className="button button-small button-danger-outline" disabled={busy} onClick={() => void run(() => unlinkPdf(a.id, p.id), t.unlinked(pdfName(p)))}>
                    <span aria-hidden="true">{t.unlinkShort}</span>
                    <span className="sr-only">{t.unlink(pdfName(p))}</span>
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
      {pending.length ? (
        <ul className="agenda-doc-list">
          {pending.map((r) => (
            <li key={`${r.tipo}/${r.numero}`} className="agenda-doc agenda-doc-pending">
              <span className="agenda-doc-name wrap-anywhere">{t.awaiting(refName(r))}</span>
              {admin ? (
                <button type="button" className="button button-small button-danger-outline" disabled={busy} onClick={() => void run(() => dropReferencia(a.id, r.tipo, r.numero), t.droppedReferencia(refName(r)))}>
                  <span aria-hidden="true">{t.remove}</span>
                  <span className="sr-only">{t.dropReferencia(refName(r))}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {admin ? (
        <>
          <form className="agenda-inline-form" role="search" aria-label={t.linkHeading} onSubmit={(e) => void search(e)}>
            <div className="field">
              <label htmlFor={searchId}>{t.linkSearch}</label>
              <input id={searchId} ref={searchBox} type="search" value={text} maxLength={200} onChange={(e) => setText(e.target.value)} />
            </div>
            <button type="submit" className="button" disabled={busy}>
              {t.linkSearchButton}
            </button>
          </form>
          {found !== null || offered.length ? <p className="hint">{found !== null ? t.linkResults(offered.length) : t.linkSuggestions}</p> : null}
          {offered.length ? (
            <ul className="agenda-doc-list">
              {offered.map((p) => (
                <li key={p.id} className="agenda-doc">
                  <span className="agenda-doc-name wrap-anywhere">
                    <strong>{pdfName(p)}</strong>
                    <span className="muted">
                      {p.cliente ? ` · ${p.cliente}` : ''}
                      {p.dataEvento ? ` · ${numericDay(p.dataEvento)}` : ''}
                      {linkedElsewhere.has(p.id) || (p.atendimentoId != null && p.atendimentoId !== a.id) ? ` · ${t.linkedElsewhere}` : ''}
                    </span>
                  </span>
                  <button type="button" className="button button-small" disabled={busy} onClick={() => void run(() => linkPdf(a.id, p.id), t.linked(pdfName(p)))}>
                    <span aria-hidden="true">{t.linkShort}</span>
                    <span className="sr-only">{t.link(pdfName(p))}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <form className="agenda-inline-form" aria-label={t.awaitHeading} onSubmit={byNumero}>
            <div className="field agenda-field-tipo">
              <label htmlFor={tipoId}>{t.tipo}</label>
              <select id={tipoId} value={tipo} onChange={(e) => setTipo(e.target.value)}>
                {REFERENCIA_TIPOS.map((x) => (
                  <option key={x} value={x}>
                    {t.tipos[x]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={numeroId}>{t.number}</label>
              <input id={numeroId} value={numero} maxLength={100} onChange={(e) => setNumero(e.target.value)} />
            </div>
            <button type="submit" className="button" disabled={busy}>
              {t.awaitButton}
            </button>
          </form>
          <p className="hint">{t.awaitHint}</p>
        </>
      ) : null}
      <div aria-live="polite" className="action-result-slot">
        {result ? <p className={result.ok ? 'action-ok' : 'form-error'}>{result.text}</p> : null}
      </div>
    </div>
  );
}
