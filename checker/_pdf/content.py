"""A small, tolerant tokenizer for content streams and CMaps (ISO 32000-1 §7.8.2, §8.9.7).

:func:`parse_ops` turns a decoded content stream into ``[(operator, operands), …]``.  Operands are
``float`` (numbers), ``bytes`` (literal and hex strings), :class:`Name`, ``list`` (arrays) and
``dict`` (``<< >>``); ``true``/``false``/``null`` become ``True``/``False``/``None``.  Like a
viewer, it never rejects syntax: a stray delimiter is skipped, an unterminated string or array ends
at the end of the data, and an operator met inside an unfinished array drops that array.  Inline
images (``BI … ID … EI``) are skipped without looking at their data.  Bounds: ``max_tokens``
tokens per stream, optionally a :class:`TokenBudget` shared by all streams of a file, and
``max_depth`` nesting (all :class:`~checker.errors.LimitExceeded`).
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import LimitExceeded
from .objects import Name

_WS = b" \t\r\n\f\x00"
# white space and comments, then one token (group numbers are the token kinds below)
_TOKEN = re.compile(
    rb"(?:[ \t\r\n\f\x00]+|%[^\r\n]*)*"
    rb"(?:([+-]?(?:\d+\.?\d*|\.\d+))(?=[ \t\r\n\f\x00()<>\[\]{}/%]|\Z)"  # 1 number
    rb"|/([^ \t\r\n\f\x00()<>\[\]{}/%]*)"  # 2 name
    rb"|(<<|\[|\{)"  # 3 open
    rb"|<([0-9A-Fa-f \t\r\n\f\x00]*)>"  # 4 hex string
    rb"|(>>|\]|\})"  # 5 close
    rb"|\(([^()\\]*)\)"  # 6 literal string without escapes or parentheses
    rb"|(\()"  # 7 any other literal string (scanned by literal())
    rb"|([^ \t\r\n\f\x00()<>\[\]{}/%]+)"  # 8 operator / true / false / null
    rb"|([\s\S])"  # 9 a stray byte
    rb"|\Z)"
)
_NUM, _NAME, _OPEN, _HEX, _CLOSE, _LIT, _LITX, _WORD, _BAD = range(1, 10)
# A run of operators that only draw, each with numbers only for operands (§8.5.2-8.5.4 path
# construction, painting and clipping, §8.4.4 line style, §8.6.8 colour): "x y w h re" * 300
# is how a QR code drawn as vector paths looks.  Read as a whole when ``drawing=False``.
_DRAW_RUN = re.compile(
    rb"(?:(?:[+-]?(?:\d+\.?\d*|\.\d+)[ \t\r\n\f\x00]+)*"
    rb"(?:re|m|l|c|v|y|h|S|s|f\*?|F|B\*?|b\*?|n|W\*?|w|J|j|M|i|g|G|rg|RG|k|K|sc|SC)"
    rb"(?=[ \t\r\n\f\x00]|\Z)[ \t\r\n\f\x00]*)+")
_NAME_ESC = re.compile(rb"#([0-9A-Fa-f]{2})")
_LIT_SPECIAL = re.compile(rb"[()\\]")
_EI = re.compile(rb"[ \t\r\n\f\x00]EI(?=[ \t\r\n\f\x00]|\Z)")
_CONST = {b"true": True, b"false": False, b"null": None}
_ESCAPES = {0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12}
# inline image abbreviations (§8.9.7, Table 93/94) needed to size unfiltered image data
_COMPONENTS = {"DeviceGray": 1, "G": 1, "CalGray": 1, "DeviceRGB": 3, "RGB": 3, "CalRGB": 3,
               "DeviceCMYK": 4, "CMYK": 4, "Indexed": 1, "I": 1}


def literal(data: bytes, pos: int, max_specials: int = 1 << 62) -> tuple[bytes, int, int]:
    """The literal string whose ``(`` is at ``pos`` → ``(value, end, specials)``; unterminated: to
    the end.  ``specials`` (escapes and parentheses, each a step of Python) is bounded."""
    out = bytearray()
    depth = 1
    p = pos + 1
    n = len(data)
    used = 0
    search = _LIT_SPECIAL.search
    while True:
        m = search(data, p)
        if m is None:
            out += data[p:]
            return bytes(out), n, used
        k = m.start()
        out += data[p:k]
        used += 1
        if used > max_specials:
            raise LimitExceeded("page content: a string with too many escapes or parentheses")
        c = data[k]
        if c == 0x5C:  # backslash
            p = k + 1
            if p >= n:
                return bytes(out), n, used
            e = data[p]
            if 0x30 <= e <= 0x37:
                j = p
                while j < n and j < p + 3 and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[p:j], 8) & 0xFF)
                p = j
            elif e == 0x0D:  # line continuation
                p += 2 if data[p + 1:p + 2] == b"\n" else 1
            elif e == 0x0A:
                p += 1
            else:
                out.append(_ESCAPES.get(e, e))
                p += 1
            continue
        if c == 0x28:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return bytes(out), k + 1, used
        out.append(c)
        p = k + 1


def _as_dict(items: list) -> dict:
    d = {}
    for i in range(0, len(items) - 1, 2):
        if isinstance(items[i], Name):
            d[items[i]] = items[i + 1]
    return d


def _skip_inline_image(data: bytes, pos: int, d: dict) -> int:
    """``pos`` is just after ``ID``: the offset after the matching ``EI``."""
    start = pos + 1 if pos < len(data) and data[pos] in _WS else pos  # one white-space byte
    length = d.get("L", d.get("Length"))
    if not (type(length) is float and length >= 0):
        length = None
        if not d.get("F", d.get("Filter")):
            w, h = d.get("W", d.get("Width")), d.get("H", d.get("Height"))
            bpc: Any
            comps: int | None
            if d.get("IM", d.get("ImageMask")) is True:
                bpc, comps = 1, 1
            else:
                bpc = d.get("BPC", d.get("BitsPerComponent"))
                cs = d.get("CS", d.get("ColorSpace"))
                comps = _COMPONENTS.get(cs) if isinstance(cs, str) else (1 if isinstance(cs, list) else None)
            if type(w) is float and type(h) is float and type(bpc) is float and comps and all(
                    0 < v <= 1 << 20 for v in (w, h, bpc)):
                length = h * ((int(w) * comps * int(bpc) + 7) // 8)
    if length is not None:
        end = start + int(length)
        q = end
        while q < len(data) and data[q] in _WS:
            q += 1
        if data.startswith(b"EI", q) and (q + 2 >= len(data) or data[q + 2] in _WS):
            return q + 2
    m = _EI.search(data, max(start - 1, 0))
    return m.end() if m else len(data)


class TokenBudget:
    """Tokens left for all the streams of one file (what a parsed stream costs stays in memory)."""

    def __init__(self, tokens: int) -> None:
        self.left = tokens


def parse_ops(data: bytes, max_tokens: int, max_depth: int = 64,
              budget: TokenBudget | None = None, drawing: bool = True) -> list[tuple[str, list]]:
    """``[(operator, operands), …]`` of a content stream (or a CMap, which shares the syntax).

    ``drawing=False`` leaves out runs of operators that only draw with numeric operands (paths,
    painting, clipping, line style, colour; not ``cm``, ``q``/``Q`` or any text operator): a
    reader of text skips them at the speed of one regular expression.  They count as the same
    number of tokens either way."""
    limit = max_tokens if budget is None else max(min(max_tokens, budget.left), 0)
    ops, used = _parse(data, limit, max_depth, drawing)
    if budget is not None:
        budget.left -= used
    return ops


def _parse(data: bytes, max_tokens: int, max_depth: int, drawing: bool = True) -> tuple[list[tuple[str, list]], int]:
    ops: list[tuple[str, list]] = []
    operands: list = []
    stack: list[list] = [operands]  # open arrays / dicts; stack[-1] receives values
    kinds: list[bytes] = []  # b"[" / b"<<" / b"{" of each open container
    top = operands
    tokens = 0
    pos = 0
    n = len(data)
    finditer = _TOKEN.finditer
    draw_run = None if drawing else _DRAW_RUN.match
    while pos < n:
        for m in finditer(data, pos):
            kind = m.lastindex
            if kind is None:  # trailing white space
                continue
            tokens += 1
            if tokens > max_tokens:
                raise LimitExceeded(f"page content: more than {max_tokens} tokens")
            if kind == _NUM:
                if draw_run is not None and not operands and len(stack) == 1:
                    run = draw_run(data, m.start(1))
                    if run is not None:
                        tokens += len(run.group().replace(b"\x00", b" ").split()) - 1
                        if tokens > max_tokens:
                            raise LimitExceeded(f"page content: more than {max_tokens} tokens")
                        pos = run.end()
                        break
                top.append(float(m.group(1)))
            elif kind == _WORD:
                w = m.group(8)
                if w in _CONST:
                    top.append(_CONST[w])
                    continue
                if len(stack) > 1:  # an operator inside an unfinished array: drop the array
                    del stack[1:], kinds[:]
                    top = operands
                if w == b"BI":
                    pos = _inline_image(data, m.end(), max_tokens - tokens)
                    operands.clear()
                    break
                ops.append((w.decode("latin-1"), operands))
                operands = top = []
                stack[0] = operands
            elif kind == _NAME:
                raw = m.group(2)
                if b"#" in raw:
                    raw = _NAME_ESC.sub(lambda mm: bytes([int(mm.group(1), 16)]), raw)
                top.append(Name(raw.decode("latin-1")))
            elif kind == _HEX:
                body = m.group(4).translate(None, _WS)
                if len(body) % 2:
                    body += b"0"
                top.append(bytes.fromhex(body.decode("ascii")))
            elif kind == _LIT:
                top.append(m.group(6))
            elif kind == _OPEN:
                if len(stack) > max_depth:
                    raise LimitExceeded("page content: nesting too deep")
                new: list = []
                stack.append(new)
                kinds.append(m.group(3))
                top = new
            elif kind == _CLOSE:
                if len(stack) > 1:
                    done = stack.pop()
                    opened = kinds.pop()
                    top = stack[-1]
                    top.append(_as_dict(done) if opened == b"<<" else done)
            elif kind == _LITX:
                s, pos, used = literal(data, m.start(7), max_tokens - tokens)
                tokens += used
                top.append(s)
                break
            # _BAD: a stray byte, skipped
        else:
            pos = n
    return ops, tokens


def _inline_image(data: bytes, pos: int, budget: int) -> int:
    """After ``BI``: read the image dictionary up to ``ID``, skip the data; the offset after ``EI``."""
    items: list = []
    depth = 0  # inside an array value (/D [...], /CS [/Indexed ...]): only its presence matters
    while pos < len(data):
        for m in _TOKEN.finditer(data, pos):
            kind = m.lastindex
            if kind is None:
                continue
            budget -= 1
            if budget < 0:
                raise LimitExceeded("page content: too many tokens in an inline image dictionary")
            if kind == _LITX:
                _, pos, used = literal(data, m.start(7), max(budget, 0))
                budget -= used
                break
            if kind == _OPEN:
                if depth == 0:
                    items.append([])
                depth += 1
            elif kind == _CLOSE:
                depth = max(depth - 1, 0)
            elif depth:
                continue
            elif kind == _WORD:
                w = m.group(8)
                if w == b"ID":
                    return _skip_inline_image(data, m.end(), _as_dict(items))
                if w == b"EI":
                    return m.end()
                items.append(_CONST.get(w))
            elif kind == _NUM:
                items.append(float(m.group(1)))
            elif kind == _NAME:
                items.append(Name(m.group(2).decode("latin-1")))
            else:
                items.append(m.group(kind))
        else:
            break
    return len(data)


__all__ = ["literal", "parse_ops"]
