"""CMS SignedData builder for tests and samples (PKCS#7 / CAdES-style and GM/T 0010 flavours).

``sign_detached(data, signer, ...)`` returns DER ContentInfo bytes, signed by the testkit's
``Key.sign`` (``cryptography`` for RSA/ECDSA, ``gmalg`` for SM2).  Knobs for tests: GM/T 0010
OIDs, no signed attributes, SKI signer identifier, RSA-PSS, raw SM2 r||s, ESS signing-certificate,
an RFC 3161 timestamp token from a test TSA, and tampering hooks (wrong messageDigest, wrong
contentType attribute, dropped certificates).  Never imported by ``checker``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from asn1crypto import cms, core, tsp

from .pki import DIGEST_OIDS, Issued

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
GM_SIGNED_DATA = "1.2.156.10197.6.1.4.2.2"
GM_DATA = "1.2.156.10197.6.1.4.2.1"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"
SM2_SM3 = "1.2.156.10197.1.501"
SM2_SIGN_GM = "1.2.156.10197.1.301.1"


def _sm3(data: bytes) -> bytes:
    import gmalg

    h = gmalg.SM3()
    h.update(data)
    return h.value()


def digest(name: str, data: bytes) -> bytes:
    """Digest computed independently of the checker (hashlib / gmalg)."""
    return _sm3(data) if name == "sm3" else hashlib.new(name, data).digest()


def _tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def content_info(oid: str, inner_der: bytes) -> bytes:
    """ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }."""
    return _tlv(0x30, core.ObjectIdentifier(oid).dump() + _tlv(0xA0, inner_der))


def _attr(oid: str, value: core.Asn1Value) -> dict:
    return {"type": oid, "values": [value]}


def _sorted_attrs(attrs: list[dict]) -> cms.CMSAttributes:
    built = [cms.CMSAttribute(a) for a in attrs]
    built.sort(key=lambda a: a.dump())
    return cms.CMSAttributes(built)


def sign_detached(
    data: bytes | Iterable[bytes],
    signer: Issued,
    certs: Iterable[Issued] = (),
    *,
    digest_name: str | None = None,
    gm: bool = False,
    sm2_oid: str = SM2_SM3,
    signed_attrs: bool = True,
    signing_time: dt.datetime | None = None,
    pss: bool = False,
    rsa_encryption_oid: bool = True,
    use_ski: bool = False,
    raw_sm2: bool = False,
    include_signer_cert: bool = True,
    ess: bool = False,
    timestamp_tsa: Issued | None = None,
    timestamp_certs: Iterable[Issued] = (),
    detached: bool = True,
    econtent_type: str | None = None,
    message_digest_override: bytes | None = None,
    content_type_attr_override: str | None = None,
    extra_signed_attrs: list[dict] | None = None,
    sign_with: Issued | None = None,
) -> bytes:
    """Build a DER ContentInfo(SignedData) over ``data`` (bytes or chunks, e.g. ByteRange parts)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        data = b"".join(bytes(c) for c in data)
    data = bytes(data)
    key = signer.key
    dname = digest_name or key.default_digest()
    ctype = econtent_type or (GM_DATA if gm else OID_DATA)
    md = digest(dname, data)
    attrs = None
    if signed_attrs:
        items = [
            _attr("1.2.840.113549.1.9.3", cms.ContentType(content_type_attr_override or ctype)),
            _attr("1.2.840.113549.1.9.4", core.OctetString(message_digest_override or md)),
        ]
        st = signing_time or dt.datetime.now(dt.UTC).replace(microsecond=0)
        items.append(_attr("1.2.840.113549.1.9.5", cms.Time(name="utc_time", value=st)))
        if ess:
            items.append(_attr("1.2.840.113549.1.9.16.2.47", tsp.SigningCertificateV2({
                "certs": [{"hash_algorithm": {"algorithm": "sha256"},
                           "cert_hash": hashlib.sha256(signer.der).digest()}]})))
        items.extend(extra_signed_attrs or [])
        attrs = _sorted_attrs(items)
        to_sign = b"\x31" + attrs.dump()[1:]
    else:
        to_sign = data
    sk = (sign_with or signer).key
    signature = sk.sign(to_sign, dname, pss=pss, raw_sm2=raw_sm2)
    if key.kind == "rsa" and not pss and rsa_encryption_oid:
        sig_alg = {"algorithm": "1.2.840.113549.1.1.1", "parameters": core.Null()}
    else:
        sig_alg = key.sig_alg(dname, pss=pss, sm2_oid=SM2_SIGN_GM if (gm and sm2_oid == SM2_SM3) else sm2_oid)
    if use_ski:
        sid = cms.SignerIdentifier(name="subject_key_identifier", value=signer.cert.key_identifier)
    else:
        sid = cms.SignerIdentifier(name="issuer_and_serial_number", value={
            "issuer": signer.cert.issuer, "serial_number": signer.cert.serial_number})
    si = {
        "version": "v3" if use_ski else "v1",
        "sid": sid,
        "digest_algorithm": {"algorithm": DIGEST_OIDS[dname]},
        "signature_algorithm": sig_alg,
        "signature": signature,
    }
    if attrs is not None:
        si["signed_attrs"] = attrs
    if timestamp_tsa is not None:
        token = timestamp_token(signature, timestamp_tsa, timestamp_certs)
        si["unsigned_attrs"] = [{"type": "1.2.840.113549.1.9.16.2.14",
                                 "values": [cms.ContentInfo.load(token)]}]
    signer_info = cms.SignerInfo(si)
    if attrs is not None:  # what we signed is exactly what is embedded
        assert b"\x31" + cms.SignerInfo.load(signer_info.dump())["signed_attrs"].dump()[1:] == to_sign
    cert_list = ([signer] if include_signer_cert else []) + list(certs)
    encap = {"content_type": ctype}
    if not detached:  # built by hand: asn1crypto drops the [0] EXPLICIT tag of a parsed value here
        encap = cms.ContentInfo.load(_tlv(0x30, core.ObjectIdentifier(ctype).dump() + _tlv(
            0xA0, core.OctetString(data).dump())))
    sd_fields = {
        "version": "v3" if use_ski else "v1",
        "digest_algorithms": [{"algorithm": DIGEST_OIDS[dname]}],
        "encap_content_info": encap,
        "signer_infos": [signer_info],
    }
    if cert_list:
        sd_fields["certificates"] = [c.cert for c in cert_list]
    sd = cms.SignedData(sd_fields)
    outer_oid = GM_SIGNED_DATA if gm else OID_SIGNED_DATA
    return content_info(outer_oid, sd.dump())


def timestamp_token(
    data: bytes | Iterable[bytes],
    tsa: Issued,
    certs: Iterable[Issued] = (),
    *,
    digest_name: str = "sha256",
    gen_time: dt.datetime | None = None,
    imprint_override: bytes | None = None,
) -> bytes:
    """An RFC 3161 TimeStampToken (ContentInfo) over ``data`` from test TSA ``tsa``."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        data = b"".join(bytes(c) for c in data)
    gt = gen_time or dt.datetime.now(dt.UTC).replace(microsecond=0)
    tst = tsp.TSTInfo({
        "version": "v1",
        "policy": "1.2.3.4.1",
        "message_imprint": {"hash_algorithm": {"algorithm": DIGEST_OIDS[digest_name]},
                            "hashed_message": imprint_override or digest(digest_name, bytes(data))},
        "serial_number": secrets.randbits(63),
        "gen_time": gt,
    })
    return sign_detached(tst.dump(), tsa, certs, detached=False, econtent_type=OID_TST_INFO, ess=True,
                         signing_time=gt)
