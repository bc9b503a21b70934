import { createStore } from '../lib/store';

/** A one-time message shown after a redirect (e.g. a technician sent away from an admin page). */
export const flashStore = createStore<string | null>(null);
