// What the admin endpoints answer (docs/api.md). Secrets (`token`,
// `password`) appear only in the answer that creates them: they live in a
// component's state until its dialog closes, never in the URL or storage.

export type Role = 'admin' | 'tecnico';

export interface UserAccount {
  id: number;
  login: string;
  nome: string | null;
  role: Role;
  disabled: boolean;
  createdAt: string | null;
}

/** POST /api/admin/users: the account, and the password when the server generated it. */
export interface CreatedUser extends UserAccount {
  password?: string;
}

export interface PasswordReset {
  id: number;
  password?: string;
}

export type DaemonTokenState = 'active' | 'expiring' | 'expired' | 'revoked';

export interface DaemonToken {
  id: number;
  daemonId: number;
  clientId: string | null;
  name: string;
  publicId: string;
  state: DaemonTokenState;
  createdAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedDaemonToken {
  id: number;
  name: string;
  /** "" when created unbound: the first daemon that connects binds it. */
  clientId: string | null;
  token: string;
}

export interface RotatedDaemonToken {
  daemonId: number;
  clientId: string | null;
  tokenId: number;
  token: string;
  /** When the daemon's other tokens stop working; null when it had none alive. */
  previousTokensExpireAt: string | null;
}

export interface RevokedDaemonToken {
  tokenId: number;
  daemonId: number;
  clientId: string | null;
  disconnected: boolean;
}

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  publicId: string;
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiToken {
  id: number;
  name: string;
  role: Role;
  token: string;
}

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditItem {
  id: number;
  at: string;
  actor: string | null;
  actorRole: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome | string;
  ip: string | null;
  details: unknown;
}
