"""The checker page as a user drives it: choose files, read verdicts, export, samples.

One page per module (Pyodide boots once).  Everything goes through the UI: the file input,
the sample buttons, the trust-demo checkbox, the export buttons (real downloads).  The page is
served with its real Content-Security-Policy (no bypass), so the tests also prove the policy
lets the checker work.
"""
from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest

from pdfgen import make_pdf

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "_out"
TODAY = "2026-11-23"
READY_TIMEOUT_S = 120
CHECK_TIMEOUT_S = 120
VERDICTS = {"pass", "warn", "fail", "error"}
VERDICT_ZH = {"pass": "通过", "warn": "注意", "fail": "不通过", "error": "无法核验"}
HOSTILE = '<img src=x onerror="document.body.dataset.pwned=1">'

# Runs before any page script (CDP, not subject to the page's CSP): records long main-thread
# tasks, CSP violations and dialogs, so the tests can assert on them.
INIT_JS = """
(() => {
  window.__longtasks = [];
  window.__cspViolations = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({start: e.startTime, duration: e.duration});
    }).observe({type: "longtask", buffered: true});
  } catch (e) { window.__longtasks = null; }
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample});
  });
})();
"""


class Recorder:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()

    def on_request(self, r):
        with self.lock:
            self.requests.append((r.method, r.url, r.resource_type))

    def offenders(self, origin):
        out = []
        with self.lock:
            for method, url, rtype in self.requests:
                p = urlsplit(url)
                same = f"{p.scheme}://{p.netloc}" == origin
                # blob: URLs are the workers' one-line bootstrap modules and downloads made in
                # the page: they never leave the browser.  Their origin must still be ours.
                local = p.scheme == "blob" and url.startswith(f"blob:{origin}/")
                if method != "GET" or not (same or local):
                    out.append((method, url, rtype))
        return out


def wait_until(page, js, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate(js):
            return
        time.sleep(0.1)
    text = page.evaluate("() => document.getElementById('cq-checker')?.innerText || document.body.innerText")
    raise AssertionError(f"timed out waiting for {what}; page says:\n{text[:3000]}")


def done_count(page) -> int:
    return page.evaluate("() => Number(document.getElementById('cq-checker').dataset.done || 0)")


class UI:
    def __init__(self, page, recorder, origin, dialogs, errors):
        self.page, self.recorder, self.origin, self.dialogs, self.errors = page, recorder, origin, dialogs, errors

    def check_files(self, files, trust_demo=False):
        """Choose files through the input; wait until a card exists for each; return the cards."""
        page = self.page
        if trust_demo and not self.set_trust_demo(True):
            raise AssertionError("no trust-demo option on the page")
        if not trust_demo:
            self.set_trust_demo(False)
        before = done_count(page)
        page.set_input_files("#cqc-files", [str(f) for f in files])
        want = before + len(files)
        wait_until(page, f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {want}",
                   CHECK_TIMEOUT_S, f"{len(files)} result cards")
        return self.cards()

    def set_trust_demo(self, on):
        """Tick the visible "trust the demo CA" box; False when the page offers none (no samples)."""
        box = self.page.locator("#cqc-trust-demo")
        if not box.is_visible():
            assert not on or samples_dir() is None, "samples exist but the trust-demo option is hidden"
            return False
        if box.is_checked() != on:
            box.set_checked(on)
        return True

    def cards(self):
        # Cards use content-visibility: auto, so an off-screen card's rendered text may not exist
        # yet (Chromium then gives innerText ""). Render each card for the read, then restore.
        cards = self.page.evaluate("""() => [...document.querySelectorAll('article.cqc-card[data-verdict]')].map((el) => {
            const before = el.style.contentVisibility;
            el.style.contentVisibility = 'visible';
            const text = el.innerText;
            el.style.contentVisibility = before;
            return {file: el.dataset.file, verdict: el.dataset.verdict, text,
                    word: el.querySelector('.cqc-vword')?.textContent, ms: Number(el.dataset.ms || 0)};
        })""")
        for c in cards:  # every card shows at least its verdict and file name; "" would make checks vacuous
            assert c["file"] in c["text"] and c["word"] and c["word"] in c["text"], c
        return cards

    def download(self, button_selector) -> bytes:
        with self.page.expect_download() as info:
            self.page.click(button_selector)
        path = info.value.path()
        return pathlib.Path(path).read_bytes()

    def exported_json(self):
        return json.loads(self.download(".cqc-export-json").decode("utf-8"))


@pytest.fixture(scope="module")
def ui(browser, site_server):
    ctx = browser.new_context(locale="zh-CN", service_workers="block", accept_downloads=True,
                              viewport={"width": 1280, "height": 900})
    recorder = Recorder()
    ctx.on("request", recorder.on_request)
    ctx.add_init_script(INIT_JS)
    page = ctx.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_server.url + f"checker/index.html?today={TODAY}")
    page.wait_for_selector("#cq-checker[data-state=ready], #cq-checker[data-state=failed]",
                           state="attached", timeout=READY_TIMEOUT_S * 1000)
    assert page.get_attribute("#cq-checker", "data-state") == "ready", page.inner_text("#cq-checker")
    try:
        yield UI(page, recorder, site_server.origin, dialogs, errors)
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("ui-files")
    out = {}
    out["plain"] = d / "示例-无签章.pdf"
    out["plain"].write_bytes(make_pdf(["示例 二级建造师注册证书", "姓名：张三", "注册编号：渝2502012345678"],
                                      "https://zfcxjw.cq.gov.cn/zscx?id=123"))
    out["hostile"] = d / f"x{HOSTILE}.pdf"
    out["hostile"].write_bytes(make_pdf([f"姓名：{HOSTILE}", "聘用企业：<script>document.body.dataset.pwned=2</script>"],
                                        f"https://evil.example/{HOSTILE}"))
    out["text"] = d / "readme.txt"
    out["text"].write_bytes(b"not a certificate\n")
    return out


def run_cli(paths, trust_demo=True):
    args = [sys.executable, "-m", "checker", "--json", "--today", TODAY]
    if trust_demo:
        args.append("--trust-demo")
    proc = subprocess.run(args + [str(p) for p in paths], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode in (0, 1, 2, 3), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def comparable(result: dict) -> dict:
    """Drop what legitimately differs between the browser and the CLI: the QR box.

    Both decode the QR with zxing (wasm vs. zxing-cpp, same engine) but from different
    renderings of page 1 (pdf.js at ~2200 px vs. pdfium at the CLI's scale), so the outline's
    fractions differ in the 3rd-4th decimal (measured: <= 0.0007 on the samples; OFD images
    give identical boxes).  The sample test compares boxes with a 0.01 tolerance instead.
    Texts, sources, hosts, judgements and everything else must be equal.
    """
    r = json.loads(json.dumps(result))
    for q in r.get("qr", []):
        q.pop("box", None)
    return r


# ---- tests -------------------------------------------------------------------------------------

def test_page_boots_with_strict_csp(ui):
    csp = ui.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in directives["script-src"]
    assert directives["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["default-src"] == ["'none'"]
    assert set(directives["worker-src"]) <= {"'self'", "blob:"}
    assert ui.page.evaluate("() => window.__cspViolations") == []
    assert ui.page.get_attribute("html", "data-checker-state") == "ready"


def test_workers_are_bound_by_the_page_policy(ui, files):
    # Make sure the QR worker and pdf.js's parser exist too (the QR worker starts after ready).
    ui.check_files([files["plain"]])
    # Our workers (Pyodide, zxing, pdf.js) start from blob: bootstraps and so inherit the
    # page's policy.  Material's search worker starts from its http URL: it gets no policy
    # (measured: eval and off-origin fetch work there) but it only ever sees the search index,
    # never a file; it is exempt here and named in the report.
    workers = [w for w in ui.page.workers if w.url.startswith("blob:")]
    assert len(workers) >= 3, [w.url for w in ui.page.workers]
    other_origin = ui.origin.replace("127.0.0.1", "localhost") + "/index.html"
    for w in workers:
        got = w.evaluate("""async (url) => {
            let ev, fe;
            // After a task boundary: DevTools lets its own evaluation eval (CDP's
            // allowUnsafeEvalBlockedByCSP), but not code that runs later in the worker.
            await new Promise((r) => setTimeout(r, 0));
            try { (0, eval)("1"); ev = "allowed"; } catch (e) { ev = "blocked"; }
            try { await fetch(url, {mode: "no-cors"}); fe = "allowed"; } catch (e) { fe = "blocked"; }
            return {ev, fe};
        }""", other_origin)
        assert got == {"ev": "blocked", "fe": "blocked"}, (w.url, got)


def test_several_files_get_cards_and_batch_rows(ui, files):
    names = [files["plain"], files["hostile"], files["text"]]
    cards = ui.check_files(names)
    by_name = {c["file"]: c for c in cards}
    for p in names:
        c = by_name[p.name]
        assert c["verdict"] in VERDICTS
        assert c["word"] == VERDICT_ZH[c["verdict"]]
    assert by_name["readme.txt"]["verdict"] == "error"
    assert "不是 PDF 或 OFD 文件" in by_name["readme.txt"]["text"]
    rows = ui.page.evaluate("""() => [...document.querySelectorAll('.cqc-table tbody tr')].map(
        (tr) => [tr.dataset.file, tr.dataset.verdict, tr.cells[1].innerText])""")
    for p in names:
        assert any(r[0] == p.name and r[1] == by_name[p.name]["verdict"] and r[2] == VERDICT_ZH[r[1]] for r in rows), rows
    # every element that belongs to a result says which file and verdict
    missing = ui.page.evaluate("""() => [...document.querySelectorAll(
        '.cqc-card:not(.cqc-pending), .cqc-card .cqc-verdict, .cqc-card details, .cqc-table tbody tr')]
        .filter((el) => !el.dataset.file || !el.dataset.verdict).length""")
    assert missing == 0


def test_guide_links_point_at_the_verdict_sections(ui, files):
    ui.check_files([files["text"]])
    hrefs = ui.page.evaluate("""() => [...document.querySelectorAll('.cqc-card[data-verdict=error] .cqc-next a')].map((a) => a.href)""")
    assert hrefs and all(h.startswith(ui.origin) for h in hrefs)
    assert any(h.endswith("verify.html#verdict-error") for h in hrefs), hrefs


def test_file_text_is_shown_as_text_never_markup(ui, files):
    cards = ui.check_files([files["hostile"]])
    card = next(c for c in cards if c["file"] == files["hostile"].name)
    assert HOSTILE in card["text"]  # the file name, literally
    injected = ui.page.evaluate("""() => ({
        img: document.querySelectorAll('#cq-checker img').length,
        script: document.querySelectorAll('#cq-checker script').length,
        pwned: document.body.dataset.pwned || null})""")
    assert injected == {"img": 0, "script": 0, "pwned": None}
    assert ui.dialogs == []
    # whatever the core read from the file (fields, QR) is in the card as literal text
    result = [r for r in ui.exported_json() if r["file"] == files["hostile"].name][-1]
    shown = ui.page.evaluate("""(name) => {
        const cards = [...document.querySelectorAll('article.cqc-card')].filter((el) => el.dataset.file === name);
        const el = cards[0];
        return {text: el.textContent, open: el.querySelectorAll('a.cqc-open').length};
    }""", files["hostile"].name)
    for value in list(result["fields"].values()) + [q["text"] for q in result["qr"]]:
        assert value in shown["text"]
    assert all(not q["official"] for q in result["qr"])
    assert shown["open"] == 0  # never an "open" link for an unofficial host


def test_csv_export(ui, files):
    ui.check_files([files["plain"], files["text"]])
    raw = ui.download(".cqc-export-csv")
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["文件", "格式", "结论", "结论代码"]
    exported = ui.exported_json()
    assert len(body) == len(exported)
    for row, r in zip(body, exported):
        name = r["file"]
        want_name = "'" + name if name[:1] in "=+-@" else name
        assert row[0] == want_name and row[2] == VERDICT_ZH[r["verdict"]] and row[3] == r["verdict"]
        assert row[8] == r["sha256"]
    text_row = next(row for row in body if row[0] == "readme.txt")
    assert text_row[2] == "无法核验" and "不是 PDF 或 OFD" in text_row[4]


def test_csv_cells_cannot_become_formulas(ui, tmp_path):
    evil = tmp_path / "=HYPERLINK(1).txt"
    evil.write_bytes(b"x")
    ui.check_files([evil])
    raw = ui.download(".cqc-export-csv").decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(raw)) if "HYPERLINK" in r[0])
    assert row[0] == "'=HYPERLINK(1).txt"


def test_encrypted_and_broken_files_are_readable_errors(ui, corpus_root):
    enc = corpus_root / "pdf-pyhanko" / "minimal-aes256.pdf"
    cards = ui.check_files([enc])
    card = next(c for c in cards if c["file"] == enc.name)
    assert card["verdict"] == "error" and "加密" in card["text"], card["text"]


def test_too_large_file_is_refused_readably(ui, tmp_path):
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as fh:  # sparse: 65 MiB on paper, nothing on disk
        fh.truncate(65 * 1024 * 1024)
    cards = ui.check_files([big])
    card = next(c for c in cards if c["file"] == "huge.pdf")
    assert card["verdict"] == "error" and "文件过大" in card["text"]


def samples_dir():
    d = pathlib.Path(os.environ.get("CHECKER_SITE_DIR", ROOT / "site")) / "samples"
    return d if (d / "samples.json").is_file() else None


def load_samples():
    d = samples_dir()
    if d is None:
        return []
    data = json.loads((d / "samples.json").read_text("utf-8"))
    return data if isinstance(data, list) else data.get("samples", [])


def test_samples_match_expectations_and_cli(ui):
    """Every 示例 file: those shown on the page through their button, the others through the file
    input; all with the trust-demo option ticked.  Verdicts as samples.json says, JSON as the CLI."""
    samples = load_samples()
    assert samples, "site/samples/samples.json missing or empty: the site must ship 示例 files"
    assert all(s.get("trust_demo", True) and s.get("today", TODAY) == TODAY for s in samples)
    shown = [s for s in samples if s.get("site", True)]
    others = [s for s in samples if not s.get("site", True)]
    assert shown, "no sample is offered on the page"
    buttons = ui.page.evaluate("() => [...document.querySelectorAll('button.cqc-sample')].map((b) => b.dataset.sample)")
    assert buttons == [s["file"] for s in shown]
    assert ui.set_trust_demo(True)
    before = done_count(ui.page)
    for s in shown:
        ui.page.click(f'button.cqc-sample[data-sample="{s["file"]}"]')
    wait_until(ui.page, f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {before + len(shown)}",
               CHECK_TIMEOUT_S * 2, "sample results")
    if others:
        ui.check_files([samples_dir() / s["file"] for s in others], trust_demo=True)
    ui.set_trust_demo(False)
    exported = {r["file"]: r for r in ui.exported_json()}
    cli = {r["file"]: r for r in run_cli([samples_dir() / s["file"] for s in samples], trust_demo=True)}
    mismatched = []
    for s in samples:
        got = exported[s["file"]]
        assert got["verdict"] == s["expected_verdict"], (s["file"], got["verdict"], got["findings"])
        if comparable(got) != comparable(cli[s["file"]]):
            mismatched.append(s["file"])
        for qb, qc in zip(got["qr"], cli[s["file"]]["qr"]):  # same place, up to rendering noise
            if (qb["box"] is None) != (qc["box"] is None) or qb["box"] and max(
                    abs(a - b) for a, b in zip(qb["box"], qc["box"])) > 0.01:
                mismatched.append(f'{s["file"]} box {qb["box"]} vs {qc["box"]}')
    assert not mismatched, [(f, comparable(exported.get(f, {})), comparable(cli.get(f, {}))) for f in mismatched][:2]
    OUT.mkdir(exist_ok=True)
    (OUT / "checker-vs-cli-qr-boxes.json").write_text(json.dumps(
        {f: {"browser": [q["box"] for q in exported[f]["qr"]], "cli": [q["box"] for q in cli[f]["qr"]]}
         for f in sorted(exported) if f in cli}, indent=1))
    # official QR: an "open" link, safe attributes, never opened by itself
    official = [f for f, r in exported.items() if any(q["official"] for q in r["qr"])]
    assert official, "no sample with an official QR host"
    links = ui.page.evaluate("""(name) => [...document.querySelectorAll('article.cqc-card')]
        .filter((el) => el.dataset.file === name).flatMap((el) => [...el.querySelectorAll('a.cqc-open')])
        .map((a) => [a.href, a.rel, a.target])""", official[0])
    assert links and all(l[1] == "noopener noreferrer" and l[2] == "_blank" for l in links), links
    assert all(l[0] in [q["text"] for q in exported[official[0]]["qr"]] or l[0].startswith("https://") for l in links)
    assert len(ui.page.context.pages) == 1  # nothing was opened
    tampered = [s for s in samples if s["expected_verdict"] == "fail"]
    assert tampered, "no tampered sample among the 示例 files"
    cards = ui.cards()
    for s in tampered:
        card = next(c for c in cards if c["file"] == s["file"])
        assert card["verdict"] == "fail" and card["word"] == "不通过", card


def test_user_files_json_equals_cli(ui, files):
    paths = [files["plain"], files["hostile"], files["text"]]
    trust = samples_dir() is not None  # the option exists only on a site with samples
    ui.check_files(paths, trust_demo=trust)
    exported = {r["file"]: r for r in ui.exported_json()}  # in check order: the last one wins
    cli = {r["file"]: r for r in run_cli(paths, trust_demo=trust)}
    for p in paths:
        assert comparable(exported[p.name]) == comparable(cli[p.name]), (p.name, exported[p.name]["findings"])


# The page's own thread never hosts Python, the QR decoder or their files: they run in module
# workers, so a long check cannot freeze the page.
HEAVY_IN_PAGE_JS = """() => {
  const heavy = performance.getEntriesByType("resource").map((e) => e.name)
    .filter((n) => /\\.(wasm|whl|zip)(\\?|$)|pyodide\\.(mjs|asm\\.js)|zxing/.test(n));
  return {heavy, loadPyodide: typeof globalThis.loadPyodide, pyodide: typeof globalThis.pyodide};
}"""


def assert_heavy_work_off_the_page(page) -> None:
    seen = page.evaluate(HEAVY_IN_PAGE_JS)
    assert seen == {"heavy": [], "loadPyodide": "undefined", "pyodide": "undefined"}, seen


def test_checking_runs_off_the_main_thread(ui, files):
    if ui.page.evaluate("() => window.__longtasks") is None:
        pytest.fail("PerformanceObserver longtask unsupported in this chromium")
    batch = [files["plain"], files["hostile"], files["text"]]
    if samples_dir() is not None:
        batch += sorted(samples_dir().glob("*.pdf"))[:4] + sorted(samples_dir().glob("*.ofd"))[:2]
    start = ui.page.evaluate("() => performance.now()")
    ui.check_files(batch)
    end = ui.page.evaluate("() => performance.now()")
    tasks = ui.page.evaluate("() => window.__longtasks")
    during = [t for t in tasks if t["start"] + t["duration"] >= start and t["start"] <= end]
    longest = max((t["duration"] for t in during), default=0)
    OUT.mkdir(exist_ok=True)
    per_file = ui.page.evaluate("""(n) => [...document.querySelectorAll('article.cqc-card[data-verdict]')].slice(0, n)
        .map((el) => ({file: el.dataset.file, verdict: el.dataset.verdict,
                       python_ms: Number(el.dataset.ms || 0), total_ms: Number(el.dataset.totalMs || 0)}))""", len(batch))
    (OUT / "checker-ui-timings.json").write_text(json.dumps({
        "files": len(batch), "window_ms": round(end - start), "longtasks": during, "longest_ms": longest,
        "per_file": per_file}, indent=1, ensure_ascii=False))
    assert len(per_file) == len(batch) and all(c["verdict"] in VERDICTS for c in per_file), per_file
    assert_heavy_work_off_the_page(ui.page)
    # The page's bound: no main-thread task over 200 ms while checking (a card, a preview, a row).
    assert longest <= 200, during


def test_screenshots_phone_and_desktop(ui, files):
    OUT.mkdir(exist_ok=True)
    page = ui.page
    if page.locator(".cqc-clear").is_visible():
        page.click(".cqc-clear")
    ui.check_files([files["plain"], files["hostile"], files["text"]])
    page.evaluate("() => document.querySelectorAll('article.cqc-card details').forEach((d, i) => { if (i < 4) d.open = true; })")
    # Cards out of view skip painting (content-visibility: auto); a full-page screenshot is
    # taken without scrolling, so paint them all for the picture.
    page.add_style_tag(content=".cqc-card { content-visibility: visible !important; }")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("() => window.scrollTo(0, 0)")  # else the sticky header lands mid-page
    time.sleep(0.3)
    page.screenshot(path=str(OUT / "checker-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("() => window.scrollTo(0, 0)")
    time.sleep(0.3)
    page.screenshot(path=str(OUT / "checker-390.png"), full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert overflow <= 0, f"page is {overflow}px wider than a 390px phone"


def test_zero_off_origin_or_non_get_requests(ui):
    # Last in the module: covers page load, runtime boot, every check, samples and exports.
    assert ui.recorder.requests
    assert ui.recorder.offenders(ui.origin) == []
    assert ui.errors == []
    assert ui.page.evaluate("() => window.__cspViolations") == []


def test_drag_and_drop(ui, files):
    before = done_count(ui.page)
    data = list(files["plain"].read_bytes())
    ui.page.evaluate("""([bytes, name]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, {type: "application/pdf"}));
        const zone = document.querySelector(".cqc-drop");
        for (const type of ["dragenter", "dragover", "drop"])
            zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [data, "dropped.pdf"])
    wait_until(ui.page, f"() => Number(document.getElementById('cq-checker').dataset.done || 0) > {before}", CHECK_TIMEOUT_S, "the dropped file")
    assert any(c["file"] == "dropped.pdf" and c["verdict"] in VERDICTS for c in ui.cards())


def test_files_chosen_while_loading_wait_in_the_queue(browser, site_server, files):
    ctx = browser.new_context(locale="zh-CN", service_workers="block")
    ctx.add_init_script(INIT_JS)
    try:
        page = ctx.new_page()
        page.goto(site_server.url + "checker/index.html")
        page.wait_for_load_state("load")
        assert page.get_attribute("#cq-checker", "data-state") == "loading"
        # The page's own first layout and Material's start-up come before this point; from
        # here on only the runtime loads (in its worker) and the queued files are checked.
        since = page.evaluate("() => performance.now()")
        page.set_input_files("#cqc-files", [str(files["plain"]), str(files["text"])])
        pending = page.locator("article.cqc-pending")
        # text_content, not inner_text: cards are content-visibility: auto, and Chromium gives a
        # card that is not painted yet an empty innerText
        assert pending.count() == 2 and "等待核验程序加载完成" in (pending.first.text_content() or "")
        # the page answers while Pyodide loads in its worker
        assert page.evaluate("() => 1 + 1") == 2
        page.wait_for_selector("#cq-checker[data-state=ready]", state="attached", timeout=READY_TIMEOUT_S * 1000)
        wait_until(page, "() => Number(document.getElementById('cq-checker').dataset.done || 0) >= 2", CHECK_TIMEOUT_S, "queued files")
        assert page.locator("article.cqc-pending").count() == 0
        tasks = page.evaluate("() => window.__longtasks")
        ready_ms = float(page.evaluate("() => document.documentElement.dataset.checkerMs || 0"))
        OUT.mkdir(exist_ok=True)
        (OUT / "checker-boot-longtasks.json").write_text(json.dumps(
            {"page_open_to_ready_ms": ready_ms, "files_chosen_at_ms": since, "longtasks": tasks}, indent=1))
        assert_heavy_work_off_the_page(page)
    finally:
        ctx.close()


@pytest.mark.parametrize("missing", ["pyodide.mjs", "pyodide.asm.wasm"])
def test_runtime_failure_is_readable(browser, site_server, files, missing):
    ctx = browser.new_context(locale="zh-CN", service_workers="block")
    try:
        ctx.route(f"**/runtime/pyodide/{missing}", lambda route: route.fulfill(status=404, body="gone"))
        page = ctx.new_page()
        page.goto(site_server.url + "checker/index.html")
        page.wait_for_selector("#cq-checker[data-state=failed]", state="attached", timeout=READY_TIMEOUT_S * 1000)
        assert "核验程序加载失败" in page.inner_text(".cqc-runtime")
        page.set_input_files("#cqc-files", [str(files["plain"])])
        page.wait_for_selector("article.cqc-card[data-verdict=error]", timeout=10_000)
        assert "加载失败" in (page.text_content("article.cqc-card[data-verdict=error]") or "")
    finally:
        ctx.close()


def test_pdf_js_runs_in_the_qr_worker_not_on_the_page(ui, files):
    """The page's main thread stays free for the cards: pdf.js is loaded and paints in the QR
    worker (its parser in a worker of that worker), adds no fonts to the page's document, and
    the page itself keeps no canvas for a preview."""
    ui.check_files([files["plain"]])
    page_loads = ui.page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")
    assert not [u for u in page_loads if "/pdfjs/" in u], [u for u in page_loads if "/pdfjs/" in u]
    families = ui.page.evaluate("() => [...document.fonts].map((f) => f.family)")
    assert not [f for f in families if f.startswith("g_d")], families  # pdf.js names its fonts g_d0_f1, …
    qr = [w for w in ui.page.workers if w.evaluate("() => self.name") == "qr"]
    assert len(qr) == 1
    assert qr[0].evaluate("() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/pdfjs/pdf.min.mjs'))")
    assert ui.page.evaluate("() => document.querySelectorAll('#cq-checker canvas').length") == 0


def test_pdfs_back_to_back_never_hit_a_closing_pdfjs_worker(ui, tmp_path):
    """Files are checked one after another on one pdf.js worker port.  The previous document's
    teardown must be over before the next document starts, else pdf.js throws ("PDFWorker.create
    - the worker is being destroyed") and the file got an error card instead of its verdict."""
    src = None
    if samples_dir() is not None:
        src = samples_dir() / "sample-rsa.pdf"
    else:  # a site without samples: any small PDF of our own
        src = tmp_path / "plain.pdf"
        src.write_bytes(make_pdf(["姓名：张三"]))
    paths = []
    for i in range(10):
        p = tmp_path / f"back-to-back-{i}.pdf"
        p.write_bytes(src.read_bytes())
        paths.append(p)
    cards = ui.check_files(paths)
    mine = [c for c in cards if c["file"].startswith("back-to-back-")]
    assert len(mine) == len(paths)
    bad = [c for c in mine if "核验过程出错" in c["text"] or "无法渲染" in c["text"]]
    assert not bad, bad[0]["text"][:500]
    assert len({c["verdict"] for c in mine}) == 1, [c["verdict"] for c in mine]


def test_pdf_qr_path_can_start_right_after_the_last_one(ui, tmp_path):
    """The same race without the page's own pauses: pdfQr() called again the moment it returned
    (on a busy machine the gap between two files can shrink to that).  Each call must render and
    decode, not fail on the previous document's teardown."""
    src = samples_dir() / "sample-rsa.pdf" if samples_dir() is not None else None
    data = list(src.read_bytes()) if src else list(make_pdf(["姓名：张三"]))
    notes = ui.page.evaluate("""async (data) => {
        const m = await import(new URL("../assets/checker/qr.mjs", location.href).href);
        const bytes = new Uint8Array(data).buffer;
        const out = [];
        for (let i = 0; i < 4; i++) {
            try {
                const r = await m.pdfQr(bytes);
                out.push({qr: r.qr === null ? null : r.qr.length, note: r.note});
            } catch (err) { out.push({error: String(err)}); }
        }
        return out;
    }""", data)
    assert all("error" not in n and n["qr"] is not None for n in notes), notes
    assert len({n["qr"] for n in notes}) == 1, notes


@pytest.mark.parametrize("size_pt,renders", [(150, 1), (22, 3)])
def test_pdf_qr_small_codes_get_a_second_larger_rendering(ui, size_pt, renders):
    """Page 1 is rendered 850 px long first, then 1600 and 2200 px only while nothing was found:
    a normal QR code takes one rendering, a tiny one (22 pt, 7.8 mm, under 2 px per module at
    1600 px) is still read, on the third."""
    url = "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz?regNo=%E6%B8%9D250012345678&sample=1"
    data = list(make_pdf(["姓名：张三"], url, qr_size_pt=size_pt))
    out = ui.page.evaluate("""async (data) => {
        const m = await import(new URL("../assets/checker/qr.mjs", location.href).href);
        const r = await m.pdfQr(new Uint8Array(data).buffer);
        return {texts: (r.qr || []).map((q) => q.text), note: r.note, preview: !!r.preview, renders: r.renders};
    }""", data)
    assert out["texts"] == [url], out
    assert out["preview"], out
    assert out["renders"] == renders, out


def test_ofd_qr_drawn_as_vector_paths_is_read(ui, tmp_path):
    """An OFD whose QR code is drawn as filled squares (no image): the page reads it as the CLI does."""
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from test_ofd_vector_qr import URL, _with_vector_qr

    path = tmp_path / "vector-qr.ofd"
    path.write_bytes(_with_vector_qr(URL, one_path=True))
    ui.check_files([path])
    got = {r["file"]: r for r in ui.exported_json()}[path.name]
    assert URL in [q["text"] for q in got["qr"]], got["qr"]
    cli = run_cli([path])[0]
    assert [q["text"] for q in got["qr"]] == [q["text"] for q in cli["qr"]], (got["qr"], cli["qr"])
