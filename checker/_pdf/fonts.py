"""Fonts for text extraction: character codes → Unicode text and glyph widths (ISO 32000-1 §9.5–9.10).

Handled without an outside library:

* Type0 (composite) fonts with ``/Identity-H`` / ``/Identity-V`` (2-byte codes) and a ``/ToUnicode``
  CMap, or with a predefined Unicode CMap (``Uni…-UCS2-H/V``, ``Uni…-UTF16-H/V``) whose codes are
  UTF-16BE already;
* simple fonts (Type1, MMType1, TrueType) through ``/ToUnicode``, else ``/Encoding`` (WinAnsi,
  Standard, MacRoman, ``/Differences`` with glyph names), else the built-in encoding of an embedded
  Type 1 font program, else StandardEncoding (Latin-1 for the codes it leaves undefined).

Anything else — Type3 fonts, other predefined or embedded CMaps (``GBK-EUC-H`` …), a Type0 font
without ``/ToUnicode``, Symbol / ZapfDingbats without a map, a glyph name we do not know — raises
:class:`Unsupported`; the caller then hands the file to pypdf.
"""
from __future__ import annotations

import array
import bisect
import sys
from collections.abc import Sequence

from ..errors import LimitExceeded
from .content import parse_ops
from .objects import Name, PdfDict, Stream

_LITTLE = sys.byteorder == "little"


class Unsupported(Exception):
    """A feature our extractor does not cover: the caller falls back to pypdf."""


def _num(v) -> bool:
    return type(v) in (int, float)


# ---- glyph names (Adobe Glyph List subset: ASCII, Latin-1 and the names of the standard encodings) ----

_LATIN1_NAMES = (
    "nbspace exclamdown cent sterling currency yen brokenbar section dieresis copyright ordfeminine "
    "guillemotleft logicalnot sfthyphen registered macron degree plusminus twosuperior threesuperior acute "
    "mu paragraph periodcentered cedilla onesuperior ordmasculine guillemotright onequarter onehalf "
    "threequarters questiondown Agrave Aacute Acircumflex Atilde Adieresis Aring AE Ccedilla Egrave Eacute "
    "Ecircumflex Edieresis Igrave Iacute Icircumflex Idieresis Eth Ntilde Ograve Oacute Ocircumflex Otilde "
    "Odieresis multiply Oslash Ugrave Uacute Ucircumflex Udieresis Yacute Thorn germandbls agrave aacute "
    "acircumflex atilde adieresis aring ae ccedilla egrave eacute ecircumflex edieresis igrave iacute "
    "icircumflex idieresis eth ntilde ograve oacute ocircumflex otilde odieresis divide oslash ugrave uacute "
    "ucircumflex udieresis yacute thorn ydieresis"
).split()
_ASCII_PUNCT = {
    0x20: "space", 0x21: "exclam", 0x22: "quotedbl", 0x23: "numbersign", 0x24: "dollar", 0x25: "percent",
    0x26: "ampersand", 0x27: "quotesingle", 0x28: "parenleft", 0x29: "parenright", 0x2A: "asterisk",
    0x2B: "plus", 0x2C: "comma", 0x2D: "hyphen", 0x2E: "period", 0x2F: "slash", 0x3A: "colon",
    0x3B: "semicolon", 0x3C: "less", 0x3D: "equal", 0x3E: "greater", 0x3F: "question", 0x40: "at",
    0x5B: "bracketleft", 0x5C: "backslash", 0x5D: "bracketright", 0x5E: "asciicircum", 0x5F: "underscore",
    0x60: "grave", 0x7B: "braceleft", 0x7C: "bar", 0x7D: "braceright", 0x7E: "asciitilde",
}
_DIGITS = "zero one two three four five six seven eight nine".split()
_EXTRA_NAMES = {
    "quoteright": "\u2019", "quoteleft": "\u2018", "quotedblleft": "\u201c", "quotedblright": "\u201d",
    "quotesinglbase": "\u201a", "quotedblbase": "\u201e", "guilsinglleft": "\u2039", "guilsinglright": "\u203a",
    "endash": "\u2013", "emdash": "\u2014", "bullet": "\u2022", "ellipsis": "\u2026", "dagger": "\u2020",
    "daggerdbl": "\u2021", "perthousand": "\u2030", "trademark": "\u2122", "Euro": "\u20ac",
    "florin": "\u0192", "fraction": "\u2044", "circumflex": "\u02c6", "tilde": "\u02dc", "breve": "\u02d8",
    "dotaccent": "\u02d9", "ring": "\u02da", "hungarumlaut": "\u02dd", "ogonek": "\u02db", "caron": "\u02c7",
    "dotlessi": "\u0131", "Lslash": "\u0141", "lslash": "\u0142", "OE": "\u0152",
    "oe": "\u0153", "Scaron": "\u0160", "scaron": "\u0161", "Zcaron": "\u017d", "zcaron": "\u017e",
    "Ydieresis": "\u0178", "fi": "\ufb01", "fl": "\ufb02", "ff": "\ufb00", "ffi": "\ufb03", "ffl": "\ufb04",
    "minus": "\u2212", "notequal": "\u2260", "infinity": "\u221e", "lessequal": "\u2264",
    "greaterequal": "\u2265", "partialdiff": "\u2202", "summation": "\u2211", "product": "\u220f",
    "pi": "\u03c0", "integral": "\u222b", "Omega": "\u2126", "radical": "\u221a", "approxequal": "\u2248",
    "Delta": "\u2206", "lozenge": "\u25ca", "apple": "\uf8ff", "hyphen": "-", "space": " ", "nbspace": "\u00a0",
    "mu": "\u00b5", "periodcentered": "\u00b7", "middot": "\u00b7", "Dcroat": "\u0110", "dcroat": "\u0111",
    "sfthyphen": "\u00ad", "softhyphen": "\u00ad", "nonbreakingspace": "\u00a0", "ideographicspace": "\u3000",
}
GLYPHS: dict[str, str] = {}
for _c, _n in _ASCII_PUNCT.items():
    GLYPHS[_n] = chr(_c)
for _i, _n in enumerate(_DIGITS):
    GLYPHS[_n] = chr(0x30 + _i)
for _c in range(26):
    GLYPHS[chr(0x41 + _c)] = chr(0x41 + _c)
    GLYPHS[chr(0x61 + _c)] = chr(0x61 + _c)
for _i, _n in enumerate(_LATIN1_NAMES):
    GLYPHS[_n] = chr(0xA0 + _i)
GLYPHS.update(_EXTRA_NAMES)


def glyph_unicode(name: str) -> str | None:
    """Unicode text of a glyph name (AGL rules: ``.suffix`` dropped, ``_`` ligatures, ``uniXXXX``, ``uXXXX``)."""
    hit = GLYPHS.get(name)
    if hit is not None:
        return hit
    base = name.split(".", 1)[0]
    if not base:
        return None
    out = []
    for part in base.split("_"):
        hit = GLYPHS.get(part)
        if hit is None:
            hit = _uni_name(part)
        if hit is None:
            return None
        out.append(hit)
    return "".join(out)


def _uni_name(part: str) -> str | None:
    try:
        if part.startswith("uni") and len(part) >= 7 and (len(part) - 3) % 4 == 0:
            cps = [int(part[i:i + 4], 16) for i in range(3, len(part), 4)]
        elif part.startswith("u") and 5 <= len(part) <= 7:
            cps = [int(part[1:], 16)]
        else:
            return None
    except ValueError:
        return None
    if any(0xD800 <= c <= 0xDFFF or c > 0x10FFFF for c in cps):
        return None
    return "".join(map(chr, cps))


# ---- base encodings (code → text) ---------------------------------------------------------------

def _table(codec: str) -> list[str]:
    out = []
    for i in range(256):
        try:
            out.append(bytes([i]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(i))  # codes the encoding leaves undefined: Latin-1 (as pypdf does)
    return out


_STANDARD_DIFF = {
    0x27: "\u2019", 0x60: "\u2018", 0xA4: "\u2044", 0xA6: "\u0192", 0xA8: "\u00a4", 0xA9: "'", 0xAA: "\u201c",
    0xAC: "\u2039", 0xAD: "\u203a", 0xAE: "\ufb01", 0xAF: "\ufb02", 0xB1: "\u2013", 0xB2: "\u2020",
    0xB3: "\u2021", 0xB4: "\u00b7", 0xB7: "\u2022", 0xB8: "\u201a", 0xB9: "\u201e", 0xBA: "\u201d",
    0xBC: "\u2026", 0xBD: "\u2030", 0xC1: "`", 0xC2: "\u00b4", 0xC3: "\u02c6", 0xC4: "\u02dc", 0xC5: "\u00af",
    0xC6: "\u02d8", 0xC7: "\u02d9", 0xC8: "\u00a8", 0xCA: "\u02da", 0xCB: "\u00b8", 0xCD: "\u02dd",
    0xCE: "\u02db", 0xCF: "\u02c7", 0xD0: "\u2014", 0xE1: "\u00c6", 0xE3: "\u00aa", 0xE8: "\u0141",
    0xE9: "\u00d8", 0xEA: "\u0152", 0xEB: "\u00ba", 0xF1: "\u00e6", 0xF5: "\u0131", 0xF8: "\u0142",
    0xF9: "\u00f8", 0xFA: "\u0153", 0xFB: "\u00df",
}
_ENCODINGS: dict[str, list[str]] = {}


def base_encoding(name: str) -> list[str] | None:
    if not _ENCODINGS:
        std = [chr(i) for i in range(256)]
        for k, v in _STANDARD_DIFF.items():
            std[k] = v
        _ENCODINGS.update(StandardEncoding=std, WinAnsiEncoding=_table("cp1252"),
                          MacRomanEncoding=_table("mac_roman"))
    return _ENCODINGS.get(name)


def standard_encoding() -> list[str]:
    table = base_encoding("StandardEncoding")
    assert table is not None
    return table


# ---- widths of the standard 14 fonts (Adobe Core 14 AFM files), for fonts without /Widths --------

_AFM = {
    "Helvetica": "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 "
                 "556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 "
                 "778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 "
                 "556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584",
    "Helvetica-Bold": "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 "
                      "556 556 556 556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 "
                      "611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 "
                      "611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 "
                      "556 556 500 389 280 389 584",
    "Times-Roman": "250 333 408 500 500 833 778 180 333 333 500 564 250 333 250 278 500 500 500 500 500 500 500 "
                   "500 500 500 278 278 564 564 564 444 921 722 667 667 722 611 556 722 722 333 389 722 611 889 "
                   "722 722 556 722 667 556 611 722 722 944 722 722 611 333 278 333 469 500 333 444 500 444 500 "
                   "444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 480 "
                   "200 480 541",
    "Times-Bold": "250 333 555 500 500 1000 833 278 333 333 500 570 250 333 250 278 500 500 500 500 500 500 500 "
                  "500 500 500 333 333 570 570 570 500 930 722 667 722 722 667 611 778 778 389 500 778 667 944 "
                  "722 778 611 778 722 556 667 722 722 1000 722 722 667 333 278 333 581 500 333 500 556 444 556 "
                  "444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 333 556 500 722 500 500 444 394 "
                  "220 394 520",
}
_AFM_CACHE: dict[str, dict[str, float]] = {}


def _core_widths(base: str) -> tuple[dict[str, float], float] | None:
    """Widths by character of a standard font named ``base`` (or a near relative), else None."""
    b = base.split("+", 1)[-1].replace(",", "-")
    bold = "Bold" in b or "bold" in b or "Black" in b
    if b.startswith("Courier"):
        return {}, 600.0
    if b.startswith(("Helvetica", "Arial")):
        key = "Helvetica-Bold" if bold else "Helvetica"
    elif b.startswith(("Times", "TimesNewRoman")):
        key = "Times-Bold" if bold else "Times-Roman"
    else:
        return None
    if key not in _AFM_CACHE:
        _AFM_CACHE[key] = {chr(32 + i): float(w) for i, w in enumerate(_AFM[key].split())}
    return _AFM_CACHE[key], (556.0 if key.startswith("Helvetica") else 500.0)


# ---- CMaps ----------------------------------------------------------------------------------------

def _utf16(b: bytes) -> str:
    if len(b) == 1:
        return chr(b[0])
    return b.decode("utf-16-be", "replace")


class ToUnicode:
    """A parsed /ToUnicode CMap: ``bfchar`` entries and ``bfrange`` ranges (resolved lazily)."""

    def __init__(self) -> None:
        self.single: dict[int, str] = {}
        self.ranges: list[tuple[int, int, bytes | list[bytes]]] = []  # (lo, hi, dst bytes | list of bytes)
        self._los: list[int] = []
        self._memo: dict[int, str | None] = {}

    @classmethod
    def parse(cls, data: bytes, max_tokens: int, budget=None) -> ToUnicode:
        self = cls()
        for op, args in parse_ops(data, max_tokens, budget=budget):
            if op == "endbfchar":
                for i in range(0, len(args) - 1, 2):
                    src, dst = args[i], args[i + 1]
                    if isinstance(src, bytes) and 0 < len(src) <= 4:
                        text = _dst_text(dst)
                        if text is not None:
                            self.single[int.from_bytes(src, "big")] = text
            elif op == "endbfrange":
                for i in range(0, len(args) - 2, 3):
                    lo, hi, dst = args[i], args[i + 1], args[i + 2]
                    if not (isinstance(lo, bytes) and isinstance(hi, bytes) and 0 < len(lo) <= 4 and 0 < len(hi) <= 4):
                        continue
                    a, b = int.from_bytes(lo, "big"), int.from_bytes(hi, "big")
                    if a <= b and ((isinstance(dst, bytes) and 0 < len(dst) <= 64) or isinstance(dst, list)):
                        self.ranges.append((a, b, dst))
        self.ranges.sort(key=lambda r: r[0])
        self._los = [r[0] for r in self.ranges]
        return self

    def __bool__(self) -> bool:
        return bool(self.single or self.ranges)

    def get(self, code: int) -> str | None:
        hit = self.single.get(code)
        if hit is not None:
            return hit
        memo = self._memo
        if code in memo:
            return memo[code]
        out = None
        i = bisect.bisect_right(self._los, code) - 1
        # the nearest ranges starting at or below the code (a few, should ranges overlap)
        for j in range(i, max(i - 8, -1), -1):
            lo, hi, dst = self.ranges[j]
            if lo <= code <= hi:
                k = code - lo
                if isinstance(dst, list):
                    out = _dst_text(dst[k]) if k < len(dst) else None
                else:
                    v = int.from_bytes(dst, "big") + k
                    out = _utf16(v.to_bytes(len(dst), "big")) if v < 1 << (8 * len(dst)) else None
                break
        if len(memo) < 1 << 16:
            memo[code] = out
        return out


def _dst_text(dst) -> str | None:
    if isinstance(dst, bytes):
        return _utf16(dst)
    if isinstance(dst, Name):  # some writers put a glyph name here
        return glyph_unicode(dst)
    return None


def type1_builtin_encoding(program: bytes) -> dict[int, str | None]:
    """``dup <code> /<name> put`` entries of the clear-text part of a Type 1 font program
    (None for a glyph name we cannot map)."""
    clear = program.split(b"eexec", 1)[0]
    k = clear.find(b"/Encoding")
    out: dict[int, str | None] = {}
    if k < 0:
        return out
    for op, args in parse_ops(clear[k + 9:], 20_000):
        if op == "put" and len(args) >= 2 and _num(args[-2]) and isinstance(args[-1], Name):
            code = int(args[-2])
            if 0 <= code < 256:
                out[code] = glyph_unicode(args[-1])
        elif op in ("readonly", "def") and out:
            break
    return out


# ---- fonts ------------------------------------------------------------------------------------------

def space_threshold(width: float | None) -> float:
    """The gap (em) that reads as a space: half the font's space glyph, within 0.15–0.3 em (pdfTeX
    sets word spaces of a 250-unit space as ``TJ`` adjustments of about -250, kerning stays below
    about -100); 0.25 em for a font without a space glyph."""
    if not width or width <= 0:
        return 0.25
    return min(max(width / 2000, 0.15), 0.3)


class Font:
    """``decode(bytes) → (text, sum of widths in 1/1000 em, number of codes, number of 0x20 codes)``."""

    vertical = False
    space_em = 0.25  # see space_threshold()
    v_advance = -1000.0  # vertical writing: displacement of each glyph (DW2), 1/1000 em

    def decode(self, s: bytes) -> tuple[str, float, int, int]:  # pragma: no cover - interface
        raise NotImplementedError


class SimpleFont(Font):
    def __init__(self, table: dict[int, str], unknown: set[int], widths: list[float], why: str = "") -> None:
        self.table = table  # for str.translate on the Latin-1 decoding of the codes
        self.unknown = unknown  # codes whose glyph names we cannot map
        self.widths = widths
        self.why = why
        self.space_em = space_threshold(widths[32] if self.table.get(32, " ") == " " and 32 not in unknown else None)

    def decode(self, s: bytes) -> tuple[str, float, int, int]:
        if self.unknown and not self.unknown.isdisjoint(s):
            raise Unsupported(self.why or "a glyph name we cannot map")
        w = self.widths
        return (s.decode("latin-1").translate(self.table), sum(w[b] for b in s), len(s), s.count(32))


class _UnsupportedFont(Font):
    def __init__(self, why: str) -> None:
        self.why = why

    def decode(self, s: bytes) -> tuple[str, float, int, int]:
        raise Unsupported(self.why)


class CompositeFont(Font):
    """Type0 with 2-byte codes: Identity-H/V through /ToUnicode, or Uni…-UCS2/UTF16 CMaps as UTF-16BE."""

    def __init__(self, tounicode: ToUnicode | None, utf16: bool, widths: CidWidths, vertical: bool,
                 v_advance: float) -> None:
        self.tu = tounicode
        self.utf16 = utf16
        self.widths = widths
        self.vertical = vertical
        self.v_advance = v_advance
        self._memo: dict[int, str] = {}
        space = None
        if utf16:
            space = widths.default
        elif tounicode is not None:
            code = next((c for c, t in tounicode.single.items() if t == " "), None)
            space = widths.width(code) if code is not None else None
        self.space_em = space_threshold(space)

    def decode(self, s: bytes) -> tuple[str, float, int, int]:
        n = len(s) // 2
        if not n:
            return "", 0.0, 0, 0
        if self.utf16 and self.tu is None:
            text = s[:2 * n].decode("utf-16-be", "replace")
            return text, self.widths.default * n, n, 0
        codes = array.array("H", s[:2 * n])
        if _LITTLE:
            codes.byteswap()
        memo = self._memo
        parts = []
        for c in codes:
            t = memo.get(c)
            if t is None:
                t = self.tu.get(c) if self.tu is not None else None
                if t is None:
                    # a code the map leaves out: pypdf would print chr(code), we print nothing
                    t = chr(c) if self.utf16 and not 0xD800 <= c <= 0xDFFF else ""
                if len(memo) < 1 << 16:
                    memo[c] = t
            parts.append(t)
        if self.utf16:  # the width of a Unicode code is unknown without the CMap's CIDs
            width = self.widths.default * n
        else:
            width = self.widths.total(codes)
        return "".join(parts), width, n, 0


class CidWidths:
    """/W and /DW of a CIDFont (``c [w1 w2 …]`` and ``c_first c_last w`` forms), looked up lazily."""

    def __init__(self, w, dw, resolve, max_items: int) -> None:
        self.default = float(dw) if _num(dw) else 1000.0
        self.single: dict[int, float] = {}
        self.ranges: list[tuple[int, int, float]] = []
        self._los: list[int] = []
        w = resolve(w)
        if not isinstance(w, list):
            return
        i = 0
        items = 0
        while i + 1 < len(w):
            first = resolve(w[i])
            nxt = resolve(w[i + 1])
            if not _num(first):
                break
            if isinstance(nxt, list):
                for k, v in enumerate(nxt):
                    items += 1
                    if items > max_items:
                        raise LimitExceeded("font /W array too large")
                    v = resolve(v)
                    if _num(v):
                        self.single[int(first) + k] = float(v)
                i += 2
            elif i + 2 < len(w) and _num(nxt) and _num(resolve(w[i + 2])):
                self.ranges.append((int(first), int(nxt), float(resolve(w[i + 2]))))
                i += 3
            else:
                break
        self.ranges.sort(key=lambda t: t[0])
        self._los = [t[0] for t in self.ranges]

    def total(self, codes: Sequence[int]) -> float:
        single = self.single
        if not self.ranges:
            d = self.default
            return sum(single.get(c, d) for c in codes)
        return sum(self.width(c) for c in codes)

    def width(self, cid: int) -> float:
        hit = self.single.get(cid)
        if hit is not None:
            return hit
        i = bisect.bisect_right(self._los, cid) - 1
        for j in range(i, max(i - 8, -1), -1):
            lo, hi, v = self.ranges[j]
            if lo <= cid <= hi:
                return v
        return self.default


_UNICODE_CMAPS = ("UniGB-UCS2-", "UniGB-UTF16-", "UniCNS-UCS2-", "UniCNS-UTF16-", "UniJIS-UCS2-",
                  "UniJIS-UTF16-", "UniKS-UCS2-", "UniKS-UTF16-")


class FontLoader:
    """Builds :class:`Font` objects from font dictionaries (cached per dictionary)."""

    def __init__(self, resolve, stream_bytes, max_tokens: int, max_items: int, budget=None) -> None:
        self.resolve = resolve  # value → resolved value
        self.stream_bytes = stream_bytes  # Stream → decoded bytes (Unsupported for other filters)
        self.max_tokens = max_tokens
        self.budget = budget  # a content.TokenBudget shared with the content streams
        self.max_items = max_items
        self._cache: dict[int, tuple[object, Font]] = {}

    def load(self, fd) -> Font:
        key = id(fd)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is fd:
            return hit[1]
        try:
            font: Font = self._build(fd)
        except Unsupported as exc:  # only a problem once the font shows text
            font = _UnsupportedFont(str(exc))
        self._cache[key] = (fd, font)
        return font

    def _tounicode(self, fd: PdfDict) -> ToUnicode | None:
        tu = self.resolve(fd.get("ToUnicode"))
        if isinstance(tu, Stream):
            cmap = ToUnicode.parse(self.stream_bytes(tu), self.max_tokens, self.budget)
            return cmap if cmap else None
        return None  # /Identity-H as ToUnicode (seen in the wild) carries no information

    def _build(self, fd) -> Font:
        r = self.resolve
        if not isinstance(fd, PdfDict):
            return _default_font()
        subtype = r(fd.get("Subtype"))
        if subtype == "Type0":
            return self._type0(fd)
        if subtype == "Type3":
            raise Unsupported("Type3 font")
        return self._simple(fd)

    def _type0(self, fd: PdfDict) -> Font:
        r = self.resolve
        enc = r(fd.get("Encoding"))
        if not isinstance(enc, Name):
            raise Unsupported("Type0 font with an embedded CMap")
        desc = r(fd.get("DescendantFonts"))
        cid = r(desc[0]) if isinstance(desc, list) and desc else None
        if not isinstance(cid, PdfDict):
            cid = PdfDict()
        widths = CidWidths(cid.get("W"), r(cid.get("DW")), r, self.max_items)
        dw2 = r(cid.get("DW2"))
        v_adv = float(r(dw2[1])) if isinstance(dw2, list) and len(dw2) == 2 and _num(r(dw2[1])) else -1000.0
        vertical = enc.endswith("-V")
        if enc in ("Identity-H", "Identity-V"):
            tu = self._tounicode(fd)
            if tu is None:
                raise Unsupported("Type0 font without /ToUnicode")
            return CompositeFont(tu, False, widths, vertical, v_adv)
        if enc.startswith(_UNICODE_CMAPS) and enc[-2:] in ("-H", "-V"):
            return CompositeFont(self._tounicode(fd), True, widths, vertical, v_adv)
        raise Unsupported(f"Type0 font with the CMap /{enc}")

    def _simple(self, fd: PdfDict) -> Font:
        r = self.resolve
        base = r(fd.get("BaseFont"))
        base = base if isinstance(base, Name) else ""
        desc = r(fd.get("FontDescriptor"))
        desc = desc if isinstance(desc, PdfDict) else PdfDict()
        tu = self._tounicode(fd)
        enc = r(fd.get("Encoding"))
        codes: list[str | None]
        plain = base.split("+", 1)[-1]
        builtin = None
        if isinstance(enc, Name):
            codes = list(base_encoding(enc) or standard_encoding())
        else:
            bname = r(enc.get("BaseEncoding")) if isinstance(enc, PdfDict) else None
            table = base_encoding(bname) if isinstance(bname, Name) else None
            if table is None:
                builtin = self._builtin(fd, desc)
                if not builtin and tu is None and plain.startswith(("Symbol", "ZapfDingbats")):
                    raise Unsupported(f"font /{plain} without a /ToUnicode map")
                table = standard_encoding()
            codes = list(table)
            if builtin:
                for c, t in builtin.items():
                    codes[c] = t
            diffs = r(enc.get("Differences")) if isinstance(enc, PdfDict) else None
            if isinstance(diffs, list):
                code = 0
                for item in diffs[: self.max_items]:
                    item = r(item)
                    if _num(item):
                        code = int(item)
                    elif isinstance(item, Name):
                        if 0 <= code < 256:
                            codes[code] = glyph_unicode(item)
                        code += 1
        if tu is not None:
            for c in range(256):
                t = tu.get(c)
                if t is not None:
                    codes[c] = t
        unknown = {c for c in range(256) if codes[c] is None}
        mapped = {c: t for c, t in enumerate(codes) if t is not None and t != chr(c)}
        return SimpleFont(mapped, unknown, self._simple_widths(fd, desc, plain, codes),
                          f"font /{plain}: a glyph name we cannot map")

    def _builtin(self, fd: PdfDict, desc: PdfDict) -> dict[int, str | None] | None:
        """The built-in encoding of an embedded Type 1 program (None: none we can read)."""
        r = self.resolve
        if r(fd.get("Subtype")) not in ("Type1", "MMType1"):
            return None
        prog = r(desc.get("FontFile"))
        if isinstance(prog, Stream):
            return type1_builtin_encoding(self.stream_bytes(prog)[:1 << 16]) or None
        prog3 = r(desc.get("FontFile3"))
        if isinstance(prog3, Stream) and r(prog3.dict.get("Subtype")) == "Type1C" and r(fd.get("ToUnicode")) is None:
            raise Unsupported("Type1C font program without /Encoding or /ToUnicode")
        return None

    def _simple_widths(self, fd: PdfDict, desc: PdfDict, plain: str, codes) -> list[float]:
        r = self.resolve
        missing = r(desc.get("MissingWidth"))
        widths_arr = r(fd.get("Widths"))
        first = r(fd.get("FirstChar"))
        if isinstance(widths_arr, list) and _num(first):
            dflt = float(missing) if _num(missing) else 0.0
            out = [dflt] * 256
            f = int(first)
            for k, v in enumerate(widths_arr[:256]):
                v = r(v)
                if 0 <= f + k < 256 and _num(v):
                    out[f + k] = float(v)
            return out
        core = _core_widths(plain)
        if core is not None:
            table, dflt = core
            return [table.get(t, dflt) if t else dflt for t in codes]
        return [float(missing) if _num(missing) and missing else 500.0] * 256


_DEFAULT: list[Font] = []


def _default_font() -> Font:
    """For a font resource that is missing or not a dictionary: StandardEncoding, 500 units wide."""
    if not _DEFAULT:
        std = standard_encoding()
        _DEFAULT.append(SimpleFont({c: t for c, t in enumerate(std) if t != chr(c)}, set(), [500.0] * 256))
    return _DEFAULT[0]


def default_font() -> Font:
    return _default_font()


__all__ = ["Font", "FontLoader", "ToUnicode", "Unsupported", "base_encoding", "default_font", "glyph_unicode"]
