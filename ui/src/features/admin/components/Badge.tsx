export type BadgeTone = 'ok' | 'warn' | 'danger' | 'off';

/** A state in colour and in words (never colour alone). */
export function Badge({ tone, children, title }: { tone: BadgeTone; children: string; title?: string | undefined }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      <span className="badge-dot" aria-hidden="true" />
      {children}
    </span>
  );
}
