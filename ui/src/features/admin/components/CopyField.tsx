import { useEffect, useId, useRef, useState } from 'react';
import { copyText, selectAndCopy, type CopyOutcome } from '../copy';
import { adminText } from '../strings';

const t = adminText.secret;

interface Props {
  label: string;
  value: string;
  /** The button's visible text (and name): "Copiar token", "Copiar senha"… */
  copyLabel: string;
  multiline?: boolean;
}

/**
 * A read-only field the width of the dialog (a whole token fits) with a copy
 * button. "Copiado" (or how to copy by hand) is announced in a live region.
 */
export function CopyField({ label, value, copyLabel, multiline }: Props) {
  const id = useId();
  const statusId = useId();
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [outcome, setOutcome] = useState<CopyOutcome | null>(null);
  const clear = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (clear.current) clearTimeout(clear.current);
    },
    [],
  );

  const copy = async () => {
    const el = field.current;
    const result = await copyText(value, {
      clipboard: typeof navigator !== 'undefined' ? navigator.clipboard : null,
      selectAndCopy: () => (el ? selectAndCopy(el) : false),
    });
    setOutcome(result);
    if (clear.current) clearTimeout(clear.current);
    if (result === 'copied') clear.current = setTimeout(() => setOutcome(null), 4000);
  };

  const common = {
    id,
    value,
    readOnly: true,
    spellCheck: false,
    autoComplete: 'off',
    autoCorrect: 'off',
    autoCapitalize: 'none',
    className: 'copy-input',
    onFocus: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => e.currentTarget.select(),
  } as const;

  return (
    <div className="field copy-field">
      <div className="copy-head">
        <label htmlFor={id}>{label}</label>
        <button type="button" className="button button-small" onClick={() => void copy()} aria-describedby={statusId}>
          {copyLabel}
        </button>
      </div>
      {multiline ? <textarea ref={field} rows={value.split('\n').length} wrap="off" {...common} /> : <input ref={field} type="text" {...common} />}
      <p id={statusId} className="copy-status" aria-live="polite">
        {outcome === 'copied' ? t.copied : outcome === 'selected' ? t.selected : ''}
      </p>
    </div>
  );
}
