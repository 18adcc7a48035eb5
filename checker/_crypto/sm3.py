"""SM3 hash (GB/T 32905-2016) in pure Python.

Used only when the platform's ``hashlib`` lacks ``sm3`` (OpenSSL builds without SM3, some Pyodide
builds).  Same interface as a ``hashlib`` object: ``update``, ``digest``, ``hexdigest``, ``copy``.
"""
from __future__ import annotations

import struct

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_M = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n &= 31
    return ((x << n) | (x >> (32 - n))) & _M


_T = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _compress(v: tuple, block: bytes, _unpack=struct.Struct(">16I").unpack, _T=_T) -> tuple:
    w = list(_unpack(block))
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9]
        y = w[j - 3]
        x ^= ((y << 15) | (y >> 17)) & 0xFFFFFFFF
        x ^= (((x << 15) | (x >> 17)) ^ ((x << 23) | (x >> 9))) & 0xFFFFFFFF  # P1
        y = w[j - 13]
        w.append(x ^ (((y << 7) | (y >> 25)) & 0xFFFFFFFF) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = ((a << 12) | (a >> 20)) & 0xFFFFFFFF
        ss1 = (a12 + e + _T[j]) & 0xFFFFFFFF
        ss1 = ((ss1 << 7) | (ss1 >> 25)) & 0xFFFFFFFF
        wj = w[j]
        if j < 16:
            tt1 = ((a ^ b ^ c) + d + (ss1 ^ a12) + (wj ^ w[j + 4])) & 0xFFFFFFFF
            tt2 = ((e ^ f ^ g) + h + ss1 + wj) & 0xFFFFFFFF
        else:
            tt1 = (((a & b) | (a & c) | (b & c)) + d + (ss1 ^ a12) + (wj ^ w[j + 4])) & 0xFFFFFFFF
            tt2 = (((e & f) | (~e & g)) + h + ss1 + wj) & 0xFFFFFFFF
        d = c
        c = ((b << 9) | (b >> 23)) & 0xFFFFFFFF
        b = a
        a = tt1
        h = g
        g = ((f << 19) | (f >> 13)) & 0xFFFFFFFF
        f = e
        e = (tt2 ^ ((tt2 << 9) | (tt2 >> 23)) ^ ((tt2 << 17) | (tt2 >> 15))) & 0xFFFFFFFF  # P0
    return (v[0] ^ a, v[1] ^ b, v[2] ^ c, v[3] ^ d, v[4] ^ e, v[5] ^ f, v[6] ^ g, v[7] ^ h)


class SM3:
    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"") -> None:
        self._v = _IV
        self._buf = b""
        self._len = 0
        if data:
            self.update(data)

    def update(self, data) -> None:
        data = bytes(data)
        self._len += len(data)
        buf = self._buf + data
        n = len(buf) // 64 * 64
        v = self._v
        mv = memoryview(buf)
        for i in range(0, n, 64):
            v = _compress(v, mv[i : i + 64])
        self._v = v
        self._buf = buf[n:]

    def copy(self) -> "SM3":
        c = SM3.__new__(SM3)
        c._v, c._buf, c._len = self._v, self._buf, self._len
        return c

    def digest(self) -> bytes:
        bitlen = self._len * 8
        pad = b"\x80" + b"\x00" * ((55 - self._len) % 64) + struct.pack(">Q", bitlen)
        buf = self._buf + pad
        v = self._v
        for i in range(0, len(buf), 64):
            v = _compress(v, buf[i : i + 64])
        return struct.pack(">8I", *v)

    def hexdigest(self) -> str:
        return self.digest().hex()
