import { createApiClient } from './api-client';
import { createNetworkStatus } from './network-status';

/** The app's single network status and API client. */
export const network = createNetworkStatus();

let unauthorizedHandler: () => void = () => {};

/** The app decides what a lost session means (go to /login?next=…). */
export function setUnauthorizedHandler(fn: () => void): void {
  unauthorizedHandler = fn;
}

export const api = createApiClient({ network, onUnauthorized: () => unauthorizedHandler() });
