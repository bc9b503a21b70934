import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../../lib/api-client';
import { formatDuration } from '../../lib/format';
import { navigate, searchParam, useLocation } from '../../lib/router';
import { landingFor, safeNext, signIn, useSession } from './session';
import { authText as t } from './strings';

export function LoginPage() {
  const { search } = useLocation();
  const session = useSession();
  const [loginName, setLoginName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const errorId = useId();
  const loginRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t.pageTitle} · ${t.product}`;
    loginRef.current?.focus();
  }, []);

  // Counts down a "too many attempts" lockout.
  useEffect(() => {
    if (waitUntil === null) return;
    const id = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= waitUntil) {
        setWaitUntil(null);
        setError(null);
      }
    }, 500);
    return () => clearInterval(id);
  }, [waitUntil]);

  const notice =
    session.status === 'anonymous' && session.reason === 'expired'
      ? t.sessionExpired
      : session.status === 'anonymous' && session.reason === 'logged_out'
        ? t.loggedOut
        : null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || waitUntil !== null) return;
    if (!loginName.trim() || !password) {
      setError(t.missingFields);
      (loginName.trim() ? passwordRef : loginRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const user = await signIn(loginName.trim(), password);
      navigate(safeNext(searchParam(search, 'next')) ?? landingFor(user.role), { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'too_many_attempts' && err.retryAfterSeconds) {
        // The wait is counted down under the message.
        setError(t.tooManyAttempts);
        setWaitUntil(Date.now() + err.retryAfterSeconds * 1000);
        setNow(Date.now());
      } else if (err instanceof ApiError && err.isUnreachable) setError(t.unreachable);
      else setError(errorMessage(err));
      if (err instanceof ApiError && err.code === 'invalid_credentials') {
        setPassword('');
        passwordRef.current?.focus();
      }
    }
  };

  const waitLeft = waitUntil !== null ? Math.max(1, Math.ceil((waitUntil - now) / 1000)) : null;

  return (
    <main className="login-page" id="conteudo">
      <div className="login-card">
        <div className="login-brand">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <div>
            <p className="login-product">{t.product}</p>
            <p className="login-tagline">{t.tagline}</p>
          </div>
        </div>
        <h1>{t.pageTitle}</h1>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={onSubmit} noValidate aria-describedby={error ? errorId : undefined}>
          <div className="field">
            <label htmlFor="login">{t.loginLabel}</label>
            <input
              ref={loginRef}
              id="login"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={loginName}
              onChange={(e) => setLoginName(e.target.value)}
              aria-invalid={error === t.missingFields && !loginName.trim() ? true : undefined}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t.passwordLabel}</label>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error && error !== t.missingFields ? true : undefined}
              required
            />
          </div>
          <div id={errorId} aria-live="assertive" className="form-error-slot">
            {error ? (
              <p className="form-error">
                {error}
                {waitLeft !== null ? <> {t.waitCountdown(formatDuration(waitLeft))}</> : null}
              </p>
            ) : null}
          </div>
          <button type="submit" className="button button-primary button-wide" disabled={busy || waitUntil !== null}>
            {busy ? t.submitting : t.submit}
          </button>
        </form>
      </div>
    </main>
  );
}
