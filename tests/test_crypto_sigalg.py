"""RSA PKCS#1 v1.5 / PSS and ECDSA P-256/384/521 against `cryptography` and the OpenSSL CLI."""
import shutil
import subprocess

import pytest
from asn1crypto import algos
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from checker._crypto import MalformedCrypto, UnsupportedAlgorithm, sigalg

MSG = b"\x25PDF-1.7 signed byte range \x00\xff" * 20
_H = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
      "sha512": hashes.SHA512}
RSA_OIDS = {"sha1": "1.2.840.113549.1.1.5", "sha224": "1.2.840.113549.1.1.14", "sha256": "1.2.840.113549.1.1.11",
            "sha384": "1.2.840.113549.1.1.12", "sha512": "1.2.840.113549.1.1.13"}
DIGEST_OIDS = {"sha1": "1.3.14.3.2.26", "sha224": "2.16.840.1.101.3.4.2.4", "sha256": "2.16.840.1.101.3.4.2.1",
               "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3"}


def spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(65537, 2048)


@pytest.mark.parametrize("h", sorted(RSA_OIDS))
def test_rsa_pkcs1(rsa_key, h):
    sig = rsa_key.sign(MSG, padding.PKCS1v15(), _H[h]())
    assert sigalg.verify(RSA_OIDS[h], None, spki(rsa_key), MSG, sig)
    # rsaEncryption + separate digest OID (common in CMS SignerInfo)
    assert sigalg.verify("1.2.840.113549.1.1.1", None, spki(rsa_key), MSG, sig, DIGEST_OIDS[h])
    assert not sigalg.verify(RSA_OIDS[h], None, spki(rsa_key), MSG + b"x", sig)
    bad = bytearray(sig)
    bad[10] ^= 0x40
    assert not sigalg.verify(RSA_OIDS[h], None, spki(rsa_key), MSG, bytes(bad))
    assert sigalg.describe(RSA_OIDS[h]) == "RSA-" + h.upper()


def test_rsa_wrong_digest_and_key(rsa_key):
    sig = rsa_key.sign(MSG, padding.PKCS1v15(), hashes.SHA256())
    assert not sigalg.verify(RSA_OIDS["sha384"], None, spki(rsa_key), MSG, sig)
    other = rsa.generate_private_key(65537, 2048)
    assert not sigalg.verify(RSA_OIDS["sha256"], None, spki(other), MSG, sig)
    assert not sigalg.verify(RSA_OIDS["sha256"], None, spki(rsa_key), MSG, sig[:-1])


def _pss_params(h, salt):
    return algos.RSASSAPSSParams({
        "hash_algorithm": {"algorithm": h},
        "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": h}},
        "salt_length": salt,
    }).dump()


@pytest.mark.parametrize("h,salt", [("sha256", 32), ("sha384", 48), ("sha512", 0), ("sha256", 20)])
def test_rsa_pss(rsa_key, h, salt):
    sig = rsa_key.sign(MSG, padding.PSS(padding.MGF1(_H[h]()), salt), _H[h]())
    params = _pss_params(h, salt)
    assert sigalg.verify("1.2.840.113549.1.1.10", params, spki(rsa_key), MSG, sig)
    assert not sigalg.verify("1.2.840.113549.1.1.10", params, spki(rsa_key), MSG[:-1], sig)
    assert not sigalg.verify("1.2.840.113549.1.1.10", _pss_params(h, salt + 1), spki(rsa_key), MSG, sig)
    assert sigalg.describe("1.2.840.113549.1.1.10", None, params) == "RSA-PSS-" + h.upper()


def test_rsa_pss_default_params(rsa_key):
    sig = rsa_key.sign(MSG, padding.PSS(padding.MGF1(hashes.SHA1()), 20), hashes.SHA1())
    assert sigalg.verify("1.2.840.113549.1.1.10", None, spki(rsa_key), MSG, sig)


def test_rsa_pss_odd_modulus_size():
    k = rsa.generate_private_key(65537, 2047)
    sig = k.sign(MSG, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    assert sigalg.verify("1.2.840.113549.1.1.10", _pss_params("sha256", 32), spki(k), MSG, sig)


ECDSA = [("P-256", ec.SECP256R1, "sha256", "1.2.840.10045.4.3.2"),
         ("P-384", ec.SECP384R1, "sha384", "1.2.840.10045.4.3.3"),
         ("P-521", ec.SECP521R1, "sha512", "1.2.840.10045.4.3.4"),
         ("P-256", ec.SECP256R1, "sha1", "1.2.840.10045.4.1"),
         ("P-384", ec.SECP384R1, "sha256", "1.2.840.10045.4.3.2"),
         ("P-521", ec.SECP521R1, "sha256", "1.2.840.10045.4.3.2")]


@pytest.mark.parametrize("curve,cls,h,oid", ECDSA)
def test_ecdsa(curve, cls, h, oid):
    k = ec.generate_private_key(cls())
    for _ in range(3):
        sig = k.sign(MSG, ec.ECDSA(_H[h]()))
        assert sigalg.verify(oid, None, spki(k), MSG, sig)
        assert sigalg.verify("1.2.840.10045.2.1", None, spki(k), MSG, sig, DIGEST_OIDS[h])
        assert not sigalg.verify(oid, None, spki(k), MSG + b"\0", sig)
    other = ec.generate_private_key(cls())
    assert not sigalg.verify(oid, None, spki(other), MSG, sig)
    compressed = k.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert sigalg.verify(oid, None, compressed, MSG, sig)


def test_ecdsa_rejects_non_der_signature():
    k = ec.generate_private_key(ec.SECP256R1())
    sig = k.sign(MSG, ec.ECDSA(hashes.SHA256()))
    assert not sigalg.verify("1.2.840.10045.4.3.2", None, spki(k), MSG, sig + b"\0")
    assert not sigalg.verify("1.2.840.10045.4.3.2", None, spki(k), MSG, b"\x30\x00")


def test_key_algorithm_mismatch_and_unknown(rsa_key):
    k = ec.generate_private_key(ec.SECP256R1())
    sig = k.sign(MSG, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(MalformedCrypto):
        sigalg.verify("1.2.840.113549.1.1.11", None, spki(k), MSG, sig)
    with pytest.raises(MalformedCrypto):
        sigalg.verify("1.2.156.10197.1.501", None, spki(k), MSG, sig)  # SM2 OID with a P-256 key
    with pytest.raises(UnsupportedAlgorithm):
        sigalg.verify("1.2.840.113549.1.1.4", None, spki(rsa_key), MSG, b"x")  # md5WithRSA
    with pytest.raises(UnsupportedAlgorithm):
        sigalg.verify("1.2.840.10045.4.3.2", None, spki(ec.generate_private_key(ec.SECP256K1())), MSG, sig)
    with pytest.raises(MalformedCrypto):
        sigalg.verify("1.2.840.10045.4.3.2", None, b"\x30\x03\x02\x01\x01", MSG, sig)


def test_small_rsa_key_refused():
    from asn1crypto import keys

    k = rsa.generate_private_key(65537, 1024)
    sig = k.sign(MSG, padding.PKCS1v15(), hashes.SHA256())
    assert sigalg.verify(RSA_OIDS["sha256"], None, spki(k), MSG, sig)  # 1024 still accepted
    small = keys.PublicKeyInfo({"algorithm": {"algorithm": "rsa"}, "public_key": keys.RSAPublicKey({
        "modulus": (1 << 767) + 12345, "public_exponent": 65537})}).dump()
    with pytest.raises(UnsupportedAlgorithm):
        sigalg.verify(RSA_OIDS["sha256"], None, small, MSG, b"\0" * 96)


# ---- OpenSSL CLI as the signer ------------------------------------------------------------

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI required")


@needs_openssl
@pytest.mark.parametrize("alg,opts,md,oid,params", [
    ("RSA", ["-pkeyopt", "rsa_keygen_bits:2048"], "sha256", "1.2.840.113549.1.1.11", None),
    ("RSA-PSS", ["-pkeyopt", "rsa_keygen_bits:2048"], "sha256", "1.2.840.113549.1.1.10", "pss"),
    ("EC", ["-pkeyopt", "ec_paramgen_curve:P-384"], "sha384", "1.2.840.10045.4.3.3", None),
    ("EC", ["-pkeyopt", "ec_paramgen_curve:P-521"], "sha512", "1.2.840.10045.4.3.4", None),
])
def test_openssl_dgst_signatures(tmp_path, alg, opts, md, oid, params):
    key = tmp_path / "k.pem"
    r = subprocess.run(["openssl", "genpkey", "-algorithm", alg, *opts, "-out", str(key)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    pub = subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"], capture_output=True,
                         timeout=60).stdout
    msg = tmp_path / "m"
    msg.write_bytes(MSG)
    extra = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] if params else []
    sig = subprocess.run(["openssl", "dgst", f"-{md}", "-sign", str(key), *extra, str(msg)], capture_output=True,
                         timeout=60).stdout
    p = _pss_params(md, 32) if params else None
    if alg == "RSA-PSS":  # key is id-RSASSA-PSS; our RSA parser accepts it as an RSA key
        assert sigalg.verify(oid, p, pub, MSG, sig)
    else:
        assert sigalg.verify(oid, p, pub, MSG, sig)
    assert not sigalg.verify(oid, p, pub, MSG + b"1", sig)
