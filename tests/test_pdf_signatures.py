"""PDF signatures that must verify (RSA, ECDSA, SM2; several layouts) and their reports.

Assertions are on signatures and on PDF_/SIG_/CRYPTO_/TRUST_ findings: the certificate checks
(printed fields, QR) add their own findings to these synthetic documents.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess

import pytest

from checker import Options, check_bytes
from checker._context import Context
from checker._pdf import analyse_pdf
from testkit import cms as tcms
from testkit import pdfattacks as pa
from testkit import pdfsign as ps

OURS = ("PDF_", "SIG_", "CRYPTO_", "TRUST_", "NO_SIGNATURE", "INPUT_", "LIMIT_", "INTERNAL_")


def ours(r, severities=("warn", "fail", "error")):
    return [(f.code, f.message_en) for f in r.findings if f.code.startswith(OURS) and f.severity in severities]


@pytest.fixture(scope="module", params=["rsa", "ecdsa", "sm2"])
def kind(request):
    return request.param


@pytest.fixture(scope="module")
def pki(kind):
    return ps.cached_pki(kind)


@pytest.fixture(scope="module")
def base():
    return ps.base_pdf(["示例 二级建造师 注册证书 (DEMO)", "姓名：张三"])


def trusted(pki):
    return Options(trust=(pki.root.pem,))


EXPECTED_ALG = {"rsa": "RSA-SHA256", "ecdsa": "ECDSA-SHA256", "sm2": "SM2-SM3"}


def test_signed_intact_and_trusted(base, pki, kind):
    data = ps.sign_pdf(base, pki.leaf, pki.chain, field_name="发证机关签章")
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert ours(r) == []
    [s] = r.signatures
    assert (s.intact, s.trusted, s.covers_whole_file) == (True, True, True)
    assert s.algorithm == EXPECTED_ALG[kind]
    assert s.kind == "pdf-signature" and s.revision == 2 and s.seal_name == "发证机关签章"
    assert "签章人" in s.signer and "CN=" in s.issuer and s.anchor and "根证书" in s.anchor
    assert s.signed_at and dt.datetime.fromisoformat(s.signed_at)
    assert len(s.chain) >= 2
    assert {"SIG_OK", "SIG_TRUSTED"} <= set(s.codes)


def test_untrusted_then_trusted(base, pki):
    data = ps.sign_pdf(base, pki.leaf, pki.chain)
    r = check_bytes(data, "c.pdf", Options())
    assert r.verdict == "warn"
    assert "SIG_UNTRUSTED" in {f.code for f in r.findings}
    assert r.signatures[0].intact and not r.signatures[0].trusted
    r2 = check_bytes(data, "c.pdf", trusted(pki))
    assert "SIG_UNTRUSTED" not in {f.code for f in r2.findings}
    assert r2.signatures[0].trusted
    # nothing of ours objects; the remaining non-pass findings are the certificate checks' own
    assert all(not f.code.startswith(OURS) for f in r2.findings if f.severity != "info")


def test_pass_verdict_when_nothing_else_objects(base, pki, monkeypatch):
    """With the certificate checks neutralised, a trusted intact signature gives ``pass``."""
    import checker.check as chk

    monkeypatch.setattr(chk, "_certificate_checks", lambda *a, **k: None)
    data = ps.sign_pdf(base, pki.leaf, pki.chain)
    assert check_bytes(data, "c.pdf", trusted(pki)).verdict == "pass"
    assert check_bytes(data, "c.pdf", Options()).verdict == "warn"
    assert check_bytes(pa.isa_replace_content(data), "c.pdf", trusted(pki)).verdict == "fail"


def test_wrong_trust_root_is_untrusted(base, pki):
    other = ps.cached_pki("ecdsa", "OTHER")
    r = check_bytes(ps.sign_pdf(base, pki.leaf, pki.chain), "c.pdf", Options(trust=(other.root.pem,)))
    assert not r.signatures[0].trusted and "SIG_UNTRUSTED" in {f.code for f in r.findings}


def test_one_flipped_byte_in_signed_range_fails(base, pki):
    data = bytearray(ps.sign_pdf(base, pki.leaf, pki.chain))
    i = data.index(b"(testkit pdfsign)") + 1
    data[i] ^= 0x01
    r = check_bytes(bytes(data), "c.pdf", trusted(pki))
    assert r.verdict == "fail"
    assert "SIG_DIGEST_MISMATCH" in {f.code for f in r.findings}
    assert not r.signatures[0].intact


def test_corrupted_signature_value_fails(base, pki):
    def bad_sig(chunks):
        der = bytearray(tcms.sign_detached(chunks, pki.leaf, pki.chain))
        der[-5] ^= 0x55  # inside the signature value (last field of SignerInfo)
        return bytes(der)

    r = check_bytes(ps.sign_pdf(base, signed_cms=bad_sig), "c.pdf", trusted(pki))
    assert r.verdict in ("fail", "error")
    assert not r.signatures[0].intact


@pytest.mark.parametrize("opts", [
    dict(digest_name="sha384"), dict(digest_name="sha512"), dict(pss=True), dict(subfilter="ETSI.CAdES.detached"),
    dict(xref_stream=True), dict(contents_first=True), dict(use_ski=True), dict(ess=True),
], ids=lambda d: ",".join(f"{k}={v}" for k, v in d.items()))
def test_rsa_variants(base, opts):
    pki = ps.cached_pki("rsa")
    data = ps.sign_pdf(base, pki.leaf, pki.chain, **opts)
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert ours(r) == [], ours(r)
    s = r.signatures[0]
    assert s.intact and s.trusted and s.covers_whole_file
    if "digest_name" in opts:
        assert s.algorithm == "RSA-" + opts["digest_name"].upper()
    if opts.get("pss"):
        assert s.algorithm == "RSA-PSS-SHA256"


@pytest.mark.parametrize("opts", [dict(gm=True), dict(raw_sm2=True), dict(gm=True, use_ski=True)],
                         ids=["gmt0010-oids", "raw-rs", "gm-ski"])
def test_sm2_variants(base, opts):
    pki = ps.cached_pki("sm2")
    r = check_bytes(ps.sign_pdf(base, pki.leaf, pki.chain, **opts), "c.pdf", trusted(pki))
    assert ours(r) == [], ours(r)
    assert r.signatures[0].intact and r.signatures[0].algorithm == "SM2-SM3"


def test_ecdsa_p384(base):
    from testkit import pki as tpki

    key = tpki.Key.generate("ecdsa", curve="P-384")
    p = ps.cached_pki("ecdsa")
    leaf = tpki.make_cert("示例 P-384 签章 (TEST)", key, p.ca)
    r = check_bytes(ps.sign_pdf(base, leaf, p.chain, digest_name="sha384"), "c.pdf", trusted(p))
    assert r.signatures[0].intact and r.signatures[0].trusted
    assert r.signatures[0].algorithm == "ECDSA-SHA384"


def test_legacy_adbe_pkcs7_sha1(base):
    pki = ps.cached_pki("rsa")

    def sha1_cms(chunks):
        digest = hashlib.sha1(b"".join(chunks)).digest()
        return tcms.sign_detached(digest, pki.leaf, pki.chain, detached=False, digest_name="sha256")

    data = ps.sign_pdf(base, subfilter="adbe.pkcs7.sha1", signed_cms=sha1_cms)
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    assert "SIG_WEAK_DIGEST" in {f.code for f in r.findings}  # SHA-1 over the document: warn
    # and the SHA-1 really binds the document
    bad = bytearray(data)
    bad[data.index(b"(testkit pdfsign)") + 1] ^= 1
    r2 = check_bytes(bytes(bad), "c.pdf", trusted(pki))
    assert r2.verdict == "fail" and not r2.signatures[0].intact


def test_embedded_timestamp(base):
    pki = ps.cached_pki("ecdsa")
    r = check_bytes(ps.sign_pdf(base, pki.leaf, pki.chain, timestamp_tsa=pki.tsa, timestamp_certs=[pki.ca]),
                    "c.pdf", trusted(pki))
    assert ours(r) == [], ours(r)
    s = r.signatures[0]
    assert s.timestamp and s.signed_at == s.timestamp


# -- later, harmless revisions -------------------------------------------------------------------


def test_dss_after_signing_is_allowed_but_unsigned(base, pki):
    signed = ps.sign_pdf(base, pki.leaf, pki.chain)
    for xs in (False, True):
        r = check_bytes(ps.add_dss(signed, [pki.ca.der, pki.root.der], xref_stream=xs), "c.pdf", trusted(pki))
        codes = {f.code for f in r.findings}
        s = r.signatures[0]
        assert s.intact and s.trusted and s.covers_whole_file
        assert "PDF_LATER_CHANGES_ALLOWED" in codes and "PDF_UNSIGNED_TAIL" in codes
        assert not [c for c, _ in ours(r, ("fail", "error"))]


def test_second_signature_and_document_timestamp(base, pki):
    s1 = ps.sign_pdf(base, pki.leaf, pki.chain, field_name="Sig1")
    s2 = ps.sign_pdf(s1, pki.leaf, pki.chain, field_name="Sig2")
    s3 = ps.doc_timestamp(s2, pki.tsa, [pki.ca])
    r = check_bytes(s3, "c.pdf", trusted(pki))
    assert ours(r) == [], ours(r)
    assert [s.kind for s in r.signatures] == ["pdf-signature", "pdf-signature", "pdf-timestamp"]
    assert [s.revision for s in r.signatures] == [2, 3, 4]
    assert all(s.intact and s.trusted and s.covers_whole_file for s in r.signatures)
    assert r.signatures[2].timestamp


@pytest.mark.parametrize("level", [1, 2, 3])
def test_certification_levels(base, pki, level):
    cert = ps.sign_pdf(base, pki.leaf, pki.chain, certify=level)
    r = check_bytes(cert, "c.pdf", trusted(pki))
    assert ours(r) == [] and "PDF_CERTIFIED" in r.signatures[0].codes
    # a document timestamp and DSS are allowed at every level
    r = check_bytes(ps.add_dss(ps.doc_timestamp(cert, pki.tsa, [pki.ca]), [pki.ca.der]), "c.pdf", trusted(pki))
    assert not ours(r, ("fail", "error"))
    # another approval signature: only P >= 2
    r = check_bytes(ps.sign_pdf(cert, pki.leaf, pki.chain, field_name="Approval"), "c.pdf", trusted(pki))
    fails = {c for c, _ in ours(r, ("fail",))}
    assert fails == ({"PDF_DOCMDP_VIOLATION"} if level == 1 else set())


def test_multi_page_and_text(pki):
    data = ps.sign_pdf(ps.base_pdf(["第一行 示例", "注册编号：渝123456789012"], pages=3, compress=True),
                       pki.leaf, pki.chain, page_index=2)
    ctx = Context(options=trusted(pki))
    out = analyse_pdf(data, ctx)
    assert out.pages == 3
    assert out.text.count("注册编号：渝123456789012") == 3
    assert out.signatures[0].intact and out.signer_names and "签章人" in out.signer_names[0]


def test_sm2_signature_verified_independently_with_openssl(base, tmp_path):
    """The SM2 signature our signer wrote (and our checker accepts) verifies with OpenSSL 3."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is part of the dev environment"
    from asn1crypto import cms, pem

    pki = ps.cached_pki("sm2")
    data = ps.sign_pdf(base, pki.leaf, pki.chain)
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert r.signatures[0].intact and r.signatures[0].algorithm == "SM2-SM3"
    _, a, b, c = [int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)[-1]]
    content = data[:a] + data[b:b + c]
    der = bytes.fromhex(data[a + 1:b - 1].decode())
    ci = cms.ContentInfo.load(der[:2 + 2 + int.from_bytes(der[2:4], "big")] if der[1] == 0x82 else der)
    si = ci["content"]["signer_infos"][0]
    md = [x["values"][0].native for x in si["signed_attrs"] if x["type"].native == "message_digest"][0]
    (tmp_path / "content").write_bytes(content)
    (tmp_path / "attrs").write_bytes(b"\x31" + si["signed_attrs"].dump()[1:])
    (tmp_path / "sig").write_bytes(si["signature"].native)
    (tmp_path / "pub.pem").write_bytes(pem.armor("PUBLIC KEY", pki.leaf.cert.public_key.dump()))
    dg = subprocess.run([openssl, "dgst", "-sm3", "-r", str(tmp_path / "content")], capture_output=True, text=True)
    assert dg.stdout.split()[0] == md.hex()
    cmd = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin", "-digest", "sm3",
           "-in", str(tmp_path / "attrs"), "-sigfile", str(tmp_path / "sig"), "-pkeyopt", "distid:1234567812345678"]
    ok = subprocess.run(cmd, capture_output=True, text=True)
    assert ok.returncode == 0 and "Verified Successfully" in ok.stdout
    # and OpenSSL rejects a tampered attribute set, so the check above is meaningful
    (tmp_path / "attrs").write_bytes(b"\x31" + si["signed_attrs"].dump()[1:-1] + b"\x00")
    assert subprocess.run(cmd, capture_output=True, text=True).returncode != 0


def test_second_signer_may_extend_form_resources_but_not_change_them(base, pki):
    """Acrobat-style second signing adds fonts to /AcroForm /DR: harmless; changing one is not."""
    s1 = ps.sign_pdf(base, pki.leaf, pki.chain)
    info = ps.inspect(s1)
    root = ps.raw_object(s1, info.root)
    af = int(re.search(rb"/AcroForm\s+(\d+)", root).group(1))
    n = info.size
    body = ps.raw_object(s1, af)
    with_dr = ps.append_update(s1, {af: ps.add_keys(body, b"/DR << /Font << /Helv %d 0 R >> >>" % n),
                                    n: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"})
    s2 = ps.sign_pdf(with_dr, pki.leaf, pki.chain, field_name="Sig2")
    r = check_bytes(s2, "c.pdf", trusted(pki))
    assert not ours(r, ("fail", "error")), ours(r)
    assert r.signatures[0].covers_whole_file
    # the second signer extends /DR: allowed
    m = ps.inspect(s2).size
    new_af = re.sub(rb"/DR << /Font << [^>]* >> >>", b"/DR << /Font << /Helv %d 0 R /ZaDb %d 0 R >> >>" % (n, m),
                    ps.raw_object(s2, af))
    assert new_af != ps.raw_object(s2, af)
    s_dr = ps.append_update(s2, {af: new_af,
                                 m: b"<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>"})
    r = check_bytes(s_dr, "c.pdf", trusted(pki))
    assert not ours(r, ("fail", "error")), ours(r)
    # ...but re-pointing an existing font name is a change of what regenerated appearances show
    s_bad = ps.append_update(s2, {n: b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"})
    r = check_bytes(s_bad, "c.pdf", trusted(pki))
    assert r.verdict == "fail"


def test_indirect_fields_array_may_grow_by_signature_fields(pki):
    base = ps.base_pdf(["示例"])
    info = ps.inspect(base)
    n = info.size
    prepared = ps.append_update(base, {
        n: b"[]", n + 1: b"<< /Fields %d 0 R >>" % n,
        info.root: ps.add_keys(ps.raw_object(base, info.root), b"/AcroForm %d 0 R" % (n + 1))})
    s1 = ps.sign_pdf(prepared, pki.leaf, pki.chain, field_name="Sig1")
    s2 = ps.sign_pdf(s1, pki.leaf, pki.chain, field_name="Sig2")
    assert b"%d 0 obj\n[" % n in s2[len(s1):]  # the array object itself was rewritten
    r = check_bytes(s2, "c.pdf", trusted(pki))
    assert not ours(r, ("fail", "error")), ours(r)
    assert all(s.intact and s.covers_whole_file for s in r.signatures) and len(r.signatures) == 2
    # removing the first field from the indirect array is not allowed
    bad = ps.append_update(s2, {n: b"[%d 0 R]" % (ps.inspect(s1).size + 1)})
    assert check_bytes(bad, "c.pdf", trusted(pki)).verdict == "fail"


def test_missing_signer_certificate_is_not_proven(base):
    pki = ps.cached_pki("rsa")
    data = ps.sign_pdf(base, signed_cms=lambda ch: tcms.sign_detached(ch, pki.leaf, [pki.ca], include_signer_cert=False))
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert r.verdict == "warn" and "CRYPTO_SIGNER_CERT_MISSING" in {f.code for f in r.findings}
    assert not r.signatures[0].intact and not r.signatures[0].trusted


def test_linearized_layout(pki):
    """First-page xref at the start, main xref at the end, last startxref pointing to the first."""
    lin = ps.linearized_like(pa.GENUINE)
    assert b"/Linearized" in lin[:200] and lin.count(b"%%EOF") == 2
    r = check_bytes(lin, "l.pdf")
    assert "NO_SIGNATURE" in {f.code for f in r.findings} and r.pages == 1
    signed = ps.sign_pdf(lin, pki.leaf, pki.chain)
    r = check_bytes(signed, "l.pdf", trusted(pki))
    assert ours(r) == [] and r.signatures[0].revision == 2
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    r = check_bytes(pa.isa_replace_content(signed), "l.pdf", trusted(pki))
    assert r.verdict == "fail"


@pytest.mark.parametrize("tail", [b"", b" ", b"\r\n", b" \r\n\n", b"\x00\x00"])
def test_signed_range_may_include_blanks_after_eof(base, tail):
    pki = ps.cached_pki("ecdsa")
    data = ps.sign_pdf(base, pki.leaf, pki.chain, eof_tail=tail)
    assert data.endswith(b"%%EOF\n" + tail)
    r = check_bytes(data, "c.pdf", trusted(pki))
    assert ours(r) == [] and r.signatures[0].intact and r.signatures[0].covers_whole_file
    # but not beyond the blanks: a range ending inside other appended bytes is not a revision end
    bad = ps.sign_pdf(base, pki.leaf, pki.chain, eof_tail=tail + b"% x\n")
    assert check_bytes(bad, "c.pdf", trusted(pki)).verdict == "fail"


def test_pkcs7_gm_data_oid_mix_is_accepted_with_a_note():
    # Real GM signers write eContentType = PKCS#7 data with a GM/T 0010 "data" contentType
    # attribute; both mean data, so this is no content-type substitution.
    from testkit import pdfsign, pki

    p = pki.make_pki("sm2", tag="MIX")
    base = pdfsign.base_pdf(["示例 (TEST)"])
    data = pdfsign.sign_pdf(base, p.leaf, p.chain, gm=True, econtent_type="1.2.840.113549.1.7.1",
                            content_type_attr_override="1.2.156.10197.6.1.4.2.1")
    r = check_bytes(data, "mix.pdf", Options(trust=(p.root.pem,)))
    codes = {f.code for f in r.findings}
    assert "PDF_CMS_DATA_OID_MIX" in codes
    assert r.signatures[0].intact and r.signatures[0].trusted
    assert not {"SIG_INVALID", "CRYPTO_CONTENT_TYPE_MISMATCH"} & codes
    # a real substitution (contentType attribute naming something else) still fails
    bad = pdfsign.sign_pdf(base, p.leaf, p.chain, content_type_attr_override="1.2.840.113549.1.7.2")
    rb = check_bytes(bad, "bad.pdf", Options(trust=(p.root.pem,)))
    assert rb.verdict == "fail", [(f.code, f.severity) for f in rb.findings]
