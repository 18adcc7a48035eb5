"""Demo and throw-away PKIs for tests and samples (RSA-2048, ECDSA P-256, SM2).

* ``demo_pki(kind)`` — the committed DEMO CA (keys in ``scripts/testkit/demo_ca/``, public on
  purpose; roots shipped in ``checker/data/trust/demo/``, trusted only with ``trust_demo``):
  root -> issuing CA -> leaf "示例 发证机关 (DEMO)" (+ a TSA), valid 2025-01-01 .. 2045-12-31.
* ``make_pki(kind, **overrides)`` — a fresh PKI with the same shape; tests bend it (expired
  certificates, wrong keyUsage, CA:FALSE intermediates, unrelated roots …) through ``make_cert``.

Certificates are built with asn1crypto and signed by ``Key.sign`` (``cryptography`` for RSA/ECDSA,
``gmalg`` for SM2 — independent of the checker's own verifier).  Never imported by ``checker``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import pathlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gmalg
from asn1crypto import algos, core, keys, pem, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

import checker._crypto.sigalg  # noqa: F401  (registers the SM2 curve with asn1crypto)

DEMO_DIR = pathlib.Path(__file__).resolve().parent / "demo_ca"
TRUST_DEMO_DIR = pathlib.Path(__file__).resolve().parents[2] / "checker" / "data" / "trust" / "demo"
KINDS = ("rsa", "ecdsa", "sm2")
SM2_CURVE_OID = "1.2.156.10197.1.301"
SM2_DEFAULT_ID = b"1234567812345678"
UTC = dt.UTC
DEMO_NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=UTC)
DEMO_NOT_AFTER = dt.datetime(2045, 12, 31, 23, 59, 59, tzinfo=UTC)

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
           "sha512": hashes.SHA512}
_RSA_SIG = {"sha1": "1.2.840.113549.1.1.5", "sha224": "1.2.840.113549.1.1.14", "sha256": "1.2.840.113549.1.1.11",
            "sha384": "1.2.840.113549.1.1.12", "sha512": "1.2.840.113549.1.1.13", "sm3": "1.2.156.10197.1.504"}
_EC_SIG = {"sha1": "1.2.840.10045.4.1", "sha224": "1.2.840.10045.4.3.1", "sha256": "1.2.840.10045.4.3.2",
           "sha384": "1.2.840.10045.4.3.3", "sha512": "1.2.840.10045.4.3.4"}
DIGEST_OIDS = {"sha1": "1.3.14.3.2.26", "sha224": "2.16.840.1.101.3.4.2.4", "sha256": "2.16.840.1.101.3.4.2.1",
               "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3", "sm3": "1.2.156.10197.1.401"}


def _der_rs(r: int, s: int) -> bytes:
    return algos.DSASignature({"r": r, "s": s}).dump()


@dataclass
class Key:
    """A private key that can sign; ``kind`` is "rsa", "ecdsa" or "sm2"."""

    kind: str
    private: Any  # cryptography key (rsa/ecdsa) or int (sm2)

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def generate(cls, kind: str, *, bits: int = 2048, curve: str = "P-256") -> Key:
        if kind == "rsa":
            return cls(kind, rsa.generate_private_key(65537, bits))
        if kind == "ecdsa":
            c = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[curve]
            return cls(kind, ec.generate_private_key(c))
        if kind == "sm2":
            d, _ = gmalg.SM2().generate_keypair()
            return cls(kind, int.from_bytes(d, "big"))
        raise ValueError(kind)

    @classmethod
    def from_pem(cls, data: bytes) -> Key:
        _, _, der = pem.unarmor(data)
        pki = keys.PrivateKeyInfo.load(der)
        alg = pki["private_key_algorithm"]
        if alg["algorithm"].native == "ec" and alg["parameters"].chosen.dotted == SM2_CURVE_OID:
            return cls("sm2", pki["private_key"].parsed["private_key"].native)
        k = serialization.load_pem_private_key(data, None)
        return cls("rsa" if isinstance(k, rsa.RSAPrivateKey) else "ecdsa", k)

    # -- serialisation --------------------------------------------------------------------
    def public_point(self) -> bytes:
        """SM2: 04||X||Y (computed once by gmalg)."""
        cached = self.__dict__.get("_pub")
        if cached is None:
            cached = self.__dict__["_pub"] = _sm2_pub(self.private)
        return cached

    def to_pem(self) -> bytes:
        if self.kind == "sm2":
            ec_priv = keys.ECPrivateKey({
                "version": "ecPrivkeyVer1",
                "private_key": self.private,
                "public_key": self.public_point(),
            })
            pki = keys.PrivateKeyInfo({
                "version": 0,
                "private_key_algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(
                    name="named", value=SM2_CURVE_OID)},
                "private_key": ec_priv,
            })
            return pem.armor("PRIVATE KEY", pki.dump())
        return self.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())

    def spki(self) -> keys.PublicKeyInfo:
        if self.kind == "sm2":
            return keys.PublicKeyInfo({
                "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(name="named", value=SM2_CURVE_OID)},
                "public_key": self.public_point(),
            })
        der = self.private.public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
        return keys.PublicKeyInfo.load(der)

    def spki_der(self) -> bytes:
        return self.spki().dump()

    # -- signing ----------------------------------------------------------------------------
    def default_digest(self) -> str:
        return "sm3" if self.kind == "sm2" else "sha256"

    def sig_alg(self, digest: str | None = None, *, pss: bool = False, sm2_oid: str = "1.2.156.10197.1.501") -> dict:
        """asn1crypto SignedDigestAlgorithm dict for this key."""
        digest = digest or self.default_digest()
        if self.kind == "rsa":
            if pss:
                return {"algorithm": "rsassa_pss", "parameters": algos.RSASSAPSSParams({
                    "hash_algorithm": {"algorithm": digest},
                    "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": digest}},
                    "salt_length": hashlib.new(digest).digest_size})}
            return {"algorithm": _RSA_SIG[digest], "parameters": core.Null()}
        if self.kind == "ecdsa":
            return {"algorithm": _EC_SIG[digest]}
        return {"algorithm": sm2_oid}

    def sign(self, message: bytes, digest: str | None = None, *, pss: bool = False, raw_sm2: bool = False,
             sm2_id: bytes = SM2_DEFAULT_ID) -> bytes:
        digest = digest or self.default_digest()
        if self.kind == "rsa":
            h = _HASHES[digest]()
            pad = padding.PSS(padding.MGF1(_HASHES[digest]()), h.digest_size) if pss else padding.PKCS1v15()
            return self.private.sign(message, pad, h)
        if self.kind == "ecdsa":
            return self.private.sign(message, ec.ECDSA(_HASHES[digest]()))
        if digest != "sm3":
            raise ValueError("SM2 signs with SM3")
        d = self.private.to_bytes(32, "big")
        signer = gmalg.SM2(d, sm2_id, self.public_point())
        r, s = signer.sign(message)
        if raw_sm2:
            return r.rjust(32, b"\0") + s.rjust(32, b"\0")
        return _der_rs(int.from_bytes(r, "big"), int.from_bytes(s, "big"))


def _sm2_pub(d: int) -> bytes:
    """04||X||Y computed by gmalg (independent of the checker's SM2 code)."""
    d_bytes = d.to_bytes(32, "big")
    return gmalg.SM2(d_bytes).generate_pk(d_bytes)


@dataclass
class Issued:
    """A certificate with its key."""

    cert: x509.Certificate
    key: Key
    name: str = ""

    @property
    def der(self) -> bytes:
        return self.cert.dump()

    @property
    def pem(self) -> bytes:
        return pem.armor("CERTIFICATE", self.der)

    @property
    def subject(self) -> x509.Name:
        return self.cert.subject


def name(cn: str, o: str = "示例单位 (DEMO)", c: str = "CN", **extra) -> x509.Name:
    d = {"country_name": c, "organization_name": o, "common_name": cn}
    d.update(extra)
    return x509.Name.build(d, use_printable=False)


def make_cert(
    subject: x509.Name | str,
    key: Key,
    issuer: Issued | None = None,
    *,
    ca: bool | None = False,
    path_len: int | None = None,
    key_usage: set[str] | None = None,
    eku: list[str] | None = None,
    not_before: dt.datetime = DEMO_NOT_BEFORE,
    not_after: dt.datetime = DEMO_NOT_AFTER,
    serial: int | None = None,
    ski: bool = True,
    aki: bool = True,
    digest: str | None = None,
    pss: bool = False,
    sm2_oid: str = "1.2.156.10197.1.501",
    extra_extensions: list[dict] | None = None,
    issuer_name: x509.Name | None = None,
    signing_key: Key | None = None,
    version: str = "v3",
) -> Issued:
    """Issue a certificate.  ``issuer=None``: self-signed.  ``ca=None``: no basicConstraints.

    ``issuer_name`` / ``signing_key`` override what is written / who signs (forgery tests).
    """
    if isinstance(subject, str):
        subject = name(subject)
    signer_key = signing_key or (issuer.key if issuer else key)
    iss_name = issuer_name or (issuer.cert.subject if issuer else subject)
    spki = key.spki()
    exts = []
    if ca is not None:
        bc: dict[str, Any] = {"ca": ca}
        if path_len is not None:
            bc["path_len_constraint"] = path_len
        exts.append({"extn_id": "basic_constraints", "critical": True, "extn_value": bc})
    if key_usage is None:
        key_usage = {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "non_repudiation"}
    if key_usage:
        exts.append({"extn_id": "key_usage", "critical": True, "extn_value": set(key_usage)})
    if eku:
        exts.append({"extn_id": "extended_key_usage", "critical": True, "extn_value": eku})
    own_ki = hashlib.sha1(spki["public_key"].contents[1:]).digest()
    if ski:
        exts.append({"extn_id": "key_identifier", "critical": False, "extn_value": own_ki})
    if aki:
        iki = hashlib.sha1((issuer.key if issuer else key).spki()["public_key"].contents[1:]).digest()
        exts.append({"extn_id": "authority_key_identifier", "critical": False, "extn_value": {"key_identifier": iki}})
    exts.extend(extra_extensions or [])
    sig_alg = signer_key.sig_alg(digest, pss=pss, sm2_oid=sm2_oid)
    tbs_d = {
        "version": version,
        "serial_number": serial if serial is not None else secrets.randbits(63) + 1,
        "signature": sig_alg,
        "issuer": iss_name,
        "validity": {"not_before": x509.Time(name="utc_time" if not_before.year < 2050 else "general_time", value=not_before),
                     "not_after": x509.Time(name="utc_time" if not_after.year < 2050 else "general_time", value=not_after)},
        "subject": subject,
        "subject_public_key_info": spki,
    }
    if version == "v3" and exts:
        tbs_d["extensions"] = exts
    tbs = x509.TbsCertificate(tbs_d)
    sig = signer_key.sign(tbs.dump(), digest, pss=pss)
    cert = x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": sig_alg, "signature_value": sig})
    cert = x509.Certificate.load(cert.dump())
    return Issued(cert, key)


@dataclass
class PKI:
    kind: str
    root: Issued
    ca: Issued
    leaf: Issued
    tsa: Issued
    extra: dict = field(default_factory=dict)

    @property
    def chain(self) -> list[Issued]:
        """Certificates a signer embeds: leaf's issuing CA (root not needed)."""
        return [self.ca]


_LABEL = {"rsa": "RSA", "ecdsa": "ECDSA", "sm2": "SM2"}


def make_pki(kind: str = "sm2", *, demo_names: bool = False, tag: str = "TEST",
             not_before: dt.datetime = DEMO_NOT_BEFORE, not_after: dt.datetime = DEMO_NOT_AFTER,
             leaf_name: tuple[str, str] | None = None) -> PKI:
    """A fresh root -> CA -> leaf (+ TSA) hierarchy of ``kind`` with new keys.

    ``leaf_name=(cn, o)`` names the signer, e.g. after a real issuing body for tests of the
    ``pass`` path under a throw-away root that the test trusts explicitly."""
    lab = _LABEL[kind]
    mark = "DEMO" if demo_names else tag
    org = f"示例 演示证书机构 ({mark})"
    root_key, ca_key, leaf_key, tsa_key = (Key.generate(kind) for _ in range(4))
    root = make_cert(name(f"示例 根证书 {lab} ({mark})", org), root_key, None, ca=True,
                     not_before=not_before, not_after=not_after)
    ca = make_cert(name(f"示例 签发 CA {lab} ({mark})", org), ca_key, root, ca=True, path_len=0,
                   not_before=not_before, not_after=not_after)
    if leaf_name is None:
        leaf_name = (("示例 发证机关 (DEMO)", "示例 重庆市某发证机关 (DEMO)") if demo_names
                     else (f"示例 签章人 {lab} ({mark})", org))
    leaf = make_cert(name(*leaf_name), leaf_key, ca, ca=False,
                     not_before=not_before, not_after=not_after)
    tsa = make_cert(name(f"示例 时间戳服务 {lab} ({mark})", org), tsa_key, ca, ca=False,
                    key_usage={"digital_signature", "non_repudiation"}, eku=["time_stamping"],
                    not_before=not_before, not_after=not_after)
    return PKI(kind, root, ca, leaf, tsa)


_ROLES = ("root", "ca", "leaf", "tsa")


def save_pki(pki: PKI, directory: pathlib.Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for role in _ROLES:
        item: Issued = getattr(pki, role)
        (directory / f"{pki.kind}_{role}.pem").write_bytes(item.pem)
        (directory / f"{pki.kind}_{role}.key.pem").write_bytes(item.key.to_pem())


def load_pki(kind: str, directory: pathlib.Path = DEMO_DIR) -> PKI:
    items: dict[str, Issued] = {}
    for role in _ROLES:
        cert = x509.Certificate.load(pem.unarmor((directory / f"{kind}_{role}.pem").read_bytes())[2])
        key = Key.from_pem((directory / f"{kind}_{role}.key.pem").read_bytes())
        items[role] = Issued(cert, key)
    return PKI(kind, items["root"], items["ca"], items["leaf"], items["tsa"])


_DEMO_CACHE: dict[str, PKI] = {}


def demo_pki(kind: str = "sm2") -> PKI:
    """The committed DEMO PKI of ``kind`` (DEMO keys — public, never trusted by default)."""
    if kind not in _DEMO_CACHE:
        _DEMO_CACHE[kind] = load_pki(kind)
    return _DEMO_CACHE[kind]


def generate_demo_ca() -> None:
    """One-off: (re)create the DEMO CA files.  Do not run casually: samples depend on them."""
    TRUST_DEMO_DIR.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        pki = make_pki(kind, demo_names=True)
        save_pki(pki, DEMO_DIR)
        (TRUST_DEMO_DIR / f"demo_root_{kind}.pem").write_bytes(pki.root.pem)


if __name__ == "__main__":
    import sys

    if "--generate-demo-ca" in sys.argv:
        generate_demo_ca()
        print("demo CA written to", DEMO_DIR)
