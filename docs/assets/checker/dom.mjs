// Tiny DOM builder.  Every string becomes a text node; attributes go through setAttribute
// with names chosen by our code.  Nothing here ever parses HTML, so text taken from a
// file (names, fields, QR payloads, signer subjects) can never become markup or script.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = String(v);
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "href") el.setAttribute("href", safeHref(v));
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Only http(s), same-origin relative links and in-page anchors; anything else is neutralised.
export function safeHref(v) {
  const s = String(v);
  try {
    const u = new URL(s, location.href);
    if (u.protocol === "https:" || u.protocol === "http:" || u.protocol === "blob:") return u.href;
  } catch (_) {
    /* fall through */
  }
  return "#";
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}
