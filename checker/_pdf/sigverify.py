"""One PDF signature: CMS / timestamp verification through :mod:`checker._crypto`, and trust."""
from __future__ import annotations

import datetime as _dt
import hashlib
import hmac

from .._record import field, record
from .. import messages
from .._crypto import CryptoError
from .byterange import der_length

SUBFILTERS_CMS = ("adbe.pkcs7.detached", "ETSI.CAdES.detached")
SUBFILTER_SHA1 = "adbe.pkcs7.sha1"
SUBFILTER_TS = "ETSI.RFC3161"


@record
class CmsOutcome:
    """The cryptographic outcome of a PDF signature's CMS over its byte ranges."""

    intact: bool = False  # digest over the ranges matches
    valid: bool = False  # and the signature value verifies
    algorithm: str = ""
    signer_cert: object = None
    certificates: tuple = ()
    signing_time: _dt.datetime | None = None
    timestamp: _dt.datetime | None = None  # verified timestamp (embedded or the document timestamp)
    ts_info: object = None  # the embedded token's TimestampInfo (its TSA is chain-checked in check_trust)
    findings: list = field(default_factory=list)  # (code, severity|None, params)


def _find(out: CmsOutcome, code: str, severity: str | None = None, **params) -> None:
    out.findings.append((code, severity, params))


def verify_cms(contents: bytes, subfilter: str, chunks: list, index: int, max_certs: int) -> CmsOutcome:
    """Verify ``/Contents`` (CMS bytes with zero padding) over the ByteRange ``chunks``."""
    from .._crypto import cms

    out = CmsOutcome()
    n = der_length(contents)
    if n is None or n > len(contents) or not contents.strip(b"\x00"):
        _find(out, "PDF_SIG_EMPTY", index=index)
        return out
    if contents[n:].strip(b"\x00"):
        _find(out, "PDF_SIG_CONTENTS_JUNK", index=index)
    der = contents[:n]
    try:
        info = cms.parse_signed_data(der, max_certs=max_certs)
    except CryptoError as exc:
        _find(out, "SIG_MALFORMED", "fail", index=index, detail=exc.detail or exc.code)
        return out
    if subfilter == SUBFILTER_TS:
        try:
            ts = cms.verify_timestamp_token(der, chunks)
        except CryptoError as exc:
            _find(out, "SIG_MALFORMED", "fail", index=index, detail=exc.detail or exc.code)
            return out
        out.intact = ts.intact
        out.valid = ts.valid
        out.algorithm = ts.signature_algorithm
        out.signer_cert = ts.tsa_cert
        out.certificates = ts.certificates
        out.signing_time = ts.gen_time
        out.timestamp = ts.gen_time if ts.valid else None
        _crypto_findings(out, ts.problems, (), index)
        return out
    if not info.signers:
        _find(out, "SIG_MALFORMED", "fail", index=index, detail="no SignerInfo")
        return out
    if subfilter == SUBFILTER_SHA1:
        # the signed content is the SHA-1 digest of the ranges, encapsulated in the CMS
        v = cms.verify_signed_data(info, None)
        h = hashlib.sha1()
        for c in chunks:
            h.update(c)
        same = info.econtent is not None and hmac.compare_digest(bytes(info.econtent), h.digest())
        if not same:
            _find(out, "SIG_DIGEST_MISMATCH", index=index)
        intact = same and v.intact
        valid = intact and v.valid
        _find(out, "SIG_WEAK_DIGEST", index=index, algorithm="SHA-1 (adbe.pkcs7.sha1)")
    else:
        v = cms.verify_signed_data(info, chunks)
        v, mixed = cms.accept_data_oid_mix(info, v)  # PKCS#7-data vs GM/T 0010-data: both "data"
        if mixed:
            _find(out, "PDF_CMS_DATA_OID_MIX", index=index)
        intact, valid = v.intact, v.valid
    out.intact = intact
    out.valid = valid
    out.algorithm = v.signature_algorithm
    out.signer_cert = v.signer_cert
    out.certificates = v.certificates
    out.signing_time = v.signing_time
    if v.timestamp is not None and v.timestamp.valid:
        out.timestamp = v.timestamp.gen_time
        out.ts_info = v.timestamp
    _crypto_findings(out, v.problems, v.details, index)
    return out


_MAP = {
    "CRYPTO_DIGEST_MISMATCH": "SIG_DIGEST_MISMATCH",
    "CRYPTO_SIGNATURE_INVALID": "SIG_INVALID",
    "CRYPTO_UNSUPPORTED_ALGORITHM": "SIG_UNSUPPORTED_ALGORITHM",
    "CRYPTO_WEAK_DIGEST": "SIG_WEAK_DIGEST",
}


def _crypto_findings(out: CmsOutcome, problems, details, index: int) -> None:
    det = dict(details or ())
    for code in problems:
        detail = det.get(code, "")
        mapped = _MAP.get(code)
        if mapped:
            _find(out, mapped, index=index, algorithm=detail or out.algorithm, detail=detail)
        elif code in messages.MESSAGES:
            _find(out, code, index=index, detail=detail)
        else:
            _find(out, "SIG_MALFORMED", "fail", index=index, detail=code)


def check_trust(ctx, out: CmsOutcome, index: int, usage: str = "signing"):
    """``(trusted, chain, anchor, findings)`` for the signer of ``out``; ``anchor`` is the
    :class:`~checker._crypto.trust.Anchor` the chain ends in, or None."""
    findings: list = []
    cert = out.signer_cert
    if cert is None:
        return False, (), None, findings
    store = ctx.trust
    validate = getattr(store, "validate", None)
    if validate is None:  # trust store not available in this build
        findings.append(("SIG_UNTRUSTED", None, {"index": index}))
        return False, (), None, findings
    from .._crypto.trust import expired_on, proven_signing_time

    at, proven = proven_signing_time(store, out.signing_time, out.ts_info, out.certificates)
    others = [c for c in out.certificates if c is not cert]
    try:
        res = validate(cert, others, at, usage=usage)
    except CryptoError as exc:
        findings.append(("SIG_UNTRUSTED", None, {"index": index, "detail": exc.detail}))
        return False, (), None, findings
    chain = tuple(getattr(res, "subjects", ()) or ())
    anchor = res.anchor
    det = dict(getattr(res, "details", ()) or ())
    for p in getattr(res, "problems", ()) or ():
        code = p if isinstance(p, str) else getattr(p, "code", str(p))
        if code in messages.MESSAGES:
            findings.append((code, None, {"index": index, "detail": det.get(code, "")}))
    if res.trusted and not proven:
        until = expired_on(cert, ctx.options.reference_date())
        if until:
            findings.append(("SIG_CERT_EXPIRED_UNPROVEN", None, {"index": index, "until": until}))
    if res.trusted:
        if getattr(res, "anchor_is_demo", False):
            findings.append(("SIG_DEMO_CA", None, {"index": index}))
        findings.append(("SIG_TRUSTED", None, {"index": index, "anchor": anchor.name,
                                               "anchor_sha256": anchor.sha256, "anchor_origin": anchor.origin}))
    else:
        findings.append(("SIG_UNTRUSTED", None, {"index": index}))
    return bool(res.trusted), chain, anchor, findings


def cert_names(cert) -> tuple[str, str, str]:
    """(subject readable, issuer readable, short signer name CN/O)."""
    from .._crypto.x509 import common_name, readable_name

    if cert is None:
        return "", "", ""
    try:
        subj = readable_name(cert.subject)
        iss = readable_name(cert.issuer)
    except Exception:  # an unreadable name must not hide the verification result
        return "?", "?", "?"
    try:
        short = common_name(cert.subject) or subj
    except Exception:
        short = subj
    return subj, iss, short
