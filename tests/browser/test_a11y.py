"""Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) over every guide page and the checker page.

axe-core is pinned in scripts/runtime-manifest.json like the rest of the browser runtime, but it
never ships: ``scripts/vendor.py`` extracts it to ``.cache/build/axe.min.js`` and this test injects
it through the DevTools protocol (``page.evaluate``), which the checker page's
Content-Security-Policy does not govern.  A serious or critical violation fails the test; the
report names the rule, the elements and axe's own explanation.

The checker page is audited with result cards on screen (every verdict colour, opened details),
because that is where the colours and small print are.
"""
from __future__ import annotations

import os
import pathlib

import pytest

from guide_site import GUIDE_SOURCES, page_html_name

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE = pathlib.Path(os.environ.get("AXE_JS", ROOT / ".cache" / "build" / "axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
GUIDE_PAGES = [page_html_name(p) for p in GUIDE_SOURCES]
SAMPLES = ["sample-sm2.pdf", "lookalike-qr.pdf", "expired.pdf", "sample-sm2.ofd", "partial-seal.ofd"]
READY_TIMEOUT_MS = 120_000
CHECK_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `make build` (scripts/vendor.py extracts axe-core there)",
                    pytrace=False)
    return AXE.read_text(encoding="utf-8")


def audit(page, axe_source: str) -> list[dict]:
    """Run axe on the page; return the violations (impact, rule, help, nodes)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    result = page.evaluate(
        """async (tags) => {
            // audit the page at rest: a fading element (Material's back-to-top button) has a
            // passing colour only once its transition ends; wait for finite animations (max 2 s)
            const finite = document.getAnimations().filter((a) => {
                const t = a.effect && a.effect.getComputedTiming();
                return t && Number.isFinite(t.endTime);
            });
            await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))),
                                new Promise((done) => setTimeout(done, 2000))]);
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        TAGS,
    )
    return result


def report(where: str, violations: list[dict]) -> str:
    lines = [f"{where}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for n in v["nodes"][:5]:
            summary = (n["summary"] or "").replace("\n", " ")[:300]
            lines.append(f"      {n['target']}  -- {summary}")
    return "\n".join(lines)


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def test_axe_finds_a_planted_violation(context, site_server, axe_source):
    # Guard: an audit that cannot fail proves nothing.  Grey-on-white text and an image
    # without a text alternative must be reported as serious/critical.
    page = context.new_page()
    page.goto(site_server.url + "index.html")
    page.evaluate("""() => {
        const p = document.createElement('p');
        p.textContent = '对比度不足的文字';
        p.style.color = '#bbbbbb';
        p.style.background = '#ffffff';
        document.querySelector('article').append(p);
        const img = document.createElement('img');
        img.src = 'images/sample-certificate.svg';
        document.querySelector('article').append(img);
    }""")
    ids = {v["id"] for v in blocking(audit(page, axe_source))}
    assert {"color-contrast", "image-alt"} <= ids, ids


def test_every_guide_page_has_no_serious_violation(context, site_server, axe_source):
    page = context.new_page()
    failures = []
    for name in GUIDE_PAGES:
        page.goto(site_server.url + name, wait_until="load")
        # open every collapsed <details> so its content is audited too
        page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
        bad = blocking(audit(page, axe_source))
        if bad:
            failures.append(report(name, bad))
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def checker_with_cards(browser, site_server, site_dir):
    ctx = browser.new_context(locale="zh-CN", service_workers="block", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(site_server.url + "checker/index.html?today=2026-11-23")
    page.wait_for_selector("#cq-checker[data-state=ready], #cq-checker[data-state=failed]",
                           state="attached", timeout=READY_TIMEOUT_MS)
    assert page.get_attribute("#cq-checker", "data-state") == "ready", page.inner_text("#cq-checker")
    files = [site_dir / "samples" / n for n in SAMPLES if (site_dir / "samples" / n).is_file()]
    assert files, "no sample certificates in the built site"
    trust = page.locator("#cqc-trust-demo")
    if trust.is_visible() and not trust.is_checked():
        trust.set_checked(True)  # so that a 通过-coloured card is on screen too
    page.set_input_files("#cqc-files", [str(f) for f in files])
    page.wait_for_function(
        f"() => Number(document.getElementById('cq-checker').dataset.done || 0) >= {len(files)}",
        timeout=CHECK_TIMEOUT_MS)
    try:
        yield page
    finally:
        ctx.close()


def test_checker_page_with_result_cards_has_no_serious_violation(checker_with_cards, axe_source):
    page = checker_with_cards
    verdicts = set(page.evaluate(
        "[...document.querySelectorAll('article.cqc-card[data-verdict]')].map(c => c.dataset.verdict)"))
    assert len(verdicts) >= 2, verdicts  # several verdict colours are audited, not one
    # every card fully rendered (content-visibility) and every details element open
    page.evaluate("""() => {
        document.querySelectorAll('article.cqc-card').forEach(c => c.style.contentVisibility = 'visible');
        document.querySelectorAll('#cq-checker details').forEach(d => d.open = true);
    }""")
    bad = blocking(audit(page, axe_source))
    assert not bad, report("checker/index.html", bad)


def test_axe_core_does_not_ship_in_the_site(site_dir):
    shipped = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if "axe" in p.name.lower()]
    assert not shipped, shipped
    html = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site_dir.rglob("*.html"))
    assert "axe.min.js" not in html and "axe-core" not in html
