"""One PDF signature's CMS or document timestamp over its byte ranges, through :mod:`checker._crypto`."""
from __future__ import annotations

import hashlib
import hmac

from .._crypto import CryptoError
from .._der import der_length
from .._signature_outcome import SignatureOutcome

SUBFILTERS_CMS = ("adbe.pkcs7.detached", "ETSI.CAdES.detached")
SUBFILTER_SHA1 = "adbe.pkcs7.sha1"
SUBFILTER_TS = "ETSI.RFC3161"


def signed_der(out: SignatureOutcome, contents: bytes) -> bytes | None:
    """The DER structure in ``/Contents`` without its zero padding, or None (noted) when empty;
    bytes after it that are not padding are noted too."""
    n = der_length(contents)
    if n is None or n > len(contents) or not contents.strip(b"\x00"):
        out.note("PDF_SIG_EMPTY")
        return None
    if contents[n:].strip(b"\x00"):
        out.note("PDF_SIG_CONTENTS_JUNK")
    return contents[:n]


def verify_cms(out: SignatureOutcome, contents: bytes, subfilter: str, chunks: list, max_certs: int) -> None:
    """Verify ``/Contents`` (CMS bytes with zero padding) over the ByteRange ``chunks`` into ``out``."""
    from .._crypto import cms

    der = signed_der(out, contents)
    if der is None:
        return
    try:
        info = cms.parse_signed_data(der, max_certs=max_certs)
    except CryptoError as exc:
        out.note("SIG_MALFORMED", "fail", detail=exc.detail or exc.code)
        return
    if subfilter == SUBFILTER_TS:
        try:
            ts = cms.verify_timestamp_token(der, chunks)
        except CryptoError as exc:
            out.note("SIG_MALFORMED", "fail", detail=exc.detail or exc.code)
            return
        out.algorithm = ts.signature_algorithm
        out.signer_cert = ts.tsa_cert
        out.certificates = tuple(ts.certificates)
        out.signing_time = ts.gen_time
        out.timestamp = ts.gen_time if ts.valid else None
        out.crypto_problems(ts.problems)
        _settle(out, ts.intact, ts.valid)
        return
    if not info.signers:
        out.note("SIG_MALFORMED", "fail", detail="no SignerInfo")
        return
    if subfilter == SUBFILTER_SHA1:
        # the signed content is the SHA-1 digest of the ranges, encapsulated in the CMS
        v = cms.verify_signed_data(info, None)
        h = hashlib.sha1()
        for c in chunks:
            h.update(c)
        same = info.econtent is not None and hmac.compare_digest(bytes(info.econtent), h.digest())
        if not same:
            out.digest_mismatch()
        intact = same and v.intact
        valid = v.valid
        out.note("SIG_WEAK_DIGEST", algorithm="SHA-1 (adbe.pkcs7.sha1)")
    else:
        v = cms.verify_signed_data(info, chunks)
        v, mixed = cms.accept_data_oid_mix(info, v)  # PKCS#7-data vs GM/T 0010-data: both "data"
        if mixed:
            out.note("PDF_CMS_DATA_OID_MIX")
        intact, valid = v.intact, v.valid
    out.algorithm = v.signature_algorithm
    out.signer_cert = v.signer_cert
    out.certificates = tuple(v.certificates)
    out.signing_time = v.signing_time
    if v.timestamp is not None and v.timestamp.valid:
        out.timestamp = v.timestamp.gen_time
        out.ts_info = v.timestamp
    out.crypto_problems(v.problems, v.details)
    if valid:
        for code, params in cms.encoding_quirks(info, v.signer_cert):  # tolerated, and said so
            out.note(code, **params)
    _settle(out, intact, valid)


def _settle(out: SignatureOutcome, intact: bool, valid: bool) -> None:
    """Integrity and signature value as the crypto layer found them; its problem codes (already
    noted) say why when they do not hold."""
    if not intact:
        out.integrity = False
    elif out.integrity is None:
        out.integrity = True
    if out.value is None:
        out.value = bool(valid)
