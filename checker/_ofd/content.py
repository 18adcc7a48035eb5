"""Page content: text in reading order and the images drawn on pages (private).

Text: every ``TextCode`` of the page's templates and of the page itself, split
into runs by its ``DeltaX``/``DeltaY`` glyph positions, placed with the text
object's ``Boundary`` origin and ``CTM``, then grouped into lines
(top-to-bottom, left-to-right).  Good enough for the printed-field checks; not
a renderer.

Images: the ``MultiMedia`` resources referenced by ``ImageObject`` on pages,
templates and annotations (then any other image resource), PNG/JPEG bytes for
QR decoding; other formats (JBIG2, BMP, TIFF …) are reported.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..limits import DEFAULT_LIMITS
from .model import Document, Model
from .xmlsafe import Node


@dataclass(slots=True)
class TextRun:
    """A run of text on an OFD page (TextObject) with its position and size."""

    page: int
    x: float
    y: float
    size: float
    text: str


def _floats(s: str | None) -> list[float]:
    if not s:
        return []
    out = []
    for t in s.replace(",", " ").split():
        try:
            out.append(float(t))
        except ValueError:
            return []
    return out


def _deltas(s: str | None, limit: int) -> list[float]:
    """Expand an OFD delta list (``g n v`` repeats ``v`` n times) to at most ``limit`` values."""
    if not s:
        return []
    toks = s.split()
    out: list[float] = []
    i = 0
    try:
        while i < len(toks) and len(out) < limit:
            if toks[i] == "g" and i + 2 < len(toks):
                n = int(float(toks[i + 1]))
                out.extend([float(toks[i + 2])] * max(0, min(n, limit - len(out))))
                i += 3
            else:
                out.append(float(toks[i]))
                i += 1
    except (ValueError, OverflowError):  # "g inf 1", "g nan 1"
        return out
    return out


def _apply(ctm: list[float] | None, x: float, y: float) -> tuple[float, float]:
    if not ctm or len(ctm) != 6:
        return x, y
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


def _text_object(node: Node, page: int, out: list[TextRun], max_glyphs: int) -> None:
    box = _floats(node.get("Boundary"))
    ox, oy = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
    ctm = _floats(node.get("CTM")) or None
    size = (_floats(node.get("Size")) or [3.0])[0]
    cx = cy = 0.0
    for tc in node.findall("TextCode"):
        text = tc.text
        if not text:
            continue
        x = _floats(tc.get("X"))
        y = _floats(tc.get("Y"))
        cx = x[0] if x else cx
        cy = y[0] if y else cy
        if len(text) > max_glyphs:  # no real label is this long: one run, no per-glyph work
            _emit(out, page, ctm, ox, oy, (cx, cy), size, text)
            continue
        dx = _deltas(tc.get("DeltaX"), len(text))
        dy = _deltas(tc.get("DeltaY"), len(text))
        run_start = 0
        px, py = cx, cy
        start_pos = (px, py)
        for i in range(1, len(text) + 1):
            if i == len(text):
                _emit(out, page, ctm, ox, oy, start_pos, size, text[run_start:i])
                break
            ddx = dx[i - 1] if i - 1 < len(dx) else (dx[-1] if dx else size)
            ddy = dy[i - 1] if i - 1 < len(dy) else 0.0
            px += ddx
            py += ddy
            if ddy != 0 or ddx < 0:  # new line / column inside one TextCode
                _emit(out, page, ctm, ox, oy, start_pos, size, text[run_start:i])
                run_start = i
                start_pos = (px, py)
        cx, cy = px, py


def _emit(out, page, ctm, ox, oy, pos, size, s) -> None:
    if not s.strip():
        return
    x, y = _apply(ctm, pos[0], pos[1])
    out.append(TextRun(page, ox + x, oy + y, size, s))


def walk(node: Node, page: int, runs: list[TextRun], images: list[str], ctx, depth: int = 0) -> None:
    """Collect text runs and ImageObject ResourceIDs below ``node`` (iterative enough for limits)."""
    stack = [node]
    n = 0
    while stack:
        cur = stack.pop()
        n += 1
        if n % 4096 == 0:
            ctx.check_time()
        if cur.tag == "TextObject":
            _text_object(cur, page, runs, ctx.limits.max_text_code_glyphs)
            continue
        if cur.tag == "ImageObject":
            rid = (cur.get("ResourceID") or "").strip()
            if rid:
                images.append(rid)
            continue
        stack.extend(reversed(cur.children))


def page_text(model: Model, ctx) -> tuple[str, list[tuple[str, str]]]:
    """Text of all pages in reading order, and (page label, media id) of drawn images."""
    runs: list[TextRun] = []
    drawn: list[tuple[str, str]] = []
    for doc in model.docs:
        for page in doc.pages:
            ctx.check_time()
            ids: list[str] = []
            for tid in page.template_ids or []:
                tpath = doc.templates.get(tid)
                if tpath:
                    walk(model.xml(tpath), page.index, runs, ids, ctx)
            if page.path:
                walk(model.xml(page.path), page.index, runs, ids, ctx)
            for apath in doc.annotations.get(page.id, []):
                walk(model.xml(apath), page.index, [], ids, ctx)  # annotation text is not printed text
            drawn.extend((f"page {page.index + 1}", i) for i in ids)
    return _reading_order(runs, ctx), drawn


def _reading_order(runs: list[TextRun], ctx) -> str:
    pages: dict[int, list[TextRun]] = {}
    for r in runs:
        pages.setdefault(r.page, []).append(r)
    out_pages = []
    total = 0
    limit = ctx.limits.max_text_chars
    for p in sorted(pages):
        items = sorted(pages[p], key=lambda r: (r.y, r.x))
        lines: list[list[TextRun]] = []
        for r in items:
            tol = max(0.8, 0.45 * r.size)
            if lines and abs(lines[-1][0].y - r.y) <= tol:
                lines[-1].append(r)
            else:
                lines.append([r])
        text_lines = []
        for line in lines:
            line.sort(key=lambda r: r.x)
            parts = []
            prev_end = None
            for r in line:
                if prev_end is not None and r.x - prev_end > r.size * 0.6:
                    parts.append(" ")
                parts.append(r.text)
                prev_end = r.x + len(r.text) * r.size * 0.5  # rough advance; only decides a space
            text_lines.append("".join(parts))
        page_text_s = "\n".join(text_lines)
        total += len(page_text_s)
        if total > limit:
            break
        out_pages.append(page_text_s)
    return "\n\n".join(out_pages)


# -- images ------------------------------------------------------------------
def sniff(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:2] == b"BM":
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:8] == b"\x97JB2\r\n\x1a\n":
        return "JBIG2"
    return ""


def image_list(model: Model, drawn: list[tuple[str, str]], ctx) -> tuple[list[tuple[str, bytes]], list[tuple[str, str]]]:
    """``([(path, bytes)] PNG/JPEG, [(path, format)] undecodable)`` in drawing order, deduplicated."""
    order: list[tuple[Document, str]] = []
    seen_ids = set()
    for _label, mid in drawn:
        for doc in model.docs:
            if mid in doc.media and (id(doc), mid) not in seen_ids:
                seen_ids.add((id(doc), mid))
                order.append((doc, mid))
                break
    for doc in model.docs:  # images that are declared but not (found) drawn: still check them
        for mid in doc.media:
            if (id(doc), mid) not in seen_ids:
                seen_ids.add((id(doc), mid))
                order.append((doc, mid))
    good: list[tuple[str, bytes]] = []
    bad: list[tuple[str, str]] = []
    seen_paths = set()
    for doc, mid in order:
        ctx.check_time()
        m = doc.media[mid]
        if m.path is None or m.path in seen_paths:
            continue
        if m.type and m.type.lower() not in ("image", ""):
            continue
        seen_paths.add(m.path)
        data = model.pkg.read(m.path)
        kind = sniff(data)
        if kind == "BMP":
            png = bmp_to_png(data, ctx.limits.max_bmp_pixels)
            if png is not None:
                good.append((m.path, png))
                continue
        if kind in ("PNG", "JPEG"):
            good.append((m.path, data))
        else:
            bad.append((m.path, kind or m.format or "unknown"))
    return good, bad




def bmp_to_png(data: bytes, max_pixels: int = DEFAULT_LIMITS.max_bmp_pixels) -> bytes | None:
    """Uncompressed Windows BMP (1/4/8/24/32 bpp) to PNG, for the QR decoders.  None if unsupported,
    damaged or larger than ``max_pixels`` (QR images are small)."""
    import struct

    try:
        return _bmp_to_png(data, max_pixels)
    except (ValueError, IndexError, TypeError, struct.error):
        return None


def _bmp_to_png(data: bytes, max_pixels: int) -> bytes | None:
    import struct
    import zlib

    try:
        off = struct.unpack_from("<I", data, 10)[0]
        hsize, w, h, planes, bpp, comp = struct.unpack_from("<IiiHHI", data, 14)
    except struct.error:
        return None
    if hsize < 40 or planes != 1 or bpp not in (1, 4, 8, 24, 32) or comp not in (0, 3) or w <= 0 or h == 0:
        return None
    if comp == 3 and bpp != 32:
        return None
    top_down = h < 0
    h = abs(h)
    if w * h > max_pixels:
        return None
    palette = []
    if bpp <= 8:
        ncol = struct.unpack_from("<I", data, 46)[0] or (1 << bpp)
        pstart = 14 + hsize
        for i in range(min(ncol, 256)):
            b, g, r = data[pstart + 4 * i:pstart + 4 * i + 3]
            palette.append(bytes((r, g, b)))
        if len(palette) < (1 << bpp):
            palette += [b"\0\0\0"] * ((1 << bpp) - len(palette))
    stride = ((w * bpp + 31) // 32) * 4
    if off + stride * h > len(data):
        return None
    rows = []
    for y in range(h):
        src = data[off + (y if top_down else h - 1 - y) * stride:][:stride]
        if bpp == 24:
            px = bytearray(w * 3)
            px[0::3], px[1::3], px[2::3] = src[2:3 * w:3], src[1:3 * w:3], src[0:3 * w:3]
        elif bpp == 32:
            px = bytearray(w * 3)
            px[0::3], px[1::3], px[2::3] = src[2:4 * w:4], src[1:4 * w:4], src[0:4 * w:4]
        else:
            per = 8 // bpp
            mask = (1 << bpp) - 1
            idx = [(src[x // per] >> (8 - bpp * (x % per + 1))) & mask for x in range(w)]
            px = bytearray(b"".join(palette[i] for i in idx))
        rows.append(b"\0" + bytes(px))

    def chunk(t: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))
