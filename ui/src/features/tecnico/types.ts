/** An atendimento as GET /api/atendimentos lists it (docs/api.md). */
export interface AgendaPdf {
  id: number;
  tipo: string | null;
  numero: string | null;
  cliente: string | null;
  dataEvento: string | null;
  fileHash: string;
  filename: string | null;
  status: string;
}

export interface Atendimento {
  id: number;
  titulo: string;
  cliente: string | null;
  /** ISO 8601 in UTC; a date given without a time is midnight UTC. */
  dataInicio: string;
  dataFim: string | null;
  local: string | null;
  tecnicos: { id: number; login: string; nome: string | null }[];
  pdfs: AgendaPdf[];
  createdAt: string | null;
  updatedAt: string | null;
}
