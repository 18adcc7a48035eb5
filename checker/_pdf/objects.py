"""PDF object model and a strict, bounded object parser (ISO 32000-1 §7.2–7.3).

Values: ``int``/``float``, ``bool``, ``None`` (null), :class:`Name`, :class:`PdfString`,
``list``, :class:`PdfDict`, :class:`Ref`, :class:`Stream`.  Every string and dict remembers
its byte span in the file (needed to check that a ``/ByteRange`` gap is exactly the
``/Contents`` string).  Parsing never recurses deeper than ``max_depth``.
"""
from __future__ import annotations

import re
from collections import namedtuple
from typing import Any

from ..errors import LimitExceeded, MalformedInput

WS = b" \t\r\n\f\x00"
DELIMS = b"()<>[]{}/%"
_WS_SET = frozenset(WS)
_DELIM_SET = frozenset(DELIMS)
_REGULAR_END = re.compile(rb"[ \t\r\n\f\x00()<>\[\]{}/%]")
_SKIP = re.compile(rb"(?:[ \t\r\n\f\x00]+|%[^\r\n]*)*")
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_INT = re.compile(rb"[+-]?\d+\Z")
_REF_TAIL = re.compile(rb"[ \t\r\n\f\x00]+(\d{1,20})[ \t\r\n\f\x00]+R(?=[ \t\r\n\f\x00()<>\[\]{}/%]|\Z)")
_HEX_BODY = re.compile(rb"[0-9A-Fa-f \t\r\n\f\x00]*")
_OBJ_HEADER = re.compile(rb"(\d+)[ \t\r\n\f\x00]+(\d+)[ \t\r\n\f\x00]+obj(?=[ \t\r\n\f\x00()<>\[\]{}/%]|\Z)")
_NAME_ESC = re.compile(rb"#([0-9A-Fa-f]{2})")


class Ref(namedtuple("Ref", "num gen")):
    """An indirect reference (object number, generation)."""

    __slots__ = ()

    def __str__(self) -> str:
        return f"{self.num} {self.gen} R"


class Name(str):
    """A PDF name without the leading slash."""

    __slots__ = ()


class PdfString(bytes):
    """A literal or hex string; ``span`` is its byte range in the file, ``is_hex`` its form."""

    span: tuple[int, int] = (0, 0)
    is_hex: bool = False


class PdfDict(dict):
    span: tuple[int, int] = (0, 0)


class Stream:
    """A stream object: its dictionary and the raw (still encoded) data span."""

    __slots__ = ("data", "dict", "end", "start")

    def __init__(self, d: PdfDict, start: int, end: int, data: bytes | memoryview) -> None:
        self.dict = d
        self.start = start
        self.end = end
        self.data = data

    def raw(self) -> bytes:
        return bytes(self.data[self.start:self.end])

    def get(self, key, default=None):
        return self.dict.get(key, default)

    def __repr__(self) -> str:
        return f"Stream({dict(self.dict)!r}, {self.end - self.start} bytes)"


class Keyword(str):
    """A bare keyword met while parsing (``endobj``, ``stream``, ``R`` …)."""

    __slots__ = ()


def skip_ws(data, pos: int) -> int:
    m = _SKIP.match(data, pos)
    assert m is not None  # the pattern also matches the empty string
    return m.end()


class Parser:
    """Parses direct objects from ``data`` (bytes) with depth and size limits."""

    def __init__(self, data: bytes, max_depth: int = 64, max_items: int = 1_000_000,
                 max_number_chars: int = 64) -> None:
        self.data = data
        self.max_depth = max_depth
        self.max_number_chars = max_number_chars
        self.items = 0
        self.max_items = max_items

    def parse(self, pos: int, depth: int = 0) -> tuple[Any, int]:
        data = self.data
        pos = skip_ws(data, pos)
        if pos >= len(data):
            raise MalformedInput("unexpected end of file while parsing an object")
        self.items += 1
        if self.items > self.max_items:
            raise LimitExceeded("too many PDF objects")
        c = data[pos]
        if c == 0x2F:  # /
            m = _REGULAR_END.search(data, pos + 1)
            end = m.start() if m else len(data)
            raw = data[pos + 1:end]
            if b"#" in raw:
                raw = _NAME_ESC.sub(lambda mm: bytes([int(mm.group(1), 16)]), raw)
            return Name(raw.decode("latin-1")), end
        if c == 0x3C:  # <
            if data[pos + 1:pos + 2] == b"<":
                return self._dict(pos, depth)
            return self._hex(pos)
        if c == 0x28:  # (
            return self._literal(pos)
        if c == 0x5B:  # [
            if depth >= self.max_depth:
                raise LimitExceeded("nesting too deep")
            out: list = []
            p = pos + 1
            while True:
                p = skip_ws(data, p)
                if p >= len(data):
                    raise MalformedInput("unterminated array")
                if data[p] == 0x5D:
                    return out, p + 1
                v, p = self.parse(p, depth + 1)
                if isinstance(v, Keyword):
                    if v == "R" and len(out) >= 2 and _is_int(out[-1]) and _is_int(out[-2]):
                        gen = out.pop()
                        num = out.pop()
                        out.append(Ref(num, gen))
                        continue
                    raise MalformedInput(f"unexpected keyword {v!r} in array")
                out.append(v)
        m = _NUMBER.match(data, pos)
        if m and (m.end() >= len(data) or data[m.end()] in _WS_SET or data[m.end()] in _DELIM_SET):
            tok = m.group()
            if len(tok) > self.max_number_chars:  # int() refuses > 4300 digits; no real PDF comes close
                raise MalformedInput("number too long")
            if _INT.match(tok):
                val = int(tok)
                # indirect reference "n g R"?
                if tok[0] not in b"+-":
                    r = _REF_TAIL.match(data, m.end())
                    if r:
                        return Ref(val, int(r.group(1))), r.end()
                return val, m.end()
            try:
                return float(tok), m.end()
            except ValueError:
                raise MalformedInput("bad number") from None
        m = _REGULAR_END.search(data, pos)
        end = m.start() if m else len(data)
        if end == pos:
            raise MalformedInput(f"unexpected character {chr(c)!r} at offset {pos}")
        word = data[pos:end]
        if word == b"true":
            return True, end
        if word == b"false":
            return False, end
        if word == b"null":
            return None, end
        return Keyword(word.decode("latin-1")), end

    def _dict(self, pos: int, depth: int) -> tuple[PdfDict, int]:
        if depth >= self.max_depth:
            raise LimitExceeded("nesting too deep")
        data = self.data
        d = PdfDict()
        p = pos + 2
        while True:
            p = skip_ws(data, p)
            if p >= len(data):
                raise MalformedInput("unterminated dictionary")
            if data[p] == 0x3E:
                if data[p + 1:p + 2] != b">":
                    raise MalformedInput(f"bad dictionary end at offset {p}")
                d.span = (pos, p + 2)
                return d, p + 2
            key, p = self.parse(p, depth + 1)
            if not isinstance(key, Name):
                raise MalformedInput(f"dictionary key is not a name at offset {p}")
            val, p = self.parse(p, depth + 1)
            if isinstance(val, Keyword):
                raise MalformedInput(f"unexpected keyword {val!r} in dictionary")
            if key in d:
                # duplicate keys are ambiguous: readers disagree which one wins
                raise MalformedInput(f"duplicate key /{key} in a dictionary")
            d[key] = val

    def _hex(self, pos: int) -> tuple[PdfString, int]:
        data = self.data
        m = _HEX_BODY.match(data, pos + 1)
        assert m is not None  # the pattern also matches the empty string
        end = m.end()
        if end >= len(data) or data[end] != 0x3E:
            raise MalformedInput(f"bad hex string at offset {pos}")
        body = bytes(m.group()).translate(None, WS)
        if len(body) % 2:
            body += b"0"
        s = PdfString(bytes.fromhex(body.decode("ascii")))
        s.span = (pos, end + 1)
        s.is_hex = True
        return s, end + 1

    def _literal(self, pos: int) -> tuple[PdfString, int]:
        data = self.data
        out = bytearray()
        depth = 1
        p = pos + 1
        n = len(data)
        while p < n:
            c = data[p]
            if c == 0x5C:  # backslash
                p += 1
                if p >= n:
                    break
                e = data[p]
                if e in b"01234567":
                    j = p
                    while j < n and j < p + 3 and data[j] in b"01234567":
                        j += 1
                    out.append(int(data[p:j], 8) & 0xFF)
                    p = j
                    continue
                if e == 0x0D:  # line continuation
                    p += 2 if data[p + 1:p + 2] == b"\n" else 1
                    continue
                if e == 0x0A:
                    p += 1
                    continue
                out.append({0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12}.get(e, e))
                p += 1
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    s = PdfString(bytes(out))
                    s.span = (pos, p + 1)
                    return s, p + 1
            out.append(c)
            p += 1
        raise MalformedInput(f"unterminated string at offset {pos}")


def _is_int(v) -> bool:
    return type(v) is int and v >= 0


def parse_indirect(parser: Parser, pos: int, expect_num: int | None = None):
    """Parse ``n g obj … endobj`` at ``pos`` → ``(num, gen, value, end)``.

    Streams are returned as :class:`Stream`; their length comes from ``/Length``
    (an integer, or an indirect integer resolved by ``length_of``) and must be followed by
    ``endstream``.
    """
    data = parser.data
    p = pos
    m = _OBJ_HEADER.match(data, p)
    if not m:
        raise MalformedInput(f"no object header at offset {pos}")
    num, gen = int(m.group(1)), int(m.group(2))
    if expect_num is not None and num != expect_num:
        raise MalformedInput(f"xref points object {expect_num} to object {num} at offset {pos}")
    val, p = parser.parse(m.end())
    if isinstance(val, Keyword):
        raise MalformedInput(f"object {num} has no value")
    q = skip_ws(data, p)
    if isinstance(val, PdfDict) and data.startswith(b"stream", q):
        return num, gen, val, q  # caller finishes the stream (needs /Length)
    if not data.startswith(b"endobj", q):
        raise MalformedInput(f"object {num} not closed by endobj")
    return num, gen, val, q + 6


def finish_stream(data, d: PdfDict, q: int, length: object, num: int) -> tuple[Stream, int]:
    """``q`` points at ``stream``; returns the stream and the offset after ``endobj``."""
    p = q + 6
    if data[p:p + 2] == b"\r\n":
        p += 2
    elif data[p:p + 1] == b"\n":
        p += 1
    else:
        raise MalformedInput(f"stream keyword of object {num} not followed by EOL")
    if not isinstance(length, int) or isinstance(length, bool) or length < 0 or p + length > len(data):
        raise MalformedInput(f"bad /Length of stream object {num}")
    end = p + length
    r = end  # white space before endstream (comments are not tolerated here)
    while r < len(data) and data[r] in _WS_SET:
        r += 1
    if not data.startswith(b"endstream", r):
        raise MalformedInput(f"stream object {num}: /Length does not end at endstream")
    r = skip_ws(data, r + 9)
    if not data.startswith(b"endobj", r):
        raise MalformedInput(f"object {num} not closed by endobj")
    return Stream(d, p, end, data), r + 6


OBJ_HEADER = _OBJ_HEADER
