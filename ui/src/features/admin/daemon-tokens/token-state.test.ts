import { describe, expect, it } from 'vitest';
import type { DaemonToken } from '../types';
import { daemonEnvLines, newestTokenIds, parseOverlapHours, suggestClientId, tokenStateView, visibleTokens } from './token-state';

const NOW = Date.parse('2026-12-02T12:00:00Z');

function tok(id: number, over: Partial<DaemonToken> = {}): DaemonToken {
  return {
    id, daemonId: 1, clientId: 'office-sp', name: 'Sede', publicId: `pub${id}`, state: 'active',
    createdAt: '2026-11-01T10:00:00Z', expiresAt: null, revokedAt: null, ...over,
  };
}

describe('token state labels', () => {
  it('active', () => {
    expect(tokenStateView(tok(1), NOW)).toEqual({ state: 'active', tone: 'ok', label: 'Ativo', detail: null });
  });

  it('expiring: how long is left, and until when in São Paulo time', () => {
    const v = tokenStateView(tok(1, { state: 'expiring', expiresAt: '2026-12-03T11:00:00Z' }), NOW);
    expect(v).toMatchObject({ state: 'expiring', tone: 'warn', label: 'Expirando em 23 h' });
    expect(v.detail).toBe('até 03/12/2026, 08:00:00');
    expect(tokenStateView(tok(1, { state: 'expiring', expiresAt: '2026-12-02T12:00:20Z' }), NOW).label).toBe('Expirando em 1 min');
  });

  it('an expiring token whose end has passed while the page was open is expired', () => {
    const v = tokenStateView(tok(1, { state: 'expiring', expiresAt: '2026-12-02T11:59:00Z' }), NOW);
    expect(v).toMatchObject({ state: 'expired', tone: 'off', label: 'Expirado', detail: 'em 02/12/2026, 08:59:00' });
  });

  it('expired and revoked say when', () => {
    expect(tokenStateView(tok(1, { state: 'expired', expiresAt: '2026-11-30T03:00:00Z' }), NOW)).toMatchObject({ label: 'Expirado', detail: 'em 30/11/2026, 00:00:00' });
    expect(tokenStateView(tok(1, { state: 'revoked', revokedAt: '2026-11-30T03:00:00Z' }), NOW)).toMatchObject({ tone: 'danger', label: 'Revogado', detail: 'em 30/11/2026, 00:00:00' });
    expect(tokenStateView(tok(1, { state: 'revoked', revokedAt: '2026-11-30T03:00:00Z', expiresAt: '2026-11-29T00:00:00Z' }), NOW).label).toBe('Revogado');
  });
});

describe('token list', () => {
  const list = [
    tok(1, { state: 'revoked', revokedAt: '2026-11-02T00:00:00Z' }),
    tok(4, { state: 'expiring', expiresAt: '2026-12-03T00:00:00Z' }),
    tok(2, { daemonId: 2, clientId: null, name: 'Filial Campinas', publicId: 'abc' }),
    tok(7),
  ];

  it('the rotate button goes on each daemon’s newest token', () => {
    expect([...newestTokenIds(list)].sort()).toEqual([2, 7]);
  });

  it('orders by daemon, newest token first', () => {
    expect(visibleTokens(list, 'all', '', NOW).map((x) => x.id)).toEqual([7, 4, 1, 2]);
  });

  it('filters live / dead tokens and searches name, clientId and public id without accents', () => {
    expect(visibleTokens(list, 'live', '', NOW).map((x) => x.id)).toEqual([7, 4, 2]);
    expect(visibleTokens(list, 'dead', '', NOW).map((x) => x.id)).toEqual([1]);
    expect(visibleTokens(list, 'all', 'campinas', NOW).map((x) => x.id)).toEqual([2]);
    expect(visibleTokens(list, 'all', 'OFFICE', NOW).map((x) => x.id)).toEqual([7, 4, 1]);
    expect(visibleTokens(list, 'all', 'abc', NOW).map((x) => x.id)).toEqual([2]);
  });
});

describe('.env lines', () => {
  it('a CLIENT_ID from the name, free of the taken ones', () => {
    expect(suggestClientId('Sede - São Paulo', new Set())).toBe('sede-sao-paulo');
    expect(suggestClientId('Sede - São Paulo', new Set(['sede-sao-paulo', 'sede-sao-paulo-2']))).toBe('sede-sao-paulo-3');
    expect(suggestClientId('***', new Set())).toBe('escritorio');
    expect(suggestClientId('x'.repeat(300), new Set()).length).toBeLessThanOrEqual(60);
  });

  it('DAEMON_TOKEN and CLIENT_ID, one per line', () => {
    expect(daemonEnvLines('abc.def', 'office-sp')).toBe('DAEMON_TOKEN=abc.def\nCLIENT_ID=office-sp');
  });
});

describe('rotation overlap', () => {
  it('whole hours from 0 to 720', () => {
    expect(parseOverlapHours('24')).toBe(24);
    expect(parseOverlapHours(' 0 ')).toBe(0);
    expect(parseOverlapHours('720')).toBe(720);
    for (const bad of ['', '721', '-1', '1.5', '24h', '1e2']) expect(parseOverlapHours(bad)).toBeNull();
  });
});
