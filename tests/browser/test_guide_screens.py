"""Guide pages in chromium: phone and desktop screenshots, print, offline Chinese search, QR codes.

Uses the shared fixtures of tests/browser/conftest.py (built site, local server, chromium).
Screenshots go to tests/_out/guide-*.png (git-ignored) for a human to look at.
"""
from __future__ import annotations

import io
import pathlib
import re

import pytest

pytestmark = pytest.mark.browser

OUT = pathlib.Path(__file__).resolve().parents[1] / "_out"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENS = [("index.html", "home"), ("query.html", "query"), ("faq.html", "faq")]


def open_page(context, url, viewport):
    page = context.new_page()
    page.set_viewport_size(viewport)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load")
    # lazy images: scroll through the page once so they load before the screenshot
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_load_state("networkidle")
    return page, errors


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path,label", SCREENS, ids=[s[1] for s in SCREENS])
def test_guide_page_screenshot(context, site_server, path, label, viewport):
    page, errors = open_page(context, site_server.url + path, viewport)
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"guide-{label}-{viewport['width']}.png"), full_page=True)

    assert not errors, errors
    # nothing wider than the screen (tables and code may scroll inside their own box)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} at {viewport['width']} px overflows by {overflow} px"
    assert page.locator("article h1").first.is_visible()
    assert re.fullmatch(r"最后更新：\d{4}-\d{2}-\d{2}", page.locator("article .last-checked").first.inner_text())
    broken = page.evaluate("""[...document.querySelectorAll('article img')]
        .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)""")
    assert not broken, f"images that did not load: {broken}"
    # body text stays readable: at least 14 CSS px on the phone
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert size >= 13.5, size
    if label == "home":
        doors = page.locator("a.guide-door")
        assert doors.count() == 3
        boxes = [doors.nth(i).bounding_box() for i in range(3)]
        if viewport is PHONE:  # stacked, full width
            assert all(b["width"] > 300 for b in boxes) and boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        else:  # side by side
            assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    context.recorder.assert_same_origin_get(site_server.origin)


GUIDE_PAGES = ["index.html", "channels.html", "query.html", "download.html", "verify.html",
               "usage.html", "faq.html", "notes.html", "deploy.html", "glossary.html", "handout.html"]


def test_every_guide_page_fits_a_390px_phone(context, site_server):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    wide = {}
    for path in GUIDE_PAGES:
        page.goto(site_server.url + path, wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            wide[path] = overflow
        assert re.fullmatch(r"最后更新：\d{4}-\d{2}-\d{2}", page.locator("article .last-checked").first.inner_text()), path
    assert not wide, f"pages wider than a 390 px phone (px too wide): {wide}"
    context.recorder.assert_same_origin_get(site_server.origin)


@pytest.fixture(scope="module")
def guide_build_server():
    """The guide built with a site address (tests/guide_site.py), so the handout has QR codes."""
    import sys

    from serve import serve_in_thread  # scripts/ is on sys.path (tests/conftest.py)

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from guide_site import TEST_SITE_URL, built_site

    server = serve_in_thread(built_site(), "127.0.0.1", 0, quiet=True)
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/", TEST_SITE_URL
    finally:
        server.shutdown()
        server.server_close()


def test_handout_prints_on_one_or_two_pages_with_scannable_qr_codes(context, guide_build_server):
    import pypdfium2
    import zxingcpp

    url, site_url = guide_build_server
    page, _ = open_page(context, url + "handout.html", DESKTOP)
    page.emulate_media(media="print")
    hidden = page.evaluate("""['.md-header', '.md-sidebar--primary', '.md-footer', '.md-search']
        .map(s => document.querySelector(s)).filter(Boolean)
        .map(e => getComputedStyle(e).display)""")
    assert hidden and all(d == "none" for d in hidden), hidden
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "guide-handout-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (OUT / "guide-handout.pdf").write_bytes(pdf)
    doc = pypdfium2.PdfDocument(pdf)
    assert 1 <= len(doc) <= 2, f"the handout prints on {len(doc)} A4 pages"
    # the printed QR codes scan back to the intranet address (rendered at 200 dpi)
    found = set()
    for i in range(len(doc)):
        image = doc[i].render(scale=200 / 72).to_pil().convert("L")
        found |= {r.text for r in zxingcpp.read_barcodes(image)}
    assert found == {site_url, site_url + "checker/index.html", site_url + "faq.html"}, found


# Each expected page has the word only inside body sentences, not in a heading or title.
@pytest.mark.parametrize("word,expected", [
    ("验证码", "download.html"),
    ("渝快办", "download.html"),
    ("数字签名", "verify.html"),
    ("延续注册", "download.html"),
])
def test_search_finds_words_inside_sentences(context, site_server, word, expected):
    page, _ = open_page(context, site_server.url + "index.html", DESKTOP)
    box = page.locator("input.md-search__input")
    box.click()  # the search box is visible in the header at desktop width
    box.fill(word)
    results = page.locator(".md-search-result__list a")
    # Material queries on keyup/focus (not on the input event), and a query sent before its
    # search worker has loaded the index is dropped: repeat the keyup until results show.
    for _ in range(30):
        page.keyboard.press("End")
        try:
            results.first.wait_for(timeout=2_000)
            break
        except Exception:  # playwright TimeoutError: worker not ready yet on a busy machine
            continue
    results.first.wait_for(timeout=1_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(h.split("#")[0].split("?")[0].endswith(expected) for h in hrefs), (word, hrefs)
    context.recorder.assert_same_origin_get(site_server.origin)


def test_training_qr_code_decodes_to_its_address(context):
    """The build-time QR code (guide_hooks.qr_svg) scans back to the address it was made for."""
    import zxingcpp
    from PIL import Image

    import guide_hooks  # scripts/ is on sys.path (tests/conftest.py)

    url = "http://10.1.2.3:8080/cert-guide/checker/index.html"
    page = context.new_page()
    page.set_content(f'<div id="q" style="width:240px;background:#fff">{guide_hooks.qr_svg(url)}</div>'
                     '<style>svg{width:240px;height:240px;display:block}</style>')
    png = page.locator("#q svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert [r.text for r in found] == [url]
