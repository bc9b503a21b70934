/**
 * Copying a secret: the Clipboard API when the page may use it (a secure
 * context: https or localhost), else the text is selected in its read-only
 * field and copied the old way; if even that is refused it stays selected
 * for Ctrl+C. The text is never logged or stored.
 */
export type CopyOutcome = 'copied' | 'selected';

export interface CopyEnv {
  clipboard?: { writeText(text: string): Promise<void> } | null;
  /** Selects the text on screen and tries document.execCommand('copy'): true when copied. */
  selectAndCopy: () => boolean;
}

export async function copyText(text: string, env: CopyEnv): Promise<CopyOutcome> {
  if (env.clipboard && typeof env.clipboard.writeText === 'function') {
    try {
      await env.clipboard.writeText(text);
      return 'copied';
    } catch {
      // Refused (no permission, document not focused): fall back below.
    }
  }
  return env.selectAndCopy() ? 'copied' : 'selected';
}

/** Selects the whole value of a read-only field and asks the browser to copy it. */
export function selectAndCopy(field: HTMLInputElement | HTMLTextAreaElement): boolean {
  field.focus();
  field.select();
  field.setSelectionRange(0, field.value.length);
  try {
    return field.ownerDocument.execCommand('copy');
  } catch {
    return false;
  }
}
