"""The certificate itself: printed fields, QR judgement, cross-checks.

Interface used by :mod:`checker.check`::

    certificate_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context) -> None

It fills ``ctx.fields`` (list of (name, value); keys documented in :mod:`.fields`) and
``ctx.qr_reports`` (list of QrReport) and adds findings to ``ctx``.

Modules: ``hosts`` (official host list, host classification), ``qr`` (payload judgement,
collection from the injected decoder), ``fields`` (extraction from the text layer),
``idcard`` (GB 11643), ``patterns`` (registration numbers, names, dates), ``rules``
(field validation, signer vs issuer).
"""
from __future__ import annotations

from typing import Any

from .._context import Context, EngineOutput
from ..result import QrReport
from .fields import extract_fields
from .qr import collect_qr, judge_payload, name_matches, qr_values, regno_equal
from .rules import check_fields, check_signer, recognised


def certificate_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context) -> None:
    text = out.text or ""
    ex = extract_fields(text, ctx.limits.max_text_chars, tick=ctx.check_time)
    ctx.fields = ex.as_fields()
    is_cert = recognised(ex, text)
    if not text.strip():
        ctx.add("FIELD_NO_TEXT")
    elif not is_cert:
        ctx.add("FIELD_NOT_CERTIFICATE")
    else:
        check_fields(ex, ctx)
    if is_cert:
        check_signer(ex, out, ctx)
    _qr_checks(data, fmt, out, ctx, ex, is_cert)


def _unprotected(q, out: EngineOutput) -> bool:
    """Was this QR code read from content that no signature protects?  An OFD image is named by
    its package path; a code found on a rendered page by its box on that page."""
    if q.source in out.unprotected_files:
        return True
    if q.box is None or not q.source.startswith("page "):
        return False
    try:
        page = int(q.source.split()[1])
    except (IndexError, ValueError):
        return False
    x, y, w, h = q.box
    return any(a.page == page and x < a.box[0] + a.box[2] and a.box[0] < x + w
               and y < a.box[1] + a.box[3] and a.box[1] < y + h for a in out.unprotected)


def _qr_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context, ex, is_cert: bool) -> None:
    ctx.qr_reports = []
    inputs, checked = collect_qr(data, fmt, out, ctx)
    if not checked:
        if not any(f.code == "QR_DECODE_FAILED" for f in ctx.findings):
            ctx.add("QR_NOT_CHECKED")
        return
    if not inputs:
        if is_cert:
            ctx.add("QR_NONE")
        return
    limit = ctx.limits.max_qr_codes
    if len(inputs) > limit:
        ctx.add("QR_TOO_MANY", count=len(inputs), limit=limit)
    printed_reg = ex.values.get("reg_number")
    printed_name = ex.values.get("name")
    for q in inputs[:limit]:
        ctx.check_time()
        j = judge_payload(q.text, max_chars=ctx.limits.max_qr_payload_chars)
        text = q.text if len(q.text) <= ctx.limits.max_qr_payload_chars else q.text[:200] + "…"
        unprotected = _unprotected(q, out)
        ctx.qr_reports.append(
            QrReport(text=text, source=q.source, is_url=j.is_url, host=j.host, official=j.official,
                     status=j.status, code=j.code, box=q.box, unprotected=unprotected)
        )
        if unprotected:
            ctx.add("QR_UNPROTECTED", source=q.source or "?")
        params: dict[str, Any] = dict(j.params)
        params.setdefault("host", j.host or "")
        params.setdefault("text", text[:80])
        ctx.add(j.code, **params)
        regnos, names = qr_values(j)
        if printed_reg and regnos:
            bad = [r for r in regnos if not regno_equal(r, printed_reg)]
            if bad:
                ctx.add("QR_REGNO_MISMATCH", qr=bad[0], printed=printed_reg)
            else:
                ctx.add("QR_MATCHES_PRINTED", what="注册编号", what_en="registration number")
        if printed_name and names:
            verdicts = [(n, name_matches(n, printed_name)) for n in names]
            bad = [n for n, ok in verdicts if ok is False]
            if bad:
                ctx.add("QR_NAME_MISMATCH", qr=bad[0], printed=printed_name)
            elif any(ok for _, ok in verdicts):
                ctx.add("QR_MATCHES_PRINTED", what="姓名", what_en="name")


__all__ = ["certificate_checks"]
