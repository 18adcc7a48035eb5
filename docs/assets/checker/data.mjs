// What the page shows and applies that the Python core defines (checker/messages.py: finding
// messages, labels, guide topics; checker/limits.py): the site build writes
// checker.web.page_data() as the module checker-data.mjs beside this one (scripts/mkdocs_hooks.py).
import { DATA } from "./checker-data.mjs";

export { DATA };

// A finding made by the page itself (the same shape as Result.findings), from checker/messages.py.
export function pageFinding(code, params = {}) {
  const m = DATA.codes[code];
  const fill = (t) => t.replace(/\{(\w+)\}/g, (all, k) => (k in params && params[k] !== null ? String(params[k]) : all));
  return { code, severity: m.severity, message: fill(m.zh), message_en: fill(m.en), params };
}
