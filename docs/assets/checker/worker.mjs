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
 * Python side: checker.check_bytes(data, name, Options(trust_demo, today, site_trust,
 * user_trust, qr_texts)) and Result.to_json(); see GLUE below.
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

// ---- Python glue ---------------------------------------------------------------------------
const GLUE = `
import base64 as _b64, datetime as _dt, json as _json, sys as _sys
import checker as _checker
from checker import Options as _Options, QrInput as _QrInput

_site_trust = ()  # DER of the site's extra roots (origin "site"), set once at boot

def _set_site_roots(roots_json):
    # checker/site-roots.json as built: each root must still read as a CA certificate (else it
    # is left out, with a console message); validity is judged per check, like any anchor's.
    global _site_trust
    from checker._crypto import CryptoError
    from checker._crypto.trust import extra_anchors
    accepted, listed = [], []
    for r in (_json.loads(roots_json).get("roots") or []) if roots_json else []:
        try:
            der = _b64.b64decode(r["der"], validate=True)
            (anchor,) = extra_anchors((der,), "site")
        except (CryptoError, KeyError, TypeError, ValueError) as exc:
            print("site root left out:", getattr(exc, "detail", exc), file=_sys.stderr)
            continue
        accepted.append(der)
        listed.append({"subject": anchor.name, "sha256": anchor.sha256})
    _site_trust = tuple(accepted)
    return _json.dumps(listed, ensure_ascii=False)

def _user_trust(o):
    return tuple(_b64.b64decode(str(d)) for d in (o.get("user_trust") or ()))

def _box(b):
    if b is None:
        return None
    if isinstance(b, dict):
        b = (b["x"], b["y"], b["w"], b["h"])
    b = tuple(float(v) for v in b)
    if len(b) != 4:
        raise ValueError("qr box must have 4 numbers")
    return b

def _options(opts_json):
    o = _json.loads(opts_json) if opts_json else {}
    qr = o.get("qr")
    if qr is not None:
        qr = tuple(_QrInput(text=str(q.get("text", "")), source=str(q.get("source") or ""), box=_box(q.get("box")))
                   for q in qr)
    today = o.get("today")
    return _Options(trust_demo=bool(o.get("trust_demo", False)),
                    today=_dt.date.fromisoformat(today) if today else None,
                    site_trust=_site_trust, user_trust=_user_trust(o),
                    qr_texts=qr)

def _examine_root(data, today):
    from checker._crypto.trust import RootRefused, examine_root
    from checker.messages import lookup, render
    try:
        day = _dt.date.fromisoformat(today) if today else None
        root = examine_root(data.to_bytes(), day, max_bytes=_checker.Limits().max_trust_root_bytes)
    except RootRefused as exc:
        msg = lookup(exc.code)
        return _json.dumps({"ok": False, "code": exc.code, "message": render(msg.zh, exc.params),
                            "message_en": render(msg.en, exc.params)}, ensure_ascii=False)
    return _json.dumps({"ok": True, "root": root.to_dict()}, ensure_ascii=False)

def _check(data, name, opts_json):
    return _checker.check_bytes(data.to_bytes(), str(name or ""), _options(opts_json)).to_json()

_pending = {}

def _prepare(key, data, name, opts_json):
    pending = _checker.start_check(data.to_bytes(), str(name or ""), _options(opts_json))
    _pending[int(key)] = pending
    while len(_pending) > 4:  # a page that never finishes cannot pile files up here
        _pending.pop(next(iter(_pending)))
    return pending.format

def _finish(key, opts_json):
    pending = _pending.pop(int(key), None)
    if pending is None:
        raise KeyError("no prepared check with this id")
    return pending.finish(_options(opts_json).qr_texts).to_json()

def _csv(results_json):
    from checker.report import csv_text
    return csv_text(_json.loads(results_json))

def _images(data):
    return [(str(src), bytes(img)) for src, img in _checker.list_images(data.to_bytes())]

def _install_sm3():
    # Pyodide's hashlib has no SM3 and the pure-Python one is ~100x slower: use sm3.mjs.
    # register_sm3 refuses it unless it reproduces the standard vectors.
    try:
        import _cqc_sm3
        from pyodide.ffi import to_js
        from checker._crypto.digest import register_sm3
    except ImportError:
        return "python"

    class _JsSM3:
        def __init__(self, h=None):
            self._h = _cqc_sm3.create() if h is None else h

        def update(self, data):
            self._h.update(to_js(memoryview(data)))

        def digest(self):
            return bytes(self._h.digest().to_py())

        def copy(self):
            return _JsSM3(self._h.copy())

    return "js" if register_sm3(_JsSM3) else "python"

_info = {"python": _sys.version.split()[0], "checker": _checker.__version__, "sm3": _install_sm3()}
`;

let py = null;  // {check, images, info}
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
  pyodide.registerJsModule("_cqc_sm3", {create: createSM3});
  pyodide.runPython(GLUE);
  mark("import_checker");
  const g = pyodide.globals;
  const info = g.get("_info").toJs({dict_converter: Object.fromEntries});
  py = {check: g.get("_check"), images: g.get("_images"), prepare: g.get("_prepare"), finish: g.get("_finish"), csv: g.get("_csv"),
        examineRoot: g.get("_examine_root"), info};
  const siteRoots = JSON.parse(g.get("_set_site_roots")(await siteRootsText));
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
  // Warm-up (scripts/bench_browser.py): import the engines now instead of at the first check; a
  // file chosen meanwhile simply waits in the event queue.  Errors here only cost speed.
  setTimeout(() => {
    try {
      pyodide.runPython(WARM_UP);
      mark("warm_up");
    } catch (err) {
      console.warn("warm-up failed", err);
    }
  }, 0);
}

// Imports, then a little real work: the engines' code paths (PDF parser, text, certificate
// rules, big-integer SM2 arithmetic) run once, so the browser has optimised the interpreter's
// hot WebAssembly functions before the user's first file (measured: with the memory snapshot,
// which skips the imports that used to do this, the first check took ~0.5 s of Python).
const WARM_UP = `
import checker._pdf, checker._pdf.text, checker._ofd, checker._ofd.signatures, checker._cert, checker._crypto.cms, checker._crypto.trust

def _warm_up():
    from checker._crypto import sm2
    # GB/T 32918 example key (d = 3945208F...C5B8), message "warm-up", k = 59276E27...BC21
    pub = (0x09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020,
           0xccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13)
    sig = (0xa8c3c4ebd26df79b76399c7da0a127c0fabd4161f08e0c18f4d69275c27c73ba,
           0x6a0a25db6d40f3cc4371c96442c31722a81fe78fc1610d60837fc9784500a6fd)
    assert sm2.verify(pub, b"warm-up", sig)  # the EC arithmetic runs once (see above)
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
            b"<</Length 36>>stream\\nBT /F1 12 Tf 72 720 Td (warm) Tj ET\\nendstream"]
    out = bytearray(b"%PDF-1.7\\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\\n" % i + body + b"\\nendobj\\n"
    xref = len(out)
    out += b"xref\\n0 %d\\n0000000000 65535 f \\n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \\n" % o for o in offsets)
    out += b"trailer\\n<</Size %d/Root 1 0 R>>\\nstartxref\\n%d\\n%%%%EOF\\n" % (len(objs) + 1, xref)
    for _ in range(3):
        _checker.check_bytes(bytes(out), "warm-up.pdf")
    # the trust stores (bundled and demo anchors, parsed and their chains checked once)
    from checker._crypto.trust import TrustStore
    for opts in (_checker.Options(), _checker.Options(trust_demo=True)):
        store = TrustStore.from_options(opts)
        for cert in store.intermediates:
            store.validate(cert, usage=None)

_warm_up()
del _warm_up
`;
const DEFERRED = new Set(["pypdf"]);  // wheels installed after ready (see boot)
let fromSnapshot = false;

// loadPackage("checker") would also install what the lockfile says checker depends on: the
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
