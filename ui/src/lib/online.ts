import { useSyncExternalStore } from 'react';

// Whether the device has a network at all (the browser's own view). The
// server being unreachable is another matter (network-status.ts): offline,
// the installed app still shows what the service worker kept.

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}
