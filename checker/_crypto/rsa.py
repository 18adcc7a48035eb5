"""RSA signature verification: PKCS#1 v1.5 (RFC 8017 §8.2) and PSS (§8.1, MGF1)."""
from __future__ import annotations

import hmac

from .digest import DIGEST_SIZES, hash_bytes, new_hash

# DigestInfo DER prefixes (RFC 8017 §9.2 note 1); SM3 per GM/T 0010 style (used by SM3withRSA).
_DIGEST_INFO = {
    "sha1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "sha224": bytes.fromhex("302d300d06096086480165030402040500041c"),
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
    "sm3": bytes.fromhex("3030300c06082a811ccf550183110500" "0420"),
}
# Also accept DigestInfo with absent NULL parameters (RFC 8017 allows verifiers to accept it).
_DIGEST_INFO_NOPARAM = {
    "sha1": bytes.fromhex("301f300706052b0e03021a0414"),
    "sha224": bytes.fromhex("302b300b0609608648016503040204041c"),
    "sha256": bytes.fromhex("302f300b06096086480165030402010420"),
    "sha384": bytes.fromhex("303f300b06096086480165030402020430"),
    "sha512": bytes.fromhex("304f300b06096086480165030402030440"),
    "sm3": bytes.fromhex("302e300a06082a811ccf55018311" "0420"),
}

MIN_BITS = 1024


def _encrypt(n: int, e: int, sig: bytes) -> bytes | None:
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return None
    s = int.from_bytes(sig, "big")
    if s >= n:
        return None
    return pow(s, e, n).to_bytes(k, "big")


def verify_pkcs1v15(n: int, e: int, message: bytes, signature: bytes, hash_name: str) -> bool:
    em = _encrypt(n, e, bytes(signature))
    if em is None:
        return False
    digest = hash_bytes(hash_name, message)
    for prefix in (_DIGEST_INFO[hash_name], _DIGEST_INFO_NOPARAM[hash_name]):
        t = prefix + digest
        ps = len(em) - len(t) - 3
        if ps < 8:
            continue
        expected = b"\x00\x01" + b"\xff" * ps + b"\x00" + t
        if hmac.compare_digest(expected, em):
            return True
    return False


def _mgf1(seed: bytes, length: int, hash_name: str) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        h = new_hash(hash_name)
        h.update(seed + counter.to_bytes(4, "big"))
        out += h.digest()
        counter += 1
    return bytes(out[:length])


def verify_pss(n: int, e: int, message: bytes, signature: bytes, hash_name: str, mgf_hash: str,
               salt_len: int, trailer: int = 1) -> bool:
    if trailer != 1:
        return False
    em_full = _encrypt(n, e, bytes(signature))
    if em_full is None:
        return False
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    em = em_full[len(em_full) - em_len :]
    if len(em_full) > em_len and any(em_full[: len(em_full) - em_len]):
        return False
    h_len = DIGEST_SIZES[hash_name]
    if salt_len < 0 or em_len < h_len + salt_len + 2 or em[-1] != 0xBC:
        return False
    masked_db = em[: em_len - h_len - 1]
    h = em[em_len - h_len - 1 : -1]
    zero_bits = 8 * em_len - em_bits
    if masked_db[0] >> (8 - zero_bits) if zero_bits else 0:
        return False
    db = bytes(a ^ b for a, b in zip(masked_db, _mgf1(h, len(masked_db), mgf_hash)))
    if zero_bits:
        db = bytes([db[0] & (0xFF >> zero_bits)]) + db[1:]
    ps_len = em_len - h_len - salt_len - 2
    if any(db[:ps_len]) or db[ps_len] != 1:
        return False
    salt = db[len(db) - salt_len :] if salt_len else b""
    m_hash = hash_bytes(hash_name, message)
    h2 = hash_bytes(hash_name, b"\x00" * 8 + m_hash + salt)
    return hmac.compare_digest(h, h2)
