"""The trust store's merge of anchor origins (bundled, demo, site, user, cli), the anchor's
fingerprint and origin in the result JSON, and what may become an extra root (examine_root)."""
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys

import pytest

import checker
from checker import Options, check_bytes
from checker._crypto import MalformedCrypto
from checker._crypto.trust import ORIGINS, RootRefused, TrustStore, anchor_fields, bundled_anchors, examine_root
from checker.messages import MESSAGES, lookup, render
from testkit import ofdsign, pdfsign, pki

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AT = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)
TODAY = dt.date(2027, 6, 1)
# A signer named after the real issuing body, under a throw-away root: files pass when (and only
# when) that root is trusted, whatever its origin.
ISSUER = ("重庆市住房和城乡建设委员会", "重庆市住房和城乡建设委员会")
LINES = ("示例 二级建造师 (TEST)", "注册编号：渝250012345678", "发证机关：重庆市住房和城乡建设委员会")


def sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


@pytest.fixture(scope="module")
def kit():
    return pki.make_pki("sm2", tag="TRUST", leaf_name=ISSUER)


@pytest.fixture(scope="module")
def other():
    return pki.make_pki("rsa", tag="OTHER")


@pytest.fixture(scope="module")
def signed_pdf(kit):
    return pdfsign.sign_pdf(pdfsign.base_pdf(LINES, compress=True), kit.leaf, kit.chain)


def origins(store):
    return {a.sha256: a.origin for a in store.anchors}


# -- the merge ------------------------------------------------------------------------------

def test_each_input_gets_its_origin_and_fingerprint(kit, other):
    store = TrustStore.from_options(Options(site_trust=(kit.root.pem,), user_trust=(other.root.der,),
                                            trust=(kit.ca.pem,), use_default_trust=False))
    assert origins(store) == {sha256(kit.root.der): "site", sha256(other.root.der): "user",
                              sha256(kit.ca.der): "cli"}
    assert all(a.origin in ORIGINS for a in store.anchors)


def test_bundled_and_demo_keep_their_origin():
    store = TrustStore.from_options(Options(trust_demo=True))
    got = {a.origin for a in store.anchors}
    assert got == {"bundled", "demo"}
    for a in store.anchors:
        assert a.sha256 == sha256(a.cert.dump())


def test_a_root_in_several_origins_is_kept_once_with_the_first_origin(kit):
    nrcac = bundled_anchors()[0]
    nrcac_pem = nrcac.cert.dump()
    store = TrustStore.from_options(Options(site_trust=(kit.root.pem, nrcac_pem), user_trust=(kit.root.der, nrcac_pem),
                                            trust=(kit.root.pem,)))
    fps = [a.sha256 for a in store.anchors]
    assert len(fps) == len(set(fps))
    assert origins(store)[nrcac.sha256] == "bundled"  # a reader cannot relabel the national root
    assert origins(store)[sha256(kit.root.der)] == "site"
    store = TrustStore.from_options(Options(user_trust=(kit.root.der,), trust=(kit.root.pem,), use_default_trust=False))
    assert origins(store) == {sha256(kit.root.der): "user"}


def test_pem_bundle_in_one_site_file_gives_several_anchors(kit, other):
    store = TrustStore.from_options(Options(site_trust=(kit.root.pem + other.root.pem,), use_default_trust=False))
    assert origins(store) == {sha256(kit.root.der): "site", sha256(other.root.der): "site"}


@pytest.mark.parametrize("origin", ["site_trust", "user_trust"])
def test_site_and_user_roots_must_be_ca_certificates(kit, origin):
    with pytest.raises(MalformedCrypto) as exc:
        TrustStore.from_options(Options(**{origin: (kit.leaf.pem,)}))
    assert exc.value.code == "TRUST_BAD_ANCHOR_FILE"
    with pytest.raises(MalformedCrypto) as exc:
        TrustStore.from_options(Options(**{origin: (b"not a certificate",)}))
    assert exc.value.code == "TRUST_BAD_ANCHOR_FILE"
    # the caller's own --trust stays as free as before (a CA that is not a root, even a leaf)
    assert len(TrustStore.from_options(Options(trust=(kit.leaf.pem,), use_default_trust=False))) == 1


def test_validate_names_the_anchor_of_the_chain(kit):
    store = TrustStore.from_options(Options(user_trust=(kit.root.pem,), use_default_trust=False))
    r = store.validate(kit.leaf.cert, [kit.ca.cert], AT)
    assert r.trusted and r.anchor.origin == "user" and r.anchor.sha256 == sha256(kit.root.der)
    assert anchor_fields(r.anchor) == {"anchor": r.anchor.name, "anchor_sha256": sha256(kit.root.der),
                                       "anchor_origin": "user"}
    assert anchor_fields(None) == {"anchor": None, "anchor_sha256": None, "anchor_origin": None}


# -- the result JSON -----------------------------------------------------------------------

@pytest.mark.parametrize("field, origin", [("site_trust", "site"), ("user_trust", "user"), ("trust", "cli")])
def test_signature_report_gives_anchor_fingerprint_and_origin(kit, signed_pdf, field, origin):
    r = check_bytes(signed_pdf, "a.pdf", Options(**{field: (kit.root.pem,)}, today=TODAY))
    assert r.verdict == "pass", [f.code for f in r.findings]
    sig = r.to_dict()["signatures"][0]
    assert sig["anchor_sha256"] == sha256(kit.root.der)
    assert sig["anchor_origin"] == origin
    assert sig["anchor"] and "TRUST" in sig["anchor"]
    trusted = next(f for f in r.findings if f.code == "SIG_TRUSTED")
    assert dict(trusted.params)["anchor_origin"] == origin
    assert dict(trusted.params)["anchor_sha256"] == sha256(kit.root.der)


def test_untrusted_signature_has_no_anchor_keys_filled(kit, signed_pdf):
    r = check_bytes(signed_pdf, "a.pdf", Options(today=TODAY))
    sig = json.loads(r.to_json())["signatures"][0]
    assert r.verdict == "warn" and not sig["trusted"]
    assert {"anchor", "anchor_sha256", "anchor_origin"} <= set(sig)  # keys always present
    assert sig["anchor"] is None and sig["anchor_sha256"] is None and sig["anchor_origin"] is None


def test_ofd_seal_reports_its_anchor_too(kit):
    plain = ofdsign.make_ofd(list(LINES))
    data = ofdsign.seal_ofd(plain, kit.leaf.key, kit.leaf, "示例 发证机关电子印章 (TEST)", version="v4", alg="SM2",
                            maker=kit.leaf)
    # SES seals carry no chain: the issuing CA itself is the site's extra anchor here
    r = check_bytes(data, "a.ofd", Options(site_trust=(kit.ca.pem,), today=TODAY))
    assert r.verdict == "pass", [f.code for f in r.findings]
    sig = r.to_dict()["signatures"][0]
    assert (sig["anchor_origin"], sig["anchor_sha256"]) == ("site", sha256(kit.ca.der))


def test_removing_the_root_takes_the_pass_away(kit, signed_pdf):
    assert check_bytes(signed_pdf, "a.pdf", Options(user_trust=(kit.root.der,), today=TODAY)).verdict == "pass"
    assert check_bytes(signed_pdf, "a.pdf", Options(user_trust=(), today=TODAY)).verdict == "warn"


def test_cli_trust_reports_cli(kit, signed_pdf, tmp_path):
    (tmp_path / "root.pem").write_bytes(kit.root.pem)
    (tmp_path / "a.pdf").write_bytes(signed_pdf)
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-m", "checker", "--json", "--no-qr", "--today", "2027-06-01",
                          "--trust", str(tmp_path / "root.pem"), str(tmp_path / "a.pdf")],
                         capture_output=True, text=True, env=env, timeout=300)
    row = json.loads(out.stdout)
    assert row["verdict"] == "pass", row["findings"]
    assert row["signatures"][0]["anchor_origin"] == "cli"
    assert row["signatures"][0]["anchor_sha256"] == sha256(kit.root.der)
    text = subprocess.run([sys.executable, "-m", "checker", "--no-qr", "--today", "2027-06-01",
                           "--trust", str(tmp_path / "root.pem"), str(tmp_path / "a.pdf")],
                          capture_output=True, text=True, env=env, timeout=300).stdout
    assert f"（调用方指定的根证书），SHA-256 {sha256(kit.root.der)}" in text, text


# -- examine_root: what may become an extra root ------------------------------------------------

def refused(data, today=TODAY, **kw):
    with pytest.raises(RootRefused) as exc:
        examine_root(data, today, **kw)
    e = exc.value
    msg = lookup(e.code)
    for text in (render(msg.zh, e.params), render(msg.en, e.params)):
        assert "{" not in text, text  # every placeholder filled
    return e


def test_a_root_is_described_before_anyone_confirms_it(kit):
    for data in (kit.root.pem, kit.root.der, b"\n  " + kit.root.pem + b"\n"):
        c = examine_root(data, TODAY)
        assert c.sha256 == sha256(kit.root.der) and c.der == kit.root.der
        assert c.self_signed and c.algorithm == "SM2-SM3"
        assert "示例 根证书 SM2 (TRUST)" in c.subject and c.subject == c.issuer
        assert c.not_before.startswith("2025-01-01") and c.not_after.startswith("2045-12-31")
        d = c.to_dict()
        assert d["sha256"] == c.sha256 and set(d) >= {"subject", "not_before", "not_after", "der"}


def test_an_issuing_ca_may_be_trusted_as_an_anchor(kit):
    c = examine_root(kit.ca.pem, TODAY)
    assert not c.self_signed and "示例 根证书" in c.issuer


def test_refusals_say_why(kit):
    assert refused(kit.leaf.pem).code == "TRUST_ROOT_LEAF"
    selfsigned_leaf = pki.make_cert("示例 自签名 (TEST)", pki.Key.generate("rsa"), None, ca=False)
    assert refused(selfsigned_leaf.der).code == "TRUST_ROOT_NOT_CA"
    no_bc = pki.make_cert("示例 无基本约束 (TEST)", pki.Key.generate("rsa"), None, ca=None,
                          key_usage={"key_cert_sign"})
    assert refused(no_bc.pem).code == "TRUST_ROOT_NOT_CA"
    old = pki.make_cert("示例 过期根 (TEST)", pki.Key.generate("sm2"), None, ca=True,
                        not_before=dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc),
                        not_after=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    e = refused(old.pem)
    assert e.code == "TRUST_ROOT_EXPIRED" and e.params["not_after"] == "2020-01-01"
    assert refused(kit.root.pem, today=dt.date(2024, 12, 1)).code == "TRUST_ROOT_NOT_YET_VALID"
    assert refused(kit.root.pem + kit.ca.pem).code == "TRUST_ROOT_SEVERAL"
    assert refused(b"").code == "TRUST_ROOT_UNREADABLE"
    assert refused(os.urandom(2048)).code in ("TRUST_ROOT_UNREADABLE", "TRUST_ROOT_NOT_CERTIFICATE")
    assert refused(b"hello, this is a text file\n" * 10).code == "TRUST_ROOT_UNREADABLE"
    e = refused(kit.root.key.to_pem())
    assert e.code == "TRUST_ROOT_NOT_CERTIFICATE" and "PRIVATE KEY" in e.params["kind"]
    assert refused(b"\x30\x03\x02\x01\x05").code == "TRUST_ROOT_NOT_CERTIFICATE"  # DER, not a certificate
    assert refused(b"%PDF-1.7\n" + b"0" * 1000).code == "TRUST_ROOT_UNREADABLE"


def test_a_ten_megabyte_file_is_refused_before_it_is_parsed(kit):
    big = kit.root.pem + b"\n" + b"A" * (10 * 1024 * 1024)
    e = refused(big)
    assert e.code == "TRUST_ROOT_TOO_LARGE" and e.params["size"] == len(big)
    assert checker.Options().limits.max_trust_root_bytes == 1024 * 1024


def test_a_self_signed_root_whose_signature_was_altered_is_refused(kit):
    der = bytearray(kit.root.der)
    der[-5] ^= 0x01  # inside the signature value
    e = refused(bytes(der))
    assert e.code in ("TRUST_ROOT_BAD_SIGNATURE", "TRUST_ROOT_UNREADABLE")
    # the subject altered (signature no longer matches the content)
    forged = pki.make_cert(kit.root.cert.subject, pki.Key.generate("sm2"), None, ca=True,
                           signing_key=pki.Key.generate("sm2"))
    assert refused(forged.pem).code == "TRUST_ROOT_BAD_SIGNATURE"


def test_every_refusal_code_has_messages():
    codes = [c for c in MESSAGES if c.startswith("TRUST_ROOT_")]
    assert len(codes) >= 9
    for c in codes:
        assert MESSAGES[c].severity == "error" and MESSAGES[c].zh and MESSAGES[c].en
