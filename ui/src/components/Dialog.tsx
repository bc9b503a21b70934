import { useEffect, useId, useRef, type ReactNode } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), summary';

interface DialogProps {
  title: ReactNode;
  /** Extra line under the title (e.g. the clientId). */
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Where focus goes when the dialog closes and the element that opened it is gone. */
  returnFocus?: () => HTMLElement | null;
  closeLabel: string;
  className?: string;
}

/**
 * A modal dialog on the native <dialog> (showModal: the page behind is inert,
 * Esc cancels). Focus is kept inside with Tab/Shift+Tab, starts on the first
 * control and goes back to the element that opened it.
 */
export function Dialog({ title, subtitle, onClose, children, returnFocus, closeLabel, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  const returnRef = useRef(returnFocus);
  returnRef.current = returnFocus;

  useEffect(() => {
    const dlg = ref.current;
    if (!dlg) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dlg.open) dlg.showModal();
    // Chromium paints an author ::backdrop only after the dialog restyles once
    // in the top layer: the backdrop colour hangs on a class added afterwards.
    const frame = requestAnimationFrame(() => dlg.classList.add('is-open'));
    const heading = dlg.querySelector<HTMLElement>('[data-dialog-title]');
    heading?.focus();

    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const items = [...dlg.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const active = document.activeElement;
      if (e.shiftKey && (active === first || active === heading || !dlg.contains(active))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (active === last || !dlg.contains(active))) {
        e.preventDefault();
        first.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (e.target === dlg) onCloseRef.current(); // a click on the backdrop
    };
    dlg.addEventListener('cancel', onCancel);
    dlg.addEventListener('keydown', onKey);
    dlg.addEventListener('click', onClick);
    return () => {
      dlg.removeEventListener('cancel', onCancel);
      dlg.removeEventListener('keydown', onKey);
      dlg.removeEventListener('click', onClick);
      cancelAnimationFrame(frame);
      dlg.classList.remove('is-open');
      if (dlg.open) dlg.close();
      const back = opener && opener.isConnected && opener !== document.body ? opener : (returnRef.current?.() ?? null);
      // After the route change re-renders the page behind.
      requestAnimationFrame(() => back?.focus());
    };
  }, []);

  return (
    <dialog ref={ref} className={`dialog ${className ?? ''}`} aria-labelledby={titleId}>
      <div className="dialog-frame">
        <header className="dialog-header">
          <div className="dialog-titles">
            <h2 id={titleId} data-dialog-title tabIndex={-1}>
              {title}
            </h2>
            {subtitle ? <p className="dialog-subtitle">{subtitle}</p> : null}
          </div>
          <button type="button" className="button button-quiet dialog-close" onClick={() => onCloseRef.current()} aria-label={closeLabel}>
            <span aria-hidden="true">×</span>
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </dialog>
  );
}
