// QR worker (module worker): reads the QR codes of a file's page 1 or images, off the main thread.
// PDF pages are painted here with pdf.js (pdf-page.mjs), codes decoded with zxing-wasm; both
// self-hosted.  The page gives each worker one job at a time (qr.mjs) and ends a worker whose job
// runs past its time limit (a hostile page): the nested pdf.js parser ends with it.
//
// page → worker  {type: "pdf", id, bytes: ArrayBuffer, longSides: [px, ...], previewWidth}
//                    page 1 painted with its long side at each size in turn until a code is read
//                {type: "decode", id, bytes: ArrayBuffer, source, previewWidth?}
//                    an image file (OFD PNG/JPEG)
//                {type: "preload"}                                 load pdf.js and zxing now
// worker → page  {type: "decoded", id, codes: [{text, format, box: [x, y, w, h] (0..1)}],
//                 width, height, preview: {blob (JPEG), width, height} | null}
//                 preview: "pdf" the first painting, "decode" the image when it holds a code
//                 (with previewWidth), at most previewWidth px wide; "pdf" also sends renders
//                 (how many sizes were painted)
//                {type: "error", id, stage: "pdfjs" | "render" | "decoder", message}
//
// zxing-wasm fetches its .wasm from a CDN unless locateFile is overridden: we point it at the
// copy under the site's runtime/ folder, so nothing leaves the origin.
import { PATHS } from "./paths.mjs";
import { openFirstPage, paint, pdfjs } from "./pdf-page.mjs";

let zxingPromise = null;

function zxing() {
  if (!zxingPromise) {
    zxingPromise = import(PATHS.zxing).then(async (mod) => {
      await mod.prepareZXingModule({
        overrides: {
          locateFile: (path, prefix) => (path.endsWith(".wasm") ? PATHS.zxingWasm : prefix + path),
        },
        fireImmediately: true,
      });
      return mod;
    });
    zxingPromise.catch(() => {
      zxingPromise = null;
    });
  }
  return zxingPromise;
}

const READER_OPTIONS = {
  formats: ["QRCode", "MicroQRCode"],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 8,
};

function toBox(position, width, height) {
  const pts = [position.topLeft, position.topRight, position.bottomLeft, position.bottomRight];
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const x0 = Math.max(0, Math.min(...xs));
  const y0 = Math.max(0, Math.min(...ys));
  const x1 = Math.min(width, Math.max(...xs));
  const y1 = Math.min(height, Math.max(...ys));
  const r = (v) => Math.round(v * 1e4) / 1e4;
  return [r(x0 / width), r(y0 / height), r((x1 - x0) / width), r((y1 - y0) / height)];
}

// Decode the picture ourselves: gives the size for the box and handles every format the browser
// knows (zxing's own decoder only knows PNG/JPEG/GIF/BMP).  Transparent PNGs: modules on white.
async function pictureFromBytes(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.fillStyle = "#fff";
    context.fillRect(0, 0, bitmap.width, bitmap.height);
    context.drawImage(bitmap, 0, 0);
    return { canvas, context };
  } finally {
    bitmap.close();
  }
}

// The card's preview: the picture at most `width` px wide, as a JPEG.  Encoded here, once, so
// that the page never holds page pixels it does not show (previews.mjs) and never encodes them
// (WebP encoding of every card's page took the browser ~5 s of CPU per 200 files).
async function previewOf(canvas, width) {
  const w = Math.max(1, Math.min(width, canvas.width));
  const h = Math.max(1, Math.round((canvas.height * w) / canvas.width));
  const small = new OffscreenCanvas(w, h);
  const g = small.getContext("2d", { alpha: false });
  g.fillStyle = "#fff";
  g.fillRect(0, 0, w, h);
  g.imageSmoothingQuality = "medium";
  g.drawImage(canvas, 0, 0, w, h);
  return { blob: await small.convertToBlob({ type: "image/jpeg", quality: 0.85 }), width: w, height: h };
}

function codesIn(results, width, height) {
  const codes = [];
  const seen = new Set();
  for (const r of results) {
    if (!r.isValid || !r.text) continue;
    if (seen.has(r.text)) continue;
    seen.add(r.text);
    codes.push({ text: r.text, format: r.format, box: toBox(r.position, width, height) });
  }
  return codes;
}

class JobError extends Error {
  constructor(stage, cause) {
    super(String((cause && cause.message) || cause));
    this.stage = stage;
  }
}

async function step(stage, work) {
  try {
    return await work();
  } catch (err) {
    throw err instanceof JobError ? err : new JobError(stage, err);
  }
}

async function decode(msg) {
  const mod = await step("decoder", zxing);
  const picture = await pictureFromBytes(msg.bytes);
  const image = picture.context.getImageData(0, 0, picture.canvas.width, picture.canvas.height);
  const results = await step("decoder", () => mod.readBarcodes(image, READER_OPTIONS));
  const codes = codesIn(results, image.width, image.height);
  const preview = msg.previewWidth && codes.length ? await previewOf(picture.canvas, msg.previewWidth) : null;
  return { out: { codes, width: image.width, height: image.height, preview } };
}

// Page 1, coarse to fine (qr.mjs says why these sizes): a page whose code is read at one size is
// not painted again.  The first painting, scaled down, is the card's preview.
async function pdf(msg) {
  const mod = await step("decoder", zxing);
  await step("pdfjs", pdfjs);
  const opened = await step("render", () => openFirstPage(msg.bytes));
  const cleanup = () => opened.close(); // after the answer is sent, before the next job
  try {
    let preview = null;
    let found = { codes: [], width: 0, height: 0 };
    let renders = 0;
    for (const longSide of msg.longSides) {
      const { canvas, context, scale } = await step("render", () => paint(opened, longSide));
      renders++;
      if (!preview) preview = await step("render", () => previewOf(canvas, msg.previewWidth));
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      canvas.width = canvas.height = 0;
      const results = await step("decoder", () => mod.readBarcodes(image, READER_OPTIONS));
      found = { codes: codesIn(results, image.width, image.height), width: image.width, height: image.height };
      if (found.codes.length || scale >= 4) break;
    }
    return { out: { ...found, renders, preview }, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

const JOBS = { decode, pdf };

// One job at a time, in order (pdf.js takes one document at a time on its parser's port).
let queue = Promise.resolve();

self.onmessage = (ev) => {
  const msg = ev.data || {};
  if (msg.type === "preload") {
    zxing().catch(() => {});
    pdfjs().catch(() => {});
    return;
  }
  const job = JOBS[msg.type];
  if (!job) return;
  queue = queue.then(async () => {
    try {
      const { out, cleanup } = await job(msg);
      self.postMessage({ type: "decoded", id: msg.id, ...out });
      if (cleanup) await cleanup();
    } catch (err) {
      const stage = err instanceof JobError ? err.stage : "decoder";
      self.postMessage({ type: "error", id: msg.id, stage, message: String((err && err.message) || err) });
    }
  });
};
