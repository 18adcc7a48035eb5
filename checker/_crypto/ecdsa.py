"""ECDSA verification (FIPS 186-4 / SEC 1) over P-256, P-384, P-521."""
from __future__ import annotations

from .ec import Curve


def _der_len(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise ValueError("truncated")
    n = data[i]
    i += 1
    if n < 0x80:
        return n, i
    k = n & 0x7F
    if k == 0 or k > 2 or i + k > len(data):
        raise ValueError("bad length")
    n = int.from_bytes(data[i : i + k], "big")
    if n < 0x80 or (k == 2 and n < 0x100):
        raise ValueError("non-minimal length")
    return n, i + k


def _der_int(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data) or data[i] != 0x02:
        raise ValueError("INTEGER expected")
    n, i = _der_len(data, i + 1)
    if n == 0 or i + n > len(data):
        raise ValueError("bad INTEGER")
    body = data[i : i + n]
    if body[0] & 0x80:
        raise ValueError("negative INTEGER")
    if n > 1 and body[0] == 0 and not body[1] & 0x80:
        raise ValueError("non-minimal INTEGER")
    return int.from_bytes(body, "big"), i + n


def decode_der_rs(sig: bytes) -> tuple[int, int]:
    """Strict DER ``SEQUENCE { INTEGER r, INTEGER s }``; raises ValueError."""
    sig = bytes(sig)
    if len(sig) < 8 or sig[0] != 0x30:
        raise ValueError("SEQUENCE expected")
    n, i = _der_len(sig, 1)
    if i + n != len(sig):
        raise ValueError("trailing or missing bytes")
    r, i = _der_int(sig, i)
    s, i = _der_int(sig, i)
    if i != len(sig):
        raise ValueError("extra elements")
    return r, s


def encode_der_rs(r: int, s: int) -> bytes:
    def enc(v: int) -> bytes:
        b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
        return b"\x02" + bytes([len(b)]) + b

    body = enc(r) + enc(s)
    if len(body) < 0x80:
        return b"\x30" + bytes([len(body)]) + body
    return b"\x30\x81" + bytes([len(body)]) + body


def verify_digest(curve: Curve, point: tuple[int, int], digest: bytes, r: int, s: int) -> bool:
    n = curve.n
    if not (1 <= r < n and 1 <= s < n):
        return False
    e = int.from_bytes(digest, "big")
    excess = len(digest) * 8 - n.bit_length()
    if excess > 0:
        e >>= excess
    w = pow(s, -1, n)
    pt = curve.mul_add(e * w % n, r * w % n, *point)
    if pt is None:
        return False
    return pt[0] % n == r
