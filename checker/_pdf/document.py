"""One PDF file: its bytes, revision views and object resolution (cached by location)."""
from __future__ import annotations

import bisect
import re

from ..errors import EncryptedInput, LimitExceeded, MalformedInput
from .objects import OBJ_HEADER, Keyword, Parser, PdfDict, Ref, Stream, finish_stream, parse_indirect, skip_ws
from .streams import DecodeBudget, decode_stream
from .xref import RevisionView, XrefReader, eof_ends


class PdfFile:
    def __init__(self, data: bytes, ctx) -> None:
        lim = ctx.limits
        self.data = data
        self.ctx = ctx
        self.limits = lim
        head = data.find(b"%PDF-", 0, 1024)
        if head < 0 or not re.match(rb"%PDF-[12]\.\d", data[head:head + 8]):
            raise MalformedInput("no valid %PDF-x.y header")
        if head != 0:
            # bytes before the header shift every offset; readers disagree how to cope
            raise MalformedInput("bytes before the %PDF- header")
        self.parser = Parser(data, max_depth=lim.max_object_depth, max_items=lim.max_pdf_objects * 50,
                             max_number_chars=lim.max_number_chars)
        self.budget = DecodeBudget(lim.max_stream_decoded_bytes, lim.max_total_decoded_bytes)
        self.xref = XrefReader(data, self.parser, self.budget, lim.max_pdf_objects, ctx)
        self.eofs = eof_ends(data, lim.max_pdf_revisions)
        if not self.eofs:
            raise MalformedInput("no %%EOF marker")
        self._views: dict[int, RevisionView] = {}
        self._objs: dict[tuple, object] = {}
        self._spans: dict[tuple, tuple[int, int]] = {}
        self._objstm: dict[tuple, tuple[list[tuple[int, int]], list]] = {}
        # a signed range may end right after %%EOF, after its EOL, or anywhere in a short run of
        # blanks that follows (writers differ); all of these name the same revision
        self.revision_ends: dict[int, int] = {}
        for a, b in self.eofs:
            p = a
            while True:
                self.revision_ends.setdefault(p, b)
                if p >= len(data) or p - a >= 32 or data[p] not in b" \t\r\n\f\x00":
                    break
                p += 1
            self.revision_ends[b] = b
        self.final = self.view(self.eofs[-1][1])
        if "Encrypt" in self.final.trailer:
            raise EncryptedInput("encrypted PDF")
        if not isinstance(self.final.trailer.get("Root"), Ref):
            raise MalformedInput("trailer has no /Root reference")
        for v in self._views.values():
            self._check_size(v)

    def _check_size(self, v: RevisionView) -> None:
        size = v.trailer.get("Size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise MalformedInput("trailer /Size missing or invalid")
        if v.map and max(v.map) >= size:
            raise MalformedInput("an object number is not below the trailer /Size")

    # ---- views -----------------------------------------------------------
    def view(self, end: int) -> RevisionView:
        v = self._views.get(end)
        if v is None:
            v = self.xref.view(end, self.limits.max_pdf_revisions)
            if hasattr(self, "final"):
                self._check_size(v)
            self._views[end] = v
        return v

    def revision_views(self) -> list[RevisionView]:
        """Views at every %%EOF that parses and belongs to the final chain (oldest first)."""
        final_offsets = set(self.final.offsets)
        out = []
        for _, end in self.eofs:
            try:
                v = self.view(end)
            except (MalformedInput, LimitExceeded):
                continue
            # the xref the view really starts at: a writer whose startxref is off by a byte or
            # two (corrected when the view was read) still names a revision of the final chain
            first = v.offsets[0] if v.offsets else v.startxref
            if first in final_offsets:
                out.append(v)
        return out

    # ---- objects ---------------------------------------------------------
    def loc(self, view: RevisionView, num: int):
        return view.map.get(num)

    def get(self, view: RevisionView, ref, depth: int = 0):
        """Resolve ``ref`` (a :class:`Ref` or a direct value) in ``view``; missing → None."""
        if not isinstance(ref, Ref):
            return ref
        loc = view.map.get(ref.num)
        if loc is None or loc[0] == "f":
            return None
        if loc[0] == "n" and loc[2] != ref.gen:
            return None
        if loc[0] == "c" and ref.gen != 0:
            return None
        return self.at(view, ref.num, loc, depth)

    def full_loc(self, view: RevisionView, num: int):
        """Location of ``num`` including the location of its object stream (if any)."""
        loc = view.map.get(num)
        if loc is None or loc[0] == "f":
            return None
        if loc[0] == "c":
            sloc = view.map.get(loc[1])
            return (*loc, sloc)
        return loc

    def at(self, view: RevisionView, num: int, loc, depth: int = 0):
        if loc[0] == "c" and len(loc) == 3:
            loc = (*loc, view.map.get(loc[1]))
        key = (num, *loc)
        if key in self._objs:
            val = self._objs[key]
            self._check_end(view, key)
            return val
        if depth > 8:
            raise LimitExceeded("object reference chain too deep")
        self.ctx.check_time()
        if len(self._objs) > self.limits.max_pdf_objects:
            raise LimitExceeded("too many objects")
        if loc[0] == "n":
            val, span = self._read_body(view, num, loc, depth)
        elif loc[0] == "c":
            val, span = self._read_compressed(view, num, loc, depth)
        else:
            return None
        self._objs[key] = val
        self._spans[key] = span
        self._check_end(view, key)
        return val

    def span(self, view: RevisionView, num: int):
        loc = self.full_loc(view, num)
        return None if loc is None else self._spans.get((num, *loc))

    def _check_end(self, view, key) -> None:
        sp = self._spans.get(key)
        if sp is not None and sp[1] > view.end:
            raise MalformedInput(f"object {key[0]} runs past the end of its revision")

    def _read_body(self, view, num, loc, depth):
        off, gen = loc[1], loc[2]
        data = self.data
        if not (0 <= off < len(data)):
            raise MalformedInput(f"xref offset of object {num} outside the file")
        p = off
        while p < len(data) and p - off < 4 and data[p] in b" \t\r\n\f\x00":
            p += 1  # some writers point at the EOL before the object
        m = OBJ_HEADER.match(data, p)
        if not m:
            raise MalformedInput(f"xref offset of object {num} does not point at an object")
        _n, g, val, q = parse_indirect(self.parser, p, expect_num=num)
        if g != gen:
            raise MalformedInput(f"object {num}: generation differs from the xref")
        if isinstance(val, PdfDict) and q < len(data) and data.startswith(b"stream", q):
            length = val.get("Length")
            if isinstance(length, Ref):
                if length.num == num:
                    raise MalformedInput(f"object {num}: /Length refers to itself")
                length = self.get(view, length, depth + 1)
            val, q = finish_stream(data, val, q, length, num)
        return val, (p, q)

    def _read_compressed(self, view, num, loc, depth):
        stm_num, idx, sloc = loc[1], loc[2], loc[3]
        if sloc is None or sloc[0] != "n":
            raise MalformedInput(f"object stream {stm_num} of object {num} missing")
        key = (stm_num, *sloc)
        entry = self._objstm.get(key)
        if entry is None:
            stm = self.at(view, stm_num, sloc, depth + 1)
            if not isinstance(stm, Stream) or stm.dict.get("Type") != "ObjStm":
                raise MalformedInput(f"object {stm_num} is not an object stream")
            n, first = stm.dict.get("N"), stm.dict.get("First")
            if not (isinstance(n, int) and isinstance(first, int) and 0 <= n <= self.limits.max_objstm_objects and first >= 0):
                raise MalformedInput(f"bad object stream {stm_num}")
            if "Extends" in stm.dict:
                raise MalformedInput(f"object stream {stm_num} uses /Extends (not supported)")
            raw = decode_stream(stm, self.budget, lambda v: self.get(view, v, depth + 1))
            p = Parser(raw, max_depth=self.limits.max_object_depth, max_number_chars=self.limits.max_number_chars)
            pairs = []
            pos = 0
            for _ in range(n):
                a, pos = p.parse(pos)
                b, pos = p.parse(pos)
                if not (isinstance(a, int) and isinstance(b, int) and a >= 0 and b >= 0):
                    raise MalformedInput(f"bad object stream header in {stm_num}")
                pairs.append((a, first + b))
            objs = []
            p = Parser(raw, max_depth=self.limits.max_object_depth, max_number_chars=self.limits.max_number_chars)
            starts = sorted(o for _, o in pairs)
            for onum, start in pairs:
                if start >= len(raw):
                    raise MalformedInput(f"bad offset of object {onum} in object stream {stm_num}")
                val, end = p.parse(start)
                if isinstance(val, Keyword):
                    raise MalformedInput(f"object {onum} in object stream {stm_num} has no value")
                # each object must fill its slot exactly (up to the next object / the stream end)
                k = bisect.bisect_right(starts, start)
                nxt = starts[k] if k < len(starts) else len(raw)
                if skip_ws(raw, end) < nxt:
                    raise MalformedInput(f"object {onum} in object stream {stm_num} is followed by stray data")
                objs.append(val)
            entry = (pairs, objs)
            self._objstm[key] = entry
        pairs, objs = entry
        if idx >= len(pairs) or pairs[idx][0] != num:
            raise MalformedInput(f"object {num} not at index {idx} of object stream {stm_num}")
        val = objs[idx]
        # span: the containing stream's span (for end-of-revision checks)
        return val, self._spans.get(key, (0, 0))


__all__ = ["PdfFile"]
