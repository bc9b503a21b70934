import { Component, type ErrorInfo, type ReactNode } from 'react';
import { appText as t } from './strings';

/** A crash in one screen shows a way out instead of a blank page. Reset by changing `resetKey` (the route). */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state: { error: Error | null; key: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: Error | null; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('screen crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="page">
        <div className="panel crash" role="alert">
          <h1>{t.crashTitle}</h1>
          <p>{t.crashBody}</p>
          <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
            {t.reload}
          </button>
        </div>
      </div>
    );
  }
}
