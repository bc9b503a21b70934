import { useId, useRef, useState } from 'react';
import { Banner } from '../../../components/Banner';
import { formatDateTime } from '../../../lib/format';
import { useAsync } from '../../../lib/use-async';
import { fetchUsers } from '../api';
import { Badge } from '../components/Badge';
import { ListStatus } from '../components/ListStatus';
import { adminText } from '../strings';
import type { UserAccount } from '../types';
import { NewUserDialog } from './NewUserDialog';
import { UserActionDialog, type UserAction } from './UserActionDialog';

const t = adminText.users;

type Open = { kind: 'new' } | { kind: UserAction; user: UserAccount } | null;

/** Usuários: the accounts, add one, reset a password, disable or enable. */
export default function UsersPage({ currentUserId }: { currentUserId: number | null }) {
  const users = useAsync((signal) => fetchUsers(signal), []);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const countId = useId();
  const list = users.data ?? [];

  const close = () => setOpen(null);
  // The fresh list is on screen before a dialog closes, so focus goes back to a button that exists.
  const done = async (text: string | null) => {
    if (text) setNotice(text);
    try {
      const fresh = await fetchUsers();
      users.setData(() => fresh);
    } catch {
      users.reload();
    }
  };

  return (
    <section className="panel" aria-labelledby="users-heading">
      <div className="panel-header">
        <h2 id="users-heading">{t.panel}</h2>
        <div className="panel-tools">
          <p id={countId} className="panel-meta num">
            {users.data ? t.count(list.length) : ''}
          </p>
          <button ref={addButton} type="button" className="button button-primary" onClick={() => setOpen({ kind: 'new' })}>
            {t.add}
          </button>
        </div>
      </div>

      <div aria-live="polite" className="notice-slot">
        {notice ? <Banner tone="success">{notice}</Banner> : null}
      </div>
      <ListStatus loading={users.loading} error={users.error} hasData={!!users.data} loadingLabel={t.loading} onRetry={users.reload} />

      {users.data ? (
        list.length === 0 ? (
          <p className="table-empty">{t.empty}</p>
        ) : (
          <div className="table-scroll">
            <table className="table admin-table users-table" aria-describedby={countId}>
              <caption className="sr-only">{t.caption}</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-login">{t.cols.login}</th>
                  <th scope="col">{t.cols.nome}</th>
                  <th scope="col" className="col-role">{t.cols.role}</th>
                  <th scope="col" className="col-state">{t.cols.state}</th>
                  <th scope="col" className="col-date">{t.cols.createdAt}</th>
                  <th scope="col" className="align-end">
                    {t.cols.actions}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => {
                  const rowId = `user-${u.id}`;
                  const me = u.id === currentUserId;
                  return (
                    <tr key={u.id} className={u.disabled ? 'row-muted' : undefined}>
                      <th scope="row" id={rowId} className="mono cell-strong">
                        <span className="wrap-anywhere">{u.login}</span>
                        {me ? <span className="you"> ({adminText.you})</span> : null}
                      </th>
                      <td className="cell-text">{u.nome ? <span className="wrap-anywhere">{u.nome}</span> : <span className="muted">{adminText.none}</span>}</td>
                      <td className="nowrap">{adminText.roles[u.role] ?? u.role}</td>
                      <td>
                        <Badge tone={u.disabled ? 'off' : 'ok'}>{u.disabled ? t.disabled : t.active}</Badge>
                      </td>
                      <td className="num nowrap">{formatDateTime(u.createdAt)}</td>
                      <td className="align-end">
                        <div className="row-actions">
                          <button type="button" className="button button-small" aria-describedby={rowId} data-user-action={`password-${u.id}`} onClick={() => setOpen({ kind: 'password', user: u })}>
                            {t.resetPassword}
                          </button>
                          {u.disabled ? (
                            <button type="button" className="button button-small" aria-describedby={rowId} data-user-action={`enable-${u.id}`} onClick={() => setOpen({ kind: 'enable', user: u })}>
                              {t.enable}
                            </button>
                          ) : (
                            <button type="button" className="button button-small button-danger-outline" aria-describedby={rowId} data-user-action={`disable-${u.id}`} onClick={() => setOpen({ kind: 'disable', user: u })}>
                              {t.disable}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      ) : null}

      {open?.kind === 'new' ? (
        <NewUserDialog
          onClose={close}
          onCreated={done}
          returnFocus={() => addButton.current}
        />
      ) : open ? (
        <UserActionDialog
          action={open.kind}
          user={open.user}
          onClose={close}
          onDone={done}
          returnFocus={() => {
            // Disable ↔ enable swap the button: focus the one now in the row.
            const other = open.kind === 'disable' ? 'enable' : open.kind === 'enable' ? 'disable' : 'password';
            return (
              document.querySelector<HTMLElement>(`[data-user-action="${open.kind}-${open.user.id}"]`) ??
              document.querySelector<HTMLElement>(`[data-user-action="${other}-${open.user.id}"]`)
            );
          }}
        />
      ) : null}
    </section>
  );
}
