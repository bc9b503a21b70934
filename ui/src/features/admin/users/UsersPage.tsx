import { useId, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { fetchUsers } from '../api';
import { Badge } from '../components/Badge';
import { AdminListPanel, useAdminList } from '../components/AdminListPanel';
import { adminText } from '../strings';
import type { UserAccount } from '../types';
import { NewUserDialog } from './NewUserDialog';
import { UserActionDialog, type UserAction } from './UserActionDialog';

const t = adminText.users;

type Open = { kind: 'new' } | { kind: UserAction; user: UserAccount } | null;

/** Usuários: the accounts, add one, reset a password, disable or enable. */
export default function UsersPage({ currentUserId }: { currentUserId: number | null }) {
  const admin = useAdminList(fetchUsers);
  const { list: users, items: list, done, addButton } = admin;
  const [open, setOpen] = useState<Open>(null);
  const countId = useId();
  const close = () => setOpen(null);

  return (
    <AdminListPanel
      id="users-heading"
      title={t.panel}
      meta={t.count(list.length)}
      metaId={countId}
      addLabel={t.add}
      onAdd={() => setOpen({ kind: 'new' })}
      admin={admin}
      loadingLabel={t.loading}
    >
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
    </AdminListPanel>
  );
}
