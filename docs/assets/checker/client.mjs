/*
 * Page-side client of worker.mjs (see the protocol at the top of worker.mjs).
 *
 *   import {startChecker} from "../assets/checker/client.mjs";
 *   const checker = startChecker({onProgress(msg) {...}});   // starts loading at once
 *   await checker.ready;                  // {python, checker, ms}; rejects if loading failed
 *   const result = await checker.check(name, arrayBuffer, {trust_demo, today, user_trust, qr});
 *   const answer = await checker.examineRoot(arrayBuffer, {today});  // {ok, root} | {ok: false, code, message}
 *   const images = await checker.images(arrayBuffer);       // [{source, bytes}]
 *   // or in two steps, so that Python runs while the page decodes QR codes:
 *   const prepared = checker.prepare(name, arrayBuffer, {trust_demo, today});  // {id, format, ms}
 *   const {result, ms} = await checker.finish(await prepared, {qr});
 *   const text = await checker.csv(results);              // the CSV export (checker/report.py)
 *   const more = spawnChecker();          // another worker for a pool (no page markers)
 *
 * For tests and measurements it also
 *   - sets <html data-checker-state="loading|ready|error"> and data-checker-ms (boot time,
 *     page navigation start -> ready, in ms),
 *   - exposes the client as window.checkerClient.
 * Keep both when building the page UI: tests/browser/ rely on them.
 *
 * The checker page starts the worker from a small inline script in its <head>
 * (overrides/checker.html: window.__cqcEarlyWorker = {worker, queue}) so that Pyodide loads while
 * the page is still being parsed; startChecker adopts that worker and replays the messages it
 * queued (measured: cold open -> ready ~3 % faster, 2.22 vs 2.28 s median of 8, within noise).
 */

import {spawnWorker} from "./paths.mjs";

const WORKER_URL = new URL("./worker.mjs", import.meta.url);

export function startChecker({onProgress = () => {}, onError = () => {}} = {}) {
  const root = document.documentElement;
  root.dataset.checkerState = "loading";
  // Adopt the worker the page's <head> started, else start one now; both through a blob:
  // bootstrap so that the page's CSP binds the worker (see paths.mjs).
  const early = window.__cqcEarlyWorker;
  delete window.__cqcEarlyWorker;
  const worker = early ? early.worker : spawnWorker(WORKER_URL, "checker");
  root.dataset.checkerEarly = early ? "head" : "module";  // where the worker was started (tests)
  const client = connect(worker, {
    onProgress,
    onError,
    onReady: () => {
      root.dataset.checkerState = "ready";
      root.dataset.checkerMs = String(Math.round(performance.now()));
    },
    onFailed: () => {
      root.dataset.checkerState = "error";
    },
  });
  if (early) {
    for (const event of early.queue.splice(0)) {
      if (event.type === "message") worker.onmessage(event);
      else worker.onerror(event);
    }
  }
  window.checkerClient = client;
  return client;
}

/**
 * One more Python worker for a pool (the page's batch): the same client, without the page-level
 * markers of startChecker.  Its `ready` rejects if it fails to load; the pool goes on without it.
 */
export function spawnChecker({name = "checker"} = {}) {
  return connect(spawnWorker(WORKER_URL, name), {});
}

function connect(worker, {onProgress = () => {}, onError = () => {}, onReady = () => {}, onFailed = () => {}}) {
  const pending = new Map();
  let client = null;
  const failed = () => {
    if (client) client.broken = true;  // a pool stops giving it files
    onFailed();
  };
  let nextId = 1;
  let resolveReady;
  let rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(() => {});

  worker.onmessage = (event) => {
    const msg = event.data;
    if (msg.type === "progress") {
      onProgress(msg);
    } else if (msg.type === "ready") {
      onReady();
      resolveReady({python: msg.python, checker: msg.checker, sm3: msg.sm3, snapshot: msg.snapshot, ms: msg.ms, timings: msg.timings,
                    siteRoots: msg.site_roots || []});
    } else if (msg.type === "error" && (msg.id === null || msg.id === undefined)) {
      failed();
      onError(msg.message);
      rejectReady(new Error(msg.message));
      for (const {reject} of pending.values()) reject(new Error(msg.message));
      pending.clear();
    } else if (pending.has(msg.id)) {
      const {resolve, reject, whole} = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === "error") reject(new Error(msg.message));
      else if (msg.type === "result") resolve(whole ? msg : msg.result);
      else if (msg.type === "prepared") resolve(msg);
      else if (msg.type === "images") resolve(msg.images);
      else if (msg.type === "csv") resolve(msg.text);
      else if (msg.type === "root") resolve(msg);
    }
  };
  worker.onerror = (event) => {
    const message = `核验程序出错 / worker error: ${event.message || "unknown"}`;
    failed();
    onError(message);
    rejectReady(new Error(message));
    for (const {reject} of pending.values()) reject(new Error(message));
    pending.clear();
  };

  function request(msg, transfer, whole = false) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      // whole: resolve with the worker's message ({result, ms}), not just its result
      pending.set(id, {resolve, reject, whole});
      worker.postMessage({...msg, id}, transfer);
    });
  }

  client = {
    ready,
    worker,
    broken: false,  // the worker failed to load or crashed
    /** Check one file; `bytes` is an ArrayBuffer (copied, the caller keeps its own). */
    check(name, bytes, {trust_demo = false, today = null, user_trust = [], qr = null} = {}) {
      const copy = bytes.slice(0);
      return request({type: "check", name, bytes: copy, options: {trust_demo, today, user_trust, qr}}, [copy]);
    },
    /** Step 1 of 2: run the format engine now (copies `bytes`); resolves {id, format, ms}. */
    prepare(name, bytes, {trust_demo = false, today = null, user_trust = []} = {}) {
      const copy = bytes.slice(0);
      return request({type: "prepare", name, bytes: copy, options: {trust_demo, today, user_trust}}, [copy]);
    },
    /** A certificate offered as an extra root, read by the core: {ok, root} or {ok: false, code, message}. */
    examineRoot(bytes, {today = null} = {}) {
      const copy = bytes.slice(0);
      return request({type: "examine-root", bytes: copy, today}, [copy]);
    },
    /** Step 2 of 2: certificate checks with the decoded QR codes; resolves {result, ms}. */
    finish(prepared, {qr = null} = {}) {
      return request({type: "finish", prepared: prepared.id, options: {qr}}, [], true);
    },
    /** Images of an OFD file that may hold a QR code: [{source, bytes: ArrayBuffer}]. */
    images(bytes) {
      const copy = bytes.slice(0);
      return request({type: "images", bytes: copy}, [copy]);
    },
    /** The results table as CSV text (checker/report.py: the same columns as the CLI's --csv). */
    csv(results) {
      return request({type: "csv", results: JSON.stringify(results)}, []);
    },
    /** Stop the worker (its pending requests reject). */
    terminate() {
      worker.terminate();
      for (const {reject} of pending.values()) reject(new Error("worker terminated"));
      pending.clear();
    },
  };
  return client;
}
