"""Encodings real seal products write that do not change what was signed.

Each tolerance has a crafted seal that must verify (with an ``info`` finding naming the quirk)
and the same encoding over a changed document that must still be ``fail``: the digest, the
signed bytes and the seal are judged strictly whatever the encoding.
"""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import core

from checker import Options, check_bytes
from checker._crypto import sm2
from testkit import ofdsign, pki
from testkit.ofdsign import gtime, ia5, integer, octets, oid, seq

UTC = dt.timezone.utc
WHEN = dt.datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
SM2_SM3 = "1.2.156.10197.1.501"


@pytest.fixture(scope="module")
def ca():
    root = pki.make_cert(pki.name("示例 根 (TEST)"), pki.Key.generate("sm2"), None, ca=True)
    signer_key = pki.Key.generate("sm2")
    signer = pki.make_cert(pki.name("示例 签章人 (TEST)"), signer_key, root)
    return {"root": root, "signer": signer}


def _bits(value: bytes, unused: int = 0) -> bytes:
    body = bytes([unused]) + value
    return b"\x03" + ofdsign._len(len(body)) + body


def _int_nonminimal(v: int) -> bytes:
    b = b"\x00\x00" + v.to_bytes(32, "big")  # two superfluous leading zero bytes
    return b"\x02" + bytes([len(b)]) + b


def _int_unsigned(v: int) -> bytes:
    b = v.to_bytes(32, "big")  # no 00 sign byte even when the top bit is set
    return b"\x02" + bytes([len(b)]) + b


def _signature_encoding(der_sig: bytes, how: str) -> bytes:
    r, s = sm2.decode_signature(der_sig)
    if how == "raw":
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if how == "nonminimal":
        body = _int_nonminimal(r) + _int_nonminimal(s)
    elif how == "unsigned":
        body = _int_unsigned(r) + _int_unsigned(s)
    else:
        return der_sig
    return b"\x30" + bytes([len(body)]) + body


def _seal(data: bytes, ca, *, hash_unused: int = 0, sig_unused: int = 0, maker_unused: int = 0,
          sig_form: str = "der", time_der: bytes | None = None, alg_oid: str = SM2_SM3,
          tamper: bool = False) -> bytes:
    """Seal ``data`` (v4) writing the SES fields with the given encodings; ``tamper`` changes a
    page after sealing."""
    key, cert = ca["signer"].key, ca["signer"]
    files, n, sign_dir, refs = ofdsign._prepare(data, "Seal", None, "sm3")
    # the seal, with its maker signature written with ``maker_unused`` unused bits
    start, end = dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2045, 1, 1, tzinfo=UTC)
    header = seq(ia5("ES"), integer(4), ia5("DEMO"))
    prop = seq(integer(1), ofdsign.utf8("示例印章"), integer(1), seq(octets(cert.der)), gtime(start), gtime(start),
               gtime(end))
    pic = seq(ia5("PNG"), octets(ofdsign._demo_png()), integer(40), integer(40))
    info = seq(header, ia5("DEMO-1"), prop, pic)
    seal_der = seq(info, octets(cert.der), oid(SM2_SM3), _bits(key.sign(info, "sm3"), maker_unused))
    sig_xml = ofdsign._signature_xml(refs, method_oid=SM2_SM3, check_method="sm3", when=WHEN, sign_dir=sign_dir,
                                     page=1, boundary=(10, 10, 40, 40), seal_loc=None, sig_id=n)
    files[f"{sign_dir}/Signature.xml"] = sig_xml
    data_hash = hashlib.new("sm3", sig_xml).digest()
    tbs = seq(integer(4), seal_der, time_der or gtime(WHEN), _bits(data_hash, hash_unused), ia5("x"))
    der_sig = key.sign(tbs, "sm3")
    while sig_form == "unsigned" and not any(v >> 255 for v in sm2.decode_signature(der_sig)):
        der_sig = key.sign(tbs, "sm3")  # only a top bit set needs the sign byte DER calls for
    value = _signature_encoding(der_sig, sig_form)
    files[f"{sign_dir}/SignedValue.dat"] = seq(tbs, octets(cert.der), oid(alg_oid), _bits(value, sig_unused))
    if tamper:
        page = next(k for k in files if k.endswith("Content.xml"))
        files[page] = files[page].replace("示例".encode(), "伪造".encode())
    return ofdsign.write_zip(files)


def _check(data: bytes, ca):
    return check_bytes(data, "t.ofd", Options(trust=(ca["root"].pem,), use_default_trust=False))


def _codes(res, severity: str | None = None) -> set[str]:
    return {f.code for f in res.findings if severity is None or f.severity == severity}


@pytest.fixture(scope="module")
def plain():
    return ofdsign.make_ofd(["示例 电子证书", "姓名：示例"])


CASES = [
    ("ENC_BIT_STRING_UNUSED_BITS", dict(hash_unused=3)),
    ("ENC_BIT_STRING_UNUSED_BITS", dict(sig_unused=7)),
    ("ENC_BIT_STRING_UNUSED_BITS", dict(maker_unused=1)),
    ("ENC_SM2_RAW_SIGNATURE", dict(sig_form="raw")),
    ("ENC_INTEGER_NOT_MINIMAL", dict(sig_form="nonminimal")),
    ("ENC_INTEGER_NOT_MINIMAL", dict(sig_form="unsigned")),
    ("ENC_TIME_TYPE", dict(time_der=b"\x18\x0d" + WHEN.strftime("%y%m%d%H%M%SZ").encode())),  # UTCTime text
    ("ENC_TIME_TYPE", dict(time_der=_bits(WHEN.strftime("%Y%m%d%H%M%SZ").encode()))),  # v1 text in a v4 seal
    ("ENC_SIG_ALG_OID", dict(alg_oid="1.2.156.10197.6.1.4.2.2")),
]


@pytest.mark.parametrize("code,kw", CASES, ids=[f"{c}-{list(k)[0]}" for c, k in CASES])
def test_tolerated_encoding_verifies_and_is_named(plain, ca, code, kw):
    res = _check(_seal(plain, ca, **kw), ca)
    assert code in _codes(res, "info"), res.findings
    assert "SIG_OK" in _codes(res), res.findings
    assert not _codes(res, "fail") and not _codes(res, "error"), res.findings


@pytest.mark.parametrize("code,kw", CASES, ids=[f"{c}-{list(k)[0]}" for c, k in CASES])
def test_tolerated_encoding_over_a_changed_page_still_fails(plain, ca, code, kw):
    res = _check(_seal(plain, ca, tamper=True, **kw), ca)
    assert res.verdict == "fail", res.findings
    assert "SIG_DIGEST_MISMATCH" in _codes(res, "fail")
    assert "SIG_OK" not in _codes(res)


@pytest.mark.parametrize("kw", [dict(hash_unused=3), dict(sig_form="raw"), dict(sig_form="nonminimal")])
def test_wrong_signature_under_tolerated_encoding_is_fail(plain, ca, kw):
    """A signature value that does not verify stays SIG_INVALID whatever its encoding."""
    data = _seal(plain, ca, **kw)
    files = ofdsign._read(data)
    sv = next(k for k in files if k.endswith("SignedValue.dat"))
    top = core.Sequence.load(files[sv])
    items = [top[i].dump() for i in range(4)]
    c = bytearray(items[3])
    c[-5] ^= 0x01  # one bit of s
    files[sv] = seq(items[0], items[1], items[2], bytes(c))
    res = _check(ofdsign.write_zip(files), ca)
    assert res.verdict == "fail" and "SIG_INVALID" in _codes(res, "fail"), res.findings


def test_wrong_data_hash_under_unused_bits_is_fail(plain, ca):
    """dataHash with unused bits declared still has to equal SM3(Signature.xml)."""
    data = _seal(plain, ca, hash_unused=3)
    files = ofdsign._read(data)
    sx = next(k for k in files if k.endswith("Signature.xml") and "Signs/Sign_" in k)
    files[sx] = files[sx].replace(b"checker-testkit", b"checker-testkiT")
    res = _check(ofdsign.write_zip(files), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


def test_sig_alg_stand_in_needs_an_sm2_key():
    """The stand-in OID is read as SM2-with-SM3 only for an SM2 key."""
    from checker._ofd import sesverify

    assert sesverify._is_sm2_key(pki.Key.generate("sm2").spki_der())
    assert not sesverify._is_sm2_key(pki.Key.generate("ecdsa").spki_der())


def test_lenient_integers_read_unsigned():
    r, s = (1 << 255) | 5, (1 << 254) | 7
    assert sm2.decode_signature(_signature_encoding(_der(r, s), "unsigned")) == (r, s)
    assert sm2.decode_signature(_signature_encoding(_der(r, s), "nonminimal")) == (r, s)
    assert sm2.signature_quirk(_der(r, s)) is None
    assert sm2.signature_quirk(_signature_encoding(_der(r, s), "raw")) == "raw"
    assert sm2.signature_quirk(_signature_encoding(_der(r, s), "unsigned")) == "integer"
    for bad in (b"\x30\x06\x02\x01\x01\x02\x01", b"\x30\x03\x02\x01\x01", b"\x31\x06\x02\x01\x01\x02\x01\x01",
                b"\x30\x08\x02\x01\x01\x02\x01\x01\x00\x00"):
        with pytest.raises(ValueError):
            sm2.decode_signature(bad)


def _der(r: int, s: int) -> bytes:
    from checker._crypto.ecdsa import encode_der_rs

    return encode_der_rs(r, s)


def test_name_with_unexpected_string_type_is_read():
    """x500UniqueIdentifier (a BIT STRING by the standard) written as UTF8String, and GBK bytes
    in a TeletexString, as real CA certificates carry them: readable, noted, not rejected."""
    from asn1crypto import x509

    from checker._crypto.x509 import check_name, name_quirks, readable_name

    def atv(type_oid: str, value: bytes) -> bytes:
        return seq(oid(type_oid), value)

    utf8_uid = b"\x0c\x06B00102"
    teletex_gbk = b"\x14" + bytes([len("示例".encode("gb18030"))]) + "示例".encode("gb18030")
    rdns = [b"\x31" + ofdsign._len(len(a)) + a for a in (atv("2.5.4.3", ofdsign.utf8("示例")),
                                                         atv("2.5.4.45", utf8_uid),
                                                         atv("2.5.4.10", teletex_gbk))]
    name = x509.Name.load(seq(*rdns))
    check_name(name)
    assert set(name_quirks(name)) == {"2.5.4.45", "2.5.4.10"}
    assert "B00102" in readable_name(name) and "O=示例" in readable_name(name)


def test_trimmed_signature_bit_string_is_restored(ca):
    """A DER signature ending in a zero byte, written as a named-bit list without that byte
    (Suwell SDK): the zeros are restored up to the length the DER header announces."""
    from checker._ofd import ses

    cert = ca["signer"]
    seal_der = ofdsign.build_seal("示例印章", cert, [cert.der])
    tbs = seq(integer(4), seal_der, gtime(WHEN), _bits(b"\x11" * 32), ia5("x"))
    full = b"\x30\x08\x02\x02\x01\x02\x02\x02\x01\x00"  # last byte zero
    parsed = ses.parse_signature(seq(tbs, octets(cert.der), oid(SM2_SM3), _bits(full[:-1], 1)))
    assert parsed.signature == full
    assert ("ENC_BIT_STRING_TRIMMED", {"field": "SES_Signature.signature", "count": 1}) in parsed.quirks
    # without declared unused bits nothing is guessed
    parsed = ses.parse_signature(seq(tbs, octets(cert.der), oid(SM2_SM3), _bits(full[:-1], 0)))
    assert parsed.signature == full[:-1]


# -- SM2 curve identifier variants -------------------------------------------------------
def _variant_spki(key: pki.Key, how: str) -> bytes:
    from asn1crypto import keys

    from checker._crypto.ec import SM2P256 as c

    if how == "explicit":
        params = keys.SpecifiedECDomain({
            "version": "ecdpVer1",
            "field_id": {"field_type": "prime_field", "parameters": c.p},
            "curve": {"a": c.a.to_bytes(32, "big"), "b": c.b.to_bytes(32, "big")},
            "base": b"\x04" + c.gx.to_bytes(32, "big") + c.gy.to_bytes(32, "big"),
            "order": c.n, "cofactor": 1}).dump()
    else:
        params = core.ObjectIdentifier(how).dump()
    alg = seq(oid("1.2.840.10045.2.1"), params)
    return seq(alg, _bits(key.public_point()))


@pytest.mark.parametrize("how", ["1.2.156.10197.1.301.1", "1.2.156.10197.1.301.3", "explicit"])
def test_sm2_curve_variants_verify(how):
    from checker._crypto import sigalg

    key = pki.Key.generate("sm2")
    spki = _variant_spki(key, how)
    parsed = sigalg.parse_public_key(spki)
    assert parsed.curve_oid == sigalg.OID_SM2 and parsed.curve_written
    sig = key.sign(b"message", "sm3")
    assert sigalg.verify(SM2_SM3, None, spki, b"message", sig)
    assert not sigalg.verify(SM2_SM3, None, spki, b"messagE", sig)


def test_explicit_parameters_of_another_curve_stay_unsupported():
    from checker._crypto import CryptoError, sigalg

    key = pki.Key.generate("sm2")
    spki = _variant_spki(key, "explicit").replace(
        sm2.CURVE.b.to_bytes(32, "big"), (sm2.CURVE.b ^ 1).to_bytes(32, "big"))
    with pytest.raises(CryptoError):
        sigalg.parse_public_key(spki)


def test_seal_signed_with_a_variant_curve_key_is_named(plain, ca, monkeypatch):
    key = pki.Key.generate("sm2")
    monkeypatch.setattr(pki.Key, "spki_der", lambda self: _variant_spki(self, "1.2.156.10197.1.301.1"))
    from asn1crypto import keys

    monkeypatch.setattr(pki.Key, "spki", lambda self: keys.PublicKeyInfo.load(self.spki_der()))
    signer = pki.make_cert(pki.name("示例 变体曲线 (TEST)"), key, ca["root"])
    monkeypatch.undo()
    res = _check(_seal(plain, dict(ca, signer=signer)), ca)
    assert {"SIG_OK", "ENC_SM2_CURVE_OID"} <= _codes(res), res.findings
    res = _check(_seal(plain, dict(ca, signer=signer), tamper=True), ca)
    assert res.verdict == "fail", res.findings
