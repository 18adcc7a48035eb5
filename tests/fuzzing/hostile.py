"""Builders of hostile PDF and OFD files (bombs, deep nesting, loops, huge counts, truncation).

Each builder returns bytes or writes a file; nothing here imports :mod:`checker`.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

GiB = 1 << 30
MiB = 1 << 20


def _write_pdf(objs: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n")
    size = max(objs) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for n in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer_extra, xref))
    return out.getvalue()


def _page_objs(content_ref: int = 4, extra_page: bytes = b"") -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>%s >>"
            % (content_ref, extra_page)),
    }


def deflate_zeros(n: int) -> bytes:
    """zlib stream of ``n`` zero bytes (1 GiB -> about 1 MB) in a fraction of a second.

    Full flushes make every MiB compress to the same byte-aligned block, which is repeated;
    the trailer is the Adler-32 of ``n`` zeros (a = 1, b = n mod 65521).
    """
    if n % MiB:
        raise ValueError("n must be a multiple of 1 MiB")
    c = zlib.compressobj(9)
    chunk = bytes(MiB)
    first = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    unit = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    adler = ((n % 65521) << 16) | 1
    return first + unit * (n // MiB - 1) + b"\x03\x00" + struct.pack(">I", adler)


def crc32_zeros(n: int) -> int:
    crc, chunk = 0, bytes(MiB)
    for _ in range(n // MiB):
        crc = zlib.crc32(chunk, crc)
    return zlib.crc32(bytes(n % MiB), crc) & 0xFFFFFFFF


def pdf_flate_bomb(bomb: bytes) -> bytes:
    """A one-page PDF whose content stream inflates to ~1 GiB (``bomb`` from :func:`deflate_zeros`)."""
    objs = _page_objs()
    objs[4] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    return _write_pdf(objs)


def pdf_heavy_page(ops: int = 400_000) -> bytes:
    """A one-page PDF of ``ops`` small filled rectangles: valid, but slow for any renderer."""
    content = zlib.compress(b"".join(b"%d %d 2 2 re f\n" % (i % 590, (i // 590) % 830) for i in range(ops)))
    objs = _page_objs()
    objs[4] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"
    return _write_pdf(objs)


def pdf_objstm_bomb(bomb: bytes) -> bytes:
    """Catalog inside an object stream that inflates to ~1 GiB, found through an xref stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    off2 = out.tell()
    out.write(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
    off3 = out.tell()
    out.write(b"3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
              + bomb + b"\nendstream\nendobj\n")
    xref_off = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff",
            b"\x02" + (3).to_bytes(4, "big") + b"\x00\x00",  # object 1: in stream 3, index 0
            b"\x01" + off2.to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + off3.to_bytes(4, "big") + b"\x00\x00",
            b"\x01" + xref_off.to_bytes(4, "big") + b"\x00\x00"]
    body = b"".join(rows)
    out.write(b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(body)
              + body + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_off)
    return out.getvalue()


def pdf_deep_array(depth: int = 100_000) -> bytes:
    objs = _page_objs()
    objs[4] = b"<< /Length 0 >>\nstream\n\nendstream"
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * depth + b"]" * depth + b" >>"
    return _write_pdf(objs)


def pdf_deep_dict(depth: int = 100_000) -> bytes:
    objs = _page_objs()
    objs[4] = b"<< /Length 0 >>\nstream\n\nendstream"
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"<< /A " * depth + b"1" + b" >>" * depth + b" >>"
    return _write_pdf(objs)


def pdf_prev_loop(self_loop: bool = False) -> bytes:
    """Incremental updates whose /Prev chain loops: 2 -> 3 -> 2, or 2 -> 2 (never reaches the base)."""
    objs = _page_objs()
    objs[4] = b"<< /Length 0 >>\nstream\n\nendstream"
    out = bytearray(_write_pdf(objs))
    off = len(out)
    out += b"5 0 obj\n<< /Producer (loop) >>\nendobj\n"
    x2 = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n5 1\n%010d 00000 n \n" % off
    out += b"trailer\n<< /Size 6 /Root 1 0 R /Prev PREV_HERE_ >>\n"
    x3 = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %010d >>\n" % x2
    out += b"startxref\n%d\n%%%%EOF\n" % x2
    return bytes(out).replace(b"PREV_HERE_", b"%010d" % (x2 if self_loop else x3))


def pdf_many_objects(n: int = 300_000) -> bytes:
    """A valid-looking PDF with ``n`` objects (more than Limits.max_pdf_objects)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = [0] * (n + 5)
    head = _page_objs()
    head[4] = b"<< /Length 0 >>\nstream\n\nendstream"
    for num in range(1, 5):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + head[num] + b"\nendobj\n")
    for num in range(5, n + 5):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj null endobj\n" % num)
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (n + 5))
    out.write(b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, n + 5)))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (n + 5, xref))
    return out.getvalue()


def pdf_huge_xref_size() -> bytes:
    """A tiny file whose xref subsection header and /Size claim 2**31 objects."""
    base = pdf_deep_array(1)
    return base.replace(b"xref\n0 5\n", b"xref\n0 2147483647\n").replace(b"/Size 5", b"/Size 2147483647")


def pdf_huge_length() -> bytes:
    """A stream whose /Length claims 2**40 bytes."""
    objs = _page_objs()
    objs[4] = b"<< /Length 1099511627776 >>\nstream\nBT ET\nendstream"
    return _write_pdf(objs)


def zip_bytes(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


OFD_XML = (b'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" '
           b'Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>'
           b'<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')


def _raw_zip(entries: list[tuple[bytes, bytes, int, int, int]], count: int | None = None) -> bytes:
    """ZIP from ``(name, raw_deflate, crc, usize_declared, method)`` entries (zip64 not used)."""
    body, cd = bytearray(), bytearray()
    for name, comp, crc, usize, method in entries:
        off = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(comp), usize,
                            len(name), 0) + name + comp
        cd += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(comp), usize,
                          len(name), 0, 0, 0, 0, 0, off) + name
    n = len(entries) if count is None else count
    return bytes(body + cd + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(cd), len(body), 0))


def _ofd_entry() -> tuple:
    return (b"OFD.xml", zlib.compress(OFD_XML)[2:-4], zlib.crc32(OFD_XML), len(OFD_XML), 8)


def ofd_zip_bomb(size: int = GiB - MiB) -> bytes:
    """An OFD whose Document.xml inflates to ``size`` bytes; the ZIP headers tell the truth
    (sizes below 4 GiB, CRC right)."""
    raw = deflate_zeros(size)[2:-4]
    return _raw_zip([_ofd_entry(), (b"Doc_0/Document.xml", raw, crc32_zeros(size), size, 8)])


def ofd_zip_bomb_lying(size: int = GiB) -> bytes:
    """Same bomb, but the headers claim 1000 bytes uncompressed (the inflater must stop by itself)."""
    raw = deflate_zeros(size)[2:-4]
    return _raw_zip([_ofd_entry(), (b"Doc_0/Document.xml", raw, 0, 1000, 8)])


def ofd_many_entries(n: int = 100_000) -> bytes:
    return _raw_zip([_ofd_entry()] + [(b"Doc_0/Res/%d.xml" % i, b"", 0, 0, 0) for i in range(n)], count=min(n + 1, 0xFFFF))


def ofd_deep_xml(depth: int = 100_000) -> bytes:
    doc = b'<?xml version="1.0"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">' + b"<a>" * depth + \
        b"</a>" * depth + b"</ofd:Document>"
    return zip_bytes([("OFD.xml", OFD_XML), ("Doc_0/Document.xml", doc)])


def ofd_billion_laughs() -> bytes:
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">&lol9;</ofd:Document>')
    return zip_bytes([("OFD.xml", OFD_XML), ("Doc_0/Document.xml", lol)])


def ofd_nested_zip() -> bytes:
    """A zip inside the zip (42.zip style): the inner one must never be opened."""
    inner = ofd_zip_bomb(64 * MiB)
    return zip_bytes([("OFD.xml", OFD_XML), ("Doc_0/Document.xml", inner), ("Doc_0/inner.zip", inner)],
                     zipfile.ZIP_STORED)
