"""PDF engine (issue 3): revisions, /ByteRange, CMS, changes after signing.

Interface used by :mod:`checker.check`::

    analyse_pdf(data: bytes, ctx: Context) -> EngineOutput

Modules: ``objects`` (strict bounded parser), ``streams`` (bounded decoding), ``xref``
(sections, /Prev chains, revision views), ``document`` (object resolution), ``fields``
(AcroForm walk), ``byterange``, ``sigverify`` (CMS / timestamps / trust via checker._crypto),
``changes`` (what changed after each signature), ``text`` (page text: our own content-stream
interpreter over ``content`` and ``fonts``; pypdf only for what it does not cover).
"""
from __future__ import annotations

from .. import messages
from .._context import Context, EngineOutput
from ..errors import CheckerError, LimitExceeded, MalformedInput
from ..result import SignatureReport
from .byterange import check_byterange
from .changes import ChangeAnalysis, ChangeReport, page_tree
from .document import PdfFile
from .fields import walk_fields
from .objects import OBJ_HEADER, PdfDict, PdfString, Ref
from .sigverify import (SUBFILTER_SHA1, SUBFILTER_TS, SUBFILTERS_CMS, check_trust, cert_names,
                        verify_cms)
from .text import extract_text

_WS = b" \t\r\n\f\x00"
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

    max_end = 0
    for index, (_, f, sd) in enumerate(items, 1):
        ctx.check_time()
        rep, end = _signature(pdf, ctx, index, f, sd, docmdp)
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
        except CheckerError as exc:
            if type(exc).__name__ == "TimeLimitExceeded":
                raise
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
                        p = tp.get("P")
        level = p if level is None else min(level, p)
    return level


def _sig_docmdp(pdf: PdfFile, sd: PdfDict) -> int | None:
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


def _iso(t) -> str | None:
    if t is None:
        return None
    try:
        return t.isoformat()
    except Exception:
        return str(t)


def _pdf_date(b) -> str | None:
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


def _signature(pdf: PdfFile, ctx: Context, index: int, f, sd, docmdp):
    data = pdf.data
    final = pdf.final
    codes: list[str] = []

    def add(code, severity=None, **params):
        ctx.add(code, severity, **params)
        if code not in codes:
            codes.append(code)

    kind = "pdf-signature"
    name = f.name or None
    base = dict(index=index, kind=kind, intact=False, trusted=False, algorithm="", seal_name=name)

    def report(**kw):
        d = dict(base)
        d.update(kw)
        d["codes"] = tuple(codes)
        return SignatureReport(**d)

    if not isinstance(sd, PdfDict):
        add("PDF_SIG_EMPTY", index=index)
        return report(), 0
    sub = sd.get("SubFilter")
    if sub == SUBFILTER_TS or sd.get("Type") == "DocTimeStamp":
        kind = base["kind"] = "pdf-timestamp"
    holder = f.value_ref.num if isinstance(f.value_ref, Ref) else (f.ref.num if f.ref else None)
    loc = pdf.full_loc(final, holder) if holder is not None else None
    if loc is None or loc[0] != "n":
        add("PDF_BYTERANGE_INVALID", index=index, **_br_detail("BR_OBJSTM", {}))
        return report(), 0
    contents = sd.get("Contents")
    if isinstance(contents, PdfString) and len(contents) > ctx.limits.max_cms_bytes:
        add("PDF_SIG_TOO_LARGE", index=index, size=len(contents), limit=ctx.limits.max_cms_bytes)
        return report(), 0
    if contents is None or sd.get("ByteRange") is None:
        add("PDF_SIG_EMPTY", index=index)
        return report(), 0
    rc = check_byterange(sd.get("ByteRange"), contents, len(data), pdf.revision_ends)
    if not rc.ok:
        add("PDF_BYTERANGE_INVALID", index=index, **_br_detail(rc.problem, rc.params))
        return report(), 0
    view_end = pdf.revision_ends[rc.end]
    try:
        signed = pdf.view(view_end)
    except (MalformedInput, LimitExceeded) as exc:
        add("PDF_SIG_NOT_IN_REVISION", index=index)
        return report(), 0
    if pdf.full_loc(signed, holder) != loc:
        add("PDF_SIG_NOT_IN_REVISION", index=index)
        return report(), 0
    revision = _revision_number(pdf, signed)
    base["revision"] = revision
    if sub not in SUBFILTERS_CMS and sub not in (SUBFILTER_SHA1, SUBFILTER_TS):
        add("PDF_SUBFILTER_UNSUPPORTED", index=index, subfilter=str(sub))
        return report(), rc.end
    if kind == "pdf-timestamp" and sub != SUBFILTER_TS:
        add("PDF_SUBFILTER_UNSUPPORTED", index=index, subfilter=f"DocTimeStamp/{sub}")
        return report(), rc.end
    mv = memoryview(data)
    chunks = [mv[a:b] for a, b in rc.ranges]
    oc = verify_cms(bytes(contents), str(sub), chunks, index, ctx.limits.max_certs_per_signature)
    for code, sev, params in oc.findings:
        add(code, sev, **params)
    subj, iss, _short_name = cert_names(oc.signer_cert)
    signed_at = _iso(oc.timestamp or oc.signing_time) or _pdf_date(sd.get("M"))
    base.update(algorithm=oc.algorithm, signer=subj, issuer=iss, signed_at=signed_at,
                timestamp=_iso(oc.timestamp))
    if not oc.valid:
        explained = any((sev or messages.lookup(code).severity) in ("warn", "fail", "error")
                        for code, sev, _ in oc.findings if code != "SIG_WEAK_DIGEST")
        if not explained:
            add("SIG_INVALID", index=index)
        return report(intact=False), rc.end
    add("SIG_OK", index=index)
    trusted, chain, anchor, tf = check_trust(ctx, oc, index, "timestamping" if kind == "pdf-timestamp" else "signing")
    for code, sev, params in tf:
        add(code, sev, **params)
    from .._crypto.trust import anchor_fields

    base.update(trusted=trusted, chain=chain, **anchor_fields(anchor if trusted else None))

    level = _sig_docmdp(pdf, sd)
    if level is not None:
        add("PDF_CERTIFIED", index=index, level=level)
    covers = not data[rc.end:].strip(_WS)
    if not covers and view_end != final.end:
        try:
            ca = ChangeAnalysis(pdf, signed, final, docmdp).run()
        except MalformedInput as exc:
            ca = ChangeReport()
            ca.fail("PDF_CHANGED_AFTER_SIGNING", "UNREADABLE", detail=exc.detail or str(exc))
        for p in ca.problems:
            add(p.code, p.severity, index=index, detail=p.detail, detail_zh=p.detail_zh)
        if ca.ok:
            covers = True
            if ca.allowed:
                en, zh = ca.allowed_texts()
                add("PDF_LATER_CHANGES_ALLOWED", index=index, detail=en, detail_zh=zh)
    elif not covers:
        covers = False  # bytes after the last %%EOF: reported by _trailing / PDF_UNSIGNED_TAIL
    return report(intact=True, covers_whole_file=covers), rc.end


def _br_detail(key: str, params: dict) -> dict:
    from .changes import wording

    en, zh = wording(key, params)
    return {"detail": en, "detail_zh": zh}


def _revision_number(pdf: PdfFile, view) -> int:
    """1-based position among the file's revisions (a linearized file's first-page %%EOF is none)."""
    ends = [v.end for v in pdf.revision_views()]
    try:
        return ends.index(view.end) + 1
    except ValueError:
        return len(ends)


__all__ = ["analyse_pdf"]
