"""The sample generator: real extractable CJK text, legible rendering, samples.json contract."""
import io
import json
import re
import zipfile
import xml.etree.ElementTree as ET

import pypdf
import pytest

import make_samples
from cert_samples_util import sample_dir
from checker._cert.fields import extract_fields

EXPECTED_FIELDS = {
    "name": "张明远",
    "gender": "男",
    "birth_date": "1988-06-15",
    "id_number": make_samples.DEFAULT.id_number,
    "reg_number": "渝250192012345",
    "employer": "重庆示例建设工程有限公司",
    "specialties": "建筑工程、市政公用工程",
    "specialty_valid_until": "建筑工程 2028-03-31；市政公用工程 2028-03-31",
    "use_valid_until": "2027-03-31",
    "issuer": "示例 重庆市某发证机关 (DEMO)",
    "issue_date": "2026-10-01",
}


@pytest.fixture(scope="module")
def samples():
    return sample_dir()


@pytest.fixture(scope="module")
def index(samples):
    return json.loads((samples / "samples.json").read_text(encoding="utf-8"))


def test_index_contract(samples, index):
    assert len(index) == len(make_samples.SAMPLES)
    for e in index:
        assert set(e) >= {"file", "title_zh", "format", "description_zh", "expected_verdict", "trust_demo"}
        assert (samples / e["file"]).is_file()
        assert e["format"] in ("pdf", "ofd") and e["file"].endswith("." + e["format"])
        assert e["expected_verdict"] in ("warn", "fail"), "a DEMO sample must never be expected to pass"
        assert e["trust_demo"] is True
        assert "示例" in e["title_zh"] or "篡改" in e["title_zh"] or e["expected_verdict"] != "pass"
    formats = {e["format"] for e in index if e["site"]}
    assert formats == {"pdf", "ofd"}
    verdicts = {e["expected_verdict"] for e in index if e["site"]}
    assert verdicts == {"warn", "fail"}
    # every intended signature was applied (the signers are available)
    for e, s in zip(index, make_samples.SAMPLES):
        assert e["signed"] == s.sign


def test_pdf_text_is_real_extractable_chinese(samples):
    text = pypdf.PdfReader(samples / "sample-sm2.pdf").pages[0].extract_text()
    for word in ("中华人民共和国二级建造师注册证书", "示例", "姓", "注册编号", "聘用企业", "不具任何法律效力"):
        assert word in text
    assert dict(extract_fields(text).as_fields()) == EXPECTED_FIELDS


def _ofd_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ET.fromstring(z.read("Doc_0/Pages/Page_0/Content.xml"))
    ns = "{http://www.ofdspec.org/2016}"
    return "\n".join(t.text or "" for t in root.iter(ns + "TextCode"))


def test_ofd_text_and_structure(samples):
    data = (samples / "sample-sm2.ofd").read_bytes()
    assert dict(extract_fields(_ofd_text(data)).as_fields()) == EXPECTED_FIELDS
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        assert {"OFD.xml", "Doc_0/Document.xml", "Doc_0/Res/qr_code.png", "Doc_0/Signs/Signatures.xml"} <= names
        assert z.read("Doc_0/Res/qr_code.png").startswith(b"\x89PNG")
        # DeltaX has one gap fewer than characters, as GB/T 33190 requires
        root = ET.fromstring(z.read("Doc_0/Pages/Page_0/Content.xml"))
        for tc in root.iter("{http://www.ofdspec.org/2016}TextCode"):
            assert len(tc.get("DeltaX").split()) == len(tc.text) - 1


def test_tampered_files_differ_only_in_the_name(samples):
    pdf = pypdf.PdfReader(samples / "tampered-name.pdf").pages[0].extract_text()
    assert make_samples.ALT_NAME in pdf and make_samples.DEFAULT.name not in pdf
    ofd = _ofd_text((samples / "tampered-name.ofd").read_bytes())
    assert make_samples.ALT_NAME in ofd and make_samples.DEFAULT.name not in ofd


def test_pdf_renders_legibly_with_pdfium(samples):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument((samples / "sample-sm2.pdf").read_bytes())
    page = pdf[0]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    assert "二级建造师注册证书" in text and "渝250192012345" in text
    img = page.render(scale=0.5, grayscale=True).to_pil()
    dark = sum(img.histogram()[:128])
    assert dark > 0.01 * img.width * img.height  # glyphs drawn, not blank boxes
    # every glyph used is embedded (no missing-font fallback): fonts are embedded subsets
    reader = pypdf.PdfReader(samples / "sample-sm2.pdf")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for f in fonts.values():
        f = f.get_object()
        desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in desc and re.match(r"[A-Z]{6}\+", desc["/FontName"][1:])


def test_generation_is_deterministic_for_unsigned_pdf(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    make_samples.main(["--out", str(a), "--only", "unsigned.pdf"])
    make_samples.main(["--out", str(b), "--only", "unsigned.pdf"])
    assert (a / "unsigned.pdf").read_bytes() == (b / "unsigned.pdf").read_bytes()


def test_id_numbers_in_samples_are_valid_gb11643():
    from checker._cert.idcard import parse_id

    assert parse_id(make_samples.DEFAULT.id_number).problem is None
    assert parse_id(make_samples.DEFAULT.id_number).expected_check is None
