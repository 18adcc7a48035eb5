"""Extra trusted roots in the browser: a reader adds one on the checker page ("添加信任的根证书"),
and a site built with ``TRUST_DIR`` trusts its roots for every reader.

The certificate checked is a fictitious one (示例) in the samples' layout, signed by a throw-away
PKI whose signer is named after the real issuing body: it passes when, and only when, its root
is trusted — whatever the origin of that trust.  Everything goes through the page: the file input
marked ``data-trust-input``, the confirm and remove buttons, a reload.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from conftest import BOOT_TIMEOUT_MS, RequestRecorder

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "_out"
TODAY = "2026-11-23"
ISSUER = "重庆市住房和城乡建设委员会"  # a known issuing body (checker/data/issuing_bodies.json)
CHECK_TIMEOUT_MS = 120_000


def sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def grouped(fp: str) -> str:
    return " ".join(fp[i:i + 4] for i in range(0, 64, 4)).upper()


@dataclasses.dataclass
class Material:
    root_der: bytes
    fingerprint: str
    certificate: pathlib.Path  # signed under the root; passes when the root is trusted
    files: dict[str, pathlib.Path]  # inputs by name


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> Material:
    import make_samples as ms
    from testkit import pdfsign, pki

    d = tmp_path_factory.mktemp("trust-roots")
    kit = pki.make_pki("sm2", tag="READER", leaf_name=(ISSUER, ISSUER))
    cert = dataclasses.replace(ms.DEFAULT, issuer=ISSUER)
    pdf = ms.render_pdf(cert, ms.Fonts(ms.all_chars() + ISSUER))
    pdf = pdfsign.sign_pdf(pdf, kit.leaf, kit.chain, field_name="IssuerSeal", gm=True, signing_time=ms.SIGN_TIME)
    certificate = d / "示例-证书.pdf"
    certificate.write_bytes(pdf)

    expired = pki.make_cert("示例 过期根 (TEST)", pki.Key.generate("sm2"), None, ca=True,
                            not_before=dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc),
                            not_after=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    not_ca = pki.make_cert("示例 自签名非 CA (TEST)", pki.Key.generate("rsa"), None, ca=False)
    inputs = {
        "root.cer": kit.root.der,
        "leaf.pem": kit.leaf.pem,
        "not-ca.crt": not_ca.pem,
        "expired.pem": expired.pem,
        "garbage.cer": os.urandom(3000),
        "key.pem": kit.root.key.to_pem(),
        "huge.pem": kit.root.pem + b"A" * (10 * 1024 * 1024),
    }
    files = {}
    for name, data in inputs.items():
        (d / name).write_bytes(data)
        files[name] = d / name
    return Material(kit.root.der, sha256(kit.root.der), certificate, files)


def open_checker(context, url: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + f"checker/index.html?today={TODAY}")
    page.wait_for_selector("html[data-checker-state=ready]", state="attached", timeout=BOOT_TIMEOUT_MS)
    page.errors = errors
    return page


def check(page, path: pathlib.Path) -> dict:
    """Choose ``path`` in the checker's file input; the new card's verdict and anchor lines."""
    before = page.evaluate("document.querySelectorAll('article.cqc-card:not(.cqc-pending)').length")
    page.set_input_files("#cqc-files", str(path))
    # (polled with evaluate: wait_for_function compiles its predicate with eval, which the page's
    # Content-Security-Policy refuses)
    deadline = time.monotonic() + CHECK_TIMEOUT_MS / 1000
    while page.evaluate("document.querySelectorAll('article.cqc-card:not(.cqc-pending)').length") <= before:
        assert time.monotonic() < deadline, "no result card"
        page.wait_for_timeout(100)
    return page.evaluate("""() => {
      const card = document.querySelector('article.cqc-card:not(.cqc-pending)');
      return {verdict: card.dataset.verdict,
              anchors: [...card.querySelectorAll('.cqc-anchor')].map((p) => ({
                origin: p.dataset.anchorOrigin, sha256: p.dataset.anchorSha256, text: p.textContent})),
              text: card.textContent};
    }""")


def add_root(page, path: pathlib.Path) -> None:
    page.set_input_files("[data-trust-input]", str(path))
    page.wait_for_selector("[data-trust-preview]:not([hidden]), [data-trust-message][data-kind=error]",
                           timeout=CHECK_TIMEOUT_MS)


def stored(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('[data-trust-list] li')].map((li) => li.dataset.sha256)")


@pytest.fixture(scope="module")
def reader(browser, site_server):
    """One browser profile (context) for the reader: localStorage survives reloads."""
    context = browser.new_context(locale="zh-CN", service_workers="block")
    recorder = RequestRecorder()
    recorder.attach(context)
    try:
        yield context, recorder
    finally:
        context.close()


def test_reader_adds_a_root_checks_reloads_and_removes_it(reader, site_server, material):
    context, recorder = reader
    page = open_checker(context, site_server.url)
    assert stored(page) == []
    assert page.locator("[data-trust-input]").count() == 1

    first = check(page, material.certificate)
    assert first["verdict"] == "warn" and first["anchors"] == []  # signer's root unknown: 注意

    add_root(page, material.files["root.cer"])
    preview = page.locator("[data-trust-preview]")
    assert preview.is_visible()
    assert "示例 根证书 SM2 (READER)" in preview.locator("[data-field=subject]").text_content()
    assert preview.locator("[data-field=validity]").text_content() == "2025-01-01 至 2045-12-31"
    assert preview.locator("[data-field=sha256]").text_content() == grouped(material.fingerprint)
    assert stored(page) == []  # nothing is kept before the reader confirms
    OUT.mkdir(parents=True, exist_ok=True)
    page.locator("#cqc-trust").screenshot(path=str(OUT / "trust-confirm.png"))
    page.click("[data-trust-confirm]")
    assert stored(page) == [material.fingerprint]
    assert preview.is_hidden()

    passed = check(page, material.certificate)
    assert passed["verdict"] == "pass", passed["text"][:800]
    assert [(a["origin"], a["sha256"]) for a in passed["anchors"]] == [("user", material.fingerprint)]
    assert "你在本浏览器添加的根证书" in passed["anchors"][0]["text"]
    assert grouped(material.fingerprint) in passed["anchors"][0]["text"]
    page.locator("#cqc-trust").screenshot(path=str(OUT / "trust-list.png"))
    page.locator("article.cqc-card").first.screenshot(path=str(OUT / "trust-card.png"))

    page.reload()
    page.wait_for_selector("html[data-checker-state=ready]", state="attached", timeout=BOOT_TIMEOUT_MS)
    assert stored(page) == [material.fingerprint]  # still trusted after a reload
    again = check(page, material.certificate)
    assert again["verdict"] == "pass" and again["anchors"][0]["origin"] == "user"

    page.click(f"[data-trust-remove='{material.fingerprint}']")
    assert stored(page) == []
    assert page.evaluate("localStorage.getItem('cqc-trusted-roots-v1')") == "[]"
    removed = check(page, material.certificate)
    assert removed["verdict"] == "warn" and removed["anchors"] == []

    assert page.errors == []
    recorder.assert_same_origin_get(site_server.origin)  # nothing was uploaded
    page.close()


@pytest.mark.parametrize("name, code, words", [
    ("leaf.pem", "TRUST_ROOT_LEAF", "终端证书"),
    ("not-ca.crt", "TRUST_ROOT_NOT_CA", "不是 CA 证书"),
    ("expired.pem", "TRUST_ROOT_EXPIRED", "已于 2020-01-01 过期"),
    ("garbage.cer", None, "证书"),
    ("key.pem", "TRUST_ROOT_NOT_CERTIFICATE", "这不是证书文件"),
    ("huge.pem", "TRUST_ROOT_TOO_LARGE", "文件过大"),
])
def test_bad_inputs_are_refused_with_a_reason_and_change_nothing(reader, site_server, material, name, code, words):
    context, _ = reader
    page = open_checker(context, site_server.url)
    before = page.evaluate("localStorage.getItem('cqc-trusted-roots-v1')")
    add_root(page, material.files[name])
    msg = page.locator("[data-trust-message]")
    assert msg.get_attribute("data-kind") == "error"
    if code:
        assert msg.get_attribute("data-code") == code
    else:
        assert msg.get_attribute("data-code") in ("TRUST_ROOT_UNREADABLE", "TRUST_ROOT_NOT_CERTIFICATE")
    text = msg.text_content()
    assert text.startswith("未添加：") and words in text, text
    assert page.locator("[data-trust-preview]").is_hidden()
    assert page.evaluate("localStorage.getItem('cqc-trusted-roots-v1')") == before
    assert stored(page) == []
    if name == "leaf.pem":
        page.locator("#cqc-trust").screenshot(path=str(OUT / "trust-refused.png"))
    page.close()


# -- a site built with TRUST_DIR ---------------------------------------------------------------

@pytest.fixture(scope="module")
def trust_dir_site(tmp_path_factory, material, site_dir):
    """The same sources built with CHECKER_TRUST_DIR (what ``make build TRUST_DIR=...`` passes)."""
    from serve import serve_in_thread

    roots = tmp_path_factory.mktemp("site-roots")
    (roots / "issuing-root.cer").write_bytes(material.root_der)
    out = tmp_path_factory.mktemp("trust-site") / "site"
    env = dict(os.environ, CHECKER_TRUST_DIR=str(roots), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    server = serve_in_thread(out, "127.0.0.1", 0, quiet=True)
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/", f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def test_site_built_with_trust_dir_passes_with_no_reader_action(browser, trust_dir_site, material):
    url, origin = trust_dir_site
    context = browser.new_context(locale="zh-CN", service_workers="block")
    recorder = RequestRecorder()
    recorder.attach(context)
    try:
        page = open_checker(context, url)
        listed = page.locator(".cqc-site-roots")
        assert "本站额外信任的根证书" in listed.text_content()
        assert listed.locator(f"li[data-sha256='{material.fingerprint}']").count() == 1
        assert grouped(material.fingerprint) in listed.text_content()
        ready = page.evaluate("window.checkerClient.ready")
        assert [r["sha256"] for r in ready["siteRoots"]] == [material.fingerprint]
        assert stored(page) == []  # the reader added nothing

        got = check(page, material.certificate)
        assert got["verdict"] == "pass", got["text"][:800]
        assert [(a["origin"], a["sha256"]) for a in got["anchors"]] == [("site", material.fingerprint)]
        assert "本站额外信任的根证书" in got["anchors"][0]["text"]
        # the same JSON as the CLI gives for this root with --trust, apart from the origin
        result = page.evaluate("""async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
          return await window.checkerClient.check('c.pdf', bytes, {today: '%s', qr: []});
        }""" % TODAY, __import__("base64").b64encode(material.certificate.read_bytes()).decode())
        sig = result["signatures"][0]
        assert (sig["anchor_origin"], sig["anchor_sha256"]) == ("site", material.fingerprint)
        page.screenshot(path=str(OUT / "trust-site.png"), full_page=True)
        assert page.errors == []
        recorder.assert_same_origin_get(origin)
    finally:
        context.close()


def test_without_trust_dir_the_page_lists_no_site_roots(reader, site_server):
    context, _ = reader
    page = open_checker(context, site_server.url)
    assert page.locator(".cqc-site-roots").count() == 0
    assert page.evaluate("window.checkerClient.ready")["siteRoots"] == []
    doc = json.loads(page.evaluate("fetch('../checker/site-roots.json').then((r) => r.text())"))
    assert doc["roots"] == []
    page.close()


def test_trust_section_has_no_serious_accessibility_violation(reader, site_server, material):
    """axe-core over the page while the section shows a root to confirm, then a refusal."""
    from test_a11y import AXE, audit, blocking, report

    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `make build`", pytrace=False)
    axe_source = AXE.read_text(encoding="utf-8")
    context, _ = reader
    page = open_checker(context, site_server.url)
    add_root(page, material.files["root.cer"])
    bad = blocking(audit(page, axe_source))
    assert not bad, report("trust section, confirming a root", bad)
    page.click("[data-trust-cancel]")
    assert stored(page) == []
    add_root(page, material.files["leaf.pem"])
    bad = blocking(audit(page, axe_source))
    assert not bad, report("trust section, a refused certificate", bad)
    page.close()
