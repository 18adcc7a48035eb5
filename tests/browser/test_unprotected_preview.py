"""Partial coverage on the page preview: the parts no seal protects are outlined where they draw,
with a legend, and a QR code read from them is labelled as unprotected."""
from __future__ import annotations

import pytest

from cert_samples_util import sample_dir
from test_checker_ui import OUT, ui  # noqa: F401  (the page fixture)

pytestmark = pytest.mark.browser


def test_partially_sealed_ofd_shows_its_unprotected_qr_image(ui):  # noqa: F811
    path = sample_dir() / "partial-seal.ofd"  # the seal leaves out the QR code image
    page = ui.page
    if page.locator(".cqc-clear").is_visible():
        page.click(".cqc-clear")
    (card,) = [c for c in ui.check_files([path], trust_demo=True) if c["file"] == path.name]
    assert card["verdict"] == "warn", card["text"]
    assert "不受任何签章保护" in card["text"] and "Doc_0/Res/qr_code.png" in card["text"]

    sel = f'article.cqc-card[data-file="{path.name}"]'
    page.add_style_tag(content=".cqc-card { content-visibility: visible !important; }")
    page.locator(sel).scroll_into_view_if_needed()
    geo = page.evaluate("""(sel) => {
        const card = document.querySelector(sel);
        const map = card.querySelector('figure.cqc-unprot-map');
        if (!map) return null;
        const frame = map.querySelector('.cqc-preview-frame').getBoundingClientRect();
        const box = map.querySelector('.cqc-unprot.cqc-unprot-qr');
        const r = box.getBoundingClientRect();
        const style = getComputedStyle(box);
        return {frame: [frame.width, frame.height], rel: [(r.left - frame.left) / frame.width, (r.top - frame.top) / frame.height,
                r.width / frame.width, r.height / frame.height], border: style.borderTopStyle, file: box.dataset.file,
                caption: map.querySelector('figcaption').innerText, qrPreview: !!card.querySelector('.cqc-preview-stack figure:not(.cqc-unprot-map)')};
    }""", sel)
    assert geo is not None, "no sketch of the unprotected areas on the card"
    assert geo["file"] == "Doc_0/Res/qr_code.png" and geo["border"] == "dashed"
    assert abs(geo["frame"][0] / geo["frame"][1] - 210 / 297) < 0.02  # the page's proportions
    x, y, w, hgt = geo["rel"]
    assert 0.6 < x < 0.8 and 0.55 < y < 0.75 and 0.1 < w < 0.25 and 0.08 < hgt < 0.2, geo  # bottom right, where it draws
    assert "不受签章保护" in geo["caption"]
    assert geo["qrPreview"], "the decoded QR image should still be shown"

    # the QR block says where the code came from
    page.evaluate("(sel) => document.querySelectorAll(sel + ' details').forEach((d) => { d.open = true; })", sel)
    badge = page.locator(f"{sel} .cqc-qr [data-unprotected]")
    assert badge.count() == 1 and "不受签章保护" in badge.inner_text()

    OUT.mkdir(exist_ok=True)
    page.locator(sel).screenshot(path=str(OUT / "checker-unprotected.png"))


def test_pdf_form_filled_after_certification_is_outlined_on_the_rendered_page(ui, tmp_path):  # noqa: F811
    from test_pdf_form_fill import _fill, _form_pdf
    from testkit import pdfsign as ps

    pki = ps.cached_pki("rsa")
    path = tmp_path / "form-filled-p2.pdf"
    path.write_bytes(_fill(ps.sign_pdf(_form_pdf(), pki.leaf, pki.chain, certify=2)))
    page = ui.page
    if page.locator(".cqc-clear").is_visible():
        page.click(".cqc-clear")
    (card,) = [c for c in ui.check_files([path]) if c["file"] == path.name]
    assert card["verdict"] == "warn" and "表单被填写" in card["text"], card["text"]
    sel = f'article.cqc-card[data-file="{path.name}"]'
    page.add_style_tag(content=".cqc-card { content-visibility: visible !important; }")
    geo = page.evaluate("""(sel) => {
        const fig = document.querySelector(sel + ' figure.cqc-preview');
        if (!fig || fig.classList.contains('cqc-unprot-map')) return null;
        const frame = fig.querySelector('.cqc-preview-frame');
        const box = frame.querySelector('.cqc-unprot');
        if (!box || !frame.querySelector('canvas, img, .cqc-preview-ph')) return null;
        const f = frame.getBoundingClientRect(), r = box.getBoundingClientRect();
        return {rel: [(r.left - f.left) / f.width, (r.top - f.top) / f.height, r.width / f.width, r.height / f.height],
                file: box.dataset.file, caption: fig.querySelector('figcaption').innerText};
    }""", sel)
    assert geo is not None, "no outline on the rendered page"
    assert geo["file"] == "form field remark" and "不受签章保护" in geo["caption"]
    x, y, w, hgt = geo["rel"]  # /Rect [100 600 300 630] on a 595 x 842 pt page
    assert abs(x - 100 / 595) < 0.02 and abs(y - 212 / 842) < 0.02 and abs(w - 200 / 595) < 0.02 and abs(hgt - 30 / 842) < 0.02, geo
    page.locator(sel).scroll_into_view_if_needed()
    page.locator(sel).screenshot(path=str(OUT / "checker-form-filled.png"))
