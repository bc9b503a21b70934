import { api } from '../../lib/api';
import type {
  ApiToken, AuditItem, CreatedApiToken, CreatedDaemonToken, CreatedUser, DaemonToken, PasswordReset,
  RevokedDaemonToken, Role, RotatedDaemonToken, UserAccount,
} from './types';

// The admin pages' calls: what siberius-admin does, through the same API.

export const fetchUsers = (signal?: AbortSignal) =>
  api.get<{ users: UserAccount[] }>('/api/admin/users', { signal }).then((r) => r.users ?? []);

/** Without a password the server generates one and returns it once. */
export const createUser = (u: { login: string; role: Role; nome?: string; password?: string }) =>
  api.post<CreatedUser>('/api/admin/users', u);

export const resetPassword = (id: number, password?: string) =>
  api.put<PasswordReset>(`/api/admin/users/${id}/password`, password ? { password } : {});

export const setUserDisabled = (id: number, disabled: boolean) =>
  api.post<UserAccount>(`/api/admin/users/${id}/${disabled ? 'disable' : 'enable'}`);

export const fetchDaemonTokens = (signal?: AbortSignal) =>
  api.get<{ tokens: DaemonToken[] }>('/api/admin/daemon-tokens', { signal }).then((r) => r.tokens ?? []);

export const createDaemonToken = (name: string, clientId?: string) =>
  api.post<CreatedDaemonToken>('/api/admin/daemon-tokens', clientId ? { name, clientId } : { name });

export const rotateDaemonToken = (daemonId: number, overlapHours: number) =>
  api.post<RotatedDaemonToken>(`/api/admin/daemons/${daemonId}/rotate-token`, { overlapHours });

export const revokeDaemonToken = (tokenId: number) => api.del<RevokedDaemonToken>(`/api/admin/daemon-tokens/${tokenId}`);

export const fetchApiTokens = (signal?: AbortSignal) =>
  api.get<{ tokens: ApiToken[] }>('/api/admin/api-tokens', { signal }).then((r) => r.tokens ?? []);

export const createApiToken = (name: string, role: Role) => api.post<CreatedApiToken>('/api/admin/api-tokens', { name, role });

export const revokeApiToken = (id: number) => api.del<{ id: number; revoked: boolean }>(`/api/admin/api-tokens/${id}`);

export const fetchAudit = (q: { limit: number; before: number | null }, signal?: AbortSignal) =>
  api.get<{ items: AuditItem[] }>('/api/admin/audit', { query: { limit: q.limit, before: q.before }, signal }).then((r) => r.items ?? []);
