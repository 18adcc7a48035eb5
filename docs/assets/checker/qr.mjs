// QR path of the page: qr-worker.mjs paints page 1 of a PDF with pdf.js (pdf-page.mjs) and
// decodes QR codes with zxing-wasm, all off the main thread; here the page hands it files and
// builds the previews.  All runtime files are self-hosted (see paths.mjs).
import { PATHS, spawnWorker } from "./paths.mjs";
import { previewImage } from "./previews.mjs";

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

// A job (one PDF page, one image) that a QR worker has not finished in this time (a hostile file:
// millions of operators, a huge shading) is given up: its QR code counts as not checked (so the
// file cannot pass) and that worker, pdf.js's parser with it, is replaced for the next file.
// Review aid for tests: ?qr_timeout_ms=N.
const JOB_TIMEOUT_MS = (() => {
  const v = Number(new URLSearchParams(location.search).get("qr_timeout_ms"));
  return Number.isFinite(v) && v > 0 ? v : 20_000;
})();

const NOTES = {
  timeout: "第 1 页在规定时间内没有渲染完成（文件过于复杂或已损坏），未识别二维码。",
  pdfjs: "预览组件（pdf.js）加载失败，未识别二维码。",
  render: "无法渲染该文件的第 1 页，未识别二维码。",
  decoder: "二维码识别组件加载失败，未识别二维码。",
};

class QrJobError extends Error {
  constructor(stage, message) {
    super(message);
    this.stage = stage; // "timeout" | "pdfjs" | "render" | "decoder" (a key of NOTES)
  }
}

// ---- QR workers: a small pool, one job per worker at a time --------------------------------------
// One per two CPUs (at least one): on two cores a second one would only take turns with the
// Python workers; each holds pdf.js and zxing (~30 MB).
const POOL_SIZE = Math.max(1, Math.min(2, Math.floor((navigator.hardwareConcurrency || 1) / 2)));
const idleWorkers = [];
const waitingForWorker = [];
let liveWorkers = 0;
let nextId = 1;

function startWorker() {
  liveWorkers++;
  const slot = { worker: spawnWorker(PATHS.qrWorker, "qr"), job: null, dead: false };
  slot.worker.onmessage = (ev) => {
    const m = ev.data || {};
    const job = slot.job;
    if (!job || m.id !== job.id) return;
    slot.job = null;
    if (m.type === "decoded") job.resolve(m);
    else job.reject(new QrJobError(m.stage in NOTES ? m.stage : "decoder", m.message || "QR job failed"));
  };
  slot.worker.onerror = (ev) => {
    ev.preventDefault();
    retire(slot, new QrJobError("render", ev.message || "QR worker failed"));
  };
  slot.worker.postMessage({ type: "preload" });
  return slot;
}

function acquire() {
  if (idleWorkers.length) return Promise.resolve(idleWorkers.pop());
  if (liveWorkers < POOL_SIZE) return Promise.resolve(startWorker());
  return new Promise((resolve) => waitingForWorker.push(resolve));
}

function release(slot) {
  if (slot.dead) return;
  if (waitingForWorker.length) waitingForWorker.shift()(slot);
  else idleWorkers.push(slot);
}

/** End a worker (crashed, or its job ran out of time); a fresh one serves whoever waits. */
function retire(slot, err) {
  if (slot.dead) return;
  slot.dead = true;
  liveWorkers--;
  try {
    slot.worker.terminate();
  } catch (_) {
    /* already gone */
  }
  const job = slot.job;
  slot.job = null;
  if (job) job.reject(err);
  if (waitingForWorker.length) waitingForWorker.shift()(startWorker());
}

/** Run one job on a free QR worker within JOB_TIMEOUT_MS; resolves with its "decoded" message. */
async function runJob(msg, transfer) {
  const slot = await acquire();
  const id = nextId++;
  const done = new Promise((resolve, reject) => {
    slot.job = { id, resolve, reject };
  });
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new QrJobError("timeout", "QR job timed out")), JOB_TIMEOUT_MS);
  });
  try {
    slot.worker.postMessage({ ...msg, id }, transfer);
    return await Promise.race([done, late]);
  } catch (err) {
    if (err instanceof QrJobError && err.stage === "timeout") retire(slot, err);
    throw err;
  } finally {
    clearTimeout(timer);
    release(slot);
  }
}

/** Start a QR worker (pdf.js and zxing load in it) before the first file needs one. */
export function preload() {
  if (liveWorkers === 0) {
    try {
      idleWorkers.push(startWorker());
    } catch (_) {
      /* reported when used */
    }
  }
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

// A card's preview figure.  `preview` is the QR worker's {blob (JPEG), width, height}; the frame
// keeps the blob and previews.mjs shows it as an image only while the card is near the view.
function figure(preview, caption) {
  const f = document.createElement("figure");
  f.className = "cqc-preview";
  const frame = document.createElement("div");
  frame.className = "cqc-preview-frame";
  frame.append(previewImage(frame, preview));
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  f.append(frame, cap);
  return f;
}

/**
 * PDF: page 1 painted and its QR codes decoded in a QR worker.  Returns {qr: [QrInput] | null,
 * preview: Element | null, renders, note}.  `qr: null` means "could not look" (the Python side
 * then reports that QR was not checked); `renders` is how many sizes were painted.
 */
export async function pdfQr(bytes) {
  const copy = bytes.slice(0); // the worker takes this copy over; the caller keeps its own
  let found;
  try {
    found = await runJob({ type: "pdf", bytes: copy, longSides: RENDER_LONG_SIDES, previewWidth: PREVIEW_WIDTH }, [copy]);
  } catch (err) {
    return { qr: null, preview: null, renders: 0, note: NOTES[err.stage] || NOTES.render };
  }
  const qr = found.codes.map((c) => ({ text: c.text, source: "page 1", box: c.box }));
  let preview = null;
  if (found.preview) {
    preview = figure(found.preview, "第 1 页预览（红框：识别到的二维码）");
    outline(preview, qr.map((q) => q.box));
  }
  return { qr, preview, renders: found.renders, note: qr.length ? "" : "第 1 页上没有识别到二维码。" };
}

/** OFD: decode the package's images (listed by the Python worker). */
export async function imagesQr(images) {
  const qr = [];
  let preview = null;
  let failed = false;
  for (const img of images || []) {
    let decoded;
    try {
      decoded = await runJob({ type: "decode", bytes: img.bytes, source: img.source, previewWidth: preview ? 0 : PREVIEW_WIDTH }, [img.bytes]);
    } catch (err) {
      failed = true;
      continue;
    }
    if (!decoded.codes.length) continue;
    for (const c of decoded.codes) qr.push({ text: c.text, source: img.source, box: c.box });
    if (!preview && decoded.preview) {
      preview = figure(decoded.preview, `二维码图片：${img.source}`);
      outline(preview, decoded.codes.map((d) => d.box));
    }
  }
  if (failed && !qr.length) return { qr: null, preview: null, note: "二维码识别组件加载失败，未识别二维码。" };
  return { qr, preview, note: qr.length ? "" : "文件中的图片里没有识别到二维码。" };
}
