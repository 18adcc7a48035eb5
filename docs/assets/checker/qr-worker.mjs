// QR decoding worker (module worker): zxing-wasm, self-hosted.
//
// page → worker  {type: "decode", id, bitmap: ImageBitmap}         rendered PDF page on white (transferred)
//                {type: "decode", id, image: ImageData}            pixels
//                {type: "decode", id, bytes: ArrayBuffer, source}   an image file (OFD PNG/JPEG)
// worker → page  {type: "decoded", id, codes: [{text, format, box: [x, y, w, h] (0..1)}],
//                 width, height}
//                {type: "error", id, message}
//
// zxing-wasm fetches its .wasm from a CDN unless locateFile is overridden: we point it at the
// copy under the site's runtime/ folder, so nothing leaves the origin.
import { PATHS } from "./paths.mjs";

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

async function imageDataFromBytes(bytes) {
  // Decode the picture ourselves: gives the size for the box and handles every format the
  // browser knows (zxing's own decoder only knows PNG/JPEG/GIF/BMP).
  return imageDataFromBitmap(await createImageBitmap(new Blob([bytes])), false);
}

function imageDataFromBitmap(bitmap, opaque) {
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext("2d", { willReadFrequently: true });
    if (!opaque) {
      // transparent PNGs: QR modules on white.  Not for a rendered page (pdf.js paints it on
      // white already), where filling 3+ megapixels cost ~13 ms of every check.
      g.fillStyle = "#fff";
      g.fillRect(0, 0, bitmap.width, bitmap.height);
    }
    g.drawImage(bitmap, 0, 0);
    return g.getImageData(0, 0, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

async function decode(msg) {
  const mod = await zxing();
  const image = msg.image || (msg.bitmap ? imageDataFromBitmap(msg.bitmap, true) : await imageDataFromBytes(msg.bytes));
  const results = await mod.readBarcodes(image, READER_OPTIONS);
  const codes = [];
  const seen = new Set();
  for (const r of results) {
    if (!r.isValid || !r.text) continue;
    if (seen.has(r.text)) continue;
    seen.add(r.text);
    codes.push({ text: r.text, format: r.format, box: toBox(r.position, image.width, image.height) });
  }
  return { codes, width: image.width, height: image.height };
}

self.onmessage = async (ev) => {
  const msg = ev.data || {};
  if (msg.type !== "decode") return;
  try {
    const out = await decode(msg);
    self.postMessage({ type: "decoded", id: msg.id, ...out });
  } catch (err) {
    self.postMessage({ type: "error", id: msg.id, message: String((err && err.message) || err) });
  }
};
