"""Our own OFD signer (testkit/ofdsign.py) round-trips through the checker, its SM2 signatures
verify with OpenSSL 3, and seal-level attacks are caught."""
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from asn1crypto import x509

from checker import Options, check_bytes
from checker._ofd import ses
from testkit import ofdsign, pki

UTC = dt.timezone.utc
LINES = ["二级建造师电子注册证书（示例）", "姓名：张三", "注册编号：渝2112014201653442", "聘用企业：示例建设有限公司"]


@pytest.fixture(scope="module")
def ca():
    """root -> signer directly (SES seals carry no CA certificates), plus an unrelated attacker."""
    root = pki.make_cert(pki.name("示例 OFD 测试根 (TEST)"), pki.Key.generate("sm2"), None, ca=True)
    signer = pki.make_cert(pki.name("示例 发证机关 (TEST)"), pki.Key.generate("sm2"), root)
    maker = pki.make_cert(pki.name("示例 制章系统 (TEST)"), pki.Key.generate("sm2"), root)
    attacker_root = pki.make_cert(pki.name("攻击者根"), pki.Key.generate("sm2"), None, ca=True)
    attacker = pki.make_cert(pki.name("攻击者"), pki.Key.generate("sm2"), attacker_root)
    rsa_root = pki.make_cert(pki.name("示例 RSA 根 (TEST)"), pki.Key.generate("rsa"), None, ca=True)
    rsa_signer = pki.make_cert(pki.name("示例 RSA 签章人 (TEST)"), pki.Key.generate("rsa"), rsa_root)
    return dict(root=root, signer=signer, maker=maker, attacker=attacker, rsa_root=rsa_root, rsa_signer=rsa_signer)


@pytest.fixture(scope="module")
def plain():
    return ofdsign.make_ofd(LINES, images={"qr.png": ofdsign._demo_png()})


def check(data, *anchors):
    return check_bytes(data, "t.ofd", Options(trust=tuple(a.pem for a in anchors), use_default_trust=False))


def codes(r):
    return {f.code for f in r.findings}


def files(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def seal(plain, ca, version="v4", **kw):
    return ofdsign.seal_ofd(plain, ca["signer"].key, ca["signer"], "示例 发证机关电子印章", version=version,
                            maker=kw.pop("maker", ca["maker"]), sign_time=kw.pop("sign_time", dt.datetime(2026, 5, 1, tzinfo=UTC)),
                            **kw)


@pytest.mark.parametrize("version", ["v1", "v4"])
def test_seal_round_trip(plain, ca, version):
    data = seal(plain, ca, version)
    r = check(data, ca["root"])
    assert [(s.kind, s.intact, s.trusted, s.covers_whole_file) for s in r.signatures] == [("ofd-seal", True, True, True)]
    s = r.signatures[0]
    assert s.algorithm == "SM2-SM3" and s.seal_name == "示例 发证机关电子印章"
    assert "示例 发证机关 (TEST)" in s.signer and s.signed_at.startswith("2026-05-01")
    assert {"SIG_OK", "SIG_TRUSTED", "OFD_SEAL_INFO"} <= codes(r)
    assert not {f.code for f in r.findings if f.severity in ("warn", "fail", "error") and f.code.startswith(("OFD_", "SIG_"))}
    parsed = ses.parse_signature(files(data)["Doc_0/Signs/Sign_0/SignedValue.dat"])
    assert parsed.version == version and parsed.seal.version == version
    # untrusted without the anchor, but still intact
    r2 = check(data)
    assert r2.signatures[0].intact and not r2.signatures[0].trusted and "SIG_UNTRUSTED" in codes(r2)


def test_rsa_seal_round_trip(plain, ca):
    data = ofdsign.seal_ofd(plain, ca["rsa_signer"].key, ca["rsa_signer"], "示例 RSA 印章", version="v4", alg="RSA",
                            check_method="sha256", sign_time=dt.datetime(2026, 5, 1, tzinfo=UTC))
    r = check(data, ca["rsa_root"])
    s = r.signatures[0]
    assert (s.intact, s.trusted, s.covers_whole_file, s.algorithm) == (True, True, True, "RSA-SHA256")


@pytest.mark.parametrize("style", ["detached", "digest"])
def test_sign_cms_round_trip(plain, ca, style):
    data = ofdsign.sign_ofd(plain, ca["signer"].key, ca["signer"], sign_time=dt.datetime(2026, 5, 1, tzinfo=UTC),
                            style=style)
    r = check(data, ca["root"])
    assert [(s.kind, s.intact, s.trusted, s.covers_whole_file) for s in r.signatures] == [("ofd-sign", True, True, True)]
    # and the same value does not verify once Signature.xml changes
    f = files(data)
    f["Doc_0/Signs/Sign_0/Signature.xml"] = f["Doc_0/Signs/Sign_0/Signature.xml"].replace(b"checker-testkit", b"checker-testkiT")
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and not r.signatures[0].intact


def test_sign_raw_value_is_not_verifiable(plain, ca):
    r = check(ofdsign.sign_ofd(plain, ca["signer"].key, ca["signer"], raw=True), ca["root"])
    assert "OFD_SIGN_NO_CERT" in codes(r) and not r.signatures[0].intact and r.verdict != "pass"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl missing")
@pytest.mark.parametrize("version", ["v1", "v4"])
def test_signer_output_verifies_with_openssl(plain, ca, version, tmp_path):
    s = ses.parse_signature(files(seal(plain, ca, version))["Doc_0/Signs/Sign_0/SignedValue.dat"])

    def ossl(spki_der, msg, sig):
        (tmp_path / "k").write_bytes(spki_der)
        (tmp_path / "m").write_bytes(msg)
        (tmp_path / "s").write_bytes(sig)
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "k"), "-keyform",
                               "DER", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                               "-in", str(tmp_path / "m"), "-sigfile", str(tmp_path / "s")],
                              capture_output=True).returncode == 0

    spki = x509.Certificate.load(s.cert).public_key.dump()
    assert ossl(spki, s.tbs_der, s.signature)
    assert not ossl(spki, s.tbs_der + b"\x00", s.signature)
    mspki = x509.Certificate.load(s.seal.maker_cert).public_key.dump()
    assert any(ossl(mspki, m, s.seal.maker_signature) for m in s.seal.maker_messages)


def test_two_seals_both_intact(plain, ca):
    once = seal(plain, ca)
    twice = ofdsign.seal_ofd(once, ca["signer"].key, ca["signer"], "第二枚印章", maker=ca["maker"],
                             sign_time=dt.datetime(2026, 5, 2, tzinfo=UTC))
    r = check(twice, ca["root"])
    assert [(s.intact, s.trusted, s.covers_whole_file) for s in r.signatures] == [(True, True, True)] * 2
    # the second seal protects the first seal's files
    assert "Doc_0/Signs/Sign_0/SignedValue.dat" in r.signatures[1].covered


# -- attacks -------------------------------------------------------------------------------------


def test_seal_not_listing_the_signer_is_misuse(plain, ca):
    """A genuine seal (maker-signed) used with a certificate it does not authorise."""
    data = seal(plain, ca, seal_certs=[ca["attacker"].der])
    r = check(data, ca["root"])
    assert "OFD_SEAL_SIGNER_NOT_LISTED" in codes(r) and r.verdict == "fail"
    assert not r.signatures[0].intact


def test_forged_maker_signature(plain, ca):
    fake_maker = pki.Issued(ca["maker"].cert, ca["attacker"].key)  # claims the maker's certificate
    r = check(seal(plain, ca, maker=fake_maker), ca["root"])
    assert "OFD_SEAL_MAKER_INVALID" in codes(r) and r.verdict == "fail"


def test_untrusted_maker_is_not_proven(plain, ca):
    r = check(seal(plain, ca, maker=ca["attacker"]), ca["root"])
    assert "OFD_SEAL_MAKER_UNTRUSTED" in codes(r) and r.verdict != "pass"


def test_attacker_reseals_modified_document(plain, ca):
    good = seal(plain, ca)
    f = files(good)
    f["Doc_0/Pages/Page_0/Content.xml"] = f["Doc_0/Pages/Page_0/Content.xml"].replace("张三".encode(), "李四".encode())
    forged = ofdsign.seal_ofd(ofdsign.write_zip(f), ca["attacker"].key, ca["attacker"], "示例 发证机关电子印章")
    r = check(forged, ca["root"])
    assert r.verdict == "fail"
    assert not r.signatures[0].intact and "SIG_DIGEST_MISMATCH" in codes(r)


def test_added_page_not_covered_by_a_partial_seal(plain, ca):
    """A seal that does not protect Document.xml: adding a page must still fail (uncovered content)."""
    base = files(plain)
    protect = [n for n in base if n not in ("Doc_0/Document.xml",)]
    data = seal(plain, ca, protect=protect)
    f = files(data)
    f["Doc_0/Document.xml"] = f["Doc_0/Document.xml"].replace(
        b"</ofd:Pages>", b'<ofd:Page ID="77" BaseLoc="Pages/Page_7/Content.xml"/></ofd:Pages>')
    f["Doc_0/Pages/Page_7/Content.xml"] = f["Doc_0/Pages/Page_0/Content.xml"].replace("张三".encode(), "李四".encode())
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail"
    assert "OFD_UNCOVERED_CONTENT" in codes(r)
    assert not r.signatures[0].covers_whole_file


def test_unreferenced_extra_file_is_only_info(plain, ca):
    f = files(seal(plain, ca))
    f["Doc_0/Pages/Page_9/Content.xml"] = f["Doc_0/Pages/Page_0/Content.xml"]
    r = check(ofdsign.write_zip(f), ca["root"])
    assert "OFD_UNREFERENCED_FILE" in codes(r)
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file


def test_seal_file_swapped(plain, ca):
    other = files(seal(plain, ca, seal_certs=[ca["signer"].der, ca["attacker"].der]))
    f = files(seal(plain, ca))
    f["Doc_0/Signs/Sign_0/Seal.esl"] = other["Doc_0/Signs/Sign_0/Seal.esl"]
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and {"OFD_SEAL_FILE_MISMATCH", "SIG_DIGEST_MISMATCH"} <= codes(r)


def test_signature_xml_edited(plain, ca):
    f = files(seal(plain, ca))
    x = f["Doc_0/Signs/Sign_0/Signature.xml"].decode()
    f["Doc_0/Signs/Sign_0/Signature.xml"] = re.sub(r'Boundary="[^"]*"', 'Boundary="0 0 5 5"', x).encode()
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and "SIG_DIGEST_MISMATCH" in codes(r)


def test_seal_used_outside_its_validity(plain, ca):
    data = seal(plain, ca, valid=(dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2021, 1, 1, tzinfo=UTC)))
    r = check(data, ca["root"])
    assert "OFD_SEAL_EXPIRED" in codes(r) and r.verdict != "pass"


def test_signed_value_missing(plain, ca):
    f = files(seal(plain, ca))
    del f["Doc_0/Signs/Sign_0/SignedValue.dat"]
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and "OFD_SIG_FILE_MISSING" in codes(r)


def test_signature_listed_but_missing(plain, ca):
    f = files(seal(plain, ca))
    del f["Doc_0/Signs/Sign_0/Signature.xml"]
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and "OFD_SIG_FILE_MISSING" in codes(r)


def test_text_and_images_of_own_document(plain):
    from checker import list_images
    from checker._context import Context
    from checker._ofd import analyse_ofd
    out = analyse_ofd(plain, Context(options=Options()))
    assert out.text.splitlines() == LINES
    assert out.pages == 1
    assert [p for p, _ in out.images] == ["Doc_0/Res/qr.png"]
    assert [p for p, _ in list_images(plain)] == ["Doc_0/Res/qr.png"]


def test_shadow_page_at_another_resolution_is_uncovered(plain, ca):
    """Pages/Page_0/Content.xml at the package root: a reader resolving relative paths from the root
    would show it instead of Doc_0/Pages/Page_0/Content.xml."""
    f = files(seal(plain, ca))
    f["Pages/Page_0/Content.xml"] = f["Doc_0/Pages/Page_0/Content.xml"].replace("张三".encode(), "李四".encode())
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict == "fail" and "OFD_UNCOVERED_CONTENT" in codes(r)


def test_declared_type_differs_from_value(plain, ca):
    f = files(seal(plain, ca))
    f["Doc_0/Signs/Signatures.xml"] = f["Doc_0/Signs/Signatures.xml"].replace(b'Type="Seal"', b'Type="Sign"')
    r = check(ofdsign.write_zip(f), ca["root"])
    assert "OFD_SIG_TYPE_MISMATCH" in codes(r)
    assert [(s.kind, s.intact, s.trusted) for s in r.signatures] == [("ofd-seal", True, True)]


@pytest.fixture(scope="module")
def tsa(ca):
    return pki.make_cert(pki.name("示例 时间戳 (TEST)"), pki.Key.generate("sm2"), ca["root"],
                         key_usage={"digital_signature", "non_repudiation"}, eku=["time_stamping"])


def test_v4_seal_with_timestamp(plain, ca, tsa):
    data = seal(plain, ca, tsa=tsa)
    r = check(data, ca["root"])
    s = r.signatures[0]
    assert s.intact and s.trusted and "OFD_TIMESTAMP_OK" in codes(r)
    assert s.timestamp and s.timestamp.startswith("2026-05-01")
    parsed = ses.parse_signature(files(data)["Doc_0/Signs/Sign_0/SignedValue.dat"])
    assert parsed.timestamp


def test_v4_seal_with_timestamp_over_other_data(plain, ca, tsa):
    """A token copied from another seal: its imprint does not match this signature value."""
    other = ses.parse_signature(files(seal(plain, ca, tsa=tsa))["Doc_0/Signs/Sign_0/SignedValue.dat"]).timestamp
    f = files(seal(plain, ca))
    f["Doc_0/Signs/Sign_0/SignedValue.dat"] = ofdsign._with_timestamp(f["Doc_0/Signs/Sign_0/SignedValue.dat"], other)
    r = check(ofdsign.write_zip(f), ca["root"])
    # the same code as a PDF signature carrying a token over another signature value
    assert "CRYPTO_TIMESTAMP_MISMATCH" in codes(r) and r.signatures[0].timestamp is None
    assert r.verdict == "fail"


def test_removed_signature_listing_is_reported(plain, ca):
    """Attacker edits the page and strips <Signatures> from OFD.xml: not pass, and the leftover seal
    files are pointed out."""
    f = files(seal(plain, ca))
    f["OFD.xml"] = re.sub(rb"<ofd:Signatures>[^<]*</ofd:Signatures>", b"", f["OFD.xml"])
    f["Doc_0/Pages/Page_0/Content.xml"] = f["Doc_0/Pages/Page_0/Content.xml"].replace("张三".encode(), "李四".encode())
    r = check(ofdsign.write_zip(f), ca["root"])
    assert r.verdict != "pass"
    assert {"NO_SIGNATURE", "OFD_ORPHAN_SIGNATURE_FILE"} <= codes(r)


def test_icc_profile_is_visible_content(plain, ca):
    """A colour profile named by a resource changes what is shown: left out of the seal it is
    partial coverage (warn, never pass), named with what it is."""
    f = files(plain)
    f["Doc_0/PublicRes.xml"] = f["Doc_0/PublicRes.xml"].replace(
        b"<ofd:Fonts>", b'<ofd:ColorSpaces><ofd:ColorSpace ID="9" Type="RGB" Profile="srgb.icc"/></ofd:ColorSpaces><ofd:Fonts>')
    f["Doc_0/Res/srgb.icc"] = b"fake icc profile"
    doc = ofdsign.write_zip(f)
    protect = [n for n in f if n != "Doc_0/Res/srgb.icc"]
    r = check(seal(doc, ca, protect=protect), ca["root"])
    assert r.verdict == "warn" and "OFD_UNPROTECTED_PART" in codes(r) and "OFD_UNCOVERED_CONTENT" not in codes(r)
    (f,) = [f for f in r.findings if f.code == "OFD_UNPROTECTED_PART"]
    assert "颜色配置 Doc_0/Res/srgb.icc" in f.message and "colour profile" in f.message_en
    assert [(a.page, a.box, a.file) for a in r.unprotected] == [(1, (0.0, 0.0, 1.0, 1.0), "Doc_0/Res/srgb.icc")]
    r = check(seal(doc, ca), ca["root"])
    assert r.signatures[0].covers_whole_file and "OFD_UNCOVERED_CONTENT" not in codes(r)


def test_seal_without_signer_list_is_not_proven(plain, ca):
    r = check(seal(plain, ca, seal_certs=[]), ca["root"])
    assert "OFD_SEAL_SIGNER_UNCHECKED" in codes(r) and r.verdict != "pass"
    assert r.signatures[0].intact


def test_unprotected_entry_file_is_a_warning(plain, ca):
    f = files(plain)
    protect = [n for n in f if n != "OFD.xml"]
    data = seal(plain, ca, protect=protect)
    r = check(data, ca["root"])
    assert "OFD_UNCOVERED_ROOT" in codes(r) and r.verdict != "pass"
    assert r.signatures[0].intact and not r.signatures[0].covers_whole_file
    # redirecting DocRoot to a forged document is still a failure (the forged files are uncovered)
    g = files(data)
    g["OFD.xml"] = g["OFD.xml"].replace(b"Doc_0/Document.xml", b"Doc_1/Document.xml")
    for n in list(g):
        if n.startswith("Doc_0/") and "Signs/" not in n:
            g["Doc_1/" + n[6:]] = g[n].replace("张三".encode(), "李四".encode())
    r = check(ofdsign.write_zip(g), ca["root"])
    assert r.verdict == "fail" and "OFD_UNCOVERED_CONTENT" in codes(r)
