import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  message: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  busyLabel: string;
  busy: boolean;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children?: ReactNode;
}

/**
 * An inline "are you sure?" step. Focus moves into it; Esc cancels it (and
 * only it, not the dialog around it); focus then goes back to the caller.
 */
export function ConfirmPanel({ message, confirmLabel, cancelLabel, busyLabel, busy, danger, onConfirm, onCancel, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const messageId = useId();
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button');
    first?.focus();
  }, []);
  return (
    <div
      ref={ref}
      className={`confirm ${danger ? 'confirm-danger' : ''}`}
      role="group"
      aria-labelledby={messageId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !busy) {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <p className="confirm-message" id={messageId}>{message}</p>
      {children}
      <div className="confirm-buttons">
        <button type="button" className={`button ${danger ? 'button-danger' : 'button-primary'}`} onClick={onConfirm} disabled={busy}>
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </button>
      </div>
    </div>
  );
}
