"""Partial coverage in real OFD files: parts a seal leaves out are warn, named with what they are,
their pages, where they draw, and the printed text they carry."""
import pathlib

from checker import Options, check_bytes

REAL = pathlib.Path(__file__).parent / "corpus" / "real"


def _check(name):
    return check_bytes((REAL / name).read_bytes(), name, Options())


def _parts(r):
    return [f for f in r.findings if f.code == "OFD_UNPROTECTED_PART"]


def test_template_left_out_of_the_seal_is_named_with_the_text_it_prints():
    r = _check("ofdgo_bkrs_issuer_20220309.ofd")  # a bank statement whose seal leaves out its template
    assert r.verdict == "warn" and "OFD_UNCOVERED_CONTENT" not in {f.code for f in r.findings}
    (f,) = _parts(r)
    assert f.severity == "warn" and "页面模板 Doc_0/Temps/Temp_0/Content.xml（第 1 页）" in f.message
    assert "它印出的文字有" in f.message and "账号" in f.message and "It prints" in f.message_en
    areas = [a for a in r.unprotected if a.file == "Doc_0/Temps/Temp_0/Content.xml"]
    assert areas and all(a.page == 1 and a.what == "page template" for a in areas)
    assert all(0 <= v <= 1 for a in areas for v in a.box) and all(a.box != (0.0, 0.0, 1.0, 1.0) for a in areas)


def test_image_and_annotation_list_left_out():
    r = _check("xilou_ofdfapiao_chongqing.ofd")  # an e-invoice: its QR image (JBIG2) and annotation list are unsealed
    assert r.verdict == "warn"
    what = {dict(f.params)["file"]: dict(f.params)["what"] for f in _parts(r)}
    assert what == {"Doc_0/Annots/Annotations.xml": "annotation list", "Doc_0/Res/image_80.jb2": "image"}
    (img,) = [a for a in r.unprotected if a.file == "Doc_0/Res/image_80.jb2"]
    x, y, w, h = img.box
    assert x < 0.2 and y < 0.2 and 0 < w < 0.2 and 0 < h < 0.2  # top left, where the invoice's QR code is
    (lst,) = [a for a in r.unprotected if a.file == "Doc_0/Annots/Annotations.xml"]
    assert lst.box == (0.0, 0.0, 1.0, 1.0)  # an annotation can be added anywhere on the page
