// The /client events the app listens to, as docs/protocol.md (section 4.2) and
// the issue 11 plan define them. The socket layer is typed by this map.

export type DaemonStatus = 'online' | 'offline';

export interface DaemonStatusChangedEvent {
  clientId: string;
  /** The server's id of the daemon (sent by the server since issue 11; optional). */
  id?: number;
  name?: string | null;
  status: DaemonStatus;
  remoteAddr?: string | null;
  at: string;
}

/** The server's compact relay of a daemon heartbeat (not the daemon's full payload). */
export interface DaemonHeartbeatEvent {
  clientId: string;
  id?: number;
  at: string;
  /** The server's own measure of the round trip, ms; null when none yet. */
  rttMs: number | null;
  uptimeSeconds?: number | null;
  memoryBytes?: number | null;
  pdfsIndexed?: number | null;
  pdfsUploaded?: number | null;
  localAddr?: string | null;
  version?: string | null;
}

export interface PdfIndexedEvent {
  pdfId: number;
  fileHash: string;
  filename: string;
  tipo: string | null;
  numero: string | null;
  cliente: string | null;
  dataEvento: string | null;
  valorTotal: number | null;
  clientId: string;
}

/** An operational alert (alert:raised, alert:cleared; GET /api/admin/alerts). */
export interface AlertEvent {
  id: string;
  kind: string;
  subject: string;
  severity: 'warning' | 'critical';
  message: string;
  details: Record<string, unknown>;
  raisedAt: string;
  clearedAt: string | null;
}

/**
 * One run of the cache janitor (docs/api.md, "Cache cleanup"), as
 * GET /api/admin/cache/reports lists it and cache:cleanup_report pushes it
 * to admins. `id` is null when the database could not store the report.
 */
export interface CacheCleanupReportEvent {
  id: number | null;
  trigger: 'scheduled' | 'on_demand' | 'early' | string;
  startedAt: string;
  finishedAt: string;
  durationMs: number | null;
  filesRemoved: number;
  bytesFreed: number;
  expiredRows: number;
  staleTempFilesRemoved: number;
  errors: string[];
  details?: Record<string, unknown>;
}

export interface ClientEvents {
  'daemon:status_changed': DaemonStatusChangedEvent;
  'daemon:heartbeat': DaemonHeartbeatEvent;
  'pdf:indexed': PdfIndexedEvent;
  'alert:raised': AlertEvent;
  'alert:cleared': AlertEvent;
  'cache:cleanup_report': CacheCleanupReportEvent;
}

export type ClientEventName = keyof ClientEvents;
