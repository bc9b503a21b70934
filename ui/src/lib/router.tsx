import { useEffect, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { createStore, useStore } from './store';

/**
 * A small history-based router: the app has a handful of flat routes and one
 * dialog route, so a library would add weight and nothing else. The route
 * table lives in src/app/routes.tsx.
 */
export interface Location {
  pathname: string;
  search: string;
}

const hasWindow = typeof window !== 'undefined';
const read = (): Location => (hasWindow ? { pathname: window.location.pathname, search: window.location.search } : { pathname: '/', search: '' });

const location = createStore<Location>(read());

function sync() {
  const next = read();
  const cur = location.get();
  if (cur.pathname !== next.pathname || cur.search !== next.search) location.set(next);
}

if (hasWindow) window.addEventListener('popstate', sync);

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (!hasWindow) return;
  const here = window.location.pathname + window.location.search;
  if (to === here) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  sync();
}

export function currentPath(): string {
  const l = location.get();
  return l.pathname + l.search;
}

export function useLocation(): Location {
  return useStore(location);
}

/** "/admin/system-monitor/daemons/:id" against a path: the params, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const trim = (s: string) => (s.length > 1 ? s.replace(/\/+$/, '') : s);
  const p = trim(pattern).split('/');
  const a = trim(pathname).split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    const val = a[i]!;
    if (seg.startsWith(':')) {
      if (!val) return null;
      try {
        params[seg.slice(1)] = decodeURIComponent(val);
      } catch {
        return null;
      }
    } else if (seg !== val) return null;
  }
  return params;
}

export function searchParam(search: string, name: string): string | null {
  return new URLSearchParams(search).get(name);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; replace?: boolean };

/** An <a href> that navigates in place on a plain click and behaves as a link otherwise (new tab, copy). */
export function Link({ to, replace, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(to, { replace: replace ?? false });
  };
  return <a href={to} onClick={handle} {...rest} />;
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
