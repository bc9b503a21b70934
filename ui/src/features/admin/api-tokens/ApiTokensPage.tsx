import { useId, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { createApiToken, fetchApiTokens, revokeApiToken } from '../api';
import { Badge } from '../components/Badge';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { Field, fieldAria, FormDialog } from '../components/FormDialog';
import { AdminListPanel, useAdminList } from '../components/AdminListPanel';
import { SecretBox } from '../components/SecretBox';
import { adminText } from '../strings';
import type { ApiToken, Role } from '../types';

const t = adminText.apiTokens;
const f = t.form;

/** The token written at installation (credentials.json) is named so by the server. */
const BOOTSTRAP_NAME = 'bootstrap admin';

type Open = { kind: 'new' } | { kind: 'revoke'; token: ApiToken } | null;

/** Tokens de API: list, create (shown once), revoke. */
export default function ApiTokensPage() {
  const admin = useAdminList(fetchApiTokens);
  const { list: tokens, items: list, done, addButton } = admin;
  const [open, setOpen] = useState<Open>(null);
  const countId = useId();
  const close = () => setOpen(null);

  return (
    <AdminListPanel
      id="api-tokens-heading"
      title={t.panel}
      meta={t.count(list.length)}
      metaId={countId}
      addLabel={t.add}
      onAdd={() => setOpen({ kind: 'new' })}
      admin={admin}
      loadingLabel={t.loading}
    >
      {tokens.data ? (
        list.length === 0 ? (
          <p className="table-empty">{t.empty}</p>
        ) : (
          <div className="table-scroll">
            <table className="table admin-table api-tokens-table" aria-describedby={countId}>
              <caption className="sr-only">{t.caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.cols.name}</th>
                  <th scope="col">{t.cols.role}</th>
                  <th scope="col">{t.cols.publicId}</th>
                  <th scope="col">{t.cols.state}</th>
                  <th scope="col">{t.cols.createdAt}</th>
                  <th scope="col">{t.cols.lastUsed}</th>
                  <th scope="col" className="align-end">
                    {t.cols.actions}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((tok) => {
                  const rowId = `api-token-${tok.id}`;
                  const revoked = !!tok.revokedAt;
                  return (
                    <tr key={tok.id} className={revoked ? 'row-muted' : undefined}>
                      <th scope="row" id={rowId} className="cell-strong">
                        <span className="wrap-anywhere">{tok.name}</span>
                      </th>
                      <td className="nowrap">{adminText.roles[tok.role] ?? tok.role}</td>
                      <td className="mono nowrap">{tok.publicId}</td>
                      <td>
                        {revoked ? (
                          <>
                            <Badge tone="danger">{t.revokedShort}</Badge>
                            <span className="sub num">{adminText.daemonTokens.state.at(formatDateTime(tok.revokedAt))}</span>
                          </>
                        ) : (
                          <Badge tone="ok">{t.active}</Badge>
                        )}
                      </td>
                      <td className="num nowrap">{formatDateTime(tok.createdAt)}</td>
                      <td className="num nowrap">{tok.lastUsedAt ? formatDateTime(tok.lastUsedAt) : <span className="muted">{adminText.never}</span>}</td>
                      <td className="align-end">
                        {revoked ? null : (
                          <button type="button" className="button button-small button-danger-outline" aria-describedby={rowId} onClick={() => setOpen({ kind: 'revoke', token: tok })}>
                            {t.revoke}
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      ) : null}

      {open?.kind === 'new' ? <NewApiTokenDialog onClose={close} onCreated={done} returnFocus={() => addButton.current} /> : null}
      {open?.kind === 'revoke' ? (
        <ConfirmDialog
          title={t.revokeTitle(open.token.name)}
          message={
            <>
              {t.confirmRevoke(open.token.name)}
              {open.token.name === BOOTSTRAP_NAME ? (
                <>
                  {' '}
                  <strong>{t.bootstrapWarning}</strong>
                </>
              ) : null}
            </>
          }
          confirmLabel={t.revokeConfirm}
          danger
          onClose={close}
          returnFocus={() => addButton.current}
          run={async () => {
            try {
              await revokeApiToken(open.token.id);
              await done(t.revoked(open.token.name));
            } catch (e) {
              if (e instanceof ApiError && e.status === 404) {
                await done(t.alreadyGone);
                return null;
              }
              throw e;
            }
            return null;
          }}
        />
      ) : null}
    </AdminListPanel>
  );
}

function NewApiTokenDialog({ onClose, onCreated, returnFocus }: { onClose: () => void; onCreated: (notice: string | null) => Promise<void>; returnFocus: () => HTMLElement | null }) {
  const base = useId();
  const ids = { name: `${base}-name`, role: `${base}-role` };
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [nameError, setNameError] = useState<string | null>(null);

  const submit = async () => {
    const n = name.trim();
    const problem = n.length < 1 || n.length > 255 ? f.nameInvalid : null;
    setNameError(problem);
    if (problem) {
      document.getElementById(ids.name)?.focus();
      return 'invalid' as const;
    }
    const created = await createApiToken(n, role);
    void onCreated(t.created(created.name).replace(/:$/, '.'));
    return (
      <SecretBox intro={t.created(created.name)} onDone={onClose} after={<p className="hint">{t.usage}</p>}>
        <CopyField label={t.tokenLabel} value={created.token} copyLabel={t.copyToken} />
      </SecretBox>
    );
  };

  return (
    <FormDialog title={f.title} submitLabel={f.submit} submit={submit} onClose={onClose} returnFocus={returnFocus}>
      <Field id={ids.name} label={f.name} hint={f.nameHint} error={nameError}>
        <input {...fieldAria(ids.name, true, nameError)} value={name} onChange={(e) => {
          setName(e.target.value);
          setNameError(null);
        }} autoComplete="off" maxLength={255} required />
      </Field>
      <Field id={ids.role} label={f.role} hint={f.roleHint}>
        <select {...fieldAria(ids.role, true, null)} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="admin">{adminText.roles.admin}</option>
          <option value="tecnico">{adminText.roles.tecnico}</option>
        </select>
      </Field>
    </FormDialog>
  );
}
