/*
 * Module Web Worker hosting Pyodide and the `checker` package.  Start it with
 *     new Worker(new URL("../assets/checker/worker.mjs", location.href), {type: "module"})
 * (docs/assets/checker/client.mjs does this for you).  Loading starts as soon as the worker
 * starts; requests that arrive before it is ready are queued.  Everything is fetched from this
 * site (../../runtime/), never from elsewhere; nothing the user checks leaves the browser.
 *
 * PROTOCOL (stable; the page codes against exactly this)
 *
 * page -> worker
 *   {type: "check", id, name, bytes: ArrayBuffer,
 *    options: {trust_demo: bool, today: "YYYY-MM-DD" | null,
 *              user_trust: [base64 DER] (roots the reader added; origin "user"),
 *              qr: [{text, source, box}] | null}}
 *        `box` is [x, y, w, h] (or {x, y, w, h}) relative to the page (0..1), or null.
 *        qr === null lets the core decide (it has no decoder in the browser, so no QR report);
 *        qr === [] means "decoded, none found".
 *   {type: "images", id, bytes: ArrayBuffer}          OFD images that may hold a QR code
 *   {type: "csv", id, results: "<JSON list of results>"}   the results table (checker.report)
 *   {type: "examine-root", id, bytes: ArrayBuffer, today: "YYYY-MM-DD" | null}
 *        a certificate the reader offers as an extra root, read by the core
 *        (checker._crypto.trust.examine_root); answered with a "root" message.
 *   {type: "prepare", id, name, bytes: ArrayBuffer, options: {trust_demo, today, user_trust}}
 *        runs the format engine (checker.start_check) while the page decodes QR codes; then
 *   {type: "finish", id, prepared: <id of the prepare>, options: {qr}}
 *        adds the certificate checks with those QR texts (PendingCheck.finish).  Same result
 *        as one "check" with the same options.  A prepared check is used once.
 *
 * worker -> page
 *   {type: "progress", stage, loaded, total, label}   stage: "runtime" | "packages" | "checker";
 *        loaded/total in bytes where known (total 0 = unknown); label is Chinese text to show.
 *   {type: "ready", python, checker, ms, timings, site_roots}   Python version, checker version,
 *        ms since the worker started; timings = {step: ms since start} (diagnostics only);
 *        site_roots = [{subject, sha256, not_before, not_after, ...}]: the roots of
 *        ../../checker/site-roots.json (make build TRUST_DIR=...), trusted in every check
 *        with origin "site"
 *   {type: "root", id, ok: true, root: {subject, issuer, not_before, not_after, sha256,
 *        self_signed, algorithm, der (base64)}, ms}
 *   {type: "root", id, ok: false, code, message, message_en, ms}   refused: TRUST_ROOT_* code
 *   {type: "result", id, result, ms}                   result = Result.to_dict() (same JSON as
 *        `python -m checker --json`); ms = time spent in Python for this message
 *   {type: "prepared", id, format, ms}                 the engine ran ("pdf" | "ofd" | "unknown")
 *   {type: "images", id, images: [{source, bytes: ArrayBuffer}]}   (checker.list_images)
 *   {type: "csv", id, text}                            CSV text with BOM (checker.report.csv_text)
 *   {type: "error", id | null, message}                id null: loading failed (no check can run)
 *
 * Python side: checker/web.py (check, prepare, finish, images, csv, examine_root: checker.check_bytes /
 * start_check with Options(trust_demo, today, site_trust, user_trust, qr_texts), then Result.to_json()).
 */

import {createSM3} from "./sm3.mjs";

const T0 = performance.now();
const RUNTIME = new URL("../../runtime/", import.meta.url);
const INDEX_URL = new URL("pyodide/", RUNTIME).href;   // absolute: loadPyodide needs it
const LOCK_URL = new URL("pyodide-lock.json", INDEX_URL).href;
const STDLIB_URL = new URL("python_stdlib.zip", INDEX_URL).href;
const WASM_URL = new URL("pyodide.asm.wasm", INDEX_URL).href;
const SNAPSHOT_META_URL = new URL("checker-snapshot.json", INDEX_URL).href;
// The site's extra trust roots (scripts/trust_hook.py writes it in every build; [] without TRUST_DIR).
const SITE_ROOTS_URL = new URL("../../checker/site-roots.json", import.meta.url).href;

const LABELS = {
  runtime: "正在加载 Python 运行环境",
  packages: "正在加载核验程序包",
  checker: "正在启动核验程序",
};

// ---- progress: count bytes of every runtime response as it streams in ---------------------
const stages = {
  runtime: {loaded: 0, total: 0},
  packages: {loaded: 0, total: 0},
};

function progress(stage, loaded, total) {
  postMessage({type: "progress", stage, loaded, total, label: LABELS[stage]});
}

function stageOf(url) {
  if (url.endsWith(".whl") || url === LOCK_URL) return "packages";
  if (url.startsWith(INDEX_URL)) return "runtime";
  return null;
}

const nativeFetch = globalThis.fetch.bind(globalThis);

function counted(url, responsePromise) {
  const stage = stageOf(url);
  if (!stage) return responsePromise;
  return responsePromise.then((resp) => {
    if (!resp.ok || !resp.body) return resp;
    const s = stages[stage];
    const length = Number(resp.headers.get("Content-Length")) || 0;
    if (length && !resp.headers.get("Content-Encoding")) s.total += length;
    // Count bytes on a clone: the original response stays untouched (its URL lets the browser
    // cache compiled WebAssembly; instantiateStreaming sees the real Content-Type).
    const reader = resp.clone().body.getReader();
    const pump = () => reader.read().then(({done, value}) => {
      if (done) return;
      s.loaded += value.byteLength;
      if (s.loaded > s.total) s.total = s.loaded;
      progress(stage, s.loaded, s.total);
      return pump();
    });
    pump().catch(() => {});
    return resp;
  });
}

// ---- prefetch: start every download at once; Pyodide's own fetches reuse them ---------------
const prefetched = new Map();

function prefetch(url, init) {
  if (!prefetched.has(url)) prefetched.set(url, counted(url, nativeFetch(url, init)));
}

globalThis.fetch = (input, init) => {
  // import.meta.url, not location: started from a blob: bootstrap (paths.mjs spawnWorker),
  // this worker's location is a blob: URL, which cannot be a base for relative URLs.
  const url = new URL(input instanceof Request ? input.url : input, import.meta.url).href;
  const hit = prefetched.get(url);
  if (hit) {
    prefetched.delete(url);  // a response body can be read once
    return hit;
  }
  return counted(url, nativeFetch(input, init));
};

function hexToBase64(hex) {
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

// ---- Python side: checker/web.py (the functions below are its) ------------------------------
let py = null;  // checker.web's functions: {check, images, prepare, finish, warmUp, info}
const timings = {};  // ms since worker start at the end of each boot step (diagnostics)
function mark(step) { timings[step] = Math.round(performance.now() - T0); }

async function boot() {
  // Everything that does not depend on anything else starts now, in parallel.
  prefetch(WASM_URL);
  prefetch(STDLIB_URL);
  const siteRootsText = nativeFetch(SITE_ROOTS_URL).then((r) => (r.ok ? r.text() : ""), () => "");
  // Pyodide catches a failed wasm compile (missing file, wrong MIME type), only logs
  // "wasm instantiation failed!" and never settles loadPyodide(): check the response here and
  // fail the boot with a readable reason instead of hanging (UI: tests/browser/test_checker_ui.py).
  let wasmError = null;  // set when wasmProblem rejects (a snapshot problem is not one)
  const wasmProblem = new Promise((_, reject) => {
    const fail = (err) => reject((wasmError = err));
    prefetched.get(WASM_URL).then((r) => {
      const type = r.headers.get("Content-Type") || "";
      if (!r.ok) fail(new Error(`${WASM_URL}: HTTP ${r.status}`));
      else if (!type.startsWith("application/wasm")) fail(new Error(`${WASM_URL}: Content-Type ${type || "(none)"}, must be application/wasm`));
    }, fail);
  });
  const lock = nativeFetch(LOCK_URL).then((r) => {
    if (!r.ok) throw new Error(`${LOCK_URL}: HTTP ${r.status}`);
    return r.json();
  }).then(deferDependencies);
  // Memory snapshot of a booted interpreter with the engines imported (scripts/snapshot.mjs):
  // about a second less CPU at every cold visit.  Any problem -> null -> a normal boot.
  // Its download overlaps the WebAssembly compile: loadPyodide takes the promise.
  const snapshotMeta = Promise.all([lock, nativeFetch(SNAPSHOT_META_URL).then((r) => (r.ok ? r.json() : null))])
    .then(([spec, meta]) => usableSnapshot(spec, meta))
    .catch(() => null);
  const snapshot = snapshotMeta.then((meta) => (meta ? loadSnapshot(meta) : null));
  snapshot.catch(() => {});
  const wheels = lock.then((spec) => {
    const names = Object.keys(spec.packages);
    for (const name of names) {
      if (DEFERRED.has(name)) continue;  // fetched after ready: no bandwidth taken from the boot
      const p = spec.packages[name];
      prefetch(new URL(p.file_name, INDEX_URL).href, {integrity: `sha256-${hexToBase64(p.sha256)}`});
    }
    return names;
  });
  progress("runtime", 0, 0);

  const {loadPyodide} = await import(new URL("pyodide.mjs", INDEX_URL).href);
  mark("import_mjs");
  const config = {
    indexURL: INDEX_URL,
    lockFileContents: lock,
    packageBaseUrl: INDEX_URL,      // never the CDN default
    stdLibURL: STDLIB_URL,
    fullStdLib: false,
    checkAPIVersion: true,
  };
  let pyodide = null;
  if (await snapshotMeta) {
    try {
      pyodide = await Promise.race([wasmProblem, loadPyodide({...config, _loadSnapshot: snapshot})]);
      fromSnapshot = true;
    } catch (err) {
      if (wasmError !== null && err === wasmError) throw err;  // the wasm itself is broken
      console.warn("snapshot refused, booting normally", err);
    }
  }
  if (!pyodide) pyodide = await Promise.race([wasmProblem, loadPyodide(config)]);
  mark("runtime");
  progress("packages", stages.packages.loaded, stages.packages.total);
  const failures = [];
  // pypdf is only the text extractor's fallback for unusual PDFs: it is installed right after
  // `ready` (its wheel is already prefetched) and every check waits for it, so boot skips it.
  const names = await wheels;
  const later = names.filter((n) => DEFERRED.has(n));
  await pyodide.loadPackage(names.filter((n) => !DEFERRED.has(n)), {messageCallback: () => {}, errorCallback: (m) => failures.push(m)});
  if (failures.length) throw new Error(failures.join("; "));  // e.g. a wheel failed its sha256 check
  mark("packages");
  progress("checker", 0, 1);
  pyodide.registerJsModule("_cqc_sm3", {create: createSM3});  // checker.web.install_sm3
  const web = pyodide.pyimport("checker.web");
  const info = web.start().toJs({dict_converter: Object.fromEntries});
  mark("import_checker");
  py = {check: web.check, images: web.images, prepare: web.prepare, finish: web.finish, csv: web.csv,
        examineRoot: web.examine_root, warmUp: web.warm_up, info};
  const siteRoots = JSON.parse(web.set_site_roots(await siteRootsText));
  progress("checker", 1, 1);
  postMessage({type: "ready", python: info.python, checker: info.checker, sm3: info.sm3, snapshot: fromSnapshot,
               ms: Math.round(performance.now() - T0),
               timings, site_roots: siteRoots});
  extras = later.length
    ? pyodide.loadPackage(later, {messageCallback: () => {}, errorCallback: (m) => failures.push(m)}).then(() => {
      if (failures.length) throw new Error(failures.join("; "));
      mark("deferred_packages");
    })
    : Promise.resolve();
  // Warm-up (checker.web.warm_up; measured in scripts/bench_browser.py): import the engines and
  // run their code paths now instead of at the first check; a file chosen meanwhile simply waits
  // in the event queue.  Errors here only cost speed.
  setTimeout(() => {
    try {
      py.warmUp();
      mark("warm_up");
    } catch (err) {
      console.warn("warm-up failed", err);
    }
  }, 0);
}

const DEFERRED = new Set(["pypdf"]);  // wheels installed after ready (see boot)
let fromSnapshot = false;

// loadPackage("cq-cert-check") would also install what the lockfile says it depends on: the
// DEFERRED wheels are left out of that list here and installed after ready instead.
function deferDependencies(spec) {
  for (const p of Object.values(spec.packages || {})) {
    if (Array.isArray(p.depends)) p.depends = p.depends.filter((d) => !DEFERRED.has(d));
  }
  return spec;
}

// The snapshot is used only if it was made from exactly the checker wheel this lockfile ships
// and its bytes match the sha256 recorded at build time (fetch integrity).
function usableSnapshot(spec, meta) {
  const checkerWheel = spec.packages && spec.packages["cq-cert-check"];
  if (!meta || !checkerWheel || meta.checker_sha256 !== checkerWheel.sha256) return null;
  if (typeof DecompressionStream !== "function") return null;
  return meta;
}

// Rejects on any problem; boot() then starts Pyodide again without it.
async function loadSnapshot(meta) {
  const url = new URL(meta.file, INDEX_URL).href;
  const resp = await nativeFetch(url, {integrity: `sha256-${hexToBase64(meta.sha256)}`});
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  const gz = new Uint8Array(await resp.arrayBuffer());
  // A server that sent it with Content-Encoding: gzip gave us decoded bytes: not verifiable.
  if (gz[0] !== 0x1f || gz[1] !== 0x8b) throw new Error(`${url}: not gzip data`);
  const raw = new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip")));
  return new Uint8Array(await raw.arrayBuffer());
}
let extras = Promise.resolve();  // settles when the DEFERRED wheels are installed

function handle(msg) {
  const id = msg.id ?? null;
  const t = performance.now();
  const ms = () => Math.round(performance.now() - t);
  if (msg.type === "check") {
    const bytes = new Uint8Array(msg.bytes);
    const json = py.check(bytes, msg.name ?? "", JSON.stringify(msg.options ?? {}));
    postMessage({type: "result", id, result: JSON.parse(json), ms: ms()});
  } else if (msg.type === "prepare") {
    const format = py.prepare(id, new Uint8Array(msg.bytes), msg.name ?? "", JSON.stringify(msg.options ?? {}));
    postMessage({type: "prepared", id, format, ms: ms()});
  } else if (msg.type === "finish") {
    const json = py.finish(msg.prepared, JSON.stringify(msg.options ?? {}));
    postMessage({type: "result", id, result: JSON.parse(json), ms: ms()});
  } else if (msg.type === "csv") {
    postMessage({type: "csv", id, text: py.csv(String(msg.results ?? "[]"))});
  } else if (msg.type === "examine-root") {
    const answer = JSON.parse(py.examineRoot(new Uint8Array(msg.bytes), msg.today ?? null));
    postMessage({type: "root", id, ...answer, ms: ms()});
  } else if (msg.type === "images") {
    const list = py.images(new Uint8Array(msg.bytes));
    const images = [];
    const transfer = [];
    try {
      for (const item of list) {
        const source = item.get(0);
        const data = item.get(1);
        const buf = data.getBuffer("u8");
        const copy = buf.data.slice().buffer;
        buf.release();
        data.destroy();
        item.destroy();
        images.push({source, bytes: copy});
        transfer.push(copy);
      }
    } finally {
      list.destroy();
    }
    postMessage({type: "images", id, images}, transfer);
  } else {
    postMessage({type: "error", id, message: `unknown message type: ${msg.type}`});
  }
}

const booted = boot().then(() => true, (err) => {
  const message = `核验程序加载失败 / failed to load the checker: ${err && err.message ? err.message : err}`;
  console.error(err);
  postMessage({type: "error", id: null, message});
  return false;
});

self.onmessage = async (event) => {
  const msg = event.data || {};
  if (!(await booted)) {
    postMessage({type: "error", id: msg.id ?? null, message: "核验程序未能加载 / the checker did not load"});
    return;
  }
  try {
    await extras;
  } catch (err) {
    // Without pypdf only the rare fallback of the text extractor is missing: say so, go on.
    console.warn("deferred packages failed", err);
  }
  try {
    handle(msg);
  } catch (err) {
    postMessage({type: "error", id: msg.id ?? null, message: String(err && err.message ? err.message : err)});
  }
};
