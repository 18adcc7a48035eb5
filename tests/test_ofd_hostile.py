"""Hostile OFD packages must end as ``error`` quickly, never as a traceback, hang or blow-up.

The time bound (5 s) only detects hangs; speed is measured in the benchmarks.
"""
import re
import struct
import time
import zlib

import pytest

from checker import Options, check_bytes, list_images
from checker.limits import Limits
from checker._context import Context
from checker._ofd.package import Package
from checker._ofd.xmlsafe import parse
from checker.errors import LimitExceeded, MalformedInput
from testkit import ofdsign

HANG_BOUND = 5.0


def raw_zip(entries, *, method=8, lie_usize=None, flags=0, local_names=None):
    """Build a ZIP by hand: ``entries`` = [(name, data)], duplicates and odd names allowed.

    ``lie_usize``: declared uncompressed size written instead of the real one.
    ``local_names``: names written in the local headers (default: same as the directory).
    """
    out = bytearray()
    central = bytearray()
    for i, (name, data) in enumerate(entries):
        nb = name.encode("utf-8")
        lnb = (local_names[i] if local_names else name).encode("utf-8")
        comp = zlib.compress(data)[2:-4] if method == 8 else data
        crc = zlib.crc32(data) & 0xFFFFFFFF
        usize = len(data) if lie_usize is None else lie_usize
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags | 0x800, method, 0, 0, crc, len(comp), usize,
                           len(lnb), 0) + lnb + comp
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags | 0x800, method, 0, 0, crc,
                               len(comp), usize, len(nb), 0, 0, 0, 0, 0, off) + nb
    cd_off = len(out)
    out += central
    n = len(entries)
    if n > 0xFFFF:  # ZIP64 end records
        z64 = len(out)
        out += struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, n, n, len(central), cd_off)
        out += struct.pack("<4sIQI", b"PK\x06\x07", 0, z64, 1)
        out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(central), 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), cd_off, 0)
    return bytes(out)


def minimal_parts(ofd_xml=None):
    base = ofdsign._read(ofdsign.make_ofd(["测试"]))
    if ofd_xml is not None:
        base["OFD.xml"] = ofd_xml
    return list(base.items())


def run(data, **limits):
    t = time.perf_counter()
    opts = Options(limits=Limits(**limits)) if limits else Options()
    r = check_bytes(data, "hostile.ofd", opts)
    elapsed = time.perf_counter() - t
    assert elapsed < HANG_BOUND, f"took {elapsed:.1f} s"
    return r


def codes(r):
    return [f.code for f in r.findings]


def test_baseline_minimal_package_is_readable():
    r = run(raw_zip(minimal_parts()))
    assert r.verdict == "warn" and "NO_SIGNATURE" in codes(r)


def test_zip_bomb_declared_size():
    bomb = b"\0" * (40 * 1024 * 1024)  # 40 MiB of zeros deflates to ~40 KB
    r = run(raw_zip(minimal_parts() + [("Doc_0/Res/bomb.png", bomb)]))
    assert r.verdict == "error" and "OFD_ZIP_LIMIT" in codes(r)


def test_zip_bomb_ratio_within_size_limit():
    bomb = b"\0" * (20 * 1024 * 1024)  # below the 32 MiB entry limit, ratio ~1000
    r = run(raw_zip(minimal_parts() + [("Doc_0/Res/bomb.png", bomb)]))
    assert r.verdict == "error" and "OFD_ZIP_LIMIT" in codes(r)


def test_zip_bomb_lying_declared_size_stops_while_inflating():
    # directory claims 100 bytes; the stream inflates to 30 MiB: we must stop at the declared size
    bomb_xml = b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'>" + b" " * (30 * 1024 * 1024)
    data = raw_zip([("OFD.xml", bomb_xml)], lie_usize=100)
    ctx = Context(options=Options())
    pkg = Package(data, ctx.limits, ctx)
    t = time.perf_counter()
    with pytest.raises(MalformedInput) as ei:
        pkg.read("OFD.xml")
    assert time.perf_counter() - t < HANG_BOUND
    assert "beyond its declared size" in str(ei.value)
    assert run(data).verdict == "error"


def test_total_uncompressed_limit():
    parts = minimal_parts() + [(f"Doc_0/Res/img{i}.png", bytes([i]) * 300_000) for i in range(5)]
    ctx = Context(options=Options(limits=Limits(max_zip_total_bytes=1_000_000)))
    pkg = Package(raw_zip(parts, method=0), ctx.limits, ctx)
    with pytest.raises(LimitExceeded):
        for name in pkg.names:
            pkg.read(name)


def test_100k_entries_refused_before_parsing():
    parts = minimal_parts() + [(f"x/{i}", b"") for i in range(100_000)]
    data = raw_zip(parts, method=0)
    r = run(data)
    assert r.verdict == "error" and "OFD_ZIP_LIMIT" in codes(r)


def test_65k_entries_classic_directory():
    parts = minimal_parts() + [(f"x/{i}", b"") for i in range(60_000)]
    r = run(raw_zip(parts, method=0))
    assert r.verdict == "error" and "OFD_ZIP_LIMIT" in codes(r)


def test_more_records_than_declared():
    data = bytearray(raw_zip(minimal_parts() + [("a", b""), ("b", b"")], method=0))
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 2, 2)  # declares 2 entries, directory holds more
    r = run(bytes(data))
    assert r.verdict == "error"


@pytest.mark.parametrize("name", ["../evil.xml", "Doc_0/../../evil.xml", "..\\evil.xml", "/etc/passwd",
                                  "\\abs.xml", "C:/Windows/evil.xml", "C:\\evil.xml"])
def test_unsafe_paths(name):
    r = run(raw_zip(minimal_parts() + [(name, b"x")]))
    assert r.verdict == "error"
    assert "OFD_ZIP_UNSAFE_PATH" in codes(r)


def test_duplicate_names():
    parts = minimal_parts()
    page = next(d for n, d in parts if n.endswith("Content.xml"))
    evil = page.replace("测试".encode(), "伪造".encode())
    r = run(raw_zip(parts + [("Doc_0/Pages/Page_0/Content.xml", evil)]))
    assert r.verdict == "error" and "OFD_ZIP_DUPLICATE" in codes(r)


@pytest.mark.parametrize("variant", ["doc_0/pages/page_0/content.xml", "Doc_0\\Pages\\Page_0\\Content.xml",
                                     "Doc_0//Pages/./Page_0/Content.xml"])
def test_names_equal_after_normalisation(variant):
    r = run(raw_zip(minimal_parts() + [(variant, b"<x/>")]))
    assert r.verdict == "error" and "OFD_ZIP_DUPLICATE" in codes(r)


def test_local_header_name_differs_from_directory():
    parts = minimal_parts()
    local = [n if not n.endswith("Content.xml") else "Doc_0/Pages/Page_0/Other.xml" for n, _ in parts]
    r = run(raw_zip(parts, local_names=local))
    assert r.verdict == "error" and "OFD_ZIP_MALFORMED" in codes(r)


def test_encrypted_entry():
    r = run(raw_zip(minimal_parts(), flags=1))
    assert r.verdict == "error" and "INPUT_ENCRYPTED" in codes(r)


def test_unknown_compression_method():
    r = run(raw_zip(minimal_parts(), method=12))
    assert r.verdict == "error" and "OFD_ZIP_MALFORMED" in codes(r)


def test_crc_mismatch():
    data = bytearray(raw_zip(minimal_parts(), method=0))
    i = data.find(b"<ofd:DocRoot>")
    data[i + 1] ^= 0x20
    r = run(bytes(data))
    assert r.verdict == "error" and "OFD_ZIP_MALFORMED" in codes(r)


@pytest.mark.parametrize("cut", [10, 100, 400])
def test_truncated_package(cut):
    data = ofdsign.make_ofd(["x"])
    r = run(data[:-cut])
    assert r.verdict == "error"


def test_missing_ofd_xml():
    parts = [(n, d) for n, d in minimal_parts() if n != "OFD.xml"]
    r = run(raw_zip(parts))
    assert r.verdict == "error" and "OFD_NO_ROOT" in codes(r)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&lol9;</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ofd [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&xxe;</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""

PARAM_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE ofd [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE, PARAM_XXE, b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x"><x/>'],
                         ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"])
def test_dangerous_xml(xml):
    r = run(raw_zip(minimal_parts(ofd_xml=xml)))
    assert r.verdict == "error"
    assert "OFD_XML_UNSAFE" in codes(r)


def test_deep_nesting():
    xml = b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</ofd:OFD>"
    r = run(raw_zip(minimal_parts(ofd_xml=xml)))
    assert r.verdict == "error" and "OFD_XML_LIMIT" in codes(r)


def test_too_many_elements():
    xml = b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'>" + b"<a/>" * 3_000 + b"</ofd:OFD>"
    r = run(raw_zip(minimal_parts(ofd_xml=xml)), max_xml_elements=1_000)
    assert r.verdict == "error" and "OFD_XML_LIMIT" in codes(r)


def test_malformed_xml():
    r = run(raw_zip(minimal_parts(ofd_xml=b"<ofd:OFD xmlns:ofd='x'><unclosed></ofd:OFD>")))
    assert r.verdict == "error" and "OFD_XML_MALFORMED" in codes(r)


def test_xml_in_gbk_is_read():
    ctx = Context(options=Options())
    node = parse('<?xml version="1.0" encoding="GBK"?><a t="证书">注册编号</a>'.encode("gbk"), "x.xml", ctx.limits)
    assert node.text == "注册编号" and node.get("t") == "证书"


def test_page_path_escaping_the_package():
    parts = dict(minimal_parts())
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(b"Pages/Page_0/Content.xml",
                                                                      b"../../../etc/passwd")
    r = run(raw_zip(list(parts.items())))
    assert r.verdict == "error" and "OFD_ZIP_UNSAFE_PATH" in codes(r)


def test_list_images_never_raises_on_hostile_input():
    assert list_images(raw_zip(minimal_parts(ofd_xml=BILLION_LAUGHS))) == []
    assert list_images(b"PK\x03\x04garbage") == []


def test_element_budget_across_parts():
    """Many pages each under the per-file element limit must not add up to a memory blow-up."""
    parts = dict(minimal_parts())
    page = b"<ofd:Page xmlns:ofd='http://www.ofdspec.org/2016'><ofd:Content><ofd:Layer>" + b"<a/>" * 900 + \
        b"</ofd:Layer></ofd:Content></ofd:Page>"
    pages = "".join(f'<ofd:Page ID="{i}" BaseLoc="Pages/P{i}.xml"/>' for i in range(30)).encode()
    parts["Doc_0/Document.xml"] = re.sub(rb"<ofd:Pages>.*</ofd:Pages>", b"<ofd:Pages>" + pages + b"</ofd:Pages>",
                                         parts["Doc_0/Document.xml"])
    for i in range(30):
        parts[f"Doc_0/Pages/P{i}.xml"] = page
    r = run(raw_zip(list(parts.items())), max_xml_elements=5_000)
    assert r.verdict == "error" and "OFD_XML_LIMIT" in codes(r)


def test_unnamespaced_ofd_is_read():
    parts = dict(minimal_parts())
    for n in list(parts):
        if n.endswith(".xml"):
            parts[n] = re.sub(rb'\sxmlns:ofd="[^"]*"', b"", parts[n]).replace(b"<ofd:", b"<").replace(b"</ofd:", b"</")
    r = run(raw_zip(list(parts.items())))
    assert r.verdict == "warn" and "NO_SIGNATURE" in codes(r) and r.pages == 1
    from checker._ofd import analyse_ofd
    assert analyse_ofd(raw_zip(list(parts.items())), Context(options=Options())).text == "测试"


def test_streamed_zip_with_data_descriptors_is_read():
    """Producers writing to a stream put sizes/CRC in data descriptors (flag 0x08)."""
    import io
    import zipfile

    class Stream(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.buf += b
            return len(b)

        def seekable(self):
            return False

    s = Stream()
    with zipfile.ZipFile(s, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in minimal_parts():
            z.writestr(n, b)
    data = bytes(s.buf)
    assert struct.unpack_from("<H", data, 6)[0] & 0x08
    r = run(data)
    assert r.verdict == "warn" and "NO_SIGNATURE" in codes(r)


def test_hashing_a_large_file_respects_the_time_budget(monkeypatch):
    """Pure-Python SM3 (Pyodide) is slow: a huge referenced file must hit the time limit, not hang."""
    import base64
    import os

    import checker._crypto.digest as digest

    monkeypatch.setattr(digest, "NATIVE_SM3", False)  # force the pure-Python SM3 as on Pyodide
    files = ofdsign._read(ofdsign.make_ofd(["x"]))
    files["Doc_0/Res/big.ttf"] = os.urandom(6 * 1024 * 1024)
    files["OFD.xml"] = files["OFD.xml"].replace(
        b"</ofd:DocRoot>", b"</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>")
    files["Doc_0/Signs/Signatures.xml"] = (b'<ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Signature '
                                           b'ID="1" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>')
    files["Doc_0/Signs/Sign_0/Signature.xml"] = (
        b'<ofd:Signature xmlns:ofd="http://www.ofdspec.org/2016"><ofd:SignedInfo><ofd:References CheckMethod="SM3">'
        b'<ofd:Reference FileRef="/Doc_0/Res/big.ttf"><ofd:CheckValue>' + base64.b64encode(b"\0" * 32) +
        b"</ofd:CheckValue></ofd:Reference></ofd:References></ofd:SignedInfo>"
        b"<ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>")
    files["Doc_0/Signs/Sign_0/SignedValue.dat"] = b"\x30\x00"
    t = time.perf_counter()
    r = check_bytes(ofdsign.write_zip(files), "big.ofd", Options(limits=Limits(max_seconds=1.0)))
    assert time.perf_counter() - t < HANG_BOUND
    assert r.verdict == "error" and "LIMIT_TIME" in codes(r), codes(r)
