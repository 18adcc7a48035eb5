// The checker page: runtime loading, file queue, QR step, result cards, batch table, export.
// Files never leave the browser: they go to two module workers (Pyodide, zxing-wasm) and pdf.js.
import { h, clear } from "./dom.mjs";
import { PATHS } from "./paths.mjs";
import { startChecker, spawnChecker } from "./client.mjs";
import { card, pendingCard, batchRow, verdictLabel } from "./render.mjs";
import { pdfQr, imagesQr, preload as preloadQr } from "./qr.mjs";
import { toJson, download, stamp } from "./export.mjs";
import { watchPreviews } from "./previews.mjs";
import { printReport } from "./report.mjs";
import { mountTrust, userTrust } from "./trust.mjs";
import { DATA, pageFinding } from "./data.mjs";

const MAX_BYTES = DATA.limits.max_file_bytes; // checker/limits.py
const MB = 1024 * 1024;

const root = document.getElementById("cq-checker");
const ui = {};
const state = {
  ready: false,
  failed: null,
  queue: [], // {seq, name, file?, bytes?, trustDemo}
  running: 0, // files being checked now (one per idle Python worker)
  results: [], // {seq, result, trustDemo}
  seq: 0,
  today: null,
  batch: null, // {started, total, done}: the files checked since the queue was last empty
  siteRoots: [], // the site's extra roots the worker trusts ({subject, sha256})
};
let checker = null; // client.mjs: the first Python worker (the page is ready when it is)
const idle = []; // Python workers (clients) free for the next file
const POOL_MAX = 4;

// ---- review aids: ?today=YYYY-MM-DD (like the CLI's --today), ?workers=N (pool size) ---------
function poolSize() {
  const asked = Number(new URLSearchParams(location.search).get("workers"));
  if (Number.isInteger(asked) && asked >= 1) return Math.min(asked, POOL_MAX);
  return Math.max(1, Math.min(POOL_MAX, navigator.hardwareConcurrency || 1));
}

{
  const t = new URLSearchParams(location.search).get("today");
  if (t && /^\d{4}-\d{2}-\d{2}$/.test(t)) state.today = t;
}

// ---- layout ----------------------------------------------------------------------------------
function build() {
  clear(root);
  ui.status = h("p", { class: "cqc-status", "data-role": "runtime-status", role: "status", "aria-live": "polite", text: "正在加载核验程序…" });
  ui.bar = h("progress", { class: "cqc-bar", max: "1", value: "0", "aria-label": "核验程序加载进度" });
  ui.detail = h("p", { class: "cqc-detail", text: "" });
  ui.runtime = h("section", { class: "cqc-runtime", "data-state": "loading" }, ui.status, ui.bar, ui.detail);

  ui.input = h("input", { type: "file", id: "cqc-files", multiple: true, accept: ".pdf,.ofd,application/pdf,application/ofd", class: "cqc-input" });
  ui.input.addEventListener("change", () => {
    addFiles(ui.input.files);
    ui.input.value = "";
  });
  // Keyboard: Chromium opens a focused file input on Space only; the control looks like a
  // button ("选择文件"), so Enter opens the dialog too.
  ui.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      ui.input.click();
    }
  });
  ui.drop = h(
    "label",
    { class: "cqc-drop", for: "cqc-files" },
    h("span", { class: "cqc-drop-title", text: "选择或拖入证书文件" }),
    h("span", { class: "cqc-drop-sub", text: "PDF 或 OFD，可一次选择多个。文件只在本机浏览器中核验，不会上传。" }),
    h("span", { class: "md-button md-button--primary cqc-pick", text: "选择文件" }),
  );
  ui.pickArea = h("section", { class: "cqc-pickarea" }, ui.input, ui.drop);
  for (const ev of ["dragenter", "dragover"]) {
    ui.drop.addEventListener(ev, (e) => {
      e.preventDefault();
      ui.drop.classList.add("cqc-drag");
    });
  }
  for (const ev of ["dragleave", "drop"]) {
    ui.drop.addEventListener(ev, () => ui.drop.classList.remove("cqc-drag"));
  }
  ui.drop.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files) addFiles(e.dataTransfer.files);
  });
  // A file dropped next to the zone must not make the browser navigate away to it.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  ui.trustDemo = h("input", { type: "checkbox", id: "cqc-trust-demo", class: "cqc-trust-demo" });
  ui.sampleButtons = h("div", { class: "cqc-sample-buttons" });
  ui.samples = h(
    "section",
    { class: "cqc-samples", hidden: true },
    h("h3", { text: "试用示例文件" }),
    h("p", { class: "cqc-note", text: "以下均为虚构的示例证书（标有“示例”），由本项目的演示 CA 签章，只用于体验核验过程。" }),
    h(
      "label",
      { class: "cqc-demo-toggle", for: "cqc-trust-demo" },
      ui.trustDemo,
      h("span", null, h("strong", { text: "信任演示 CA（仅用于示例文件）" }), h("br"), h("span", { class: "cqc-note", text: "勾选后，演示 CA 签发的签章视为可信。核验真实证书时请勿勾选。演示 CA 的私钥是公开的，任何人都能用它签章。" })),
    ),
    ui.sampleButtons,
  );

  ui.batchBody = h("tbody");
  ui.counts = h("p", { class: "cqc-counts", "aria-live": "polite" });
  ui.csv = h("button", { type: "button", class: "md-button cqc-export-csv", text: "导出 CSV" });
  ui.json = h("button", { type: "button", class: "md-button cqc-export-json", text: "导出 JSON" });
  ui.print = h("button", { type: "button", class: "md-button cqc-print", text: "打印核验报告" });
  ui.clearBtn = h("button", { type: "button", class: "md-button cqc-clear", text: "清空结果" });
  ui.csv.addEventListener("click", exportCsv);
  ui.json.addEventListener("click", () => download(toJson(resultsInOrder()), `核验结果-${stamp()}.json`, "application/json"));
  ui.print.addEventListener("click", () => printReport(resultsInOrder(), { trustDemo: state.results.some((r) => r.trustDemo), today: state.today, version: state.version }));
  ui.clearBtn.addEventListener("click", clearResults);

  ui.progressBar = h("progress", { class: "cqc-progress-bar", max: "1", value: "0", "aria-label": "批量核验进度" });
  ui.progressText = h("span", { class: "cqc-progress-text", role: "status", "aria-live": "polite" });
  ui.cancel = h("button", { type: "button", class: "md-button cqc-cancel", text: "取消排队的文件" });
  ui.cancel.addEventListener("click", cancelQueued);
  ui.progress = h("section", { class: "cqc-progress", hidden: true, "aria-label": "批量核验进度" }, ui.progressBar, h("p", { class: "cqc-progress-line" }, ui.progressText, " ", ui.cancel));

  ui.batch = h(
    "section",
    { class: "cqc-batch", hidden: true },
    h("h3", { text: "批量结果" }),
    ui.counts,
    h("div", { class: "cqc-table-wrap" }, h("table", { class: "cqc-table" }, h("thead", null, h("tr", null, h("th", { text: "文件" }), h("th", { text: "结论" }), h("th", { text: "主要原因" }))), ui.batchBody)),
    h("p", { class: "cqc-actions" }, ui.csv, " ", ui.json, " ", ui.print, " ", ui.clearBtn),
  );
  ui.cards = h("section", { class: "cqc-cards", "aria-label": "核验结果" });
  root.append(ui.runtime, ui.pickArea, ui.samples, ui.progress, ui.batch, ui.cards);
  root.dataset.state = "loading";
  watchPreviews(ui.cards);
}

// ---- Python worker (Pyodide), through client.mjs (infra: boot, progress, protocol) --------
// Stages of client/worker progress and their share of the bar.
const STAGE_WEIGHT = { runtime: [0, 0.7], packages: [0.7, 0.9], checker: [0.9, 1] };

function setProgress(m) {
  const [from, to] = STAGE_WEIGHT[m.stage] || [0, 1];
  const frac = m.total ? Math.min((m.loaded || 0) / m.total, 1) : 0;
  ui.bar.value = from + (to - from) * frac;
  ui.status.textContent = `${m.label || "正在加载核验程序"}…`;
  ui.detail.textContent = m.total ? `${((m.loaded || 0) / MB).toFixed(1)} / ${(m.total / MB).toFixed(1)} MB` : m.loaded ? `${(m.loaded / MB).toFixed(1)} MB` : "";
}

function runtimeFailed(message) {
  if (state.ready || state.failed) return;
  state.failed = message || "未知错误";
  clearTimeout(stallTimer);
  root.dataset.state = "failed";
  ui.runtime.dataset.state = "failed";
  ui.status.textContent = "核验程序加载失败，无法核验。";
  ui.detail.textContent = `原因：${state.failed}。请刷新页面重试。如果在内网服务器上使用，请管理员确认 .mjs 文件的 MIME 类型为 text/javascript、.wasm 为 application/wasm；也不能直接双击打开本地 HTML 文件（需要通过 http:// 访问）。`;
  ui.bar.hidden = true;
  const queued = state.queue.splice(0);
  for (const item of queued) showLocalError(item, "PAGE_RUNTIME_FAILED");
}

// No progress for a long time: say so (a slow intranet is possible, so this is a hint, not a
// failure; worker.mjs reports real load failures).
const STALL_MS = 45_000;
let stallTimer = null;
function armStall() {
  clearTimeout(stallTimer);
  stallTimer = setTimeout(() => {
    if (state.ready || state.failed) return;
    ui.runtime.dataset.stalled = "true";
    ui.detail.textContent = "加载已超过 45 秒没有进展。网络可能很慢；如果一直没有进展，请刷新页面，或请管理员检查 runtime/ 目录下的文件是否完整、MIME 类型是否正确。";
  }, STALL_MS);
}

function startRuntime() {
  armStall();
  try {
    checker = startChecker({
      onProgress: (m) => {
        if (state.ready || state.failed) return; // downloads may still stream after a failure
        armStall();
        delete ui.runtime.dataset.stalled;
        setProgress(m);
      },
      onError: runtimeFailed,
    });
  } catch (err) {
    runtimeFailed(String(err && err.message ? err.message : err));
    return;
  }
  checker.ready.then(
    (info) => {
      if (state.failed) return;
      state.ready = true;
      clearTimeout(stallTimer);
      state.readyMs = info.ms;
      state.version = info.checker || "";
      state.siteRoots = info.siteRoots || [];
      root.dataset.state = "ready";
      ui.runtime.dataset.state = "ready";
      ui.status.textContent = `核验程序已就绪（用时 ${(info.ms / 1000).toFixed(1)} 秒），可以选择文件。`;
      ui.detail.textContent = `Python ${info.python || ""} · checker ${info.checker || ""} · 全部在本机运行` + (state.today ? ` · 以 ${state.today} 为核验日期` : "");
      ui.bar.hidden = true;
      idle.push(checker);
      root.dataset.workers = "1";
      pump();
      growPool();
    },
    (err) => runtimeFailed(err && err.message ? err.message : String(err)),
  );
}

// More Python workers once the first is ready (so they never slow down the first boot): each
// takes files from the same queue.  One that fails to load is simply left out.
function growPool() {
  for (let i = 1; i < poolSize(); i++) {
    const extra = spawnChecker({ name: `checker-${i + 1}` });
    extra.ready.then(
      () => {
        idle.push(extra);
        root.dataset.workers = String(Number(root.dataset.workers || 1) + 1);
        pump();
      },
      (err) => {
        console.warn("an extra checker worker did not load", err);
        extra.terminate();
      },
    );
  }
}

// ---- queue -------------------------------------------------------------------------------------
function addFiles(fileList) {
  for (const file of Array.from(fileList || [])) enqueue({ name: file.name, file, trustDemo: ui.trustDemo.checked });
}

function enqueue(item) {
  item.userTrust = userTrust(); // the roots added in this browser at the time the file was chosen
  item.seq = ++state.seq;
  item.cardId = `cqc-result-${item.seq}`;
  item.el = pendingCard(item.name, state.ready ? "排队等待核验…" : "等待核验程序加载完成…");
  item.el.id = item.cardId;
  ui.cards.prepend(item.el);
  if (state.failed) {
    showLocalError(item, "PAGE_RUNTIME_FAILED");
    return;
  }
  state.queue.push(item);
  pump();
}

function status(item, text) {
  const s = item.el.querySelector("[data-role=status]");
  if (s) s.textContent = text;
}

function pump() {
  if (!state.ready) return;
  while (idle.length && state.queue.length) {
    const worker = idle.shift();
    if (worker.broken) {
      replaceWorker(worker);
      continue;
    }
    const item = state.queue.shift();
    state.running++;
    startBatch();
    run(item, worker);
  }
  root.dataset.busy = String(state.running > 0 || state.queue.length > 0);
  showProgress();
}

async function run(item, worker) {
  try {
    await process(item, worker);
  } catch (err) {
    showLocalError(item, "PAGE_CHECK_FAILED", { detail: err && err.message ? err.message : String(err) });
  } finally {
    state.running--;
    if (!worker.broken) idle.push(worker);
    else replaceWorker(worker);
    if (state.batch) state.batch.done++;
    // the next file on a fresh task: the page handles input and paints in between
    setTimeout(pump, 0);
  }
}

// A worker that crashed (out of memory on a hostile file, say) leaves the pool; a fresh one
// takes its place, so the queue goes on.
function replaceWorker(dead) {
  try {
    dead.terminate();
  } catch (_) {
    /* already gone */
  }
  root.dataset.workers = String(Math.max(0, Number(root.dataset.workers || 1) - 1));
  const fresh = spawnChecker({ name: "checker-replacement" });
  fresh.ready.then(
    () => {
      idle.push(fresh);
      root.dataset.workers = String(Number(root.dataset.workers || 0) + 1);
      pump();
    },
    () => fresh.terminate(),
  );
}

// ---- batch progress: count, rate, time left; cancel what has not started -----------------------
function startBatch() {
  if (!state.batch) state.batch = { started: performance.now(), done: 0 };
}

function showProgress() {
  const b = state.batch;
  if (!b) return;
  const total = b.done + state.running + state.queue.length;
  if (!state.running && !state.queue.length) {
    state.batch = null;
    ui.progress.hidden = true;
    root.dataset.batch = "idle";
    return;
  }
  root.dataset.batch = "running";
  if (total < 2) return; // one file: its card says what happens
  ui.progress.hidden = false;
  ui.progressBar.max = total;
  ui.progressBar.value = b.done;
  const secs = (performance.now() - b.started) / 1000;
  let eta = "";
  if (b.done >= 1 && secs > 0) {
    const left = ((total - b.done) * secs) / b.done;
    eta = `，预计还需 ${left < 60 ? `${Math.ceil(left)} 秒` : `${Math.floor(left / 60)} 分 ${Math.ceil(left % 60)} 秒`}`;
  }
  ui.progressText.textContent = `已核验 ${b.done} / ${total} 个文件${eta}`;
  ui.cancel.disabled = !state.queue.length;
}

function cancelQueued() {
  const dropped = state.queue.splice(0);
  for (const item of dropped) item.el.remove();
  if (dropped.length) ui.progressText.textContent = `已取消 ${dropped.length} 个排队的文件。`;
  root.dataset.cancelled = String(Number(root.dataset.cancelled || 0) + dropped.length);
  showProgress();
}

function localErrorResult(name, code, params) {
  return {
    file: name,
    format: "unknown",
    verdict: "error",
    findings: [pageFinding(code, params)],
    signatures: [],
    qr: [],
    fields: {},
    size: 0,
    sha256: "",
    pages: null,
    checker_version: "",
  };
}

// An error the page finds before (or instead of) the checker: a finding code of checker/messages.py.
function showLocalError(item, code, params = {}) {
  finish(item, localErrorResult(item.name, code, params), { qrNote: "" });
}

async function readBytes(item) {
  if (item.bytes) return item.bytes;
  return item.file.arrayBuffer();
}

function sniff(bytes) {
  const head = new Uint8Array(bytes, 0, Math.min(1024, bytes.byteLength));
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "ofd";
  const s = String.fromCharCode(...head);
  return s.includes("%PDF-") ? "pdf" : "unknown";
}

async function process(item, checker) {
  item.t0 = performance.now();
  item.el.dataset.state = "running"; // its spinner turns (queued cards keep theirs still)
  const size = item.file ? item.file.size : item.bytes.byteLength;
  if (size > MAX_BYTES) {
    showLocalError(item, "LIMIT_FILE_SIZE", { size, limit: MAX_BYTES });
    return;
  }
  status(item, "正在读取文件…");
  const bytes = await readBytes(item);
  const fmt = sniff(bytes);
  const opts = { trust_demo: !!item.trustDemo, today: state.today, user_trust: item.userTrust || [] };
  // Python runs the format engine (structure, signatures, text) in its worker while pdf.js and
  // zxing-wasm find the QR codes in theirs; the QR texts join in the second step.
  // OFD: ask for the package's images first (quick), so zxing decodes them during the engine.
  const images = fmt === "ofd" ? checker.images(bytes) : null;
  if (images) images.catch(() => {});
  const prepared = fmt === "unknown" ? null : checker.prepare(item.name, bytes, opts).then((r) => (performance.mark("cqc-prepared"), r)).catch((err) => ({ error: err }));
  let qr = { qr: null, preview: null, note: "" };
  if (fmt === "pdf") {
    status(item, "正在渲染第 1 页并识别二维码…");
    qr = await pdfQr(bytes);
  } else if (fmt === "ofd") {
    status(item, "正在识别二维码…");
    try {
      qr = await imagesQr(await images);
    } catch (err) {
      qr = { qr: null, preview: null, note: "无法读取文件中的图片，未识别二维码。" };
    }
  }
  performance.mark("cqc-qr-end");
  status(item, "正在核验签章与证面信息…");
  const qrTexts = fmt === "unknown" ? [] : qr.qr;
  const prep = prepared ? await prepared : null;
  let result;
  if (prep && !prep.error) {
    const done = await checker.finish(prep, { qr: qrTexts });
    result = done.result;
    item.ms = prep.ms + done.ms; // time in Python (both steps)
  } else {
    const t0 = performance.now();
    result = await checker.check(item.name, bytes, { ...opts, qr: qrTexts });
    item.ms = performance.now() - t0;
  }
  performance.mark("cqc-result");
  finish(item, result, { qrNote: qr.note, preview: qr.preview });
  performance.mark("cqc-finished");
}

function resultsInOrder() {
  return state.results.slice().sort((a, b) => a.seq - b.seq).map((r) => r.result);
}

// The CSV columns are defined once, in Python (checker/report.py), for this page and the CLI.
async function exportCsv() {
  ui.csv.disabled = true;
  try {
    const text = await (idle[0] || checker).csv(resultsInOrder());
    download(text, `核验结果-${stamp()}.csv`, "text/csv;charset=utf-8");
  } catch (err) {
    ui.counts.textContent = `导出 CSV 失败：${err && err.message ? err.message : err}`;
  } finally {
    ui.csv.disabled = false;
  }
}

function finish(item, result, extra) {
  const info = { ...extra, name: item.name, trustDemo: !!item.trustDemo, cardId: item.cardId,
    siteRoots: state.siteRoots.length, userRoots: (item.userTrust || []).length };
  const el = card(result, info);
  el.id = item.cardId;
  if (item.ms !== undefined) el.dataset.ms = String(Math.round(item.ms)); // Python check only
  if (item.t0 !== undefined) el.dataset.totalMs = String(Math.round(performance.now() - item.t0)); // read + QR + check
  const row = batchRow(result, info);
  const pending = item.el;
  item.el = el;
  show(() => {
    pending.replaceWith(el);
    ui.batchBody.prepend(row);
    state.results.push({ seq: item.seq, result, trustDemo: !!item.trustDemo });
  });
}

// ---- showing results: at once for one file, together every SHOW_EVERY_MS in a batch ----------
// Every card put into the list costs the page a style and layout pass over its neighbours
// (Material's sibling rules, e.g. `.md-typeset table:not([class]) + *`, make any insertion
// invalidate them).  Shown one by one, 200 cards took 3.6 s of main-thread time that the
// workers needed; shown together a few times a second, 1.8 s (Chromium tracing, no QR step).
const SHOW_EVERY_MS = 250;
const unshown = [];
let showTimer = null;

function show(update) {
  unshown.push(update);
  const more = state.queue.length > 0 || state.running > 1; // this file still counts as running
  if (!more) showNow();
  else if (!showTimer) showTimer = setTimeout(showNow, SHOW_EVERY_MS);
}

function showNow() {
  clearTimeout(showTimer);
  showTimer = null;
  for (const update of unshown.splice(0)) update();
  ui.batch.hidden = false;
  const n = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const r of state.results) n[r.result.verdict in n ? r.result.verdict : "error"]++;
  ui.counts.textContent = `共 ${state.results.length} 个文件：` + ["pass", "warn", "fail", "error"].map((v) => `${verdictLabel(v)} ${n[v]}`).join("，");
  root.dataset.done = String(state.results.length);
  showProgress();
}

function clearResults() {
  state.results = [];
  clear(ui.batchBody);
  for (const el of Array.from(ui.cards.children)) if (!el.classList.contains("cqc-pending")) el.remove();
  ui.batch.hidden = true;
  root.dataset.done = "0";
}

// ---- samples -------------------------------------------------------------------------------------
async function loadSamples() {
  let list;
  try {
    const res = await fetch(PATHS.samples, { credentials: "same-origin" });
    if (!res.ok) return;
    list = await res.json();
  } catch (_) {
    return;
  }
  const items = Array.isArray(list) ? list : list.samples || [];
  if (!items.length) return;
  for (const s of items) {
    if (!s || typeof s.file !== "string" || /[\\/]|^\./.test(s.file) || s.site === false) continue;
    const btn = h(
      "button",
      { type: "button", class: "md-button cqc-sample", "data-sample": s.file, title: s.description_zh || "" },
      h("span", { text: s.title_zh || s.file }),
      h("small", { text: ` ${(s.format || "").toUpperCase()}` }),
    );
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        const res = await fetch(new URL(encodeURIComponent(s.file), PATHS.samples).href, { credentials: "same-origin" });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        enqueue({ name: s.file, bytes: await res.arrayBuffer(), trustDemo: ui.trustDemo.checked });
      } catch (err) {
        const item = { name: s.file, bytes: new ArrayBuffer(0), trustDemo: ui.trustDemo.checked };
        item.seq = ++state.seq;
        item.cardId = `cqc-result-${item.seq}`;
        item.el = pendingCard(item.name, "");
        ui.cards.prepend(item.el);
        showLocalError(item, "PAGE_SAMPLE_FAILED", { detail: err && err.message ? err.message : String(err) });
      } finally {
        btn.disabled = false;
      }
    });
    ui.sampleButtons.append(btn);
  }
  ui.samples.hidden = false;
}

// ---- start ---------------------------------------------------------------------------------------
if (root && location.protocol !== "file:") {
  build();
  startRuntime();
  const trustBox = document.getElementById("cqc-trust");
  if (trustBox && checker) mountTrust(trustBox, { examine: (bytes) => checker.examineRoot(bytes, { today: state.today }) });
  // pdf.js and zxing-wasm load once Python is ready, not during its boot: both compile and
  // parse on the same two cores Pyodide needs (cold open -> ready measured ~14 % faster; the
  // first check then loads them while Python runs its engine).
  if (checker) checker.ready.then(() => preloadQr(), () => {});
  loadSamples();
}
