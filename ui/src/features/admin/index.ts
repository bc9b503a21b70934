// What the app may use of the admin feature: the four pages (lazy chunks).
export { ApiTokensPage, AuditPage, DaemonTokensPage, UsersPage } from './pages';
export { adminTitles } from './titles';
