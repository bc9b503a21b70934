import { useState, type ReactNode } from 'react';
import { ConfirmPanel } from '../../../components/ConfirmPanel';
import { Dialog } from '../../../components/Dialog';
import { describeFailure } from '../errors';
import { adminText } from '../strings';

interface Props {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /**
   * Does the thing. Returns what to show afterwards in the dialog (a secret
   * shown once), or null when there is nothing to show: the dialog closes.
   */
  run: () => Promise<ReactNode | null>;
  onClose: () => void;
  /** Turns a failure into words for this action (e.g. the 409 of disabling oneself). */
  describeError?: (e: unknown) => string | null;
  /** Extra fields inside the confirmation. */
  children?: ReactNode;
  returnFocus?: () => HTMLElement | null;
}

/** A row action, confirmed in a dialog; the answer or, in words, why it failed. */
export function ConfirmDialog({ title, message, confirmLabel, danger, run, onClose, describeError, children, returnFocus }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<ReactNode | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const after = await run();
      if (after === null) onClose();
      else setShown(after);
    } catch (e) {
      setError(describeError?.(e) ?? describeFailure(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={busy ? () => {} : onClose} closeLabel={adminText.close} className={shown ? 'dialog-secret' : ''} {...(returnFocus ? { returnFocus } : {})}>
      {shown ?? (
        <>
          <ConfirmPanel
            message={message}
            confirmLabel={confirmLabel}
            cancelLabel={adminText.cancel}
            busyLabel={adminText.working}
            busy={busy}
            danger={danger ?? false}
            onConfirm={() => void confirm()}
            onCancel={onClose}
          >
            {children}
          </ConfirmPanel>
          <div className="form-error-slot" aria-live="assertive">
            {error ? <p className="form-error">{error}</p> : null}
          </div>
        </>
      )}
    </Dialog>
  );
}
