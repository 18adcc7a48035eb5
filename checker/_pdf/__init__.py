"""PDF engine: revisions, /ByteRange, CMS, changes after signing.

Interface used by :mod:`checker.check`::

    analyse_pdf(data: bytes, ctx: Context) -> EngineOutput     # in :mod:`.engine`

Modules: ``objects`` (strict bounded parser), ``streams`` (bounded decoding), ``xref``
(sections, /Prev chains, revision views), ``document`` (object resolution), ``fields``
(AcroForm walk), ``byterange``, ``signature`` (one signature, step by step), ``sigverify``
(CMS and timestamps via checker._crypto), ``changes`` (what changed after each signature),
``text`` (page text: our own content-stream interpreter over ``content`` and ``fonts``; pypdf
only for what it does not cover).
"""
from __future__ import annotations

from .engine import analyse_pdf

__all__ = ["analyse_pdf"]
