// Batch export, generated in the browser (Blob + download link): nothing is sent anywhere.
// The CSV table is written by Python (checker/report.py, the worker's "csv" message), so the
// page and the CLI's --csv share one column definition.

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
