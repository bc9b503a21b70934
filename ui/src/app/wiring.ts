import { checkSession, loginPathFor, sessionEnded } from '../features/auth';
import { dropExpiredDeviceCopies } from '../features/pdf';
import { setUnauthorizedHandler } from '../lib/api';
import { currentPath, navigate } from '../lib/router';
import { configureSocketLayer, socketLayer } from '../lib/socket';

/** The session is gone (a 401 anywhere, or the socket refused): back to the login page, keeping this page in `next`. */
function onSessionGone(): void {
  sessionEnded();
  socketLayer().stop();
  const here = currentPath();
  if (!here.startsWith('/login')) navigate(loginPathFor(here), { replace: true });
}

export function wireApp(): void {
  setUnauthorizedHandler(onSessionGone);
  configureSocketLayer({ verifySession: checkSession, onSessionEnded: onSessionGone });
  // PDFs kept on this device past their event's expiry go, whatever page the app opens on.
  dropExpiredDeviceCopies();
}
