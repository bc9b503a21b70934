// An atendimento as the API answers it (docs/api.md: GET /api/atendimentos,
// GET /api/atendimentos/:id, and the `atendimento:updated` event): one type
// for every feature that shows atendimentos.

/** A PDF as an atendimento lists it. */
export interface LinkedPdf {
  id: number;
  tipo: string | null;
  numero: string | null;
  cliente: string | null;
  dataEvento: string | null;
  fileHash: string;
  filename: string | null;
  status: string;
}

/** A document the atendimento waits for by tipo and número, indexed or not yet. */
export interface Referencia {
  tipo: string;
  numero: string;
  /** No PDF with that tipo and número is linked to this atendimento yet. */
  pending: boolean;
}

export interface Tecnico {
  id: number;
  login: string;
  nome: string | null;
}

export interface Atendimento {
  id: number;
  titulo: string;
  cliente: string | null;
  /** ISO 8601 in UTC; a date given without a time is midnight UTC. */
  dataInicio: string;
  dataFim: string | null;
  local: string | null;
  tecnicos: Tecnico[];
  pdfs: LinkedPdf[];
  /** Absent from servers that do not keep references. */
  referencias?: Referencia[];
  createdAt: string | null;
  updatedAt: string | null;
}

/** The references no linked PDF answers yet: "Aguardando PDF". */
export const pendingReferencias = (a: Pick<Atendimento, 'referencias'>): Referencia[] => (a.referencias ?? []).filter((r) => r.pending);
