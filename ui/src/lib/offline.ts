// The installable app's offline side, seen from the page: registering the
// service worker (public build only; scripts/sw.template.js) and forgetting
// what it kept for this device when the person signs out or the session ends.

/** Caches the service worker fills with this person's data (not the app shell). */
export const PERSONAL_CACHES = ['siberius-data', 'siberius-pdfs'] as const;

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No service worker (an old browser, a private window): the app works online as before.
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** Another person may sign in on this phone next: nothing of this one stays. */
export async function forgetOfflineData(): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all(PERSONAL_CACHES.map((name) => caches.delete(name).catch(() => false)));
}
