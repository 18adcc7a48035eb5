// What the page shows and applies that the Python core defines (checker/messages.py: finding
// messages, labels, guide topics; checker/limits.py): written by the site build
// (scripts/mkdocs_hooks.py, checker.web.page_data) as checker-data.json beside this module.
const response = await fetch(new URL("checker-data.json", import.meta.url), { credentials: "same-origin" });
if (!response.ok) throw new Error(`checker-data.json: HTTP ${response.status}`);
export const DATA = await response.json();

// A finding made by the page itself (the same shape as Result.findings), from checker/messages.py.
export function pageFinding(code, params = {}) {
  const m = DATA.codes[code];
  const fill = (t) => t.replace(/\{(\w+)\}/g, (all, k) => (k in params && params[k] !== null ? String(params[k]) : all));
  return { code, severity: m.severity, message: fill(m.zh), message_en: fill(m.en), params };
}
