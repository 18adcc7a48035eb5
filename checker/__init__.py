"""checker — verify Chongqing 二级建造师 electronic registration certificates (PDF / OFD).

Pure Python; runs unchanged on CPython ≥ 3.11 and on Pyodide.  Public API::

    from checker import check_bytes, check_file, Options
    result = check_file("cert.pdf", Options(today=date(2026, 11, 23)))
    result.verdict            # "pass" | "warn" | "fail" | "error"
    result.to_json()
"""
from __future__ import annotations

from ._version import __version__
from .check import PendingCheck, check_bytes, check_file, detect_format, list_images, start_check
from .errors import CheckerError
from .limits import Limits
from .options import Options, QrDecoder, QrInput
from .result import Finding, QrReport, Result, SignatureReport

__all__ = [
    "CheckerError",
    "Finding",
    "Limits",
    "Options",
    "PendingCheck",
    "QrDecoder",
    "QrInput",
    "QrReport",
    "Result",
    "SignatureReport",
    "__version__",
    "check_bytes",
    "check_file",
    "detect_format",
    "list_images",
    "start_check",
]
