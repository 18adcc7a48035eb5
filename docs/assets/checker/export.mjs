// Batch export, generated in the browser (Blob + download link): nothing is sent anywhere.
import { VERDICT_ZH, mainReason } from "./render.mjs";

const CSV_HEADER = ["文件", "格式", "结论", "结论代码", "主要原因", "全部问题", "签章数", "二维码", "SHA-256", "大小（字节）"];

// Cells starting with = + - @ (or tab/CR) are read as formulas by Excel: a hostile file name or
// QR text could run one.  Prefix them with an apostrophe (OWASP "CSV injection").
function cell(v) {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  if (/[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
  return s;
}

export function toCsv(results) {
  const lines = [CSV_HEADER.map(cell).join(",")];
  for (const r of results) {
    const problems = (r.findings || []).filter((f) => f.severity !== "info").map((f) => f.message);
    lines.push(
      [
        r.file,
        (r.format || "").toUpperCase(),
        VERDICT_ZH[r.verdict] || r.verdict,
        r.verdict,
        mainReason(r),
        problems.join("；"),
        (r.signatures || []).length,
        (r.qr || []).map((q) => q.text).join(" | "),
        r.sha256,
        r.size,
      ]
        .map(cell)
        .join(","),
    );
  }
  // BOM so that Excel opens UTF-8 Chinese text correctly; CRLF line ends (RFC 4180).
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}

export function toJson(results) {
  return JSON.stringify(results, null, 2) + "\n";
}

export function download(text, name, type) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}
