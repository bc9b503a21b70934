// What the rest of the app may use of the auth feature.
export { LoginPage } from './LoginPage';
export { authText } from './strings';
export { bootstrapSession, checkSession, landingFor, loginPathFor, safeNext, sessionEnded, sessionStore, signOut, useSession } from './session';
export type { Role, User } from './types';
