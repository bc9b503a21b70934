import { useId, useRef, useState } from 'react';
import { Banner } from '../../../components/Banner';
import { ApiError } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { useAsync } from '../../../lib/use-async';
import { createApiToken, fetchApiTokens, revokeApiToken } from '../api';
import { Badge } from '../components/Badge';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { Field, fieldAria, FormDialog } from '../components/FormDialog';
import { ListStatus } from '../components/ListStatus';
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
  const tokens = useAsync((signal) => fetchApiTokens(signal), []);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const countId = useId();
  const list = tokens.data ?? [];

  const close = () => setOpen(null);
  const done = async (text: string | null) => {
    if (text) setNotice(text);
    try {
      const fresh = await fetchApiTokens();
      tokens.setData(() => fresh);
    } catch {
      tokens.reload();
    }
  };

  return (
    <section className="panel" aria-labelledby="api-tokens-heading">
      <div className="panel-header">
        <h2 id="api-tokens-heading">{t.panel}</h2>
        <div className="panel-tools">
          <p id={countId} className="panel-meta num">
            {tokens.data ? t.count(list.length) : ''}
          </p>
          <button ref={addButton} type="button" className="button button-primary" onClick={() => setOpen({ kind: 'new' })}>
            {t.add}
          </button>
        </div>
      </div>

      <div aria-live="polite" className="notice-slot">
        {notice ? <Banner tone="success">{notice}</Banner> : null}
      </div>
      <ListStatus loading={tokens.loading} error={tokens.error} hasData={!!tokens.data} loadingLabel={t.loading} onRetry={tokens.reload} />

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
    </section>
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
