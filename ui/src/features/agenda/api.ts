import { api } from '../../lib/api';
import type { DayKey } from './calendar';
import type { Atendimento, IndexedPdf, PdfPage, Tecnico } from './types';

// The agenda's calls (docs/api.md, "GET /api/atendimentos" and what follows).

/** Atendimentos overlapping [from, to]; a technician gets only theirs. */
export const fetchAtendimentos = (range: { from: DayKey; to: DayKey }, signal?: AbortSignal) =>
  api.get<{ items: Atendimento[] }>('/api/atendimentos', { query: range, signal }).then((r) => r.items ?? []);

/** At most this many pages of 100 PDFs for one period on screen. */
export const MAX_PDF_PAGES = 10;

/**
 * Every PDF with an event date in [from, to]: 100 a page, following
 * `nextCursor` when the server gives one, else `page`. `truncated` when the
 * period had more than MAX_PDF_PAGES pages.
 */
export async function fetchPdfsInRange(range: { from: DayKey; to: DayKey }, signal?: AbortSignal): Promise<{ items: IndexedPdf[]; truncated: boolean }> {
  const items: IndexedPdf[] = [];
  let cursor: string | null = null;
  for (let page = 1; page <= MAX_PDF_PAGES; page++) {
    const query: Record<string, string | number> = { from: range.from, to: range.to, pageSize: 100 };
    if (cursor) query.cursor = cursor;
    else query.page = page;
    const r: PdfPage = await api.get<PdfPage>('/api/pdfs', { query, signal });
    items.push(...(r.items ?? []));
    cursor = r.nextCursor ?? null;
    const more = cursor !== null || ((r.items?.length ?? 0) === 100 && items.length < (r.total ?? 0));
    if (!more) return { items, truncated: false };
  }
  return { items, truncated: true };
}

/** PDFs whose número is `text`, or whose cliente contains it (two searches, one list). */
export async function searchPdfs(text: string, signal?: AbortSignal): Promise<IndexedPdf[]> {
  const q = text.trim().slice(0, 200);
  if (!q) return [];
  const [byNumero, byCliente] = await Promise.all([
    api.get<PdfPage>('/api/pdfs', { query: { numero: q, pageSize: 25 }, signal }),
    api.get<PdfPage>('/api/pdfs', { query: { cliente: q, pageSize: 25 }, signal }),
  ]);
  const seen = new Set<number>();
  return [...(byNumero.items ?? []), ...(byCliente.items ?? [])].filter((p) => !seen.has(p.id) && !!seen.add(p.id));
}

/** The active technicians (admins only). */
export const fetchTecnicos = (signal?: AbortSignal) =>
  api
    .get<{ users: (Tecnico & { role: string; disabled: boolean })[] }>('/api/admin/users', { signal })
    .then((r) => (r.users ?? []).filter((u) => u.role === 'tecnico' && !u.disabled).map(({ id, login, nome }) => ({ id, login, nome })));

export interface AtendimentoChanges {
  titulo?: string;
  dataInicio?: string;
  dataFim?: string | null;
  cliente?: string | null;
  local?: string | null;
}

export const updateAtendimento = (id: number, body: AtendimentoChanges) => api.put<Atendimento>(`/api/atendimentos/${id}`, body);

export const setTecnicos = (id: number, tecnicos: number[]) => api.put<Atendimento>(`/api/atendimentos/${id}/tecnicos`, { tecnicos });

export const linkPdf = (id: number, pdfId: number) => api.put<Atendimento>(`/api/atendimentos/${id}`, { pdfs: [{ id: pdfId }] });

export const unlinkPdf = (id: number, pdfId: number) => api.del<Atendimento>(`/api/atendimentos/${id}/pdfs/${pdfId}`);

/** Links the PDFs with this tipo and número, or waits for one the office has not indexed yet. */
export const linkByNumero = (id: number, tipo: string, numero: string) =>
  api.put<Atendimento>(`/api/atendimentos/${id}`, { pdfs: [{ tipo, numero }] });

/** No longer waits for that document (the linked PDFs stay). */
export const dropReferencia = (id: number, tipo: string, numero: string) =>
  api.del<Atendimento>(`/api/atendimentos/${id}/referencias/${encodeURIComponent(tipo)}/${encodeURIComponent(numero)}`);

/** "Escalar equipe": a new atendimento from the PDF's metadata, with these technicians. */
export const escalar = (pdfId: number, tecnicos: number[], dataInicio?: string) =>
  api.post<Atendimento>(`/api/pdfs/${pdfId}/escalar`, dataInicio ? { tecnicos, dataInicio } : { tecnicos });
