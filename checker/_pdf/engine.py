"""The PDF engine: revisions, signature fields, each signature (:mod:`.signature`), what is
left unsigned, and the page text."""
from __future__ import annotations

from .._context import Context, EngineOutput
from ..errors import CheckerError, LimitExceeded, MalformedInput, TimeLimitExceeded
from .changes import page_tree
from .document import PdfFile
from .fields import walk_fields
from .objects import OBJ_HEADER, PdfDict, Ref
from .signature import WS as _WS, _sig_docmdp, examine, finish, later_signer
from .text import extract_text

_STRUCTURE = (b"obj", b"xref", b"trailer", b"startxref", b"%%EOF", b"endstream")


def analyse_pdf(data: bytes, ctx: Context) -> EngineOutput:
    try:
        return _analyse(data, ctx)
    except MalformedInput as exc:
        if _signed_before(data, ctx):
            # a signed revision parses, what was appended does not: tampering, not bad luck
            ctx.findings[:] = [f for f in ctx.findings if not f.code.startswith(("PDF_", "SIG_", "CRYPTO_", "TRUST_"))]
            ctx.add("PDF_BROKEN_AFTER_SIGNING", detail=exc.detail or str(exc))
            return EngineOutput()
        raise


def _analyse(data: bytes, ctx: Context) -> EngineOutput:
    out = EngineOutput()
    pdf = PdfFile(data, ctx)
    final = pdf.final
    root = pdf.get(final, final.trailer.get("Root"))
    if not isinstance(root, PdfDict):
        raise MalformedInput("the document catalog is missing")
    out.pages = len(page_tree(pdf, final, root))

    _trailing(data, final.end, ctx)
    fields = walk_fields(pdf, final, root)
    sig_fields = [f for f in fields if f.ftype == "Sig" and f.value_ref is not None]
    if len(sig_fields) > ctx.limits.max_pdf_signatures:
        raise LimitExceeded("too many signatures")
    _removed_signatures(pdf, sig_fields, ctx)

    docmdp = _docmdp_level(pdf, root)
    items = []
    seen_values = set()
    for f in sig_fields:
        if isinstance(f.value_ref, Ref):
            if f.value_ref in seen_values:
                continue  # two fields sharing one signature dictionary: report it once
            seen_values.add(f.value_ref)
        sd = pdf.get(final, f.value_ref)
        if isinstance(sd, PdfDict):
            lvl = _sig_docmdp(pdf, sd)
            if lvl is not None:
                docmdp = lvl if docmdp is None else min(docmdp, lvl)
        br = sd.get("ByteRange") if isinstance(sd, PdfDict) else None
        key = br[2] + br[3] if isinstance(br, list) and len(br) == 4 and all(type(x) is int for x in br) else 1 << 62
        items.append((key, f, sd))
    items.sort(key=lambda t: t[0])

    # every signature's value first: a later intact signature may vouch for the signature
    # field it added after an earlier one (see changes.ChangeAnalysis)
    examined = []
    for index, (_, f, sd) in enumerate(items, 1):
        ctx.check_time()
        examined.append(examine(pdf, ctx, index, f, sd))
    signers = {}
    for (_, f, _sd), ex in zip(items, examined):
        later = later_signer(ex)
        if later is not None and isinstance(f.value_ref, Ref):
            signers[f.value_ref.num] = later
    max_end = 0
    for ex in examined:
        ctx.check_time()
        rep, end = finish(pdf, ctx, ex, docmdp, out.unprotected, signers)
        out.signatures.append(rep)
        if rep.intact:
            max_end = max(max_end, end)
            if rep.kind == "pdf-signature" and rep.signer and _short(rep.signer) not in out.signer_names:
                out.signer_names.append(_short(rep.signer))
    if not items:
        ctx.add("NO_SIGNATURE")
    else:
        tail = data[max_end:] if max_end else b""
        if max_end and tail.strip(_WS):
            ctx.add("PDF_UNSIGNED_TAIL", size=len(data) - max_end)

    text, problem = extract_text(data, ctx, pdf)  # reuses the parsed file; pypdf only as a fallback
    out.text = text
    if problem:
        ctx.add("PDF_TEXT_UNAVAILABLE", detail=problem)
    return out


def _signed_before(data: bytes, ctx: Context) -> bool:
    """Does a proper prefix of ``data`` (ending at a %%EOF) parse and hold a signature over itself?"""
    from .xref import eof_ends

    try:
        ends = eof_ends(data, ctx.limits.max_pdf_revisions)
    except LimitExceeded:
        return False
    first_br = data.find(b"/ByteRange")
    if first_br < 0:
        return False
    cands = [e for _, e in (ends[:-1] if ends and ends[-1][1] >= len(data.rstrip(_WS)) else ends) if e > first_br]
    for end in reversed(cands[-16:]):  # bounded: each try parses a prefix
        ctx.check_time()
        try:
            pdf = PdfFile(data[:end], ctx)
            root = pdf.get(pdf.final, pdf.final.trailer.get("Root"))
            if not isinstance(root, PdfDict):
                continue
            for f in walk_fields(pdf, pdf.final, root):
                sd = pdf.get(pdf.final, f.value_ref) if f.ftype == "Sig" else None
                br = sd.get("ByteRange") if isinstance(sd, PdfDict) else None
                if isinstance(br, list) and len(br) == 4 and all(type(x) is int for x in br) \
                        and pdf.revision_ends.get(br[2] + br[3]) == end:
                    return True
        except TimeLimitExceeded:
            raise
        except CheckerError:
            continue
    return False


def _short(subject: str) -> str:
    for part in subject.split(", "):
        if part.startswith("CN="):
            return part[3:]
    for part in subject.split(", "):
        if part.startswith("O="):
            return part[2:]
    return subject


def _trailing(data: bytes, end: int, ctx: Context) -> None:
    tail = data[end:]
    if not tail.strip(_WS):
        return
    if OBJ_HEADER.search(tail) or any(k in tail for k in _STRUCTURE):
        ctx.add("PDF_TRAILING_GARBAGE", size=len(tail))
    # plain unsigned bytes are reported by PDF_UNSIGNED_TAIL (signed files) — or are harmless
    # in an unsigned file (which gets NO_SIGNATURE anyway)


def _docmdp_level(pdf: PdfFile, root: PdfDict) -> int | None:
    """DocMDP /P of the certification signature (None when the document is not certified)."""
    perms = pdf.get(pdf.final, root.get("Perms"))
    cand = []
    if isinstance(perms, PdfDict) and perms.get("DocMDP") is not None:
        cand.append(pdf.get(pdf.final, perms.get("DocMDP")))
    level = None
    for sd in cand:
        if not isinstance(sd, PdfDict):
            continue
        refs = pdf.get(pdf.final, sd.get("Reference"))
        p = 2
        if isinstance(refs, list):
            for r in refs:
                rd = pdf.get(pdf.final, r)
                if isinstance(rd, PdfDict) and rd.get("TransformMethod") == "DocMDP":
                    tp = pdf.get(pdf.final, rd.get("TransformParams"))
                    if isinstance(tp, PdfDict) and tp.get("P") in (1, 2, 3):
                        p = tp["P"]
        level = p if level is None else min(level, p)
    return level


def _removed_signatures(pdf: PdfFile, sig_fields, ctx: Context) -> None:
    if len(pdf.final.sections) < 2:
        return
    have = {f.value_ref.num for f in sig_fields if isinstance(f.value_ref, Ref)}
    reported = set()
    for view in pdf.revision_views():
        if view.end == pdf.final.end:
            continue
        try:
            root = pdf.get(view, view.trailer.get("Root"))
            if not isinstance(root, PdfDict):
                continue
            old = walk_fields(pdf, view, root)
        except (MalformedInput, LimitExceeded) as exc:
            if isinstance(exc, LimitExceeded):
                raise
            continue
        for f in old:
            if f.ftype == "Sig" and isinstance(f.value_ref, Ref) and f.value_ref.num not in have:
                if f.value_ref.num not in reported:
                    reported.add(f.value_ref.num)
                    ctx.add("PDF_SIGNATURE_REMOVED", name=f.name or str(f.value_ref.num))


