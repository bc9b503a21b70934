import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../lib/api-client';
import { socketLayer, useConnectionState, useSocketEvent } from '../../lib/socket';
import { addDays, type DayKey } from './calendar';
import { fetchAtendimentos, fetchPdfsInRange } from './api';
import { applyAtendimento, isAtendimento, type Audience } from './live';
import type { Atendimento, IndexedPdf } from './types';

export interface AgendaData {
  atendimentos: Atendimento[] | null;
  pdfs: IndexedPdf[];
  pdfsTruncated: boolean;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  /** Our own change, as the server answered it: on screen at once, before its event. */
  apply: (a: Atendimento) => void;
}

const POLL_WHILE_DOWN_MS = 10_000;

// lib/events.ts types the events other screens use; this one is checked by
// isAtendimento before it touches state.
type LooseLayer = { on(event: string, handler: (payload: unknown) => void): () => void };

/**
 * The atendimentos (and, for admins, the indexed PDFs) of the days on screen,
 * kept current by atendimento:updated. The query asks one day more on each
 * side: the server compares instants with UTC days, the calendar uses São
 * Paulo days. Events that arrive while a fetch is under way are applied
 * again on top of its answer.
 */
export function useAgenda(range: { from: DayKey; to: DayKey }, opts: { admin: boolean; userId: number }): AgendaData {
  const [atendimentos, setAtendimentos] = useState<Atendimento[] | null>(null);
  const [pdfs, setPdfs] = useState<{ items: IndexedPdf[]; truncated: boolean }>({ items: [], truncated: false });
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const audience = useRef<Audience>({ ...range, onlyTecnico: opts.admin ? null : opts.userId });
  audience.current = { ...range, onlyTecnico: opts.admin ? null : opts.userId };
  const pending = useRef<Atendimento[] | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const q = { from: addDays(range.from, -1), to: addDays(range.to, 1) };
    pending.current = [];
    setLoading(true);
    Promise.all([fetchAtendimentos(q, ctrl.signal), opts.admin ? fetchPdfsInRange(range, ctrl.signal) : Promise.resolve({ items: [], truncated: false })]).then(
      ([list, docs]) => {
        if (ctrl.signal.aborted) return;
        let next = list.filter((a) => isAtendimento(a));
        for (const a of pending.current ?? []) next = applyAtendimento(next, a, audience.current);
        pending.current = null;
        // Keep only those on the days asked (the padding day is for the zone, not for showing).
        setAtendimentos(next.filter((a) => applyAtendimento([], a, audience.current).length > 0));
        setPdfs(docs);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        pending.current = null;
        setError(e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', message: String(e) }));
        setLoading(false);
      },
    );
    return () => ctrl.abort();
  }, [range.from, range.to, opts.admin, nonce]);

  const apply = useCallback((a: Atendimento) => {
    pending.current?.push(a);
    setAtendimentos((list) => (list ? applyAtendimento(list, a, audience.current) : list));
  }, []);

  useEffect(
    () =>
      (socketLayer() as unknown as LooseLayer).on('atendimento:updated', (payload) => {
        if (isAtendimento(payload)) apply(payload);
      }),
    [apply],
  );

  // A PDF indexed now, with an event date on screen, is "a escalar" at once (admins only get the event).
  useSocketEvent('pdf:indexed', (e) => {
    if (!opts.admin || !e.dataEvento || e.dataEvento < range.from || e.dataEvento > range.to) return;
    const pdf: IndexedPdf = { id: e.pdfId, tipo: e.tipo, numero: e.numero, cliente: e.cliente, dataEvento: e.dataEvento, filename: e.filename, status: 'available_local', atendimentoId: null };
    setPdfs((x) => (x.items.some((p) => p.id === pdf.id) ? x : { ...x, items: [...x.items, pdf] }));
  });

  // While the connection is down, fetch every 10 s as the other live screens do;
  // once it is back, fetch again for the events missed.
  const connection = useConnectionState();
  const wasDown = useRef(false);
  useEffect(() => {
    if (connection === 'reconnecting') {
      wasDown.current = true;
      const timer = setInterval(() => setNonce((n) => n + 1), POLL_WHILE_DOWN_MS);
      return () => clearInterval(timer);
    }
    if (connection === 'connected' && wasDown.current) {
      wasDown.current = false;
      setNonce((n) => n + 1);
    }
    return undefined;
  }, [connection]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { atendimentos, pdfs: pdfs.items, pdfsTruncated: pdfs.truncated, error, loading, reload, apply };
}
