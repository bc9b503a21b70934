import { useId, useState } from 'react';
import { ApiError } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { revokeDaemonToken, rotateDaemonToken } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyField } from '../components/CopyField';
import { SecretBox } from '../components/SecretBox';
import { InputProblem } from '../errors';
import { adminText } from '../strings';
import type { DaemonToken } from '../types';
import { daemonEnvLines, parseOverlapHours } from './token-state';

const t = adminText.daemonTokens;

interface Props {
  token: DaemonToken;
  onClose: () => void;
  onDone: (notice: string | null) => Promise<void>;
  returnFocus: () => HTMLElement | null;
}

/** Rotacionar: a new token for the daemon (shown once); its other tokens expire after the overlap. */
export function RotateDaemonTokenDialog({ token, onClose, onDone, returnFocus }: Props) {
  const [hours, setHours] = useState('24');
  const id = useId();
  return (
    <ConfirmDialog
      title={t.rotateTitle(token.name)}
      message={t.confirmRotate(token.name)}
      confirmLabel={t.rotateConfirm}
      onClose={onClose}
      returnFocus={returnFocus}
      run={async () => {
        const overlap = parseOverlapHours(hours);
        if (overlap === null) {
          document.getElementById(id)?.focus();
          throw new InputProblem(t.overlapInvalid);
        }
        const r = await rotateDaemonToken(token.daemonId, overlap);
        void onDone(t.rotatedNotice(token.name));
        const clientId = r.clientId || token.clientId;
        return (
          <SecretBox
            intro={t.rotated(token.name)}
            onDone={onClose}
            after={
              <>
                <p className="hint">{r.previousTokensExpireAt ? t.previousExpire(formatDateTime(r.previousTokensExpireAt)) : t.noPrevious}</p>
                <p className="hint">{t.rotateEnvNext}</p>
              </>
            }
          >
            <CopyField label={t.tokenLabel} value={r.token} copyLabel={t.copyToken} />
            {clientId ? <CopyField label={t.envLabel} value={daemonEnvLines(r.token, clientId)} copyLabel={t.copyEnv} multiline /> : null}
          </SecretBox>
        );
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t.overlap}</label>
        <input
          id={id}
          className="input-narrow"
          inputMode="numeric"
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          aria-describedby={`${id}-hint`}
          aria-invalid={parseOverlapHours(hours) === null ? true : undefined}
          autoComplete="off"
        />
        <p id={`${id}-hint`} className="hint">
          {t.overlapHint}
        </p>
      </div>
    </ConfirmDialog>
  );
}

/** Revogar: at once; a daemon connected with it is disconnected. */
export function RevokeDaemonTokenDialog({ token, onClose, onDone, returnFocus }: Props) {
  return (
    <ConfirmDialog
      title={t.revokeTitle(token.name)}
      message={t.confirmRevoke(token.name, token.publicId)}
      confirmLabel={t.revokeConfirm}
      danger
      onClose={onClose}
      returnFocus={returnFocus}
      run={async () => {
        try {
          const r = await revokeDaemonToken(token.id);
          await onDone(r.disconnected ? t.revokedDisconnected(token.name) : t.revoked(token.name));
        } catch (e) {
          // Revoked meanwhile (another admin, the CLI): say so and show the list as it is.
          if (e instanceof ApiError && e.status === 404) {
            await onDone(t.alreadyGone);
            return null;
          }
          throw e;
        }
        return null;
      }}
    />
  );
}
