import type { AuditItem } from '../types';

/**
 * Paging the audit log with the API's cursor (`?before=<id>`, newest first).
 * The cursor is the stack of `before` values of the pages visited: the last
 * is the page on screen, `null` the newest page. "Mais antigos" pushes the
 * smallest id shown; "Mais recentes" pops. One more line than a page is
 * asked for, so we know whether older lines exist without an empty page.
 */
export const AUDIT_PAGE_SIZE = 50;

export interface AuditCursor {
  readonly stack: readonly (number | null)[];
}

export const firstAuditPage: AuditCursor = { stack: [null] };

export function currentBefore(c: AuditCursor): number | null {
  return c.stack[c.stack.length - 1] ?? null;
}

export function pageNumber(c: AuditCursor): number {
  return c.stack.length;
}

export function auditQuery(c: AuditCursor, pageSize = AUDIT_PAGE_SIZE): { limit: number; before: number | null } {
  return { limit: pageSize + 1, before: currentBefore(c) };
}

export interface AuditPage {
  items: AuditItem[];
  /** The `before` of the next older page, or null when this is the oldest. */
  olderBefore: number | null;
}

export function readAuditPage(items: readonly AuditItem[], pageSize = AUDIT_PAGE_SIZE): AuditPage {
  const shown = items.slice(0, pageSize);
  const last = shown[shown.length - 1];
  return { items: shown, olderBefore: items.length > pageSize && last ? last.id : null };
}

export function olderPage(c: AuditCursor, page: AuditPage): AuditCursor {
  return page.olderBefore === null ? c : { stack: [...c.stack, page.olderBefore] };
}

export function newerPage(c: AuditCursor): AuditCursor {
  return c.stack.length <= 1 ? c : { stack: c.stack.slice(0, -1) };
}

export function hasNewer(c: AuditCursor): boolean {
  return c.stack.length > 1;
}
