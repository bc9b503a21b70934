import { useEffect, useId, useState } from 'react';
import { formatBytes } from '../../lib/format';
import './pdf.css';
import { useKeptOnDevice } from './device-copies';
import { useOnline } from '../../lib/online';
import { pdfText as t } from './strings';
import { failureText, viewOf, type Transfer, type View } from './transfer-state';
import { ask, askNotificationPermission, canNotify, openViewer, rememberName, usePdfTransfer } from './transfers';
import { preloadViewer, preloadViewerWhenIdle } from './viewer-chunk';

/** What a list knows of a PDF; enough for the button to pick what to do. */
export interface PdfRef {
  id: number;
  /** available_local | uploading | cached | expired | missing (docs/api.md) */
  status: string;
  filename?: string | null;
  tipo?: string | null;
  numero?: string | null;
}

const tipos: Record<string, string> = { os: 'OS', orcamento: 'Orçamento', montagem: 'Montagem' };

/** "OS 4512", else the file name, else "Documento": for labels and the notification. */
export function pdfName(pdf: Pick<PdfRef, 'tipo' | 'numero' | 'filename'>): string {
  if (pdf.numero) {
    const tipo = pdf.tipo ? (tipos[pdf.tipo] ?? pdf.tipo) : '';
    return tipo && !pdf.numero.toLowerCase().startsWith(tipo.toLowerCase()) ? `${tipo} ${pdf.numero}` : pdf.numero;
  }
  return pdf.filename || t.title;
}

/**
 * "Visualizar PDF": does the right thing for the PDF's state. Cached: opens
 * the viewer at once. In the office: asks for it at high priority, shows the
 * upload live and opens it when it arrives. Office offline: says so; the
 * request waits on the server and a notification comes with the PDF.
 * Expired: asks again. Missing or failed: the reason, and a way to try again.
 */
export function PdfViewButton({ pdf, compact = false, label }: { pdf: PdfRef; compact?: boolean; label?: string }) {
  const x = usePdfTransfer(pdf.id);
  const kept = useKeptOnDevice(pdf.id);
  const online = useOnline();
  // With no network, a PDF kept on this device opens from here whatever the (saved) list says.
  const listed = viewOf(pdf.status, x);
  const view = !online && kept && listed !== 'no-network' ? 'cached' : listed;
  const name = label ?? pdfName(pdf);
  const stateId = useId();

  useEffect(() => rememberName(pdf.id, name), [pdf.id, name]);
  useEffect(preloadViewerWhenIdle, []);

  const press = () => {
    // pdf.js is fetched and started while the office sends the file.
    preloadViewer();
    if (view === 'cached' || view === 'ready') openViewer(pdf.id, { cached: true });
    else void ask(pdf.id);
  };

  const busy = view === 'requesting';
  const again = view === 'failed' || view === 'missing' || view === 'error';
  return (
    <div className={`pdf-view${compact ? ' pdf-view-compact' : ''}`} data-pdf-id={pdf.id} data-pdf-state={view}>
      <button
        type="button"
        className={`button ${compact ? 'button-small' : ''} ${view === 'ready' || view === 'cached' ? 'button-primary' : ''}`}
        onClick={press}
        // The viewer's code starts on the finger's touch (or the mouse's hover), a little before the click.
        onPointerDown={preloadViewer}
        onPointerEnter={view === 'cached' || view === 'ready' ? preloadViewer : undefined}
        aria-describedby={stateId}
        disabled={busy}
      >
        {again ? t.retry : view === 'expired' ? t.askAgain : view === 'ready' && x?.waitedOffline ? t.open : t.view}
        <span className="sr-only"> {name}</span>
      </button>
      <PdfState id={stateId} view={view} x={x} name={name} kept={kept} />
    </div>
  );
}

/** The state in words under the button; the progress bar while it comes. */
export function PdfState({ id, view, x, name, kept = false }: { id: string; view: View; x: Transfer | undefined; name: string; kept?: boolean }) {
  let text: string | null = null;
  let tone = '';
  switch (view) {
    case 'cached':
      text = kept ? t.keptHint : t.cachedHint;
      break;
    case 'office':
      text = t.officeHint;
      break;
    case 'expired':
      text = t.expiredHint;
      break;
    case 'requesting':
      text = t.requesting;
      break;
    case 'queued':
      text = t.queued(x?.queuePosition ?? null);
      break;
    case 'uploading':
      text = t.uploading;
      break;
    case 'uploading-other':
      text = t.uploadingOther;
      break;
    case 'ready':
      text = x?.waitedOffline ? t.arrived : kept ? t.keptHint : t.cachedHint;
      tone = x?.waitedOffline ? 'pdf-state-ok' : '';
      break;
    case 'offline':
    case 'no-network':
      tone = 'pdf-state-warn';
      break;
    case 'missing':
      text = `${t.missingTitle} ${x?.code && x.code !== 'missing' ? failureText(x.code, x.reason) : t.missing}`;
      tone = 'pdf-state-error';
      break;
    case 'failed':
      text = `${t.failedTitle} ${failureText(x?.code ?? null, x?.reason ?? null)}`;
      tone = 'pdf-state-error';
      break;
    case 'error':
      text = x?.reason ?? t.failedTitle;
      tone = 'pdf-state-error';
      break;
  }
  const showBar = view === 'uploading' || view === 'uploading-other' || view === 'queued';
  return (
    <div className={`pdf-state ${tone}`}>
      <p id={id} className="pdf-state-text" role="status">
        {view === 'offline' ? (
          <>
            <strong>{t.offlineTitle}</strong> {t.offline}
          </>
        ) : view === 'no-network' ? (
          <>
            <strong>{t.noNetworkTitle}</strong> {t.noNetwork}
          </>
        ) : (
          text
        )}
      </p>
      {showBar ? <ProgressBar x={x} name={name} /> : null}
      {view === 'offline' || view === 'no-network' ? <NotifyChoice /> : null}
    </div>
  );
}

function ProgressBar({ x, name }: { x: Transfer | undefined; name: string }) {
  const percent = x?.phase === 'uploading' ? Math.max(0, Math.min(100, Math.round(x.percent ?? 0))) : null;
  const amounts = x?.bytes != null && x.totalBytes ? t.progressOf(formatBytes(x.bytes), formatBytes(x.totalBytes)) : null;
  return (
    <div className="pdf-progress">
      <div
        className={`pdf-progress-track${percent === null ? ' pdf-progress-waiting' : ''}`}
        role="progressbar"
        aria-label={t.progressLabel(name)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <div className="pdf-progress-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <span className="pdf-progress-text num" aria-hidden="true">
        {percent === null ? '' : `${percent}%`}
        {amounts ? ` · ${amounts}` : ''}
      </span>
    </div>
  );
}

/** The request waits on the server while the office is offline: offer to be told when it arrives. */
function NotifyChoice() {
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(() => (canNotify() ? Notification.permission : 'unsupported'));
  if (permission === 'unsupported') return null;
  if (permission === 'granted') return <p className="pdf-state-text">{t.willNotify}</p>;
  if (permission === 'denied') return <p className="pdf-state-text">{t.notifyDenied}</p>;
  return (
    <button type="button" className="button button-small" onClick={() => void askNotificationPermission().then(setPermission)}>
      {t.notifyMe}
    </button>
  );
}
