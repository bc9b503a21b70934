import { lazy, Suspense, type ReactNode } from 'react';
import { Loading } from '../../components/Loading';
import { adminTitles } from './titles';

// Each admin page is its own chunk, fetched when it is opened: the monitor's
// first load does not carry them. The heading is here, outside the chunk, so
// it is on screen (and focused by the shell) at once.
const Users = lazy(() => import('./users/UsersPage'));
const DaemonTokens = lazy(() => import('./daemon-tokens/DaemonTokensPage'));
const ApiTokens = lazy(() => import('./api-tokens/ApiTokensPage'));
const Audit = lazy(() => import('./audit/AuditPage'));

type PageKey = 'users' | 'daemonTokens' | 'apiTokens' | 'audit';

function AdminPage({ page, children }: { page: PageKey; children: ReactNode }) {
  const t = adminTitles[page];
  return (
    <div className={`page admin-page admin-${page}`}>
      <div className="page-header">
        <div>
          <h1 tabIndex={-1} data-page-heading>
            {t.title}
          </h1>
          <p className="page-intro">{t.intro}</p>
        </div>
      </div>
      <Suspense fallback={<Loading label={adminTitles.loadingPage} />}>{children}</Suspense>
    </div>
  );
}

export function UsersPage({ currentUserId }: { currentUserId: number | null }) {
  return (
    <AdminPage page="users">
      <Users currentUserId={currentUserId} />
    </AdminPage>
  );
}

export function DaemonTokensPage() {
  return (
    <AdminPage page="daemonTokens">
      <DaemonTokens />
    </AdminPage>
  );
}

export function ApiTokensPage() {
  return (
    <AdminPage page="apiTokens">
      <ApiTokens />
    </AdminPage>
  );
}

export function AuditPage() {
  return (
    <AdminPage page="audit">
      <Audit />
    </AdminPage>
  );
}
