"""A signing time counts only when a trusted TSA proves it.

The signingTime attribute (PDF) and timeInfo (OFD seals) are the signer's own word: whoever holds
the key of an expired certificate can backdate them.  So when the signer certificate is expired at
the reference date and no valid timestamp from a TSA that chains to the trust store proves an
earlier time, the signature gets SIG_CERT_EXPIRED_UNPROVEN (warn) and cannot pass.
"""
import datetime as dt

import pytest

from checker import Options, check_bytes
from testkit import ofdsign, pdfsign, pki

AFTER_EXPIRY = dt.date(2046, 6, 1)  # the test PKIs are valid 2025-01-01 .. 2045-12-31
ISSUER = ("重庆市住房和城乡建设委员会", "重庆市住房和城乡建设委员会")


@pytest.fixture(scope="module")
def p():
    return pki.make_pki("sm2", tag="TIME", leaf_name=ISSUER)


@pytest.fixture(scope="module")
def stranger():
    return pki.make_pki("sm2", tag="OTHER")


def codes(r):
    return {f.code: f.severity for f in r.findings}


def test_pdf_claimed_time_only(p):
    data = pdfsign.sign_pdf(pdfsign.base_pdf(["示例 (TEST)"]), p.leaf, p.chain)
    r = check_bytes(data, "a.pdf", Options(trust=(p.root.pem,), today=AFTER_EXPIRY))
    assert codes(r)["SIG_CERT_EXPIRED_UNPROVEN"] == "warn"
    assert r.verdict != "pass"
    # while the certificate is still valid today nothing is said
    r_now = check_bytes(data, "a.pdf", Options(trust=(p.root.pem,), today=dt.date(2030, 1, 1)))
    assert "SIG_CERT_EXPIRED_UNPROVEN" not in codes(r_now)


def test_pdf_time_proven_by_trusted_tsa(p):
    data = pdfsign.sign_pdf(pdfsign.base_pdf(["示例 (TEST)"]), p.leaf, p.chain, timestamp_tsa=p.tsa)
    r = check_bytes(data, "a.pdf", Options(trust=(p.root.pem,), today=AFTER_EXPIRY))
    assert "SIG_CERT_EXPIRED_UNPROVEN" not in codes(r)
    assert r.signatures[0].trusted and r.signatures[0].timestamp


def test_pdf_time_from_untrusted_tsa_proves_nothing(p, stranger):
    data = pdfsign.sign_pdf(pdfsign.base_pdf(["示例 (TEST)"]), p.leaf, p.chain, timestamp_tsa=stranger.tsa,
                            timestamp_certs=stranger.chain)
    r = check_bytes(data, "a.pdf", Options(trust=(p.root.pem,), today=AFTER_EXPIRY))
    assert codes(r)["SIG_CERT_EXPIRED_UNPROVEN"] == "warn"


def test_ofd_claimed_time_only(p):
    plain = ofdsign.make_ofd(["示例 (TEST)"])
    data = ofdsign.seal_ofd(plain, p.leaf.key, p.leaf, "示例 印章 (TEST)", version="v4", alg="SM2", maker=p.leaf)
    opts = dict(trust=(p.ca.pem, p.root.pem))
    assert codes(check_bytes(data, "a.ofd", Options(today=AFTER_EXPIRY, **opts)))["SIG_CERT_EXPIRED_UNPROVEN"] == "warn"
    assert "SIG_CERT_EXPIRED_UNPROVEN" not in codes(check_bytes(data, "a.ofd", Options(today=dt.date(2030, 1, 1), **opts)))
