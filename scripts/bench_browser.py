"""Browser benchmark of the built site (Debian chromium via Playwright, localhost): called by bench.py.

    .venv/bin/python scripts/bench_browser.py [--site site] [--runs 20]

Measures
* cold open -> runtime ready: a NEW browser context per run (empty HTTP cache), the page's own
  ``<html data-checker-ms>`` (navigation start -> ready) and the worker's boot step timings;
* warm open -> ready: the SAME context reloaded.  The server sends ``Cache-Control: no-cache``, so
  "warm" means every file is revalidated (304, no body) and compiled code may come from V8's cache;
  measured twice: incognito context (in-memory HTTP cache, which does not keep the 9.6 MB wasm) and
  a persistent profile (disk cache, like a returning visitor);
* file chosen -> verdict card: first file after ready, then the median of ``--runs`` single-file
  checks of a 1-page sample certificate (QR included: pdf.js render + zxing-wasm in the QR worker);
* a batch: 200 mixed PDF/OFD files chosen at once -> the last verdict card, with the page's pool of
  Python workers (twice) and, alternating, with one worker (``?workers=1``);
* memory of a long batch: 500 files, the browser's memory (PSS of its processes, workers included)
  and the page's JavaScript heap before and after, and how many page images stay in the page;
* bytes transferred (bodies + headers, workers included) for the checker page and a guide page,
  and whether the guide page loads any WebAssembly;
* total size of the built site, and of its runtime by kind.

Reuses the chromium flags and the same-origin request recorder of tests/browser/conftest.py.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import pathlib
import shutil
import statistics
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
TODAY = "2026-11-23"
READY_TIMEOUT_MS = 180_000
CHECK_TIMEOUT_MS = 120_000
IDLE_S = 10.0  # before the "first file" of the measured page


def _conftest():
    spec = importlib.util.spec_from_file_location("browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["browser_conftest"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


class Traffic:
    """Bytes of every finished request of a context (pages and workers), via Chromium's sizes()."""

    def __init__(self, context, root: pathlib.Path | None = None) -> None:
        self.rows: list[tuple[str, int, int, int]] = []  # url, status, body bytes, header bytes
        self._lock = threading.Lock()
        self.root = root  # served directory: estimates what a gzip-enabled server (README's nginx) sends
        context.on("requestfinished", self._done)

    def _done(self, request) -> None:
        try:
            sizes = request.sizes()
            resp = request.response()
            status = resp.status if resp else 0
        except Exception:
            return
        with self._lock:
            self.rows.append((request.url, status, sizes.get("responseBodySize", 0),
                              sizes.get("responseHeadersSize", 0)))

    _GZ = (".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".txt", ".xml", ".map")

    def _gzip_size(self, url: str, body: int) -> int:
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(url).path)
        if self.root is None or not body or (not path.endswith(self._GZ) and not path.endswith("/")):
            return body
        f = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        try:
            return min(body, len(gzip.compress(f.read_bytes(), 6)))
        except OSError:
            return body

    def reset(self) -> None:
        with self._lock:
            self.rows.clear()

    def summary(self) -> dict:
        with self._lock:
            rows = list(self.rows)
        body = sum(max(r[2], 0) for r in rows)
        head = sum(max(r[3], 0) for r in rows)
        gz = sum(self._gzip_size(r[0], max(r[2], 0)) for r in rows) + head
        return {"requests": len(rows), "body_bytes": body, "header_bytes": head,
                "transfer_kb": round((body + head) / 1024, 1), "transfer_kb_if_gzip": round(gz / 1024, 1),
                "not_modified": sum(1 for r in rows if r[1] == 304),
                "wasm": [r[0] for r in rows if r[0].endswith(".wasm")],
                "largest": sorted(((r[2], r[0].rsplit("/", 1)[-1]) for r in rows), reverse=True)[:6]}


def _ready(page) -> tuple[float, dict]:
    page.wait_for_selector("html[data-checker-state=ready], html[data-checker-state=error]", state="attached",
                           timeout=READY_TIMEOUT_MS)
    state = page.evaluate("document.documentElement.dataset.checkerState")
    if state != "ready":
        raise RuntimeError("checker did not boot: " + page.evaluate("document.body.innerText")[:500])
    ms = float(page.evaluate("document.documentElement.dataset.checkerMs"))
    info = page.evaluate("window.checkerClient.ready.then(r => r)")
    return ms, info


def _wait_done(page, want: int) -> None:
    page.wait_for_function(
        f"() => Number(document.getElementById('cq-checker')?.dataset.done || 0) >= {want}",
        timeout=CHECK_TIMEOUT_MS, polling=10)


def _check_one(page, path: pathlib.Path) -> tuple[float, str, float]:
    """(wall ms from choosing the file to its card, verdict, the card's own Python ms).

    The wall time is measured here, around Playwright's set_input_files and a 10 ms poll, so it
    includes the driver's round trips; the page's own figure (file taken → card shown, the
    card's data-total-ms) is kept in _LAST_IN_PAGE for the same run."""
    before = int(page.evaluate("""() => { document.querySelectorAll('article.cqc-card').forEach(
        (c) => { c.dataset.benchSeen = '1'; });
        return Number(document.getElementById('cq-checker')?.dataset.done || 0); }"""))
    t = time.perf_counter()
    page.set_input_files("#cqc-files", [str(path)])
    _wait_done(page, before + 1)
    wall = (time.perf_counter() - t) * 1000
    card = page.evaluate("""() => { const c = document.querySelector('article.cqc-card[data-verdict]:not([data-bench-seen])');
        return {verdict: c.dataset.verdict, ms: Number(c.dataset.ms || 0), total: Number(c.dataset.totalMs || 0)}; }""")
    _LAST_IN_PAGE.append(card["total"])
    return wall, card["verdict"], card["ms"]


_LAST_IN_PAGE: list[float] = []


def _trust_demo(page) -> None:
    box = page.locator("#cqc-trust-demo")
    if box.count() and box.is_visible() and not box.is_checked():
        box.set_checked(True)


def _site_sizes(site: pathlib.Path) -> dict:
    total = 0
    kinds: dict[str, int] = {}
    for p in site.rglob("*"):
        if p.is_file():
            n = p.stat().st_size
            total += n
            rel = p.relative_to(site).as_posix()
            key = rel.split("/")[1] if rel.startswith("checker/") and rel.count("/") > 1 else rel.split("/")[0]
            kinds[key] = kinds.get(key, 0) + n
    top = dict(sorted(((k, round(v / 1e6, 2)) for k, v in kinds.items()), key=lambda kv: -kv[1])[:10])
    return {"site_total_mb": round(total / 1e6, 2), "site_by_part_mb": top}


def _sample(out: pathlib.Path) -> pathlib.Path:
    """sample-sm2.pdf from make_samples (1-page certificate with a QR code)."""
    d = out / "samples"
    if not (d / "sample-sm2.pdf").is_file():
        import subprocess

        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_samples.py"), "--out", str(d)], check=True)
    return d / "sample-sm2.pdf"


BATCH_TIMEOUT_S = 900


def _tree_memory_mb() -> float:
    """Memory of this process's descendants (Playwright's driver, the browser and its renderer,
    GPU and utility processes) in MB: the sum of their PSS (shared pages split between them),
    RSS where PSS cannot be read."""
    import os

    children: dict[int, list[int]] = {}
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    kb = 0
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                line = next((ln for ln in (pathlib.Path("/proc") / str(pid) / name).read_text().splitlines()
                             if ln.startswith(key)), None)
            except OSError:
                line = None
            if line:
                kb += int(line.split()[1])
                break
    return round(kb / 1024, 1)


_PAGE_MEMORY = """() => ({
    js_heap_mb: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e5) / 10 : null,
    cards: document.querySelectorAll('article.cqc-card[data-verdict]').length,
    page_canvases: [...document.querySelectorAll('canvas.cqc-preview-canvas')].filter((c) => c.width * c.height > 0).length,
    page_images: document.querySelectorAll('img.cqc-preview-img').length,
    stored_previews: document.querySelectorAll('.cqc-preview-ph').length})"""


def _batch(browser, url: str, files: list[pathlib.Path], workers: int | None, memory: bool = False) -> dict:
    """Seconds from choosing ``files`` to the last verdict card, in a fresh page whose pool has
    finished loading (``workers``: the page's ?workers=, None = its default pool).  ``memory``:
    also the browser's memory and the page's heap before and after (after a pause in which
    off-screen previews are stored away)."""
    ctx = browser.new_context(locale="zh-CN", service_workers="block")
    try:
        page = ctx.new_page()
        page.goto(url + (f"&workers={workers}" if workers else ""))
        _ready(page)
        want = workers or page.evaluate("Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))")
        page.wait_for_function(f"() => Number(document.getElementById('cq-checker').dataset.workers || 0) >= {want}",
                               timeout=READY_TIMEOUT_MS)
        time.sleep(2.0)  # the new workers' warm-up
        _trust_demo(page)
        before = {"browser_mb": _tree_memory_mb(), **page.evaluate(_PAGE_MEMORY)} if memory else None
        t = time.perf_counter()
        page.set_input_files("#cqc-files", [str(f) for f in files])
        page.wait_for_function(
            f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {len(files)}",
            timeout=BATCH_TIMEOUT_S * 1000, polling=20)
        seconds = time.perf_counter() - t
        verdicts = page.evaluate("""() => { const n = {}; for (const c of document.querySelectorAll('article.cqc-card[data-verdict]'))
            n[c.dataset.verdict] = (n[c.dataset.verdict] || 0) + 1; return n; }""")
        out = {"s": round(seconds, 2), "workers": want, "verdicts": verdicts}
        if memory:
            time.sleep(3.0)  # IntersectionObserver callbacks and WebP encoding of off-screen previews
            out["memory_before"] = before
            out["memory_after"] = {"browser_mb": _tree_memory_mb(), **page.evaluate(_PAGE_MEMORY)}
        return out
    finally:
        ctx.close()


def run(runs: int = 20, site: pathlib.Path | None = None, cold_runs: int = 3,
        corpus: pathlib.Path | None = None, batch_dirs: dict[str, pathlib.Path] | None = None) -> dict:
    from playwright.sync_api import sync_playwright
    from serve import serve_in_thread

    cf = _conftest()
    site = pathlib.Path(site or cf.SITE)
    if not (site / "checker" / "index.html").is_file():
        raise RuntimeError(f"no built site at {site}: run `make build`")
    corpus = corpus or (ROOT / "bench-results" / "corpus")
    sample = _sample(corpus)
    res: dict = _site_sizes(site)
    # serve a snapshot: `make build` elsewhere (mkdocs --clean) must not change files mid-run
    snap = pathlib.Path(tempfile.mkdtemp(prefix="bench-site-")) / "site"
    shutil.copytree(site, snap)
    server = serve_in_thread(snap, "127.0.0.1", 0, quiet=True)
    host, port = server.server_address[:2]
    origin = f"http://{host}:{port}"
    url = f"{origin}/checker/index.html?today={TODAY}"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=cf.CHROMIUM, args=cf.CHROMIUM_ARGS)
            res["chromium"] = browser.version
            # -- cold: a fresh context (empty cache) per run -----------------------------------
            cold, cold_worker, timings = [], [], None
            for i in range(cold_runs):
                ctx = browser.new_context(locale="zh-CN", service_workers="block")
                recorder = cf.RequestRecorder()
                recorder.attach(ctx)
                traffic = Traffic(ctx, snap)
                page = ctx.new_page()
                page.goto(url)
                ms, info = _ready(page)
                cold.append(ms)
                cold_worker.append(info.get("ms"))
                timings = info.get("timings")
                if i == 0:
                    page.wait_for_load_state("networkidle")
                    res["checker_page_cold_traffic"] = traffic.summary()
                    res["same_origin_get_only"] = not recorder.offenders(origin)
                    _trust_demo(page)
                    wall, verdict, py_ms = _check_one(page, sample)  # right after ready: waits for the warm-up
                    res["first_verdict_immediately_after_ready_ms"] = round(wall, 1)
                    res["first_verdict_immediately_after_ready_python_ms"] = py_ms
                if i < cold_runs - 1:
                    ctx.close()
            res["cold_ready_s_runs"] = [round(x / 1000, 3) for x in cold]
            res["cold_ready_s"] = round(statistics.median(cold) / 1000, 3)
            res["cold_worker_boot_ms"] = statistics.median(x for x in cold_worker if x is not None)
            res["boot_timings_ms"] = timings
            # -- first file, then the median of `runs` checks (same page) ------------------------
            _trust_demo(page)
            time.sleep(IDLE_S)  # a person takes a few seconds to choose a file
            wall, verdict, py_ms = _check_one(page, sample)
            res["first_verdict_after_idle_ms"] = round(wall, 1)
            res["first_verdict_after_idle_python_ms"] = py_ms
            res["verdict_seen"] = verdict
            walls, pys = [], []
            _LAST_IN_PAGE.clear()
            for _ in range(runs):
                w, _v, p = _check_one(page, sample)
                walls.append(w)
                pys.append(p)
            res["warm_verdict_median_ms"] = round(statistics.median(walls), 1)
            res["warm_verdict_python_median_ms"] = statistics.median(pys)
            res["warm_verdict_in_page_median_ms"] = statistics.median(_LAST_IN_PAGE)
            res["warm_verdict_runs"] = len(walls)
            # -- a batch of 200 files: the pool (twice) and one worker, alternating -----------------
            if batch_dirs is not None:
                import os

                files = sorted(batch_dirs["mixed200"].iterdir())
                load = [round(x, 2) for x in os.getloadavg()]
                pool1 = _batch(browser, url, files, None)
                single = _batch(browser, url, files, 1)
                pool2 = _batch(browser, url, files, None)
                res["batch200_files"] = len(files)
                res["batch200_s_runs"] = [pool1["s"], pool2["s"]]
                res["batch200_s"] = round(statistics.median([pool1["s"], pool2["s"]]), 2)
                res["batch200_workers"] = pool1["workers"]
                res["batch200_one_worker_s"] = single["s"]
                res["batch200_verdicts"] = pool1["verdicts"]
                res["batch200_load"] = [load, [round(x, 2) for x in os.getloadavg()]]
                print(f"  browser batch {len(files)} files: pool of {pool1['workers']} {res['batch200_s_runs']} s,"
                      f" one worker {single['s']} s, load {res['batch200_load']}", flush=True)
                long = _batch(browser, url, sorted(batch_dirs["mixed500"].iterdir()), None, memory=True)
                res["batch500"] = long
                print(f"  browser batch 500 files: {long['s']} s, memory {long['memory_before']} -> {long['memory_after']}",
                      flush=True)
            # -- warm: the same (incognito) context reloaded: revalidation, in-memory HTTP cache ------
            warm = []
            traffic.reset()
            for _ in range(cold_runs):
                page.reload()
                ms, _ = _ready(page)
                warm.append(ms)
            page.wait_for_load_state("networkidle")
            res["warm_ready_s_runs"] = [round(x / 1000, 3) for x in warm]
            res["warm_ready_s"] = round(statistics.median(warm) / 1000, 3)
            res["checker_page_warm_traffic_per_reload"] = {
                k: (v / cold_runs if isinstance(v, (int, float)) else v) for k, v in traffic.summary().items()}
            ctx.close()
            # -- warm with a real (disk) HTTP cache: a persistent profile, first visit then reloads.
            # Incognito contexts keep an in-memory cache that does not hold the 9.6 MB wasm.
            prof = pathlib.Path(tempfile.mkdtemp(prefix="bench-profile-"))
            try:
                pctx = pw.chromium.launch_persistent_context(str(prof), executable_path=cf.CHROMIUM,
                                                             args=cf.CHROMIUM_ARGS, locale="zh-CN",
                                                             service_workers="block")
                ptraffic = Traffic(pctx, snap)
                page = pctx.new_page()
                page.goto(url)
                first, _ = _ready(page)
                page.wait_for_load_state("networkidle")
                ptraffic.reset()
                pwarm = []
                for _ in range(cold_runs):
                    page.reload()
                    ms, _ = _ready(page)
                    pwarm.append(ms)
                page.wait_for_load_state("networkidle")
                res["profile_first_visit_ready_s"] = round(first / 1000, 3)
                res["profile_warm_ready_s_runs"] = [round(x / 1000, 3) for x in pwarm]
                res["profile_warm_ready_s"] = round(statistics.median(pwarm) / 1000, 3)
                res["profile_warm_traffic_per_reload"] = {
                    k: (v / cold_runs if isinstance(v, (int, float)) else v) for k, v in ptraffic.summary().items()}
                pctx.close()
            except Exception as exc:  # keep the other figures
                res["profile_warm_error"] = f"{type(exc).__name__}: {exc}"[:300]
            finally:
                shutil.rmtree(prof, ignore_errors=True)
            # -- guide pages: bytes and no WebAssembly -----------------------------------------
            guide = {}
            for name in ("index.html", "verify.html", "faq.html"):
                if not (site / name).is_file():
                    continue
                ctx = browser.new_context(locale="zh-CN", service_workers="block")
                traffic = Traffic(ctx, snap)
                page = ctx.new_page()
                page.goto(f"{origin}/{name}")
                page.wait_for_load_state("networkidle")
                guide[name] = traffic.summary()
                ctx.close()
            res["guide_pages"] = guide
            if guide:
                res["guide_page_transfer_kb"] = max(g["transfer_kb"] for g in guide.values())
                res["guide_page_transfer_kb_if_gzip"] = max(g["transfer_kb_if_gzip"] for g in guide.values())
                res["guide_page_wasm"] = sorted({w for g in guide.values() for w in g["wasm"]})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(snap.parent, ignore_errors=True)
    print("  browser", json.dumps({k: v for k, v in res.items() if not isinstance(v, (dict, list))},
                                  ensure_ascii=False), flush=True)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", default=None)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--cold-runs", type=int, default=3)
    args = ap.parse_args(argv)
    res = run(args.runs, pathlib.Path(args.site) if args.site else None, args.cold_runs)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
