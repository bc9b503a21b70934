// The pdf:* events of /client (docs/protocol.md, section 4.2). lib/events.ts
// is shared by every feature; the pdf feature adds its own events to the
// socket layer's map here, so subscriptions stay typed without touching it.

export interface PdfUploadProgressEvent {
  pdfId: number;
  requestId: string;
  percent: number;
  bytes: number;
  totalBytes: number;
}

export interface PdfReadyEvent {
  pdfId: number;
  requestId: string;
  pdfUrl: string;
  expiresAt: string | null;
  bytes: number;
}

export interface PdfFailedEvent {
  pdfId: number;
  requestId: string;
  code: string;
  reason: string | null;
}

export interface PdfExpiredEvent {
  pdfId: number;
  fileHash?: string;
  at?: string;
}

declare module '../../lib/events' {
  interface ClientEvents {
    'pdf:upload_progress': PdfUploadProgressEvent;
    'pdf:ready': PdfReadyEvent;
    'pdf:failed': PdfFailedEvent;
    'pdf:expired': PdfExpiredEvent;
  }
}
