"""Small unsigned test PDFs for the browser tests: Chinese text lines and an optional QR code.

Written by hand (no reportlab here): a Type0 font ``STSong-Light`` with the predefined
``UniGB-UCS2-H`` CMap (not embedded, every reader and pdf.js with its cMaps handle it) and the
QR code as a 1-bit-per-byte grey image XObject drawn with a white margin.
"""
from __future__ import annotations

import io
import zlib


def _qr_matrix(text: str) -> list[list[bool]]:
    import qrcode

    q = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    q.add_data(text)
    q.make(fit=True)
    return q.get_matrix()


def _esc_ucs2(s: str) -> str:
    return "<" + s.encode("utf-16-be").hex().upper() + ">"


def make_pdf(lines: list[str], qr_text: str | None = None, *, title: str = "", qr_size_pt: float = 150) -> bytes:
    width, height = 595, 842
    content = io.StringIO()
    content.write("BT /F1 14 Tf 72 770 Td 20 TL\n")
    for i, line in enumerate(lines):
        content.write(f"{_esc_ucs2(line)} Tj T*\n")
    content.write("ET\n")
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    image_ref = None
    if qr_text is not None:
        m = _qr_matrix(qr_text)
        n = len(m)
        scale = 4  # pixels per module in the image
        rows = []
        for row in m:
            line = bytes(0 if cell else 255 for cell in row for _ in range(scale))
            rows.extend([line] * scale)
        raw = b"".join(rows)
        data = zlib.compress(raw)
        side = n * scale
        image_ref = add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data))
            + data
            + b"\nendstream"
        )
        # QR of 150 pt (5.3 cm) at the lower right unless asked otherwise
        q = qr_size_pt
        content.write(f"q {q:g} 0 0 {q:g} {width - 72 - q:g} 72 cm /Im1 Do Q\n")
    stream = content.getvalue().encode("latin-1")
    content_ref = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    font_desc = add(
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
    )
    cid_font = add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor %d 0 R /DW 1000 >>" % font_desc
    )
    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H "
        b"/Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>" % cid_font
    )
    xobj = b" /XObject << /Im1 %d 0 R >>" % image_ref if image_ref else b""
    pages_num = len(objects) + 2
    page = add(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >>%s >> >>" % (pages_num, width, height, content_ref, font, xobj)
    )
    pages = add(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    assert pages == pages_num
    info = add(b"<< /Title " + _esc_ucs2(title or "test").encode() + b" >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages)

    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()
