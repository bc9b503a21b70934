import type { CacheCleanupReportEvent, DaemonStatus } from '../../lib/events';

/** A daemon as GET /api/admin/daemons lists it (docs/api.md). Any field may be null. */
export interface Daemon {
  id: number;
  clientId: string | null;
  name: string;
  status: DaemonStatus;
  blocked: boolean;
  lastSeen: string | null;
  lastHeartbeat: string | null;
  connectedAt: string | null;
  disconnectedAt: string | null;
  remoteAddr: string | null;
  localAddr: string | null;
  version: string | null;
  runtime: string | null;
  platform: string | null;
  hostname: string | null;
  pdfsIndexed: number | null;
  pdfsUploaded: number | null;
  lastPdfIndexed: string | null;
  lastSyncAt: string | null;
  uptimeSeconds: number | null;
  memoryBytes: number | null;
  /** The latest heartbeat round trip measured by the server, ms. */
  latencyMs?: number | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DaemonConfig {
  scanIntervalSeconds?: number | null;
  logLevel?: LogLevel | null;
  autoUpload?: boolean | null;
  pdfDirectory?: string | null;
}

/** The daemon's own heartbeat, as it sent it (docs/protocol.md 3.2). */
export interface HeartbeatPayload {
  publicAddr?: string;
  localAddr?: string;
  version?: string;
  runtime?: string;
  platform?: string;
  hostname?: string;
  uptimeSeconds?: number;
  memoryBytes?: number;
  counters?: {
    indexed?: number; uploaded?: number; errors?: number; queued?: number;
    /** Since the daemon started: reconnections, failed uploads, average upload speed and time to read one PDF. */
    reconnections?: number; uploadsFailed?: number; avgUploadBytesPerSecond?: number; avgParseMs?: number;
  };
  config?: DaemonConfig;
}

export type TokenState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface DaemonToken {
  id: number;
  daemonId: number;
  clientId: string | null;
  name: string;
  publicId: string;
  state: TokenState;
  createdAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface RecentEvent {
  at: string;
  level: LogLevel | string;
  event: Record<string, unknown>;
}

export interface PdfCounts {
  total: number;
  availableLocal: number;
  uploading: number;
  cached: number;
  expired: number;
  missing: number;
}

export interface DaemonDetail extends Daemon {
  config: DaemonConfig | null;
  heartbeat: HeartbeatPayload | null;
  tokens: DaemonToken[];
  pdfs: PdfCounts | null;
  createdAt: string | null;
  recentEvents: RecentEvent[];
}

export interface Summary {
  daemons: { online: number; total: number };
  pdfs: { total: number; today: number };
  cache: { bytes: number; files: number; capacityBytes: number | null };
  server: { version: string; startedAt: string; uptimeSeconds: number };
  at: string;
}

export interface Span {
  start: string;
  end: string | null;
}

export interface ConnectionsSeries {
  from: string;
  to: string;
  daemons: { id: number; clientId: string | null; name: string; status: DaemonStatus; spans: Span[] }[];
}

export interface PdfsIndexedSeries {
  from: string;
  to: string;
  bucketSeconds: number;
  points: { t: string; count: number }[];
}

export interface CacheSeries {
  from: string;
  to: string;
  capacityBytes: number | null;
  points: { t: string; bytes: number; files: number }[];
}

export interface LatencySeries {
  from: string;
  to: string;
  bucketSeconds: number;
  daemons: { id: number; clientId: string | null; name: string; points: { t: string; avgMs: number | null; maxMs: number | null; samples: number }[] }[];
}

export type ChartRange = '24h' | '7d';

export interface ConfigUpdate {
  scanIntervalSeconds?: number;
  logLevel?: LogLevel;
  autoUpload?: boolean;
}

export interface ConfigResult {
  id: number;
  clientId: string | null;
  config: DaemonConfig;
  delivered: boolean;
  ack?: { ok?: boolean; applied?: Record<string, unknown>; rejected?: Record<string, string>; error?: string } | null;
}

/** One cache janitor run (GET /api/admin/cache/reports, cache:cleanup_report). */
export type CleanupReport = CacheCleanupReportEvent;

/**
 * What POST /api/admin/cache/cleanup answered: the run's report (`joined`
 * when it was a run already under way), or, past 50 s, that it still runs.
 */
export type CleanupAnswer = { running: false; joined: boolean; report: CleanupReport } | { running: true };
