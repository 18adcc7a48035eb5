"""SM2 digital signatures (GB/T 32918.2-2016) — verification, plus a test-only signer.

e = SM3(Z || M), Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA); the default ID is
"1234567812345678" (GM/T 0009).  Signatures come as DER SEQUENCE{r, s} or raw 64-byte r || s.
"""
from __future__ import annotations

from . import DEFAULT_SM2_ID
from .digest import hash_bytes
from .ec import SM2P256 as CURVE


def _point(pub, curve=CURVE) -> tuple[int, int]:
    if isinstance(pub, tuple):
        x, y = pub
        if not curve.on_curve(x, y):
            raise ValueError("point not on curve")
        return x, y
    return curve.decode_point(bytes(pub))


def z_value(pub, id: bytes = DEFAULT_SM2_ID, curve=CURVE) -> bytes:
    """Z_A for public key ``pub`` (SEC1 point bytes, raw X||Y, or an (x, y) tuple)."""
    x, y = _point(pub, curve)
    entl = len(id) * 8
    if entl > 0xFFFF:
        raise ValueError("SM2 ID too long")

    def b(v: int) -> bytes:
        return v.to_bytes(32, "big")

    data = entl.to_bytes(2, "big") + bytes(id) + b(curve.a) + b(curve.b) + b(curve.gx) + b(curve.gy) + b(x) + b(y)
    return hash_bytes("sm3", data)


def decode_signature(sig: bytes) -> tuple[int, int]:
    """(r, s) from DER ``SEQUENCE{INTEGER r, INTEGER s}`` or raw 64-byte r || s; raises ValueError.

    Real signers also write INTEGERs that are not minimal or lack the 00 sign byte (r, s are
    read as unsigned, as every SM2 implementation does): what was signed does not change, the
    verification decides.  :func:`signature_quirk` says which form a value used.
    """
    sig = bytes(sig)
    if len(sig) == 64 and sig[0] != 0x30:
        return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    from .ecdsa import decode_der_rs

    try:
        return decode_der_rs(sig)
    except ValueError:
        pass
    try:
        return _decode_lenient(sig)
    except ValueError:
        if len(sig) == 64:  # raw r||s whose r happens to start with 0x30
            return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        raise


def signature_quirk(sig: bytes) -> str | None:
    """None for strict DER; "raw" for 64-byte r || s; "integer" for non-minimal / unsigned
    INTEGERs; ValueError if it is none of these."""
    sig = bytes(sig)
    from .ecdsa import decode_der_rs

    try:
        decode_der_rs(sig)
        return None
    except ValueError:
        pass
    if len(sig) == 64 and sig[0] != 0x30:
        return "raw"
    try:
        _decode_lenient(sig)
        return "integer"
    except ValueError:
        if len(sig) == 64:
            return "raw"
        raise


def _decode_lenient(sig: bytes) -> tuple[int, int]:
    """SEQUENCE of two INTEGERs read as unsigned big-endian numbers (leading zeros allowed)."""
    if len(sig) < 8 or sig[0] != 0x30:
        raise ValueError("SEQUENCE expected")
    n, i = _ber_len(sig, 1)
    if i + n != len(sig):
        raise ValueError("trailing or missing bytes")
    out = []
    for _ in range(2):
        if i >= len(sig) or sig[i] != 0x02:
            raise ValueError("INTEGER expected")
        n, i = _ber_len(sig, i + 1)
        if not 1 <= n <= 64 or i + n > len(sig):
            raise ValueError("bad INTEGER")
        out.append(int.from_bytes(sig[i:i + n], "big"))
        i += n
    if i != len(sig):
        raise ValueError("extra elements")
    return out[0], out[1]


def _ber_len(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise ValueError("truncated")
    n = data[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7F
    if k == 0 or k > 2 or i + 1 + k > len(data):
        raise ValueError("bad length")
    return int.from_bytes(data[i + 1:i + 1 + k], "big"), i + 1 + k


def verify_e(pub, e: int, r: int, s: int, curve=CURVE) -> bool:
    x, y = _point(pub, curve)
    n = curve.n
    if not (1 <= r < n and 1 <= s < n):
        return False
    t = (r + s) % n
    if t == 0:
        return False
    pt = curve.mul_add(s, t, x, y)
    if pt is None:
        return False
    return (e + pt[0]) % n == r


def verify(pub, message: bytes, signature, id: bytes = DEFAULT_SM2_ID, curve=CURVE) -> bool:
    """Verify an SM2 signature of ``message`` under public key ``pub`` with signer ``id``.

    ``signature`` is DER, raw r||s bytes, or an (r, s) tuple.  Bad encodings return False.
    """
    try:
        r, s = signature if isinstance(signature, tuple) else decode_signature(signature)
        z = z_value(pub, id, curve)
        e = int.from_bytes(hash_bytes("sm3", z + bytes(message)), "big")
        return verify_e(pub, e, r, s, curve)
    except ValueError:
        return False


# -- test-only helpers (the checker never signs) -------------------------------------------


def public_key(priv: int, curve=CURVE) -> tuple[int, int]:
    pt = curve.to_affine(*curve.mul_g(priv))
    assert pt is not None
    return pt


def sign(priv: int, message: bytes, id: bytes = DEFAULT_SM2_ID, k: int | None = None, curve=CURVE) -> tuple[int, int]:
    """Sign (r, s).  Not constant time; for tests and the testkit only."""
    import secrets  # here, not at the top: verification never needs it

    _N = curve.n
    pub = public_key(priv, curve)
    e = int.from_bytes(hash_bytes("sm3", z_value(pub, id, curve) + bytes(message)), "big")
    while True:
        kk = k if k is not None else secrets.randbelow(_N - 1) + 1
        x1 = curve.to_affine(*curve.mul_g(kk))[0]
        r = (e + x1) % _N
        if r == 0 or r + kk == _N:
            if k is not None:
                raise ValueError("bad k")
            continue
        s = pow(1 + priv, -1, _N) * (kk - r * priv) % _N
        if s == 0:
            if k is not None:
                raise ValueError("bad k")
            continue
        return r, s
