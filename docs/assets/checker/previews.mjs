// Page previews of result cards, bounded in memory for batches of hundreds of files.
//
// A card shows its page preview as a <canvas> (qr.mjs).  When the card scrolls far out of view the
// canvas is encoded once into a small WebP blob and removed: off-screen cards keep no page
// pixels.  When the card comes near the view again an <img> shows the blob; it is dropped again
// when the card leaves.  The red QR outlines are plain elements and stay.

const MARGIN = "600px 0px"; // start showing a little before a card scrolls into view

let observer = null;

function placeholderFor(el, w, h) {
  const ph = document.createElement("div");
  ph.className = "cqc-preview-ph";
  ph.style.aspectRatio = `${w} / ${h}`;
  el.replaceWith(ph);
  return ph;
}

async function stash(frame) {
  const canvas = frame.querySelector("canvas.cqc-preview-canvas");
  if (!canvas || frame.dataset.stashing) return;
  frame.dataset.stashing = "1";
  try {
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/webp", 0.8));
    if (!blob) return; // keep the canvas: nothing to show it from
    frame.cqcBlob = blob;
    frame.dataset.w = String(canvas.width);
    frame.dataset.h = String(canvas.height);
    if (frame.dataset.visible === "1") show(frame, canvas);
    else placeholderFor(canvas, canvas.width, canvas.height);
    canvas.width = canvas.height = 0;
  } finally {
    delete frame.dataset.stashing;
  }
}

function show(frame, replace) {
  const target = replace || frame.querySelector(".cqc-preview-ph");
  if (!target || !frame.cqcBlob) return;
  const img = document.createElement("img");
  img.className = "cqc-preview-img";
  img.alt = "";
  img.decoding = "async";
  img.src = URL.createObjectURL(frame.cqcBlob);
  img.style.aspectRatio = `${frame.dataset.w} / ${frame.dataset.h}`;
  target.replaceWith(img);
}

function hide(frame) {
  const img = frame.querySelector("img.cqc-preview-img");
  if (!img) return;
  URL.revokeObjectURL(img.src);
  placeholderFor(img, frame.dataset.w, frame.dataset.h);
}

function onChange(entries) {
  for (const entry of entries) {
    const frame = entry.target;
    frame.dataset.visible = entry.isIntersecting ? "1" : "0";
    if (entry.isIntersecting) show(frame);
    else if (frame.cqcBlob) hide(frame);
    else stash(frame);
  }
}

/** Watch every preview frame added under `container` (result cards). */
export function watchPreviews(container) {
  if (typeof IntersectionObserver !== "function") return;
  observer = new IntersectionObserver(onChange, { rootMargin: MARGIN });
  const add = (node) => {
    if (!(node instanceof Element)) return;
    // frames holding a page image (not the sketches of unprotected areas, which have none)
    const sel = ".cqc-preview-frame:not(.cqc-pagemap)";
    const frames = node.matches(sel) ? [node] : node.querySelectorAll(sel);
    for (const f of frames) observer.observe(f);
  };
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(add);
  }).observe(container, { childList: true, subtree: true });
  add(container);
}
