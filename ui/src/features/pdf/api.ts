import { api } from '../../lib/api';

/** GET /api/pdfs/:id/status (docs/api.md). */
export interface PdfStatus {
  id: number;
  /** available_local | uploading | daemon_offline | cached | expired | missing */
  status: string;
  filename: string | null;
  fileSize: number | null;
  cachedUntil: string | null;
  progress: number | null;
  reason: string | null;
  lastTransfer: { requestId: string | null; status: string; error: string | null; bytes: number | null; at: string | null } | null;
  requestId?: string;
  transfer?: {
    requestId: string;
    /** daemon_offline | queued | requested | uploading */
    state: string;
    priority: string;
    bytes: number | null;
    totalBytes: number | null;
    progress: number | null;
    queuePosition?: number;
  };
}

/** POST /api/pdfs/:id/request: 200 when cached, 202 when a transfer is under way or begins. */
export interface PdfRequestAnswer {
  status: string;
  pdfId: number;
  requestId?: string;
  state?: string;
  coalesced?: boolean;
  pdfUrl?: string;
  expiresAt?: string | null;
}

export const downloadUrl = (id: number) => `/api/pdfs/${id}/download`;

export const fetchPdfStatus = (id: number, signal?: AbortSignal) => api.get<PdfStatus>(`/api/pdfs/${id}/status`, { signal });

/** A person is waiting for it: always high priority (docs/api.md: it raises a waiting transfer too). */
export const requestPdf = (id: number) =>
  api.request<PdfRequestAnswer>('POST', `/api/pdfs/${id}/request`, { body: { priority: 'high' } }).then((r) => r.data);
