import { useEffect, useRef, type ReactNode } from 'react';
import { adminText } from '../strings';

const t = adminText.secret;

/**
 * What the server shows once (a token, a generated password), with the
 * warning that it will not be shown again and a button to finish. Focus
 * moves to the first copy button when it appears.
 */
export function SecretBox({ intro, children, after, onDone }: { intro: ReactNode; children: ReactNode; after?: ReactNode; onDone: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('.copy-head button')?.focus();
  }, []);
  return (
    <div className="secret-box" ref={ref}>
      <p className="secret-intro" role="status">
        {intro}
      </p>
      <div className="secret-once">
        <strong>{t.onceTitle}.</strong> {t.onceBody}
      </div>
      {children}
      {after ? <div className="secret-after">{after}</div> : null}
      <div className="button-row dialog-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          {adminText.done}
        </button>
      </div>
    </div>
  );
}
