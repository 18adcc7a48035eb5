// Page previews of result cards, bounded in memory for batches of hundreds of files.
//
// The QR worker sends each card's preview once, as a small JPEG (qr-worker.mjs).  A card keeps
// that blob; it is shown as an <img> only while the card is in or near the view, and replaced by
// a placeholder of the same shape when the card scrolls away, so that off-screen cards keep no
// decoded page pixels.  The red QR outlines are plain elements and stay.

const MARGIN = "600px 0px"; // start showing a little before a card scrolls into view

/** The preview's element in `frame` (shown now; the observer below hides it when out of view). */
export function previewImage(frame, { blob, width, height }) {
  frame.cqcBlob = blob;
  frame.dataset.w = String(width);
  frame.dataset.h = String(height);
  return imageOf(frame);
}

function imageOf(frame) {
  const img = document.createElement("img");
  img.className = "cqc-preview-img";
  img.alt = "";
  img.decoding = "async";
  img.src = URL.createObjectURL(frame.cqcBlob);
  img.style.aspectRatio = `${frame.dataset.w} / ${frame.dataset.h}`;
  return img;
}

function placeholderOf(frame) {
  const ph = document.createElement("div");
  ph.className = "cqc-preview-ph";
  ph.style.aspectRatio = `${frame.dataset.w} / ${frame.dataset.h}`;
  return ph;
}

function show(frame) {
  const ph = frame.querySelector(".cqc-preview-ph");
  if (ph && frame.cqcBlob) ph.replaceWith(imageOf(frame));
}

function hide(frame) {
  const img = frame.querySelector("img.cqc-preview-img");
  if (!img) return;
  URL.revokeObjectURL(img.src);
  img.replaceWith(placeholderOf(frame));
}

function onChange(entries) {
  for (const entry of entries) {
    if (entry.isIntersecting) show(entry.target);
    else hide(entry.target);
  }
}

/** Watch every preview frame added under `container` (result cards). */
export function watchPreviews(container) {
  if (typeof IntersectionObserver !== "function") return;
  const observer = new IntersectionObserver(onChange, { rootMargin: MARGIN });
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
