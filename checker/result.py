"""Result objects: frozen dataclasses with a stable JSON form.

The JSON produced by :meth:`Result.to_dict` is a contract shared by the CLI
(``--json``), the browser page and the tests.  Add keys; never rename them.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from . import messages
from .messages import Severity

Verdict = Literal["pass", "warn", "fail", "error"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail", "error")
# Which severity decides the verdict: evidence of forgery (fail) outranks "nothing can be judged"
# (error), which outranks "cannot vouch" (warn).
_PRECEDENCE: tuple[Verdict, ...] = ("pass", "warn", "error", "fail")
_RANK = {"info": 0, "pass": 0, "warn": 1, "error": 2, "fail": 3}


@dataclass(frozen=True)
class Finding:
    """One observation with a stable code, its severity and its message in Chinese and English."""

    code: str
    severity: Severity
    message: str  # Chinese
    message_en: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def make(cls, code: str, severity: Severity | None = None, **params: Any) -> Finding:
        """Build a finding from the message table.  ``severity`` overrides the default."""
        msg = messages.lookup(code)
        sev = severity or msg.severity
        if sev not in messages.SEVERITIES:
            raise ValueError(f"bad severity {sev!r}")
        p = {k: v for k, v in params.items()}
        return cls(
            code=code,
            severity=sev,
            message=messages.render(msg.zh, p),
            message_en=messages.render(msg.en, p),
            params=tuple(sorted((k, _plain(v)) for k, v in p.items())),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "message_en": self.message_en,
            "params": dict(self.params),
        }


@dataclass(frozen=True)
class SignatureReport:
    """One signature or seal (PDF CMS signature, document timestamp, OFD seal)."""

    index: int  # 1-based, in file order
    kind: str  # "pdf-signature" | "pdf-timestamp" | "ofd-seal" | "ofd-sign"
    intact: bool  # digest and signature value verified, content unchanged
    trusted: bool  # chains to a trust anchor of the active store
    algorithm: str  # e.g. "SM2-SM3", "RSA-SHA256", "ECDSA-SHA384", "RSA-PSS-SHA256"
    signer: str = ""  # subject of the signer certificate, readable
    issuer: str = ""
    signed_at: str | None = None  # ISO 8601 (claimed signing time or timestamp)
    covers_whole_file: bool = False
    seal_name: str | None = None  # OFD seal name / PDF signature field name
    revision: int | None = None  # PDF: revision index the signature belongs to (1-based)
    covered: tuple[str, ...] = ()  # OFD: package files covered by references
    chain: tuple[str, ...] = ()  # subjects from signer up to the anchor
    anchor: str | None = None  # trust anchor subject when trusted
    anchor_sha256: str | None = None  # the anchor's SHA-256 fingerprint when trusted
    anchor_origin: str | None = None  # where the anchor comes from: bundled | demo | site | user | cli
    timestamp: str | None = None  # ISO time of a verified embedded timestamp
    codes: tuple[str, ...] = ()  # codes of the findings about this signature

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "intact": self.intact,
            "trusted": self.trusted,
            "algorithm": self.algorithm,
            "signer": self.signer,
            "issuer": self.issuer,
            "signed_at": self.signed_at,
            "covers_whole_file": self.covers_whole_file,
            "seal_name": self.seal_name,
            "revision": self.revision,
            "covered": list(self.covered),
            "chain": list(self.chain),
            "anchor": self.anchor,
            "anchor_sha256": self.anchor_sha256,
            "anchor_origin": self.anchor_origin,
            "timestamp": self.timestamp,
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class UnprotectedArea:
    """Where a part of the document that no signature protects draws on a page."""

    page: int  # 1-based
    box: tuple[float, float, float, float]  # x, y, w, h in page units (0..1, origin top left)
    file: str  # the unprotected file (OFD package path)
    what: str  # what it is, e.g. "page template", "image", "annotation"
    what_zh: str
    page_size: tuple[float, float] | None = None  # the page's width and height (OFD: mm)

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "box": list(self.box), "file": self.file, "what": self.what,
                "what_zh": self.what_zh, "page_size": list(self.page_size) if self.page_size else None}


@dataclass(frozen=True)
class QrReport:
    """One decoded QR code and the judgement of its payload."""

    text: str
    source: str = ""  # e.g. "page 1", "Doc_0/Res/image_3.png"
    is_url: bool = False
    host: str | None = None  # IDNA-normalised host when a URL
    official: bool = False  # host on the official list (label-boundary match)
    status: Severity = "info"  # severity of the judgement: info | warn | fail
    code: str = ""  # finding code that explains ``status``
    box: tuple[float, float, float, float] | None = None  # x, y, w, h in page units (0..1)
    unprotected: bool = False  # read from content that no signature protects

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "is_url": self.is_url,
            "host": self.host,
            "official": self.official,
            "status": self.status,
            "code": self.code,
            "box": list(self.box) if self.box else None,
            "unprotected": self.unprotected,
        }


@dataclass(frozen=True)
class Result:
    """The verdict for one file with everything that led to it (frozen, JSON via to_json)."""

    file: str
    format: str  # "pdf" | "ofd" | "unknown"
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    signatures: tuple[SignatureReport, ...] = ()
    qr: tuple[QrReport, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # printed fields, in reading order
    size: int = 0
    sha256: str = ""
    pages: int | None = None
    checker_version: str = ""
    unprotected: tuple[UnprotectedArea, ...] = ()  # what no signature protects, per page

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "signatures": [s.to_dict() for s in self.signatures],
            "qr": [q.to_dict() for q in self.qr],
            "fields": dict(self.fields),
            "size": self.size,
            "sha256": self.sha256,
            "pages": self.pages,
            "checker_version": self.checker_version,
            "unprotected": [a.to_dict() for a in self.unprotected],
        }

    def to_json(self, **kw: Any) -> str:
        kw.setdefault("ensure_ascii", False)
        kw.setdefault("sort_keys", False)
        return json.dumps(self.to_dict(), **kw)


def worst(severities: Iterable[str]) -> Verdict:
    """Verdict from severities: info-only → pass; else the one that decides (fail > error > warn)."""
    rank = 0
    for s in severities:
        rank = max(rank, _RANK[s])
    return _PRECEDENCE[rank]


def verdict_for(findings: Iterable[Finding], signatures: Iterable[SignatureReport]) -> Verdict:
    """The verdict rule (a contract; see README's verdict contract):

    * ``fail`` when any finding is evidence (fail): a proven modification or forgery decides even
      when another part of the file cannot be read;
    * else ``error`` when something could not be judged, else ``warn`` when we cannot vouch;
    * ``pass`` only when nothing objects **and** at least one signature is intact,
      trusted and covers the document, and every signature is intact.
    """
    v = worst(f.severity for f in findings)
    if v == "pass":
        signatures = list(signatures)
        proven = [s for s in signatures if s.intact and s.trusted and s.covers_whole_file]
        if not proven or not all(s.intact for s in signatures):
            return "warn"
    return v


def _plain(v: Any) -> Any:
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    return str(v)
