"""Visible page text in reading order, read by our own content-stream interpreter (pypdf as a fallback).

:func:`extract_text` walks the page tree of the strict parser (:mod:`.document`), decodes each
page's ``/Contents`` (unfiltered or ``/FlateDecode``), tokenizes it (:mod:`.content`) and runs the
text operators (``BT``/``ET``, ``Tf``, ``Td``/``TD``/``Tm``/``T*``/``TL``, ``Tc``/``Tw``/``Tz``/``Ts``,
``Tj``/``TJ``/``'``/``"``) with the graphics state (``q``/``Q``/``cm``) and Form XObjects (``Do``, with
their ``/Resources`` and ``/Matrix``).  Fonts map codes to Unicode (:mod:`.fonts`).

Every shown string becomes a run with its position in device space.  Runs are grouped by writing
direction; within a direction, runs whose baselines lie within half a font size form a line, lines
are read top to bottom and runs left to right.  A gap wider than half the font's space glyph (kept
within 0.15–0.3 em; 0.25 em for a font without one) becomes a space, whether it comes from a ``TJ``
adjustment or from a move between strings.  The direction holding most of the text comes last,
after any rotated text (watermarks, seals), so rotated text never splits a printed line.  Lines
are joined with ``\\n``, pages with ``\\f``.

What the interpreter does not cover — another stream filter, a Type3 font, a CMap other than
Identity and the Unicode ones, a Type0 font without ``/ToUnicode``, a glyph name outside our table —
raises :class:`~.fonts.Unsupported`, and the whole file is read by pypdf instead (imported only
then).  Bounds (``checker.limits``): first ``max_text_pages`` pages, ``max_content_ops`` tokens per
stream, ``max_form_xobject_calls`` per page, nesting of forms up to ``max_object_depth``, decoded
bytes through the document's :class:`~.streams.DecodeBudget`, ``max_text_chars`` of output, and
``ctx.check_time()`` per page and every few thousand operators.
"""
from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass

from ..errors import CheckerError, LimitExceeded, TimeLimitExceeded
from .content import TokenBudget, parse_ops
from .fonts import Font, FontLoader, Unsupported, default_font
from .objects import Name, PdfDict, Ref, Stream
from .streams import _inflate, _predict

_IDENT = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT_OPS = frozenset(("BT", "ET", "Tf", "Td", "TD", "Tm", "T*", "TL", "Tc", "Tw", "Tz", "Ts",
                       "Tj", "TJ", "'", '"', "q", "Q", "cm", "Do"))
_LINE_EM = 0.5  # baselines closer than this (in em) are one line
_TIME_EVERY = 4096  # operators between ctx.check_time() calls


def extract_text(data: bytes, ctx, pdf=None) -> tuple[str, str | None]:
    """``(text, problem)``: text of every page (pages separated by a form feed).

    ``pdf``: the :class:`~.document.PdfFile` of ``data`` when the caller has one (else parsed here).
    """
    out = _Pages(ctx.limits.max_text_chars)
    try:
        _extract(data, ctx, pdf, out)
        return out.text(), None
    except Unsupported as exc:
        return _pypdf_text(data, ctx, str(exc))
    except (RecursionError, MemoryError) as exc:
        raise LimitExceeded(f"page content ({type(exc).__name__})") from None
    except LimitExceeded:
        raise
    except CheckerError as exc:  # broken objects or streams: keep the pages read so far
        return out.text(), f"{type(exc).__name__}: {exc.detail or exc}"[:200]
    except Exception as exc:  # an input our interpreter trips over: let pypdf try
        return _pypdf_text(data, ctx, f"{type(exc).__name__}: {exc}")


class _Pages:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.total = 0

    def add(self, text: str) -> bool:
        """Add a page; False once the output is full."""
        self.parts.append(text)
        self.total += len(text) + 1
        return self.total <= self.limit

    def text(self) -> str:
        return "\f".join(self.parts)[: self.limit]


def _extract(data: bytes, ctx, pdf, out: _Pages) -> None:
    from .changes import page_tree
    from .document import PdfFile

    lim = ctx.limits
    if pdf is None:
        pdf = PdfFile(data, ctx)
    view = pdf.final
    root = pdf.get(view, view.trailer.get("Root"))
    if not isinstance(root, PdfDict):
        return
    reader = _Reader(pdf, view, ctx)
    for i, (_, page) in enumerate(page_tree(pdf, view, root)):
        if i >= min(lim.max_pages, lim.max_text_pages):
            break
        ctx.check_time()
        if not out.add(reader.page_text(page, lim.max_text_chars - out.total)):
            break


def _mul(a, b):
    """The matrix product a × b of two PDF matrices ``(a b c d e f)``."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _matrix(v):
    if isinstance(v, list) and len(v) == 6 and all(type(x) in (int, float) for x in v):
        return tuple(float(x) for x in v)
    return None


@dataclass(slots=True)
class _TextState:
    """The graphics and text state the text operators read and change (PDF 32000-1, 9.3)."""

    ctm: tuple  # current transformation matrix
    font: Font
    fs: float  # font size
    tc: float  # character spacing
    tw: float  # word spacing
    th: float  # horizontal scaling (1.0 = 100 %)
    tl: float  # leading
    rise: float
    tm: tuple = _IDENT  # text matrix
    tlm: tuple = _IDENT  # text line matrix

    @classmethod
    def starting(cls, gs: tuple) -> _TextState:
        st = cls(*gs)
        if st.font is None:
            st.font = default_font()
        return st

    def graphics(self) -> tuple:
        """What q saves and a form XObject inherits: (ctm, font, fs, tc, tw, th, tl, rise)."""
        return (self.ctm, self.font, self.fs, self.tc, self.tw, self.th, self.tl, self.rise)

    def restore(self, gs: tuple) -> None:
        self.ctm, self.font, self.fs, self.tc, self.tw, self.th, self.tl, self.rise = gs

    def next_line(self) -> None:
        """T*, ' and ": the start of the next line (leading ``tl`` below)."""
        tlm, tl = self.tlm, self.tl
        self.tm = self.tlm = (tlm[0], tlm[1], tlm[2], tlm[3], tlm[4] - tl * tlm[2], tlm[5] - tl * tlm[3])

    def move_line(self, op: str, a: list) -> None:
        """Td / TD: move to the start of the next line by (tx, ty); TD also sets the leading."""
        if len(a) == 2 and _nums(a):
            tx, ty = a
            if op == "TD":
                self.tl = -ty
            tlm = self.tlm
            self.tm = self.tlm = (tlm[0], tlm[1], tlm[2], tlm[3],
                                  tx * tlm[0] + ty * tlm[2] + tlm[4], tx * tlm[1] + ty * tlm[3] + tlm[5])

    def set_parameter(self, op: str, v: float) -> None:
        """TL, Tc, Tw, Tz, Ts."""
        if op == "TL":
            self.tl = v
        elif op == "Tc":
            self.tc = v
        elif op == "Tw":
            self.tw = v
        elif op == "Tz":
            self.th = v / 100
        elif op == "Ts":
            self.rise = v


class _Reader:
    def __init__(self, pdf, view, ctx) -> None:
        lim = ctx.limits
        self.pdf = pdf
        self.view = view
        self.ctx = ctx
        self.max_tokens = lim.max_content_ops
        self.max_calls = lim.max_form_xobject_calls
        self.max_depth = lim.max_object_depth
        self.tokens = TokenBudget(lim.file_content_ops_multiple * lim.max_content_ops)
        self.fonts = FontLoader(self.resolve, self.stream_bytes, lim.max_content_ops, lim.max_content_ops,
                                self.tokens)
        self.room = 0  # characters the current page may still add
        self._forms: dict[int, tuple[Stream, list]] = {}

    def resolve(self, v):
        return self.pdf.get(self.view, v) if isinstance(v, Ref) else v

    def stream_bytes(self, stream: Stream) -> bytes:
        """Decoded data of a content stream, CMap or font program (Flate or none; else Unsupported)."""
        r = self.resolve
        d = stream.dict
        if d.get("F") is not None:
            raise Unsupported("a stream in an external file")
        filters = r(d.get("Filter"))
        filters = filters if isinstance(filters, list) else ([] if filters is None else [filters])
        parms = r(d.get("DecodeParms"))
        parms = parms if isinstance(parms, list) else [parms]
        data = stream.raw()
        budget = self.pdf.budget
        for k, f in enumerate(filters):
            f = r(f)
            if f not in ("FlateDecode", "Fl"):
                raise Unsupported(f"/{f} filter" if isinstance(f, Name) else "a filter that is not a name")
            data = _inflate(data, budget)
            p = r(parms[k]) if k < len(parms) else None
            if isinstance(p, PdfDict) and p.get("Predictor", 1) not in (1, None):
                data = _predict(data, p, budget)
        budget.take(len(data))
        return data

    def _inherited(self, page: PdfDict, key: str):
        node = page
        seen: set[int] = set()
        for _ in range(self.max_depth):
            v = node.get(key)
            if v is not None:
                return self.resolve(v)
            parent = node.get("Parent")
            if not isinstance(parent, Ref) or parent.num in seen:
                return None
            seen.add(parent.num)
            node = self.resolve(parent)
            if not isinstance(node, PdfDict):
                return None
        return None

    def page_text(self, page: PdfDict, room: int) -> str:
        contents = self.resolve(page.get("Contents"))
        items = contents if isinstance(contents, list) else [contents]
        chunks = []
        for it in items:
            s = self.resolve(it)
            if isinstance(s, Stream):
                chunks.append(self.stream_bytes(s))
        if not chunks:
            return ""
        ops = parse_ops(b"\n".join(chunks), self.max_tokens, self.max_depth, self.tokens, drawing=False)
        resources = self._inherited(page, "Resources")
        runs: list[list] = []
        self._calls = 0
        self._active: set[int] = set()
        self.room = room
        self._run(ops, resources if isinstance(resources, PdfDict) else PdfDict(),
                  (_IDENT, None, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0), runs, 0)
        return layout(runs)

    def _font(self, resources: PdfDict, name):
        fonts = self.resolve(resources.get("Font"))
        fd = self.resolve(fonts.get(name)) if isinstance(fonts, PdfDict) and isinstance(name, Name) else None
        return self.fonts.load(fd) if isinstance(fd, PdfDict) else default_font()

    def _form(self, resources: PdfDict, name):
        """(stream, ops) of the Form XObject ``name`` (None: not a form)."""
        xobjs = self.resolve(resources.get("XObject"))
        if not (isinstance(xobjs, PdfDict) and isinstance(name, Name)):
            return None
        ref = xobjs.get(name)
        s = self.resolve(ref)
        if not isinstance(s, Stream) or self.resolve(s.dict.get("Subtype")) != "Form":
            return None
        hit = self._forms.get(id(s))
        if hit is None or hit[0] is not s:
            hit = (s, parse_ops(self.stream_bytes(s), self.max_tokens, self.max_depth, self.tokens, drawing=False))
            self._forms[id(s)] = hit
        return hit

    def _run(self, ops, resources: PdfDict, gs: tuple, runs: list, depth: int) -> None:
        """Interpret the text operators of one content stream (a page's or a form's)."""
        st = _TextState.starting(gs)
        stack: list[tuple] = []
        ctx = self.ctx
        for n_ops, (op, a) in enumerate(ops, 1):
            if n_ops % _TIME_EVERY == 0:
                ctx.check_time()
            if op not in _TEXT_OPS:
                continue
            if op == "Tj" or op == "TJ" or op == "'" or op == '"':
                self._show(st, op, a, runs)
            elif op == "Td" or op == "TD":
                st.move_line(op, a)
            elif op == "Tf":
                if len(a) == 2 and type(a[1]) is float:
                    st.font = self._font(resources, a[0])
                    st.fs = a[1]
            elif op == "Tm":
                m6 = _matrix(a)
                if m6 is not None:
                    st.tm = st.tlm = m6
            elif op == "BT":
                st.tm = st.tlm = _IDENT
            elif op == "T*":
                st.next_line()
            elif op == "q":
                stack.append(st.graphics())
            elif op == "Q":
                if stack:
                    st.restore(stack.pop())
            elif op == "cm":
                m6 = _matrix(a)
                if m6 is not None:
                    st.ctm = _mul(m6, st.ctm)
            elif op == "Do":
                if a:
                    self._do(resources, a[0], st.graphics(), runs, depth)
            elif len(a) == 1 and type(a[0]) is float:
                st.set_parameter(op, a[0])

    def _show(self, st: _TextState, op: str, a: list, runs: list) -> None:
        """Tj, TJ, ' and ": decode the strings, advance the text matrix, record runs of text."""
        na = len(a)
        if op == "'" or op == '"':
            if op == '"' and na == 3 and _nums(a[:2]):
                st.tw, st.tc = float(a[0]), float(a[1])
            st.next_line()
        items = a[-1] if op == "TJ" and na and isinstance(a[-1], list) else (a[-1:] if na else ())
        if self.room <= 0:  # the page's text is full: nothing more to record
            return
        font, fs, tc, tw, th, rise, ctm = st.font, st.fs, st.tc, st.tw, st.th, st.rise, st.ctm
        tm = st.tm
        run = None  # the run this operator is extending
        for item in items:
            if isinstance(item, bytes):
                if len(item) > 4 * self.room + 8:  # more codes than the output can take
                    item = item[: 4 * self.room + 8]
                text, wsum, n, nsp = font.decode(item)
                self.room -= len(text)
                m = _mul(tm, ctm)
                if font.vertical:
                    adv = font.v_advance / 1000 * fs * n + tc * n + tw * nsp
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[2], tm[5] + adv * tm[3])
                    dx, dy = -m[2], -m[3]
                    ex, ey = -adv * dx, -adv * dy
                else:
                    adv = (wsum / 1000 * fs + tc * n + tw * nsp) * th
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adv * tm[0], tm[5] + adv * tm[1])
                    dx, dy = m[0], m[1]
                    ex, ey = adv * dx, adv * dy
                if run is not None:
                    run[2] += ex
                    run[3] += ey
                    run[7] += text
                elif text:
                    sx, sy = rise * m[2] + m[4], rise * m[3] + m[5]
                    size = abs(fs) * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
                    run = [sx, sy, sx + ex, sy + ey, dx, dy, size, text, font.space_em]
                    runs.append(run)
            elif type(item) is float:
                adj = -item / 1000 * fs
                if font.vertical:
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adj * tm[2], tm[5] + adj * tm[3])
                else:
                    adj *= th
                    tm = (tm[0], tm[1], tm[2], tm[3], tm[4] + adj * tm[0], tm[5] + adj * tm[1])
                if run is not None:
                    if -item / 1000 > font.space_em:  # a wide adjustment: a new run (a space)
                        run = None
                    else:
                        m = _mul(tm, ctm)
                        run[2], run[3] = rise * m[2] + m[4], rise * m[3] + m[5]
        st.tm = tm

    def _do(self, resources: PdfDict, name, gs: tuple, runs: list, depth: int) -> None:
        form = self._form(resources, name)
        if form is None:
            return
        stream, ops = form
        self._calls += 1
        if self._calls > self.max_calls:
            raise LimitExceeded(f"page content: more than {self.max_calls} form XObject calls")
        if depth + 1 > self.max_depth:
            raise LimitExceeded("page content: form XObjects nested too deep")
        if id(stream) in self._active:  # a form that draws itself: viewers stop here too
            return
        self.ctx.check_time()
        m6 = _matrix(self.resolve(stream.dict.get("Matrix"))) or _IDENT
        res = self.resolve(stream.dict.get("Resources"))
        ctm = _mul(m6, gs[0])
        self._active.add(id(stream))
        try:
            self._run(ops, res if isinstance(res, PdfDict) else resources, (ctm, *gs[1:]), runs, depth + 1)
        finally:
            self._active.discard(id(stream))


def _nums(a) -> bool:
    return all(type(x) is float for x in a)


# ---- layout -------------------------------------------------------------------------------------

def layout(runs: list[list]) -> str:
    """Runs ``[sx, sy, ex, ey, dx, dy, size, text, space_em]`` (device space) → lines of text."""
    if not runs:
        return ""
    groups: dict[int, list] = {}
    order: list[int] = []
    for r in runs:
        dx, dy = r[4], r[5]
        norm = math.hypot(dx, dy)
        if not (1e-12 <= norm < math.inf):  # degenerate or non-finite matrix
            key = 0
        else:
            key = round(math.degrees(math.atan2(dy, dx)) / 4) % 90
        g = groups.get(key)
        if g is None:
            groups[key] = g = []
            order.append(key)
        g.append(r)
    if len(order) > 1:
        main = max(order, key=lambda k: sum(len(r[7]) for r in groups[k]))
        order.remove(main)
        order.append(main)
    lines: list[str] = []
    for key in order:
        lines.extend(_group_lines(groups[key]))
    return "\n".join(lines)


def _group_lines(runs: list[list]) -> list[str]:
    # the frame of the group: d along the text, n perpendicular to it (pointing "up")
    dx, dy = runs[0][4], runs[0][5]
    norm = math.hypot(dx, dy)
    dx, dy = (dx / norm, dy / norm) if 1e-12 <= norm < math.inf else (1.0, 0.0)
    items = []
    for r in runs:
        u = r[0] * dx + r[1] * dy
        ue = r[2] * dx + r[3] * dy
        v = r[1] * dx - r[0] * dy
        if ue < u:  # text drawn backwards (a negative scale): read it where it lands
            u, ue = ue, u
        items.append((-v, u, ue, r[6], r[7], r[8] * r[6]))
    items.sort(key=lambda t: (t[0], t[1]))
    lines: list[list] = []  # [sum of -v, count, min size, [(u, ue, size, text)]]
    for nv, u, ue, size, text, space in items:
        if lines:
            cur = lines[-1]
            mean = cur[0] / cur[1]
            if abs(nv - mean) <= _LINE_EM * min(cur[2], size) or (size <= 0 and abs(nv - mean) < 1e-6):
                cur[0] += nv
                cur[1] += 1
                cur[2] = min(cur[2], size) if size > 0 else cur[2]
                cur[3].append((u, ue, space, text))
                continue
        lines.append([nv, 1, size if size > 0 else 0.0, [(u, ue, space, text)]])
    out = []
    for _, _, _, parts in lines:
        parts.sort(key=lambda t: t[0])
        buf: list[str] = []
        prev_end = None
        prev_space = 0.0
        for u, ue, space, text in parts:
            if buf and prev_end is not None:
                gap = u - prev_end
                last = buf[-1][-1:]
                if gap > min(prev_space, space) and not last.isspace() and not text[:1].isspace():
                    buf.append(" ")
            buf.append(text)
            prev_end = ue if prev_end is None else max(prev_end, ue)
            prev_space = space
        out.append("".join(buf))
    return out


# ---- fallback: pypdf --------------------------------------------------------------------------

def _limits_cm(lim):
    """pypdf's own resource limits, lowered to ours when this pypdf supports them."""
    try:
        import pypdf

        apply = getattr(pypdf, "apply_configuration", None)
        if apply is None:
            return contextlib.nullcontext()
        per = lim.max_stream_decoded_bytes
        fields = getattr(pypdf.Configuration, "__dataclass_fields__", {})
        wanted = {
            "maximum_declared_stream_length": per,
            "zlib_maximum_output_length": per,
            "lzw_maximum_output_length": per,
            "run_length_maximum_output_length": per,
            "array_based_stream_maximum_output_length": per,
            "image_maximum_buffer_size": per,
            "page_tree_maximum_entries": lim.max_pages * 4,
            "page_tree_maximum_depth": lim.max_object_depth,
            "form_fields_maximum_depth": lim.max_object_depth,
            "stream_parsing_work_maximum_count": lim.max_content_ops,
            "xform_maximum_invocations_per_extraction": lim.max_form_xobject_calls,
            "jbig2dec_binary": None,  # never run an external program
        }
        return apply(**{k: v for k, v in wanted.items() if k in fields})
    except Exception:
        return contextlib.nullcontext()


def _pypdf_text(data: bytes, ctx, reason: str = "") -> tuple[str, str | None]:
    """The text as pypdf extracts it: for what our interpreter does not cover (``reason``)."""
    import logging
    import warnings

    lim = ctx.limits
    try:
        from pypdf import PdfReader
        from pypdf.errors import LimitReachedError
    except ImportError as exc:  # pragma: no cover - pypdf is a runtime dependency
        return "", f"pypdf missing ({exc}); needed for {reason}"[:200]
    log = logging.getLogger("pypdf")
    old_level = log.level
    log.setLevel(logging.CRITICAL)
    out = _Pages(lim.max_text_chars)
    try:
        with warnings.catch_warnings(), _limits_cm(lim):
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            for i, page in enumerate(reader.pages):
                if i >= min(lim.max_pages, lim.max_text_pages):
                    break
                ctx.check_time()
                if not out.add(page.extract_text() or ""):
                    break
        return out.text(), None
    except (RecursionError, MemoryError) as exc:
        raise LimitExceeded(f"page content ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises many types on hostile input
        if isinstance(exc, TimeLimitExceeded):
            raise
        if isinstance(exc, LimitReachedError):  # pypdf's decompression limits (flate bombs)
            raise LimitExceeded(f"page content: {str(exc)[:120]}") from None
        return out.text(), f"{type(exc).__name__}: {exc}"[:200]
    finally:
        log.setLevel(old_level)


__all__ = ["extract_text", "layout"]
