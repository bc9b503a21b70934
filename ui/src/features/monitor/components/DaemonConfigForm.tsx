import { useId, useState, type FormEvent } from 'react';
import { ConfirmPanel } from '../../../components/ConfirmPanel';
import { errorMessage } from '../../../lib/api-client';
import { updateDaemonConfig } from '../api';
import { monitorText } from '../strings';
import type { ConfigResult, ConfigUpdate, DaemonDetail, LogLevel } from '../types';

const t = monitorText.config;
const ta = monitorText.actions;
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The values the form starts from: what the admin asked for, else what the daemon reports it runs with. */
export function initialConfig(d: Pick<DaemonDetail, 'config' | 'heartbeat'>) {
  const stored = d.config ?? {};
  const eff = d.heartbeat?.config ?? {};
  return {
    scanIntervalSeconds: stored.scanIntervalSeconds ?? eff.scanIntervalSeconds ?? null,
    logLevel: (stored.logLevel ?? eff.logLevel ?? 'info') as LogLevel,
    autoUpload: stored.autoUpload ?? eff.autoUpload ?? false,
  };
}

/** Only what changed; an invalid interval is reported, not sent. */
export function configChanges(
  initial: ReturnType<typeof initialConfig>,
  form: { scan: string; logLevel: LogLevel; autoUpload: boolean },
): { update: ConfigUpdate; invalidScan: boolean } {
  const update: ConfigUpdate = {};
  let invalidScan = false;
  if (form.scan.trim() !== '') {
    const n = Number(form.scan);
    if (!Number.isInteger(n) || n < 5 || n > 86400) invalidScan = true;
    else if (n !== initial.scanIntervalSeconds) update.scanIntervalSeconds = n;
  }
  if (form.logLevel !== initial.logLevel) update.logLevel = form.logLevel;
  if (form.autoUpload !== initial.autoUpload) update.autoUpload = form.autoUpload;
  return { update, invalidScan };
}

const FIELD_NAME: Record<string, string> = {
  scanIntervalSeconds: monitorText.detail.fields.scanInterval,
  logLevel: monitorText.detail.fields.logLevel,
  autoUpload: monitorText.detail.fields.autoUpload,
};

export function describeConfigResult(r: ConfigResult): { ok: boolean; text: string } {
  if (!r.delivered) return { ok: true, text: t.notDelivered };
  const ack = r.ack ?? {};
  const applied = Object.keys(ack.applied ?? {});
  const rejected = Object.entries(ack.rejected ?? {});
  if (rejected.length === 0) return { ok: ack.ok !== false, text: ack.ok === false && ack.error ? ack.error : t.appliedAll };
  const parts = [];
  if (applied.length) parts.push(t.applied(applied.map((k) => FIELD_NAME[k] ?? k).join(', ')));
  parts.push(t.rejected(rejected.map(([k, why]) => `${FIELD_NAME[k] ?? k} (${why})`).join('; ')));
  return { ok: applied.length > 0, text: parts.join(' ') };
}

export function DaemonConfigForm({ daemon, onSaved }: { daemon: DaemonDetail; onSaved: () => void }) {
  const initial = initialConfig(daemon);
  const [scan, setScan] = useState(initial.scanIntervalSeconds === null ? '' : String(initial.scanIntervalSeconds));
  const [logLevel, setLogLevel] = useState<LogLevel>(initial.logLevel);
  const [autoUpload, setAutoUpload] = useState<boolean>(initial.autoUpload);
  const [confirming, setConfirming] = useState<ConfigUpdate | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [scanError, setScanError] = useState(false);
  const ids = { scan: useId(), scanHint: useId(), level: useId(), auto: useId(), autoHint: useId() };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setResult(null);
    const { update, invalidScan } = configChanges(initial, { scan, logLevel, autoUpload });
    setScanError(invalidScan);
    if (invalidScan) {
      document.getElementById(ids.scan)?.focus();
      return;
    }
    if (Object.keys(update).length === 0) {
      setResult({ ok: true, text: t.nothingChanged });
      return;
    }
    setConfirming(update);
  };

  const send = async () => {
    if (!confirming) return;
    setBusy(true);
    try {
      const r = await updateDaemonConfig(daemon.id, confirming);
      setResult(describeConfigResult(r));
      onSaved();
    } catch (err) {
      setResult({ ok: false, text: ta.failed(ta.config, errorMessage(err)) });
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  return (
    <form className="config-form" onSubmit={onSubmit} noValidate>
      <p className="hint">{t.intro}</p>
      <div className="field">
        <label htmlFor={ids.scan}>{t.scanInterval}</label>
        <input
          id={ids.scan}
          type="number"
          inputMode="numeric"
          min={5}
          max={86400}
          step={1}
          value={scan}
          onChange={(e) => setScan(e.target.value)}
          aria-describedby={ids.scanHint}
          aria-invalid={scanError || undefined}
          className="input-narrow num"
        />
        <p id={ids.scanHint} className={scanError ? 'field-error' : 'hint'}>
          {scanError ? t.scanIntervalInvalid : t.scanIntervalHint}
        </p>
      </div>
      <div className="field">
        <label htmlFor={ids.level}>{t.logLevel}</label>
        <select id={ids.level} value={logLevel} onChange={(e) => setLogLevel(e.target.value as LogLevel)} className="input-narrow">
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {monitorText.logs.levels[l]}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-check">
        <input id={ids.auto} type="checkbox" checked={autoUpload} onChange={(e) => setAutoUpload(e.target.checked)} aria-describedby={ids.autoHint} />
        <label htmlFor={ids.auto}>{t.autoUpload}</label>
        <p id={ids.autoHint} className="hint">
          {t.autoUploadHint}
        </p>
      </div>
      {confirming ? (
        <ConfirmPanel
          message={ta.confirmConfig(daemon.name)}
          confirmLabel={ta.confirm}
          cancelLabel={ta.cancel}
          busyLabel={ta.working}
          busy={busy}
          onConfirm={send}
          onCancel={() => setConfirming(null)}
        />
      ) : (
        <button type="submit" className="button button-primary">
          {t.save}
        </button>
      )}
      <div aria-live="polite" className="action-result-slot">
        {result ? <p className={`action-result ${result.ok ? 'action-ok' : 'action-error'}`}>{result.text}</p> : null}
      </div>
    </form>
  );
}
