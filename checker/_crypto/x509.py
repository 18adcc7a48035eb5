"""Certificate helpers: loading (PEM/DER), readable names, fingerprints, signature checks."""
from __future__ import annotations

import base64
import hashlib
import re

from asn1crypto import x509
from asn1crypto.x509 import Certificate

from . import CryptoError, MalformedCrypto
from .sigalg import verify as _verify

_PEM_RE = re.compile(rb"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----(.*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----", re.S)

# Short labels for readable names, most significant last in the DER; printed CN first.
_LABELS = {
    "common_name": "CN",
    "organization_name": "O",
    "organizational_unit_name": "OU",
    "country_name": "C",
    "state_or_province_name": "ST",
    "locality_name": "L",
    "email_address": "E",
    "serial_number": "SERIALNUMBER",
}
_ORDER = ("common_name", "organizational_unit_name", "organization_name", "locality_name",
          "state_or_province_name", "country_name")


def load_certificate(der: bytes) -> Certificate:
    """Parse one DER certificate; raises MalformedCrypto."""
    try:
        cert = x509.Certificate.load(bytes(der), strict=True)
        check_name(cert["tbs_certificate"]["subject"])  # force parsing of the parts we use
        check_name(cert["tbs_certificate"]["issuer"])
        _ = cert["tbs_certificate"]["validity"].native
        _ = cert["tbs_certificate"]["serial_number"].native
        cert.public_key.dump()
        return cert
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise MalformedCrypto(f"bad certificate: {exc}") from None


def load_certificates(data: bytes) -> list[Certificate]:
    """Certificates from PEM (one or several blocks) or a single DER certificate."""
    data = bytes(data)
    blocks = _PEM_RE.findall(data)
    if blocks:
        out = []
        for b in blocks:
            try:
                der = base64.b64decode(b"".join(b.split()), validate=True)
            except ValueError:
                raise MalformedCrypto("bad base64 in PEM") from None
            out.append(load_certificate(der))
        return out
    if b"-----BEGIN" in data:
        raise MalformedCrypto("PEM without a certificate")
    return [load_certificate(data)]


def fingerprint(cert: Certificate) -> str:
    """SHA-256 of the DER certificate, lower-case hex."""
    return hashlib.sha256(cert.dump()).hexdigest()


def attribute_text(atv: x509.NameTypeAndValue) -> tuple[str, bool]:
    """The text of one Name attribute and whether it was read leniently.

    Real issuers write attribute values in string types the standard does not give that
    attribute (a UTF8String for x500UniqueIdentifier, GBK bytes in a TeletexString).  Names are
    only shown and compared byte for byte, never decoded for a decision, so such a value is
    read as text from its bytes (UTF-8, else GB 18030) instead of rejecting the certificate.
    """
    try:
        value = atv["value"].native
        if isinstance(value, str):
            if any(ord(ch) > 0x7F for ch in value) and _is_teletex(atv["value"]):
                # T.61 is never what a Chinese CA means by bytes >= 0x80: UTF-8 or GB 18030
                return _decode_text(_attribute_bytes(atv)), True
            return value, False
        if isinstance(value, (bytes, bytearray)):
            return bytes(value).hex(), False
        return str(value), False
    except (ValueError, TypeError, KeyError, OverflowError):
        pass
    return _decode_text(_attribute_bytes(atv)), True


def _is_teletex(value) -> bool:
    from asn1crypto import core

    chosen = getattr(value, "chosen", value)
    return isinstance(chosen, core.TeletexString)


def _decode_text(raw: bytes) -> str:
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _attribute_bytes(atv: x509.NameTypeAndValue) -> bytes:
    """Contents of the attribute value, whatever its tag (raises ValueError if not DER)."""
    from asn1crypto import core

    generic = core.Sequence.load(atv.dump())
    return bytes(generic[1].contents or b"")


def check_name(name: x509.Name) -> None:
    """Parse every attribute of ``name`` (ValueError when the structure itself is broken)."""
    for rdn in name.chosen:
        for atv in rdn:
            _ = atv["type"].native  # the attribute type must parse
            attribute_text(atv)


def name_quirks(name: x509.Name) -> list[str]:
    """Attribute types (dotted OIDs) whose values had to be read leniently."""
    out: list[str] = []
    try:
        for rdn in name.chosen:
            for atv in rdn:
                if attribute_text(atv)[1]:
                    out.append(atv["type"].dotted)
    except (ValueError, TypeError, KeyError):
        pass
    return out


def readable_name(name: x509.Name) -> str:
    """"CN=…, OU=…, O=…, C=CN" (CN first); unknown attribute types by dotted OID."""
    parts: list[tuple[int, str]] = []
    try:
        for rdn in name.chosen:
            for atv in rdn:
                t = atv["type"]
                key = t.native
                label = _LABELS.get(key, t.dotted if key == t.dotted else key)
                try:
                    value = attribute_text(atv)[0]
                except (ValueError, TypeError):
                    value = "?"
                rank = _ORDER.index(key) if key in _ORDER else len(_ORDER)
                parts.append((rank, f"{label}={value}"))
    except (ValueError, TypeError, KeyError):
        return "?"
    parts.sort(key=lambda p: p[0])
    return ", ".join(p for _, p in parts)


def common_name(name: x509.Name) -> str:
    """CN if present, else O, else the readable name."""
    found: dict[str, str] = {}
    try:
        for rdn in name.chosen:
            for atv in rdn:
                key = atv["type"].native
                if key in ("common_name", "organization_name"):
                    found[key] = attribute_text(atv)[0]  # the last one, as in Name.native
    except (ValueError, TypeError, KeyError):
        return "?"
    for key in ("common_name", "organization_name"):
        if found.get(key):
            return found[key]
    return readable_name(name)


def verify_cert_signature(cert: Certificate, issuer: Certificate) -> bool:
    """Does ``issuer``'s key verify ``cert``'s signature?  (SM2 with the default ID.)"""
    try:
        alg = cert["signature_algorithm"]
        if alg.dump() != cert["tbs_certificate"]["signature"].dump():
            return False  # RFC 5280 4.1.1.2: outer and inner algorithm must be identical
        oid = alg["algorithm"].dotted
        params = alg["parameters"]
        pdump = params.dump() if params is not None and params.contents else None
        if pdump in (b"\x05\x00",):
            pdump = None
        tbs = cert["tbs_certificate"].dump()
        sig = cert["signature_value"].native
        return _verify(oid, pdump, issuer.public_key.dump(), tbs, sig)
    except CryptoError:
        return False
    except (ValueError, TypeError, KeyError):
        return False
