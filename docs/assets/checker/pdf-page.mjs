// pdf.js inside a worker (qr-worker.mjs): page 1 of a PDF painted on an OffscreenCanvas.
//
// The page's main thread never sees pdf.js.  In the page, pdf.js added each document's fonts to
// the document (FontFace: every card re-laid out) and relayed every message between its parser
// and its renderer: ~17 ms of main-thread time per PDF in a batch, measured with Chromium's
// tracing.  Here its API, its painting and the QR decoding share one worker; only the QR texts
// and a small preview bitmap go back to the page.
//
// What a worker lacks is supplied explicitly: canvases are OffscreenCanvas, glyphs are painted as
// paths (disableFontFace: there is no document to add fonts to), filters (transfer functions,
// luminosity masks) are left out as pdf.js does where no DOM exists, and pdf.js's own parser
// worker fetches its CMaps and fonts itself (useWorkerFetch).  All URLs are this site's.
import { PATHS, spawnWorker } from "./paths.mjs";

let pdfjsPromise = null;

/** pdf.js's API module, its parser in a nested worker (a blob: bootstrap, bound by the page's CSP). */
export function pdfjs() {
  if (!pdfjsPromise) {
    pdfjsPromise = import(PATHS.pdfjs).then((lib) => {
      lib.GlobalWorkerOptions.workerPort = spawnWorker(PATHS.pdfjsWorker, "pdfjs");
      return lib;
    });
    pdfjsPromise.catch(() => {
      pdfjsPromise = null;
    });
  }
  return pdfjsPromise;
}

class OffscreenCanvasFactory {
  create(width, height) {
    if (width <= 0 || height <= 0) throw new Error("Invalid canvas size");
    const canvas = new OffscreenCanvas(width, height);
    return { canvas, context: canvas.getContext("2d", { willReadFrequently: true }) };
  }

  reset(canvasAndContext, width, height) {
    canvasAndContext.canvas.width = width;
    canvasAndContext.canvas.height = height;
  }

  destroy(canvasAndContext) {
    canvasAndContext.canvas.width = canvasAndContext.canvas.height = 0;
    canvasAndContext.canvas = null;
    canvasAndContext.context = null;
  }

  getNoAlphaContext(canvas) {
    return canvas.getContext("2d", { alpha: false, willReadFrequently: true });
  }
}

// pdf.js's own choice where there is no DOM (its Node.js build): no SVG filters.  They only tint
// or mask (transfer functions, soft masks by luminosity), which a QR code's modules never need.
class NoFilterFactory {
  addFilter() { return "none"; }
  addHCMFilter() { return "none"; }
  addAlphaFilter() { return "none"; }
  addLuminosityFilter() { return "none"; }
  addKnockoutFilter() { return "none"; }
  addHighlightHCMFilter() { return "none"; }
  addSelectionHCMFilter() { return "none"; }
  addSelectionFilter() { return "none"; }
  createSelectionStyle() { return null; }
  destroy() {}
}

/**
 * Open a PDF (its bytes: an ArrayBuffer that pdf.js takes over) and its page 1.
 * Resolves {page, close}; `close()` ends the document in pdf.js (await it before the next one:
 * pdf.js refuses a new document on a port whose previous one is still being torn down).
 * Rejects for a file pdf.js cannot open, an encrypted one included.
 */
export async function openFirstPage(bytes) {
  const lib = await pdfjs();
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    cMapUrl: PATHS.pdfjsCMaps,
    cMapPacked: true,
    standardFontDataUrl: PATHS.pdfjsFonts,
    wasmUrl: PATHS.pdfjsWasm,
    iccUrl: PATHS.pdfjsIccs,
    useWorkerFetch: true,
    enableXfa: false,
    useSystemFonts: false,
    disableFontFace: true,
    stopAtErrors: false,
    isOffscreenCanvasSupported: true,
    disableWorkerRendering: true,
    CanvasFactory: OffscreenCanvasFactory,
    FilterFactory: NoFilterFactory,
  });
  let closed = null;
  const close = () => (closed = closed || task.destroy().catch(() => {}));
  task.onPassword = () => close(); // encrypted: the Python core explains it
  try {
    const doc = await task.promise;
    return { page: await doc.getPage(1), close, annotationMode: lib.AnnotationMode.ENABLE };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Paint `page` (from openFirstPage) on white with its long side `longSide` px (at most 4x).
 * Returns {canvas: OffscreenCanvas, context, scale}.
 */
export async function paint(opened, longSide) {
  const base = opened.page.getViewport({ scale: 1 });
  const scale = Math.min(4, longSide / Math.max(base.width, base.height));
  const viewport = opened.page.getViewport({ scale });
  const canvas = new OffscreenCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext("2d", { alpha: false, willReadFrequently: true });
  await opened.page.render({ canvasContext: context, canvas, viewport, background: "#ffffff", annotationMode: opened.annotationMode }).promise;
  return { canvas, context, scale };
}
