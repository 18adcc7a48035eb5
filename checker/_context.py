"""Per-file working state shared by the engines (private)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import TimeLimitExceeded
from .limits import Limits
from .messages import Severity
from .options import Options, QrInput
from .result import Finding, QrReport, SignatureReport, UnprotectedArea

if TYPE_CHECKING:
    from ._crypto.trust import TrustStore


@dataclass(slots=True)
class EngineOutput:
    """What a format engine (PDF, OFD) hands back to :mod:`checker.check`."""

    signatures: list[SignatureReport] = field(default_factory=list)
    text: str = ""  # visible text of the document in reading order (for printed fields)
    pages: int | None = None
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (source, PNG/JPEG bytes) for QR
    qr: list[QrInput] = field(default_factory=list)  # QR codes the engine decoded itself
    signer_names: list[str] = field(default_factory=list)  # subjects (CN / O) of intact signers
    unprotected: list[UnprotectedArea] = field(default_factory=list)  # where no signature protects
    unprotected_files: list[str] = field(default_factory=list)  # package files no signature protects


@dataclass(slots=True)
class Context:
    """One check run: its options, the findings so far, the time budget and what the certificate
    checks read from the document (printed fields, judged QR codes)."""

    options: Options
    filename: str = ""
    findings: list[Finding] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    fields: list[tuple[str, str]] = field(default_factory=list)  # printed fields, in FIELD_KEYS order
    qr_reports: list[QrReport] = field(default_factory=list)  # QR codes judged, in reading order
    _trust: TrustStore | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def limits(self) -> Limits:
        return self.options.limits

    def add(self, code: str, severity: Severity | None = None, **params: Any) -> Finding:
        f = Finding.make(code, severity, **params)
        self.findings.append(f)
        return f

    def check_time(self) -> None:
        """Call in loops: raises :class:`TimeLimitExceeded` past the time budget."""
        if time.monotonic() - self.started > self.limits.max_seconds:
            raise TimeLimitExceeded(limit=self.limits.max_seconds)

    @property
    def trust(self) -> TrustStore:
        """The active trust store (built lazily from the options)."""
        if self._trust is None:
            from ._crypto.trust import TrustStore

            self._trust = TrustStore.from_options(self.options)
        return self._trust
