"""Trust store and path validation: happy paths and the attacks a forger would try."""
import datetime as dt

import pytest

from checker import Options
from checker._crypto import MalformedCrypto
from checker._crypto.trust import Anchor, TrustStore, bundled_anchors, demo_anchors
from checker.limits import Limits
from testkit import pki

UTC = dt.timezone.utc
AT = dt.datetime(2027, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=pki.KINDS)
def kit(request):
    return pki.make_pki(request.param)


def store(*roots, **kw):
    return TrustStore([Anchor(r.cert, "user", "x") for r in roots], **kw)


def test_valid_chain(kit):
    r = store(kit.root).validate(kit.leaf.cert, [kit.ca.cert], AT)
    assert r.trusted and r.problems == ()
    assert [c.dump() for c in r.chain] == [kit.leaf.der, kit.ca.der, kit.root.der]
    assert r.anchor.cert.dump() == kit.root.der and not r.anchor_is_demo
    assert len(r.subjects) == 3


def test_missing_intermediate(kit):
    r = store(kit.root).validate(kit.leaf.cert, [], AT)
    assert not r.trusted and r.problems == ("TRUST_NO_ANCHOR",)


def test_self_signed_leaf_never_trusted(kit):
    """A self-signed certificate carried in the file is not an anchor."""
    fake_root = pki.make_cert(kit.root.cert.subject, pki.Key.generate(kit.kind), None, ca=True)
    fake_leaf = pki.make_cert(kit.leaf.cert.subject, pki.Key.generate(kit.kind), fake_root)
    r = store(kit.root).validate(fake_leaf.cert, [fake_root.cert], AT)
    # key identifiers differ from the anchor's: could be a re-keyed CA, so "only" untrusted
    assert not r.trusted and r.problems == ("TRUST_NO_ANCHOR",)
    # without key identifiers the forged root is tried against the real one and caught
    fake_root = pki.make_cert(kit.root.cert.subject, pki.Key.generate(kit.kind), None, ca=True, aki=False, ski=False)
    fake_leaf = pki.make_cert(kit.leaf.cert.subject, pki.Key.generate(kit.kind), fake_root, aki=False)
    r = store(kit.root).validate(fake_leaf.cert, [fake_root.cert], AT)
    assert not r.trusted and "TRUST_NO_ANCHOR" in r.problems
    assert "TRUST_CERT_SIGNATURE_INVALID" in r.problems  # claims the trusted root's name, forged
    selfsigned = pki.make_cert("示例 自签名 (TEST)", pki.Key.generate(kit.kind), None, ca=False)
    r = store(kit.root).validate(selfsigned.cert, [selfsigned.cert], AT)
    assert not r.trusted


def test_forged_intermediate_with_same_name(kit):
    """Attacker copies the CA's name (and even its SKI) into a CA of their own."""
    key = pki.Key.generate(kit.kind)
    fake_ca = pki.make_cert(kit.ca.cert.subject, key, kit.root, ca=True, signing_key=key)  # not signed by root
    leaf = pki.make_cert("示例 伪造签章人 (TEST)", pki.Key.generate(kit.kind), fake_ca)
    r = store(kit.root).validate(leaf.cert, [fake_ca.cert], AT)
    assert not r.trusted and "TRUST_CERT_SIGNATURE_INVALID" in r.problems


def test_leaf_used_as_ca(kit):
    """basicConstraints attack: a genuine end-entity certificate signs a new certificate."""
    victim = kit.leaf  # CA:FALSE, genuine
    evil = pki.make_cert("示例 伪造 (TEST)", pki.Key.generate(kit.kind), victim)
    r = store(kit.root).validate(evil.cert, [victim.cert, kit.ca.cert], AT)
    assert not r.trusted and "TRUST_NOT_CA" in r.problems
    no_bc = pki.make_cert("示例 无约束 CA (TEST)", pki.Key.generate(kit.kind), kit.root, ca=None,
                          key_usage={"key_cert_sign"})
    evil2 = pki.make_cert("示例 伪造2 (TEST)", pki.Key.generate(kit.kind), no_bc)
    r = store(kit.root).validate(evil2.cert, [no_bc.cert], AT)
    assert not r.trusted and "TRUST_NOT_CA" in r.problems


def test_issuer_without_key_cert_sign(kit):
    ca = pki.make_cert("示例 CA 无签证用途 (TEST)", pki.Key.generate(kit.kind), kit.root, ca=True,
                       key_usage={"crl_sign", "digital_signature"})
    leaf = pki.make_cert("示例 签章人 (TEST)", pki.Key.generate(kit.kind), ca)
    r = store(kit.root).validate(leaf.cert, [ca.cert], AT)
    assert not r.trusted and "TRUST_ISSUER_KEY_USAGE" in r.problems


def test_path_len(kit):
    # kit.ca has pathLen 0: a sub-CA below it is not allowed
    sub = pki.make_cert("示例 子 CA (TEST)", pki.Key.generate(kit.kind), kit.ca, ca=True)
    leaf = pki.make_cert("示例 签章人 (TEST)", pki.Key.generate(kit.kind), sub)
    r = store(kit.root).validate(leaf.cert, [kit.ca.cert, sub.cert], AT)
    assert not r.trusted and "TRUST_PATH_LENGTH" in r.problems


def test_signer_key_usage(kit):
    leaf = pki.make_cert("示例 仅加密 (TEST)", pki.Key.generate(kit.kind), kit.ca, key_usage={"key_encipherment"})
    r = store(kit.root).validate(leaf.cert, [kit.ca.cert], AT)
    assert not r.trusted and r.problems == ("TRUST_SIGNER_KEY_USAGE",)
    assert store(kit.root).validate(leaf.cert, [kit.ca.cert], AT, usage=None).trusted
    only_nr = pki.make_cert("示例 不可否认 (TEST)", pki.Key.generate(kit.kind), kit.ca, key_usage={"non_repudiation"})
    assert store(kit.root).validate(only_nr.cert, [kit.ca.cert], AT).trusted


def test_validity_at_signing_time(kit):
    leaf = pki.make_cert("示例 过期 (TEST)", pki.Key.generate(kit.kind), kit.ca,
                         not_before=dt.datetime(2025, 1, 1, tzinfo=UTC), not_after=dt.datetime(2026, 1, 1, tzinfo=UTC))
    s = store(kit.root)
    assert s.validate(leaf.cert, [kit.ca.cert], dt.datetime(2025, 6, 1, tzinfo=UTC)).trusted
    r = s.validate(leaf.cert, [kit.ca.cert], AT)
    assert not r.trusted and r.problems == ("TRUST_CERT_EXPIRED",)
    r = s.validate(leaf.cert, [kit.ca.cert], dt.datetime(2024, 6, 1, tzinfo=UTC))
    assert not r.trusted and "TRUST_CERT_EXPIRED" in r.problems
    assert s.validate(kit.leaf.cert, [kit.ca.cert], dt.date(2030, 1, 1)).trusted  # dates accepted
    assert s.validate(kit.leaf.cert, [kit.ca.cert], dt.datetime(2030, 1, 1)).trusted  # naive = UTC


def test_unrelated_root(kit):
    other = pki.make_pki(kit.kind)
    r = store(other.root).validate(kit.leaf.cert, [kit.ca.cert, other.ca.cert], AT)
    assert not r.trusted and "TRUST_NO_ANCHOR" in r.problems


def test_cross_algorithm_chain():
    """SM2 leaf under an RSA CA (mixed hierarchies exist in the wild)."""
    rsa = pki.make_pki("rsa")
    leaf = pki.make_cert("示例 SM2 签章人 (TEST)", pki.Key.generate("sm2"), rsa.ca)
    assert store(rsa.root).validate(leaf.cert, [rsa.ca.cert], AT).trusted


def test_timestamp_usage(kit):
    s = store(kit.root)
    assert s.validate(kit.tsa.cert, [kit.ca.cert], AT, usage="timestamping").trusted
    r = s.validate(kit.leaf.cert, [kit.ca.cert], AT, usage="timestamping")
    assert not r.trusted and "TRUST_TIMESTAMP_USAGE" in r.problems


def test_loops_and_depth():
    k = "ecdsa"
    root = pki.make_cert("示例 根 (TEST)", pki.Key.generate(k), None, ca=True)
    # two CAs issuing each other: A <- B <- A ... never reaches an anchor
    ka, kb = pki.Key.generate(k), pki.Key.generate(k)
    a_name, b_name = pki.name("示例 A (TEST)"), pki.name("示例 B (TEST)")
    a = pki.make_cert(a_name, ka, None, ca=True, issuer_name=b_name, signing_key=kb, aki=False)
    b = pki.make_cert(b_name, kb, None, ca=True, issuer_name=a_name, signing_key=ka, aki=False)
    leaf = pki.make_cert("示例 叶 (TEST)", pki.Key.generate(k), a)
    r = store(root).validate(leaf.cert, [a.cert, b.cert], AT)
    assert not r.trusted and "TRUST_NO_ANCHOR" in r.problems
    # a long honest chain beyond max_chain_length
    chain, parent = [], root
    for i in range(6):
        parent = pki.make_cert(f"示例 CA{i} (TEST)", pki.Key.generate(k), parent, ca=True)
        chain.append(parent)
    leaf = pki.make_cert("示例 深叶 (TEST)", pki.Key.generate(k), parent)
    assert store(root).validate(leaf.cert, [c.cert for c in chain], AT).trusted
    r = store(root, max_chain_length=4).validate(leaf.cert, [c.cert for c in chain], AT)
    assert not r.trusted and "TRUST_CHAIN_TOO_LONG" in r.problems


def test_anchor_is_the_signer_itself(kit):
    """A user may trust a specific signer certificate directly."""
    assert store(kit.leaf).validate(kit.leaf.cert, [], AT).trusted


# ---- from_options ------------------------------------------------------------------------


def test_demo_roots_only_on_request():
    demo = pki.demo_pki("sm2")
    fps = {a.cert.dump() for a in TrustStore.from_options(Options()).anchors}
    assert demo.root.der not in fps
    s = TrustStore.from_options(Options(trust_demo=True))
    r = s.validate(demo.leaf.cert, [demo.ca.cert], AT)
    assert r.trusted and r.anchor_is_demo
    assert not TrustStore.from_options(Options()).validate(demo.leaf.cert, [demo.ca.cert], AT).trusted
    assert {a.cert.dump() for a in demo_anchors()} == {pki.demo_pki(k).root.der for k in pki.KINDS}


def test_user_anchors_pem_bundle_and_der(kit):
    other = pki.make_pki("ecdsa")
    bundle = kit.root.pem + b"\n# comment\n" + other.root.pem
    s = TrustStore.from_options(Options(trust=(bundle,), use_default_trust=False))
    assert len(s) == 2
    assert s.validate(kit.leaf.cert, [kit.ca.cert], AT).trusted
    s = TrustStore.from_options(Options(trust=(kit.root.der,), use_default_trust=False))
    assert len(s) == 1 and s.validate(kit.leaf.cert, [kit.ca.cert], AT).trusted


def test_bad_user_anchor():
    with pytest.raises(MalformedCrypto) as e:
        TrustStore.from_options(Options(trust=(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",)))
    assert e.value.code == "TRUST_BAD_ANCHOR_FILE"
    with pytest.raises(MalformedCrypto):
        TrustStore.from_options(Options(trust=(b"garbage",)))


def test_default_store_excludes_demo_and_limits_apply():
    s = TrustStore.from_options(Options(limits=Limits(max_chain_length=3)))
    assert s.max_chain_length == 3
    assert all(not a.is_demo for a in s.anchors)
    assert len(s) == len(bundled_anchors())
    assert len(TrustStore.from_options(Options(use_default_trust=False))) == 0
