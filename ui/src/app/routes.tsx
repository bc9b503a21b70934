import type { ReactNode } from 'react';
import { adminTitles, ApiTokensPage, AuditPage, DaemonTokensPage, UsersPage } from '../features/admin';
import { AGENDA_PATH, AgendaRoute, agendaText } from '../features/agenda';
import { landingFor, type User } from '../features/auth';
import { MONITOR_PATH, SystemMonitorPage, monitorText } from '../features/monitor';
import { PdfViewerRoute, pdfText } from '../features/pdf';
import { TecnicoHome, tecnicoText } from '../features/tecnico';
import { matchPath, Redirect } from '../lib/router';
import { appText } from './strings';

/**
 * Every route of the app, in one place. `access`: who may open it (the API
 * enforces the same rules). `page`: routes with the same page share one
 * screen instance (the daemon detail is a dialog over the monitor), and
 * moving between pages moves focus to the new page's heading.
 */
export interface RouteDef {
  path: string;
  access: 'public' | 'user' | 'admin';
  page: string;
  title: string;
  render: (params: Record<string, string>, user: User) => ReactNode;
}

const parseId = (s: string | undefined) => (s && /^\d{1,12}$/.test(s) ? Number(s) : null);

export const routes: RouteDef[] = [
  { path: '/login', access: 'public', page: 'login', title: 'Entrar', render: () => null },
  { path: '/', access: 'user', page: 'home', title: appText.product, render: (_p, u) => <Redirect to={landingFor(u.role)} /> },
  { path: '/admin', access: 'admin', page: 'home', title: appText.product, render: () => <Redirect to={MONITOR_PATH} /> },
  {
    path: MONITOR_PATH,
    access: 'admin',
    page: 'monitor',
    title: monitorText.pageTitle,
    render: () => <SystemMonitorPage detailId={null} />,
  },
  {
    path: `${MONITOR_PATH}/daemons/:id`,
    access: 'admin',
    page: 'monitor',
    title: monitorText.pageTitle,
    render: (p) => {
      const id = parseId(p.id);
      return id === null ? <Redirect to={MONITOR_PATH} /> : <SystemMonitorPage detailId={id} />;
    },
  },
  { path: '/admin/users', access: 'admin', page: 'users', title: adminTitles.users.title, render: (_p, u) => <UsersPage currentUserId={u.id} /> },
  { path: '/admin/daemon-tokens', access: 'admin', page: 'daemon-tokens', title: adminTitles.daemonTokens.title, render: () => <DaemonTokensPage /> },
  { path: '/admin/api-tokens', access: 'admin', page: 'api-tokens', title: adminTitles.apiTokens.title, render: () => <ApiTokensPage /> },
  { path: '/admin/audit', access: 'admin', page: 'audit', title: adminTitles.audit.title, render: () => <AuditPage /> },
  { path: '/tecnico', access: 'user', page: 'tecnico', title: tecnicoText.title, render: (_p, u) => <TecnicoHome user={u} /> },
  { path: AGENDA_PATH, access: 'user', page: 'agenda', title: agendaText.title, render: (_p, u) => <AgendaRoute user={u} /> },
  {
    path: '/pdf/:id',
    access: 'user',
    page: 'pdf',
    title: pdfText.title,
    render: (p) => {
      const id = parseId(p.id);
      return id === null ? <Redirect to="/" /> : <PdfViewerRoute key={id} id={id} />;
    },
  },
];

export interface NavItem {
  to: string;
  label: string;
  /** Also active on these path prefixes. */
  match: string;
}

export function navFor(user: User): NavItem[] {
  if (user.role === 'admin') {
    return [
      { to: MONITOR_PATH, label: appText.nav.monitor, match: MONITOR_PATH },
      { to: AGENDA_PATH, label: appText.nav.agenda, match: AGENDA_PATH },
      { to: '/admin/users', label: appText.nav.users, match: '/admin/users' },
      { to: '/admin/daemon-tokens', label: appText.nav.daemonTokens, match: '/admin/daemon-tokens' },
      { to: '/admin/api-tokens', label: appText.nav.apiTokens, match: '/admin/api-tokens' },
      { to: '/admin/audit', label: appText.nav.audit, match: '/admin/audit' },
    ];
  }
  return [
    { to: '/tecnico', label: appText.nav.tecnicoHome, match: '/tecnico' },
    { to: AGENDA_PATH, label: appText.nav.agenda, match: AGENDA_PATH },
  ];
}

export function findRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}
