"""Cross-reference sections, /Prev chains and revision views.

A *revision view* is what a reader sees when the file is cut right after one ``%%EOF``:
the last ``startxref`` before that point, the chain of xref sections reached from it
through ``/Prev`` (classic tables, xref streams, hybrid ``/XRefStm``), and the merged map
object number → location.  Locations are ``("n", offset, gen)`` for objects in the body
and ``("c", objstm_number, index)`` for objects inside object streams.

Strict on purpose: an offset that does not point at the object the xref names, a /Prev
loop, a bogus offset or an ambiguous hybrid entry raise :class:`MalformedInput`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import LimitExceeded, MalformedInput
from .objects import (
    Name,
    Parser,
    PdfDict,
    Stream,
    finish_stream,
    parse_indirect,
    skip_ws,
)
from .streams import DecodeBudget, decode_stream

_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")
_STARTXREF = re.compile(rb"startxref[ \t\r\n\f\x00]+(\d{1,20})[ \t\r\n\f\x00]*%%EOF")
_TABLE_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n| ?\n| ?\r|  )")
_SUBSECTION = re.compile(rb"(\d{1,20})[ \t]+(\d{1,20})[ \t]*(?:\r\n|\r|\n)")


@dataclass(slots=True)
class XrefSection:
    """One cross-reference section (table, stream or hybrid) and its trailer."""

    offset: int
    kind: str  # "table" | "stream" | "hybrid"
    entries: dict
    trailer: PdfDict
    prev: int | None
    end: int  # end offset of the section (after the trailer dict / the xref stream object)
    stream_num: int | None = None
    xrefstm: int | None = None  # hybrid: offset of the /XRefStm stream
    xrefstm_end: int = 0


@dataclass(slots=True)
class RevisionView:
    """The objects of the file as one revision saw them (data[:end])."""

    end: int  # the view covers data[:end]
    startxref: int
    sections: list[XrefSection]
    map: dict = field(default_factory=dict)  # num -> location
    trailer: PdfDict = field(default_factory=PdfDict)

    @property
    def offsets(self) -> list[int]:
        return [s.offset for s in self.sections]


def eof_ends(data: bytes, max_count: int) -> list[tuple[int, int]]:
    """``(after %%EOF, after %%EOF and its end-of-line)`` for each ``%%EOF`` marker."""
    out = []
    for m in _EOF.finditer(data):
        out.append((m.start() + 5, m.end()))
        if len(out) > max_count * 4 + 16:
            raise LimitExceeded("too many %%EOF markers")
    return out


def last_startxref(data: bytes, end: int) -> int:
    """The offset named by the last ``startxref … %%EOF`` that ends at or before ``end``."""
    pos = data.rfind(b"startxref", 0, end)
    while pos >= 0:
        m = _STARTXREF.match(data, pos)
        if m and m.end() <= end:
            return int(m.group(1))
        pos = data.rfind(b"startxref", 0, pos)
    raise MalformedInput("no startxref found")


class XrefReader:
    def __init__(self, data: bytes, parser: Parser, budget: DecodeBudget, max_objects: int, ctx) -> None:
        self.data = data
        self.parser = parser
        self.budget = budget
        self.max_objects = max_objects
        self.ctx = ctx
        self._cache: dict[int, XrefSection] = {}

    def section(self, offset: int) -> XrefSection:
        sec = self._cache.get(offset)
        if sec is None:
            sec = self._read(offset)
            self._cache[offset] = sec
        return sec

    def _read(self, offset: int) -> XrefSection:
        data = self.data
        if not (0 < offset < len(data)):
            raise MalformedInput(f"xref offset {offset} outside the file")
        offset = _tolerate_ws(data, offset)
        if data.startswith(b"xref", offset):
            sec = self._table(offset)
            xs = sec.trailer.get("XRefStm")
            if xs is not None:
                if not isinstance(xs, int) or isinstance(xs, bool):
                    raise MalformedInput("bad /XRefStm")
                hyb = self._stream(xs)
                for num, loc in hyb.entries.items():
                    have = sec.entries.get(num)
                    if have is None or have[0] == "f":
                        sec.entries[num] = loc
                    elif loc[0] != "f" and loc != have:
                        raise MalformedInput(f"hybrid file defines object {num} twice, differently")
                sec.kind = "hybrid"
                sec.xrefstm = xs
                sec.xrefstm_end = hyb.end
            return sec
        return self._stream(offset)

    def _table(self, offset: int) -> XrefSection:
        data = self.data
        p = skip_ws(data, offset + 4)
        entries: dict = {}
        while True:
            self.ctx.check_time()
            if data.startswith(b"trailer", p):
                break
            m = _SUBSECTION.match(data, p)
            if not m:
                raise MalformedInput(f"bad xref subsection header at offset {p}")
            first, count = int(m.group(1)), int(m.group(2))
            if count > self.max_objects or first + count > self.max_objects:
                raise LimitExceeded("too many xref entries")
            p = m.end()
            for num in range(first, first + count):
                r = _TABLE_ROW.match(data, p)
                if not r:
                    raise MalformedInput(f"bad xref entry for object {num} at offset {p}")
                p = r.end()
                off, gen, kind = int(r.group(1)), int(r.group(2)), r.group(3)
                if num in entries:
                    raise MalformedInput(f"xref section lists object {num} twice")
                if kind == b"n":
                    entries[num] = ("n", off, gen)
                else:
                    entries[num] = ("f",)
            p = skip_ws(data, p)
        trailer, end = self.parser.parse(p + 7)
        if not isinstance(trailer, PdfDict):
            raise MalformedInput("trailer is not a dictionary")
        return XrefSection(offset, "table", entries, trailer, _prev(trailer), end)

    def _stream(self, offset: int) -> XrefSection:
        data = self.data
        num, _gen, d, q = parse_indirect(self.parser, offset)
        if not isinstance(d, PdfDict) or d.get("Type") != "XRef":
            raise MalformedInput(f"no xref table or xref stream at offset {offset}")
        length = d.get("Length")
        stream, end = finish_stream(data, d, q, length, num)  # /Length must be direct here
        raw = decode_stream(stream, self.budget)
        w = d.get("W")
        size = d.get("Size")
        if not (isinstance(w, list) and len(w) == 3 and all(isinstance(x, int) and 0 <= x <= 8 for x in w)):
            raise MalformedInput("bad /W in xref stream")
        if not isinstance(size, int) or size < 0 or size > self.max_objects:
            raise LimitExceeded("xref stream /Size") if isinstance(size, int) else MalformedInput("bad /Size")
        index = d.get("Index", [0, size])
        if not isinstance(index, list) or len(index) % 2 or not all(isinstance(x, int) and x >= 0 for x in index):
            raise MalformedInput("bad /Index in xref stream")
        rowlen = sum(w)
        if rowlen == 0:
            raise MalformedInput("bad /W in xref stream")
        entries: dict = {}
        pos = 0
        for i in range(0, len(index), 2):
            first, count = index[i], index[i + 1]
            if first + count > self.max_objects:
                raise LimitExceeded("too many xref entries")
            for n in range(first, first + count):
                if pos + rowlen > len(raw):
                    raise MalformedInput("xref stream shorter than its /Index")
                f = [int.from_bytes(raw[pos + sum(w[:k]):pos + sum(w[:k + 1])], "big") for k in range(3)]
                pos += rowlen
                t = f[0] if w[0] else 1
                if n in entries:
                    raise MalformedInput(f"xref stream lists object {n} twice")
                if t == 0:
                    entries[n] = ("f",)
                elif t == 1:
                    entries[n] = ("n", f[1], f[2])
                elif t == 2:
                    entries[n] = ("c", f[1], f[2])
                else:
                    entries[n] = ("f",)  # reserved types are treated as null objects (spec 7.5.8.3)
        return XrefSection(offset, "stream", entries, d, _prev(d), end, stream_num=num)

    def view(self, end: int, max_sections: int) -> RevisionView:
        """The revision view of ``data[:end]``."""
        sx = last_startxref(self.data, end)
        sections: list[XrefSection] = []
        seen: set[int] = set()
        off: int | None = sx
        while off is not None:
            self.ctx.check_time()
            if off in seen:
                raise MalformedInput("loop in the /Prev chain of cross-reference sections")
            if len(sections) >= max_sections:
                raise LimitExceeded("too many revisions")
            if off >= end:
                raise MalformedInput(f"xref offset {off} beyond the revision end")
            seen.add(off)
            sec = self.section(off)
            if sec.end > end:
                raise MalformedInput("cross-reference section runs past its %%EOF")
            sections.append(sec)
            off = sec.prev
        merged: dict = {}
        for sec in reversed(sections):
            merged.update(sec.entries)
        trailer = PdfDict(sections[0].trailer)  # readers use the newest trailer
        for k in ("Prev", "XRefStm", "Type", "W", "Index", "Length", "Filter", "DecodeParms"):
            trailer.pop(k, None)
        return RevisionView(end, sx, sections, merged, trailer)


def _tolerate_ws(data: bytes, offset: int) -> int:
    """Some writers point one or two bytes early (at the preceding EOL): skip up to 4 blanks."""
    p = offset
    while p < len(data) and p - offset < 4 and data[p] in b" \t\r\n\f\x00":
        p += 1
    return p


def _prev(trailer: PdfDict) -> int | None:
    p = trailer.get("Prev")
    if p is None:
        return None
    if not isinstance(p, int) or isinstance(p, bool) or p < 0:
        raise MalformedInput("bad /Prev in trailer")
    return p


__all__ = ["Name", "RevisionView", "Stream", "XrefReader", "XrefSection", "eof_ends", "last_startxref"]
