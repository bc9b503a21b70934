import { api } from '../../lib/api';
import type { LoginResponse, Me } from './types';

/** POST /api/auth/login with cookie: true: the session goes into an HttpOnly cookie, never into script. */
export function login(loginName: string, password: string): Promise<LoginResponse> {
  return api.post<LoginResponse>('/api/auth/login', { login: loginName, password, cookie: true }, { allowUnauthorized: true });
}

export function logout(): Promise<void> {
  return api.post<void>('/api/auth/logout', undefined, { allowUnauthorized: true });
}

/** Who the session cookie belongs to; 401 when there is none. */
export function fetchMe(): Promise<Me> {
  return api.get<Me>('/api/me', { allowUnauthorized: true });
}
