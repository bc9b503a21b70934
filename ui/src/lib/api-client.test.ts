import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient } from './api-client';
import { createNetworkStatus } from './network-status';
import { errorText } from './strings';

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function setup(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return respond(String(url), init ?? {});
  });
  const network = { markUp: vi.fn(), markDown: vi.fn() };
  const onUnauthorized = vi.fn();
  const api = createApiClient({ fetch: fetch as unknown as typeof globalThis.fetch, network, onUnauthorized });
  return { api, calls, network, onUnauthorized };
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('api client', () => {
  it('sends the cookie of this site, JSON in and out, and no token', async () => {
    const { api, calls } = setup(() => jsonResponse(200, { ok: true }));
    const r = await api.post('/api/admin/daemons/3/resync', { reason: 'x' });
    expect(r).toEqual({ ok: true });
    const { init } = calls[0]!;
    expect(init.credentials).toBe('same-origin');
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"reason":"x"}');
    const headers = init.headers as Record<string, string>;
    expect(headers['Content-Type']).toBe('application/json');
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('authorization');
  });

  it('builds the query string and skips empty values', async () => {
    const { api, calls } = setup(() => jsonResponse(200, {}));
    await api.get('/api/admin/monitor/cache', { query: { from: '2026-01-01T00:00:00Z', to: undefined, x: '' } });
    expect(calls[0]!.url).toBe('/api/admin/monitor/cache?from=2026-01-01T00%3A00%3A00Z');
  });

  it('204 gives no body', async () => {
    const { api } = setup(() => new Response(null, { status: 204 }));
    await expect(api.post('/api/auth/logout')).resolves.toBeNull();
  });

  it.each([
    [409, 'not_connected', errorText.notConnected],
    [504, 'daemon_timeout', errorText.daemonTimeout],
    [503, 'database_unavailable', errorText.databaseUnavailable],
    [401, 'invalid_credentials', errorText.invalidCredentials],
    [403, 'account_disabled', errorText.accountDisabled],
    [403, 'cross_site', errorText.crossSite],
    [403, 'forbidden', errorText.forbidden],
    [404, 'not_found', errorText.notFound],
  ])('%d %s → a sentence in Portuguese', async (status, code, message) => {
    const { api } = setup(() => jsonResponse(status, { error: 'english text', code }));
    const e = await caught(api.get('/api/x', { allowUnauthorized: true }));
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
    expect(e.serverMessage).toBe('english text');
  });

  it('bad_request keeps the server naming the field', async () => {
    const { api } = setup(() => jsonResponse(400, { error: 'scanIntervalSeconds: expected 5..86400', code: 'bad_request' }));
    const e = await caught(api.put('/api/admin/daemons/1/config', { scanIntervalSeconds: 1 }));
    expect(e.message).toBe('Dados inválidos: scanIntervalSeconds: expected 5..86400');
  });

  it('too many attempts says how long to wait (Retry-After)', async () => {
    const { api } = setup(() => jsonResponse(429, { error: 'locked', code: 'too_many_attempts' }, { 'Retry-After': '125' }));
    const e = await caught(api.post('/api/auth/login', {}, { allowUnauthorized: true }));
    expect(e.retryAfterSeconds).toBe(125);
    expect(e.message).toBe('Muitas tentativas de entrada. Tente de novo em 2 min 5 s.');
  });

  it('a 401 means the session is gone, unless the caller expects it', async () => {
    const a = setup(() => jsonResponse(401, { error: 'invalid or expired token', code: 'unauthorized' }));
    const e = await caught(a.api.get('/api/admin/daemons'));
    expect(e.message).toBe(errorText.unauthorized);
    expect(a.onUnauthorized).toHaveBeenCalledTimes(1);

    const b = setup(() => jsonResponse(401, { error: 'bad', code: 'invalid_credentials' }));
    await caught(b.api.post('/api/auth/login', {}, { allowUnauthorized: true }));
    expect(b.onUnauthorized).not.toHaveBeenCalled();
  });

  it('a network failure is "servidor inacessível" and marks the server down; any answer marks it up', async () => {
    let fail = true;
    const { api, network } = setup(() => {
      if (fail) throw new TypeError('Failed to fetch');
      return jsonResponse(200, {});
    });
    const e = await caught(api.get('/api/me'));
    expect(e.status).toBe(0);
    expect(e.code).toBe('network');
    expect(e.isUnreachable).toBe(true);
    expect(e.message).toBe(errorText.network);
    expect(network.markDown).toHaveBeenCalledTimes(1);
    fail = false;
    await api.get('/api/me');
    expect(network.markUp).toHaveBeenCalledTimes(1);
  });

  it('a proxy page (502 HTML) counts as unreachable', async () => {
    const { api, network } = setup(() => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const e = await caught(api.get('/api/me'));
    expect(e.code).toBe('unreachable');
    expect(network.markDown).toHaveBeenCalled();
  });

  it('a plain-text limit reply still becomes an ApiError', async () => {
    const { api } = setup(() => new Response('request body too large', { status: 413, headers: { 'Content-Type': 'text/plain' } }));
    const e = await caught(api.post('/api/x', {}));
    expect(e.code).toBe('too_large');
    expect(e.message).toBe(errorText.tooLarge);
  });

  it('an aborted request is rethrown as is', async () => {
    const { api, network } = setup(() => {
      throw new DOMException('aborted', 'AbortError');
    });
    await expect(api.get('/api/x')).rejects.toMatchObject({ name: 'AbortError' });
    expect(network.markDown).not.toHaveBeenCalled();
  });
});

describe('network status', () => {
  it('probes while down and clears itself when the server answers', async () => {
    let tick: (() => void) | null = null;
    let healthy = false;
    const ns = createNetworkStatus({
      probe: async () => healthy,
      setInterval: (fn) => {
        tick = fn;
        return 1;
      },
      clearInterval: () => {
        tick = null;
      },
    });
    expect(ns.store.get().reachable).toBe(true);
    ns.markDown();
    ns.markDown();
    expect(ns.store.get().reachable).toBe(false);
    tick!();
    await Promise.resolve();
    expect(ns.store.get().reachable).toBe(false);
    healthy = true;
    tick!();
    await new Promise((r) => setTimeout(r, 0));
    expect(ns.store.get().reachable).toBe(true);
    expect(tick).toBeNull();
  });
});
