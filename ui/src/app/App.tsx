import { useEffect } from 'react';
import { Banner } from '../components/Banner';
import { Loading } from '../components/Loading';
import { authText, bootstrapSession, landingFor, LoginPage, loginPathFor, safeNext, useSession } from '../features/auth';
import { network } from '../lib/api';
import { navigate, Redirect, searchParam, useLocation } from '../lib/router';
import { socketLayer } from '../lib/socket';
import { useStore } from '../lib/store';
import { flashStore } from './flash';
import { findRoute } from './routes';
import { NotFound, Shell } from './Shell';
import { appText } from './strings';

/** A technician on an admin page: to their home, saying why. */
function ForbiddenRedirect({ to }: { to: string }) {
  useEffect(() => {
    flashStore.set(authText.forbiddenPage);
    navigate(to, { replace: true });
  }, [to]);
  return null;
}

export function App() {
  const session = useSession();
  const { pathname, search } = useLocation();
  const reachable = useStore(network.store, (s) => s.reachable);

  useEffect(() => {
    void bootstrapSession();
  }, []);

  // The server was unreachable when we asked who we are: ask again when it answers.
  useEffect(() => {
    if (session.status === 'unreachable' && reachable) void bootstrapSession();
  }, [session.status, reachable]);

  // One live connection while signed in.
  useEffect(() => {
    if (session.status === 'authenticated') socketLayer().start();
    else if (session.status === 'anonymous') socketLayer().stop();
  }, [session.status]);

  const found = findRoute(pathname);

  if (session.status === 'loading') {
    return (
      <main className="center-page" id="conteudo">
        <Loading label={authText.checkingSession} />
      </main>
    );
  }
  if (session.status === 'unreachable') {
    return (
      <main className="center-page" id="conteudo">
        <h1 className="sr-only">{appText.product}</h1>
        <Banner
          tone="error"
          title={authText.unreachableTitle}
          action={
            <button type="button" className="button" onClick={() => void bootstrapSession()}>
              {authText.retry}
            </button>
          }
        >
          {authText.unreachableBody}
        </Banner>
      </main>
    );
  }

  if (found?.route.access === 'public') {
    if (session.status === 'authenticated') return <Redirect to={safeNext(searchParam(search, 'next')) ?? landingFor(session.user.role)} />;
    return <LoginPage />;
  }
  if (session.status !== 'authenticated') return <Redirect to={loginPathFor(pathname + search)} />;

  const user = session.user;
  if (found?.route.access === 'admin' && user.role !== 'admin') {
    return <ForbiddenRedirect to={landingFor(user.role)} />;
  }
  return (
    <Shell user={user} page={found?.route.page ?? 'not-found'} title={found?.route.title ?? appText.notFoundTitle}>
      {found ? found.route.render(found.params, user) : <NotFound />}
    </Shell>
  );
}
