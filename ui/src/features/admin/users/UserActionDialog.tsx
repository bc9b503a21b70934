import { useId, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { resetPassword, setUserDisabled } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { SecretBox } from '../components/SecretBox';
import { InputProblem } from '../errors';
import { adminText } from '../strings';
import type { UserAccount } from '../types';
import { passwordProblem } from './validation';

const t = adminText.users;

export type UserAction = 'password' | 'disable' | 'enable';

interface Props {
  action: UserAction;
  user: UserAccount;
  onClose: () => void;
  /** Done: a sentence for the page (null when the dialog still shows something), the list reloads. */
  onDone: (notice: string | null) => Promise<void>;
  returnFocus: () => HTMLElement | null;
}

/** Reset a password (a generated one is shown once), disable or enable an account: each confirmed. */
export function UserActionDialog({ action, user, onClose, onDone, returnFocus }: Props) {
  const who = user.nome ? `${user.nome} (${user.login})` : user.login;
  const [password, setPassword] = useState('');
  const pwId = useId();
  const pwHint = useId();

  const common = { onClose, returnFocus };

  if (action === 'password') {
    return (
      <ConfirmDialog
        {...common}
        title={t.resetTitle(user.login)}
        message={t.confirmReset(who)}
        confirmLabel={t.resetConfirm}
        run={async () => {
          const chosen = password;
          const problem = chosen ? passwordProblem(chosen) : null;
          if (problem) throw new InputProblem(problem);
          const r = await resetPassword(user.id, chosen || undefined);
          setPassword('');
          if (!r.password) {
            await onDone(t.resetDone(who));
            return null;
          }
          void onDone(t.resetDone(who));
          return (
            <SecretBox intro={t.resetGenerated(who)} onDone={onClose} after={<p className="hint">{t.form.passwordNext}</p>}>
              <CopyField label={t.form.passwordLabel} value={r.password} copyLabel={t.form.copyPassword} />
            </SecretBox>
          );
        }}
      >
        <div className="field">
          <label htmlFor={pwId}>{t.resetNewPassword}</label>
          <input
            id={pwId}
            type="password"
            autoComplete="new-password"
            value={password}
            maxLength={256}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={pwHint}
          />
          <p id={pwHint} className="hint">
            {t.resetHint}
          </p>
        </div>
      </ConfirmDialog>
    );
  }

  const disabling = action === 'disable';
  return (
    <ConfirmDialog
      {...common}
      title={disabling ? t.disableTitle(user.login) : t.enableTitle(user.login)}
      message={disabling ? t.confirmDisable(who) : t.confirmEnable(who)}
      confirmLabel={disabling ? t.disable : t.enable}
      danger={disabling}
      describeError={(e) => (disabling && e instanceof ApiError && e.status === 409 ? t.cannotDisableSelf : null)}
      run={async () => {
        await setUserDisabled(user.id, disabling);
        await onDone(disabling ? t.disableDone(who) : t.enableDone(who));
        return null;
      }}
    />
  );
}
