// Where the self-hosted runtime files live, relative to this module (docs/assets/checker/).
// One place for every URL the checker page and its workers load: all same-origin, all GET.
const here = new URL(".", import.meta.url);
export const SITE_ROOT = new URL("../../", here);
const RUNTIME = new URL("runtime/", SITE_ROOT);

export const PATHS = {
  pythonWorker: new URL("worker.mjs", here).href,
  qrWorker: new URL("qr-worker.mjs", here).href,
  pdfjs: new URL("pdfjs/pdf.min.mjs", RUNTIME).href,
  pdfjsWorker: new URL("pdfjs/pdf.worker.min.mjs", RUNTIME).href,
  pdfjsCMaps: new URL("pdfjs/cmaps/", RUNTIME).href,
  pdfjsFonts: new URL("pdfjs/standard_fonts/", RUNTIME).href,
  pdfjsWasm: new URL("pdfjs/wasm/", RUNTIME).href,
  pdfjsIccs: new URL("pdfjs/iccs/", RUNTIME).href,
  zxing: new URL("zxing/es/reader/index.js", RUNTIME).href,
  zxingWasm: new URL("zxing/reader/zxing_reader.wasm", RUNTIME).href,
  samples: new URL("samples/samples.json", SITE_ROOT).href,
};

// Guide page with the verdict anchors (核验真伪).  MkDocs resolves the page's hidden link
// (#cqc-guide-link) for whichever URL style the site was built with; the fallback guesses.
export function guideUrl(anchor) {
  const link = document.getElementById("cqc-guide-link");
  const base = link ? link.href : new URL(/\.html$/.test(location.pathname) ? "verify.html" : "verify/", SITE_ROOT).href;
  const u = new URL(base);
  u.hash = anchor;
  return u.href;
}

// Start a module worker through a tiny blob: module that imports the real (same-origin) one.
// Measured in Chromium: a worker started from its own http(s) URL does not get the page's
// <meta> CSP (its policy would come from the worker script's response headers, which plain
// static hosts do not send), whereas a blob: worker inherits the page's policy.  This way
// connect-src 'self' and "no eval" bind the Pyodide, zxing and pdf.js workers too, with no
// server configuration.  import.meta.url inside the real module stays its http(s) URL.
export function spawnWorker(url, name) {
  const src = `import ${JSON.stringify(new URL(url, location.href).href)};\n`;
  const blobUrl = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
  const w = new Worker(blobUrl, { type: "module", name });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  return w;
}
