// QR path of the page: pdf.js renders page 1 (its own worker), zxing-wasm decodes in
// qr-worker.mjs.  All runtime files are self-hosted (see paths.mjs).
import { PATHS, spawnWorker } from "./paths.mjs";

// Long side of the rendered page in pixels, tried in order until a QR code is found (coarse to
// fine, as the CLI does at 72, 216 and 360 dpi: a page whose code is read at one size is not
// rendered again).  At 850 px (72 dpi on A4) a 36 mm certificate code gets ~2.7 px per module,
// which zxing reads, at under a third of the pixels of 1600 px (rendering and decoding time);
// 1600 px gives a 25 mm code 3.5 px per module, 2200 px (4+) is the last try for smaller or
// denser codes.  A page with no code at all costs the three renderings.  A second, tiny code
// beside one found at a coarser size would go unread; a certificate carries one, and a page
// changed to carry two fails its signature check anyway.
const RENDER_LONG_SIDES = [850, 1600, 2200];
const PREVIEW_WIDTH = 640;

let pdfjsPromise = null;
let pdfjsIdle = Promise.resolve(); // the previous document's teardown in pdf.js

// A page pdf.js cannot load and render in this time (a hostile file: millions of operators, a
// huge shading) is given up: its QR code counts as not checked (so the file cannot pass), and the
// next file gets fresh pdf.js workers instead of waiting behind a busy one.  Review aid for
// tests: ?qr_timeout_ms=N.
const PAGE_TIMEOUT_MS = (() => {
  const v = Number(new URLSearchParams(location.search).get("qr_timeout_ms"));
  return Number.isFinite(v) && v > 0 ? v : 20_000;
})();
const TEARDOWN_WAIT_MS = 5_000;

class Timeout extends Error {}

function within(promise, ms) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), Math.max(0, ms));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Replace pdf.js's workers (the old ones may still be busy with an abandoned document). */
function freshPdfjsWorkers(lib) {
  const opts = lib.GlobalWorkerOptions;
  const old = [opts.workerPort, ...(opts.rendererPorts || [])];
  opts.workerPort = spawnWorker(PATHS.pdfjsWorker, "pdfjs");
  if ("rendererPorts" in opts) opts.rendererPorts = [spawnWorker(PATHS.pdfjsRenderer, "pdfjs-renderer")];
  for (const w of old) {
    try {
      if (w) w.terminate();
    } catch (_) {
      /* already gone */
    }
  }
  pdfjsIdle = Promise.resolve();
}
function pdfjs() {
  if (!pdfjsPromise) {
    pdfjsPromise = import(PATHS.pdfjs).then((lib) => {
      lib.GlobalWorkerOptions.workerSrc = PATHS.pdfjsWorker;
      // Our own (blob-bootstrapped) worker so that the page's CSP covers pdf.js's worker too.
      lib.GlobalWorkerOptions.workerPort = spawnWorker(PATHS.pdfjsWorker, "pdfjs");
      // pdf.js 6 can paint pages in a renderer worker (OffscreenCanvas) and hand back bitmaps:
      // the main thread only copies the finished frame.  One port, reused file after file
      // (pdf.js releases it when a document is destroyed; without it pdf.js paints here).
      if ("rendererPorts" in lib.GlobalWorkerOptions) {
        lib.GlobalWorkerOptions.rendererPorts = [spawnWorker(PATHS.pdfjsRenderer, "pdfjs-renderer")];
      }
      return lib;
    });
    pdfjsPromise.catch(() => {
      pdfjsPromise = null;
    });
  }
  return pdfjsPromise;
}

// ---- qr-worker client ----------------------------------------------------------------------
let qrWorker = null;
let nextId = 1;
const waiting = new Map();

function worker() {
  if (!qrWorker) {
    qrWorker = spawnWorker(PATHS.qrWorker, "qr");
    qrWorker.onmessage = (ev) => {
      const m = ev.data || {};
      const w = waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id);
      if (m.type === "decoded") w.resolve(m);
      else w.reject(new Error(m.message || "QR decoding failed"));
    };
    qrWorker.onerror = (ev) => {
      ev.preventDefault();
      for (const w of waiting.values()) w.reject(new Error(ev.message || "QR worker failed"));
      waiting.clear();
      qrWorker = null;
    };
  }
  return qrWorker;
}

function decodeInWorker(payload, transfer) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker().postMessage({ type: "decode", id, ...payload }, transfer || []);
  });
}

/** Warm up both QR components while Pyodide loads (their files are small). */
export function preload() {
  pdfjs().catch(() => {});
  try {
    worker();
  } catch (_) {
    /* reported when used */
  }
}

function previewCanvas(source, box) {
  const scale = Math.min(1, PREVIEW_WIDTH / source.width);
  const c = document.createElement("canvas");
  c.width = Math.max(1, Math.round(source.width * scale));
  c.height = Math.max(1, Math.round(source.height * scale));
  c.className = "cqc-preview-canvas";
  const g = c.getContext("2d");
  g.drawImage(source, 0, 0, c.width, c.height);
  return c;
}

function outline(figure, boxes) {
  for (const b of boxes) {
    if (!b) continue;
    const [x, y, w, hgt] = b;
    const pad = 0.01;
    const r = document.createElement("div");
    r.className = "cqc-qrbox";
    r.style.left = `${Math.max(0, x - pad) * 100}%`;
    r.style.top = `${Math.max(0, y - pad) * 100}%`;
    r.style.width = `${(w + 2 * pad) * 100}%`;
    r.style.height = `${(hgt + 2 * pad) * 100}%`;
    figure.querySelector(".cqc-preview-frame").append(r);
  }
}

function figure(canvas, caption) {
  const f = document.createElement("figure");
  f.className = "cqc-preview";
  const frame = document.createElement("div");
  frame.className = "cqc-preview-frame";
  frame.append(canvas);
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  f.append(frame, cap);
  return f;
}

// One document at a time in pdf.js: its worker port is shared, and a document created while the
// previous one is torn down is refused.  A batch checks several files at once (a pool of Python
// workers): their renderings take turns here, each with its own time limit once it starts, while
// zxing decodes the previous file's page in its own worker (the turn ends with the bitmap).
let pdfTurn = Promise.resolve();

function inTurn(job) {
  const mine = pdfTurn.then(job);
  pdfTurn = mine.catch(() => {});
  return mine;
}

/**
 * PDF: render page 1, decode QR codes.  Returns {qr: [QrInput] | null, preview: Element | null,
 * note}.  `qr: null` means "could not look" (the Python side then reports that QR was not checked).
 */
export async function pdfQr(bytes) {
  let preview = null;
  let decoded = { codes: [] };
  for (const longSide of RENDER_LONG_SIDES) {
    const page = await inTurn(() => renderPage(bytes, longSide, !preview));
    if (page.note) return { qr: null, preview, note: page.note };
    preview = preview || page.preview;
    try {
      decoded = await decodeInWorker({ bitmap: page.bitmap }, [page.bitmap]);
    } catch (err) {
      return { qr: null, preview, note: "二维码识别组件加载失败，未识别二维码。" };
    }
    if (decoded.codes.length || page.scale >= 4) break;
  }
  const qr = decoded.codes.map((c) => ({ text: c.text, source: "page 1", box: c.box }));
  if (preview) outline(preview, qr.map((q) => q.box));
  return { qr, preview, note: qr.length ? "" : "第 1 页上没有识别到二维码。" };
}

/** Page 1 rendered with its long side `longSide` px: {bitmap, scale, preview} or {note}. */
async function renderPage(bytes, longSide, wantPreview) {
  let lib;
  try {
    lib = await pdfjs();
  } catch (err) {
    return { note: "预览组件（pdf.js）加载失败，未识别二维码。" };
  }
  // pdf.js refuses a new document on the shared worker port while the previous one is still
  // being torn down ("PDFWorker.create - the worker is being destroyed"): wait for that first,
  // but not for ever (a worker stuck in a hostile document never finishes it).
  try {
    await within(pdfjsIdle, TEARDOWN_WAIT_MS);
  } catch (err) {
    freshPdfjsWorkers(lib);
  }
  const started = performance.now();
  const left = () => PAGE_TIMEOUT_MS - (performance.now() - started);
  let task;
  try {
    task = lib.getDocument({
      data: new Uint8Array(bytes.slice(0)), // pdf.js transfers its copy to its worker
      cMapUrl: PATHS.pdfjsCMaps,
      cMapPacked: true,
      standardFontDataUrl: PATHS.pdfjsFonts,
      wasmUrl: PATHS.pdfjsWasm,
      iccUrl: PATHS.pdfjsIccs,
      enableXfa: false,
      useSystemFonts: false,
      stopAtErrors: false,
    });
  } catch (err) {
    return { note: "无法渲染该文件的第 1 页，未识别二维码。" };
  }
  // Ends the document in pdf.js's worker (the worker itself is reused).  Not awaited here, so
  // the verdict does not wait for it; the next file awaits it (pdfjsIdle) before it starts.
  let released = null;
  let abandoned = false; // timed out: its workers were replaced, do not wait for its teardown
  const release = () => {
    if (!released) {
      released = task.destroy().catch(() => {});
      if (!abandoned) pdfjsIdle = released;
    }
    return released;
  };
  const timedOut = () => {
    abandoned = true;
    release();
    freshPdfjsWorkers(lib);
    return { note: "第 1 页在规定时间内没有渲染完成（文件过于复杂或已损坏），未识别二维码。" };
  };
  task.onPassword = () => release(); // encrypted: the Python core explains it
  let doc;
  try {
    doc = await within(task.promise, left());
  } catch (err) {
    if (err instanceof Timeout) return timedOut();
    release();
    return { note: "无法渲染该文件的第 1 页，未识别二维码。" };
  }
  let renderTask = null;
  try {
    const page = await within(doc.getPage(1), left());
    const base = page.getViewport({ scale: 1 });
    const scale = Math.min(4, longSide / Math.max(base.width, base.height));
    const viewport = page.getViewport({ scale });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(viewport.width);
    canvas.height = Math.ceil(viewport.height);
    performance.mark("cqc-render-start");
    // `canvas` only, no `canvasContext`: with a context pdf.js paints on this thread; without,
    // its renderer worker paints and the page just receives the finished frame.
    renderTask = page.render({ canvas, viewport, background: "#ffffff", annotationMode: lib.AnnotationMode ? lib.AnnotationMode.ENABLE : 1 });
    await within(renderTask.promise, left());
    renderTask = null;
    performance.mark("cqc-render-end");
    // No getImageData here: reading megapixels back costs the main thread 100+ ms.  A bitmap
    // snapshot is cheap; qr-worker turns it into pixels off the main thread.
    const bitmap = await createImageBitmap(canvas);
    performance.mark("cqc-bitmap-end");
    const preview = wantPreview ? figure(previewCanvas(canvas), "第 1 页预览（红框：识别到的二维码）") : null;
    performance.mark("cqc-preview-end");
    canvas.width = canvas.height = 0; // free the big bitmap
    return { bitmap, scale, preview };
  } catch (err) {
    if (err instanceof Timeout) {
      try {
        if (renderTask) renderTask.cancel();
      } catch (_) {
        /* the worker is replaced anyway */
      }
      return timedOut();
    }
    return { note: "无法渲染该文件的第 1 页，未识别二维码。" };
  } finally {
    release();
  }
}

/** OFD: decode the package's images (listed by the Python worker). */
export async function imagesQr(images) {
  const qr = [];
  let preview = null;
  let failed = false;
  for (const img of images || []) {
    let decoded;
    try {
      decoded = await decodeInWorker({ bytes: img.bytes, source: img.source });
    } catch (err) {
      failed = true;
      continue;
    }
    if (!decoded.codes.length) continue;
    for (const c of decoded.codes) qr.push({ text: c.text, source: img.source, box: c.box });
    if (!preview) {
      try {
        const bitmap = await createImageBitmap(new Blob([img.bytes]));
        const c = previewCanvas(bitmap);
        bitmap.close();
        preview = figure(c, `二维码图片：${img.source}`);
        outline(preview, decoded.codes.map((d) => d.box));
      } catch (_) {
        preview = null;
      }
    }
  }
  if (failed && !qr.length) return { qr: null, preview: null, note: "二维码识别组件加载失败，未识别二维码。" };
  return { qr, preview, note: qr.length ? "" : "文件中的图片里没有识别到二维码。" };
}
