"""The command-line shell (``python -m checker``, the ``cq-cert-check`` script).

CLI-only modules live here: the native QR decoder (PDFium + zxing-cpp, :mod:`.qr_native`) and
the parallel batch (:mod:`.batch`).  The core never imports this package.
"""
from __future__ import annotations

from .main import check_one, main, run

__all__ = ["check_one", "main", "run"]
