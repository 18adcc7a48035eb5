"""One PDF signature, step by step: where it lives, what it signs, whether it verifies, what
changed after it.  Each step records its facts in a :class:`SignatureOutcome`; the shared
:func:`checker._signature_outcome.conclude` turns them into findings and a report.

1. :func:`_locate` – the signature dictionary is a plain object of the revision it signs;
2. :func:`_signed_ranges` – ``/ByteRange`` covers the whole revision except ``/Contents``;
3. :func:`_verify_value` – the CMS (or document timestamp, or GB/T 38540 seal) over those ranges;
4. :func:`_later_changes` – what the revisions after the signed one changed (allowed or not).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._context import Context
from .._signature_outcome import SignatureOutcome, conclude
from ..errors import LimitExceeded, MalformedInput
from ..result import SignatureReport, UnprotectedArea
from .byterange import check_byterange
from .changes import ChangeAnalysis, ChangeReport, page_tree, wording
from .document import PdfFile
from .objects import PdfDict, PdfString, Ref
from .seal import SUBFILTERS_SES, verify_ses
from .sigverify import SUBFILTER_SHA1, SUBFILTER_TS, SUBFILTERS_CMS, verify_cms
from .xref import RevisionView

WS = b" \t\r\n\f\x00"
_WHAT = ("the signed byte ranges of the file", "签名覆盖的文件内容")


@dataclass(slots=True)
class _Signed:
    """Where a signature sits: its revision and the byte ranges it signs."""

    view: RevisionView
    ranges: tuple[tuple[int, int], ...]
    end: int  # end of the signed revision (of the second byte range)


@dataclass(slots=True)
class Examined:
    """A signature after steps 1-3: its outcome so far and where it sits (None: not located)."""

    outcome: SignatureOutcome
    signed: _Signed | None
    sd: Any
    done: bool  # nothing further to judge (not located, or an unsupported format)


@dataclass(slots=True)
class LaterSigner:
    """An intact signature, as the change analysis of an earlier one sees it."""

    index: int
    view: RevisionView  # the revision it signs


def examine(pdf: PdfFile, ctx: Context, index: int, f: Any, sd: Any) -> Examined:
    """Steps 1-3 of one signature field: where it lives, what it signs, whether it verifies."""
    o = SignatureOutcome(index=index, kind="pdf-signature", signed_what=_WHAT, seal_name=f.name or None)
    if not isinstance(sd, PdfDict):
        o.note("PDF_SIG_EMPTY")
        return Examined(o, None, sd, True)
    sub = sd.get("SubFilter")
    if sub == SUBFILTER_TS or sd.get("Type") == "DocTimeStamp":
        o.kind, o.usage = "pdf-timestamp", "timestamping"
    signed = _locate(pdf, ctx, o, f, sd)
    if signed is None:
        return Examined(o, None, sd, True)
    o.revision = _revision_number(pdf, signed.view)
    if not _supported(o, sub):
        return Examined(o, signed, sd, True)
    _verify_value(pdf, ctx, o, sd, signed, str(sub))
    return Examined(o, signed, sd, False)


def later_signer(ex: Examined) -> LaterSigner | None:
    """What an earlier signature's change analysis may rely on: an intact signature's revision."""
    if ex.done or ex.signed is None or not ex.outcome.intact:
        return None
    return LaterSigner(ex.outcome.index, ex.signed.view)


def finish(pdf: PdfFile, ctx: Context, ex: Examined, docmdp: int | None,
           unprotected: list[UnprotectedArea] | None = None,
           signers: dict[int, LaterSigner] | None = None) -> tuple[SignatureReport, int]:
    """Step 4 and the report: the report of one signature and the end of the revision it signs
    (0: none); ``unprotected`` receives where permitted later changes draw (filled form fields,
    signature fields added and signed later); ``signers`` maps the object number of each intact
    signature dictionary to that signature."""
    o, signed = ex.outcome, ex.signed
    if signed is None:
        return conclude(ctx, o), 0
    if not ex.done and o.intact:
        level = _sig_docmdp(pdf, ex.sd)
        if level is not None:
            o.later("PDF_CERTIFIED", level=level)
        o.covers_whole_file = _later_changes(pdf, o, signed, docmdp, unprotected, signers or {})
    return conclude(ctx, o), signed.end


def verify_signature(pdf: PdfFile, ctx: Context, index: int, f: Any, sd: Any, docmdp: int | None,
                     unprotected: list[UnprotectedArea] | None = None) -> tuple[SignatureReport, int]:
    """One signature on its own (no later signature vouches for anything it does not cover)."""
    return finish(pdf, ctx, examine(pdf, ctx, index, f, sd), docmdp, unprotected)


def _locate(pdf: PdfFile, ctx: Context, o: SignatureOutcome, f: Any, sd: PdfDict) -> _Signed | None:
    """Steps 1 and 2: a plain object of the revision it signs, with a sound /ByteRange."""
    holder = f.value_ref.num if isinstance(f.value_ref, Ref) else (f.ref.num if f.ref else None)
    loc = pdf.full_loc(pdf.final, holder) if holder is not None else None
    if loc is None or loc[0] != "n":
        o.note("PDF_BYTERANGE_INVALID", **_br_detail("BR_OBJSTM", {}))
        return None
    contents = sd.get("Contents")
    if isinstance(contents, PdfString) and len(contents) > ctx.limits.max_cms_bytes:
        o.note("PDF_SIG_TOO_LARGE", size=len(contents), limit=ctx.limits.max_cms_bytes)
        return None
    if contents is None or sd.get("ByteRange") is None:
        o.note("PDF_SIG_EMPTY")
        return None
    rc = check_byterange(sd.get("ByteRange"), contents, len(pdf.data), pdf.revision_ends)
    if not rc.ok:
        o.note("PDF_BYTERANGE_INVALID", **_br_detail(rc.problem, rc.params))
        return None
    try:
        view = pdf.view(pdf.revision_ends[rc.end])
    except (MalformedInput, LimitExceeded):
        o.note("PDF_SIG_NOT_IN_REVISION")
        return None
    assert holder is not None  # loc is None without one
    if pdf.full_loc(view, holder) != loc:
        o.note("PDF_SIG_NOT_IN_REVISION")
        return None
    return _Signed(view, rc.ranges, rc.end)


def _supported(o: SignatureOutcome, sub: Any) -> bool:
    if sub not in SUBFILTERS_CMS and sub not in (SUBFILTER_SHA1, SUBFILTER_TS) and sub not in SUBFILTERS_SES:
        o.note("PDF_SUBFILTER_UNSUPPORTED", subfilter=str(sub))
        return False
    if o.kind == "pdf-timestamp" and sub != SUBFILTER_TS:
        o.note("PDF_SUBFILTER_UNSUPPORTED", subfilter=f"DocTimeStamp/{sub}")
        return False
    return True


def _verify_value(pdf: PdfFile, ctx: Context, o: SignatureOutcome, sd: PdfDict, signed: _Signed, sub: str) -> None:
    """Step 3: the CMS over the byte ranges; the claimed time falls back to /M."""
    mv = memoryview(pdf.data)
    chunks = [mv[a:b] for a, b in signed.ranges]
    contents = sd.get("Contents")
    if sub in SUBFILTERS_SES:  # a GB/T 38540 seal (tax-bureau e-invoices), not CMS
        verify_ses(o, ctx, bytes(contents) if contents is not None else b"", chunks)
    else:
        verify_cms(o, bytes(contents) if contents is not None else b"", sub, chunks,
                   ctx.limits.max_certs_per_signature)
    o.shown_time = pdf_date(sd.get("M"))  # the dictionary's /M: shown when the CMS names no time


def _later_changes(pdf: PdfFile, o: SignatureOutcome, signed: _Signed, docmdp: int | None,
                   unprotected: list[UnprotectedArea] | None, signers: dict[int, LaterSigner]) -> bool:
    """Step 4: does the signature still cover what is shown?  Reports what changed after it."""
    data = pdf.data
    if not data[signed.end:].strip(WS):
        return True
    if signed.view.end == pdf.final.end:
        return False  # bytes after the last %%EOF: reported by the engine (PDF_UNSIGNED_TAIL)
    try:
        ca = ChangeAnalysis(pdf, signed.view, pdf.final, docmdp, signers).run()
    except MalformedInput as exc:
        ca = ChangeReport()
        ca.fail("PDF_CHANGED_AFTER_SIGNING", "UNREADABLE", detail=exc.detail or str(exc))
    for p in ca.problems:
        o.later(p.code, p.severity, detail=p.detail, detail_zh=p.detail_zh)
    if not ca.ok:
        return False
    if unprotected is not None:
        for a in filled_areas(pdf, ca.filled) + filled_areas(pdf, ca.signed_later, *_SIGNED_LATER):
            if a not in unprotected:
                unprotected.append(a)
    if ca.allowed:
        en, zh = ca.allowed_texts()
        o.later("PDF_LATER_CHANGES_ALLOWED", detail=en, detail_zh=zh)
    return True


_FILLED = ("form field", "form field filled in after signing", "签章后填写的表单域")
_SIGNED_LATER = ("signature field", "signature field signed (and drawn) after an earlier signature",
                 "在前一签章之后签署（并绘制外观）的签名域")


def filled_areas(pdf: PdfFile, nums: list[int], label_kind: str = _FILLED[0], what: str = _FILLED[1],
                 what_zh: str = _FILLED[2]) -> list[UnprotectedArea]:
    """Where the widgets of later filled or added fields are drawn: page and /Rect in page units
    (top left 0,0)."""
    if not nums:
        return []
    root = pdf.get(pdf.final, pdf.final.trailer.get("Root"))
    if not isinstance(root, PdfDict):
        return []
    wanted = set(nums)
    out = []
    for i, (_ref, page) in enumerate(page_tree(pdf, pdf.final, root), 1):
        annots = pdf.get(pdf.final, page.get("Annots"))
        if not isinstance(annots, list):
            continue
        box = _media_box(pdf, page)
        for a in annots:
            if not isinstance(a, Ref):
                continue
            w = pdf.get(pdf.final, a)
            parent = w.get("Parent") if isinstance(w, PdfDict) else None
            field_num = a.num if a.num in wanted else parent.num if isinstance(parent, Ref) and parent.num in wanted else None
            rect = pdf.get(pdf.final, w.get("Rect")) if field_num is not None else None
            if box is None or not (isinstance(rect, list) and len(rect) == 4 and all(isinstance(v, (int, float)) for v in rect)):
                continue
            x0, y0, x1, y1 = min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3])
            bx0, by0, bx1, by1 = box
            pw, ph = (bx1 - bx0) or 1, (by1 - by0) or 1
            norm = tuple(round(min(max(v, 0.0), 1.0), 4) for v in
                         ((x0 - bx0) / pw, (by1 - y1) / ph, (x1 - x0) / pw, (y1 - y0) / ph))
            name = w.get("T") if isinstance(w, PdfDict) else None
            label = name.decode("latin-1", "replace") if isinstance(name, bytes) else str(field_num)
            out.append(UnprotectedArea(page=i, box=norm, file=f"{label_kind} {label}", what=what, what_zh=what_zh,
                                       page_size=(pw, ph)))
    return out


def _media_box(pdf: PdfFile, page: PdfDict) -> tuple[float, float, float, float] | None:
    node: Any = page
    for _ in range(32):  # inherited from the page tree
        mb = pdf.get(pdf.final, node.get("MediaBox"))
        if isinstance(mb, list) and len(mb) == 4 and all(isinstance(v, (int, float)) for v in mb):
            return (min(mb[0], mb[2]), min(mb[1], mb[3]), max(mb[0], mb[2]), max(mb[1], mb[3]))
        node = pdf.get(pdf.final, node.get("Parent"))
        if not isinstance(node, PdfDict):
            return None
    return None


def _br_detail(key: str, params: dict[str, Any]) -> dict[str, Any]:
    en, zh = wording(key, params)
    return {"detail": en, "detail_zh": zh}


def _revision_number(pdf: PdfFile, view: RevisionView) -> int:
    """1-based position among the file's revisions (a linearized file's first-page %%EOF is none)."""
    ends = [v.end for v in pdf.revision_views()]
    try:
        return ends.index(view.end) + 1
    except ValueError:
        return len(ends)


def _sig_docmdp(pdf: PdfFile, sd: PdfDict) -> int | None:
    """DocMDP /P of a certification signature dictionary (None for an approval signature)."""
    refs = pdf.get(pdf.final, sd.get("Reference"))
    if not isinstance(refs, list):
        return None
    for r in refs:
        rd = pdf.get(pdf.final, r)
        if isinstance(rd, PdfDict) and rd.get("TransformMethod") == "DocMDP":
            tp = pdf.get(pdf.final, rd.get("TransformParams"))
            p = tp.get("P", 2) if isinstance(tp, PdfDict) else 2
            return p if p in (1, 2, 3) else 1
    return None


def pdf_date(b: Any) -> str | None:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` → ISO 8601 (best effort, for display only)."""
    if not isinstance(b, bytes):
        return None
    s = b.decode("latin-1").strip()
    if s.startswith("D:"):
        s = s[2:]
    digits = s[:14]
    if len(digits) < 8 or not digits[:8].isdigit():
        return None
    y, mo, d = digits[0:4], digits[4:6], digits[6:8]
    hh, mm, ss = (digits[8:10] or "00"), (digits[10:12] or "00"), (digits[12:14] or "00")
    iso = f"{y}-{mo}-{d}T{hh}:{mm}:{ss}"
    rest = s[14:]
    if rest[:1] in ("Z",):
        iso += "+00:00"
    elif rest[:1] in ("+", "-") and len(rest) >= 3:
        tz = rest[1:].replace("'", "")
        iso += f"{rest[0]}{tz[:2]}:{(tz[2:4] or '00')}"
    return iso
