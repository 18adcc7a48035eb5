"""OFD engine: safe package reading, references, SES seals, text and images.

Interface used by :mod:`checker.check`::

    analyse_ofd(data: bytes, ctx: Context) -> EngineOutput
    list_images(data: bytes, ctx: Context) -> list[tuple[str, bytes]]   # for the browser QR step

Modules: :mod:`.package` (ZIP with limits), :mod:`.xmlsafe` (hardened XML),
:mod:`.model` (document graph and file roles), :mod:`.content` (text, images),
:mod:`.ses` (GM/T 0031 v1 / GB/T 38540 v4 seal structures), :mod:`.signatures`
(references, seal and CMS verification, trust).

Coverage rule: every *visible* file a reader uses (OFD.xml, Document.xml, pages,
templates, resource XML, fonts, images, annotations) must be covered, with a
matching digest, by at least one signature, else ``OFD_UNCOVERED_CONTENT`` (fail).
A signature ``covers_whole_file`` when it alone covers all visible files.
"""
from __future__ import annotations

import posixpath

from .._context import Context, EngineOutput
from .._signature_outcome import conclude
from . import content, coverage, vectorqr
from .model import ATTACHMENT, METADATA, SIGNATURE, VISIBLE, Model
from .package import Package


def _open(data: bytes, ctx: Context) -> Model:
    pkg = Package(data, ctx.limits, ctx)
    return Model(pkg, ctx)


def analyse_ofd(data: bytes, ctx: Context) -> EngineOutput:
    # here, not at the top: list_images (the CLI's QR child, the browser's image list) needs no
    # crypto, and importing it (asn1crypto and the CMS/SES code) cost that child ~40 ms
    from . import signatures

    model = _open(data, ctx)
    out = EngineOutput(pages=len(model.pages))
    for kind, loc in model.missing:
        code = "OFD_PAGE_MISSING" if kind in ("Page", "TemplatePage") else "OFD_RESOURCE_MISSING"
        ctx.add(code, file=loc, kind=kind)
    # Integrity-protection entries (OFDEntries.xml, GM/T 0099): a signed file list, not a seal
    from .entries import verify_entries

    verify_entries(model, ctx)
    for doc in model.docs:  # e.g. dms360 iOFD writes Doc_0/Signatures.xml (tests/corpus/real/ofdrw_n.ofd)
        folder = posixpath.dirname(doc.signatures_list or "")
        if doc.signatures_list and posixpath.basename(folder) != "Signs":
            ctx.add("OFD_SIGNATURES_LOCATION", file=doc.signatures_list)

    _mark_lookalikes(model)
    results = signatures.verify_all(model, ctx)
    visible = {n for n, r in model.roles.items() if r == VISIBLE}
    orphans = [n for n in model.pkg.names if n not in model.roles
               and n.rsplit("/", 1)[-1].casefold() in ("signature.xml", "signedvalue.dat", "seal.esl")]
    for name in orphans:
        ctx.add("OFD_ORPHAN_SIGNATURE_FILE", file=name)
    if not results:
        ctx.add("NO_SIGNATURE")
    else:
        _uncovered_files(model, ctx, results, orphans, out)
        for r in results:
            whole = visible <= r.covered_ok
            if r.intact and not whole:
                missing = sorted(visible - r.covered_ok)
                r.o.later("OFD_SIG_PARTIAL", count=len(missing), files=", ".join(missing[:5]))
            r.o.covers_whole_file = whole
            r.o.covered = tuple(sorted(r.covered_ok))
            out.signatures.append(conclude(ctx, r.o))
            for n in signatures.signer_names(r):
                if n not in out.signer_names:
                    out.signer_names.append(n)

    if model.unreadable:
        exc = model.unreadable[0]  # after the seals: what they prove stands (fail outranks error)
        exc.engine_output = out  # type: ignore[attr-defined]
        raise exc
    text, drawn = content.page_text(model, ctx)
    out.text = text
    if model.pkg.deflate_trailers:
        files = model.pkg.deflate_trailers
        ctx.add("OFD_ZIP_DEFLATE_TRAILER", count=len(files), files=", ".join(files[:5]))
    good, bad = content.image_list(model, drawn, ctx)
    out.images = good + vectorqr.page_codes(model, ctx)
    for path, fmt in bad:
        ctx.add("OFD_IMAGE_UNDECODABLE", file=path, format=fmt)
    return out


def _uncovered_files(model: Model, ctx: Context, results, orphans: list[str], out: EngineOutput) -> None:
    """Package files no seal covers, by role; for visible ones see :mod:`.coverage`."""
    covered_any: set[str] = set()
    for r in results:
        covered_any |= r.covered_ok
        covered_any |= {c.path for c in r.refs if c.path}  # mismatches are reported already
    parts = []
    for name in sorted(model.pkg.names):
        if name in covered_any:
            continue
        role = model.roles.get(name)
        if name == model.root_name:
            # OFD.xml only points to the documents (which must be covered themselves) and
            # holds DocInfo metadata: a gap here is a warning, not proof of forgery.
            ctx.add("OFD_UNCOVERED_ROOT", file=name)
        elif role == VISIBLE:
            part = coverage.classify(model, name)
            if part.is_document:
                ctx.add("OFD_UNCOVERED_CONTENT", file=name)
            else:
                parts.append(part)
        elif role == ATTACHMENT:
            ctx.add("OFD_UNCOVERED_ATTACHMENT", file=name)
        elif role == METADATA:
            ctx.add("OFD_UNCOVERED_METADATA", file=name)
        elif role == SIGNATURE or name in orphans:
            continue
        else:
            ctx.add("OFD_UNREFERENCED_FILE", file=name)
    if not parts:
        return
    out.unprotected = coverage.areas(model, parts)
    out.unprotected_files = [p.path for p in parts]
    for p in parts:
        en, zh = p.what()
        pages = coverage.pages_of(out.unprotected, p.path)
        shown, shown_zh = _shown(p, coverage.texts_in(model, out.unprotected, p) if pages else [])
        ctx.add("OFD_UNPROTECTED_PART", file=p.path, what=en, what_zh=zh,
                pages=", ".join(map(str, pages)) or "?", pages_zh="、".join(map(str, pages)) or "?",
                shown=shown, shown_zh=shown_zh)


def _shown(part: coverage.Unprotected, texts: list[str]) -> tuple[str, str]:
    """(en, zh) sentence naming the printed text an unprotected part prints or lies over."""
    if not texts:
        return "", ""
    zh_list = "、".join(f"“{t}”" for t in texts)
    en_list = ", ".join(f'"{t}"' for t in texts)
    if part.kind == "TemplatePage":
        return f"It prints {en_list}. ", f"它印出的文字有{zh_list}。"
    return f"It lies over the printed text {en_list}. ", f"它覆盖在印刷文字{zh_list}之上。"


def _mark_lookalikes(model: Model) -> None:
    """A reader that does not find a named resource may look it up by file name elsewhere:
    package files with the basename of a missing visible resource count as visible."""
    wanted = {loc.replace("\\", "/").rsplit("/", 1)[-1].casefold() for _k, loc in model.missing if loc}
    if not wanted:
        return
    for name in model.pkg.names:
        if name.rsplit("/", 1)[-1].casefold() in wanted and name not in model.roles:
            model.mark(name, VISIBLE)


def list_images(data: bytes, ctx: Context) -> list[tuple[str, bytes]]:
    model = _open(data, ctx)
    _text, drawn = content.page_text(model, ctx)
    good, _bad = content.image_list(model, drawn, ctx)
    return good + vectorqr.page_codes(model, ctx)
