"""The QR decoder interface a shell may inject (CLI: PDFium + zxing-cpp, checker.cli.qr_native).  The core never imports one."""
from __future__ import annotations

from typing import Protocol, Sequence

from .options import QrInput


class QrDecoder(Protocol):
    """Injected QR decoder.  ``Options(qr_decoder=...)`` takes any object with these methods."""

    def decode_pdf(self, data: bytes, max_pages: int) -> Sequence[QrInput]: ...

    def decode_image(self, data: bytes, source: str) -> Sequence[QrInput]: ...
