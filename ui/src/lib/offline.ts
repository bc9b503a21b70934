// The installable app's offline side, seen from the page: registering the
// service worker (public build only; scripts/sw.template.js) and forgetting
// what it kept for this device when the person signs out or the session ends.
import { navigate } from './router';

/** Caches filled with this person's data (not the app shell): the service worker's kept answers, the page's PDFs. */
export const PERSONAL_CACHES = ['siberius-data', 'siberius-pdfs'] as const;

/** localStorage: the PDF requests made with no network, sent when it returns (features/pdf/transfers.ts). */
export const OUTBOX_KEY = 'siberius-outbox';

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  // A tap on one of the app's notifications (scripts/sw.template.js): go where it points, in the app.
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent<{ type?: string; path?: string }>) => {
    const path = e.data?.path;
    if (e.data?.type === 'siberius:open' && typeof path === 'string' && path.startsWith('/') && !path.startsWith('//')) navigate(path);
  });
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No service worker (an old browser, a private window): the app works online as before.
    });
  };
  // The first visit: the worker takes this page over after its answers came.
  // It is handed their addresses, to keep those it keeps (the app then opens
  // offline from this first visit on).
  if (!navigator.serviceWorker.controller) {
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        const urls = performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((u) => u.startsWith(`${window.location.origin}/api/`));
        // Who is signed in, first: a sign-in by the form never asked /api/me, and the app needs it to open offline.
        keepForOffline([...new Set([`${window.location.origin}/api/me`, ...urls])]);
      },
      { once: true },
    );
  }
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/**
 * Asks the service worker to keep these GET answers now (those it keeps; it
 * fetches them itself). After a sign-in by the form: the app needs /api/me to
 * open offline, and the form's answer came from another endpoint.
 */
export function keepForOffline(paths: string[]): void {
  const worker = typeof navigator === 'undefined' ? undefined : navigator.serviceWorker?.controller;
  worker?.postMessage({ type: 'siberius:keep', urls: paths.map((p) => new URL(p, window.location.origin).href) });
}

/** Another person may sign in on this phone next: nothing of this one stays. */
export async function forgetOfflineData(): Promise<void> {
  try {
    localStorage.removeItem(OUTBOX_KEY);
  } catch {
    // No storage: nothing was kept there.
  }
  // The worker first, so answers still on their way are not kept after this.
  navigator.serviceWorker?.controller?.postMessage({ type: 'siberius:forget' });
  if (typeof caches !== 'undefined') await Promise.all(PERSONAL_CACHES.map((name) => caches.delete(name).catch(() => false)));
  // What the features remember of these caches goes too (features/pdf/device-copies.ts).
  window.dispatchEvent(new Event(FORGOTTEN_EVENT));
}

/** Fired on window once the person's data is deleted from the device. */
export const FORGOTTEN_EVENT = 'siberius:offline-data-forgotten';
