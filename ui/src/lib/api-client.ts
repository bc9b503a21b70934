import { errorText } from './strings';
import { formatDuration } from './format';
import type { NetworkStatus } from './network-status';

/**
 * The one HTTP client of the app. The session is an HttpOnly cookie the
 * browser sends by itself (credentials: 'same-origin'); nothing here reads or
 * stores a token. Every failure becomes an ApiError whose `message` is a
 * sentence in Portuguese a person can act on; `code` is the server's code.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The server's own sentence (English), kept for logs and details. */
  readonly serverMessage: string | null;
  /** From Retry-After, in seconds, when the server sent one. */
  readonly retryAfterSeconds: number | null;

  constructor(init: { status: number; code: string; message: string; serverMessage?: string | null; retryAfterSeconds?: number | null }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** The server could not be reached at all (status 0) or a proxy said it is down. */
  get isUnreachable(): boolean {
    return this.code === 'network' || this.code === 'unreachable';
  }
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** A 401 here is an answer, not an expired session (the login form, the first /api/me). */
  allowUnauthorized?: boolean;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
}

export interface ApiClient {
  request<T>(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse<T>>;
  get<T>(path: string, opts?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T>;
  del<T>(path: string, opts?: RequestOptions): Promise<T>;
}

export interface ApiClientOptions {
  fetch?: typeof fetch;
  network?: Pick<NetworkStatus, 'markUp' | 'markDown'>;
  /** Called once per 401 (session gone); the app sends the user to the login page. */
  onUnauthorized?: () => void;
}

function retryAfter(h: Headers): number | null {
  const v = h.get('Retry-After');
  if (!v) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - Date.now()) / 1000));
}

const defaultCode: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 413: 'too_large', 429: 'rate_limited', 503: 'unavailable', 504: 'unavailable',
};

/** The sentence shown for a server error code. */
export function messageFor(status: number, code: string, serverMessage: string | null, wait: number | null): string {
  const waitText = formatDuration(wait ?? 1);
  switch (code) {
    case 'invalid_credentials': return errorText.invalidCredentials;
    case 'account_disabled': return errorText.accountDisabled;
    case 'too_many_attempts': return errorText.tooManyAttempts(waitText);
    case 'rate_limited': return errorText.rateLimited(waitText);
    case 'unauthorized': return errorText.unauthorized;
    case 'forbidden': return errorText.forbidden;
    case 'cross_site': return errorText.crossSite;
    case 'not_found': return errorText.notFound;
    case 'not_connected': return errorText.notConnected;
    case 'daemon_timeout': return errorText.daemonTimeout;
    case 'database_unavailable': return errorText.databaseUnavailable;
    case 'unavailable': return errorText.unavailable;
    case 'bad_request': return errorText.badRequest(serverMessage ?? '');
    case 'bad_password': return errorText.badPassword;
    case 'conflict': return errorText.conflict(serverMessage ?? '');
    case 'too_large': return errorText.tooLarge;
    default:
      if (status === 401) return errorText.unauthorized;
      if (status === 403) return errorText.forbidden;
      return serverMessage && status < 500 ? `${errorText.unexpected(status)} ${serverMessage}` : errorText.unexpected(status);
  }
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export function createApiClient(opts: ApiClientOptions = {}): ApiClient {
  const doFetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, ro: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: ro.signal ?? null };
    if (ro.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(ro.body);
    }
    let res: Response;
    try {
      res = await doFetch(buildUrl(path, ro.query), init);
    } catch (e) {
      if ((e as { name?: string })?.name === 'AbortError') throw e;
      opts.network?.markDown();
      throw new ApiError({ status: 0, code: 'network', message: errorText.network });
    }

    const isJson = (res.headers.get('Content-Type') ?? '').includes('application/json');
    // A proxy (nginx) in front of a stopped server answers 502/503/504 with HTML.
    if (!isJson && (res.status === 502 || res.status === 503 || res.status === 504)) {
      opts.network?.markDown();
      throw new ApiError({ status: res.status, code: 'unreachable', message: errorText.unreachable });
    }
    // An answer the service worker kept from an earlier visit (scripts/sw.template.js):
    // the server was not reached, whatever the status says.
    if (res.headers.get('X-Siberius-Saved') === '1') opts.network?.markDown();
    else opts.network?.markUp();

    let body: unknown = null;
    if (res.status !== 204 && isJson) {
      try {
        body = await res.json();
      } catch {
        body = null;
      }
    } else if (res.status !== 204 && !res.ok) {
      body = { error: (await res.text().catch(() => '')).trim() || null };
    }

    if (res.ok) return { status: res.status, data: body as T };

    const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; code?: unknown };
    const serverMessage = typeof b.error === 'string' && b.error ? b.error : null;
    const code = typeof b.code === 'string' && b.code ? b.code : (defaultCode[res.status] ?? 'http_' + res.status);
    const wait = retryAfter(res.headers);
    const err = new ApiError({
      status: res.status,
      code,
      serverMessage,
      retryAfterSeconds: wait,
      message: messageFor(res.status, code, serverMessage, wait),
    });
    if (res.status === 401 && !ro.allowUnauthorized) opts.onUnauthorized?.();
    throw err;
  }

  return {
    request,
    get: async (path, o) => (await request<never>('GET', path, o)).data,
    post: async (path, body, o) => (await request<never>('POST', path, { ...o, body })).data,
    put: async (path, body, o) => (await request<never>('PUT', path, { ...o, body })).data,
    del: async (path, o) => (await request<never>('DELETE', path, o)).data,
  };
}

/** The user-facing sentence of any error a call may throw. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return errorText.unexpected(0);
}
