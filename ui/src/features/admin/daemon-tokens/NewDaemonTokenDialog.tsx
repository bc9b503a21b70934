import { useId, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { createDaemonToken } from '../api';
import { CopyField } from '../components/CopyField';
import { Field, fieldAria, FormDialog } from '../components/FormDialog';
import { SecretBox } from '../components/SecretBox';
import { adminText } from '../strings';
import { daemonEnvLines, suggestClientId } from './token-state';

const t = adminText.daemonTokens;
const f = t.form;
/** What the daemon accepts as CLIENT_ID (daemon/config.cpp). */
const CLIENT_ID = /^[A-Za-z0-9._:@-]{1,100}$/;

interface Props {
  takenClientIds: ReadonlySet<string>;
  onClose: () => void;
  onCreated: (notice: string | null) => Promise<void>;
  returnFocus: () => HTMLElement | null;
}

/** Novo token de daemon: name and optional clientId → the token, once, with the .env lines to paste. */
export function NewDaemonTokenDialog({ takenClientIds, onClose, onCreated, returnFocus }: Props) {
  const base = useId();
  const ids = { name: `${base}-name`, clientId: `${base}-client` };
  const [name, setName] = useState('');
  const [clientId, setClientId] = useState('');
  const [errors, setErrors] = useState<{ name?: string | null; clientId?: string | null }>({});

  const submit = async () => {
    const n = name.trim();
    const c = clientId.trim();
    const found = { name: n.length < 1 || n.length > 255 ? f.nameInvalid : null, clientId: c && !CLIENT_ID.test(c) ? f.clientIdInvalid : null };
    setErrors(found);
    if (found.name || found.clientId) {
      document.getElementById(found.name ? ids.name : ids.clientId)?.focus();
      return 'invalid' as const;
    }
    const created = await createDaemonToken(n, c || undefined);
    void onCreated(f.created(created.name));
    const bound = created.clientId || null;
    const env = daemonEnvLines(created.token, bound ?? suggestClientId(created.name, takenClientIds));
    return (
      <SecretBox
        intro={f.created(created.name)}
        onDone={onClose}
        after={
          <>
            {bound ? null : <p className="hint">{t.envSuggested}</p>}
            <p className="hint">{t.envNext}</p>
          </>
        }
      >
        <CopyField label={t.tokenLabel} value={created.token} copyLabel={t.copyToken} />
        <CopyField label={t.envLabel} value={env} copyLabel={t.copyEnv} multiline />
      </SecretBox>
    );
  };

  return (
    <FormDialog
      title={f.title}
      submitLabel={f.submit}
      submit={submit}
      describeError={(e) => (e instanceof ApiError && e.status === 409 ? f.conflict(clientId.trim()) : null)}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <Field id={ids.name} label={f.name} hint={f.nameHint} error={errors.name}>
        <input {...fieldAria(ids.name, true, errors.name)} value={name} onChange={(e) => {
          setName(e.target.value);
          setErrors((x) => ({ ...x, name: null }));
        }} autoComplete="off" maxLength={255} required />
      </Field>
      <Field id={ids.clientId} label={f.clientId} hint={f.clientIdHint} error={errors.clientId}>
        <input
          {...fieldAria(ids.clientId, true, errors.clientId)}
          className="mono"
          value={clientId}
          onChange={(e) => {
            setClientId(e.target.value);
            setErrors((x) => ({ ...x, clientId: null }));
          }}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={100}
        />
      </Field>
    </FormDialog>
  );
}
