"""The checker page with many files: a pool of Python workers, the batch progress bar, cancelling,
bounded memory (off-screen cards keep no page pixels) and the printed verification report.

The report is printed to PDF by Chromium (Playwright's page.pdf, print media) and read back with
poppler's pdftotext; its pages are also written as PNGs to tests/_out/ to look at.
"""
from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import time

import pytest

from checker.messages import UNPROTECTED_CONTENT

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "_out"
TODAY = "2026-11-23"
TIMEOUT_S = 300
VERDICT_ZH = {"pass": "通过", "warn": "注意", "fail": "不通过", "error": "无法核验"}
INIT_JS = """
(() => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push(e.duration);
  }).observe({type: "longtask", buffered: true});
})();
"""


def _samples() -> list[pathlib.Path]:
    from test_checker_ui import samples_dir

    d = samples_dir()
    if d is None:
        pytest.fail("the built site has no samples (make build writes them)", pytrace=False)
    return sorted(p for p in d.iterdir() if p.suffix in (".pdf", ".ofd"))


class Page:
    def __init__(self, page):
        self.page = page

    def js(self, code, arg=None):
        return self.page.evaluate(code, arg)

    def done(self) -> int:
        return self.js("() => Number(document.getElementById('cq-checker').dataset.done || 0)")

    def wait(self, condition: str, what: str, timeout_s: float = TIMEOUT_S) -> None:
        self.page.wait_for_function(condition, timeout=timeout_s * 1000, polling=50)

    def wait_idle(self) -> None:
        self.wait("() => document.getElementById('cq-checker').dataset.busy === 'false'", "idle")

    def check(self, files, trust_demo=True) -> None:
        box = self.page.locator("#cqc-trust-demo")
        if box.is_checked() != trust_demo:
            box.set_checked(trust_demo)
        want = self.done() + len(files)
        self.page.set_input_files("#cqc-files", [str(f) for f in files])
        self.wait(f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {want}", f"{want} cards")
        self.wait_idle()

    def results(self) -> list[dict]:
        with self.page.expect_download() as info:
            self.page.click(".cqc-export-json")
        return json.loads(pathlib.Path(info.value.path()).read_text("utf-8"))


def _open(browser, site_server, workers: int | None = None, viewport=(1280, 900), cpus: int | None = None) -> Page:
    """The checker page; ``cpus`` makes the page see that many CPUs (navigator.hardwareConcurrency,
    which sizes its pools) on this 2-core machine."""
    ctx = browser.new_context(locale="zh-CN", service_workers="block", accept_downloads=True,
                              viewport={"width": viewport[0], "height": viewport[1]})
    ctx.add_init_script(INIT_JS)
    if cpus:
        ctx.add_init_script("Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', {get: () => %d})" % cpus)
    page = ctx.new_page()
    query = f"?today={TODAY}" + (f"&workers={workers}" if workers else "")
    page.goto(site_server.url + "checker/index.html" + query)
    page.wait_for_selector("#cq-checker[data-state=ready]", state="attached", timeout=TIMEOUT_S * 1000)
    return Page(page)


def _copies(tmp_path: pathlib.Path, n: int) -> list[pathlib.Path]:
    samples = _samples()
    out = []
    for i in range(n):
        src = samples[i % len(samples)]
        dst = tmp_path / f"{i:03d}-{src.name}"
        shutil.copy(src, dst)
        out.append(dst)
    return out


@pytest.fixture(scope="module")
def pool(browser, site_server):
    # three Python workers and, as on a 4-CPU machine, two QR workers
    p = _open(browser, site_server, workers=3, cpus=4)
    p.wait("() => Number(document.getElementById('cq-checker').dataset.workers || 0) >= 3", "3 workers")
    yield p
    p.page.context.close()


def test_pool_results_equal_one_worker_on_every_sample(browser, site_server, pool):
    samples = _samples()
    single = _open(browser, site_server, workers=1)
    try:
        single.check(samples)
        time.sleep(1)
        assert single.js("() => document.getElementById('cq-checker').dataset.workers") == "1"
        one = single.results()
    finally:
        single.page.context.close()
    before = len(pool.results()) if pool.done() else 0
    pool.check(samples)
    many = pool.results()[before:]
    assert [r["file"] for r in many] == [p.name for p in samples]  # exported in the order chosen
    assert many == one
    assert {r["verdict"] for r in many} >= {"warn", "fail"}
    assert any(r["qr"] for r in many if r["format"] == "pdf") and any(r["qr"] for r in many if r["format"] == "ofd")
    assert sum(1 for w in pool.page.workers if w.evaluate("() => self.name") == "qr") == 2  # a second starts only when two files need one at once


def test_progress_bar_counts_and_estimates(pool, tmp_path):
    files = _copies(tmp_path, 24)
    pool.page.set_input_files("#cqc-files", [str(f) for f in files])
    pool.wait("() => { const p = document.querySelector('.cqc-progress'); return p && !p.hidden && "
              "/预计还需/.test(p.textContent); }", "progress with an estimate")
    seen = pool.js("""() => ({text: document.querySelector('.cqc-progress-text').textContent,
        value: Number(document.querySelector('.cqc-progress-bar').value),
        max: Number(document.querySelector('.cqc-progress-bar').max)})""")
    assert seen["max"] == 24 and 1 <= seen["value"] < 24, seen
    assert "/ 24 个文件" in seen["text"], seen
    pool.wait_idle()
    assert pool.js("() => document.querySelector('.cqc-progress').hidden") is True
    assert pool.js("() => document.getElementById('cq-checker').dataset.batch") == "idle"


def test_cancel_drops_the_queue_and_the_page_goes_on(pool, tmp_path):
    files = _copies(tmp_path, 40)
    start = pool.done()
    pool.page.set_input_files("#cqc-files", [str(f) for f in files])
    pool.wait(f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {start + 2}", "2 results")
    # The page answers while the batch runs: scrolling and the cancel button work.
    pool.page.mouse.wheel(0, 1500)
    pool.page.click(".cqc-cancel")
    pool.wait_idle()
    done = pool.done() - start
    cancelled = int(pool.js("() => document.getElementById('cq-checker').dataset.cancelled || 0"))
    assert 2 <= done < 40 and done + cancelled == 40, (done, cancelled)
    assert pool.js("() => document.querySelectorAll('article.cqc-pending').length") == 0
    pool.check(_samples()[:1])  # the next file is checked as usual
    assert pool.done() - start == done + 1


def test_a_crashed_worker_is_replaced_and_the_queue_goes_on(pool, tmp_path):
    files = _copies(tmp_path, 12)
    start = pool.done()
    pool.page.set_input_files("#cqc-files", [str(f) for f in files])
    pool.wait(f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {start + 1}", "1 result")
    # what the browser does when a worker dies (out of memory, say): its error event
    pool.js("() => window.checkerClient.worker.onerror({message: 'simulated crash'})")
    pool.wait_idle()
    assert pool.done() - start == 12
    cards = pool.js("""() => [...document.querySelectorAll('article.cqc-card[data-verdict]')].slice(0, 12)
        .map((c) => c.dataset.verdict)""")
    assert cards.count("error") <= 1, cards  # at most the file that worker was checking
    pool.wait("() => Number(document.getElementById('cq-checker').dataset.workers || 0) >= 3", "pool refilled", 120)
    pool.check(_samples()[:2])  # and files are still checked
    assert pool.done() - start == 14


def test_batch_keeps_the_page_responsive(pool, tmp_path):
    files = _copies(tmp_path, 30)
    pool.js("() => { window.__longtasks.length = 0; }")
    pool.check(files)
    tasks = pool.js("() => window.__longtasks")
    # Main-thread work per file is small (a card, a preview): no task freezes the page.  The bound
    # is loose because a shared 2-core CI machine stretches every task; a page that handled the
    # batch in one go (all cards at once, pixels read back on this thread) exceeds it by far.
    assert tasks is not None and max(tasks or [0]) < 1000, sorted(tasks)[-5:]


def test_off_screen_cards_keep_no_page_images(pool, tmp_path):
    files = _copies(tmp_path, 45)
    pool.check(files)
    pool.page.mouse.wheel(0, -100000)
    time.sleep(1.5)  # the IntersectionObserver and WebP encoding are asynchronous
    counts = pool.js("""() => ({
        previews: document.querySelectorAll('.cqc-preview-frame:not(.cqc-pagemap)').length,
        canvases: [...document.querySelectorAll('canvas.cqc-preview-canvas')].filter((c) => c.width * c.height > 0).length,
        images: document.querySelectorAll('img.cqc-preview-img').length,
        placeholders: document.querySelectorAll('.cqc-preview-ph').length})""")
    assert counts["previews"] >= 30, counts
    assert counts["canvases"] + counts["images"] <= 8, counts  # only cards near the view
    assert counts["placeholders"] >= counts["previews"] - 8, counts
    # scrolled back to a card, its preview is shown again (from the stored image)
    pool.js("() => document.querySelectorAll('article.cqc-card')[30].scrollIntoView()")
    pool.wait("() => { const c = document.querySelectorAll('article.cqc-card')[30]; "
              "return !c.querySelector('.cqc-preview-frame') || c.querySelector('img.cqc-preview-img, canvas.cqc-preview-canvas'); }",
              "preview shown again", 20)


def _pdftotext(pdf: pathlib.Path, page: int | None = None) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is missing: `make test` installs it", pytrace=False)
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_printed_report_has_a_summary_and_one_page_per_certificate(browser, site_server):
    samples = _samples()
    p = _open(browser, site_server)
    try:
        p.check(samples)
        results = p.results()
        p.js("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
        p.page.click(".cqc-print")
        assert p.js("() => window.__printed") == 1
        OUT.mkdir(parents=True, exist_ok=True)
        pdf = OUT / "checker-report.pdf"
        p.page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        p.page.context.close()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == 1 + len(results), (pages, len(results))
    summary = "".join(_pdftotext(pdf, 1).split())
    assert "核验报告" in summary and f"文件数{len(results)}" in summary, summary[:300]
    counts = {v: sum(r["verdict"] == v for r in results) for v in VERDICT_ZH}
    assert "，".join(f"{VERDICT_ZH[v]}{counts[v]}" for v in VERDICT_ZH) in summary, summary[:300]
    version = results[0]["checker_version"]
    for i, r in enumerate(results, start=2):
        text = _pdftotext(pdf, i)
        flat = "".join(text.split())
        assert r["file"] in flat, (i, r["file"], text[:300])
        assert f"结论：{VERDICT_ZH[r['verdict']]}（{r['verdict']}）" in flat, (i, text[:300])
        for f in r["findings"]:
            if f["severity"] != "info":
                assert f["code"] in flat, (r["file"], f["code"])
        for s in r["signatures"]:
            signer = "".join((s["signer"] or "（未知）").split())
            assert signer in flat, (r["file"], signer)
            if s.get("anchor_sha256"):
                assert s["anchor_sha256"] in flat
        for q in r["qr"]:
            assert "".join(q["text"].split()) in flat, (r["file"], q["text"])
        assert "不受签章保护的内容" in flat and "核验时间" in flat and version in flat
        if not r["signatures"]:
            assert "全部内容都不受保护" in flat
        for u in r.get("unprotected") or []:  # e.g. the partially sealed OFD sample
            assert "".join(u["file"].split()) in flat, (r["file"], u)
        for f in r["findings"]:  # the findings the core names as "not protected" (messages.py)
            if f["code"] in UNPROTECTED_CONTENT:
                assert "".join(f["message"].split())[:24] in flat, (r["file"], f["code"])
    # pictures of the summary and the first certificate page, to look at
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(OUT / "checker-report")],
                   check=True)
    assert (OUT / "checker-report-01.png").is_file() or (OUT / "checker-report-1.png").is_file()
