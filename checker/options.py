"""Options of one check run (frozen; shells build them from flags or UI state)."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class QrInput:
    """A QR code decoded outside the core (browser: pdf.js + zxing-wasm)."""

    text: str
    source: str = ""  # "page 1", or an OFD image path
    box: tuple[float, float, float, float] | None = None  # x, y, w, h relative to the page (0..1)


class QrDecoder(Protocol):
    """A QR decoder a shell may inject (CLI: PDFium + zxing-cpp); the core never imports one.
    ``Options(qr_decoder=...)`` takes any object with these methods."""

    def decode_pdf(self, data: bytes, max_pages: int) -> Sequence[QrInput]: ...

    def decode_image(self, data: bytes, source: str) -> Sequence[QrInput]: ...


@dataclass(frozen=True)
class Options:
    """What a check trusts, its reference date, its limits and where QR codes come from (frozen)."""

    trust: tuple[bytes, ...] = ()  # extra trust anchors given by the caller (CLI --trust), PEM or DER: origin "cli"
    use_default_trust: bool = True  # the bundled real Chinese anchors: origin "bundled"
    trust_demo: bool = False  # explicit opt-in: trust the bundled demo CA (samples): origin "demo"
    site_trust: tuple[bytes, ...] = ()  # roots compiled into the built site by its administrator: origin "site"
    user_trust: tuple[bytes, ...] = ()  # roots a reader added in the browser: origin "user"
    today: _dt.date | None = None  # reference date for validity periods (None: system date)
    limits: Limits = DEFAULT_LIMITS
    qr_texts: tuple[QrInput, ...] | None = None  # pre-decoded QR codes (None: use qr_decoder)
    qr_decoder: QrDecoder | None = field(default=None, compare=False)

    def reference_date(self) -> _dt.date:
        return self.today or _dt.date.today()
