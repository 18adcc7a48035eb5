"""Test PDF writer and signer (incremental updates, any CMS from ``testkit.cms``).

Independent of ``checker``: PDFs are written as plain bytes here and read back with pypdf
(object offsets, catalog/page numbers).  Used by tests and the attack builders in
``testkit.pdfattacks``.

    pdf = base_pdf("示例 二级建造师")                 # one page, classic xref
    signed = sign_pdf(pdf, pki.leaf, pki.chain)        # SM2 if pki is SM2, RSA/ECDSA likewise
    signed = sign_pdf(pdf, ..., certify=1)             # DocMDP certification
    signed = doc_timestamp(signed, pki.tsa)            # ETSI.RFC3161 document timestamp
    signed = add_dss(signed, [pki.ca.der])             # LTV data (harmless later change)
"""
from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from typing import Any, cast

from . import cms as tcms

PLACEHOLDER_HEX = 16384  # hex digits reserved for /Contents


# ---------------------------------------------------------------------------
# low-level writing


def pdf_string(text: str) -> bytes:
    """A PDF text string: ASCII as literal, anything else UTF-16BE hex with BOM."""
    try:
        s = text.encode("ascii")
        return b"(" + s.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    except UnicodeEncodeError:
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def stream_obj(body: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        body = zlib.compress(body)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(body), extra) + body + b"\nendstream"


def _tounicode(cids: dict[int, str]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
             b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
             b"1 begincodespacerange <0000> <FFFF> endcodespacerange"]
    items = sorted(cids.items())
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        for cid, ch in chunk:
            lines.append(b"<%04X> <%s>" % (cid, ch.encode("utf-16-be").hex().upper().encode()))
        lines.append(b"endbfchar")
    lines += [b"endcmap CMapName currentdict /CMap defineresource pop end end"]
    return b"\n".join(lines)


def base_pdf(lines=("Sample certificate (DEMO)",), *, pages: int = 1, compress: bool = False,
             xref_stream: bool = False, objstm: bool = False) -> bytes:
    """A small valid PDF.  ``lines`` may hold CJK text (a Type0 font with a ToUnicode CMap)."""
    if isinstance(lines, str):
        lines = (lines,)
    chars = sorted({c for ln in lines for c in ln})
    cid_of = {c: i + 1 for i, c in enumerate(chars)}
    objs: dict[int, bytes] = {}
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[4] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /DemoCJK /Encoding /Identity-H "
               b"/DescendantFonts [5 0 R] /ToUnicode 6 0 R >>")
    objs[5] = (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DemoCJK /CIDToGIDMap /Identity "
               b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
               b"/FontDescriptor 7 0 R /DW 1000 >>")
    objs[6] = stream_obj(_tounicode({cid_of[c]: c for c in chars}), compress=compress)
    objs[7] = (b"<< /Type /FontDescriptor /FontName /DemoCJK /Flags 4 /FontBBox [0 -200 1000 900] "
               b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    kids = []
    n = 8
    for _p in range(pages):
        content = [b"BT /F1 14 Tf 50 780 Td 18 TL"]
        for ln in lines:
            content.append(b"<" + "".join(f"{cid_of[c]:04X}" for c in ln).encode() + b"> Tj T*")
        content.append(b"ET")
        objs[n] = stream_obj(b"\n".join(content), compress=compress)
        objs[n + 1] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R >>" % n)
        kids.append(n + 1)
        n += 2
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    objs[3] = b"<< /Producer (testkit pdfsign) /Title " + pdf_string("示例 (DEMO)") + b" >>"
    if objstm:  # fonts and /Info inside an object stream, xref stream
        return write_with_objstm(objs, compressed=(3, 4, 5, 7), root=1, info=3)
    return write_full(objs, root=1, info=3, xref_stream=xref_stream)


def _objstm(objs: dict[int, bytes]) -> bytes:
    header, body = [], b""
    for num in sorted(objs):
        header.append(b"%d %d" % (num, len(body)))
        body += objs[num] + b"\n"
    head = b" ".join(header) + b"\n"
    return stream_obj(head + body, b" /Type /ObjStm /N %d /First %d" % (len(objs), len(head)), compress=True)


def _xref_stream(out, entries: dict[int, tuple], size: int, trailer: bytes, prev: int | None) -> None:
    """entries: num -> ("n", offset) | ("c", objstm, index); appends the xref stream object."""
    xnum = size
    size += 1
    xo = out.tell()
    entries = dict(entries)
    entries[xnum] = ("n", xo)
    rows = b""
    index: list[list[int]] = []
    for n in sorted(entries):
        e = entries[n]
        if index and index[-1][0] + index[-1][1] == n:
            index[-1][1] += 1
        else:
            index.append([n, 1])
        if e[0] == "n":
            rows += b"\x01" + e[1].to_bytes(4, "big") + b"\x00"
        else:
            rows += b"\x02" + e[1].to_bytes(4, "big") + bytes([e[2]])
    idx = b" ".join(b"%d %d" % (a, b) for a, b in index)
    body = zlib.compress(rows)
    prev_b = b" /Prev %d" % prev if prev is not None else b""
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Index [%s] %s%s /Filter /FlateDecode /Length %d >>\n"
              b"stream\n" % (xnum, size, idx, trailer, prev_b, len(body)))
    out.write(body + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xo)


def write_with_objstm(objs: dict[int, bytes], compressed, root: int, info: int | None = None) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple] = {}
    stm_num = max(objs) + 1
    inner = {n: objs[n] for n in compressed}
    for i, n in enumerate(sorted(inner)):
        entries[n] = ("c", stm_num, i)
    for num in sorted(set(objs) - set(inner)):
        entries[num] = ("n", out.tell())
        out.write(b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n")
    entries[stm_num] = ("n", out.tell())
    out.write(b"%d 0 obj\n" % stm_num + _objstm(inner) + b"\nendobj\n")
    trailer = b"/Root %d 0 R" % root + (b" /Info %d 0 R" % info if info else b"")
    _xref_stream(out, entries, stm_num + 1, trailer, None)
    return out.getvalue()


def append_update_objstm(data: bytes, objs: dict[int, bytes]) -> bytes:
    """An incremental update that (re)defines ``objs`` inside a new object stream."""
    info = inspect(data)
    out = io.BytesIO()
    out.write(data)
    stm_num = max(info.size, max(objs) + 1)
    entries: dict[int, tuple] = {n: ("c", stm_num, i) for i, n in enumerate(sorted(objs))}
    entries[stm_num] = ("n", out.tell())
    out.write(b"%d 0 obj\n" % stm_num + _objstm(objs) + b"\nendobj\n")
    trailer = info.trailer_refs()
    _xref_stream(out, entries, stm_num + 1, trailer, info.startxref)
    return out.getvalue()


def write_full(objs: dict[int, bytes], root: int, info: int | None = None, xref_stream: bool = False) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n")
    size = max(objs) + 1
    trailer = b"/Root %d 0 R" % root + (b" /Info %d 0 R" % info if info else b"")
    trailer += b" /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
    _write_xref(out, offsets, size, trailer, None, xref_stream)
    return out.getvalue()


def _write_xref(out, offsets: dict[int, int], size: int, trailer: bytes, prev: int | None, xref_stream: bool,
                free0: bool = True) -> None:
    prev_b = b" /Prev %d" % prev if prev is not None else b""
    if not xref_stream:
        xo = out.tell()
        out.write(b"xref\n")
        nums = sorted(offsets)
        groups = []
        if free0 and 0 not in offsets:
            groups.append([0])
        for n in nums:
            if groups and groups[-1][-1] == n - 1:
                groups[-1].append(n)
            else:
                groups.append([n])
        for g in groups:
            out.write(b"%d %d\n" % (g[0], len(g)))
            for n in g:
                if n == 0:
                    out.write(b"0000000000 65535 f\r\n")
                else:
                    out.write(b"%010d 00000 n\r\n" % offsets[n])
        out.write(b"trailer\n<< /Size %d %s%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, prev_b, xo))
        return
    xnum = size
    size += 1
    xo = out.tell()
    offsets = dict(offsets)
    offsets[xnum] = xo
    nums = sorted(offsets)
    rows = b""
    index: list[list[int]] = []
    for n in nums:
        if index and index[-1][0] + index[-1][1] == n:
            index[-1][1] += 1
        else:
            index.append([n, 1])
        rows += b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00"
    idx = b" ".join(b"%d %d" % (a, b) for a, b in index)
    body = zlib.compress(rows)
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Index [%s] %s%s /Filter /FlateDecode /Length %d >>\nstream\n"
              % (xnum, size, idx, trailer, prev_b, len(body)))
    out.write(body + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xo)


# ---------------------------------------------------------------------------
# reading what we need (pypdf, independent of the checker)


@dataclass
class Info:
    root: int
    info: int | None
    size: int
    startxref: int
    page_nums: list[int]
    trailer_id: bytes

    def trailer_refs(self) -> bytes:
        """``/Root n 0 R /Info m 0 R`` (``/Info`` when there is one) for a new trailer."""
        return b"/Root %d 0 R" % self.root + (b" /Info %d 0 R" % self.info if self.info else b"")


def _object_number(ref: object) -> int:
    from pypdf.generic import IndirectObject

    assert isinstance(ref, IndirectObject), ref
    return ref.idnum


def inspect(data: bytes) -> Info:
    from pypdf import PdfReader

    r = PdfReader(io.BytesIO(data), strict=False)
    tr = r.trailer
    root = _object_number(tr.raw_get("/Root"))
    info = _object_number(tr.raw_get("/Info")) if "/Info" in tr else None
    pages = [_object_number(p.indirect_reference) for p in r.pages]
    sx = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    return Info(root, info, int(cast(int, tr["/Size"])), sx, pages, b"")


def raw_object(data: bytes, num: int) -> bytes:
    """The body (between ``n 0 obj`` and ``endobj``) of the newest definition of object ``num``."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    r = PdfReader(io.BytesIO(data), strict=False)
    off = None
    for _gen, table in r.xref.items():
        if num in table:
            off = table[num]
    if off is None:
        if num in getattr(r, "xref_objStm", {}):
            stm, _idx = r.xref_objStm[num]
            stm_obj = r.get_object(stm)
            assert isinstance(stm_obj, StreamObject)
            raw = stm_obj.get_data()
            first = int(cast(int, stm_obj["/First"]))
            nums = [int(x) for x in raw[:first].split()]
            pairs = list(zip(nums[::2], nums[1::2]))
            starts = sorted(o for _, o in pairs)
            o = dict(pairs)[num]
            nxt = next((x for x in starts if x > o), len(raw) - first)
            return raw[first + o:first + nxt].strip()
        raise KeyError(f"object {num} not found as a plain object")
    m = re.compile(rb"%d\s+\d+\s+obj\s*" % num).match(data, off)
    assert m is not None, f"object {num} is not at its xref offset"
    end = data.index(b"endobj", m.end())
    return data[m.end():end].rstrip()


def _found(pattern: bytes, data: bytes) -> re.Match[bytes]:
    """``re.search`` for a part known to be there (AssertionError otherwise)."""
    m = re.search(pattern, data)
    assert m is not None, pattern
    return m


def add_keys(body: bytes, extra: bytes) -> bytes:
    """Insert ``extra`` (e.g. b"/AcroForm 9 0 R") into a dictionary body ``<< … >>``."""
    i = body.rindex(b">>")
    return body[:i] + b" " + extra + b" " + body[i:]


def set_key(body: bytes, key: bytes, value: bytes) -> bytes:
    """Replace ``/Key value`` (value a ref, name, number or [...] without nesting) or add it."""
    pat = re.compile(rb"/" + key + rb"\s*(\d+\s+\d+\s+R|/[^\s/<>\[\]()]+|-?[\d.]+|\[[^\[\]]*\]|\([^)]*\))")
    if pat.search(body):
        return pat.sub(lambda m: b"/" + key + b" " + value, body, count=1)
    return add_keys(body, b"/" + key + b" " + value)


def append_update(data: bytes, objs: dict[int, bytes], *, xref_stream: bool = False, trailer_extra: bytes = b"",
                  prev: int | None = -1, size: int | None = None, root: int | None = None) -> bytes:
    """Append an incremental update defining ``objs`` (object bodies) with a new xref section."""
    info = inspect(data)
    out = io.BytesIO()
    out.write(data)
    if not data.endswith(b"\n"):
        out.write(b"\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n")
    sz = size if size is not None else max([info.size] + [n + 1 for n in objs])
    trailer = b"/Root %d 0 R" % (root or info.root) + (b" /Info %d 0 R" % info.info if info.info else b"")
    trailer += b" /ID [<00112233445566778899aabbccddeeff> <ffeeddccbbaa99887766554433221100>]" + trailer_extra
    _write_xref(out, offsets, sz, trailer, info.startxref if prev == -1 else prev, xref_stream)
    return out.getvalue()


# ---------------------------------------------------------------------------
# signing


def _fill(data: bytearray, contents_der: bytes, start: int, hexlen: int) -> None:
    h = contents_der.hex().upper().encode()
    if len(h) > hexlen:
        raise ValueError("signature larger than the reserved /Contents")
    data[start + 1:start + 1 + len(h)] = h


def sign_pdf(data: bytes, signer=None, chain=(), *, field_name: str = "Sig1", subfilter: str = "adbe.pkcs7.detached",
             digest_name: str | None = None, gm: bool = False, visible: bool = False, certify: int | None = None,
             timestamp_tsa=None, xref_stream: bool = False, doc_ts: bool = False, reason: str | None = None,
             signed_cms=None, hexlen: int = PLACEHOLDER_HEX, page_index: int = 0, contents_first: bool = False,
             widget_extra: bytes = b"", eof_tail: bytes = b"", **cms_kw) -> bytes:
    """Add a signature field and sign it in one incremental update.

    ``signed_cms(chunks) -> DER`` overrides the CMS builder (attacks, pyHanko-free oracles).
    ``doc_ts=True`` writes an ETSI.RFC3161 document timestamp signed by ``signer`` as TSA.
    """
    info = inspect(data)
    page = info.page_nums[page_index]
    n = info.size
    sig_num, field_num, af_num = n, n + 1, n + 2
    root_body = raw_object(data, info.root)
    page_body = raw_object(data, page)
    objs: dict[int, bytes] = {}
    # AcroForm: extend an existing one or create it
    m = re.search(rb"/AcroForm\s+(\d+)\s+0\s+R", root_body)
    if m:
        af_num = int(m.group(1))
        af = raw_object(data, af_num)
        fm = re.search(rb"/Fields\s*\[([^\]]*)\]", af)
        if fm:
            af = af[:fm.start()] + b"/Fields [" + fm.group(1) + b" %d 0 R]" % field_num + af[fm.end():]
        else:  # an indirect /Fields array
            fa = int(_found(rb"/Fields\s+(\d+)\s+0\s+R", af).group(1))
            arr = raw_object(data, fa).strip()
            objs[fa] = arr[:-1].rstrip() + b" %d 0 R]" % field_num
        af = set_key(af, b"SigFlags", b"3")
        objs[af_num] = af
    else:
        objs[af_num] = b"<< /Fields [%d 0 R] /SigFlags 3 >>" % field_num
        objs[info.root] = add_keys(root_body, b"/AcroForm %d 0 R" % af_num)
    if certify is not None:
        rb = objs.get(info.root, root_body)
        objs[info.root] = add_keys(rb, b"/Perms << /DocMDP %d 0 R >>" % sig_num)
    rect = b"[50 50 250 110]" if visible else b"[0 0 0 0]"
    extra = b""
    if visible:
        ap_num = n + 3
        objs[ap_num] = stream_obj(b"q 0 0 1 rg 0 0 200 60 re f Q BT /Helv 12 Tf 10 25 Td (Signed) Tj ET",
                                  b" /Type /XObject /Subtype /Form /BBox [0 0 200 60]")
        extra = b" /AP << /N %d 0 R >>" % ap_num
    objs[field_num] = (b"<< /FT /Sig /T " + pdf_string(field_name) + b" /V %d 0 R /Type /Annot /Subtype /Widget "
                       b"/Rect " % sig_num + rect + b" /F 132 /P %d 0 R" % page + extra + b" " + widget_extra + b" >>")
    am = re.search(rb"/Annots\s*\[([^\]]*)\]", page_body)
    if am:
        objs[page] = page_body[:am.start()] + b"/Annots [" + am.group(1) + b" %d 0 R]" % field_num + page_body[am.end():]
    elif re.search(rb"/Annots\s+(\d+)\s+0\s+R", page_body):
        an = int(_found(rb"/Annots\s+(\d+)\s+0\s+R", page_body).group(1))
        arr = raw_object(data, an)
        objs[an] = arr.rstrip()[:-1] + b" %d 0 R]" % field_num
    else:
        objs[page] = add_keys(page_body, b"/Annots [%d 0 R]" % field_num)
    sub = "ETSI.RFC3161" if doc_ts else subfilter
    typ = b"/DocTimeStamp" if doc_ts else b"/Sig"
    ref = b""
    if certify is not None:
        ref = (b" /Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams "
               b"<< /Type /TransformParams /P %d /V /1.2 >> >>]" % certify)
    rsn = b" /Reason " + pdf_string(reason) if reason else b""
    placeholder = b"<" + b"0" * hexlen + b">"
    br_placeholder = b"[0 0000000000 0000000000 0000000000]"
    parts = [b" /ByteRange " + br_placeholder, b" /Contents " + placeholder]
    if contents_first:  # pyHanko's order: /ByteRange lies in the second signed range
        parts.reverse()
    objs[sig_num] = (b"<< /Type " + typ + b" /Filter /Adobe.PPKLite /SubFilter /" + sub.encode() +
                     b"".join(parts) + b" /M (D:20260101120000+08'00')" + ref + rsn + b" >>")
    out = bytearray(append_update(data, objs, xref_stream=xref_stream)) + eof_tail
    # locate the placeholder of *this* signature (the last one)
    cpos = out.rindex(placeholder)
    bpos = out.rindex(br_placeholder)
    a = cpos
    b = cpos + len(placeholder)
    br = b"[0 %010d %010d %010d]" % (a, b, len(out) - b)
    out[bpos:bpos + len(br_placeholder)] = br
    chunks = [bytes(out[:a]), bytes(out[b:])]
    if signed_cms is not None:
        der = signed_cms(chunks)
    elif doc_ts:
        der = tcms.timestamp_token(chunks, signer, chain, digest_name=digest_name or "sha256")
    else:
        kw = dict(cms_kw)
        if timestamp_tsa is not None:
            kw["timestamp_tsa"] = timestamp_tsa
        der = tcms.sign_detached(chunks, signer, chain, digest_name=digest_name, gm=gm, **kw)
    _fill(out, der, cpos, hexlen)
    return bytes(out)


def doc_timestamp(data: bytes, tsa, chain=(), **kw) -> bytes:
    return sign_pdf(data, tsa, chain, field_name=kw.pop("field_name", "DocTS"), doc_ts=True, **kw)


def add_dss(data: bytes, certs_der=(), xref_stream: bool = False) -> bytes:
    """An incremental update adding /DSS (validation data) to the catalog: harmless."""
    info = inspect(data)
    n = info.size
    objs: dict[int, bytes] = {}
    refs = []
    for i, c in enumerate(certs_der):
        objs[n + 1 + i] = stream_obj(c)
        refs.append(b"%d 0 R" % (n + 1 + i))
    objs[n] = b"<< /Type /DSS /Certs [" + b" ".join(refs) + b"] >>"
    root_body = raw_object(data, info.root)
    objs[info.root] = set_key(root_body, b"DSS", b"%d 0 R" % n)
    return append_update(data, objs, xref_stream=xref_stream)


def pyhanko_sign(data: bytes, kind: str = "rsa", *, field_name: str = "Sig1", certify: int | None = None,
                 visible: bool = False, key_pem: bytes | None = None, cert_pem: bytes | None = None,
                 chain_pem=(), md: str | None = None, use_pades: bool = False, tsa=None) -> bytes:
    """Sign with pyHanko (the differential oracle's own signer) using testkit PEM material."""
    from asn1crypto import pem as _pem, x509 as _x509
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data  # noqa: F401
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = _x509.Certificate.load(_pem.unarmor(cert_pem)[2])
    others = [_x509.Certificate.load(_pem.unarmor(c)[2]) for c in chain_pem]
    from pyhanko.keys import load_private_key_from_pemder_data as lk

    assert key_pem is not None and cert_pem is not None
    key = lk(key_pem, passphrase=None)
    signer = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs(others))
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

    meta_kw: dict[str, Any] = dict(field_name=field_name, md_algorithm=md)
    if use_pades:
        meta_kw["subfilter"] = SigSeedSubFilter.PADES
    if certify is not None:
        meta_kw["certify"] = True
        meta_kw["docmdp_permissions"] = MDPPerm(certify)
    meta = signers.PdfSignatureMetadata(**meta_kw)
    new_field = None
    if visible:
        new_field = fields.SigFieldSpec(field_name, box=(50, 50, 250, 110))
    elif field_name:
        new_field = fields.SigFieldSpec(field_name)
    out = io.BytesIO()
    stamper = _pyhanko_tsa(tsa, others) if tsa is not None else None
    signers.PdfSigner(meta, signer, new_field_spec=new_field, timestamper=stamper).sign_pdf(w, output=out)
    return out.getvalue()


def _pyhanko_tsa(tsa, others):
    from pyhanko.keys import load_private_key_from_pemder_data as lk
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return DummyTimeStamper(tsa_cert=tsa.cert, tsa_key=lk(tsa.key.to_pem(), passphrase=None),
                            certs_to_embed=SimpleCertificateStore.from_certs(list(others)))


def pyhanko_doc_timestamp(data: bytes, tsa, chain=()) -> bytes:
    """A pyHanko ETSI.RFC3161 document timestamp (``tsa``: a testkit Issued with key)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = io.BytesIO()
    signers.PdfTimeStamper(_pyhanko_tsa(tsa, [c.cert for c in chain])).timestamp_pdf(w, md_algorithm="sha256", output=out)
    return out.getvalue()


_PKI_CACHE: dict = {}


def cached_pki(kind: str, tag: str = "TEST"):
    """A fresh (per process) test PKI of ``kind`` — cached, key generation is slow."""
    from . import pki as _pki

    key = (kind, tag)
    if key not in _PKI_CACHE:
        _PKI_CACHE[key] = _pki.make_pki(kind, tag=tag)
    return _PKI_CACHE[key]


def linearized_like(lines) -> bytes:
    """Linearized layout: first-page xref section at the start, main section at the end."""
    src = base_pdf(lines)
    objs = {}
    for n in range(1, inspect(src).size):
        try:
            objs[n] = raw_object(src, n)
        except KeyError:
            pass
    size = max(objs) + 2
    lin = size - 1
    objs[lin] = b"<< /Linearized 1 /L 0000000000 /O 9 /E 0 /N 1 /T 0 /H [0 0] >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    first_objs = [lin, 1, 9, 8]  # lin dict, catalog, page, content
    offsets = {}
    # reserve the first-page xref: write objects after it, so compute with a fixed-size table
    def table(nums, offs, trailer):
        t = b"xref\n"
        for n in sorted(nums):
            t += b"%d 1\n%010d 00000 n\r\n" % (n, offs.get(n, 0))
        return t + b"trailer\n<< " + trailer + b" >>\n"
    head_pos = out.tell()
    # objects of the linearization dict first
    out.write(b"%d 0 obj\n" % lin + objs[lin] + b"\nendobj\n")
    offsets[lin] = head_pos
    fp_xref_pos = out.tell()
    placeholder_main = b"0000000000"
    fp = table(first_objs[1:], {}, b"/Size %d /Root 1 0 R /Info 3 0 R /Prev %s" % (size, placeholder_main))
    fp += b"startxref\n0\n%%EOF\n"
    out.write(fp)
    for n in first_objs[1:]:
        offsets[n] = out.tell()
        out.write(b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n")
    rest = [n for n in sorted(objs) if n not in first_objs]
    for n in rest:
        offsets[n] = out.tell()
        out.write(b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n")
    main_pos = out.tell()
    main = b"xref\n0 1\n0000000000 65535 f\r\n"
    for n in rest:
        main += b"%d 1\n%010d 00000 n\r\n" % (n, offsets[n])
    main += b"trailer\n<< /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, fp_xref_pos)
    out.write(main)
    data = bytearray(out.getvalue())
    fp2 = table(first_objs[1:], offsets, b"/Size %d /Root 1 0 R /Info 3 0 R /Prev %010d" % (size, main_pos))
    fp2 += b"startxref\n0\n%%EOF\n"
    assert len(fp2) == len(fp)
    data[fp_xref_pos:fp_xref_pos+len(fp)] = fp2
    return bytes(data)
