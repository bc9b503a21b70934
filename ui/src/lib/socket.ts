import { io } from 'socket.io-client';
import { createStore, useStore, type Store } from './store';
import type { ClientEventName, ClientEvents } from './events';
import { useEffect, useRef } from 'react';

/**
 * The one live connection of the app: Socket.IO namespace /client over
 * WebSocket only. No auth object: the HttpOnly session cookie of the upgrade
 * request authenticates. Views never touch the socket; they read the
 * connection state and subscribe to typed events here.
 */
export type ConnectionState =
  | 'idle' // not started (signed out)
  | 'connecting' // first attempt
  | 'connected'
  | 'reconnecting' // dropped, or refused for a while (503); retrying
  | 'ended'; // the session is gone; the app sends the user to the login page

/** What the layer needs of a socket.io-client Socket (a fake one in tests). */
export interface SocketLike {
  readonly active: boolean;
  connect(): unknown;
  disconnect(): unknown;
  on(event: string, fn: (...args: any[]) => void): unknown;
  onAny(fn: (event: string, ...args: any[]) => void): unknown;
}

export interface SocketLayerOptions {
  factory?: () => SocketLike;
  /** The server closed the namespace: ask the API whether the session lives (true: connect again). */
  verifySession?: () => Promise<boolean>;
  /** A CONNECT refused with 401: the session is gone. */
  onSessionEnded?: () => void;
  /** Delay before trying again after a refusal the client does not retry by itself (503, 403). */
  retryDelayMs?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
}

type Handler<E extends ClientEventName> = (payload: ClientEvents[E]) => void;

export interface SocketLayer {
  readonly state: Store<ConnectionState>;
  /** The last refusal's reason from the server, for a tooltip. */
  readonly lastError: Store<string | null>;
  start(): void;
  stop(): void;
  on<E extends ClientEventName>(event: E, handler: Handler<E>): () => void;
}

export function createSocketLayer(opts: SocketLayerOptions = {}): SocketLayer {
  // WebSocket first; where a proxy refuses WebSockets (some phone networks,
  // office firewalls) the same session runs on HTTP long-polling instead.
  const factory = opts.factory ?? (() => io('/client', {
    transports: ['websocket', 'polling'], tryAllTransports: true, autoConnect: false,
  }) as unknown as SocketLike);
  const retryDelay = opts.retryDelayMs ?? 5000;
  const setT = opts.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearT = opts.clearTimeout ?? ((id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>));
  const state = createStore<ConnectionState>('idle');
  const lastError = createStore<string | null>(null);
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  let socket: SocketLike | null = null;
  let retryTimer: unknown = null;

  const scheduleRetry = (s: SocketLike) => {
    if (retryTimer !== null) return;
    retryTimer = setT(() => {
      retryTimer = null;
      if (socket === s) s.connect();
    }, retryDelay);
  };

  const attach = (s: SocketLike) => {
    s.on('connect', () => {
      lastError.set(null);
      state.set('connected');
    });
    s.on('disconnect', (reason: string) => {
      if (socket !== s) return;
      if (reason === 'io client disconnect') {
        state.set('idle');
        return;
      }
      state.set('reconnecting');
      if (reason === 'io server disconnect') {
        // The server closed us: usually the session ended (logout elsewhere,
        // expiry, password change). The client does not retry this by itself.
        const verify = opts.verifySession ?? (async () => true);
        void verify().then(
          (alive) => {
            if (socket !== s) return;
            if (alive) scheduleRetry(s);
            else {
              state.set('ended');
              opts.onSessionEnded?.();
            }
          },
          () => socket === s && scheduleRetry(s),
        );
      }
      // Any other reason (transport closed, ping timeout): the manager reconnects.
    });
    s.on('connect_error', (err: { message?: string; data?: { code?: number } }) => {
      if (socket !== s) return;
      const code = err?.data?.code;
      lastError.set(err?.message ?? null);
      if (code === 401) {
        state.set('ended');
        opts.onSessionEnded?.();
        return;
      }
      state.set('reconnecting');
      // A refusal by the server (403 origin, 503 database) leaves the socket
      // inactive; a transport failure keeps it active and the manager retries.
      if (!s.active) scheduleRetry(s);
    });
    s.onAny((event: string, payload: unknown) => {
      const set = handlers.get(event);
      if (!set) return;
      for (const h of [...set]) {
        try {
          h(payload);
        } catch (e) {
          console.error('socket handler failed', event, e);
        }
      }
    });
  };

  return {
    state,
    lastError,
    start() {
      if (socket) return;
      const s = factory();
      socket = s;
      attach(s);
      state.set('connecting');
      s.connect();
    },
    stop() {
      const s = socket;
      socket = null;
      if (retryTimer !== null) clearT(retryTimer);
      retryTimer = null;
      s?.disconnect();
      state.set('idle');
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (payload: unknown) => void;
      set.add(h);
      return () => set.delete(h);
    },
  };
}

let appLayer: SocketLayer | null = null;

/** The app's socket layer; created on first use, wired by the app (see app/session wiring). */
export function socketLayer(): SocketLayer {
  appLayer ??= createSocketLayer({ verifySession: () => sessionVerifier(), onSessionEnded: () => sessionEndedHandler() });
  return appLayer;
}

let sessionVerifier: () => Promise<boolean> = async () => true;
let sessionEndedHandler: () => void = () => {};

export function configureSocketLayer(o: { verifySession: () => Promise<boolean>; onSessionEnded: () => void }): void {
  sessionVerifier = o.verifySession;
  sessionEndedHandler = o.onSessionEnded;
}

export function useConnectionState(): ConnectionState {
  return useStore(socketLayer().state);
}

/** Subscribes to one event for the component's life; the handler may change between renders. */
export function useSocketEvent<E extends ClientEventName>(event: E, handler: Handler<E>): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => socketLayer().on(event, (p) => ref.current(p)), [event]);
}
