import { adminText, auditActionLabels } from '../strings';
import type { AuditItem } from '../types';

const t = adminText.audit;

/** "Usuário criado" for user.create; an unknown code shows as it is. */
export function auditActionLabel(code: string): string {
  return Object.hasOwn(auditActionLabels, code) ? auditActionLabels[code]! : code;
}

export type OutcomeTone = 'ok' | 'danger' | 'warn' | 'off';

/** The outcome in a word and a colour (never the colour alone). */
export function auditOutcome(outcome: string): { label: string; tone: OutcomeTone } {
  switch (outcome) {
    case 'ok': return { label: t.outcomes.ok!, tone: 'ok' };
    case 'denied': return { label: t.outcomes.denied!, tone: 'danger' };
    case 'failed': return { label: t.outcomes.failed!, tone: 'warn' };
    default: return { label: outcome || '—', tone: 'off' };
  }
}

/** Who did it: the login, "anônimo" for a failed sign-in without one; the API token is said in words. */
export function auditActor(item: Pick<AuditItem, 'actor' | 'actorRole' | 'details'>): { who: string; how: string | null } {
  const viaToken = !!item.details && typeof item.details === 'object' && (item.details as { via?: unknown }).via === 'api_token';
  const role = item.actorRole ? (adminText.roles[item.actorRole] ?? item.actorRole) : null;
  return { who: item.actor || t.anonymous, how: viaToken ? t.viaApiToken : role };
}

/** The details as compact JSON text; nothing for an empty object. */
export function auditDetails(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details === 'object' && !Array.isArray(details) && Object.keys(details).length === 0) return '';
  try {
    return JSON.stringify(details);
  } catch {
    return String(details);
  }
}

export type OutcomeFilter = 'all' | 'ok' | 'denied' | 'failed';

export function filterByOutcome(items: readonly AuditItem[], f: OutcomeFilter): readonly AuditItem[] {
  return f === 'all' ? items : items.filter((i) => i.outcome === f);
}
