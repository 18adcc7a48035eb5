"""Short-Weierstrass curve arithmetic over prime fields with Python ints (Jacobian coordinates).

Only what signature *verification* needs: u1*G + u2*Q, computed with 4-bit windows for both scalars
sharing one chain of doublings (Straus).  Not constant time: verification handles
public data only (the test signer in scripts/ is not used by the checker).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False, slots=True)
class Curve:
    """A short-Weierstrass curve y² = x³ + ax + b over GF(p) with base point G of order n."""

    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int
    size: int  # field size in bytes
    _gmult: list | None = field(default=None, repr=False)

    def on_curve(self, x: int, y: int) -> bool:
        p = self.p
        return 0 <= x < p and 0 <= y < p and (y * y - (x * x * x + self.a * x + self.b)) % p == 0

    def decode_point(self, data: bytes) -> tuple[int, int]:
        """SEC1 uncompressed (04||X||Y) or compressed (02/03||X) point; raises ValueError."""
        s = self.size
        if len(data) == 2 * s + 1 and data[0] == 4:
            x = int.from_bytes(data[1 : 1 + s], "big")
            y = int.from_bytes(data[1 + s :], "big")
        elif len(data) == 2 * s:  # raw X||Y (seen in GM/T structures)
            x = int.from_bytes(data[:s], "big")
            y = int.from_bytes(data[s:], "big")
        elif len(data) == s + 1 and data[0] in (2, 3):
            x = int.from_bytes(data[1:], "big")
            p = self.p
            if x >= p:
                raise ValueError("x out of range")
            rhs = (x * x * x + self.a * x + self.b) % p
            if p % 4 != 3:
                raise ValueError("compressed point on unsupported field")
            y = pow(rhs, (p + 1) // 4, p)
            if y * y % p != rhs:
                raise ValueError("not on curve")
            if (y & 1) != (data[0] & 1):
                y = p - y
        else:
            raise ValueError("bad point encoding")
        if not self.on_curve(x, y):
            raise ValueError("point not on curve")
        return x, y

    # -- Jacobian arithmetic (a = -3 optimised when it applies) -----------------------------

    def _double(self, X1: int, Y1: int, Z1: int) -> tuple[int, int, int]:
        p = self.p
        if not Y1 or not Z1:
            return 0, 1, 0
        YY = Y1 * Y1 % p
        S = 4 * X1 * YY % p
        ZZ = Z1 * Z1 % p
        if self.a == p - 3:
            M = 3 * (X1 - ZZ) * (X1 + ZZ) % p
        else:
            M = (3 * X1 * X1 + self.a * ZZ * ZZ) % p
        X3 = (M * M - 2 * S) % p
        Y3 = (M * (S - X3) - 8 * YY * YY) % p
        Z3 = 2 * Y1 * Z1 % p
        return X3, Y3, Z3

    def _add_mixed(self, X1: int, Y1: int, Z1: int, x2: int, y2: int) -> tuple[int, int, int]:
        """Jacobian + affine."""
        p = self.p
        if not Z1:
            return x2, y2, 1
        Z1Z1 = Z1 * Z1 % p
        U2 = x2 * Z1Z1 % p
        S2 = y2 * Z1 * Z1Z1 % p
        H = (U2 - X1) % p
        r = (S2 - Y1) % p
        if not H:
            if not r:
                return self._double(X1, Y1, Z1)
            return 0, 1, 0
        HH = H * H % p
        HHH = H * HH % p
        V = X1 * HH % p
        X3 = (r * r - HHH - 2 * V) % p
        Y3 = (r * (V - X3) - Y1 * HHH) % p
        Z3 = Z1 * H % p
        return X3, Y3, Z3

    def _add(self, X1, Y1, Z1, X2, Y2, Z2):
        p = self.p
        if not Z1:
            return X2, Y2, Z2
        if not Z2:
            return X1, Y1, Z1
        Z1Z1 = Z1 * Z1 % p
        Z2Z2 = Z2 * Z2 % p
        U1 = X1 * Z2Z2 % p
        U2 = X2 * Z1Z1 % p
        S1 = Y1 * Z2 * Z2Z2 % p
        S2 = Y2 * Z1 * Z1Z1 % p
        H = (U2 - U1) % p
        r = (S2 - S1) % p
        if not H:
            if not r:
                return self._double(X1, Y1, Z1)
            return 0, 1, 0
        HH = H * H % p
        HHH = H * HH % p
        V = U1 * HH % p
        X3 = (r * r - HHH - 2 * V) % p
        Y3 = (r * (V - X3) - S1 * HHH) % p
        Z3 = Z1 * Z2 * H % p
        return X3, Y3, Z3

    def to_affine(self, X: int, Y: int, Z: int) -> tuple[int, int] | None:
        if not Z:
            return None
        p = self.p
        zi = pow(Z, -1, p)
        zi2 = zi * zi % p
        return X * zi2 % p, Y * zi2 * zi % p

    # -- scalar multiplication: 4-bit windows, u1*G and u2*Q interleaved (Straus) -------------

    def _multiples(self, x: int, y: int) -> list:
        """[None, P, 2P, ..., 15P] in affine form (one inversion for all, Montgomery's trick)."""
        jac = [(x, y, 1)]
        for _d in range(2, 16):
            jac.append(self._add_mixed(*jac[-1], x, y))
        if any(not Z for _X, _Y, Z in jac):  # only for a point of order <= 15; never on these curves
            raise ValueError("point of small order")
        return [None, *self._batch_affine(jac)]

    def _g_multiples(self) -> list:
        if self._gmult is None:
            self._gmult = self._multiples(self.gx, self.gy)
        return self._gmult

    def _batch_affine(self, points: list) -> list:
        """Affine forms of non-infinite Jacobian points with one modular inversion."""
        p = self.p
        prefix = []
        acc = 1
        for _X, _Y, Z in points:
            prefix.append(acc)
            acc = acc * Z % p
        inv = pow(acc, -1, p)
        out: list[tuple[int, int] | None] = [None] * len(points)
        for i in range(len(points) - 1, -1, -1):
            X, Y, Z = points[i]
            zi = inv * prefix[i] % p  # 1 / Z_i
            inv = inv * Z % p
            zi2 = zi * zi % p
            out[i] = (X * zi2 % p, Y * zi2 * zi % p)
        return out

    def _straus(self, pairs: list) -> tuple[int, int, int]:
        """Sum of k_i * P_i for (k_i, multiples of P_i): one shared chain of doublings, so
        u1*G + u2*Q costs about what u2*Q alone would, and nothing is precomputed per curve
        beyond G's first 15 multiples (a table of G's multiples by 16^i took ~20 ms to build
        and saved nothing once the doublings are shared)."""
        R = (0, 1, 0)
        nbits = max(k.bit_length() for k, _m in pairs)
        shift = (nbits + 3) // 4 * 4
        while shift > 0:
            shift -= 4
            if R[2]:
                R = self._double(*R)
                R = self._double(*R)
                R = self._double(*R)
                R = self._double(*R)
            for k, mult in pairs:
                d = (k >> shift) & 15
                if d:
                    R = self._add_mixed(*R, *mult[d])
        return R

    def mul_g(self, k: int) -> tuple[int, int, int]:
        return self._straus([(k % self.n, self._g_multiples())])

    def mul(self, k: int, x: int, y: int) -> tuple[int, int, int]:
        """k * (x, y), Jacobian."""
        return self._straus([(k, self._multiples(x, y))])

    def mul_add(self, u1: int, u2: int, qx: int, qy: int) -> tuple[int, int] | None:
        """u1*G + u2*Q as affine point, or None for infinity."""
        return self.to_affine(*self._straus([(u1 % self.n, self._g_multiples()),
                                             (u2 % self.n, self._multiples(qx, qy))]))


def _curve(name, p, a, b, gx, gy, n, size):
    return Curve(name, p, a, b, gx, gy, n, size)


P256 = _curve(
    "P-256",
    0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
    0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    32,
)
P384 = _curve(
    "P-384",
    int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF", 16),
    int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC", 16),
    int("B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF", 16),
    int("AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7", 16),
    int("3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F", 16),
    int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16),
    48,
)
P521 = _curve(
    "P-521",
    2**521 - 1,
    2**521 - 4,
    int("0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00", 16),
    int("00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66", 16),
    int("011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650", 16),
    int("01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409", 16),
    66,
)
SM2P256 = _curve(
    "SM2",
    0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
    0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
    32,
)

CURVES_BY_OID = {
    "1.2.840.10045.3.1.7": P256,
    "1.3.132.0.34": P384,
    "1.3.132.0.35": P521,
    "1.2.156.10197.1.301": SM2P256,
}
