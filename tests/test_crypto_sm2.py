"""SM2 against GB/T 32918 examples and OpenSSL 3 (both directions), plus negative cases."""
import shutil
import subprocess

import pytest

from checker._crypto import DEFAULT_SM2_ID, sigalg, sm2
from checker._crypto.ec import SM2P256, Curve
from checker._crypto.ecdsa import encode_der_rs

H = lambda s: int(s.replace(" ", "").replace("_", ""), 16)  # noqa: E731

# GB/T 32918.2-2016 / GM/T 0003.2-2012 Annex A: example curve Fp-256, ID ALICE123@YAHOO.COM
TEST_CURVE = Curve(
    "GB/T 32918 example",
    H("8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3"),
    H("787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498"),
    H("63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A"),
    H("421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D"),
    H("0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2"),
    H("8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7"),
    32,
)
ALICE_ID = b"ALICE123@YAHOO.COM"
D_A = H("128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263")
P_A = (H("0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A"),
       H("7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857"))
Z_A = "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A"
K = H("6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F")
R = H("40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1")
S = H("6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7")
MSG = b"message digest"


def test_standard_example_z_and_signature():
    assert sm2.z_value(P_A, ALICE_ID, TEST_CURVE).hex().upper() == Z_A
    assert sm2.public_key(D_A, TEST_CURVE) == P_A
    assert sm2.verify(P_A, MSG, (R, S), ALICE_ID, TEST_CURVE)
    assert sm2.sign(D_A, MSG, ALICE_ID, K, TEST_CURVE) == (R, S)


@pytest.mark.parametrize("mutate", ["msg", "id", "r", "s", "key"])
def test_standard_example_negatives(mutate):
    msg, ident, r, s, pub = MSG, ALICE_ID, R, S, P_A
    if mutate == "msg":
        msg = b"message digesT"
    elif mutate == "id":
        ident = b"ALICE123@YAHOO.CO"
    elif mutate == "r":
        r ^= 1
    elif mutate == "s":
        s ^= 1 << 100
    else:
        pub = sm2.public_key(D_A + 1, TEST_CURVE)
    assert not sm2.verify(pub, msg, (r, s), ident, TEST_CURVE)


# Recommended curve, default ID: vector also used by gmalg's tests (d, k -> r, s).
D2 = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
P2 = bytes.fromhex("04" "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
                   "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
K2 = H("59276E27 D506861A 16680F3A D9C02DCC EF3CC1FA 3CDBE4CE 6D54B80D EAC1BC21")
RS2 = bytes.fromhex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")


def test_recommended_curve_vector_raw_and_der():
    assert sm2.public_key(int.from_bytes(D2, "big")) == SM2P256.decode_point(P2)
    assert sm2.verify(P2, MSG, RS2)  # raw r||s
    der = encode_der_rs(int.from_bytes(RS2[:32], "big"), int.from_bytes(RS2[32:], "big"))
    assert sm2.verify(P2, MSG, der)  # DER SEQUENCE{r,s}
    assert sm2.sign(int.from_bytes(D2, "big"), MSG, DEFAULT_SM2_ID, K2) == (
        int.from_bytes(RS2[:32], "big"), int.from_bytes(RS2[32:], "big"))
    assert not sm2.verify(P2, MSG, RS2, b"1234567812345679")
    assert not sm2.verify(P2, MSG, RS2[:-1])
    assert not sm2.verify(P2, MSG, b"\x30\x06\x02\x01\x01\x02\x01\x01")


def test_rejects_point_off_curve_and_out_of_range():
    bad = bytearray(P2)
    bad[-1] ^= 1
    assert not sm2.verify(bytes(bad), MSG, RS2)
    n = SM2P256.n
    assert not sm2.verify(P2, MSG, (0, 1))
    assert not sm2.verify(P2, MSG, (n, 1))
    assert not sm2.verify(P2, MSG, (1, n))


# ---- OpenSSL 3 cross-checks -------------------------------------------------------------

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI required")


def _openssl(*args, **kw):
    return subprocess.run(["openssl", *args], capture_output=True, timeout=60, **kw)


@pytest.fixture()
def sm2_key(tmp_path):
    key = tmp_path / "k.pem"
    assert _openssl("genpkey", "-algorithm", "SM2", "-out", str(key)).returncode == 0
    pub = tmp_path / "pub.der"
    assert _openssl("pkey", "-in", str(key), "-pubout", "-outform", "DER", "-out", str(pub)).returncode == 0
    return key, pub.read_bytes()


@needs_openssl
def test_openssl_signs_we_verify(sm2_key, tmp_path):
    key, spki = sm2_key
    msg = tmp_path / "m.bin"
    msg.write_bytes(b"\x00\x01 e-certificate payload \xff" * 50)
    sig = tmp_path / "s.bin"
    # OpenSSL 3.0 uses an EMPTY ID unless distid is given (seen on 3.0.19): pass it explicitly.
    r = _openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", str(key), "-in", str(msg),
                 "-out", str(sig), "-pkeyopt", "distid:1234567812345678")
    assert r.returncode == 0, r.stderr
    s = sig.read_bytes()
    assert sigalg.verify("1.2.156.10197.1.501", None, spki, msg.read_bytes(), s)
    assert not sigalg.verify("1.2.156.10197.1.501", None, spki, msg.read_bytes() + b"!", s)
    assert not sigalg.verify("1.2.156.10197.1.501", None, spki, msg.read_bytes(), s, sm2_id=b"")
    # and with OpenSSL's own default (empty ID) the ID matters the other way round
    r = _openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", str(key), "-in", str(msg), "-out", str(sig))
    assert r.returncode == 0
    assert sigalg.verify("1.2.156.10197.1.501", None, spki, msg.read_bytes(), sig.read_bytes(), sm2_id=b"")
    assert not sigalg.verify("1.2.156.10197.1.501", None, spki, msg.read_bytes(), sig.read_bytes())


@needs_openssl
def test_we_sign_openssl_verifies(sm2_key, tmp_path):
    key, spki = sm2_key
    from asn1crypto import keys, pem

    d = keys.PrivateKeyInfo.load(pem.unarmor(key.read_bytes())[2])["private_key"].parsed["private_key"].native
    msg = tmp_path / "m.bin"
    msg.write_bytes(b"sealed by our SM2 signer")
    r, s = sm2.sign(d, msg.read_bytes())
    sig = tmp_path / "s.bin"
    sig.write_bytes(encode_der_rs(r, s))
    pub = tmp_path / "pub.pem"
    _openssl("pkey", "-in", str(key), "-pubout", "-out", str(pub))
    args = ["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", str(pub), "-in", str(msg),
            "-sigfile", str(sig), "-pkeyopt", "distid:1234567812345678"]
    assert _openssl(*args).returncode == 0
    sig.write_bytes(encode_der_rs(r, (s + 1) % SM2P256.n))
    assert _openssl(*args).returncode != 0


@needs_openssl
def test_openssl_sm2_certificate_signature(tmp_path, sm2_key):
    """A self-signed SM2 certificate made by OpenSSL (distid default) verifies with ours."""
    from checker._crypto.x509 import load_certificates, verify_cert_signature

    key, _ = sm2_key
    out = tmp_path / "c.pem"
    r = _openssl("req", "-x509", "-new", "-key", str(key), "-sm3", "-sigopt", "distid:1234567812345678",
                 "-subj", "/CN=openssl sm2", "-days", "30", "-out", str(out))
    assert r.returncode == 0, r.stderr
    cert = load_certificates(out.read_bytes())[0]
    assert verify_cert_signature(cert, cert)
    other = tmp_path / "o.pem"
    _openssl("genpkey", "-algorithm", "SM2", "-out", str(tmp_path / "k2.pem"))
    _openssl("req", "-x509", "-new", "-key", str(tmp_path / "k2.pem"), "-sm3", "-sigopt",
             "distid:1234567812345678", "-subj", "/CN=openssl sm2", "-days", "30", "-out", str(other))
    assert not verify_cert_signature(cert, load_certificates(other.read_bytes())[0])
