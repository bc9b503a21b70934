// The answers of the API the agenda reads (docs/api.md: GET /api/atendimentos, GET /api/pdfs).

export type { Atendimento, LinkedPdf, Referencia, Tecnico } from '../../lib/atendimentos';

export type PdfStatus = 'available_local' | 'uploading' | 'cached' | 'expired' | 'missing';
export type PdfTipo = 'orcamento' | 'os' | 'montagem' | 'desconhecido';

/** A PDF as GET /api/pdfs lists it (only the fields the agenda uses). */
export interface IndexedPdf {
  id: number;
  tipo: string | null;
  numero: string | null;
  cliente: string | null;
  dataEvento: string | null;
  filename: string | null;
  status: string;
  /** The atendimento it is linked to; absent from servers that do not say. */
  atendimentoId?: number | null;
}

/** The page of GET /api/pdfs; `nextCursor` only where the server pages by cursor. */
export interface PdfPage {
  total: number;
  page?: number;
  pageSize?: number;
  items: IndexedPdf[];
  nextCursor?: string | null;
  totalIsLowerBound?: boolean;
}

export type AgendaView = 'month' | 'week' | 'day';
