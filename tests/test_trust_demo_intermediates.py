"""Demo issuing CAs are path-building material only, and only with explicit demo trust."""
import pathlib

from checker import Options
from checker._crypto.trust import TrustStore, demo_anchors, demo_intermediates
from checker._crypto.x509 import load_certificates

DEMO = pathlib.Path(__file__).resolve().parents[1] / "scripts" / "testkit" / "demo_ca"


def leaf(kind):
    return load_certificates((DEMO / f"{kind}_leaf.pem").read_bytes())[0]


def test_leaf_alone_chains_with_demo_trust_only():
    for kind in ("sm2", "rsa", "ecdsa"):
        cert = leaf(kind)
        assert TrustStore.from_options(Options(trust_demo=True)).validate(cert, ()).trusted, kind
        assert not TrustStore.from_options(Options()).validate(cert, ()).trusted, kind


def test_intermediates_are_not_anchors():
    assert len(demo_intermediates()) == 3
    store = TrustStore.from_options(Options(trust_demo=True, use_default_trust=False))
    for c in demo_intermediates():
        assert store.anchor_for(c) is None
        assert c.subject != c.issuer  # issuing CAs, not roots
    anchor_fps = {a.cert.sha256 for a in demo_anchors()}
    assert not anchor_fps & {c.sha256 for c in demo_intermediates()}
