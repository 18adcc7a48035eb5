"""From a verification outcome to findings and a :class:`SignatureReport`, for PDF and OFD alike.

Each engine verifies a signature in its own format (PDF: ``/ByteRange`` and CMS; OFD: the
``References`` of ``Signature.xml`` and an SES seal or CMS) and records what it established in a
:class:`SignatureOutcome`.  :func:`conclude` then reports every fact with one code, the same in
both formats, in a fixed order:

1. **structure** – what the engine noted while reading the signature (``note``);
2. **integrity** – the signed content is what was signed: ``SIG_DIGEST_MISMATCH`` names what
   changed (the PDF's signed byte ranges, an OFD package file, an OFD ``Signature.xml``);
3. **signature value** – ``SIG_INVALID`` unless a more precise code already explains it;
4. ``SIG_OK`` when both hold and nothing in the structure is evidence of forgery; only then
5. **chain and anchor** – ``SIG_TRUSTED`` / ``SIG_UNTRUSTED`` / ``SIG_DEMO_CA`` and the chain's own
   problems (a signature that does not verify has no signer worth naming);
6. **time** – ``SIG_CERT_EXPIRED_UNPROVEN`` when the signer certificate has expired and no
   trusted timestamp proves the signature is older;
7. **coverage** – what the signature does not protect, and changes made after it (``scope``).

The verdict policy these findings feed (``checker.result.verdict_for``): ``fail`` is evidence,
``warn`` is "cannot vouch", ``error`` is "nothing can be judged".
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from . import messages
from ._context import Context
from .messages import Severity
from .result import SignatureReport

# CRYPTO_* codes of checker._crypto that state a fact this module names in its own words
_CRYPTO_FACTS = {
    "CRYPTO_DIGEST_MISMATCH": "SIG_DIGEST_MISMATCH",
    "CRYPTO_SIGNATURE_INVALID": "SIG_INVALID",
    "CRYPTO_UNSUPPORTED_ALGORITHM": "SIG_UNSUPPORTED_ALGORITHM",
    "CRYPTO_WEAK_DIGEST": "SIG_WEAK_DIGEST",
}


@dataclass(slots=True)
class Note:
    """One fact about a signature: a finding code, its severity when not the default, params."""

    code: str
    severity: Severity | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_severity(self) -> Severity:
        return self.severity or messages.lookup(self.code).severity


@dataclass(slots=True)
class SignatureOutcome:
    """What an engine established about one signature; :func:`conclude` turns it into findings."""

    index: int  # 1-based, in file order
    kind: str  # "pdf-signature" | "pdf-timestamp" | "ofd-seal" | "ofd-sign"
    signed_what: tuple[str, str] = ("the signed content", "被签名的内容")  # (en, zh) for the digest
    seal_name: str | None = None
    revision: int | None = None
    algorithm: str = ""
    signer_cert: Any = None  # asn1crypto Certificate
    certificates: tuple[Any, ...] = ()  # certificates offered for path building (may hold the signer)
    usage: str = "signing"  # key usage the chain must allow: "signing" | "timestamping"
    signing_time: _dt.datetime | None = None  # claimed by the signer
    timestamp: _dt.datetime | None = None  # of a verified embedded timestamp
    ts_info: Any = None  # that timestamp (its TSA is chain-checked to prove the signing time)
    shown_time: str | None = None  # ISO time to show when neither of the above is known (PDF /M)
    integrity: bool | None = None  # None: not established (the digests were never compared)
    value: bool | None = None  # the signature value verifies with the signer's key
    covers_whole_file: bool = False
    covered: tuple[str, ...] = ()  # OFD: package files whose digest matched
    notes: list[Note] = field(default_factory=list)  # structure, read before the verdict
    mismatches: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    scope: list[Note] = field(default_factory=list)  # coverage and later changes
    # filled by conclude()
    trusted: bool = False
    chain: tuple[str, ...] = ()
    anchor: Any = None  # the trust store's Anchor the chain ends in

    # -- the one way an engine reports what it found --------------------------------------
    def note(self, code: str, severity: Severity | None = None, **params: Any) -> None:
        """A fact found while reading or verifying the signature."""
        self.notes.append(Note(code, severity, params))

    def digest_mismatch(self, what: str | None = None, what_zh: str | None = None, **params: Any) -> None:
        """The digest of ``what`` differs from the one that was signed."""
        self.integrity = False
        en, zh = self.signed_what
        self.mismatches.append((what or en, what_zh or zh, params))

    def crypto_problems(self, problems: tuple[str, ...] | list[str], details: Any = ()) -> None:
        """The CRYPTO_* / TRUST_* codes of :mod:`checker._crypto`, each reported once."""
        det = dict(details or ())
        for code in problems:
            detail = det.get(code, "")
            fact = _CRYPTO_FACTS.get(code)
            if fact == "SIG_DIGEST_MISMATCH":
                self.digest_mismatch()
            elif fact == "SIG_INVALID":
                self.value = False
            elif fact:
                self.note(fact, algorithm=detail or self.algorithm or "?", detail=detail)
            elif code in messages.MESSAGES:
                self.note(code, detail=detail)
            else:
                self.note("SIG_MALFORMED", "fail", detail=code)

    def embedded_timestamp(self, ts: Any, error: str | None = None) -> None:
        """An RFC 3161 token over the signature value (PDF unsigned attribute, OFD v4 timeStamp):
        the same codes in both formats; only a verified one dates the signature."""
        if error is not None:
            self.note("CRYPTO_TIMESTAMP_MALFORMED", detail=error)
        elif not ts.intact:
            self.note("CRYPTO_TIMESTAMP_MISMATCH")
        elif not ts.valid:
            self.note("CRYPTO_TIMESTAMP_INVALID")
        else:
            self.timestamp, self.ts_info = ts.gen_time, ts

    def later(self, code: str, severity: Severity | None = None, **params: Any) -> None:
        """What the signature does not protect, or what changed after it."""
        self.scope.append(Note(code, severity, params))

    # -- what the notes add up to ----------------------------------------------------------
    @property
    def evidence(self) -> bool:
        """A structure note is itself evidence against the signature (a ``fail``)."""
        return any(n.effective_severity == "fail" for n in self.notes)

    @property
    def intact(self) -> bool:
        """Content and signature value verified, and nothing in the signature objects."""
        return self.integrity is True and self.value is True and not self.evidence


def conclude(ctx: Context, o: SignatureOutcome) -> SignatureReport:
    """Report ``o`` as findings (in the order of the module docstring) and return its report."""
    from ._crypto.trust import anchor_fields

    codes: list[str] = []

    def add(code: str, severity: Severity | None = None, **params: Any) -> None:
        params.setdefault("index", o.index)
        ctx.add(code, severity, **params)
        if code not in codes:
            codes.append(code)

    for n in o.notes:
        add(n.code, n.severity, **n.params)
    for what, what_zh, params in _unique(o.mismatches):
        add("SIG_DIGEST_MISMATCH", what=what, what_zh=what_zh, **params)
    if (o.value is False or o.integrity is False) and not o.mismatches and not _explained(o):
        add("SIG_INVALID")  # nothing more precise says why it does not verify
    intact = o.intact
    if intact:
        add("SIG_OK")
        for n in _chain_and_time(ctx, o):
            add(n.code, n.severity, **n.params)
    for n in o.scope:
        add(n.code, n.severity, **n.params)
    return SignatureReport(
        index=o.index,
        kind=o.kind,
        intact=intact,
        trusted=intact and o.trusted,
        algorithm=o.algorithm or ("?" if o.kind.startswith("ofd") else ""),
        signer=_readable(o.signer_cert, "subject"),
        issuer=_readable(o.signer_cert, "issuer"),
        signed_at=_iso(o.timestamp or o.signing_time) or o.shown_time,
        covers_whole_file=intact and o.covers_whole_file,
        seal_name=o.seal_name,
        revision=o.revision,
        covered=o.covered,
        chain=o.chain,
        **anchor_fields(o.anchor if intact and o.trusted else None),
        timestamp=_iso(o.timestamp),
        codes=tuple(codes),
    )


def _unique(mismatches):
    seen = set()
    for what, what_zh, params in mismatches:
        if what not in seen:
            seen.add(what)
            yield what, what_zh, params


def _explained(o: SignatureOutcome) -> bool:
    """A note already says why the value does not verify (malformed, unsupported, no certificate)."""
    return any(n.effective_severity in ("warn", "fail", "error")
               for n in o.notes if n.code != "SIG_WEAK_DIGEST")


# -- chain, anchor and time ---------------------------------------------------------------
def _chain_and_time(ctx: Context, o: SignatureOutcome) -> list[Note]:
    """Validate the signer's chain at the proven (or claimed) signing time; fills o.trusted etc."""
    from ._crypto.trust import expired_on, proven_signing_time

    out: list[Note] = []
    cert = o.signer_cert
    store = ctx.trust
    if cert is None or getattr(store, "validate", None) is None:
        return [Note("SIG_UNTRUSTED")]
    others = [c for c in o.certificates if c is not cert and _der(c) != _der(cert)]
    at, proven = proven_signing_time(store, o.signing_time, o.ts_info, others)
    res = store.validate(cert, others, at, usage=o.usage)
    o.trusted = bool(res.trusted)
    o.chain = tuple(res.subjects)
    o.anchor = res.anchor
    details = dict(res.details or ())
    for code in res.problems:
        if code in messages.MESSAGES:
            out.append(Note(code, None, {"detail": details.get(code, "")}))
    if o.trusted and not proven:
        until = expired_on(cert, ctx.options.reference_date())
        if until:
            out.append(Note("SIG_CERT_EXPIRED_UNPROVEN", None, {"until": until}))
    if o.trusted:
        if res.anchor_is_demo:
            out.append(Note("SIG_DEMO_CA"))
        out.append(Note("SIG_TRUSTED", None, {"anchor": o.anchor.name, "anchor_sha256": o.anchor.sha256,
                                               "anchor_origin": o.anchor.origin}))
    else:
        out.append(Note("SIG_UNTRUSTED"))
    return out


def _der(cert: Any) -> bytes | None:
    try:
        return cert.dump()
    except (AttributeError, ValueError, TypeError):
        return None


def _readable(cert: Any, which: str) -> str:
    """Readable subject or issuer; an unreadable name never hides the verification result."""
    if cert is None:
        return ""
    from ._crypto.x509 import readable_name

    try:
        return readable_name(getattr(cert, which))
    except (ValueError, TypeError, KeyError, AttributeError):
        return "?"


def _iso(t: _dt.datetime | None) -> str | None:
    return t.isoformat() if t is not None else None
