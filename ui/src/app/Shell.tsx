import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Banner } from '../components/Banner';
import { authText, signOut, type User } from '../features/auth';
import { network } from '../lib/api';
import { errorMessage } from '../lib/api-client';
import { Link, navigate, useLocation } from '../lib/router';
import { useStore } from '../lib/store';
import { networkText } from '../lib/strings';
import { ErrorBoundary } from './ErrorBoundary';
import { flashStore } from './flash';
import { navFor } from './routes';
import { useOnline } from '../lib/online';
import { appText as t } from './strings';

interface Props {
  user: User;
  page: string;
  title: string;
  children: ReactNode;
}

/** Header with the navigation, the user and "Sair"; the unreachable-server banner; the page. */
export function Shell({ user, page, title, children }: Props) {
  const { pathname } = useLocation();
  const reachable = useStore(network.store, (s) => s.reachable);
  const online = useOnline();
  const flash = useStore(flashStore);
  const [leaving, setLeaving] = useState(false);
  const [logoutError, setLogoutError] = useState<string | null>(null);
  const firstPage = useRef(true);

  useEffect(() => {
    document.title = `${title} · ${t.product}`;
  }, [title]);

  // A new page: move focus to its heading, as a full page load would start at the top.
  useEffect(() => {
    if (firstPage.current) {
      firstPage.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main [data-page-heading]')?.focus());
    window.scrollTo(0, 0);
  }, [page]);

  // The flash message belongs to the page it was shown on.
  const flashPath = useRef<string | null>(null);
  useEffect(() => {
    if (flash && flashPath.current === null) flashPath.current = pathname;
    else if (flash && flashPath.current !== pathname) {
      flashStore.set(null);
      flashPath.current = null;
    }
  }, [flash, pathname]);

  const logout = async () => {
    setLeaving(true);
    setLogoutError(null);
    try {
      await signOut();
      navigate('/login', { replace: true });
    } catch (e) {
      setLogoutError(`${authText.logoutFailed} ${errorMessage(e)}`);
      setLeaving(false);
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#conteudo">
        {t.skipToContent}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={26} height={26} />
          <span>{t.product}</span>
        </Link>
        <nav aria-label={t.navLabel} className="nav">
          <ul>
            {navFor(user).map((item) => {
              const active = pathname === item.match || pathname.startsWith(item.match + '/');
              return (
                <li key={item.to}>
                  <Link to={item.to} className="nav-link" aria-current={active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="user">
          <span className="user-name">
            <span className="sr-only">{t.signedInAs} </span>
            <span className="truncate" title={user.login}>
              {user.nome || user.login}
            </span>
            <span className="user-role">{user.role === 'admin' ? authText.roleAdmin : authText.roleTecnico}</span>
          </span>
          <button type="button" className="button button-quiet" onClick={logout} disabled={leaving}>
            {leaving ? t.loggingOut : t.logout}
          </button>
        </div>
      </header>
      {!online ? (
        <div className="banner-strip">
          <Banner tone="warning" title={networkText.offlineTitle}>
            {networkText.offlineBody}
          </Banner>
        </div>
      ) : !reachable ? (
        <div className="banner-strip">
          <Banner tone="error" title={networkText.bannerTitle}>
            {networkText.bannerBody}
          </Banner>
        </div>
      ) : null}
      {logoutError ? (
        <div className="banner-strip">
          <Banner tone="error">{logoutError}</Banner>
        </div>
      ) : null}
      {flash ? (
        <div className="banner-strip">
          <Banner tone="warning">{flash}</Banner>
        </div>
      ) : null}
      <main id="conteudo" tabIndex={-1}>
        <ErrorBoundary resetKey={page}>{children}</ErrorBoundary>
      </main>
    </div>
  );
}

export function NotFound() {
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1 tabIndex={-1} data-page-heading>
            {t.notFoundTitle}
          </h1>
          <p className="page-intro">{t.notFoundBody}</p>
        </div>
      </div>
      <Link to="/" className="button button-primary">
        {t.backHome}
      </Link>
    </div>
  );
}
