import { getDocument, GlobalWorkerOptions, PDFWorker, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Banner } from '../../components/Banner';
import { Loading } from '../../components/Loading';
import { keepOnDevice, readKept } from './device-copies';
import { loadPdf } from './pdf-bytes';
import { pdfText as t } from './strings';

// This module is the viewer's own chunk: pdf.js and its worker never weigh on
// the app's first load. The worker is a same-origin file (the CSP's
// default-src 'self' allows it) and is started once, on the first press of
// "Visualizar PDF", so it is ready by the time the file has arrived.
GlobalWorkerOptions.workerSrc = workerUrl;

let worker: PDFWorker | null = null;

let warming: Promise<void> | null = null;

/**
 * Starts pdf.js's worker and runs it once on a tiny document drawn off screen:
 * the first real PDF in a tab then finds pdf.js's code warm and Helvetica
 * loaded (measured: the first document in a tab took ~60 ms longer to draw
 * than the next ones, bench/pdf_view.sh).
 */
export function warmUp(): Promise<void> {
  worker ??= new PDFWorker();
  const w = worker;
  warming ??= w.promise
    .then(async () => {
      const d = await getDocument({ data: tinyPdf(), worker: w, isEvalSupported: false, enableXfa: false }).promise;
      try {
        const p = await d.getPage(1);
        const canvas = document.createElement('canvas');
        const viewport = p.getViewport({ scale: 0.5 });
        canvas.width = Math.ceil(viewport.width);
        canvas.height = Math.ceil(viewport.height);
        await p.render({ canvas, viewport }).promise;
      } finally {
        void d.destroy();
      }
    })
    .catch(() => {
      // Only a warm-up: the real document reports its own problems.
    });
  return warming;
}

/** A one-page PDF with a line of Helvetica, for the warm-up. */
function tinyPdf(): Uint8Array {
  const text = 'BT /F1 12 Tf 10 20 Td (Siberius) Tj ET';
  const bodies = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 120 40] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = bodies.map((b, i) => {
    const at = out.length;
    out += `${i + 1} 0 obj\n${b}\nendobj\n`;
    return at;
  });
  const xref = out.length;
  out += `xref\n0 ${bodies.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

const MIN_SCALE = 0.3;
const MAX_SCALE = 5;
const ZOOM_STEP = 1.25;
/** Phones refuse (or blank) canvases much past 16 M pixels: deep zooms render at a lower resolution instead. */
const MAX_CANVAS_PIXELS = 12_000_000;
const SWIPE_PX = 60;
/** "auto": the page's width, but not past this (a wide screen would show only the top of a page). */
const MAX_AUTO_SCALE = 1.25;

/** pdf.js asks for ranges only past two of these: a business PDF (up to 2 MB) comes in one request, which the
 *  server authenticates and records once; a large one still shows page 1 before its end has arrived. */
const RANGE_CHUNK = 1024 * 1024;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** The pages of one cached PDF on a canvas: page navigation, zoom (buttons, pinch, ctrl + wheel) and swipes on phones. */
export default function PdfViewerPage({ id, url, name, size, onUnavailable, onDevice }: {
  id: number;
  url: string;
  name: string;
  /** The file's size when known: a large one is read by pdf.js in ranges. */
  size?: number | null;
  onUnavailable?: () => void;
  /** Shown from the copy kept on this device (no network). */
  onDevice?: () => void;
}) {
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [failed, setFailed] = useState(false);
  const [page, setPage] = useState(1);
  /** 'width': the page's width fills the box; 'auto': the same up to MAX_AUTO_SCALE; otherwise pdf.js's scale (1 = 100 %). */
  const [zoom, setZoom] = useState<number | 'auto' | 'width'>('auto');
  const [boxWidth, setBoxWidth] = useState(0);
  /** The scale page 1 (or the current page) was last drawn at: for the zoom's figure and its steps. */
  const [shown, setShown] = useState<number | null>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [pageInput, setPageInput] = useState('1');

  /** The document came from the server (not this device's copy): keep it here once page 1 is drawn. */
  const keepAfterDraw = useRef(false);
  // Read when the document is opened; its arrival later (the status answer) must not open it again.
  const sizeRef = useRef(size);
  sizeRef.current = size;

  useEffect(() => {
    let gone = false;
    let task: ReturnType<typeof getDocument> | null = null;
    const options = { worker: worker ?? (worker = new PDFWorker()), isEvalSupported: false, enableXfa: false };
    const open = (source: Parameters<typeof getDocument>[0] & object) => {
      task = getDocument({ ...options, ...source });
      return task.promise;
    };
    const show = (d: PDFDocumentProxy) => (gone ? void d.destroy() : setDoc(d));
    const fail = (e: unknown) => {
      if (gone) return;
      console.warn('pdf.js could not open the document', e);
      setFailed(true);
      onUnavailable?.();
    };
    // The file the press started fetching (pdf-bytes.ts: from the server, else this device's copy);
    // a large one is left to pdf.js, whole up to two RANGE_CHUNKs and in ranges past that.
    void loadPdf(id, sizeRef.current).then(async (file) => {
      if (gone) return;
      if (file) {
        keepAfterDraw.current = !file.fromDevice;
        if (file.fromDevice) onDevice?.();
        return open({ data: file.bytes }).then(show, fail);
      }
      keepAfterDraw.current = true;
      return open({ url, rangeChunkSize: RANGE_CHUNK }).then(show, async (e: unknown) => {
        // A large file with no network: the copy on this device, if there is one.
        const bytes = gone || navigator.onLine !== false ? null : await readKept(id);
        if (!bytes || gone) return fail(e);
        keepAfterDraw.current = false;
        onDevice?.();
        return open({ data: bytes }).then(show, fail);
      });
    });
    return () => {
      gone = true;
      void task?.destroy();
    };
  }, [id, url, onUnavailable, onDevice]);

  // The box's width decides the "fit" scale; it changes when a phone turns.
  // It is known before the document arrives, so page 1 is drawn once.
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    setBoxWidth(box.clientWidth);
    const ro = new ResizeObserver(() => setBoxWidth(box.clientWidth));
    ro.observe(box);
    return () => ro.disconnect();
  }, []);

  const pages = doc?.numPages ?? 0;

  useEffect(() => setPageInput(String(page)), [page]);

  // Renders the page at the zoom; a newer render cancels the one under way.
  useEffect(() => {
    if (!doc) return;
    let task: RenderTask | null = null;
    let cancelled = false;
    void doc.getPage(page).then((p) => {
      const canvas = canvasRef.current;
      if (cancelled || !canvas) return;
      const natural = p.getViewport({ scale: 1 });
      const fit = clampScale((Math.max(boxWidth, 200) - 16) / natural.width);
      const scale = zoom === 'width' ? fit : zoom === 'auto' ? Math.min(fit, MAX_AUTO_SCALE) : zoom;
      setShown(scale);
      const css = p.getViewport({ scale });
      const dpr = window.devicePixelRatio || 1;
      const pixels = css.width * css.height * dpr * dpr;
      const density = pixels > MAX_CANVAS_PIXELS ? dpr * Math.sqrt(MAX_CANVAS_PIXELS / pixels) : dpr;
      const viewport = p.getViewport({ scale: scale * density });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(css.width)}px`;
      canvas.style.height = `${Math.floor(css.height)}px`;
      canvas.style.transform = '';
      canvas.removeAttribute('data-rendered-page');
      canvas.dataset.fit = String(Math.abs(scale - fit) < 0.001);
      task = p.render({ canvas, viewport });
      task.promise.then(
        () => {
          if (cancelled) return;
          canvas.setAttribute('data-rendered-page', String(page));
          // Page 1 is on screen: now the whole file goes to this device, for the field (device-copies.ts).
          if (keepAfterDraw.current) {
            keepAfterDraw.current = false;
            const d = doc;
            setTimeout(() => void d.getData().then((bytes) => keepOnDevice(id, bytes), () => {}), 500);
          }
        },
        (e: unknown) => {
          if ((e as { name?: string })?.name !== 'RenderingCancelledException') console.warn('pdf.js could not draw the page', e);
        },
      );
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [doc, page, zoom, boxWidth, id]);

  const scale = shown;
  const go = useCallback((n: number) => setPage((cur) => (pages ? Math.min(pages, Math.max(1, n)) : cur)), [pages]);
  const zoomBy = useCallback((f: number) => setZoom((z) => clampScale((typeof z === 'number' ? z : (scale ?? 1)) * f)), [scale]);

  // Pinch with two fingers: the canvas follows with a CSS transform, and is drawn again at the new scale when the fingers lift.
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pinch = useRef<{ start: number; ratio: number } | null>(null);
  const swipe = useRef<{ x: number; y: number } | null>(null);
  const distance = () => {
    const [a, b] = [...pointers.current.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) {
      pinch.current = { start: distance(), ratio: 1 };
      swipe.current = null;
    } else if (pointers.current.size === 1 && e.pointerType !== 'mouse') swipe.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    const p = pinch.current;
    if (p && pointers.current.size === 2 && p.start > 0 && scale) {
      p.ratio = clampScale(scale * (distance() / p.start)) / scale;
      if (canvasRef.current) canvasRef.current.style.transform = `scale(${p.ratio})`;
    }
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    const start = swipe.current;
    pointers.current.delete(e.pointerId);
    const p = pinch.current;
    if (p && pointers.current.size < 2) {
      pinch.current = null;
      if (Math.abs(p.ratio - 1) > 0.02) zoomBy(p.ratio);
      else if (canvasRef.current) canvasRef.current.style.transform = '';
    }
    swipe.current = null;
    // A sideways swipe turns the page when the page is not wider than the screen (else it scrolls).
    const box = boxRef.current;
    if (start && box && box.scrollWidth <= box.clientWidth + 1) {
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) go(page + (dx < 0 ? 1 : -1));
    }
  };
  // A trackpad pinch arrives as ctrl + wheel; React's wheel listener is passive, so it is added here to keep the page from zooming.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (e: globalThis.WheelEvent) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1);
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, [zoomBy]);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const box = boxRef.current;
    const sideways = box ? box.scrollWidth > box.clientWidth + 1 : false;
    if ((e.key === 'ArrowRight' && !sideways) || e.key === 'PageDown') go(page + 1);
    else if ((e.key === 'ArrowLeft' && !sideways) || e.key === 'PageUp') go(page - 1);
    else if (e.key === '+' || e.key === '=') zoomBy(ZOOM_STEP);
    else if (e.key === '-') zoomBy(1 / ZOOM_STEP);
    else return;
    e.preventDefault();
  };

  if (failed) return <Banner tone="error">{t.renderFailed}</Banner>;

  return (
    <div className="pdf-viewer">
      <div className="pdf-toolbar" role="toolbar" aria-label={t.toolbar}>
        <div className="pdf-toolbar-group">
          <button type="button" className="button button-small pdf-icon-button" onClick={() => go(page - 1)} disabled={!doc || page <= 1} aria-label={t.prevPage}>
            <span aria-hidden="true">‹</span>
          </button>
          <form
            className="pdf-page-form"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Number(pageInput);
              if (Number.isInteger(n)) go(n);
              else setPageInput(String(page));
            }}
          >
            <label className="sr-only" htmlFor="pdf-page-input">
              {t.pageInput}
            </label>
            <input
              id="pdf-page-input"
              className="pdf-page-input num"
              inputMode="numeric"
              value={pageInput}
              onChange={(e) => setPageInput(e.target.value.replace(/\D/g, '').slice(0, 5))}
              onBlur={() => setPageInput(String(page))}
              disabled={!doc}
            />
            <span className="pdf-page-count num">{t.pageOf(pages || 1)}</span>
          </form>
          <button type="button" className="button button-small pdf-icon-button" onClick={() => go(page + 1)} disabled={!doc || page >= pages} aria-label={t.nextPage}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
        <div className="pdf-toolbar-group">
          <button type="button" className="button button-small pdf-icon-button" onClick={() => zoomBy(1 / ZOOM_STEP)} disabled={!scale || scale <= MIN_SCALE} aria-label={t.zoomOut}>
            <span aria-hidden="true">−</span>
          </button>
          <output className="pdf-zoom num" aria-live="off">
            {scale ? t.zoomValue(Math.round(scale * 100)) : ''}
          </output>
          <button type="button" className="button button-small pdf-icon-button" onClick={() => zoomBy(ZOOM_STEP)} disabled={!scale || scale >= MAX_SCALE} aria-label={t.zoomIn}>
            <span aria-hidden="true">+</span>
          </button>
          <button type="button" className="button button-small" onClick={() => setZoom('width')} aria-pressed={zoom === 'width'}>
            {t.fitWidth}
          </button>
        </div>
      </div>
      <div
        ref={boxRef}
        className="pdf-canvas-box"
        tabIndex={0}
        aria-label={t.pageImage(page, pages || 1, name)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      >
        {doc ? null : <Loading label={t.loadingDocument} />}
        <canvas ref={canvasRef} className="pdf-canvas" role="img" aria-label={t.pageImage(page, pages || 1, name)} hidden={!doc} />
      </div>
    </div>
  );
}
