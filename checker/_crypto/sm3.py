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


def _build_compress():
    """Generate a fully unrolled compression function (about 1.4x faster than a loop in CPython).

    Message words and state live in local variables; the round's register shuffle is done by
    renaming instead of moving values.  Built once, on first use, with ``exec`` (like namedtuple).
    """
    L = ["def _compress(v, block, _unpack=_UNPACK):",
         "    " + ",".join(f"w{i}" for i in range(16)) + " = _unpack(block)"]
    for j in range(16, 68):
        L.append(f"    x = w{j-16} ^ w{j-9} ^ (((w{j-3} << 15) | (w{j-3} >> 17)) & 0xFFFFFFFF)")
        L.append(f"    w{j} = x ^ (((x << 15) | (x >> 17)) & 0xFFFFFFFF) ^ (((x << 23) | (x >> 9)) & 0xFFFFFFFF)"
                 f" ^ (((w{j-13} << 7) | (w{j-13} >> 25)) & 0xFFFFFFFF) ^ w{j-6}")
    L.append("    a, b, c, d, e, f, g, h = v")
    A, B, C, D, E, F, G, H = "abcdefgh"
    for j in range(64):
        if j < 16:
            ff, gg = f"({A} ^ {B} ^ {C})", f"({E} ^ {F} ^ {G})"
        else:
            ff, gg = f"(({A} & {B}) | ({C} & ({A} | {B})))", f"(({E} & {F}) | (({E} ^ 0xFFFFFFFF) & {G}))"
        L += [
            f"    a12 = (({A} << 12) | ({A} >> 20)) & 0xFFFFFFFF",
            f"    ss1 = (a12 + {E} + {_T[j]}) & 0xFFFFFFFF",
            "    ss1 = ((ss1 << 7) | (ss1 >> 25)) & 0xFFFFFFFF",
            f"    {D} = ({ff} + {D} + (ss1 ^ a12) + (w{j} ^ w{j + 4})) & 0xFFFFFFFF",  # TT1 -> new A
            f"    tt2 = ({gg} + {H} + ss1 + w{j}) & 0xFFFFFFFF",
            f"    {B} = (({B} << 9) | ({B} >> 23)) & 0xFFFFFFFF",
            f"    {F} = (({F} << 19) | ({F} >> 13)) & 0xFFFFFFFF",
            f"    {H} = (tt2 ^ ((tt2 << 9) | (tt2 >> 23)) ^ ((tt2 << 17) | (tt2 >> 15))) & 0xFFFFFFFF",  # P0 -> new E
        ]
        A, B, C, D, E, F, G, H = D, A, B, C, H, E, F, G
    L.append(f"    return (v[0] ^ {A}, v[1] ^ {B}, v[2] ^ {C}, v[3] ^ {D}, v[4] ^ {E}, v[5] ^ {F}, v[6] ^ {G}, v[7] ^ {H})")
    ns = {"_UNPACK": struct.Struct(">16I").unpack}
    exec(compile("\n".join(L), "<sm3-unrolled>", "exec"), ns)
    return ns["_compress"]


_compress = None  # built on first use: CPython with OpenSSL's SM3 never needs it (saves ~40 ms at import)


def _compressor():
    global _compress
    if _compress is None:
        _compress = _build_compress()
    return _compress


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
        compress = _compress or _compressor()
        for i in range(0, n, 64):
            v = compress(v, mv[i : i + 64])
        self._v = v
        self._buf = buf[n:]

    def copy(self) -> SM3:
        c = SM3.__new__(SM3)
        c._v, c._buf, c._len = self._v, self._buf, self._len
        return c

    def digest(self) -> bytes:
        bitlen = self._len * 8
        pad = b"\x80" + b"\x00" * ((55 - self._len) % 64) + struct.pack(">Q", bitlen)
        buf = self._buf + pad
        v = self._v
        compress = _compress or _compressor()
        for i in range(0, len(buf), 64):
            v = compress(v, buf[i : i + 64])
        return struct.pack(">8I", *v)

    def hexdigest(self) -> str:
        return self.digest().hex()
