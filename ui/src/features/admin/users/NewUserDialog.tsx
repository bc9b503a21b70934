import { useId, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { createUser } from '../api';
import { CopyField } from '../components/CopyField';
import { Field, fieldAria, FormDialog } from '../components/FormDialog';
import { SecretBox } from '../components/SecretBox';
import { adminText } from '../strings';
import type { Role } from '../types';
import { loginProblem, nomeProblem, passwordProblem } from './validation';

const t = adminText.users;
const f = t.form;

interface Props {
  onClose: () => void;
  /** Created: a sentence for the page (null when the dialog still shows the password); the list reloads. */
  onCreated: (notice: string | null) => Promise<void>;
  returnFocus: () => HTMLElement | null;
}

/** Novo usuário: login, nome, papel, and a password or none (the server generates one, shown once). */
export function NewUserDialog({ onClose, onCreated, returnFocus }: Props) {
  const base = useId();
  const ids = { login: `${base}-login`, nome: `${base}-nome`, role: `${base}-role`, password: `${base}-password` };
  const [login, setLogin] = useState('');
  const [nome, setNome] = useState('');
  const [role, setRole] = useState<Role>('tecnico');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof typeof ids, string | null>>>({});

  const submit = async () => {
    const l = login.trim();
    const found = {
      login: loginProblem(l),
      nome: nomeProblem(nome.trim()),
      password: password ? passwordProblem(password) : null,
    };
    setErrors(found);
    const first = (Object.keys(found) as (keyof typeof found)[]).find((k) => found[k]);
    if (first) {
      document.getElementById(ids[first])?.focus();
      return 'invalid' as const;
    }
    const user = await createUser({ login: l, role, ...(nome.trim() ? { nome: nome.trim() } : {}), ...(password ? { password } : {}) });
    setPassword('');
    if (!user.password) {
      await onCreated(f.created(user.login));
      return null;
    }
    void onCreated(f.created(user.login));
    return (
      <SecretBox intro={f.createdWithPassword(user.login)} onDone={onClose} after={<p className="hint">{f.passwordNext}</p>}>
        <CopyField label={f.passwordLabel} value={user.password} copyLabel={f.copyPassword} />
      </SecretBox>
    );
  };

  return (
    <FormDialog
      title={f.title}
      submitLabel={f.submit}
      submit={submit}
      describeError={(e) => (e instanceof ApiError && e.status === 409 ? f.loginTaken(login.trim()) : null)}
      onClose={onClose}
      returnFocus={returnFocus}
    >
      <Field id={ids.login} label={f.login} hint={f.loginHint} error={errors.login}>
        <input
          {...fieldAria(ids.login, true, errors.login)}
          value={login}
          onChange={(e) => {
            setLogin(e.target.value);
            setErrors((x) => ({ ...x, login: null }));
          }}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={100}
          required
        />
      </Field>
      <Field id={ids.nome} label={f.nome} error={errors.nome}>
        <input {...fieldAria(ids.nome, false, errors.nome)} value={nome} onChange={(e) => {
          setNome(e.target.value);
          setErrors((x) => ({ ...x, nome: null }));
        }} autoComplete="off" maxLength={200} />
      </Field>
      <Field id={ids.role} label={f.role} hint={f.roleHint}>
        <select {...fieldAria(ids.role, true, null)} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="tecnico">{adminText.roles.tecnico}</option>
          <option value="admin">{adminText.roles.admin}</option>
        </select>
      </Field>
      <Field id={ids.password} label={f.password} hint={f.passwordHint} error={errors.password}>
        <input
          {...fieldAria(ids.password, true, errors.password)}
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setErrors((x) => ({ ...x, password: null }));
          }}
          maxLength={256}
        />
      </Field>
    </FormDialog>
  );
}
