import { createStore, type Store } from './store';

/**
 * Whether the server answers. The API client reports every request's fate;
 * while the server is unreachable a cheap probe (GET /health) runs every few
 * seconds so the banner clears itself even on a page that polls nothing.
 */
export interface NetworkStatus {
  readonly store: Store<{ reachable: boolean }>;
  markUp(): void;
  markDown(): void;
  stop(): void;
}

export interface NetworkStatusOptions {
  probe?: () => Promise<boolean>;
  probeEveryMs?: number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (id: unknown) => void;
}

export function createNetworkStatus(opts: NetworkStatusOptions = {}): NetworkStatus {
  const store = createStore({ reachable: true });
  const every = opts.probeEveryMs ?? 5000;
  const setI = opts.setInterval ?? ((fn, ms) => globalThis.setInterval(fn, ms));
  const clearI = opts.clearInterval ?? ((id) => globalThis.clearInterval(id as ReturnType<typeof setInterval>));
  const probe =
    opts.probe ??
    (async () => {
      try {
        const r = await fetch('/health', { credentials: 'same-origin', cache: 'no-store' });
        return r.ok;
      } catch {
        return false;
      }
    });
  let timer: unknown = null;

  const stopProbe = () => {
    if (timer !== null) clearI(timer);
    timer = null;
  };
  const api: NetworkStatus = {
    store,
    markUp() {
      stopProbe();
      if (!store.get().reachable) store.set({ reachable: true });
    },
    markDown() {
      if (store.get().reachable) store.set({ reachable: false });
      if (timer === null) {
        timer = setI(() => {
          void probe().then((ok) => ok && api.markUp());
        }, every);
      }
    },
    stop: stopProbe,
  };
  return api;
}
