import { useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from '../../../components/Dialog';
import { describeFailure } from '../errors';
import { adminText } from '../strings';

interface Props {
  title: string;
  submitLabel: string;
  /**
   * Sends the form. Returns what to show afterwards (a secret shown once),
   * or null when there is nothing to show: the dialog closes. A field
   * problem is reported by the caller before sending (returns 'invalid').
   */
  submit: () => Promise<ReactNode | null | 'invalid'>;
  describeError?: (e: unknown) => string | null;
  onClose: () => void;
  returnFocus?: () => HTMLElement | null;
  children: ReactNode;
}

/** A dialog with a form: its fields, one submit button, the failure in words, then what the server showed once. */
export function FormDialog({ title, submitLabel, submit, describeError, onClose, returnFocus, children }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<ReactNode | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const after = await submit();
      if (after === null) onClose();
      else if (after !== 'invalid') setShown(after);
    } catch (err) {
      setError(describeError?.(err) ?? describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} onClose={busy ? () => {} : onClose} closeLabel={adminText.close} className={shown ? 'dialog-secret' : ''} {...(returnFocus ? { returnFocus } : {})}>
      {shown ?? (
        <form className="admin-form" onSubmit={(e) => void onSubmit(e)} noValidate>
          {children}
          <div className="form-error-slot" aria-live="assertive">
            {error ? <p className="form-error">{error}</p> : null}
          </div>
          <div className="button-row dialog-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? adminText.working : submitLabel}
            </button>
            <button type="button" className="button" onClick={onClose} disabled={busy}>
              {adminText.cancel}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** A labelled field with its hint and, when invalid, its error (announced with the field). */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** aria props of an input inside <Field>. */
export function fieldAria(id: string, hint: boolean, error: string | null | undefined) {
  const by = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': by || undefined } as const;
}
