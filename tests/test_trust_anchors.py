"""Bundled real anchors: fingerprints, signatures (ours + OpenSSL), manifest discipline, a real chain."""
import json
import pathlib
import re
import shutil
import subprocess
import zipfile

import pytest
from asn1crypto import x509 as ax509

from checker import Options
from checker._crypto.trust import TrustStore, bundled_anchors, bundled_intermediates
from checker._crypto.x509 import fingerprint, load_certificates, readable_name, verify_cert_signature

TRUST = pathlib.Path(__file__).resolve().parent.parent / "checker" / "data" / "trust"
MANIFEST = json.loads((TRUST / "anchors.json").read_text(encoding="utf-8"))["certificates"]
ROOTCA_FP = "9c28d3847414bfff1a5749e7e2381146f82842083e8c592e16a612d04a5ba8cd"


def _load(name):
    return load_certificates((TRUST / name).read_bytes())[0]


def test_manifest_matches_files():
    listed = {e["file"] for e in MANIFEST}
    assert listed == {p.name for p in TRUST.glob("*.pem")}, "every bundled PEM must be in anchors.json"
    for e in MANIFEST:
        cert = _load(e["file"])
        assert fingerprint(cert) == e["sha256"]
        assert readable_name(cert.subject) == e["subject"]
        assert e["source"]["repo"] and re.fullmatch(r"[0-9a-f]{40}", e["source"]["commit"])


def test_national_root_is_the_only_anchor():
    anchors = bundled_anchors()
    assert [fingerprint(a.cert) for a in anchors] == [ROOTCA_FP]
    root = anchors[0].cert
    assert readable_name(root.subject) == "CN=ROOTCA, O=NRCAC, C=CN"
    assert verify_cert_signature(root, root)  # SM2 self-signature with the default ID


def test_intermediates_are_signed_by_root():
    root = _load("nrcac_rootca_sm2.pem")
    inter = bundled_intermediates()
    assert len(inter) == len(MANIFEST) - 1
    for c in inter:
        assert verify_cert_signature(c, root), readable_name(c.subject)
        assert c.basic_constraints_value["ca"].native


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI required")
def test_openssl_agrees_on_bundled_signatures(tmp_path):
    for e in MANIFEST:
        cert = _load(e["file"])
        (tmp_path / "tbs").write_bytes(cert["tbs_certificate"].dump())
        (tmp_path / "sig").write_bytes(cert["signature_value"].native)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-certin", "-inkey",
                            str(TRUST / "nrcac_rootca_sm2.pem"), "-in", str(tmp_path / "tbs"), "-sigfile",
                            str(tmp_path / "sig"), "-pkeyopt", "distid:1234567812345678"], capture_output=True, timeout=60)
        assert r.returncode == 0, (e["file"], r.stdout, r.stderr)


def test_intermediate_alone_is_not_an_anchor():
    """A leaf signed by a bundled intermediate is trusted only through ROOTCA."""
    store = TrustStore.from_options(Options())
    ynca = [c for c in bundled_intermediates() if "YNCA" in readable_name(c.subject)][0]
    r = TrustStore([], intermediates=[ynca]).validate(ynca, [], None, usage=None)
    assert not r.trusted
    assert store.validate(ynca, [], None, usage=None).trusted  # via ROOTCA


def test_tampered_bundle_file_is_ignored(tmp_path, monkeypatch):
    import checker._crypto.trust as trust

    fake = tmp_path / "trust"
    fake.mkdir()
    for p in TRUST.glob("*"):
        if p.is_file():
            shutil.copy(p, fake / p.name)
    other = load_certificates((TRUST / "demo" / "demo_root_sm2.pem").read_bytes())[0]
    (fake / "nrcac_rootca_sm2.pem").write_bytes((TRUST / "demo" / "demo_root_sm2.pem").read_bytes())
    monkeypatch.setattr(trust, "_DATA", fake)
    monkeypatch.setattr(trust, "_CACHE", {})
    assert all(fingerprint(a.cert) != fingerprint(other) for a in trust.bundled_anchors())
    assert trust.bundled_anchors() == []


def _seal_cert(ofd: pathlib.Path):
    data = zipfile.ZipFile(ofd).read("Doc_0/Signs/Sign_0/SignedValue.dat")
    for m in re.finditer(rb"\x30\x82", data):
        i = m.start()
        blob = data[i : i + 4 + int.from_bytes(data[i + 2 : i + 4], "big")]
        try:
            c = ax509.Certificate.load(blob)
            c["tbs_certificate"]["validity"].native
            return c
        except (ValueError, TypeError, KeyError):
            continue
    raise AssertionError("no certificate found")


def test_real_vendor_seal_chains_to_national_root(corpus_root):
    leaf = _seal_cert(corpus_root / "ofd-real" / "converter-testImageNotFound.ofd")
    v = leaf["tbs_certificate"]["validity"].native
    when = v["not_before"] + (v["not_after"] - v["not_before"]) / 2
    r = TrustStore.from_options(Options()).validate(leaf, [], when)
    assert r.trusted, r.problems
    assert [readable_name(c.subject).split(",")[0] for c in r.chain] == [
        "CN=一部手机办事通设备证书", "CN=YNCA_SM2", "CN=ROOTCA"]
    late = TrustStore.from_options(Options()).validate(leaf, [], v["not_after"].replace(year=2030))
    assert not late.trusted and "TRUST_CERT_EXPIRED" in late.problems
    assert not TrustStore.from_options(Options(use_default_trust=False)).validate(leaf, [], when).trusted


def test_certificate_signature_results_are_remembered_for_exactly_the_same_pair(monkeypatch):
    """A batch from one issuer repeats its chain in every file: a link is verified once.  The
    memo is keyed by both certificates' SHA-256, so a changed certificate is verified again."""
    from checker._crypto import trust as T

    root = _load("nrcac_rootca_sm2.pem")
    inter = bundled_intermediates()[0]
    assert T.signed_by(inter, root)
    calls = []
    monkeypatch.setattr(T, "verify_cert_signature", lambda c, i: calls.append(c) or False)
    assert T.signed_by(inter, root) and calls == []  # remembered: not verified again
    der = bytearray(inter.dump())
    der[-1] ^= 1  # the last byte of the signature value
    forged = ax509.Certificate.load(bytes(der))
    assert not T.signed_by(forged, root) and len(calls) == 1  # another certificate: verified
    monkeypatch.undo()
    assert not T.signed_by(forged, root)
    assert not verify_cert_signature(forged, root)  # and the remembered answer was the true one
