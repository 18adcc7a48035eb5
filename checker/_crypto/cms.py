"""CMS SignedData (RFC 5652, GM/T 0010) parsing and verification, RFC 3161 timestamp tokens.

The caller supplies the signed content (PDF: the ByteRange pieces; OFD: the signed file) — this
module never decides *what* should be covered, only whether the signature covers what it is given.
"""
from __future__ import annotations

import datetime as _dt
import hmac
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from asn1crypto import cms as _cms, core, parser as _asn1_parser, tsp as _tsp, x509 as _x509

from . import CryptoError, MalformedCrypto, UnsupportedAlgorithm
from .digest import WEAK_DIGESTS, hash_bytes, hash_chunks, name_for_oid
from .sigalg import describe as _describe, digest_for as _digest_for, verify as _verify
from .x509 import Certificate, check_name, load_certificate

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_GM_SIGNED_DATA = "1.2.156.10197.6.1.4.2.2"
OID_DATA = "1.2.840.113549.1.7.1"
OID_GM_DATA = "1.2.156.10197.6.1.4.2.1"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_TIME = "1.2.840.113549.1.9.5"
OID_TIMESTAMP_TOKEN = "1.2.840.113549.1.9.16.2.14"
OID_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"
OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"

# problems that make a signature invalid even when the signature value itself verifies
_INVALIDATING = frozenset({
    "CRYPTO_CONTENT_TYPE_MISMATCH", "CRYPTO_ATTRIBUTE_REPEATED", "CRYPTO_NO_MESSAGE_DIGEST",
    "CRYPTO_SIGNING_CERT_MISMATCH", "CRYPTO_CONTENT_CONFLICT", "CRYPTO_NO_CONTENT", "CRYPTO_DIGEST_MISMATCH",
})

_SIGNED_DATA_OIDS = (OID_SIGNED_DATA, OID_GM_SIGNED_DATA)
_DATA_OIDS = (OID_DATA, OID_GM_DATA)


class _ContentInfo(_cms.ContentInfo):
    _oid_specs: ClassVar[dict[str, type]] = dict(_cms.ContentInfo._oid_specs, **{OID_GM_SIGNED_DATA: _cms.SignedData})


@dataclass(frozen=True, slots=True)
class SignerData:
    """One SignerInfo, decoded."""

    index: int
    sid_kind: str  # "issuer_and_serial" | "ski"
    issuer: Any  # asn1crypto Name or None
    serial: int | None
    ski: bytes | None
    digest_oid: str
    sig_alg_oid: str
    sig_params: bytes | None
    signature: bytes
    signed_attrs_der: bytes | None  # DER SET OF Attribute as signed (tag 0x31)
    signed_attrs: tuple[tuple[str, tuple[Any, ...]], ...]  # (oid, values as asn1crypto objects)
    unsigned_attrs: tuple[tuple[str, tuple[Any, ...]], ...]

    def attr(self, oid: str, unsigned: bool = False) -> tuple[Any, ...] | None:
        """Values of the (single) attribute ``oid``; None if absent.  Duplicates -> MalformedCrypto."""
        found = [v for o, v in (self.unsigned_attrs if unsigned else self.signed_attrs) if o == oid]
        if not found:
            return None
        if len(found) > 1:
            raise MalformedCrypto(f"attribute {oid} repeated")
        return found[0]


@dataclass(frozen=True, slots=True)
class SignedDataInfo:
    """A parsed CMS / PKCS #7 SignedData (or GM/T 0010 SignedData)."""

    outer_oid: str  # SignedData OID used (PKCS#7 or GM/T 0010)
    content_type: str  # eContentType
    econtent: bytes | None  # encapsulated content (None when detached)
    certificates: tuple[Certificate, ...]
    signers: tuple[SignerData, ...]
    digest_oids: tuple[str, ...]

    @property
    def is_gm(self) -> bool:
        return self.outer_oid == OID_GM_SIGNED_DATA


@dataclass(frozen=True, slots=True)
class TimestampInfo:
    """An RFC 3161 timestamp token found in a signature, checked against the signature value."""

    intact: bool  # messageImprint matches the data
    valid: bool  # intact and the TSA signature verifies
    gen_time: _dt.datetime | None
    hash_algorithm: str
    tsa_cert: Certificate | None
    certificates: tuple[Certificate, ...] = ()
    serial: int | None = None
    signature_algorithm: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CmsVerification:
    """The outcome of verifying one signer of a SignedData over its content."""

    intact: bool  # messageDigest (or signature without signed attrs) matches the content
    valid: bool  # intact and the signature value verifies with the signer certificate
    digest_algorithm: str  # "sha256", "sm3", …
    signature_algorithm: str  # "SM2-SM3", "RSA-SHA256", …
    signer_cert: Certificate | None
    certificates: tuple[Certificate, ...] = ()
    signing_time: _dt.datetime | None = None  # claimed (signed attribute), not proven
    timestamp: TimestampInfo | None = None  # embedded RFC 3161 token over the signature
    problems: tuple[str, ...] = ()  # CRYPTO_* codes (see checker.messages)
    signer_count: int = 1
    content_type: str = ""
    details: tuple[tuple[str, str], ...] = field(default=())  # (code, detail) for messages


def _bytes(v) -> bytes:
    return v.dump()


def parse_signed_data(der: bytes, *, max_certs: int = 64) -> SignedDataInfo:
    """Parse a DER ContentInfo holding SignedData.  Raises MalformedCrypto on any structural error.

    Trailing zero padding (PDF /Contents) is tolerated; any other trailing data is not.
    """
    der = bytes(der)
    try:
        ci = _ContentInfo.load(der)
        consumed = _asn1_parser.peek(der)  # exact length, also for BER indefinite-length input
    except (ValueError, TypeError) as exc:
        raise MalformedCrypto(f"not a DER ContentInfo: {exc}") from None
    if der[consumed:].strip(b"\x00"):
        raise MalformedCrypto("data after the CMS structure")
    try:
        oid = ci["content_type"].dotted
        _ = ci["content_type"].native  # parse now (asn1crypto parses lazily)
        if oid not in _SIGNED_DATA_OIDS:
            raise MalformedCrypto(f"not SignedData ({oid})")
        sd = ci["content"]
        if not isinstance(sd, _cms.SignedData) or not sd.contents:
            raise MalformedCrypto("SignedData missing")
        encap = sd["encap_content_info"]
        ctype = encap["content_type"].dotted
        econtent = None
        ec = encap["content"]
        if ec is not None and not isinstance(ec, core.Void):
            if isinstance(ec, core.Any):
                ec = ec.parsed
            if isinstance(ec, core.ParsableOctetString):
                econtent = bytes(ec)
            elif isinstance(ec, core.OctetString):
                econtent = ec.native
            else:
                raise MalformedCrypto("eContent is not an OCTET STRING")
        certs: list[Certificate] = []
        cert_set = sd["certificates"]
        if cert_set is not None and cert_set.contents:
            for choice in cert_set:
                if len(certs) >= max_certs:
                    raise MalformedCrypto(f"more than {max_certs} certificates")
                if choice.name != "certificate":
                    continue  # attribute / other certificate formats: ignored
                certs.append(load_certificate(choice.chosen.dump()))
        signers = []
        for i, si in enumerate(sd["signer_infos"]):
            signers.append(_signer(i, si))
        if not signers:
            raise MalformedCrypto("no SignerInfo")
        digest_oids = tuple(a["algorithm"].dotted for a in sd["digest_algorithms"])
    except CryptoError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise MalformedCrypto(f"bad SignedData: {exc}") from None
    return SignedDataInfo(oid, ctype, econtent, tuple(certs), tuple(signers), digest_oids)


def _attrs(attrs) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    out = []
    if attrs is None or not attrs.contents:
        return ()
    for a in attrs:
        out.append((a["type"].dotted, tuple(a["values"])))
    return tuple(out)


def _signer(i: int, si) -> SignerData:
    sid = si["sid"]
    issuer = serial = ski = None
    if sid.name == "issuer_and_serial_number":
        kind = "issuer_and_serial"
        issuer = sid.chosen["issuer"]
        check_name(issuer)  # parse now: a broken name is a malformed SignedData
        serial = sid.chosen["serial_number"].native
    else:
        kind = "ski"
        ski = sid.chosen.native
    sa = si["signed_attrs"]
    sa_der = None
    if sa is not None and sa.contents:
        raw = sa.dump()
        sa_der = b"\x31" + raw[1:]  # [0] IMPLICIT -> SET OF (RFC 5652 §5.4)
    alg = si["signature_algorithm"]
    params = alg["parameters"]
    pdump = params.dump() if params is not None and params.contents else None
    return SignerData(
        index=i,
        sid_kind=kind,
        issuer=issuer,
        serial=serial,
        ski=ski,
        digest_oid=si["digest_algorithm"]["algorithm"].dotted,
        sig_alg_oid=alg["algorithm"].dotted,
        sig_params=pdump,
        signature=si["signature"].native,
        signed_attrs_der=sa_der,
        signed_attrs=_attrs(sa),
        unsigned_attrs=_attrs(si["unsigned_attrs"]),
    )


def _same_name(a, b) -> bool:
    try:
        return a.dump() == b.dump() or a == b
    except (ValueError, TypeError, KeyError, AttributeError):
        return False


def find_signer_cert(info: SignedDataInfo, signer: SignerData) -> Certificate | None:
    for c in info.certificates:
        try:
            if signer.sid_kind == "ski":
                if c.key_identifier is not None and c.key_identifier == signer.ski:
                    return c
            elif c.serial_number == signer.serial and _same_name(c.issuer, signer.issuer):
                return c
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return None


def _content_chunks(content) -> list:
    if content is None:
        return []
    if isinstance(content, (bytes, bytearray, memoryview)):
        return [content]
    return list(content)


def _time(v) -> _dt.datetime | None:
    try:
        t = v.native
    except (ValueError, TypeError):
        return None
    return t if isinstance(t, _dt.datetime) else None


def verify_signed_data(info: SignedDataInfo, content=None, *, signer_index: int = 0, check=None) -> CmsVerification:
    """Verify signer ``signer_index`` of ``info`` over ``content`` (bytes or list of chunks).

    ``content=None`` uses the encapsulated content.  Never raises: problems are reported as
    codes (a structure that breaks during verification gives CRYPTO_MALFORMED);
    ``intact``/``valid`` stay False unless proven.  ``check`` (e.g. ``ctx.check_time``) is
    called while hashing large content; what it raises (TimeLimitExceeded) propagates.
    """
    try:
        return _verify_signed_data(info, content, signer_index, check)
    except (CryptoError, ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        detail = getattr(exc, "detail", "") or f"{type(exc).__name__}: {exc}"[:200]
        return CmsVerification(False, False, "", "", None, tuple(getattr(info, "certificates", ()) or ()),
                               problems=("CRYPTO_MALFORMED",), details=(("CRYPTO_MALFORMED", detail),))


class _Problems:
    """The problem codes of one verification, each once, in the order found, with a detail."""

    __slots__ = ("codes", "details")

    def __init__(self) -> None:
        self.codes: list[str] = []
        self.details: list[tuple[str, str]] = []

    def __call__(self, code: str, detail: str = "") -> None:
        if code not in self.codes:
            self.codes.append(code)
            self.details.append((code, detail))


def _verify_signed_data(info: SignedDataInfo, content, signer_index: int, check=None) -> CmsVerification:
    """Verify one signer of ``info`` over ``content``: the steps below, in order."""
    problem = _Problems()
    signer = info.signers[signer_index]
    if len(info.signers) > 1:
        problem("CRYPTO_MULTIPLE_SIGNERS", str(len(info.signers)))
    chunks = _signed_content(info, content, check, problem)
    cert = find_signer_cert(info, signer)
    sig_name = _describe(signer.sig_alg_oid, signer.digest_oid, signer.sig_params)
    dname = _digest_algorithm(signer, problem)
    if dname is None:
        return CmsVerification(False, False, signer.digest_oid, sig_name, cert, info.certificates,
                               problems=tuple(problem.codes), signer_count=len(info.signers),
                               content_type=info.content_type, details=tuple(problem.details))
    digest = hash_chunks(dname, chunks, check)
    if signer.signed_attrs_der is not None:
        intact, signing_time = _check_signed_attributes(info, signer, digest, problem)
        signed_message = signer.signed_attrs_der
    else:
        problem("CRYPTO_NO_SIGNED_ATTRS")
        intact, signing_time = False, None
        signed_message = b"".join(bytes(c) for c in chunks)
    valid = False
    if cert is None:
        problem("CRYPTO_SIGNER_CERT_MISSING")
    else:
        ok = _check_signature_value(signer, cert, signed_message, problem)
        if signer.signed_attrs_der is None:
            intact = ok  # without signed attributes the signature itself covers the content
        if ok and intact:
            _check_ess(signer, cert, problem)
        valid = ok and intact and not (_INVALIDATING & set(problem.codes))
    ts = _check_timestamp(signer, problem)
    return CmsVerification(
        intact=intact,
        valid=valid,
        digest_algorithm=dname,
        signature_algorithm=sig_name,
        signer_cert=cert,
        certificates=info.certificates,
        signing_time=signing_time,
        timestamp=ts,
        problems=tuple(problem.codes),
        signer_count=len(info.signers),
        content_type=info.content_type,
        details=tuple(problem.details),
    )


def _signed_content(info: SignedDataInfo, content, check, problem: _Problems) -> list:
    """The content the signature is over: the detached ``content``, else the encapsulated one;
    when a SignedData has both, they must be the same bytes."""
    chunks = _content_chunks(content)
    if content is None:
        if info.econtent is None:
            problem("CRYPTO_NO_CONTENT")
            return []
        return [info.econtent]
    if info.econtent is not None and hash_chunks("sha256", chunks, check) != hash_bytes("sha256", info.econtent):
        problem("CRYPTO_CONTENT_CONFLICT")
    return chunks


def _digest_algorithm(signer: SignerData, problem: _Problems) -> str | None:
    """The signer's digest algorithm (None: unsupported); weak digests, of the content or inside
    the signature algorithm, are reported."""
    try:
        dname = name_for_oid(signer.digest_oid)
    except UnsupportedAlgorithm:
        problem("CRYPTO_UNSUPPORTED_ALGORITHM", signer.digest_oid)
        return None
    if dname in WEAK_DIGESTS:
        problem("CRYPTO_WEAK_DIGEST", dname)
    try:
        sig_hash = _digest_for(signer.sig_alg_oid, signer.digest_oid, signer.sig_params)
    except CryptoError:
        sig_hash = ""
    if sig_hash in WEAK_DIGESTS:
        problem("CRYPTO_WEAK_DIGEST", sig_hash)
    return dname


def _check_signed_attributes(info: SignedDataInfo, signer: SignerData, digest: bytes,
                             problem: _Problems) -> tuple[bool, _dt.datetime | None]:
    """messageDigest must equal the content's digest (intact), contentType the SignedData's;
    signingTime is read as claimed.  Returns (intact, signing time)."""
    intact = False
    signing_time = None
    try:
        md = signer.attr(OID_MESSAGE_DIGEST)
        ct = signer.attr(OID_CONTENT_TYPE)
        st = signer.attr(OID_SIGNING_TIME)
    except MalformedCrypto:
        md = ct = st = None
        problem("CRYPTO_ATTRIBUTE_REPEATED")
    if md is None or len(md) != 1:
        problem("CRYPTO_NO_MESSAGE_DIGEST")
    else:
        try:
            value = core.OctetString.load(md[0].dump()).native
        except (ValueError, TypeError):
            value = None
        intact = value is not None and hmac.compare_digest(value, digest)
        if not intact:
            problem("CRYPTO_DIGEST_MISMATCH")
    if ct is None or len(ct) != 1:
        problem("CRYPTO_CONTENT_TYPE_MISMATCH", "missing")
    else:
        try:
            ct_oid = core.ObjectIdentifier.load(ct[0].dump()).dotted
        except (ValueError, TypeError):
            ct_oid = "?"
        if ct_oid != info.content_type:
            problem("CRYPTO_CONTENT_TYPE_MISMATCH", ct_oid)
    if st is not None and len(st) == 1:
        signing_time = _time(_x509.Time.load(st[0].dump())) if st[0].dump()[:1] in (b"\x17", b"\x18") else None
    return intact, signing_time


def _check_signature_value(signer: SignerData, cert: Certificate, signed_message: bytes,
                           problem: _Problems) -> bool:
    """The signature value over the signed attributes (or the content) with the signer's key."""
    try:
        ok = _verify(signer.sig_alg_oid, signer.sig_params, cert.public_key.dump(), signed_message,
                     signer.signature, signer.digest_oid)
    except UnsupportedAlgorithm as exc:
        ok = False
        problem("CRYPTO_UNSUPPORTED_ALGORITHM", exc.detail)
    except CryptoError as exc:
        ok = False
        problem("CRYPTO_SIGNATURE_INVALID", exc.detail)
    if not ok:
        problem("CRYPTO_SIGNATURE_INVALID")
    return ok


def _check_timestamp(signer: SignerData, problem: _Problems) -> TimestampInfo | None:
    """An embedded RFC 3161 signature timestamp, when there is one, must be over this signature."""
    ts = None
    try:
        tok = signer.attr(OID_TIMESTAMP_TOKEN, unsigned=True)
    except MalformedCrypto:
        tok = None
        problem("CRYPTO_TIMESTAMP_MALFORMED", "repeated")
    if tok:
        try:
            ts = verify_timestamp_token(tok[0].dump(), signer.signature)
            if not ts.intact:
                problem("CRYPTO_TIMESTAMP_MISMATCH")
            elif not ts.valid:
                problem("CRYPTO_TIMESTAMP_INVALID")
        except CryptoError as exc:
            problem("CRYPTO_TIMESTAMP_MALFORMED", exc.detail)
    return ts


def _check_ess(signer: SignerData, cert: Certificate, problem: _Problems) -> None:
    """ESS signing-certificate(-v2) attribute, when present, must name the signer certificate."""
    for oid, cls in ((OID_SIGNING_CERT_V2, "v2"), (OID_SIGNING_CERT, "v1")):
        try:
            vals = signer.attr(oid)
        except MalformedCrypto:
            problem("CRYPTO_SIGNING_CERT_MISMATCH", "repeated")
            return
        if not vals:
            continue
        try:
            if cls == "v2":
                sc = _tsp.SigningCertificateV2.load(vals[0].dump())
                first = sc["certs"][0]
                alg = first["hash_algorithm"]["algorithm"].dotted if first["hash_algorithm"] else "2.16.840.1.101.3.4.2.1"
                expected = first["cert_hash"].native
                actual = hash_bytes(name_for_oid(alg), cert.dump())
            else:
                sc = _tsp.SigningCertificate.load(vals[0].dump())
                expected = sc["certs"][0]["cert_hash"].native
                actual = hash_bytes("sha1", cert.dump())
        except (ValueError, TypeError, KeyError, IndexError, CryptoError):
            problem("CRYPTO_SIGNING_CERT_MISMATCH", "malformed")
            return
        if expected != actual:
            problem("CRYPTO_SIGNING_CERT_MISMATCH")
        return


def verify_timestamp_token(der: bytes, data, *, check=None) -> TimestampInfo:
    """Verify an RFC 3161 TimeStampToken over ``data`` (bytes or list of chunks).

    Embedded tokens: ``data`` is the signer's signature value.  PDF document timestamps
    (ETSI.RFC3161): ``data`` is the ByteRange content.  Raises MalformedCrypto if not a token.
    """
    try:
        return _verify_timestamp_token(der, data, check)
    except CryptoError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        raise MalformedCrypto(f"bad timestamp token: {type(exc).__name__}: {exc}"[:200]) from None


def _verify_timestamp_token(der: bytes, data, check=None) -> TimestampInfo:
    info = parse_signed_data(der)
    if info.content_type != OID_TST_INFO or info.econtent is None:
        raise MalformedCrypto("not a timestamp token (eContentType is not TSTInfo)")
    try:
        tst = _tsp.TSTInfo.load(info.econtent)
        imprint = tst["message_imprint"]
        h_oid = imprint["hash_algorithm"]["algorithm"].dotted
        hashed = imprint["hashed_message"].native
        gen_time = tst["gen_time"].native
        serial = tst["serial_number"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedCrypto(f"bad TSTInfo: {exc}") from None
    problems: list[str] = []
    try:
        h_name = name_for_oid(h_oid)
        intact = hmac.compare_digest(hash_chunks(h_name, _content_chunks(data), check), hashed)
    except UnsupportedAlgorithm:
        h_name = h_oid
        intact = False
        problems.append("CRYPTO_UNSUPPORTED_ALGORITHM")
    if not intact and not problems:
        problems.append("CRYPTO_TIMESTAMP_MISMATCH")
    v = verify_signed_data(info, None)
    for p in v.problems:
        if p not in problems:
            problems.append(p)
    return TimestampInfo(
        intact=intact,
        valid=intact and v.valid,
        gen_time=gen_time if isinstance(gen_time, _dt.datetime) else None,
        hash_algorithm=h_name,
        tsa_cert=v.signer_cert,
        certificates=info.certificates,
        serial=serial,
        signature_algorithm=v.signature_algorithm,
        problems=tuple(problems),
    )


def accept_data_oid_mix(info: SignedDataInfo, v: CmsVerification) -> tuple[CmsVerification, bool]:
    """Treat a PKCS#7-data / GM/T 0010-data content-type mix as equivalent.

    Real GM products write eContentType = 1.2.840.113549.1.7.1 with a contentType attribute
    1.2.156.10197.6.1.4.2.1 (or the reverse).  Both mean "data", so this is no content-type
    substitution.  When it is the *only* reason for ``valid=False`` (signature verified, digest
    intact), returns ``(v with valid=True and CRYPTO_CONTENT_TYPE_MISMATCH removed, True)``;
    otherwise ``(v, False)``.  Engines report the mix with an info finding of their own.
    """
    probs = set(v.problems)
    detail = dict(v.details or ()).get("CRYPTO_CONTENT_TYPE_MISMATCH")
    if (v.valid or not v.intact or "CRYPTO_CONTENT_TYPE_MISMATCH" not in probs
            or {"CRYPTO_SIGNATURE_INVALID", "CRYPTO_SIGNER_CERT_MISSING"} & probs
            or (probs & _INVALIDATING) - {"CRYPTO_CONTENT_TYPE_MISMATCH"}
            or detail not in _DATA_OIDS or info.content_type not in _DATA_OIDS or detail == info.content_type):
        return v, False
    return replace(
        v, valid=True,
        problems=tuple(p for p in v.problems if p != "CRYPTO_CONTENT_TYPE_MISMATCH"),
        details=tuple(d for d in v.details if d[0] != "CRYPTO_CONTENT_TYPE_MISMATCH")), True


def encoding_quirks(info: SignedDataInfo, signer_cert: Certificate | None) -> list[tuple[str, dict[str, Any]]]:
    """Tolerated encodings of the first SignerInfo's SM2 signature and of the signer's key, as
    ``(finding code, params)``: raw r || s or lenient INTEGERs, an SM2 curve OID variant."""
    from . import sm2
    from .sigalg import describe, parse_public_key

    out: list[tuple[str, dict[str, str]]] = []
    if not info.signers:
        return out
    si = info.signers[0]
    if describe(si.sig_alg_oid, si.digest_oid).startswith("SM2"):
        try:
            quirk = sm2.signature_quirk(si.signature)
        except ValueError:
            quirk = None
        if quirk == "raw":
            out.append(("ENC_SM2_RAW_SIGNATURE", {"field": "SignerInfo"}))
        elif quirk == "integer":
            out.append(("ENC_INTEGER_NOT_MINIMAL", {"field": "SignerInfo"}))
    if signer_cert is not None:
        try:
            written = parse_public_key(signer_cert.public_key.dump()).curve_written
        except CryptoError:
            written = None
        if written:
            out.append(("ENC_SM2_CURVE_OID", {"oid": written}))
    return out
