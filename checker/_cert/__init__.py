"""The certificate itself (issue 5): printed fields, QR judgement, cross-checks.

Interface used by :mod:`checker.check`::

    certificate_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context) -> None

It sets ``ctx.fields`` (list of (name, value)) and ``ctx.qr_reports`` (list of
QrReport) and adds findings to ``ctx``.
"""
from __future__ import annotations

from .._context import Context, EngineOutput


def certificate_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context) -> None:
    if ctx.options.qr_texts is None and ctx.options.qr_decoder is None and not out.qr:
        ctx.add("QR_NOT_CHECKED")
