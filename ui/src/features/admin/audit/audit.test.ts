import { describe, expect, it } from 'vitest';
import type { AuditItem } from '../types';
import { auditActionLabel, auditActor, auditDetails, auditOutcome, filterByOutcome } from './labels';
import {
  auditQuery, currentBefore, firstAuditPage, hasNewer, newerPage, olderPage, pageNumber, readAuditPage,
} from './paging';

const item = (id: number, over: Partial<AuditItem> = {}): AuditItem => ({
  id, at: '2026-11-29T17:30:57Z', actor: 'maria', actorRole: 'admin', action: 'user.create', target: 'user 3',
  outcome: 'ok', ip: '203.0.113.7', details: {}, ...over,
});
/** What the server answers: newest first, ids below `before`, at most `limit`. */
function serve(all: number[], q: { limit: number; before: number | null }): AuditItem[] {
  return all.filter((id) => q.before === null || id < q.before).slice(0, q.limit).map((id) => item(id));
}

describe('audit paging', () => {
  it('asks one more line than a page, to know whether older lines exist', () => {
    expect(auditQuery(firstAuditPage, 3)).toEqual({ limit: 4, before: null });
  });

  it('walks back and forth through the log with the before cursor', () => {
    const all = [10, 9, 8, 7, 6, 5, 4];
    let c = firstAuditPage;
    let page = readAuditPage(serve(all, auditQuery(c, 3)), 3);
    expect(page.items.map((i) => i.id)).toEqual([10, 9, 8]);
    expect(page.olderBefore).toBe(8);
    expect(hasNewer(c)).toBe(false);

    c = olderPage(c, page);
    expect(currentBefore(c)).toBe(8);
    page = readAuditPage(serve(all, auditQuery(c, 3)), 3);
    expect(page.items.map((i) => i.id)).toEqual([7, 6, 5]);
    expect(pageNumber(c)).toBe(2);

    c = olderPage(c, page);
    page = readAuditPage(serve(all, auditQuery(c, 3)), 3);
    expect(page.items.map((i) => i.id)).toEqual([4]);
    expect(page.olderBefore).toBeNull();
    expect(olderPage(c, page)).toBe(c); // the oldest page: nowhere older to go

    c = newerPage(newerPage(c));
    expect(c.stack).toEqual([null]);
    expect(newerPage(c)).toBe(c);
  });

  it('a page exactly full with nothing older has no "older"', () => {
    const page = readAuditPage(serve([3, 2, 1], auditQuery(firstAuditPage, 3)), 3);
    expect(page.items).toHaveLength(3);
    expect(page.olderBefore).toBeNull();
  });

  it('an empty log', () => {
    expect(readAuditPage([], 50)).toEqual({ items: [], olderBefore: null });
  });
});

describe('audit labels', () => {
  it('a readable label per action, the code for an unknown one', () => {
    expect(auditActionLabel('auth.login_failed')).toBe('Falha ao entrar');
    expect(auditActionLabel('daemon_token.rotate')).toBe('Token de daemon rotacionado');
    expect(auditActionLabel('something.new')).toBe('something.new');
    expect(auditActionLabel('toString')).toBe('toString');
  });

  it('outcome in words with a tone', () => {
    expect(auditOutcome('ok')).toEqual({ label: 'OK', tone: 'ok' });
    expect(auditOutcome('denied')).toEqual({ label: 'Negado', tone: 'danger' });
    expect(auditOutcome('failed')).toEqual({ label: 'Falhou', tone: 'warn' });
    expect(auditOutcome('weird')).toEqual({ label: 'weird', tone: 'off' });
  });

  it('who: login and role, "anônimo" without one, the API token in words', () => {
    expect(auditActor(item(1))).toEqual({ who: 'maria', how: 'Administrador' });
    expect(auditActor(item(1, { actor: null, actorRole: null }))).toEqual({ who: 'anônimo', how: null });
    expect(auditActor(item(1, { actor: 'bootstrap admin', details: { via: 'api_token' } })).how).toBe('via token de API');
  });

  it('details as compact JSON, nothing for {}', () => {
    expect(auditDetails({ reason: 'bad_password' })).toBe('{"reason":"bad_password"}');
    expect(auditDetails({})).toBe('');
    expect(auditDetails(null)).toBe('');
    expect(auditDetails(['a'])).toBe('["a"]');
  });

  it('filters a page by outcome', () => {
    const items = [item(3), item(2, { outcome: 'denied' }), item(1, { outcome: 'failed' })];
    expect(filterByOutcome(items, 'all')).toBe(items);
    expect(filterByOutcome(items, 'denied').map((i) => i.id)).toEqual([2]);
  });
});
