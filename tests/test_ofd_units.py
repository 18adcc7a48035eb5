"""Small units of the OFD engine: SES parsing tolerance, time formats, path resolution, text order."""
import datetime as dt

import pytest
from asn1crypto import core

from checker import Options
from checker._context import Context
from checker._ofd import ses
from checker._ofd.content import _deltas, _reading_order, TextRun, sniff
from checker._ofd.model import Model, _join
from checker._ofd.package import Package, normalise
from checker.errors import MalformedInput
from testkit import ofdsign, pki
from testkit.ofdsign import bits, gtime, ia5, integer, octets, oid, seq

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def maker():
    return pki.make_cert(pki.name("示例 制章 (TEST)"), pki.Key.generate("sm2"), None, ca=True)


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_parse_own_structures(maker, version):
    seal_der = ofdsign.build_seal("示例印章", maker, [maker.der], version=version)
    sig, tbs, value = ofdsign.build_ses_signature(seal_der, b"\x11" * 32, maker.key, maker.der, version=version,
                                                  sign_time=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                                                  property_info="/Doc_0/Signs/Sign_0/Signature.xml")
    s = ses.parse_signature(sig)
    assert (s.version, s.seal.version, s.seal.name, s.data_hash, s.cert) == (version, version, "示例印章", b"\x11" * 32,
                                                                                 maker.der)
    assert s.tbs_der == tbs and s.signature == value
    assert s.time == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert s.seal.cert_list == [maker.der] and s.seal.picture[:4] == b"\x89PNG"
    assert ses.parse_seal(seal_der).der == seal_der


def test_tolerated_variants(maker):
    """OCTET STRING where BIT STRING is specified, AlgorithmIdentifier instead of a bare OID."""
    seal_der = ofdsign.build_seal("示例印章", maker, [maker.der], version="v4")
    tbs = seq(integer(4), seal_der, gtime(dt.datetime(2026, 1, 1, tzinfo=UTC)), octets(b"\x22" * 32), ia5("x"))
    sig = seq(tbs, octets(maker.der), seq(oid("1.2.156.10197.1.501")), bits(b"\x30\x00"))
    s = ses.parse_signature(sig)
    assert s.data_hash == b"\x22" * 32 and s.alg == "1.2.156.10197.1.501"


@pytest.mark.parametrize("data", [b"", b"\x30\x00", b"\x30\x03\x02\x01\x01", b"\x04\x02ab", b"\x30\x80\x00\x00",
                                  seq(seq(integer(4)), octets(b"x"), oid("1.2.3"), bits(b"x")),
                                  seq(integer(1), integer(2)) + b"trailing"])
def test_garbage_is_ses_error(data):
    with pytest.raises(ses.SesError):
        ses.parse_signature(data)
    assert not ses.looks_like_ses(data)


@pytest.mark.parametrize("text,expect", [
    (b"20200723130907Z", dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)),
    (b"20200723130907.763Z", dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)),
    (b"200723130907Z", dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)),
    (core.UTCTime(dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)).dump(), dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)),
    (b"2020-07-23 13:09:07", dt.datetime(2020, 7, 23, 13, 9, 7, tzinfo=UTC)),
    (b"garbage", None),
])
def test_v1_time_text(text, expect):
    assert ses._parse_time_text(text) == expect


def test_join_and_normalise():
    assert _join("Doc_0", "Pages/Page_0/Content.xml") == "Doc_0/Pages/Page_0/Content.xml"
    assert _join("Doc_0/Res", "../Pages/x.xml") == "Doc_0/Pages/x.xml"
    assert _join("Doc_0", "/OFD.xml") == "OFD.xml"
    assert _join("Doc_0", "../../x") is None
    assert normalise("Doc_0\\Res\\a.png") == "Doc_0/Res/a.png"
    with pytest.raises(MalformedInput):
        normalise("a/../../b")


def test_resolution_order_and_case():
    files = ofdsign._read(ofdsign.make_ofd(["x"]))
    files["Doc_0/Res/Logo.PNG"] = ofdsign._demo_png()
    ctx = Context(options=Options())
    m = Model(Package(ofdsign.write_zip(files), ctx.limits, ctx), ctx)
    assert m.resolve("Doc_0/Document.xml", "Pages/Page_0/Content.xml") == "Doc_0/Pages/Page_0/Content.xml"
    assert m.resolve("Doc_0/Document.xml", "/Doc_0/PublicRes.xml") == "Doc_0/PublicRes.xml"
    assert m.resolve("Doc_0/Document.xml", "res/logo.png") == "Doc_0/Res/Logo.PNG"  # case quirk
    assert m.resolve("Doc_0/Signs/Sign_0/Signature.xml", "Doc_0/Document.xml") == "Doc_0/Document.xml"  # root fallback
    assert m.resolve("Doc_0/Document.xml", "http://example.com/x.png") is None
    assert m.resolve("Doc_0/Document.xml", "Pages/missing.xml") is None


def test_deltas():
    assert _deltas("g 3 1.5 2 g 2 0", 10) == [1.5, 1.5, 1.5, 2.0, 0.0, 0.0]
    assert _deltas("1 2 3", 2) == [1.0, 2.0]
    assert _deltas("g 1000000000 1", 3) == [1.0, 1.0, 1.0]


def test_reading_order_groups_lines():
    ctx = Context(options=Options())
    runs = [TextRun(0, 50, 20.3, 4, "张三"), TextRun(0, 10, 20, 4, "姓名："), TextRun(0, 10, 10, 4, "标题"),
            TextRun(1, 10, 5, 4, "第二页")]
    assert _reading_order(runs, ctx) == "标题\n姓名： 张三\n\n第二页"


def test_sniff():
    assert sniff(ofdsign._demo_png()) == "PNG"
    assert sniff(b"\xff\xd8\xff\xe0....") == "JPEG"
    assert sniff(b"\x97JB2\r\n\x1a\n") == "JBIG2"
    assert sniff(b"BM....") == "BMP"
    assert sniff(b"????") == ""


@pytest.mark.parametrize("mode", ["RGB", "1", "P", "RGBA"])
def test_bmp_images_become_png_for_qr(mode, tmp_path):
    """BMP QR images (a format GB/T 33190 allows) are converted; checked against Pillow's decoding."""
    PIL = pytest.importorskip("PIL.Image")
    import io
    from checker._ofd.content import bmp_to_png
    img = PIL.new("RGB", (37, 21), (255, 255, 255))
    for x in range(37):
        for y in range(21):
            if (x * 7 + y * 3) % 5 == 0:
                img.putpixel((x, y), (0, 0, 0) if mode != "RGB" else (x * 6, y * 12, 200))
    src = img.convert(mode)
    buf = io.BytesIO()
    src.save(buf, "BMP")
    png = bmp_to_png(buf.getvalue())
    assert png is not None and sniff(png) == "PNG"
    back = PIL.open(io.BytesIO(png)).convert("RGB")
    assert back.tobytes() == src.convert("RGB").tobytes()
    for cut in (10, 30, 60, len(buf.getvalue()) - 5):  # damaged files: None, never an exception
        assert bmp_to_png(buf.getvalue()[:cut]) is None
