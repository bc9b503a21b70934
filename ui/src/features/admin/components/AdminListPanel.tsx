import { useRef, useState, type ReactNode, type RefObject } from 'react';
import { Banner } from '../../../components/Banner';
import { useAsync, type AsyncState } from '../../../lib/use-async';
import { ListStatus } from './ListStatus';

export interface AdminList<T> {
  list: AsyncState<T[]>;
  items: T[];
  notice: string | null;
  /** After an action: show its notice (if any) and put the fresh list on screen. */
  done: (notice: string | null) => Promise<void>;
  /** The panel's "add" button, where focus goes back after a dialog. */
  addButton: RefObject<HTMLButtonElement | null>;
}

/**
 * The list an admin page shows and acts on. The fresh list is on screen
 * before a dialog closes, so focus can go back to a button that still exists
 * (a revoked token loses its "Revogar").
 */
export function useAdminList<T>(fetch: (signal?: AbortSignal) => Promise<T[]>): AdminList<T> {
  const list = useAsync((signal) => fetch(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const done = async (text: string | null) => {
    if (text) setNotice(text);
    try {
      const fresh = await fetch();
      list.setData(() => fresh);
    } catch {
      list.reload();
    }
  };
  return { list, items: list.data ?? [], notice, done, addButton };
}

/** An admin page's panel: title, count, the "add" button, the last action's notice, loading or error; then the list. */
export function AdminListPanel<T>({ id, title, meta, metaId, addLabel, onAdd, admin, loadingLabel, children }: {
  id: string;
  title: string;
  meta: string;
  metaId: string;
  addLabel: string;
  onAdd: () => void;
  admin: AdminList<T>;
  loadingLabel: string;
  children: ReactNode;
}) {
  const { list, notice, addButton } = admin;
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel-header">
        <h2 id={id}>{title}</h2>
        <div className="panel-tools">
          <p id={metaId} className="panel-meta num" aria-live="polite">
            {list.data ? meta : ''}
          </p>
          <button ref={addButton} type="button" className="button button-primary" onClick={onAdd}>
            {addLabel}
          </button>
        </div>
      </div>

      <div aria-live="polite" className="notice-slot">
        {notice ? <Banner tone="success">{notice}</Banner> : null}
      </div>
      <ListStatus loading={list.loading} error={list.error} hasData={!!list.data} loadingLabel={loadingLabel} onRetry={list.reload} />

      {children}
    </section>
  );
}
