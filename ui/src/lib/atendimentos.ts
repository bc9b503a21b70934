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
  createdAt: string | null;
  updatedAt: string | null;
}
