"""The checker page boots Pyodide from the site's own files and runs the same core as the CLI.

Every request of the page and its workers must stay on the origin and use GET.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import pathlib

import pytest

import checker
from checker import Options, QrInput, check_bytes, list_images

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "_out"
TODAY = "2026-11-23"

CHECK_JS = """async ([name, b64, options]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return await window.checkerClient.check(name, bytes.buffer, options);
}"""

IMAGES_JS = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const images = await window.checkerClient.images(bytes.buffer);
  const out = [];
  for (const {source, bytes} of images) {
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    out.push([source, [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")]);
  }
  return out;
}"""


def browser_check(cp, name: str, data: bytes, options: dict) -> dict:
    return cp.page.evaluate(CHECK_JS, [name, base64.b64encode(data).decode(), options])


def cpython_check(name: str, data: bytes, options: dict) -> dict:
    qr = options.get("qr")
    opts = Options(
        trust_demo=options.get("trust_demo", False),
        today=dt.date.fromisoformat(options["today"]) if options.get("today") else None,
        qr_texts=None if qr is None else tuple(
            QrInput(text=q["text"], source=q.get("source", ""), box=tuple(q["box"]) if q.get("box") else None)
            for q in qr),
    )
    # Round-trip through JSON: exactly what the CLI prints with --json.
    return json.loads(check_bytes(data, name, opts).to_json())


def test_page_reaches_ready_with_python_314_and_this_checker(checker_page):
    ready = checker_page.ready
    assert ready["python"].startswith("3.14."), ready
    assert ready["checker"] == checker.__version__
    assert ready["ms"] > 0
    assert ready["snapshot"] is True, ready  # restored from runtime/pyodide/checker-snapshot.bin.gz
    # started by the page head's inline script (allowed by its CSP hash), adopted by client.mjs
    assert checker_page.page.evaluate("document.documentElement.dataset.checkerEarly") == "head"
    assert checker_page.page.evaluate("document.documentElement.dataset.checkerState") == "ready"
    assert not checker_page.errors, checker_page.errors
    OUT.mkdir(exist_ok=True)
    (OUT / "boot-time.json").write_text(json.dumps(
        {"page_open_to_ready_ms": round(checker_page.boot_ms), "worker": ready}, indent=1))


def test_worker_hashes_sm3_with_the_javascript_implementation(checker_page):
    # Pyodide has no native SM3; the pure-Python fallback is ~100x slower.  register_sm3 only
    # accepts sm3.mjs after it reproduced the standard vectors inside the worker.
    assert checker_page.ready.get("sm3") == "js", checker_page.ready


def test_python_runs_the_core_on_a_non_pdf(checker_page):
    data = b"this is not a certificate\n"
    options = {"trust_demo": False, "today": TODAY, "qr": None}
    result = browser_check(checker_page, "note.txt", data, options)
    assert result["verdict"] == "error"
    assert result["sha256"] == hashlib.sha256(data).hexdigest()  # computed by Python in the browser
    assert result == cpython_check("note.txt", data, options)


def test_qr_texts_and_options_reach_the_core(checker_page):
    data = b"%PDF-1.7\n% truncated on purpose\n"
    options = {"trust_demo": True, "today": TODAY,
               "qr": [{"text": "https://zfcxjw.cq.gov.cn/", "source": "page 1", "box": [0.1, 0.1, 0.2, 0.2]}]}
    result = browser_check(checker_page, "broken.pdf", data, options)
    assert result["verdict"] in {"fail", "error"}
    assert result == cpython_check("broken.pdf", data, options)


@pytest.mark.parametrize("name", [
    "pdf-pyhanko/empty-a4.pdf",
    "pdf-pyhanko/minimal-signed-twice-no-sig-type.pdf",
    "pdf-pyhanko/coverage-anomalies_tail-uncovered.pdf",
    "ofd-real/sign-v4signed.ofd",
    "ofd-real/converter-helloworld.ofd",
])
def test_browser_result_equals_cli_result(checker_page, corpus_root, name):
    data = (corpus_root / name).read_bytes()
    options = {"trust_demo": False, "today": TODAY, "qr": []}
    assert browser_check(checker_page, name, data, options) == cpython_check(name, data, options)


TWO_STEP_JS = """async ([name, b64, options]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const c = window.checkerClient;
  const prepared = await c.prepare(name, bytes.buffer, {trust_demo: options.trust_demo, today: options.today});
  const done = await c.finish(prepared, {qr: options.qr});
  let reused = null;
  try { await c.finish(prepared, {qr: options.qr}); } catch (e) { reused = String(e.message || e); }
  return {format: prepared.format, result: done.result, ms: [prepared.ms, done.ms], reused};
}"""


@pytest.mark.parametrize("qr_text", [None, "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz?regNo=1",
                                     "https://zfcxjw.cq.gov.cn.example.com/zwfw/jzs/zsyz?regNo=1"])
def test_prepare_then_finish_equals_one_check(checker_page, corpus_root, qr_text):
    """The page's path: the engine runs while QR codes are decoded, the QR texts join later."""
    for name in ["pdf-pyhanko/minimal-signed-twice-no-sig-type.pdf", "ofd-real/sign-v4signed.ofd"]:
        data = (corpus_root / name).read_bytes()
        qr = None if qr_text is None else [{"text": qr_text, "source": "page 1", "box": None}]
        options = {"trust_demo": False, "today": TODAY, "qr": qr}
        got = checker_page.page.evaluate(TWO_STEP_JS, [name, base64.b64encode(data).decode(), options])
        assert got["format"] == name.rsplit(".", 1)[1]
        assert got["result"] == cpython_check(name, data, options) == browser_check(checker_page, name, data, options)
        assert all(isinstance(m, int) and m >= 0 for m in got["ms"])
        assert got["reused"] and "prepared" in got["reused"]  # a prepared check is used once


def test_text_fallback_to_pypdf_works_in_the_browser(checker_page):
    """pypdf is installed after `ready` (deferred wheel); a PDF our text extractor hands to it
    (content stream in /ASCIIHexDecode) gets the same result as on CPython, and its text is seen."""
    from test_pdf_text import make_pdf  # tests/

    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (Zhang San) Tj ET".hex().encode() + b">",
                    content_extra=b" /Filter /ASCIIHexDecode")
    options = {"trust_demo": False, "today": TODAY, "qr": []}
    got = browser_check(checker_page, "hex.pdf", data, options)
    assert got == cpython_check("hex.pdf", data, options)
    assert not any(f["code"] == "PDF_TEXT_UNAVAILABLE" for f in got["findings"]), got["findings"]


def test_images_message_matches_list_images(checker_page, corpus_root):
    data = (corpus_root / "ofd-real/converter-invoice-example.ofd").read_bytes()
    got = checker_page.page.evaluate(IMAGES_JS, base64.b64encode(data).decode())
    want = [[src, hashlib.sha256(img).hexdigest()] for src, img in list_images(data)]
    assert got == want
    assert checker_page.page.evaluate(IMAGES_JS, base64.b64encode(b"%PDF-1.4\n").decode()) == []


def test_worker_reports_errors_for_unknown_messages(checker_page):
    message = checker_page.page.evaluate("""() => new Promise((resolve) => {
      const w = window.checkerClient.worker;
      const listener = (e) => { if (e.data.id === "bogus-1") { w.removeEventListener("message", listener); resolve(e.data); } };
      w.addEventListener("message", listener);
      w.postMessage({type: "frobnicate", id: "bogus-1"});
    })""")
    assert message["type"] == "error" and "frobnicate" in message["message"]


def test_every_request_was_same_origin_get(checker_page):
    # Runs last in this module: covers page load, worker boot and all checks above.
    recorder = checker_page.recorder
    urls = recorder.urls()
    assert any(u.endswith("/runtime/pyodide/pyodide.asm.wasm") for u in urls), urls
    assert any(u.endswith(".whl") and "/cq_cert_check-" in u for u in urls), urls
    recorder.assert_same_origin_get(checker_page.server.origin)


@pytest.mark.parametrize("damage", ["missing", "corrupt", "stale"])
def test_a_bad_snapshot_only_costs_speed(browser, site_server, corpus_root, damage):
    """The memory snapshot is an optimisation: missing, corrupted (fails its sha256) or made from
    another checker wheel, the worker boots normally and gives the same results."""
    ctx = browser.new_context(service_workers="block")
    try:
        if damage == "missing":
            ctx.route("**/runtime/pyodide/checker-snapshot.bin.gz", lambda r: r.fulfill(status=404, body="gone"))
        elif damage == "corrupt":
            def corrupt(route):
                body = bytearray(route.fetch().body())
                body[len(body) // 2] ^= 0xFF
                route.fulfill(status=200, body=bytes(body), headers={"Content-Type": "application/gzip"})
            ctx.route("**/runtime/pyodide/checker-snapshot.bin.gz", corrupt)
        else:
            def stale(route):
                meta = json.loads(route.fetch().body())
                meta["checker_sha256"] = "0" * 64
                route.fulfill(status=200, body=json.dumps(meta), headers={"Content-Type": "application/json"})
            ctx.route("**/runtime/pyodide/checker-snapshot.json", stale)
        page = ctx.new_page()
        page.goto(site_server.url + "checker/index.html")
        ready = page.evaluate("async () => await window.checkerClient.ready")
        assert ready["snapshot"] is False and ready["python"].startswith("3.14."), ready
        name = "ofd-real/sign-v4signed.ofd"
        data = (corpus_root / name).read_bytes()
        options = {"trust_demo": False, "today": TODAY, "qr": []}
        got = page.evaluate(CHECK_JS, [name, base64.b64encode(data).decode(), options])
        assert got == cpython_check(name, data, options)
    finally:
        ctx.close()
