"""Signature algorithm dispatch: OID + parameters + SubjectPublicKeyInfo -> verify.

RSA PKCS#1 v1.5 and PSS, ECDSA (P-256/384/521), SM2-with-SM3.  See the package docstring.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from asn1crypto import algos, core, keys

from . import DEFAULT_SM2_ID, MalformedCrypto, UnsupportedAlgorithm, ecdsa as _ecdsa, rsa as _rsa, sm2 as _sm2
from .digest import name_for_oid
from .ec import CURVES_BY_OID, SM2P256

OID_RSA = "1.2.840.113549.1.1.1"
OID_RSA_PSS = "1.2.840.113549.1.1.10"
OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
OID_SM2 = "1.2.156.10197.1.301"
OID_SM2_SIGN = "1.2.156.10197.1.301.1"
OID_SM2_SM3 = "1.2.156.10197.1.501"
OID_SM3_RSA = "1.2.156.10197.1.504"

# signature algorithm OID -> (family, digest name or None = from digest_oid)
try:  # let asn1crypto know the SM2 curve (key size) so SM2 keys parse everywhere
    keys.NamedCurve.register("sm2p256v1", "1.2.156.10197.1.301", 32)
except (ValueError, TypeError):  # pragma: no cover - already registered / older asn1crypto
    pass

_SIG_ALGS: dict[str, tuple[str, str | None]] = {
    OID_RSA: ("rsa", None),
    "1.2.840.113549.1.1.5": ("rsa", "sha1"),
    "1.3.14.3.2.29": ("rsa", "sha1"),
    "1.2.840.113549.1.1.14": ("rsa", "sha224"),
    "1.2.840.113549.1.1.11": ("rsa", "sha256"),
    "1.2.840.113549.1.1.12": ("rsa", "sha384"),
    "1.2.840.113549.1.1.13": ("rsa", "sha512"),
    OID_SM3_RSA: ("rsa", "sm3"),
    OID_RSA_PSS: ("rsa-pss", None),
    OID_EC_PUBLIC_KEY: ("ec", None),
    "1.2.840.10045.4.1": ("ec", "sha1"),
    "1.2.840.10045.4.3.1": ("ec", "sha224"),
    "1.2.840.10045.4.3.2": ("ec", "sha256"),
    "1.2.840.10045.4.3.3": ("ec", "sha384"),
    "1.2.840.10045.4.3.4": ("ec", "sha512"),
    OID_SM2_SM3: ("sm2", "sm3"),
    OID_SM2_SIGN: ("sm2", "sm3"),
    OID_SM2: ("sm2", "sm3"),
}


class _AlgId(core.Sequence):
    _fields: ClassVar[list[tuple]] = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class _SPKI(core.Sequence):
    _fields: ClassVar[list[tuple]] = [("algorithm", _AlgId), ("public_key", core.OctetBitString)]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An RSA or EC public key taken from a SubjectPublicKeyInfo."""

    kind: str  # "rsa" | "ec"
    curve_oid: str | None = None
    n: int = 0
    e: int = 0
    point: tuple[int, int] | None = None
    curve_written: str | None = None  # how a non-standard SM2 curve identifier was written

    @property
    def bits(self) -> int:
        if self.kind == "rsa":
            return self.n.bit_length()
        return CURVES_BY_OID[self.curve_oid].n.bit_length() if self.curve_oid else 0

    def describe(self) -> str:
        if self.kind == "rsa":
            return f"RSA-{self.bits}"
        assert self.curve_oid is not None  # every EC key names its curve
        return "SM2" if self.curve_oid == OID_SM2 else CURVES_BY_OID[self.curve_oid].name


def parse_public_key(spki_der: bytes) -> PublicKey:
    """Parse a DER SubjectPublicKeyInfo (RSA, EC named curve incl. SM2).  Raises CryptoError."""
    try:
        spki = _SPKI.load(bytes(spki_der), strict=True)
        alg = spki["algorithm"]["algorithm"].dotted
        params = spki["algorithm"]["parameters"]
        key_bytes = spki["public_key"].native
        if alg == OID_RSA or alg == OID_RSA_PSS:
            rk = keys.RSAPublicKey.load(key_bytes)
            n, e = rk["modulus"].native, rk["public_exponent"].native
            if n <= 0 or e < 3 or e % 2 == 0:
                raise MalformedCrypto("bad RSA key")
            return PublicKey("rsa", n=n, e=e)
        if alg in (OID_EC_PUBLIC_KEY, OID_SM2):
            curve_oid = OID_SM2
            written = None
            if alg == OID_EC_PUBLIC_KEY or (params is not None and params.contents):
                if params is None or not params.contents:
                    raise MalformedCrypto("EC key without curve")
                p = core.load(params.dump())
                if isinstance(p, core.ObjectIdentifier):
                    curve_oid = p.dotted
                    if curve_oid in _SM2_CURVE_VARIANTS:
                        written, curve_oid = curve_oid, OID_SM2
                elif _is_sm2_domain(params.dump()):
                    written, curve_oid = "explicit SM2 parameters", OID_SM2
                elif isinstance(p, core.Null):
                    raise MalformedCrypto("EC key without curve")
                else:
                    raise UnsupportedAlgorithm("explicit EC parameters")
            curve = CURVES_BY_OID.get(curve_oid)
            if curve is None:
                raise UnsupportedAlgorithm(f"curve {curve_oid}")
            try:
                point = curve.decode_point(key_bytes)
            except ValueError as exc:
                raise MalformedCrypto(f"bad EC point: {exc}") from None
            return PublicKey("ec", curve_oid=curve_oid, point=point, curve_written=written)
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedCrypto(f"bad public key: {exc}") from None
    raise UnsupportedAlgorithm(f"public key algorithm {alg}")


# SM2 curve identifiers written in the place of the curve OID 1.2.156.10197.1.301: the SM2
# signature scheme (…301.1) and the SM2 encryption scheme (…301.3) name the same curve.
_SM2_CURVE_VARIANTS = ("1.2.156.10197.1.301.1", "1.2.156.10197.1.301.3")


def _is_sm2_domain(der: bytes) -> bool:
    """Explicit EC domain parameters (SEC 1 SpecifiedECDomain) equal to the SM2 curve's."""
    try:
        dom = keys.SpecifiedECDomain.load(der)
        field_id = dom["field_id"]
        if field_id["field_type"].native != "prime_field":
            return False
        p = field_id["parameters"].native
        a = int.from_bytes(dom["curve"]["a"].native, "big")
        b = int.from_bytes(dom["curve"]["b"].native, "big")
        g = SM2P256.decode_point(dom["base"].native)
        n = dom["order"].native
    except (ValueError, TypeError, KeyError, AttributeError):
        return False
    c = SM2P256
    return (p, a, b, g, n) == (c.p, c.a, c.b, (c.gx, c.gy), c.n)


def _family(sig_alg_oid: str, digest_oid: str | None) -> tuple[str, str | None]:
    try:
        family, dname = _SIG_ALGS[sig_alg_oid]
    except KeyError:
        raise UnsupportedAlgorithm(f"signature algorithm {sig_alg_oid}") from None
    if dname is None and family != "rsa-pss":
        if digest_oid is None:
            raise UnsupportedAlgorithm(f"signature algorithm {sig_alg_oid} without digest")
        dname = name_for_oid(digest_oid)
    return family, dname


@dataclass(frozen=True, slots=True)
class PssParams:
    """RSASSA-PSS parameters (hash, MGF1 hash, salt length, trailer field)."""

    hash_name: str
    mgf_hash: str
    salt_len: int
    trailer: int


def parse_pss_params(sig_params: bytes | None) -> PssParams:
    if not sig_params:
        return PssParams("sha1", "sha1", 20, 1)  # RFC 4055 defaults
    try:
        p = algos.RSASSAPSSParams.load(bytes(sig_params))
        hash_oid = p["hash_algorithm"]["algorithm"].dotted
        mgf = p["mask_gen_algorithm"]
        if mgf["algorithm"].dotted != "1.2.840.113549.1.1.8":
            raise UnsupportedAlgorithm("PSS mask generation function")
        mgf_hash_oid = mgf["parameters"]["algorithm"].dotted
        salt = p["salt_length"].native
        trailer = p["trailer_field"].native
        if trailer in ("trailer_field_bc",):
            trailer = 1
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedCrypto(f"bad PSS parameters: {exc}") from None
    return PssParams(name_for_oid(hash_oid), name_for_oid(mgf_hash_oid), int(salt), int(trailer))


def digest_for(sig_alg_oid: str, digest_oid: str | None = None, sig_params: bytes | None = None) -> str:
    """Name of the hash the algorithm applies to the message."""
    family, dname = _family(sig_alg_oid, digest_oid)
    if family == "rsa-pss":
        return parse_pss_params(sig_params).hash_name
    return dname or ""


def describe(sig_alg_oid: str, digest_oid: str | None = None, sig_params: bytes | None = None) -> str:
    """Readable name, e.g. "SM2-SM3", "RSA-SHA256", "RSA-PSS-SHA256", "ECDSA-SHA384"."""
    try:
        family, _ = _family(sig_alg_oid, digest_oid)
        d = digest_for(sig_alg_oid, digest_oid, sig_params).upper()
    except (UnsupportedAlgorithm, MalformedCrypto):
        return sig_alg_oid
    if family == "sm2" or (family == "ec" and d == "SM3"):
        return "SM2-SM3" if d == "SM3" else f"SM2-{d}"
    return {"rsa": "RSA", "rsa-pss": "RSA-PSS", "ec": "ECDSA"}[family] + "-" + d


def verify(sig_alg_oid: str, sig_params: bytes | None, spki_der: bytes, message: bytes, signature: bytes,
           digest_oid: str | None = None, *, sm2_id: bytes = DEFAULT_SM2_ID) -> bool:
    """Verify ``signature`` over ``message``.  False if wrong; CryptoError if unsupported/malformed."""
    family, dname = _family(sig_alg_oid, digest_oid)
    key = parse_public_key(spki_der)
    message = bytes(message)
    signature = bytes(signature)
    if family in ("rsa", "rsa-pss"):
        if key.kind != "rsa":
            raise MalformedCrypto("RSA signature with a non-RSA key")
        if key.bits < _rsa.MIN_BITS:
            raise UnsupportedAlgorithm(f"RSA key of {key.bits} bits")
        if family == "rsa":
            assert dname is not None  # only RSASSA-PSS leaves its hash to the parameters
            return _rsa.verify_pkcs1v15(key.n, key.e, message, signature, dname)
        pp = parse_pss_params(sig_params)
        return _rsa.verify_pss(key.n, key.e, message, signature, pp.hash_name, pp.mgf_hash, pp.salt_len, pp.trailer)
    if key.kind != "ec":
        raise MalformedCrypto("EC/SM2 signature with a non-EC key")
    assert dname is not None and key.curve_oid is not None and key.point is not None  # see _family, parse_public_key
    if family == "sm2" or (family == "ec" and key.curve_oid == OID_SM2):
        if key.curve_oid != OID_SM2:
            raise MalformedCrypto("SM2 signature with a non-SM2 key")
        if dname != "sm3":
            raise UnsupportedAlgorithm(f"SM2 with {dname}")
        try:
            r, s = _sm2.decode_signature(signature)
        except ValueError:
            return False
        return _sm2.verify(key.point, message, (r, s), sm2_id, SM2P256)
    curve = CURVES_BY_OID[key.curve_oid]
    try:
        r, s = _ecdsa.decode_der_rs(signature)
    except ValueError:
        return False
    from .digest import hash_bytes

    return _ecdsa.verify_digest(curve, key.point, hash_bytes(dname, message), r, s)
