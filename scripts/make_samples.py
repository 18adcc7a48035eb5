#!/usr/bin/env python3
"""Fictitious 二级建造师 电子注册证书 samples (示例) in PDF and OFD, sealed by the DEMO CA.

    python scripts/make_samples.py --out DIR [--only NAME ...] [--no-sign]

Writes DIR/<file> for every sample and DIR/samples.json::

    [{"file", "title_zh", "format": "pdf"|"ofd", "description_zh", "expected_verdict",
      "expected_codes": [...], "trust_demo": true, "today": "2026-11-23",
      "site": bool (offered on the checker page), "signed": "sm2"|"rsa"|"ecdsa"|null}]

``expected_verdict`` is the verdict with ``Options(trust_demo=True, today=REFERENCE_DATE)`` (CLI:
``--trust-demo --today 2026-11-23``).  Everything shown is fictitious and marked 示例 / DEMO; the QR
path is illustrative (the real URL pattern of Chongqing certificates is not public).

Needs (dev only): jinja2, qrcode, fonttools, and two freely licensed Debian fonts:
fonts-droid-fallback (CJK, Apache-2.0) and fonts-dejavu-core (Latin, Bitstream Vera licence).
The PDF embeds subsets of both as CIDFontType2 with ToUnicode maps, so pypdf / pdf.js / pdfium
extract and render the Chinese text without any system font.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import math
import pathlib
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from urllib.parse import quote

import jinja2
import qrcode

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=False,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
XML_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(HERE / "templates")),
    autoescape=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)

CJK_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian fonts-droid-fallback
]
LATIN_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core
]

REFERENCE_DATE = dt.date(2026, 11, 23)  # the "today" of samples.json / golden tests
SIGN_TIME = dt.datetime(2026, 10, 1, 2, 0, 0, tzinfo=dt.UTC)  # deterministic signing time
MM = 72 / 25.4
PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
ISSUER = "示例 重庆市某发证机关 (DEMO)"  # = O of the DEMO leaf certificate (scripts/testkit/pki.py)
QR_BASE = "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz"  # host official; path illustrative (示例)


# ---- certificate data ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cert:
    name: str = "张明远"
    gender: str = "男"
    birth: str = "1988年06月15日"
    id_number: str = "500113198806159993"
    reg_number: str = "渝250192012345"
    employer: str = "重庆示例建设工程有限公司"
    specialties: tuple[tuple[str, str], ...] = (("建筑工程", "2028年03月31日"), ("市政公用工程", "2028年03月31日"))
    use_period: str = "2026年10月01日至2027年03月31日"
    issuer: str = ISSUER
    issue_date: str = "2026年10月01日"
    qr_url: str | None = None  # None: official-looking default with the registration number
    qr_kind: str = "vector"  # vector | image
    qr_angle: float = 0.0

    def url(self) -> str:
        if self.qr_url is not None:
            return self.qr_url
        return f"{QR_BASE}?regNo={quote(self.reg_number)}&sample=1"


def id_check_char(first17: str) -> str:
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


def make_id(region: str, birth: str, seq: str) -> str:
    first = region + birth + seq
    return first + id_check_char(first)


DEFAULT = Cert(id_number=make_id("500113", "19880615", "999"))
ALT_NAME = "李明远"  # same length as DEFAULT.name: the in-place tamper swaps it in


# ---- fonts ------------------------------------------------------------------------------------


def _first_existing(paths):
    for p in paths:
        if pathlib.Path(p).is_file():
            return p
    raise SystemExit(
        "make_samples: font not found (" + ", ".join(paths) + "); install Debian packages "
        "fonts-droid-fallback and fonts-dejavu-core"
    )


class EmbeddedFont:
    """A TrueType subset embedded as Type0 / CIDFontType2 / Identity-H with a ToUnicode map."""

    def __init__(self, path: str, chars: str, res_name: str):
        from fontTools import subset
        from fontTools.ttLib import TTFont

        self.res_name = res_name
        font = TTFont(path, recalcTimestamp=False, recalcBBoxes=True)
        cmap = font.getBestCmap()
        self.chars = sorted({c for c in chars if ord(c) in cmap})
        opts = subset.Options()
        opts.layout_features = []
        opts.hinting = False
        opts.notdef_outline = True
        opts.name_IDs = [1, 2, 3, 4, 6]
        opts.drop_tables += ["FFTM", "GDEF", "GPOS", "GSUB", "DSIG"]
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=[ord(c) for c in self.chars])
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        self.data = buf.getvalue()
        font = TTFont(io.BytesIO(self.data))
        self.upem = font["head"].unitsPerEm
        cmap = font.getBestCmap()
        self.gid = {c: font.getGlyphID(cmap[ord(c)]) for c in self.chars}
        hmtx = font["hmtx"]
        self.width = {c: round(hmtx[cmap[ord(c)]][0] * 1000 / self.upem) for c in self.chars}
        head, hhea = font["head"], font["hhea"]
        s = 1000 / self.upem
        self.bbox = [round(head.xMin * s), round(head.yMin * s), round(head.xMax * s), round(head.yMax * s)]
        self.ascent, self.descent = round(hhea.ascent * s), round(hhea.descent * s)
        family = font["name"].getDebugName(6) or "Font"
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256("".join(self.chars).encode()).digest()[:6])
        self.base_name = f"{tag}+{family.replace(' ', '')}"

    def has(self, ch: str) -> bool:
        return ch in self.gid

    def hex(self, text: str) -> str:
        return "<" + "".join(f"{self.gid[c]:04x}" for c in text) + ">"

    def advance(self, ch: str) -> float:
        return self.width[ch] / 1000


class Fonts:
    def __init__(self, chars: str):
        self.cjk = EmbeddedFont(_first_existing(CJK_FONT_CANDIDATES), chars, "F1")
        self.latin = EmbeddedFont(_first_existing(LATIN_FONT_CANDIDATES), chars, "F2")

    def font_for(self, ch: str) -> EmbeddedFont:
        if self.latin.has(ch) and ord(ch) < 0x2E80:
            return self.latin
        if self.cjk.has(ch):
            return self.cjk
        if self.latin.has(ch):
            return self.latin
        raise ValueError(f"no glyph for {ch!r}")

    def runs(self, text: str) -> list[tuple[EmbeddedFont, str]]:
        out: list[tuple[EmbeddedFont, str]] = []
        for ch in text:
            f = self.font_for(ch)
            if out and out[-1][0] is f:
                out[-1] = (f, out[-1][1] + ch)
            else:
                out.append((f, ch))
        return out

    def width(self, text: str, size: float) -> float:
        return sum(self.font_for(c).advance(c) for c in text) * size

    def pdf_ops(self, text: str, size: float) -> str:
        return " ".join(f"/{f.res_name} {size:g} Tf {f.hex(t)} Tj" for f, t in self.runs(text))


# ---- layout (mm, origin top-left; shared by PDF and OFD) ----------------------------------------


@dataclass
class Line:
    x: float  # mm
    y: float  # baseline, mm from the top
    size: float  # pt
    segments: list[tuple[float, str]]  # (x offset in mm from x, text)
    color: tuple[float, float, float] = (0.1, 0.1, 0.1)


@dataclass
class Layout:
    lines: list[Line] = field(default_factory=list)
    watermarks: list[tuple[float, float, float, float, str]] = field(default_factory=list)  # x, y, size, angle, text
    qr_box: tuple[float, float, float] = (148.0, 196.0, 36.0)  # x, y (top-left), size in mm
    seal: tuple[float, float, float] = (116.0, 243.0, 17.0)  # centre x, y, radius mm


LABEL_X, VALUE_X = 28.0, 62.0


def layout(c: Cert) -> Layout:
    L = Layout()
    red = (0.62, 0.10, 0.08)
    L.watermarks = [
        (30.0, 200.0, 120, 35.0, "示 例"),
        (40.0, 120.0, 22, 35.0, "SAMPLE 示例 仅供演示 不具法律效力"),
        (25.0, 270.0, 22, 35.0, "SAMPLE 示例 仅供演示 不具法律效力"),
    ]
    title = "中华人民共和国二级建造师注册证书"
    L.lines.append(Line(0, 38.0, 22, [(0, title)], red))  # x centred by the renderers
    L.lines.append(Line(0, 48.0, 12, [(0, "电子证书（示例 · 虚构人员与单位 · 不具法律效力）")], red))
    rows = [
        ("姓　　名：", c.name),
        ("性　　别：", c.gender),
        ("出生日期：", c.birth),
        ("身份证号：", c.id_number),
        ("注册编号：", c.reg_number),
        ("聘用企业：", c.employer),
    ]
    y = 68.0
    for label, value in rows:
        L.lines.append(Line(LABEL_X, y, 12, [(0, label), (VALUE_X - LABEL_X, value)]))
        y += 10.5
    L.lines.append(Line(LABEL_X, y, 12, [(0, "注册专业："), (VALUE_X - LABEL_X, "专业"), (120 - LABEL_X, "有效期")]))
    y += 9.0
    for spec, until in c.specialties:
        L.lines.append(Line(LABEL_X, y, 12, [(VALUE_X - LABEL_X, spec), (120 - LABEL_X, until)]))
        y += 8.5
    y += 2.0
    L.lines.append(Line(LABEL_X, y, 12, [(0, "使用有效期："), (VALUE_X - LABEL_X, c.use_period)]))
    y += 10.5
    L.lines.append(Line(LABEL_X, 226.0, 12, [(0, "发证机关："), (VALUE_X - LABEL_X - 8, c.issuer)]))
    L.lines.append(Line(LABEL_X, 236.5, 12, [(0, "发证日期："), (VALUE_X - LABEL_X - 8, c.issue_date)]))
    qx, qy, qs = L.qr_box
    L.lines.append(Line(qx - 6, qy + qs + 6, 8, [(0, "扫码核验（示例：网址路径为虚构）")]))
    L.lines.append(Line(0, 276.0, 9, [(0, "本证书为虚构示例，仅用于演示核验工具，不具任何法律效力。姓名、证号、单位均为虚构。")], red))
    return L


def all_chars() -> str:
    texts: list[str] = []
    for c in (DEFAULT, replace(DEFAULT, name=ALT_NAME)):
        L = layout(c)
        for ln in L.lines:
            texts.extend(t for _, t in ln.segments)
        texts.extend(w[4] for w in L.watermarks)
    texts.append("男女0123456789年月日至渝京临()（）" + ALT_NAME + "示例专用章印" + "DEMO")
    return "".join(sorted(set("".join(texts))))


# ---- QR ---------------------------------------------------------------------------------------


def qr_matrix(text: str) -> list[list[bool]]:
    q = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    q.add_data(text)
    q.make(fit=True)
    return q.get_matrix()


def png_gray(pixels: list[bytes], width: int) -> bytes:
    raw = b"".join(b"\x00" + row for row in pixels)

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, len(pixels), 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def qr_pixels(m: list[list[bool]], px: int = 6, quiet: int = 4) -> tuple[list[bytes], int]:
    n = len(m)
    size = (n + 2 * quiet) * px
    rows = []
    white = b"\xff" * size
    for _ in range(quiet * px):
        rows.append(white)
    for r in range(n):
        line = b"\xff" * (quiet * px) + b"".join((b"\x00" if m[r][c] else b"\xff") * px for c in range(n)) + b"\xff" * (quiet * px)
        rows.extend([line] * px)
    for _ in range(quiet * px):
        rows.append(white)
    return rows, size


# ---- PDF -----------------------------------------------------------------------------------------


def _pt(x_mm: float) -> float:
    return round(x_mm * MM, 2)


def _ybase(y_mm: float) -> float:
    return round((PAGE_H_MM - y_mm) * MM, 2)


def _fmt(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _rot_cm(scale: float, angle: float, x: float, y: float) -> str:
    a = math.radians(angle)
    return " ".join(_fmt(v) for v in (scale * math.cos(a), scale * math.sin(a), -scale * math.sin(a), scale * math.cos(a), x, y))


def render_pdf(c: Cert, fonts: Fonts) -> bytes:
    L = layout(c)
    W, H = _pt(PAGE_W_MM), _pt(PAGE_H_MM)
    lines = []
    for ln in L.lines:
        parts = []
        if ln.x == 0:  # centred
            text = "".join(t for _, t in ln.segments)
            x = (W - fonts.width(text, ln.size)) / 2
        else:
            x = _pt(ln.x)
        prev = 0.0
        for off, text in ln.segments:
            if off != prev:
                parts.append(f"{_fmt(_pt(off - prev))} 0 Td")
                prev = off
            parts.append(fonts.pdf_ops(text, ln.size))
        lines.append({"x": _fmt(x), "y": _fmt(_ybase(ln.y)), "runs": " ".join(parts), "color": " ".join(_fmt(v) for v in ln.color)})
    watermarks = [
        {"cm": _rot_cm(1, ang, _pt(x), _ybase(y)), "runs": fonts.pdf_ops(text, size)}
        for x, y, size, ang, text in L.watermarks
    ]
    m = qr_matrix(c.url())
    n = len(m)
    qx, qy, qs = L.qr_box
    module = _pt(qs) / (n + 8)
    # origin of the module grid: bottom-left of the symbol, rotated about the box centre
    cx, cy = _pt(qx + qs / 2), _ybase(qy + qs / 2)
    a = math.radians(c.qr_angle)
    half = n * module / 2
    ox = cx - half * math.cos(a) + half * math.sin(a)
    oy = cy - half * math.sin(a) - half * math.cos(a)
    xobjects = {}
    if c.qr_kind == "vector":
        rects = []
        for r in range(n):
            col = 0
            while col < n:
                if m[r][col]:
                    start = col
                    while col < n and m[r][col]:
                        col += 1
                    rects.append(f"{start} {n - 1 - r} {col - start} 1")
                else:
                    col += 1
        qr = {"kind": "vector", "cm": _rot_cm(module, c.qr_angle, ox, oy), "rects": rects, "quiet": 4, "n": n}
    else:
        rows, size = qr_pixels(m, px=8, quiet=4)
        side = (n + 8) * module
        ix = cx - side / 2 * math.cos(a) + side / 2 * math.sin(a)
        iy = cy - side / 2 * math.sin(a) - side / 2 * math.cos(a)
        xobjects["Im1"] = (size, b"".join(rows))
        qr = {"kind": "image", "cm": _rot_cm(side, c.qr_angle, ix, iy), "name": "Im1"}
    sx, sy, sr = L.seal
    scx, scy, sr_pt = _pt(sx), _ybase(sy), _pt(sr)
    k = 0.5523 * sr_pt
    curve = [
        f"{_fmt(scx + sr_pt)} {_fmt(scy + k)} {_fmt(scx + k)} {_fmt(scy + sr_pt)} {_fmt(scx)} {_fmt(scy + sr_pt)}",
        f"{_fmt(scx - k)} {_fmt(scy + sr_pt)} {_fmt(scx - sr_pt)} {_fmt(scy + k)} {_fmt(scx - sr_pt)} {_fmt(scy)}",
        f"{_fmt(scx - sr_pt)} {_fmt(scy - k)} {_fmt(scx - k)} {_fmt(scy - sr_pt)} {_fmt(scx)} {_fmt(scy - sr_pt)}",
        f"{_fmt(scx + k)} {_fmt(scy - sr_pt)} {_fmt(scx + sr_pt)} {_fmt(scy - k)} {_fmt(scx + sr_pt)} {_fmt(scy)}",
    ]
    star = []
    for i in range(10):
        rad = (sr_pt * 0.38) if i % 2 == 0 else (sr_pt * 0.15)
        ang = math.radians(90 + i * 36)
        star.append(f"{_fmt(scx + rad * math.cos(ang))} {_fmt(scy + 0.12 * sr_pt + rad * math.sin(ang))} {'m' if i == 0 else 'l'}")
    star.append("h")
    seal_text = "示例专用章"
    seal = {
        "cx": scx, "cy": _fmt(scy), "r": sr_pt, "curve": curve, "star": " ".join(star),
        "tx": _fmt(scx - fonts.width(seal_text, 10) / 2), "ty": _fmt(scy - 0.55 * sr_pt), "runs": fonts.pdf_ops(seal_text, 10),
    }
    content = TEMPLATES.get_template("certificate_page.j2").render(
        border={"x": _pt(10), "y": _pt(10), "w": _pt(PAGE_W_MM - 20), "h": _pt(PAGE_H_MM - 20)},
        watermarks=watermarks, lines=lines, qr=qr, seal=seal, title_rule_y=_fmt(_ybase(53)),
    )
    return build_pdf(content.encode("ascii"), fonts, W, H, xobjects, title="二级建造师电子注册证书（示例）")


def _pdf_str(s: str) -> str:
    return "<feff" + s.encode("utf-16-be").hex() + ">"


def build_pdf(content: bytes, fonts: Fonts, W: float, H: float, xobjects: dict, title: str) -> bytes:
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    def stream(d: dict, data: bytes, compress: bool = True) -> bytes:
        if compress:
            data = zlib.compress(data, 9)
            d = dict(d, Filter="/FlateDecode")
        d = dict(d, Length=str(len(data)))
        head = "<< " + " ".join(f"/{k} {v}" for k, v in d.items()) + " >>"
        return head.encode() + b"\nstream\n" + data + b"\nendstream"

    catalog = add(b"")  # placeholders filled below
    pages = add(b"")
    page = add(b"")
    contents = add(stream({}, content, compress=False))  # uncompressed: readable, and tamper tests edit it
    font_refs = {}
    for f in (fonts.cjk, fonts.latin):
        ff = add(stream({"Length1": str(len(f.data))}, f.data))
        desc = add(
            f"<< /Type /FontDescriptor /FontName /{f.base_name} /Flags 4 /FontBBox [{' '.join(map(str, f.bbox))}] "
            f"/ItalicAngle 0 /Ascent {f.ascent} /Descent {f.descent} /CapHeight {f.ascent} /StemV 80 "
            f"/FontFile2 {ff} 0 R >>".encode()
        )
        widths = " ".join(f"{f.gid[ch]} [{f.width[ch]}]" for ch in f.chars)
        cid = add(
            f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{f.base_name} "
            f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            f"/FontDescriptor {desc} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>".encode()
        )
        cmap_lines = [f"<{f.gid[ch]:04x}> <{ch.encode('utf-16-be').hex()}>" for ch in f.chars]
        chunks = [cmap_lines[i:i + 100] for i in range(0, len(cmap_lines), 100)]
        body = "".join(f"{len(ch)} beginbfchar\n" + "\n".join(ch) + "\nendbfchar\n" for ch in chunks)
        tounicode = (
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body +
            "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        )
        tu = add(stream({}, tounicode.encode("ascii")))
        t0 = add(
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{f.base_name} /Encoding /Identity-H "
            f"/DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>".encode()
        )
        font_refs[f.res_name] = t0
    xo_refs = {}
    for name, (size, pixels) in xobjects.items():
        xo_refs[name] = add(stream({"Type": "/XObject", "Subtype": "/Image", "Width": str(size), "Height": str(size),
                                    "ColorSpace": "/DeviceGray", "BitsPerComponent": "8"}, pixels))
    info = add(f"<< /Title {_pdf_str(title)} /Author {_pdf_str('示例（DEMO）')} /Producer (make_samples.py) "
               f"/CreationDate (D:20261001000000Z) >>".encode())
    fonts_dict = " ".join(f"/{k} {v} 0 R" for k, v in font_refs.items())
    xo = (" /XObject << " + " ".join(f"/{k} {v} 0 R" for k, v in xo_refs.items()) + " >>") if xo_refs else ""
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R /Lang (zh-CN) >>".encode()
    objs[pages - 1] = f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode()
    objs[page - 1] = (
        f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {_fmt(W)} {_fmt(H)}] "
        f"/Resources << /Font << {fonts_dict} >>{xo} >> /Contents {contents} 0 R >>"
    ).encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    doc_id = hashlib.md5(content).hexdigest()
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R /Info {info} 0 R /ID [<{doc_id}> <{doc_id}>] >>\n"
              f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


# ---- OFD -----------------------------------------------------------------------------------------


def _mm(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def render_ofd(c: Cert, fonts: Fonts) -> bytes:
    L = layout(c)
    ids = iter(range(1, 10_000))
    font_id = next(ids)
    media_id = next(ids)
    page_id = next(ids)
    layer_id = next(ids)
    pt2mm = 25.4 / 72

    def text_obj(x_mm, base_mm, size_pt, text, color, ctm=None):
        size = size_pt * pt2mm
        adv = [fonts.font_for(ch).advance(ch) * size for ch in text]
        width = sum(adv) + size
        return {
            "id": next(ids), "boundary": f"{_mm(x_mm)} {_mm(base_mm - size)} {_mm(width)} {_mm(size * 1.4)}",
            "font": font_id, "size": _mm(size), "text": text, "baseline": _mm(size),
            "deltax": " ".join(_mm(a) for a in adv[:-1]), "color": " ".join(str(round(v * 255)) for v in color), "ctm": ctm,
        }

    texts = []
    for x, y, size, ang, text in L.watermarks:
        a = math.radians(-ang)
        ctm = " ".join(_mm(v) for v in (math.cos(a), math.sin(a), -math.sin(a), math.cos(a), 0, 0))
        texts.append(text_obj(x, y, size, text, (0.96, 0.80, 0.80), ctm))
    for ln in L.lines:
        full = "".join(t for _, t in ln.segments)
        x0 = (PAGE_W_MM - fonts.width(full, ln.size) / MM) / 2 if ln.x == 0 else ln.x
        # one TextObject per printed line, values placed by DeltaX (text stays in reading order)
        size = ln.size * pt2mm
        chars: list[str] = []
        adv: list[float] = []
        pos = 0.0
        for off, text in ln.segments:
            if chars:
                adv[-1] += max(0.0, off - pos)
                pos = max(pos, off)
            elif off:
                pass
            for ch in text:
                a = fonts.font_for(ch).advance(ch) * size
                chars.append(ch)
                adv.append(a)
                pos += a
        lead = ln.segments[0][0] if ln.x else 0.0
        t = text_obj(x0 + lead, ln.y, ln.size, "".join(chars), ln.color)
        t["deltax"] = " ".join(_mm(a) for a in adv[:-1])
        t["boundary"] = f"{_mm(x0 + lead)} {_mm(ln.y - size)} {_mm(sum(adv) + size)} {_mm(size * 1.4)}"
        texts.append(t)
    sx, sy, sr = L.seal
    k = 0.5523 * sr
    circle = (f"M {_mm(2 * sr)} {_mm(sr)} B {_mm(2 * sr)} {_mm(sr - k)} {_mm(sr + k)} 0 {_mm(sr)} 0 "
              f"B {_mm(sr - k)} 0 0 {_mm(sr - k)} 0 {_mm(sr)} B 0 {_mm(sr + k)} {_mm(sr - k)} {_mm(2 * sr)} {_mm(sr)} {_mm(2 * sr)} "
              f"B {_mm(sr + k)} {_mm(2 * sr)} {_mm(2 * sr)} {_mm(sr + k)} {_mm(2 * sr)} {_mm(sr)} C")
    paths = [
        {"id": next(ids), "boundary": f"10 10 {_mm(PAGE_W_MM - 20)} {_mm(PAGE_H_MM - 20)}", "lw": "0.6",
         "data": f"M 0 0 L {_mm(PAGE_W_MM - 20)} 0 L {_mm(PAGE_W_MM - 20)} {_mm(PAGE_H_MM - 20)} L 0 {_mm(PAGE_H_MM - 20)} C"},
        {"id": next(ids), "boundary": f"{_mm(sx - sr)} {_mm(sy - sr)} {_mm(2 * sr)} {_mm(2 * sr)}", "lw": "0.8", "data": circle},
    ]
    seal_text = "示例专用章"
    texts.append(text_obj(sx - fonts.width(seal_text, 10) / MM / 2, sy + 0.55 * sr, 10, seal_text, (0.8, 0.1, 0.1)))
    qx, qy, qs = L.qr_box
    images = [{"id": next(ids), "boundary": f"{_mm(qx)} {_mm(qy)} {_mm(qs)} {_mm(qs)}", "ctm": f"{_mm(qs)} 0 0 {_mm(qs)} 0 0", "res": media_id}]
    rows, size = qr_pixels(qr_matrix(c.url()), px=6, quiet=4)
    png = png_gray(rows, size)
    max_id = next(ids)
    page = {"w": _mm(PAGE_W_MM), "h": _mm(PAGE_H_MM)}
    files = {
        "OFD.xml": XML_TEMPLATES.get_template("ofd/OFD.xml.j2").render(
            doc_id=hashlib.md5(c.url().encode() + c.name.encode()).hexdigest(), title="二级建造师电子注册证书（示例）", created="2026-10-01"),
        "Doc_0/Document.xml": XML_TEMPLATES.get_template("ofd/Document.xml.j2").render(max_id=max_id, page=page, page_id=page_id),
        "Doc_0/PublicRes.xml": XML_TEMPLATES.get_template("ofd/PublicRes.xml.j2").render(
            fonts=[{"id": font_id, "name": "宋体", "family": "宋体", "file": None}]),
        "Doc_0/DocumentRes.xml": XML_TEMPLATES.get_template("ofd/DocumentRes.xml.j2").render(media=[{"id": media_id, "file": "qr_code.png"}]),
        "Doc_0/Pages/Page_0/Content.xml": XML_TEMPLATES.get_template("ofd/Content.xml.j2").render(
            layer_id=layer_id, paths=paths, texts=texts, images=images),
    }
    entries = {k: v.encode("utf-8") for k, v in files.items()}
    entries["Doc_0/Res/qr_code.png"] = png
    return zip_bytes(entries)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


# ---- signing (DEMO CA; signers written by the PDF and OFD helpers) --------------------------------


def sign_pdf(data: bytes, kind: str) -> bytes | None:
    try:
        from testkit import pdfsign
        from testkit.pki import demo_pki
    except ImportError:
        return None
    demo = demo_pki(kind)
    return pdfsign.sign_pdf(data, demo.leaf, demo.chain, field_name="IssuerSeal", gm=(kind == "sm2"),
                            signing_time=SIGN_TIME, reason="示例 发证机关电子签章 (DEMO)")


def sign_ofd(data: bytes, kind: str, leave_out: tuple[str, ...] = ()) -> bytes | None:
    try:
        from testkit import ofdsign
        from testkit.pki import demo_pki
    except ImportError:
        return None
    demo = demo_pki(kind)
    sx, sy, sr = Layout().seal
    protect = [n for n in read_zip(data) if n not in leave_out] if leave_out else None
    return ofdsign.seal_ofd(
        data, demo.leaf.key, demo.leaf, "示例 发证机关电子印章 (DEMO)", version="v4",
        alg="SM2" if kind == "sm2" else "RSA", sign_time=SIGN_TIME, boundary=(sx - sr, sy - sr, 2 * sr, 2 * sr),
        protect=protect,
    )


# ---- the sample set -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    file: str
    title_zh: str
    description_zh: str
    cert: Cert = DEFAULT
    sign: str | None = "sm2"  # DEMO key kind, or None: unsigned
    tamper: str | None = None  # "name": change the printed name after sealing
    leave_out: tuple[str, ...] = ()  # OFD: package files the seal does not protect (partial seal)
    expected_verdict: str = "pass"
    expected_codes: tuple[str, ...] = ()  # codes that must be present
    site: bool = False  # shipped on the site as "try a sample"

    @property
    def format(self) -> str:
        return self.file.rsplit(".", 1)[1]


GOOD = ("SIG_OK", "SIG_DEMO_CA", "QR_OFFICIAL", "QR_MATCHES_PRINTED", "CERT_SIGNER_MATCHES_ISSUER")

# Expected verdicts are WITH trust_demo: the DEMO CA always adds SIG_DEMO_CA (warn), so the best a
# sample can get is "warn" — a demo file must never "pass".
SAMPLES = [
    Sample("sample-sm2.ofd", "示例证书（OFD，SM2 电子印章）",
           "演示用的完整证书：OFD 格式，由演示 CA 的 SM2 印章签章，二维码指向官方域名。签章完好，但演示证书不能证明真实性，故最好结果为“注意”。",
           sign="sm2", expected_verdict="warn", expected_codes=("SIG_OK", "QR_OFFICIAL", "QR_MATCHES_PRINTED"), site=True),
    Sample("sample-sm2.pdf", "示例证书（PDF，SM2 签名）",
           "PDF 格式，演示 CA 的 SM2 签名覆盖整个文件，二维码指向官方域名。签名完好，但演示证书不能证明真实性，故最好结果为“注意”。",
           sign="sm2", expected_verdict="warn", expected_codes=GOOD, site=True),
    Sample("sample-rsa.pdf", "示例证书（PDF，RSA 签名）", "PDF 格式，演示 CA 的 RSA-2048 签名。",
           sign="rsa", expected_verdict="warn", expected_codes=GOOD),
    Sample("sample-ecdsa.pdf", "示例证书（PDF，ECDSA 签名，图片二维码旋转 90°）",
           "PDF 格式，演示 CA 的 ECDSA P-256 签名；二维码以旋转 90° 的图片形式嵌入。",
           cert=replace(DEFAULT, qr_kind="image", qr_angle=90.0), sign="ecdsa", expected_verdict="warn", expected_codes=GOOD),
    Sample("qr-rotated.pdf", "示例证书（PDF，矢量二维码旋转 17°）",
           "PDF 格式，二维码由矢量路径绘制并旋转 17°，用于检验二维码识别。",
           cert=replace(DEFAULT, qr_angle=17.0), sign="rsa", expected_verdict="warn", expected_codes=GOOD),
    Sample("tampered-name.pdf", "被篡改的证书（签名后改了姓名）",
           "签名后把证书上的姓名改掉了：签名摘要对不上，应判定为不通过。",
           sign="sm2", tamper="name", expected_verdict="fail", expected_codes=("SIG_DIGEST_MISMATCH",), site=True),
    Sample("tampered-name-update.pdf", "被篡改的证书（签名后用增量更新改了姓名）",
           "伪造者保留原签名，在文件末尾追加一次更新，把页面上的姓名换掉：原签名本身仍然完好，但它不覆盖改动后的内容，应判定为不通过。",
           sign="rsa", tamper="name-incremental", expected_verdict="fail"),
    Sample("tampered-name.ofd", "被篡改的证书（OFD，签章后改了姓名）",
           "OFD 签章后修改了页面内容中的姓名：签章引用的摘要对不上，应判定为不通过。",
           sign="sm2", tamper="name", expected_verdict="fail"),
    Sample("partial-seal.ofd", "部分签章的 OFD 证书（二维码图片不在签章范围内）",
           "签章完好，但签章时没有把二维码图片纳入签章范围：这张图片在签章后可以被替换，本工具无法为它担保，应提示注意，并在预览中标出不受保护的区域。",
           sign="sm2", leave_out=("Doc_0/Res/qr_code.png",), expected_verdict="warn",
           expected_codes=("SIG_OK", "OFD_UNPROTECTED_PART", "QR_UNPROTECTED"), site=True),
    Sample("lookalike-qr.pdf", "二维码指向仿冒网址",
           "签名完好，但二维码指向把官方域名当作前缀的仿冒网站（zfcxjw.cq.gov.cn.yanzheng-cx.com），应判定为不通过。",
           cert=replace(DEFAULT, qr_url="https://zfcxjw.cq.gov.cn.yanzheng-cx.com/zsyz?regNo=" + quote(DEFAULT.reg_number)),
           sign="rsa", expected_verdict="fail", expected_codes=("SIG_OK", "QR_OFFICIAL_IN_SUBDOMAIN"), site=True),
    Sample("qr-userinfo.ofd", "二维码网址用“@”伪装成官方网址",
           "二维码内容以官方域名开头，但“@”之后才是真正打开的网站（https://zfcxjw.cq.gov.cn@…），这是常见的钓鱼写法，应判定为不通过。",
           cert=replace(DEFAULT, qr_url="https://zfcxjw.cq.gov.cn@cert-verify.top/zsyz?regNo=" + quote(DEFAULT.reg_number)),
           sign="sm2", expected_verdict="fail", expected_codes=("QR_USERINFO",)),
    Sample("qr-regno-mismatch.ofd", "二维码中的注册编号与证面不一致",
           "二维码里的注册编号与证书上印的不同，说明证面或二维码被替换，应判定为不通过。",
           cert=replace(DEFAULT, qr_url=f"{QR_BASE}?regNo={quote('渝250192054321')}&sample=1"), sign="sm2",
           expected_verdict="fail", expected_codes=("QR_REGNO_MISMATCH",)),
    Sample("expired.pdf", "注册有效期已届满的证书",
           "签名完好，但注册专业与使用有效期均已届满（以 2026-11-23 为准），应提示注意。",
           cert=replace(DEFAULT, specialties=(("建筑工程", "2026年03月31日"),), use_period="2025年10月01日至2026年03月31日",
                        issue_date="2025年10月01日"),
           sign="sm2", expected_verdict="warn", expected_codes=("SIG_OK", "FIELD_SPECIALTY_EXPIRED", "FIELD_USE_EXPIRED"),
           site=True),
    Sample("id-mismatch.pdf", "身份证号与出生日期不一致",
           "签名完好，但身份证号中的出生日期与证面出生日期不一致（典型的拼凑伪造），应判定为不通过。",
           cert=replace(DEFAULT, id_number=make_id("500113", "19890615", "999")), sign="rsa",
           expected_verdict="fail", expected_codes=("SIG_OK", "FIELD_ID_BIRTH_MISMATCH")),
    Sample("unsigned.pdf", "没有电子签章的证书",
           "版面与真证书相似，但没有任何电子签名，无法证明来源，应提示注意。",
           sign=None, expected_verdict="warn", expected_codes=("NO_SIGNATURE",), site=True),
    Sample("unsigned.ofd", "没有电子印章的 OFD 证书", "OFD 格式，没有签章，无法证明来源，应提示注意。",
           sign=None, expected_verdict="warn", expected_codes=("NO_SIGNATURE",)),
]


def tamper_pdf(data: bytes, fonts: Fonts) -> bytes:
    old = fonts.pdf_ops(DEFAULT.name, 12).encode()
    new = fonts.pdf_ops(ALT_NAME, 12).encode()
    assert len(old) == len(new) and data.count(old) == 1, "tamper target not unique"
    return data.replace(old, new)


def tamper_pdf_incremental(data: bytes, fonts: Fonts) -> bytes:
    """The forger's way: keep the signed bytes, append an update that redefines the page content."""
    import re

    from testkit import pdfsign

    m = re.search(rb"\n4 0 obj\n(.*?)\nendobj\n", data, re.S)  # the page content (build_pdf's object 4)
    old = fonts.pdf_ops(DEFAULT.name, 12).encode()
    assert m is not None, "build_pdf's object 4 not found"
    body = m.group(1)
    assert body.count(old) == 1, "tamper target not unique"
    content = body.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    new_content = content.replace(old, fonts.pdf_ops(ALT_NAME, 12).encode())
    return pdfsign.append_update(data, {4: pdfsign.stream_obj(new_content)})


def tamper_ofd(data: bytes) -> bytes:
    entries = read_zip(data)
    key = "Doc_0/Pages/Page_0/Content.xml"
    assert entries[key].count(DEFAULT.name.encode()) == 1
    entries[key] = entries[key].replace(DEFAULT.name.encode(), ALT_NAME.encode())
    return zip_bytes(entries)


def build(sample: Sample, fonts: Fonts, signing: bool = True) -> tuple[bytes, bool]:
    """The sample's bytes and whether it was signed as intended."""
    data = render_pdf(sample.cert, fonts) if sample.format == "pdf" else render_ofd(sample.cert, fonts)
    signed = sample.sign is None
    if sample.sign and signing:
        s = sign_pdf(data, sample.sign) if sample.format == "pdf" else sign_ofd(data, sample.sign, sample.leave_out)
        if s is not None:
            data, signed = s, True
    if sample.tamper == "name":
        data = tamper_pdf(data, fonts) if sample.format == "pdf" else tamper_ofd(data)
    elif sample.tamper == "name-incremental":
        data = tamper_pdf_incremental(data, fonts)
    return data, signed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=pathlib.Path)
    p.add_argument("--only", nargs="*", help="file names to build")
    p.add_argument("--no-sign", action="store_true", help="unsigned documents only (layout work)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    fonts = Fonts(all_chars())
    index = []
    for s in SAMPLES:
        if args.only and s.file not in args.only:
            continue
        data, signed = build(s, fonts, signing=not args.no_sign)
        (args.out / s.file).write_bytes(data)
        if not signed:
            print(f"make_samples: {s.file}: signer not available yet, written UNSIGNED", file=sys.stderr)
        index.append({
            "file": s.file, "title_zh": s.title_zh, "format": s.format, "description_zh": s.description_zh,
            "expected_verdict": s.expected_verdict if signed else None,
            "expected_codes": list(s.expected_codes), "trust_demo": True, "today": REFERENCE_DATE.isoformat(),
            "site": s.site, "signed": s.sign if signed else None,
        })
    (args.out / "samples.json").write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"make_samples: {len(index)} samples in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
