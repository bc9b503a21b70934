import { api } from '../../lib/api';
import { ApiError } from '../../lib/api-client';
import { createStore, useStore } from '../../lib/store';
import { fetchMe, login, logout } from './api';
import { forgetOfflineData, keepForOffline } from '../../lib/offline';
import type { Role, User } from './types';

export type Session =
  | { status: 'loading' }
  | { status: 'unreachable' }
  | { status: 'anonymous'; reason: 'none' | 'expired' | 'logged_out' }
  | { status: 'authenticated'; user: User };

export const sessionStore = createStore<Session>({ status: 'loading' });

export function useSession(): Session {
  return useStore(sessionStore);
}

/** Where a user lands after signing in. */
export function landingFor(role: Role): string {
  return role === 'admin' ? '/admin/system-monitor' : '/tecnico';
}

/** Only a path of this site (never //host or a scheme), and never the login page itself. */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (/[\u0000-\u001f]/.test(next)) return null;
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login/')) return null;
  return next;
}

export function loginPathFor(here: string): string {
  const next = safeNext(here);
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}

/** Asks the server who we are (the cookie says it). */
export async function bootstrapSession(): Promise<void> {
  try {
    const me = await fetchMe();
    sessionStore.set({ status: 'authenticated', user: { id: me.id, login: me.login, nome: me.nome, role: me.role } });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) sessionStore.set({ status: 'anonymous', reason: 'none' });
    else if (e instanceof ApiError && e.isUnreachable) sessionStore.set({ status: 'unreachable' });
    else sessionStore.set({ status: 'anonymous', reason: 'none' });
  }
}

export async function signIn(loginName: string, password: string): Promise<User> {
  const r = await login(loginName, password);
  sessionStore.set({ status: 'authenticated', user: r.user });
  keepForOffline(['/api/me']);
  return r.user;
}

export async function signOut(): Promise<void> {
  try {
    await logout();
  } catch (e) {
    // Already gone on the server: that is what we wanted.
    if (!(e instanceof ApiError && e.status === 401)) throw e;
  }
  await forgetOfflineData();
  sessionStore.set({ status: 'anonymous', reason: 'logged_out' });
}

/** The server said 401 somewhere: the session ended (expiry, logout elsewhere, revoked). */
export function sessionEnded(): void {
  if (sessionStore.get().status === 'authenticated') sessionStore.set({ status: 'anonymous', reason: 'expired' });
  void forgetOfflineData();
}

/**
 * Is the session still alive? For the socket layer after the server closed
 * the namespace. A 401 here goes through the API client's handler (to the login page).
 */
export async function checkSession(): Promise<boolean> {
  try {
    await api.get('/api/me');
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return false;
    throw e;
  }
}
