"""Electronic seal structures (SES_Signature / SES_Seal) in both published forms (private).

* GM/T 0031-2014 ("v1")::

    SES_Signature ::= SEQUENCE { toSign TBS_Sign, signature BIT STRING }
    TBS_Sign ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo BIT STRING,
                            dataHash BIT STRING, propertyInfo IA5String,
                            cert OCTET STRING, signatureAlgorithm OBJECT IDENTIFIER }
    SESeal ::= SEQUENCE { esealInfo SES_SealInfo, signInfo SES_SignInfo }
    SES_SignInfo ::= SEQUENCE { cert OCTET STRING, signatureAlgorithm OID, signData BIT STRING }
    SES_ESPropertyInfo ::= SEQUENCE { type INTEGER, name UTF8String,
                                      certList SEQUENCE OF OCTET STRING,
                                      createDate, validStart, validEnd UTCTime }

* GB/T 38540-2020 ("v4")::

    SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING, signatureAlgID OID,
                                 signature BIT STRING, timeStamp [0] BIT STRING OPTIONAL }
    TBS_Sign ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo GeneralizedTime,
                            dataHash BIT STRING, propertyInfo IA5String,
                            extDatas [0] ExtensionDatas OPTIONAL }
    SESeal ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING, signAlgID OID,
                          signedValue BIT STRING }
    SES_ESPropertyInfo ::= SEQUENCE { type INTEGER, name UTF8String, certListType INTEGER,
                                      certList SES_CertList, createDate, validStart,
                                      validEnd GeneralizedTime }

    SES_SealInfo ::= SEQUENCE { header SES_Header{ID IA5String "ES", version INTEGER,
                                Vid IA5String}, esID IA5String, property SES_ESPropertyInfo,
                                picture SES_ESPictrueInfo{type IA5String, data OCTET STRING,
                                width INTEGER, height INTEGER}, extDatas OPTIONAL }

Parsing is positional with type checks and the tolerance real products need
(OCTET STRING where BIT STRING is specified, UTCTime vs GeneralizedTime).  Encodings that
do not change what was signed are read and recorded in ``quirks`` as ``(code, params)``
so the caller can say what was tolerated (see :data:`QUIRK_EVIDENCE`).
Raises :class:`SesError` for anything else.  The raw DER of every signed part is
kept (``tbs_der``, ``seal_info_der`` …) so signatures are checked over the bytes
as they are in the file.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from asn1crypto import core, parser

from .._der import der_length


class SesError(ValueError):
    pass


Quirk = tuple[str, dict]

# Which real producers write each tolerated encoding (files in tests/corpus/real/).
QUIRK_EVIDENCE = {
    "ENC_BIT_STRING_UNUSED_BITS": "Suwell (数科) SDK bank receipts (ofdgo_*): unused-bits byte 1-7 on "
                                  "byte-aligned dataHash/signature; DAISHUN (戴顺, Fujian CA) seal "
                                  "(xilou_issue3_test2.ofd): 1 on the maker signature",
    "ENC_BIT_STRING_TRIMMED": "Suwell SDK (ofdgo_gonghang_1.ofd): a DER signature whose trailing zero "
                              "byte was dropped as if it were a named-bit list",
    "ENC_TIME_TYPE": "Suwell SDK (ofdgo_acc_0402021509300142766.ofd): UTCTime text (yyMMddHHmmssZ) "
                     "inside GeneralizedTime",
    "ENC_SEAL_CERT_LIST_ITEM": "dms360 iOFD 2.1.1 (ofdrw_n.ofd): an IA5String \"1\" in the v1 certList",
}


@dataclass(slots=True)
class SealInfo:
    """An electronic seal (SESeal, GM/T 0031 v1 or GB/T 38540 v4) and its maker's signature."""

    version: str  # "v1" | "v4"
    der: bytes  # DER of the whole SESeal
    seal_info_der: bytes  # DER of SES_SealInfo (what the maker signs, see maker_messages)
    header_version: int | None = None
    vid: str = ""  # vendor id from SES_Header
    es_id: str = ""
    seal_type: int | None = None
    name: str = ""
    cert_list_type: int | None = None  # v4: 1 = certificates, 2 = certificate digests
    cert_list: list[bytes] = field(default_factory=list)  # DER certs (or digests for type 2)
    cert_digest_list: list[tuple[str, bytes]] = field(default_factory=list)  # (type, digest)
    created: _dt.datetime | None = None
    valid_start: _dt.datetime | None = None
    valid_end: _dt.datetime | None = None
    picture_type: str = ""
    picture: bytes = b""
    picture_size: tuple[int, int] | None = None
    maker_cert: bytes = b""
    maker_alg: str = ""
    maker_signature: bytes = b""
    maker_messages: tuple[bytes, ...] = ()  # candidate signed messages, preferred first
    quirks: list[Quirk] = field(default_factory=list)  # tolerated encodings


@dataclass(slots=True)
class SesSignature:
    """An electronic signature (SES_Signature) over an OFD's protected files."""

    version: str  # "v1" | "v4"
    tbs_der: bytes
    tbs_version: int | None
    seal: SealInfo
    time: _dt.datetime | None
    time_raw: str
    data_hash: bytes
    property_info: str
    cert: bytes  # signer certificate DER
    alg: str  # signature algorithm OID
    signature: bytes
    timestamp: bytes | None = None  # v4 timeStamp (DER TimeStampToken)
    quirks: list[Quirk] = field(default_factory=list)  # tolerated encodings, seal's included


def looks_like_ses(data: bytes) -> bool:
    try:
        parse_signature(data)
        return True
    except SesError:
        return False


def parse_signature(data: bytes) -> SesSignature:
    q: list[Quirk] = []
    top = _load(data, "SES_Signature")
    items = _seq(top, "SES_Signature")
    if len(items) < 2:
        raise SesError("SES_Signature: too few fields")
    tbs = items[0]
    t = _seq(tbs, "TBS_Sign")
    if len(t) < 5:
        raise SesError("TBS_Sign: too few fields")
    if len(items) == 2:
        version = "v1"
        if len(t) < 7:
            raise SesError("v1 TBS_Sign: too few fields")
        cert = _octets(t[5], "TBS_Sign.cert")
        alg = _oid(t[6], "TBS_Sign.signatureAlgorithm")
        signature = _signature_bits(items[1], "SES_Signature.signature", q)
        timestamp = None
    else:
        version = "v4"
        cert = _octets(items[1], "SES_Signature.cert")
        alg = _oid(items[2], "SES_Signature.signatureAlgID")
        signature = _signature_bits(items[3], "SES_Signature.signature", q)
        timestamp = None
        if len(items) > 4:
            ts = items[4]
            if ts.class_ != 2 or ts.tag != 0:
                raise SesError("SES_Signature: unexpected field after signature")
            timestamp = _tagged_bits(ts)
        if len(items) > 5:
            raise SesError("SES_Signature: too many fields")
    seal = parse_seal_value(t[1])
    time, time_raw = _time_info(t[2], q)
    if version == "v4" and isinstance(t[2], (core.BitString, core.OctetString)):
        # GB/T 38540 specifies GeneralizedTime; some products keep GM/T 0031's text in a BIT STRING
        q.append(("ENC_TIME_TYPE", {"field": "TBS_Sign.timeInfo", "text": time_raw}))
    data_hash = _bits(t[3], "TBS_Sign.dataHash", q)
    return SesSignature(
        version=version,
        tbs_der=tbs.dump(),
        tbs_version=_int(t[0], "TBS_Sign.version"),
        seal=seal,
        time=time,
        time_raw=time_raw,
        data_hash=data_hash,
        property_info=_string(t[4], "TBS_Sign.propertyInfo"),
        cert=cert,
        alg=alg,
        signature=signature,
        timestamp=timestamp,
        quirks=seal.quirks + q,
    )


def parse_seal(data: bytes) -> SealInfo:
    return parse_seal_value(_load(data, "SESeal"))


def parse_seal_value(value) -> SealInfo:
    q: list[Quirk] = []
    items = _seq(value, "SESeal")
    if len(items) == 2:
        version = "v1"
        info = items[0]
        si = items[1]
        if isinstance(si, core.BitString):  # seen in the wild: SES_SignInfo wrapped in a BIT STRING
            si = _load(_bits(si, "SES_SignInfo", q), "SES_SignInfo")
        sign_info = _seq(si, "SES_SignInfo")
        if len(sign_info) != 3:
            raise SesError("SES_SignInfo: expected 3 fields")
        maker_cert = _octets(sign_info[0], "SES_SignInfo.cert")
        maker_alg_v = sign_info[1]
        maker_alg = _oid(maker_alg_v, "SES_SignInfo.signatureAlgorithm")
        maker_sig = _signature_bits(sign_info[2], "SES_SignInfo.signData", q)
    elif len(items) == 4:
        version = "v4"
        info = items[0]
        maker_cert = _octets(items[1], "SESeal.cert")
        maker_alg_v = items[2]
        maker_alg = _oid(maker_alg_v, "SESeal.signAlgID")
        maker_sig = _signature_bits(items[3], "SESeal.signedValue", q)
    else:
        raise SesError(f"SESeal: {len(items)} fields")
    fields = _seq(info, "SES_SealInfo")
    if len(fields) < 4:
        raise SesError("SES_SealInfo: too few fields")
    header = _seq(fields[0], "SES_Header")
    if len(header) < 3 or _string(header[0], "SES_Header.ID") != "ES":
        raise SesError("SES_Header: not an ES header")
    info_der = info.dump()
    cert_der = core.OctetString(maker_cert).dump()
    combined = b"\x30" + _der_len(len(info_der) + len(cert_der) + len(maker_alg_v.dump())) + info_der + cert_der + maker_alg_v.dump()
    seal = SealInfo(
        version=version,
        der=value.dump(),
        seal_info_der=info_der,
        header_version=_int(header[1], "SES_Header.version"),
        vid=_string(header[2], "SES_Header.Vid"),
        es_id=_string(fields[1], "SES_SealInfo.esID"),
        maker_cert=maker_cert,
        maker_alg=maker_alg,
        maker_signature=maker_sig,
        maker_messages=(combined, info_der) if version == "v1" else (info_der, combined),
        quirks=q,
    )
    prop = _seq(fields[2], "SES_ESPropertyInfo")
    seal.seal_type = _int(prop[0], "property.type") if prop else None
    if len(prop) >= 7:  # v4 layout: type, name, certListType, certList, 3 dates
        seal.name = _string(prop[1], "property.name")
        seal.cert_list_type = _int(prop[2], "property.certListType")
        _cert_list(prop[3], seal, q)
        dates = prop[4:7]
    elif len(prop) == 6:  # v1 layout: type, name, certList, 3 dates
        seal.name = _string(prop[1], "property.name")
        seal.cert_list_type = 1
        _cert_list(prop[2], seal, q)
        dates = prop[3:6]
    else:
        raise SesError(f"SES_ESPropertyInfo: {len(prop)} fields")
    seal.created, seal.valid_start, seal.valid_end = (
        _time(d, q, f"SES_ESPropertyInfo.{n}") for d, n in zip(dates, ("createDate", "validStart", "validEnd")))
    pic = _seq(fields[3], "SES_ESPictrueInfo")
    if len(pic) >= 2:
        seal.picture_type = _string(pic[0], "picture.type")
        seal.picture = _octets(pic[1], "picture.data")
        if len(pic) >= 4:
            try:
                seal.picture_size = (_int(pic[2], "w"), _int(pic[3], "h"))
            except SesError:
                pass
    return seal


# -- helpers -------------------------------------------------------------
def _load(data: bytes, what: str):
    try:
        if not data or parser.peek(data) != len(data):
            raise ValueError("empty or trailing data")
        return _element(data)
    except (ValueError, TypeError, OverflowError) as exc:
        raise SesError(f"{what}: not DER ({exc})") from None


def _element(der: bytes):
    """Universal primitives as asn1crypto objects; constructed or tagged elements kept raw
    (asn1crypto's generic loader cannot build context-specific constructed children such as
    ``[0] timeStamp``)."""
    if der[0] >> 6 == 0 and not der[0] & 0x20:
        return core.load(der, strict=True)
    return _Tagged(der)


class _Tagged:
    """A constructed or tagged element, kept raw."""

    def __init__(self, der: bytes) -> None:
        self.class_, self.method, self.tag, _header, self.contents, _trailer = parser.parse(der, strict=True)
        self._der = der

    def dump(self) -> bytes:
        return self._der


def _seq(v, what: str) -> list:
    """Children of a universal SEQUENCE, split by hand."""
    if not _is_seq(v):
        raise SesError(f"{what}: not a SEQUENCE")
    data = v.contents or b""
    out = []
    p = 0
    try:
        while p < len(data):
            n = parser.peek(data[p:])
            out.append(_element(data[p:p + n]))
            p += n
    except (ValueError, TypeError, OverflowError) as exc:
        raise SesError(f"{what}: {exc}") from None
    return out


def _is_seq(v) -> bool:
    return v.class_ == 0 and v.tag == 16 and v.method == 1


def _int(v, what: str) -> int:
    if isinstance(v, core.Integer):
        return v.native
    raise SesError(f"{what}: not an INTEGER")


def _oid(v, what: str) -> str:
    if isinstance(v, core.ObjectIdentifier):
        return v.dotted
    if _is_seq(v):
        inner = _seq(v, what)
        if inner and isinstance(inner[0], core.ObjectIdentifier):
            return inner[0].dotted  # AlgorithmIdentifier written instead of a bare OID
    raise SesError(f"{what}: not an OBJECT IDENTIFIER")


def _octets(v, what: str) -> bytes:
    if isinstance(v, core.OctetString):
        return v.native
    if _is_seq(v):  # a certificate written as a SEQUENCE instead of OCTET STRING
        return v.dump()
    raise SesError(f"{what}: not an OCTET STRING")


def _signature_bits(v, what: str, q: list[Quirk]) -> bytes:
    """A signature value in a BIT STRING.  Encoders that treat the value as a named-bit list
    (Suwell SDK, ofdgo_gonghang_1.ofd) drop its trailing zero bits *and bytes*: a DER signature
    then ends before its own length.  The bit string value is the same with the zeros restored,
    so they are put back (at most 8 bytes); the signature check that follows decides."""
    value = _bits(v, what, q)
    if not isinstance(v, core.BitString) or not v.contents or v.contents[0] == 0:
        return value
    need = der_length(value)
    if need is not None and len(value) < need <= len(value) + 8:
        q.append(("ENC_BIT_STRING_TRIMMED", {"field": what, "count": need - len(value)}))
        return value + bytes(need - len(value))
    return value
def _bits(v, what: str, q: list[Quirk] | None = None) -> bytes:
    """The bytes of a BIT STRING (or an OCTET STRING written in its place).

    Every value held in these BIT STRINGs (digests, signatures, DER) is a whole number of
    bytes; some producers still write a non-zero "unused bits" count.  The bytes are taken as
    they are (the signature or digest check that follows decides) and the quirk is recorded.
    """
    if isinstance(v, core.BitString):
        c = v.contents
        if not c or c[0] > 7 or (c[0] and len(c) == 1):
            raise SesError(f"{what}: bad BIT STRING")
        if c[0] != 0:
            if q is None:
                raise SesError(f"{what}: BIT STRING with unused bits")
            q.append(("ENC_BIT_STRING_UNUSED_BITS", {"field": what, "bits": c[0]}))
        return bytes(c[1:])
    if isinstance(v, core.OctetString):
        return v.native
    raise SesError(f"{what}: not a BIT STRING")


def _tagged_bits(v) -> bytes:
    c = v.contents or b""
    if v.method == 0:  # [0] IMPLICIT BIT STRING
        if not c or c[0] != 0:
            raise SesError("timeStamp: bad BIT STRING")
        return bytes(c[1:])
    inner = _load(c, "timeStamp")  # [0] EXPLICIT
    return _bits(inner, "timeStamp")


def _string(v, what: str) -> str:
    if isinstance(v, core.AbstractString):
        try:
            return v.native
        except (UnicodeDecodeError, ValueError) as exc:  # e.g. a UTF8String that is not UTF-8
            raise SesError(f"{what}: bad string encoding") from exc
    if isinstance(v, core.OctetString):
        return v.native.decode("utf-8", "replace")
    raise SesError(f"{what}: not a string")


def _cert_list(v, seal: SealInfo, q: list[Quirk]) -> None:
    items = _seq(v, "certList")
    for it in items:
        if isinstance(it, core.OctetString):
            seal.cert_list.append(it.native)
        elif _is_seq(it):
            inner = _seq(it, "certList item")
            if len(inner) == 2 and isinstance(inner[1], core.OctetString) and isinstance(inner[0], core.AbstractString):
                seal.cert_digest_list.append((inner[0].native, inner[1].native))  # CertDigestObj
            else:
                seal.cert_list.append(it.dump())
        elif isinstance(it, (core.AbstractString, core.Integer)):
            # not a certificate: lists nothing, so the signer cannot be checked against it
            q.append(("ENC_SEAL_CERT_LIST_ITEM", {"tag": type(it).__name__}))
        else:
            raise SesError("certList: unexpected element")


def _time(v, q: list[Quirk], what: str) -> _dt.datetime | None:
    if isinstance(v, (core.GeneralizedTime, core.UTCTime)):
        text = bytes(v.contents or b"")
        if _swapped_time_text(v, text):
            # UTCTime text in a GeneralizedTime (or the reverse): DER GeneralizedTime always has
            # seconds, so 12 digits + Z is a UTCTime written under the wrong tag
            t = _parse_time_text(text)
            if t is None:
                raise SesError(f"{what}: bad time value")
            q.append(("ENC_TIME_TYPE", {"field": what, "text": text.decode("ascii", "replace")}))
            return t
        try:
            t = v.native
        except (ValueError, TypeError):
            # e.g. UTCTime text (yyMMddHHmmssZ) inside a GeneralizedTime: read the text
            text = bytes(v.contents or b"")
            t = _parse_time_text(text)
            if t is None:
                raise SesError(f"{what}: bad time value") from None
            q.append(("ENC_TIME_TYPE", {"field": what, "text": text.decode("ascii", "replace")}))
            return t
        if isinstance(t, _dt.datetime):
            return t if t.tzinfo else t.replace(tzinfo=_dt.UTC)
        return None
    if isinstance(v, (core.BitString, core.OctetString)):
        return _parse_time_text(_bits(v, what, q))
    if isinstance(v, core.AbstractString):
        return _parse_time_text(v.native.encode("ascii", "replace"))
    raise SesError(f"{what}: not a time value")


def _swapped_time_text(v, text: bytes) -> bool:
    digits = text[:-1] if text.endswith(b"Z") else text
    if not digits.isdigit():
        return False
    if isinstance(v, core.GeneralizedTime):
        return len(digits) == 12
    return len(digits) == 14


def _time_info(v, q: list[Quirk]) -> tuple[_dt.datetime | None, str]:
    if isinstance(v, (core.BitString, core.OctetString)):
        raw = _bits(v, "TBS_Sign.timeInfo", q)
        return _parse_time_text(raw), raw.decode("ascii", "replace")
    t = _time(v, q, "TBS_Sign.timeInfo")
    return t, (t.isoformat() if t else "")


def _parse_time_text(raw: bytes) -> _dt.datetime | None:
    """v1 timeInfo: the time as text in a BIT STRING (``yyyyMMddHHmmss[Z]``, UTCTime, …)."""
    s = raw.decode("ascii", "replace").strip()
    digits = "".join(ch for ch in s if ch.isdigit())
    for fmt, n in (("%Y%m%d%H%M%S", 14), ("%y%m%d%H%M%S", 12)):
        if len(digits) >= n:
            try:
                return _dt.datetime.strptime(digits[:n], fmt).replace(tzinfo=_dt.UTC)
            except ValueError:
                pass
    return None


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b
