"""PDF signatures whose /Contents is a GB/T 38540 SES_Signature (/SubFilter /GM.sm2seal).

The real file is a Beijing tax-bureau e-invoice (tests/corpus/real/, verified independently with
OpenSSL 3: dataHash = SM3 of the ByteRange bytes, signature over DER(TBS_Sign)).  The synthetic
ones are sealed here with a test PKI so that forgeries of every kind can be built: a changed
signed byte, a changed signature, a seal that does not list its signer, and incremental updates
after the seal, judged exactly like those after a CMS signature.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import pathlib
import re

import pytest

from checker import Options, check_bytes
from testkit import ofdsign, pdfattacks, pki
from testkit import pdfsign as ps

ROOT = pathlib.Path(__file__).resolve().parent
REAL = ROOT / "corpus" / "real" / "xilou_pdffapiao_beijing.pdf"
UTC = dt.timezone.utc


def _codes(res, severity: str | None = None) -> set[str]:
    return {f.code for f in res.findings if severity is None or f.severity == severity}


# -- the real e-invoice ---------------------------------------------------------------------
def test_real_e_invoice_seal_verifies():
    res = check_bytes(REAL.read_bytes(), REAL.name)
    assert res.verdict == "warn", res.findings  # intact, but the tax CA is not a bundled anchor
    assert {"SIG_OK", "OFD_SEAL_INFO", "SIG_UNTRUSTED"} <= _codes(res)
    (sig,) = res.signatures
    assert sig.intact and sig.algorithm == "SM2-SM3" and "国家税务总局北京市税务局" in sig.signer
    assert sig.covers_whole_file


def _byterange(data: bytes) -> tuple[int, int, int, int]:
    return tuple(int(x) for x in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data).groups())


@pytest.mark.parametrize("where", ["first-range", "second-range"])
def test_real_e_invoice_changed_signed_byte_fails(where):
    data = bytearray(REAL.read_bytes())
    a, la, b, lb = _byterange(bytes(data))
    pos = (data.index(b"/Creator(", 0, a + la) + 10 if where == "first-range"
           else data.index(b"/PrI/", b) + 8)  # a hex digit of the vendor field after /Contents
    data[pos] ^= 0x01
    res = check_bytes(bytes(data), REAL.name)
    assert res.verdict == "fail", res.findings
    assert "SIG_DIGEST_MISMATCH" in _codes(res, "fail") or "SIG_INVALID" in _codes(res, "fail")
    assert "SIG_OK" not in _codes(res)


def test_real_e_invoice_changed_signature_value_fails():
    data = bytearray(REAL.read_bytes())
    a, la, b, lb = _byterange(bytes(data))
    der = bytes.fromhex(data[la + 1:b - 1].decode())
    n = 4 + int.from_bytes(der[2:4], "big")  # 30 82 xx xx
    pos = la + 1 + 2 * (n - 3)  # a hex digit inside the last bytes of the signature value
    data[pos:pos + 1] = b"0" if data[pos:pos + 1] != b"0" else b"1"
    res = check_bytes(bytes(data), REAL.name)
    assert res.verdict == "fail" and "SIG_INVALID" in _codes(res, "fail"), res.findings


# -- synthetic seals --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ca():
    root = pki.make_cert(pki.name("示例 根 (TEST)"), pki.Key.generate("sm2"), None, ca=True)
    signer = pki.make_cert(pki.name("示例 税务局 (TEST)"), pki.Key.generate("sm2"), root)
    other = pki.make_cert(pki.name("示例 他人 (TEST)"), pki.Key.generate("sm2"), root)
    return {"root": root, "signer": signer, "other": other}


def _ses_over(chunks, ca, *, listed=None, raw=False, signer=None) -> bytes:
    signer = signer or ca["signer"]
    listed = [signer.der] if listed is None else listed
    seal = ofdsign.build_seal("示例 发票专用章", ca["root"], listed)
    data_hash = hashlib.new("sm3", b"".join(bytes(c) for c in chunks)).digest()
    der, tbs, value = ofdsign.build_ses_signature(seal, data_hash, signer.key, signer.der,
                                                  sign_time=dt.datetime(2026, 2, 1, tzinfo=UTC),
                                                  property_info="Signature.xml")
    if raw:
        from asn1crypto import core

        top = core.Sequence.load(der)
        items = [top[i].dump() for i in range(3)]
        der = ofdsign.seq(*items, ofdsign.bits(signer.key.sign(tbs, "sm3", raw_sm2=True)))
    return der


def _sealed(ca, **kw) -> bytes:
    return ps.sign_pdf(ps.base_pdf(pdfattacks.GENUINE), subfilter="GM.sm2seal",
                       signed_cms=lambda chunks: _ses_over(chunks, ca, **kw))


def _check(data: bytes, ca):
    return check_bytes(data, "t.pdf", Options(trust=(ca["root"].pem,), use_default_trust=False))


def test_synthetic_seal_is_trusted_when_its_root_is(ca):
    res = _check(_sealed(ca), ca)
    assert {"SIG_OK", "SIG_TRUSTED"} <= _codes(res), res.findings
    assert not _codes(res, "fail") and not _codes(res, "error")
    assert res.signatures[0].intact and res.signatures[0].trusted


def test_raw_signature_value_is_tolerated_and_named(ca):
    res = _check(_sealed(ca, raw=True), ca)
    assert {"SIG_OK", "ENC_SM2_RAW_SIGNATURE"} <= _codes(res), res.findings


def test_signer_not_listed_in_the_seal_fails(ca):
    res = _check(_sealed(ca, listed=[ca["other"].der]), ca)
    assert res.verdict == "fail" and "OFD_SEAL_SIGNER_NOT_LISTED" in _codes(res, "fail"), res.findings
    assert not res.signatures[0].intact


def test_seal_of_another_document_fails(ca):
    """The victim's seal copied into a forged document: dataHash does not match."""
    victim = _sealed(ca)
    der = bytes.fromhex(pdfattacks._contents_hex(victim).decode())
    forged = ps.sign_pdf(ps.base_pdf(pdfattacks.FORGED), subfilter="GM.sm2seal", signed_cms=lambda chunks: der)
    res = _check(forged, ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


@pytest.mark.parametrize("attack", ["isa_replace_content", "isa_add_page", "isa_open_action", "evil_annotation",
                                    "isa_no_xref", "trailing_garbage"])
def test_incremental_update_after_seal_is_judged_like_cms(ca, attack):
    attacked = getattr(pdfattacks, attack)(_sealed(ca))
    res = _check(attacked, ca)
    assert res.verdict != "pass", (attack, res.findings)
    if attack in ("isa_replace_content", "isa_add_page", "evil_annotation"):
        assert res.verdict == "fail", (attack, res.findings)


def test_harmless_update_after_seal_is_allowed(ca):
    """Validation data (/DSS) added after the seal changes nothing shown: still intact."""
    res = _check(ps.add_dss(_sealed(ca)), ca)
    assert "SIG_OK" in _codes(res) and not _codes(res, "fail"), res.findings


@pytest.mark.parametrize("contents", [b"", b"\x30\x03\x02\x01\x01", b"\x30\x82\x01\x00" + b"\x00" * 10])
def test_garbage_seal_never_passes(ca, contents):
    data = ps.sign_pdf(ps.base_pdf(pdfattacks.GENUINE), subfilter="GM.sm2seal", signed_cms=lambda chunks: contents)
    res = _check(data, ca)
    assert res.verdict in ("fail", "error", "warn") and "SIG_OK" not in _codes(res), res.findings


# -- CMS signatures with tolerated SM2 encodings -------------------------------------------
def test_cms_raw_sm2_signature_is_tolerated_and_named(ca):
    data = ps.sign_pdf(ps.base_pdf(pdfattacks.GENUINE), ca["signer"], [ca["root"]], gm=True, raw_sm2=True)
    res = _check(data, ca)
    assert {"SIG_OK", "ENC_SM2_RAW_SIGNATURE"} <= _codes(res), res.findings
    res = _check(pdfattacks.isa_replace_content(data), ca)
    assert res.verdict == "fail", res.findings


def test_seal_timestamp_is_checked_as_in_an_ofd(ca):
    """A v4 seal's timeStamp over its signature value dates the PDF signature; a token over
    another value is named, never trusted."""
    from testkit import cms as tcms

    tsa = pki.make_cert(pki.name("示例 时间戳 (TEST)"), pki.Key.generate("sm2"), ca["root"], eku=["time_stamping"])

    def with_token(chunks, good=True):
        from checker._ofd import ses

        der = _ses_over(chunks, ca)
        value = ses.parse_signature(der).signature
        token = tcms.timestamp_token(value if good else b"other", tsa, digest_name="sm3",
                                     gen_time=dt.datetime(2026, 2, 1, tzinfo=UTC))
        return ofdsign._with_timestamp(der, token)

    for good in (True, False):
        data = ps.sign_pdf(ps.base_pdf(pdfattacks.GENUINE), subfilter="GM.sm2seal",
                           signed_cms=lambda chunks: with_token(chunks, good))
        res = _check(data, ca)
        if good:
            assert {"SIG_OK", "OFD_TIMESTAMP_OK"} <= _codes(res) and res.signatures[0].timestamp, res.findings
        else:  # a token over something else: named as in a PDF CMS or an OFD seal, never dates it
            assert "CRYPTO_TIMESTAMP_MISMATCH" in _codes(res) and not res.signatures[0].timestamp, res.findings
