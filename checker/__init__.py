"""checker — verify Chongqing 二级建造师 electronic registration certificates (PDF / OFD).

Pure Python; runs unchanged on CPython ≥ 3.11 and on Pyodide.  Public API::

    from checker import check_bytes, check_file, Options
    result = check_file("cert.pdf", Options(today=date(2026, 11, 23)))
    result.verdict            # "pass" | "warn" | "fail" | "error"
    result.to_json()
"""
from __future__ import annotations

__version__ = "0.1.0"

from .check import PendingCheck, check_bytes, check_file, detect_format, list_images, start_check  # noqa: E402
from .errors import CheckerError  # noqa: E402
from .limits import Limits  # noqa: E402
from .options import Options, QrInput  # noqa: E402
from .result import Finding, QrReport, Result, SignatureReport  # noqa: E402

__all__ = [
    "__version__",
    "check_bytes",
    "check_file",
    "start_check",
    "PendingCheck",
    "detect_format",
    "list_images",
    "CheckerError",
    "Limits",
    "Options",
    "QrDecoder",
    "QrInput",
    "Finding",
    "QrReport",
    "Result",
    "SignatureReport",
]


def __getattr__(name: str):
    if name == "QrDecoder":  # loaded on first use (it needs typing; the checks do not)
        from ._decoder import QrDecoder

        return QrDecoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
