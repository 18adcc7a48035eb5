"""Decoding of the structural streams we read ourselves (xref and object streams).

Only ``/FlateDecode`` (with PNG/TIFF predictors) and unfiltered streams are accepted
for structure; anything else in an xref/object stream is malformed.  Output size is
bounded per stream and per file (``Limits.max_stream_decoded_bytes`` /
``max_total_decoded_bytes``), so a flate bomb stops early instead of eating memory.
"""
from __future__ import annotations

import zlib

from ..errors import LimitExceeded, MalformedInput
from .objects import Name, PdfDict, Stream


class DecodeBudget:
    def __init__(self, per_stream: int, total: int) -> None:
        self.per_stream = per_stream
        self.left = total

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise LimitExceeded("decoded stream bytes")


def _as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, list) else [v]


def decode_stream(stream: Stream, budget: DecodeBudget, resolve=lambda v: v) -> bytes:
    filters = [resolve(f) for f in _as_list(resolve(stream.dict.get("Filter")))]
    parms = [resolve(p) for p in _as_list(resolve(stream.dict.get("DecodeParms")))]
    data = stream.raw()
    for i, f in enumerate(filters):
        if not isinstance(f, Name):
            raise MalformedInput("stream filter is not a name")
        p = parms[i] if i < len(parms) else None
        if f in ("FlateDecode", "Fl"):
            data = _inflate(data, budget)
            if isinstance(p, PdfDict):
                data = _predict(data, p, budget)
        else:
            raise MalformedInput(f"unsupported filter /{f} in a structural stream")
    budget.take(len(data))
    return data


def _inflate(data: bytes, budget: DecodeBudget) -> bytes:
    limit = min(budget.per_stream, max(budget.left, 0)) + 1
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, limit)
    except zlib.error as exc:
        raise MalformedInput(f"corrupt compressed stream ({exc})") from None
    if len(out) >= limit:
        raise LimitExceeded("decoded stream too large")
    return out


def _predict(data: bytes, p: PdfDict, budget: DecodeBudget) -> bytes:
    pred = p.get("Predictor", 1)
    if pred is None:
        return data
    if not isinstance(pred, int) or isinstance(pred, bool):
        raise MalformedInput("bad predictor")
    if pred == 1:
        return data
    cols = p.get("Columns", 1)
    colors = p.get("Colors", 1)
    bpc = p.get("BitsPerComponent", 8)
    if not all(isinstance(x, int) and 0 < x <= 1 << 16 for x in (cols, colors, bpc)):
        raise MalformedInput("bad predictor parameters")
    bpp = max(1, colors * bpc // 8)
    row = (cols * colors * bpc + 7) // 8
    if pred == 2:
        if bpc != 8:
            raise MalformedInput("unsupported TIFF predictor")
        out = bytearray(data)
        for start in range(0, len(out), row):
            for i in range(start + bpp, min(start + row, len(out))):
                out[i] = (out[i] + out[i - bpp]) & 0xFF
        return bytes(out)
    if pred < 10:
        raise MalformedInput(f"unsupported predictor {pred}")
    stride = row + 1
    if len(data) % stride:
        raise MalformedInput("predicted data length is not a multiple of the row size")
    prev = bytearray(row)
    out = bytearray()
    for start in range(0, len(data), stride):
        ft = data[start]
        cur = bytearray(data[start + 1:start + stride])
        if ft == 0:
            pass
        elif ft == 1:
            for i in range(bpp, row):
                cur[i] = (cur[i] + cur[i - bpp]) & 0xFF
        elif ft == 2:
            for i in range(row):
                cur[i] = (cur[i] + prev[i]) & 0xFF
        elif ft == 3:
            for i in range(row):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ft == 4:
            for i in range(row):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pr) & 0xFF
        else:
            raise MalformedInput(f"bad PNG predictor type {ft}")
        out += cur
        prev = cur
    return bytes(out)
