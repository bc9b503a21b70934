import { lazy, Suspense, useCallback, useEffect, useState, type MouseEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Loading } from '../../components/Loading';
import { ApiError } from '../../lib/api-client';
import { Link } from '../../lib/router';
import { downloadUrl, fetchPdfStatus, type PdfStatus } from './api';
import { dropKept, isKeptOnDevice, readKept, refreshKept } from './device-copies';
import './pdf.css';
import { PdfState, PdfViewButton } from './PdfViewButton';
import { pdfText } from './strings';
import { viewOf } from './transfer-state';
import { ask, foldStatus, nameOf, openedFrom, refresh, usePdfTransfer, viewerPath } from './transfers';
import { loadViewer } from './viewer-chunk';

export { pdfText };
export { PdfViewButton, pdfName, type PdfRef } from './PdfViewButton';
export const pdfViewerPath = viewerPath;

/** At the app's start: the PDFs kept on this device past their date are removed (device-copies.ts). */
export function dropExpiredDeviceCopies(): void {
  // A moment after the start, out of the first screen's way.
  setTimeout(() => void refreshKept(), 1500);
}

// pdf.js is large: the viewer is its own chunk, fetched when a PDF is opened
// (or as soon as "Visualizar PDF" is pressed).
const Viewer = lazy(loadViewer);

/**
 * Route /pdf/:id: the PDF when it is on the server; otherwise it is asked
 * for (whoever opens this page is waiting for it) and the page shows how it
 * comes, then the PDF by itself when it arrives.
 */
export function PdfViewerRoute({ id }: { id: number }) {
  const [status, setStatus] = useState<PdfStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const x = usePdfTransfer(id);

  /** Shown from the copy kept on this device: the page says so. */
  const [onDevice, setOnDevice] = useState(false);
  const showingFromDevice = useCallback(() => setOnDevice(true), []);

  useEffect(() => {
    const ctrl = new AbortController();
    fetchPdfStatus(id, ctrl.signal).then(
      (s) => {
        setStatus(s);
        const after = foldStatus(id, s);
        const view = viewOf(s.status, after);
        if (view === 'office' || view === 'expired' || view === 'uploading-other') void ask(id, { openOnArrival: false });
      },
      async (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError({ status: 0, code: 'client', message: String(e) });
        // No network (or no server) and nothing kept by the service worker: the copy on this device, if there is one.
        if (err.isUnreachable) {
          await refreshKept();
          if (!ctrl.signal.aborted && isKeptOnDevice(id)) {
            setOnDevice(true);
            return;
          }
        }
        if (err.code === 'forbidden' || err.code === 'not_found') void dropKept(id);
        if (!ctrl.signal.aborted) setError(err);
      },
    );
    return () => ctrl.abort();
  }, [id]);

  // The copy went away between the list and the viewer (expired, lost): where is it now? Ask again if need be.
  const onUnavailable = useCallback(() => {
    void refresh(id).then((after) => {
      const v = viewOf('available_local', after);
      if (v === 'office' || v === 'expired') void ask(id, { openOnArrival: false });
    });
  }, [id]);

  const name = nameOf(id) ?? status?.filename ?? pdfText.title;
  // Opened from a list that knew it was on the server: the viewer starts before the status answers.
  const view = status ? viewOf(status.status, x) : x?.phase === 'ready' || onDevice ? 'ready' : null;
  const onServer = view === 'cached' || view === 'ready';
  const back = openedFrom() ?? '/';

  return (
    <div className="page pdf-page">
      <div className="pdf-page-header">
        <Link
          to={back}
          className="button button-small button-quiet"
          onClick={(e) => {
            // Back to the very place in the list (its scroll position) when the viewer was opened from the app.
            if (openedFrom() && window.history.length > 1) {
              e.preventDefault();
              window.history.back();
            }
          }}
        >
          <span aria-hidden="true">←</span> {pdfText.back}
        </Link>
        <h1 tabIndex={-1} data-page-heading className="pdf-title wrap-anywhere">
          {name}
        </h1>
        {onServer ? (
          <a
            className="button button-small"
            href={downloadUrl(id)}
            download={status?.filename ?? name}
            title={pdfText.downloadHint}
            onClick={onDevice ? (e) => void saveKeptCopy(e, id, status?.filename ?? `${name}.pdf`) : undefined}
          >
            {pdfText.download}
          </a>
        ) : null}
      </div>

      {error ? (
        <Banner tone="error">{error.code === 'forbidden' ? pdfText.forbidden : error.code === 'not_found' ? pdfText.notFound : error.message}</Banner>
      ) : !view ? (
        <Loading label={pdfText.loadingDocument} />
      ) : onServer ? (
        <Suspense fallback={<Loading label={pdfText.loadingPage} />}>
          {onDevice ? <p className="pdf-device-note">{pdfText.fromDevice}</p> : null}
          <Viewer id={id} url={downloadUrl(id)} name={name} size={status?.fileSize} onUnavailable={onUnavailable} onDevice={showingFromDevice} />
        </Suspense>
      ) : (
        <div className="panel pdf-wait">
          {view === 'office' || view === 'expired' || view === 'failed' || view === 'missing' || view === 'error' ? (
            <PdfViewButton pdf={{ id, status: status?.status ?? 'available_local', filename: status?.filename ?? null }} label={name} />
          ) : (
            <PdfState id={`pdf-state-${id}`} view={view} x={x} name={name} />
          )}
        </div>
      )}
    </div>
  );
}

/** "Baixar" with no network: the file comes from this device's copy instead of the server. */
async function saveKeptCopy(e: MouseEvent, id: number, filename: string): Promise<void> {
  e.preventDefault();
  const bytes = await readKept(id);
  if (!bytes) return;
  const href = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
