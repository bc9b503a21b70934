import { foldText, formatDateTime, formatDuration, toMs } from '../../../lib/format';
import { adminText } from '../strings';
import type { DaemonToken } from '../types';

const t = adminText.daemonTokens;

export type Tone = 'ok' | 'warn' | 'off' | 'danger';

export interface TokenStateView {
  /** The state as of now: an "expiring" token whose end has passed is expired. */
  state: DaemonToken['state'];
  tone: Tone;
  label: string;
  /** When it ends or ended, in words; null for an active token. */
  detail: string | null;
}

/** "Ativo", "Expirando em 23 h 5 min" (until …), "Expirado" (em …), "Revogado" (em …). */
export function tokenStateView(tok: Pick<DaemonToken, 'state' | 'expiresAt' | 'revokedAt'>, nowMs: number): TokenStateView {
  const ends = toMs(tok.expiresAt);
  if (tok.state === 'revoked') {
    return { state: 'revoked', tone: 'danger', label: t.state.revoked, detail: tok.revokedAt ? t.state.at(formatDateTime(tok.revokedAt)) : null };
  }
  if (tok.state === 'expired' || (tok.state === 'expiring' && ends !== null && ends <= nowMs)) {
    return { state: 'expired', tone: 'off', label: t.state.expired, detail: tok.expiresAt ? t.state.at(formatDateTime(tok.expiresAt)) : null };
  }
  if (tok.state === 'expiring') {
    const left = ends === null ? null : formatDuration(Math.max(60, (ends - nowMs) / 1000));
    return {
      state: 'expiring',
      tone: 'warn',
      label: left ? t.state.expiringIn(left) : t.state.expiringIn('breve'),
      detail: tok.expiresAt ? t.state.until(formatDateTime(tok.expiresAt)) : null,
    };
  }
  return { state: 'active', tone: 'ok', label: t.state.active, detail: null };
}

export function isLive(state: DaemonToken['state']): boolean {
  return state === 'active' || state === 'expiring';
}

/**
 * Rotation is per daemon: the button sits on each daemon's newest token
 * (whatever its state: rotating a daemon whose tokens are all revoked is how
 * it gets a new one).
 */
export function newestTokenIds(tokens: readonly DaemonToken[]): Set<number> {
  const newest = new Map<number, number>();
  for (const tok of tokens) if ((newest.get(tok.daemonId) ?? -1) < tok.id) newest.set(tok.daemonId, tok.id);
  return new Set(newest.values());
}

export type TokenFilter = 'all' | 'live' | 'dead';

/** By daemon, newest token first within a daemon; filtered by state and a search over name, clientId and public id. */
export function visibleTokens(tokens: readonly DaemonToken[], filter: TokenFilter, query: string, nowMs: number): DaemonToken[] {
  const q = foldText(query.trim());
  return tokens
    .filter((tok) => {
      if (filter !== 'all') {
        const live = isLive(tokenStateView(tok, nowMs).state);
        if ((filter === 'live') !== live) return false;
      }
      if (!q) return true;
      return [tok.name, tok.clientId ?? '', tok.publicId].some((s) => foldText(s).includes(q));
    })
    .sort((a, b) => a.daemonId - b.daemonId || b.id - a.id);
}

/** A CLIENT_ID from a daemon's name ("Sede - São Paulo" → "sede-sao-paulo"), not one already taken. */
export function suggestClientId(name: string, taken: ReadonlySet<string>): string {
  const base =
    foldText(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'escritorio';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** The lines the daemon's .env needs. */
export function daemonEnvLines(token: string, clientId: string): string {
  return `DAEMON_TOKEN=${token}\nCLIENT_ID=${clientId}`;
}

/** The rotation overlap typed by the admin: whole hours 0 to 720 (the API's range), else null. */
export function parseOverlapHours(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,3}$/.test(s)) return null;
  const n = Number(s);
  return n <= 720 ? n : null;
}
