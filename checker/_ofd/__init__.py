"""OFD engine (issue 4): safe package reading, references, SES seals, text and images.

Interface used by :mod:`checker.check`::

    analyse_ofd(data: bytes, ctx: Context) -> EngineOutput
    list_images(data: bytes, ctx: Context) -> list[tuple[str, bytes]]   # for the browser QR step
"""
from __future__ import annotations

from .._context import Context, EngineOutput
from ..errors import InternalError


def analyse_ofd(data: bytes, ctx: Context) -> EngineOutput:
    raise InternalError("OFD engine not implemented yet")


def list_images(data: bytes, ctx: Context) -> list[tuple[str, bytes]]:
    return []
