"""QR codes drawn as vector paths in OFD pages, rasterised for the QR decoders.

Some OFD producers draw the verification QR code not as an image but as filled
``PathObject`` rectangles (one per dark module, or one path with a rectangle subpath per
module).  The QR decoders (zxing in the browser and the CLI) read images, so each cluster of
small filled axis-aligned squares that looks like a 2-D code is drawn into a grey-scale PNG
(dark modules on white, with a quiet zone) and handed over with the page's images.

Only rectangles are read (``M``/``L``/``C`` subpaths with two x and two y values); curves,
strokes and clips are ignored: a code drawn otherwise is not found, which is no worse than
before.  Sizes are bounded (rectangles per page, pixels per image).
"""
from __future__ import annotations

import struct
import zlib

from .xmlsafe import Node

_MAX_RECTS = 20_000  # filled rectangles considered per page
_MAX_SIDE_MM = 6.0  # a module is smaller than this
_MIN_MODULES = 40  # a QR code (21 x 21 at least) has more dark modules than this
_PX_PER_MODULE = 4
_MAX_SIDE_PX = 1600

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in page millimetres


def collect(node: Node, rects: list[Rect], ctx) -> None:
    """Add the small filled rectangles drawn below ``node`` (page or template content)."""
    stack = [node]
    n = 0
    while stack and len(rects) < _MAX_RECTS:
        cur = stack.pop()
        n += 1
        if n % 4096 == 0:
            ctx.check_time()
        if cur.tag == "PathObject":
            if (cur.get("Fill") or "").strip().lower() == "true":
                _path_rects(cur, rects)
            continue
        if cur.tag in ("TextObject", "ImageObject"):
            continue
        stack.extend(reversed(cur.children))


def _path_rects(node: Node, out: list[Rect]) -> None:
    box = _floats(node.get("Boundary"))
    if len(box) < 2:
        return
    ctm = _floats(node.get("CTM"))
    if len(ctm) != 6:
        ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    a, b, c, d, e, f = ctm
    if abs(b) > 1e-9 or abs(c) > 1e-9:
        return  # rotated or skewed: not read
    data = node.findtext("AbbreviatedData") or ""
    for pts in _subpaths(data):
        xs = {round(p[0], 4) for p in pts}
        ys = {round(p[1], 4) for p in pts}
        if len(xs) != 2 or len(ys) != 2:
            continue
        x0, x1 = sorted(a * x + e for x in xs)
        y0, y1 = sorted(d * y + f for y in ys)
        if 0 < x1 - x0 <= _MAX_SIDE_MM and 0 < y1 - y0 <= _MAX_SIDE_MM:
            out.append((box[0] + x0, box[1] + y0, box[0] + x1, box[1] + y1))
            if len(out) >= _MAX_RECTS:
                return


def _subpaths(data: str) -> list[list[tuple[float, float]]]:
    """Point lists of the straight-line subpaths of an AbbreviatedData string."""
    toks = data.split()
    out: list[list[tuple[float, float]]] = []
    cur: list[tuple[float, float]] = []
    i = 0
    try:
        while i < len(toks):
            t = toks[i]
            if t in ("M", "S"):
                if cur:
                    out.append(cur)
                cur = [(float(toks[i + 1]), float(toks[i + 2]))]
                i += 3
            elif t == "L":
                cur.append((float(toks[i + 1]), float(toks[i + 2])))
                i += 3
            elif t == "C":
                if cur:
                    out.append(cur)
                cur = []
                i += 1
            else:  # curves and arcs: this subpath is no rectangle
                cur = []
                i += 1
                while i < len(toks) and toks[i] not in ("M", "S", "L", "C"):
                    i += 1
    except (IndexError, ValueError):
        return out
    if cur:
        out.append(cur)
    return [p for p in out if len(p) >= 4]


def codes(rects: list[Rect]) -> list[bytes]:
    """PNG images of the clusters of rectangles that look like 2-D codes."""
    out = []
    for cluster in _clusters(rects):
        png = _render(cluster)
        if png is not None:
            out.append(png)
    return out


def _clusters(rects: list[Rect]) -> list[list[Rect]]:
    """Groups of rectangles closer to each other than about one module (union-find on a grid)."""
    if len(rects) < _MIN_MODULES:
        return []
    sizes = sorted(min(r[2] - r[0], r[3] - r[1]) for r in rects)
    module = sizes[len(sizes) // 2]
    gap = module * 1.5
    cell = max(gap, 1e-3)
    parent = list(range(len(rects)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x0, y0, x1, y1) in enumerate(rects):
        for gx in range(int(x0 // cell) - 1, int(x1 // cell) + 2):
            for gy in range(int(y0 // cell) - 1, int(y1 // cell) + 2):
                for j in grid.get((gx, gy), ()):
                    a = rects[j]
                    if x0 - gap <= a[2] and a[0] <= x1 + gap and y0 - gap <= a[3] and a[1] <= y1 + gap:
                        parent[find(i)] = find(j)
        grid.setdefault((int(x0 // cell), int(y0 // cell)), []).append(i)
    groups: dict[int, list[Rect]] = {}
    for i, r in enumerate(rects):
        groups.setdefault(find(i), []).append(r)
    out = []
    for g in groups.values():
        if len(g) < _MIN_MODULES:
            continue
        w = max(r[2] for r in g) - min(r[0] for r in g)
        h = max(r[3] for r in g) - min(r[1] for r in g)
        if h > 0 and 0.75 <= w / h <= 1.33 and min(w, h) >= 15 * module:
            out.append(g)
    return out


def _render(g: list[Rect]) -> bytes | None:
    sizes = sorted(min(r[2] - r[0], r[3] - r[1]) for r in g)
    module = sizes[len(sizes) // 2]
    if module <= 0:
        return None
    x_min, y_min = min(r[0] for r in g), min(r[1] for r in g)
    x_max, y_max = max(r[2] for r in g), max(r[3] for r in g)
    scale = _PX_PER_MODULE / module
    quiet = 4 * _PX_PER_MODULE
    w = int((x_max - x_min) * scale + 0.5) + 2 * quiet
    h = int((y_max - y_min) * scale + 0.5) + 2 * quiet
    if max(w, h) > _MAX_SIDE_PX:
        return None
    rows = [bytearray(b"\xff" * w) for _ in range(h)]
    for x0, y0, x1, y1 in g:
        px0 = quiet + round((x0 - x_min) * scale)
        px1 = quiet + round((x1 - x_min) * scale)
        py0 = quiet + round((y0 - y_min) * scale)  # OFD y grows downwards, as in images
        py1 = quiet + round((y1 - y_min) * scale)
        lo, hi = max(px0, 0), min(px1, w)
        if hi <= lo:
            continue
        for y in range(max(py0, 0), min(py1, h)):
            rows[y][lo:hi] = b"\x00" * (hi - lo)
    return _png_grey(w, h, rows)


def _png_grey(w: int, h: int, rows: list[bytearray]) -> bytes:
    def chunk(t: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + bytes(r) for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _floats(s: str | None) -> list[float]:
    try:
        return [float(x) for x in (s or "").replace(",", " ").split()]
    except ValueError:
        return []


def page_codes(model, ctx) -> list[tuple[str, bytes]]:
    """``[(content file, PNG)]`` for the vector-drawn codes of every page and template."""
    out: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for doc in model.docs:
        for page in doc.pages:
            ctx.check_time()
            files = [doc.templates.get(t) for t in page.template_ids or []] + [page.path]
            for path in files:
                if not path or path in seen:
                    continue
                seen.add(path)
                rects: list[Rect] = []
                collect(model.xml(path), rects, ctx)
                out.extend((path, png) for png in codes(rects))
    return out
