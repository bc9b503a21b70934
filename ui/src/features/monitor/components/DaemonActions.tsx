import { useRef, useState } from 'react';
import { ConfirmPanel } from '../../../components/ConfirmPanel';
import { ApiError, errorMessage } from '../../../lib/api-client';
import { blockDaemon, disconnectDaemon, resyncDaemon, unblockDaemon } from '../api';
import { monitorText } from '../strings';
import type { Daemon } from '../types';

const t = monitorText.actions;

type Action = 'resync' | 'disconnect' | 'block' | 'unblock';
type Result = { ok: boolean; text: string };

const LABEL: Record<Action, string> = { resync: t.resync, disconnect: t.disconnect, block: t.block, unblock: t.unblock };

/** Describes what the daemon answered to a resync ({ok:true}, maybe joined:true, or an error). */
function ackText(ack: unknown): { ok: boolean; text: string } {
  if (ack && typeof ack === 'object') {
    const a = ack as { ok?: unknown; error?: unknown; joined?: unknown };
    if (a.ok === false) return { ok: false, text: typeof a.error === 'string' ? a.error : 'recusado' };
    if (a.joined === true) return { ok: true, text: ' (juntou-se a uma reconciliação já em andamento)' };
  }
  return { ok: true, text: '' };
}

interface Props {
  daemon: Daemon;
  /** An action changed the daemon (block/unblock answer it). */
  onChanged: (d: Daemon) => void;
  /** Anything done: the dialog reloads the detail. */
  onDone: () => void;
}

/** Forçar Resync, Desconectar, Bloquear/Desbloquear: each confirmed, each showing the daemon's answer or why it failed. */
export function DaemonActions({ daemon, onChanged, onDone }: Props) {
  const [pending, setPending] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<Result | null>(null);
  const buttons = useRef<Partial<Record<Action, HTMLButtonElement | null>>>({});

  const ask = (a: Action) => {
    setResult(null);
    setReason('');
    setPending(a);
  };
  const cancel = () => {
    const a = pending;
    setPending(null);
    if (a) requestAnimationFrame(() => buttons.current[a]?.focus());
  };

  const run = async () => {
    if (!pending) return;
    const a = pending;
    setBusy(true);
    try {
      let text = '';
      let ok = true;
      if (a === 'resync') {
        const r = await resyncDaemon(daemon.id, reason.trim() || undefined);
        const ack = ackText(r.ack);
        ok = ack.ok;
        text = ok ? t.resyncDone(ack.text) : t.failed(t.resync, ack.text);
      } else if (a === 'disconnect') {
        await disconnectDaemon(daemon.id);
        text = t.disconnectDone;
      } else {
        const d = await (a === 'block' ? blockDaemon(daemon.id) : unblockDaemon(daemon.id));
        if (d && typeof d === 'object' && 'id' in d) onChanged(d);
        else onChanged({ ...daemon, blocked: a === 'block' });
        text = a === 'block' ? t.blockDone : t.unblockDone;
      }
      setResult({ ok, text });
      onDone();
    } catch (e) {
      setResult({ ok: false, text: t.failed(LABEL[a], errorMessage(e)) });
      if (e instanceof ApiError && e.code === 'not_connected') onDone();
    } finally {
      setBusy(false);
      setPending(null);
      // Keep focus on the button that started it (block/unblock swap: use the new one).
      const next: Action = a === 'block' ? 'unblock' : a === 'unblock' ? 'block' : a;
      requestAnimationFrame(() => (buttons.current[next] ?? buttons.current[a])?.focus());
    }
  };

  const confirmText =
    pending === 'resync'
      ? t.confirmResync(daemon.name)
      : pending === 'disconnect'
        ? t.confirmDisconnect(daemon.name)
        : pending === 'block'
          ? t.confirmBlock(daemon.name)
          : pending === 'unblock'
            ? t.confirmUnblock(daemon.name)
            : '';

  const btn = (a: Action, extra = '') => (
    <button
      type="button"
      className={`button ${extra}`}
      ref={(el) => {
        buttons.current[a] = el;
      }}
      onClick={() => ask(a)}
      aria-pressed={pending === a ? true : undefined}
      disabled={busy}
    >
      {LABEL[a]}
    </button>
  );

  return (
    <div className="daemon-actions">
      <div className="button-row" role="group" aria-label={t.groupLabel}>
        {btn('resync', 'button-primary')}
        {btn('disconnect')}
        {daemon.blocked ? btn('unblock') : btn('block', 'button-danger-outline')}
      </div>
      {daemon.status === 'offline' && !pending ? <p className="hint">{t.offlineHint}</p> : null}
      {pending ? (
        <ConfirmPanel
          message={confirmText}
          confirmLabel={t.confirm}
          cancelLabel={t.cancel}
          busyLabel={t.working}
          busy={busy}
          danger={pending === 'block' || pending === 'disconnect'}
          onConfirm={run}
          onCancel={cancel}
        >
          {pending === 'resync' ? (
            <div className="field">
              <label htmlFor="resync-reason">{t.resyncReason}</label>
              <input id="resync-reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && run()} />
            </div>
          ) : null}
        </ConfirmPanel>
      ) : null}
      <div aria-live="polite" className="action-result-slot">
        {result ? <p className={`action-result ${result.ok ? 'action-ok' : 'action-error'}`}>{result.text}</p> : null}
      </div>
    </div>
  );
}
