"""Verifying one electronic seal (SES_Signature) over bytes: OFD seals and PDF ``GM.sm2seal``.

The format decides *what* the seal's ``dataHash`` covers (an OFD's ``Signature.xml``, a
PDF's ``/ByteRange`` bytes); everything else is the same and lives here, recording its facts
in the shared :class:`~checker._signature_outcome.SignatureOutcome`:

1. :func:`parse` – the SES_Signature (:mod:`.ses`); each tolerated encoding an ``info`` note;
2. :func:`verify_value` – ``dataHash`` equals the hash of the covered bytes (strict, byte for
   byte), then the signature over DER(``TBS_Sign``) with the signer certificate's key;
3. :func:`check_seal` – the seal itself: its maker's signature, the signer listed in the
   seal, the signing time inside the seal's validity, the maker certificate's chain.

Parsing the signer certificate for display never stops step 2: only its key is needed.
"""
from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any

from asn1crypto import x509 as _x509

from .._signature_outcome import SignatureOutcome
from . import ses

# An OID some producers write as the seal's signature algorithm although it names the
# GM/T 0010 SignedData content type: easyofd.cn (tests/corpus/real/easyofdjava_image-seal.ofd).
# The key is an SM2 key and the value an SM2-with-SM3 signature (verified with OpenSSL 3).
_SM2_ALG_STAND_INS = ("1.2.156.10197.6.1.4.2.2",)
OID_SM2_SM3 = "1.2.156.10197.1.501"
_ROLE_ZH = {"signer": "签章人", "maker": "制章者"}


def parse(value: bytes, o: SignatureOutcome) -> ses.SesSignature | None:
    """Step 1: the structure; quirks become info notes.  None (and SIG_MALFORMED) if unreadable."""
    try:
        s = ses.parse_signature(value)
    except ses.SesError as exc:
        o.note("SIG_MALFORMED", detail=str(exc))
        return None
    for code, params in s.quirks:
        o.note(code, **params)
    o.seal_name = s.seal.name or o.seal_name
    o.signing_time = s.time
    return s


def info_note(s: ses.SesSignature, o: SignatureOutcome) -> None:
    """OFD_SEAL_INFO: the seal's name, standard, vendor and algorithm."""
    from .._crypto import sigalg

    std = "GM/T 0031-2014 (v1)" if s.version == "v1" else "GB/T 38540-2020 (v4)"
    o.note("OFD_SEAL_INFO", seal_name=s.seal.name or "?", standard=std, vendor=s.seal.vid or "?",
           algorithm=sigalg.describe(s.alg))


def verify_value(s: ses.SesSignature, chunks: Any, o: SignatureOutcome) -> bool:
    """Step 2: ``dataHash`` over ``chunks`` (bytes or a list of byte ranges), then the signature
    over DER(TBS_Sign).  True when both hold."""
    from .._crypto import CryptoError, sigalg
    from .._crypto.digest import hash_chunks

    o.algorithm = sigalg.describe(s.alg)
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        chunks = [chunks]
    try:
        dname = sigalg.digest_for(s.alg) or "sm3"
    except CryptoError:
        dname = "sm3"
    if not any(hmac.compare_digest(hash_chunks(n, chunks), s.data_hash) for n in dict.fromkeys((dname, "sm3"))):
        o.digest_mismatch()  # what dataHash covers changed, or the seal comes from elsewhere
        return False
    if o.integrity is None:
        o.integrity = True
    try:
        cert = _x509.Certificate.load(s.cert)
        spki = cert.public_key.dump()
    except (ValueError, TypeError, KeyError) as exc:
        o.note("SIG_MALFORMED", detail=f"signer certificate: {exc}")
        return False
    o.signer_cert = cert
    _displayable(cert, o, "signer")
    curve_note(spki, o)
    alg = s.alg
    if alg in _SM2_ALG_STAND_INS and _is_sm2_key(spki):
        o.note("ENC_SIG_ALG_OID", oid=alg, used="SM2-SM3")
        alg = OID_SM2_SM3
        o.algorithm = "SM2-SM3"
    _signature_quirk(alg, s.signature, "TBS_Sign", o)
    try:
        ok = sigalg.verify(alg, None, spki, s.tbs_der, s.signature)
    except CryptoError as exc:
        if exc.code == "CRYPTO_UNSUPPORTED_ALGORITHM":
            o.note("SIG_UNSUPPORTED_ALGORITHM", algorithm=f"{s.alg} ({exc.detail})")
        else:
            o.note("SIG_MALFORMED", detail=exc.detail or str(exc))
        return False
    o.value = bool(ok)
    return bool(ok)


def check_seal(ctx: Any, s: ses.SesSignature, o: SignatureOutcome, validate: Callable[..., Any]) -> None:
    """Step 3: the seal (``validate(ctx, cert, intermediates, at, usage=None)`` builds the maker's
    chain).  A ``fail`` note here makes the signature not intact."""
    from .._crypto import CryptoError

    seal = s.seal
    maker = _maker_certificate(seal, o)
    if maker is not None:
        _displayable(maker, o, "maker")
        chain = validate(ctx, maker, [], s.time, usage=None)
        if chain is None or not chain.trusted:
            o.note("OFD_SEAL_MAKER_UNTRUSTED", maker=_subject(maker))
    listed = False
    if seal.cert_list:
        listed = any(c == s.cert for c in seal.cert_list)
        if not listed:  # same key under another encoding of the certificate
            own_key = _spki(s.cert)
            listed = own_key is not None and any(_spki(c) == own_key for c in seal.cert_list)
    for alg_name, dig in seal.cert_digest_list:
        try:
            if hmac.compare_digest(_cert_digest(alg_name, s.cert), dig):
                listed = True
        except CryptoError:
            pass
    if not seal.cert_list and not seal.cert_digest_list:
        o.note("OFD_SEAL_SIGNER_UNCHECKED")
    elif not listed:
        o.note("OFD_SEAL_SIGNER_NOT_LISTED")
    if s.time and seal.valid_start and seal.valid_end and not (seal.valid_start <= s.time <= seal.valid_end):
        o.note("OFD_SEAL_EXPIRED", start=seal.valid_start.date().isoformat(),
               end=seal.valid_end.date().isoformat(), time=s.time.isoformat())


def _maker_certificate(seal: ses.SealInfo, o: SignatureOutcome) -> _x509.Certificate | None:
    """The maker's certificate when its signature over the seal verifies (else a fail note)."""
    from .._crypto import CryptoError, sigalg

    try:
        mcert = _x509.Certificate.load(seal.maker_cert)
        mspki = mcert.public_key.dump()
        alg = seal.maker_alg
        if alg in _SM2_ALG_STAND_INS and _is_sm2_key(mspki):
            o.note("ENC_SIG_ALG_OID", oid=alg, used="SM2-SM3")
            alg = OID_SM2_SM3
        _signature_quirk(alg, seal.maker_signature, "SESeal", o)
        for msg in seal.maker_messages:
            if sigalg.verify(alg, None, mspki, msg, seal.maker_signature):
                return mcert
    except CryptoError as exc:
        o.note("OFD_SEAL_MAKER_INVALID", detail=exc.detail or str(exc))
        return None
    except (ValueError, TypeError, KeyError) as exc:
        o.note("OFD_SEAL_MAKER_INVALID", detail=f"maker certificate: {exc}")
        return None
    o.note("OFD_SEAL_MAKER_INVALID", detail="signature")
    return None


def _cert_digest(alg_name: str, cert_der: bytes) -> bytes:
    from .._crypto.digest import hash_bytes

    name = alg_name.lower().strip().replace("-", "")
    return hash_bytes("sha256" if name in ("sha256", "2.16.840.1.101.3.4.2.1") else
                      "sha1" if name in ("sha1", "1.3.14.3.2.26") else "sm3", cert_der)


# -- helpers ------------------------------------------------------------------------
def curve_note(spki: bytes, o: SignatureOutcome) -> None:
    """ENC_SM2_CURVE_OID when the key names the SM2 curve in a variant form."""
    from .._crypto import CryptoError, sigalg

    try:
        written = sigalg.parse_public_key(spki).curve_written
    except CryptoError:
        return
    if written:
        o.note("ENC_SM2_CURVE_OID", oid=written)


def _is_sm2_key(spki: bytes) -> bool:
    from .._crypto import CryptoError, sigalg

    try:
        key = sigalg.parse_public_key(spki)
    except CryptoError:
        return False
    return key.kind == "ec" and key.curve_oid == sigalg.OID_SM2


def _signature_quirk(alg: str, sig: bytes, what: str, o: SignatureOutcome) -> None:
    """An SM2 signature value as raw r || s or with lenient INTEGERs: say so."""
    from .._crypto import sigalg, sm2

    if not sigalg.describe(alg).startswith("SM2"):
        return
    try:
        quirk = sm2.signature_quirk(sig)
    except ValueError:
        return  # not a signature at all: the verification says so
    if quirk == "raw":
        o.note("ENC_SM2_RAW_SIGNATURE", field=what)
    elif quirk == "integer":
        o.note("ENC_INTEGER_NOT_MINIMAL", field=what)


def _displayable(cert: _x509.Certificate, o: SignatureOutcome, role: str) -> None:
    """Note names that cannot be shown, or were read leniently (display only: the key and the
    chain are judged on their own)."""
    from .._crypto.x509 import check_name, name_quirks

    try:
        for part in ("subject", "issuer"):
            check_name(cert["tbs_certificate"][part])
    except (ValueError, TypeError, KeyError) as exc:
        o.note("SIG_CERT_UNREADABLE", role=role, role_zh=_ROLE_ZH[role], detail=str(exc).splitlines()[0][:120])
        return
    odd = name_quirks(cert.subject) + name_quirks(cert.issuer)
    if odd:
        o.note("ENC_NAME_STRING_TYPE", role=role, role_zh=_ROLE_ZH[role], attributes=", ".join(dict.fromkeys(odd)))


def _spki(cert_der: bytes) -> bytes | None:
    try:
        return _x509.Certificate.load(cert_der).public_key.dump()
    except (ValueError, TypeError, KeyError):
        return None


def _subject(cert: _x509.Certificate) -> str:
    from .._crypto.x509 import readable_name

    return readable_name(cert.subject)
