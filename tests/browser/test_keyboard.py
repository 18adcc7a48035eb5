"""Keyboard-only use of the checker page: choose files, open a card's details, export.

Only Tab, Shift+Tab, Enter and Space are pressed; no element is clicked or focused by script.
The file dialog that Enter opens is answered through Playwright's file chooser (what a user
would pick in the operating system's dialog).
"""
from __future__ import annotations

import json
import pathlib

import pytest

pytestmark = pytest.mark.browser

READY_TIMEOUT_MS = 120_000
CHECK_TIMEOUT_MS = 120_000
MAX_TABS = 400


@pytest.fixture(scope="module")
def page(browser, site_server):
    ctx = browser.new_context(locale="zh-CN", service_workers="block", accept_downloads=True,
                              viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(site_server.url + "checker/index.html?today=2026-11-23")
    pg.wait_for_selector("#cq-checker[data-state=ready], #cq-checker[data-state=failed]",
                         state="attached", timeout=READY_TIMEOUT_MS)
    assert pg.get_attribute("#cq-checker", "data-state") == "ready", pg.inner_text("#cq-checker")
    # Intercept file dialogs from now on (a listener turns interception on; the evaluate after it
    # makes sure the browser has it before any key is pressed).
    pg.choosers = []
    pg.on("filechooser", lambda fc: pg.choosers.append(fc))
    pg.evaluate("1")
    try:
        yield pg
    finally:
        ctx.close()


def tab_to(page, selector: str, backwards: bool = False) -> int:
    """Press Tab until the focused element matches ``selector``; return the number of presses."""
    key = "Shift+Tab" if backwards else "Tab"
    for n in range(1, MAX_TABS + 1):
        page.keyboard.press(key)
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return n
    raise AssertionError(f"{selector} cannot be reached with {key} ({MAX_TABS} presses)")


def focus_is_visible(page) -> bool:
    """The focused element (or, for the hidden file input, the drop zone it labels) shows a ring."""
    return page.evaluate("""() => {
        let el = document.activeElement;
        if (el.id === 'cqc-files') el = document.querySelector('label[for=cqc-files]');
        const s = getComputedStyle(el);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
    }""")


def test_choose_files_open_details_and_export_with_the_keyboard(page, site_dir):
    sample = site_dir / "samples" / "sample-sm2.pdf"
    assert sample.is_file()
    page.locator("body").focus()  # start from the top of the document, as after loading

    # 1. choose files: Tab to the file control, Enter opens the system dialog
    tab_to(page, "#cqc-files")
    assert focus_is_visible(page), "the focused file control shows no focus indicator"
    # (Space is the browser's own key for a file input; Enter is the page's addition.)
    page.keyboard.press("Enter")
    for _ in range(100):
        if page.choosers:
            break
        page.wait_for_timeout(100)
    assert page.choosers, "Enter on the focused file control opened no file dialog"
    page.choosers[-1].set_files([str(sample)])
    page.wait_for_function("() => Number(document.getElementById('cq-checker').dataset.done || 0) >= 1",
                           timeout=CHECK_TIMEOUT_MS)
    card = page.locator("article.cqc-card[data-verdict]").first
    assert card.get_attribute("data-verdict") in {"pass", "warn", "fail", "error"}

    # 2. open details: Tab into the card to a <summary>, Enter opens it, Enter again closes it
    tab_to(page, "article.cqc-card details.cqc-det > summary")
    assert focus_is_visible(page), "a focused <summary> shows no focus indicator"
    opened = "() => document.activeElement.parentElement.open"
    assert not page.evaluate(opened)
    page.keyboard.press("Enter")
    assert page.evaluate(opened)
    page.keyboard.press("Space")
    assert not page.evaluate(opened)
    page.keyboard.press("Enter")

    # 3. export: Tab (or Shift+Tab: the buttons may sit above the cards) to 导出 JSON, press Enter
    try:
        tab_to(page, "button.cqc-export-json")
    except AssertionError:
        tab_to(page, "button.cqc-export-json", backwards=True)
    assert focus_is_visible(page), "the focused export button shows no focus indicator"
    with page.expect_download(timeout=30_000) as info:
        page.keyboard.press("Enter")
    data = json.loads(pathlib.Path(info.value.path()).read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert "sample-sm2.pdf" in text
