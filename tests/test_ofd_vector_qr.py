"""QR codes drawn as vector paths on OFD pages (filled rectangles, no image): found and read."""
from __future__ import annotations

import pytest

from checker import Options
from checker._context import Context
from checker._ofd import list_images, vectorqr
from testkit import ofdsign

qrcode = pytest.importorskip("qrcode")
zxingcpp = pytest.importorskip("zxingcpp")
PIL = pytest.importorskip("PIL")

URL = "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz?regNo=%E6%B8%9D250012345678&sample=1"


def _matrix(text: str) -> list[list[bool]]:
    q = qrcode.QRCode(border=0)
    q.add_data(text)
    q.make(fit=True)
    return q.get_matrix()


def _with_vector_qr(text: str, *, one_path: bool, module: float = 0.8, at=(150.0, 230.0), ctm: str = "") -> bytes:
    """A small OFD whose page 1 also draws ``text`` as a QR code of filled squares: one
    PathObject per module, or one PathObject with a rectangle subpath per module."""
    files = ofdsign._read(ofdsign.make_ofd(["示例 电子证书", "姓名：示例"]))
    page = next(k for k in files if k.endswith("Content.xml"))
    m = _matrix(text)
    n = len(m)
    objs = []
    if one_path:
        sub = " ".join(f"M {x * module} {y * module} L {(x + 1) * module} {y * module} L {(x + 1) * module} "
                       f"{(y + 1) * module} L {x * module} {(y + 1) * module} C"
                       for y in range(n) for x in range(n) if m[y][x])
        objs.append(f'<ofd:PathObject ID="900" Boundary="{at[0]} {at[1]} {n * module} {n * module}" Fill="true" '
                    f'Stroke="false"{ctm}><ofd:FillColor Value="0 0 0"/><ofd:AbbreviatedData>{sub}'
                    f"</ofd:AbbreviatedData></ofd:PathObject>")
    else:
        i = 1000
        for y in range(n):
            for x in range(n):
                if m[y][x]:
                    i += 1
                    objs.append(f'<ofd:PathObject ID="{i}" Boundary="{at[0] + x * module} {at[1] + y * module} '
                                f'{module} {module}" Fill="true" Stroke="false"><ofd:AbbreviatedData>M 0 0 L '
                                f"{module} 0 L {module} {module} L 0 {module} C</ofd:AbbreviatedData></ofd:PathObject>")
    text_xml = files[page].decode()
    layer_end = text_xml.rindex("</ofd:Layer>")
    files[page] = (text_xml[:layer_end] + "".join(objs) + text_xml[layer_end:]).encode()
    return ofdsign.write_zip(files)


def _decode_all(data: bytes) -> list[str]:
    import io

    from PIL import Image

    found = []
    for _src, png in list_images(data, Context(Options())):
        with Image.open(io.BytesIO(png)) as im:
            found += [r.text for r in zxingcpp.read_barcodes(im.convert("L"))]
    return found


@pytest.mark.parametrize("one_path", [False, True])
def test_vector_qr_is_rasterised_and_decodes(one_path):
    assert URL in _decode_all(_with_vector_qr(URL, one_path=one_path))


def test_vector_qr_with_scaling_ctm():
    data = _with_vector_qr(URL, one_path=True, module=2.0, ctm=' CTM="0.5 0 0 0.5 0 0"')
    assert URL in _decode_all(data)


def test_vector_qr_source_is_the_page_file():
    srcs = [s for s, _ in list_images(_with_vector_qr(URL, one_path=True), Context(Options()))]
    assert any(s.endswith("Content.xml") for s in srcs)


def test_no_code_from_text_and_lines():
    """Table lines, a few bullets and text give no candidate image."""
    assert list_images(ofdsign.make_ofd(["示例 电子证书"]), Context(Options())) == []
    rects = [(10.0 + i, 10.0, 10.5 + i, 10.5) for i in range(0, 60, 3)]  # a row of dots: not square overall
    assert vectorqr.codes(rects) == []


def test_rectangle_budget_bounds_work():
    """A page of 100 000 tiny filled squares is capped, not rendered at any size."""
    from checker._ofd.xmlsafe import parse

    rects: list = []
    body = "".join(f'<ofd:PathObject ID="{i}" Boundary="{i % 300} {i // 300} 0.5 0.5" Fill="true">'
                   f"<ofd:AbbreviatedData>M 0 0 L 0.5 0 L 0.5 0.5 L 0 0.5 C</ofd:AbbreviatedData></ofd:PathObject>"
                   for i in range(30_000))
    xml = f'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>{body}</ofd:Layer></ofd:Content></ofd:Page>'
    ctx = Context(Options())
    node = parse(xml.encode(), "p.xml", ctx.limits, ctx)
    vectorqr.collect(node, rects, ctx)
    assert len(rects) <= vectorqr._MAX_RECTS
    for png in vectorqr.codes(rects):
        assert len(png) < 5_000_000
