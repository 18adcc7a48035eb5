"""CMS SignedData + RFC 3161 timestamps: testkit signer, OpenSSL `cms -sign`, negatives."""
import datetime as dt
import shutil
import subprocess

import pytest
from asn1crypto import cms as acms

from checker._crypto import MalformedCrypto, cms
from testkit import cms as tcms
from testkit import pki

DATA = [b"%PDF-1.7 first range ", b" second range %%EOF\n"]
WHOLE = b"".join(DATA)


@pytest.fixture(scope="module", params=pki.KINDS)
def kit(request):
    return pki.make_pki(request.param)


def verify(der, content=DATA):
    return cms.verify_signed_data(cms.parse_signed_data(der), content)


def test_roundtrip_all_flavours(kit):
    cases = [{}, {"gm": True}, {"use_ski": True}, {"ess": True}, {"signed_attrs": False}]
    if kit.kind == "rsa":
        cases += [{"pss": True}, {"rsa_encryption_oid": False}, {"digest_name": "sha512"}]
    if kit.kind == "sm2":
        cases += [{"raw_sm2": True}, {"gm": True, "sm2_oid": "1.2.156.10197.1.301"}]
    if kit.kind == "ecdsa":
        cases += [{"digest_name": "sha384"}]
    st = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
    for kw in cases:
        der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], signing_time=st, **kw)
        v = verify(der)
        assert v.intact and v.valid, (kw, v.problems)
        assert v.signer_cert.dump() == kit.leaf.der
        if kw.get("signed_attrs", True):
            assert v.signing_time == st
            assert "CRYPTO_NO_SIGNED_ATTRS" not in v.problems
        expected = {"rsa": "RSA", "ecdsa": "ECDSA", "sm2": "SM2"}[kit.kind]
        assert v.signature_algorithm.startswith(expected)
        info = cms.parse_signed_data(der)
        assert info.is_gm == bool(kw.get("gm"))
        # any change of the content is detected
        w = verify(der, [DATA[0], DATA[1][:-1] + b"\r"])
        assert not w.intact and not w.valid
        assert ("CRYPTO_SIGNATURE_INVALID" if kw.get("signed_attrs") is False else "CRYPTO_DIGEST_MISMATCH") in w.problems


def test_sm2_gm_oids_structure():
    kit = pki.demo_pki("sm2")
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], gm=True)
    info = cms.parse_signed_data(der)
    assert info.outer_oid == "1.2.156.10197.6.1.4.2.2"
    assert info.content_type == "1.2.156.10197.6.1.4.2.1"
    assert info.signers[0].sig_alg_oid == "1.2.156.10197.1.301.1"
    assert info.signers[0].digest_oid == "1.2.156.10197.1.401"
    v = cms.verify_signed_data(info, WHOLE)
    assert v.valid and v.signature_algorithm == "SM2-SM3" and v.digest_algorithm == "sm3"


def test_padding_tolerated_but_not_garbage(kit):
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca])
    assert verify(der + b"\0" * 4000).valid  # PDF /Contents zero padding
    with pytest.raises(MalformedCrypto):
        cms.parse_signed_data(der + b"\0\0junk")


@pytest.mark.parametrize("blob", [b"", b"\x30", b"\x30\x03\x06\x01\x00", b"not der at all", b"\x30\x80" + b"\0" * 10])
def test_garbage_is_malformed(blob):
    with pytest.raises(MalformedCrypto):
        cms.parse_signed_data(blob)


def test_not_signed_data():
    der = acms.ContentInfo({"content_type": "data", "content": b"hello"}).dump()
    with pytest.raises(MalformedCrypto):
        cms.parse_signed_data(der)


def test_wrong_message_digest_attr(kit):
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], message_digest_override=b"\x11" * 32)
    v = verify(der)
    assert not v.intact and not v.valid and "CRYPTO_DIGEST_MISMATCH" in v.problems


def test_wrong_content_type_attr(kit):
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], content_type_attr_override="1.2.840.113549.1.9.16.1.4")
    v = verify(der)
    assert not v.valid and "CRYPTO_CONTENT_TYPE_MISMATCH" in v.problems


def test_signed_by_other_key_with_victim_cert(kit):
    """Attacker embeds the genuine certificate but signs with their own key."""
    attacker = pki.make_pki(kit.kind)
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], sign_with=attacker.leaf)
    v = verify(der)
    assert v.intact and not v.valid and "CRYPTO_SIGNATURE_INVALID" in v.problems


def test_signer_cert_missing(kit):
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], include_signer_cert=False)
    v = verify(der)
    assert not v.valid and v.signer_cert is None and "CRYPTO_SIGNER_CERT_MISSING" in v.problems


def test_flipped_signature_bit(kit):
    der = bytearray(tcms.sign_detached(DATA, kit.leaf, [kit.ca]))
    info = cms.parse_signed_data(bytes(der))
    sig = info.signers[0].signature
    pos = bytes(der).rindex(sig) + len(sig) // 2
    der[pos] ^= 0x01
    v = verify(bytes(der))
    assert not v.valid and "CRYPTO_SIGNATURE_INVALID" in v.problems


def test_ess_signing_certificate_mismatch(kit):
    other = pki.make_pki(kit.kind)
    import hashlib

    from asn1crypto import tsp

    attr = {"type": "1.2.840.113549.1.9.16.2.47", "values": [tsp.SigningCertificateV2({
        "certs": [{"hash_algorithm": {"algorithm": "sha256"}, "cert_hash": hashlib.sha256(other.leaf.der).digest()}]})]}
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], extra_signed_attrs=[attr])
    v = verify(der)
    assert not v.valid and "CRYPTO_SIGNING_CERT_MISMATCH" in v.problems


def test_weak_digest_flagged():
    kit = pki.demo_pki("rsa")
    v = verify(tcms.sign_detached(DATA, kit.leaf, [kit.ca], digest_name="sha1"))
    assert v.valid and "CRYPTO_WEAK_DIGEST" in v.problems


def test_encapsulated_content(kit):
    der = tcms.sign_detached(WHOLE, kit.leaf, [kit.ca], detached=False)
    info = cms.parse_signed_data(der)
    assert info.econtent == WHOLE
    assert cms.verify_signed_data(info, None).valid
    assert "CRYPTO_CONTENT_CONFLICT" in cms.verify_signed_data(info, b"other").problems
    det = cms.parse_signed_data(tcms.sign_detached(WHOLE, kit.leaf))
    assert "CRYPTO_NO_CONTENT" in cms.verify_signed_data(det, None).problems


# ---- timestamps -----------------------------------------------------------------------------


def test_embedded_timestamp(kit):
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca], timestamp_tsa=kit.tsa, timestamp_certs=[kit.ca])
    v = verify(der)
    assert v.valid and v.timestamp is not None
    assert v.timestamp.intact and v.timestamp.valid
    assert v.timestamp.tsa_cert.dump() == kit.tsa.der
    assert v.timestamp.gen_time.tzinfo is not None


def test_embedded_timestamp_over_other_signature(kit):
    """A token copied from another signature: imprint mismatch -> CRYPTO_TIMESTAMP_MISMATCH."""
    token = tcms.timestamp_token(b"some other signature value", kit.tsa, [kit.ca])
    attr = [{"type": "1.2.840.113549.1.9.16.2.14", "values": [acms.ContentInfo.load(token)]}]
    der = tcms.sign_detached(DATA, kit.leaf, [kit.ca])
    info = cms.parse_signed_data(der)
    # rebuild the SignerInfo with the foreign token as unsigned attribute
    ci = acms.ContentInfo.load(der)
    si = ci["content"]["signer_infos"][0]
    si["unsigned_attrs"] = attr
    v = verify(ci.dump())
    assert v.valid  # the signature itself is fine …
    assert "CRYPTO_TIMESTAMP_MISMATCH" in v.problems  # … but the timestamp is not about it
    assert not v.timestamp.intact
    assert info.signers[0].unsigned_attrs == ()


def test_document_timestamp(kit):
    token = tcms.timestamp_token(DATA, kit.tsa, [kit.ca], digest_name="sha384")
    ts = cms.verify_timestamp_token(token, DATA)
    assert ts.intact and ts.valid and ts.hash_algorithm == "sha384"
    bad = cms.verify_timestamp_token(token, [DATA[0], DATA[1] + b" "])
    assert not bad.intact and not bad.valid and "CRYPTO_TIMESTAMP_MISMATCH" in bad.problems
    forged = tcms.timestamp_token(DATA, kit.tsa, [kit.ca])
    ci = acms.ContentInfo.load(forged)
    si = ci["content"]["signer_infos"][0]
    sig = bytearray(si["signature"].native)
    sig[-2] ^= 0xFF
    si["signature"] = bytes(sig)
    f = cms.verify_timestamp_token(ci.dump(), DATA)
    assert f.intact and not f.valid


def test_plain_signed_data_is_not_a_timestamp(kit):
    with pytest.raises(MalformedCrypto):
        cms.verify_timestamp_token(tcms.sign_detached(DATA, kit.leaf), DATA)


# ---- OpenSSL as the CMS producer / verifier -------------------------------------------------

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI required")


@needs_openssl
@pytest.mark.parametrize("kind,md,extra", [("rsa", "sha256", []), ("rsa", "sha512", ["-keyopt", "rsa_padding_mode:pss"]),
                                           ("ecdsa", "sha384", []), ("rsa", "sha256", ["-noattr"]),
                                           ("ecdsa", "sha256", ["-stream"])])  # BER, indefinite lengths
def test_openssl_cms_sign_verified_by_us(tmp_path, kind, md, extra):
    kit = pki.demo_pki(kind)
    d = pki.DEMO_DIR
    content = tmp_path / "c.bin"
    content.write_bytes(WHOLE)
    out = tmp_path / "s.der"
    r = subprocess.run(["openssl", "cms", "-sign", "-binary", "-in", str(content), "-signer", str(d / f"{kind}_leaf.pem"),
                        "-inkey", str(d / f"{kind}_leaf.key.pem"), "-certfile", str(d / f"{kind}_ca.pem"), "-md", md,
                        "-outform", "DER", "-out", str(out), *extra], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    v = verify(out.read_bytes(), WHOLE)
    assert v.intact and v.valid, v.problems
    assert v.digest_algorithm == md
    if "-noattr" in extra:
        assert "CRYPTO_NO_SIGNED_ATTRS" in v.problems
    if "rsa_padding_mode:pss" in extra:
        assert v.signature_algorithm.startswith("RSA-PSS")
    assert not verify(out.read_bytes(), WHOLE + b" ").valid
    assert kit.leaf.der == v.signer_cert.dump()


@needs_openssl
@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
def test_our_cms_fixtures_verify_in_openssl(tmp_path, kind):
    """The testkit's CMS (used as fixture everywhere) is accepted by OpenSSL."""
    kit = pki.demo_pki(kind)
    der = tmp_path / "s.der"
    der.write_bytes(tcms.sign_detached(WHOLE, kit.leaf, [kit.ca], ess=True))
    content = tmp_path / "c.bin"
    content.write_bytes(WHOLE)
    r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(der), "-content", str(content),
                        "-CAfile", str(pki.DEMO_DIR / f"{kind}_root.pem"), "-purpose", "any", "-out", "/dev/null"],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr


@needs_openssl
def test_sm2_cms_signature_checked_by_openssl(tmp_path):
    """OpenSSL 3.0 cannot produce SM2 CMS (`cms -sign` fails), so check our SM2 CMS piecewise:
    messageDigest = `openssl dgst -sm3`, signature over the signed attributes = `pkeyutl -verify`."""
    kit = pki.demo_pki("sm2")
    der = tcms.sign_detached(WHOLE, kit.leaf, [kit.ca], gm=True)
    signer = cms.parse_signed_data(der).signers[0]
    content = tmp_path / "c.bin"
    content.write_bytes(WHOLE)
    dg = subprocess.run(["openssl", "dgst", "-sm3", "-binary", str(content)], capture_output=True, timeout=60).stdout
    md = signer.attr("1.2.840.113549.1.9.4")[0].native
    assert md == dg
    attrs = tmp_path / "a.der"
    attrs.write_bytes(signer.signed_attrs_der)
    sig = tmp_path / "sig"
    sig.write_bytes(signer.signature)
    r = subprocess.run(["openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-certin", "-inkey",
                        str(pki.DEMO_DIR / "sm2_leaf.pem"), "-in", str(attrs), "-sigfile", str(sig),
                        "-pkeyopt", "distid:1234567812345678"], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert verify(der, WHOLE).valid


def test_data_oid_mix_helper():
    kit = pki.demo_pki("sm2")
    mixed = tcms.sign_detached(DATA, kit.leaf, [kit.ca], content_type_attr_override="1.2.156.10197.6.1.4.2.1")
    info = cms.parse_signed_data(mixed)
    v = cms.verify_signed_data(info, DATA)
    assert not v.valid and "CRYPTO_CONTENT_TYPE_MISMATCH" in v.problems  # strict by default
    v2, mixed_flag = cms.accept_data_oid_mix(info, v)
    assert mixed_flag and v2.valid and "CRYPTO_CONTENT_TYPE_MISMATCH" not in v2.problems
    # not accepted when anything else is wrong, or for a non-data content type
    bad = cms.verify_signed_data(info, [DATA[0], b"changed"])
    assert cms.accept_data_oid_mix(info, bad) == (bad, False)
    tst = tcms.sign_detached(DATA, kit.leaf, [kit.ca], content_type_attr_override="1.2.840.113549.1.9.16.1.4")
    info3 = cms.parse_signed_data(tst)
    v3 = cms.verify_signed_data(info3, DATA)
    assert cms.accept_data_oid_mix(info3, v3) == (v3, False)


def test_time_budget_interrupts_hashing():
    class Stop(Exception):
        pass

    calls = []

    def check():
        calls.append(1)
        if len(calls) > 2:
            raise Stop

    kit = pki.demo_pki("rsa")
    big = b"\x00" * (5 << 20)
    info = cms.parse_signed_data(tcms.sign_detached(b"x", kit.leaf))
    with pytest.raises(Stop):
        cms.verify_signed_data(info, [big], check=check)
    calls.clear()
    v = cms.verify_signed_data(cms.parse_signed_data(tcms.sign_detached(b"x" * 10, kit.leaf)), b"x" * 10, check=check)
    assert v.valid and len(calls) == 1
