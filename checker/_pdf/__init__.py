"""PDF engine (issue 3): revisions, /ByteRange, CMS, changes after signing.

Interface used by :mod:`checker.check`::

    analyse_pdf(data: bytes, ctx: Context) -> EngineOutput
"""
from __future__ import annotations

from .._context import Context, EngineOutput
from ..errors import InternalError


def analyse_pdf(data: bytes, ctx: Context) -> EngineOutput:
    raise InternalError("PDF engine not implemented yet")
