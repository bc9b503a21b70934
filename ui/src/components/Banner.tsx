import type { ReactNode } from 'react';

type Tone = 'info' | 'warning' | 'error' | 'success';

/** A message across the page; errors are announced (role=alert), the rest politely. */
export function Banner({ tone, title, children, action }: { tone: Tone; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="banner-text">
        {title ? <strong className="banner-title">{title}</strong> : null}
        {children ? <span>{children}</span> : null}
      </div>
      {action ? <div className="banner-action">{action}</div> : null}
    </div>
  );
}
