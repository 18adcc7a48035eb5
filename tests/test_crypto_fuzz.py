"""Hostile bytes: mutated CMS / certificates only ever give CryptoError or a failed status."""
import random

import pytest

from checker._crypto import CryptoError, cms
from checker._crypto.trust import Anchor, TrustStore
from checker._crypto.x509 import load_certificates
from testkit import cms as tcms
from testkit import pki


def _mutate(rng, b):
    d = bytearray(b)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(d))
        op = rng.random()
        if op < 0.6:
            d[pos] = rng.randrange(256)
        elif op < 0.8:
            del d[pos : pos + rng.randint(1, 20)]
        else:
            d[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(d)


@pytest.mark.parametrize("kind", pki.KINDS)
def test_mutated_cms_never_crashes(kind):
    rng = random.Random(20261123)
    kit = pki.demo_pki(kind)
    store = TrustStore([Anchor(kit.root.cert, "user", "demo")])
    bases = [tcms.sign_detached(b"data", kit.leaf, [kit.ca], timestamp_tsa=kit.tsa, timestamp_certs=[kit.ca]),
             tcms.sign_detached(b"data", kit.leaf, [kit.ca], gm=True, signed_attrs=False)]
    outcomes = set()
    for base in bases:
        for _ in range(120):
            blob = _mutate(rng, base)
            try:
                info = cms.parse_signed_data(blob)
            except CryptoError:
                outcomes.add("malformed")
                continue
            v = cms.verify_signed_data(info, b"data")
            outcomes.add("valid" if v.valid else "invalid")
            if v.signer_cert is not None:
                r = store.validate(v.signer_cert, list(v.certificates), None)
                assert isinstance(r.trusted, bool)
            try:
                for attr_values in [vals for oid, vals in info.signers[0].unsigned_attrs if oid == cms.OID_TIMESTAMP_TOKEN]:
                    cms.verify_timestamp_token(attr_values[0].dump(), b"x")
            except CryptoError:
                pass
    assert {"malformed", "invalid"} <= outcomes


def test_mutated_certificates():
    rng = random.Random(7)
    kit = pki.demo_pki("sm2")
    store = TrustStore([Anchor(kit.root.cert, "user", "demo")])
    for _ in range(200):
        blob = _mutate(rng, kit.leaf.der)
        try:
            certs = load_certificates(blob)
        except CryptoError:
            continue
        r = store.validate(certs[0], [kit.ca.cert], None)
        if certs[0].dump() != kit.leaf.der:
            # a changed to-be-signed part can never be trusted
            if certs[0]["tbs_certificate"].dump() != kit.leaf.cert["tbs_certificate"].dump():
                assert not r.trusted
