"""Message digests by name or OID: SHA-1/224/256/384/512 via hashlib, SM3 via hashlib or pure Python."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from . import UnsupportedAlgorithm
from .sm3 import SM3

WEAK_DIGESTS = frozenset({"sha1"})

_OIDS = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.4": "sha224",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.2.156.10197.1.401": "sm3",
    "1.2.156.10197.1.401.1": "sm3",  # seen in some GM/T products
}
_NAMES = {"sha1": "1.3.14.3.2.26", "sha224": "2.16.840.1.101.3.4.2.4", "sha256": "2.16.840.1.101.3.4.2.1",
          "sha384": "2.16.840.1.101.3.4.2.2", "sha512": "2.16.840.1.101.3.4.2.3", "sm3": "1.2.156.10197.1.401"}
DIGEST_SIZES = {"sha1": 20, "sha224": 28, "sha256": 32, "sha384": 48, "sha512": 64, "sm3": 32}


def _native_sm3_ok() -> bool:
    try:
        return hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")
    except (ValueError, TypeError):
        return False


NATIVE_SM3 = _native_sm3_ok()

# Optional injected SM3 (e.g. a JavaScript implementation in the browser, where hashlib has no SM3
# and pure Python manages ~0.3 MB/s).  Accepted only if it reproduces the GB/T 32905 vectors.
_SM3_PROVIDER = None
_SM3_VECTORS = (
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
)


class _Provided:
    """Normalises an injected hash object (digest() may return a JS buffer under Pyodide)."""

    name = "sm3"
    digest_size = 32

    def __init__(self, h) -> None:
        self._h = h

    def update(self, data) -> None:
        self._h.update(bytes(data))

    def digest(self) -> bytes:
        d = self._h.digest()
        d = bytes(d.to_py() if hasattr(d, "to_py") else d)
        if len(d) != 32:
            raise ValueError("injected SM3 returned a bad digest length")
        return d

    def hexdigest(self) -> str:
        return self.digest().hex()

    def copy(self) -> _Provided:
        return _Provided(self._h.copy())


def register_sm3(factory) -> bool:
    """Install ``factory()`` -> hashlib-like SM3 object (``update``/``digest``/``copy``).

    Used only when the platform hashlib lacks SM3.  The factory is checked against the standard
    vectors (also fed in pieces); a wrong implementation is refused (returns False).
    ``register_sm3(None)`` removes it.
    """
    global _SM3_PROVIDER
    if factory is None:
        _SM3_PROVIDER = None
        return True
    try:
        for data, expected in _SM3_VECTORS:
            h = _Provided(factory())
            h.update(data[:1])
            h.update(data[1:])
            c = h.copy()
            if h.digest().hex() != expected or c.digest().hex() != expected:
                return False
    except Exception:
        return False
    _SM3_PROVIDER = factory
    return True


def name_for_oid(oid: str) -> str:
    try:
        return _OIDS[oid]
    except KeyError:
        raise UnsupportedAlgorithm(f"digest {oid}") from None


def oid_for_name(name: str) -> str:
    try:
        return _NAMES[name]
    except KeyError:
        raise UnsupportedAlgorithm(f"digest {name}") from None


def new_hash(name: str, *, pure: bool = False):
    """A hashlib-like object.  ``pure=True`` forces the pure-Python SM3 (tests)."""
    if name == "sm3":
        if pure:
            return SM3()
        if NATIVE_SM3:
            return hashlib.new("sm3")
        if _SM3_PROVIDER is not None:
            return _Provided(_SM3_PROVIDER())
        return SM3()
    if name not in _NAMES:
        raise UnsupportedAlgorithm(f"digest {name}")
    return hashlib.new(name)


def hash_bytes(name: str, data) -> bytes:
    h = new_hash(name)
    h.update(data)
    return h.digest()


_SLICE = 1 << 20  # hash big inputs in 1 MiB slices so a time budget can interrupt


def hash_chunks(name: str, chunks: Iterable, check=None) -> bytes:
    """Digest of the concatenated chunks.  ``check()`` (e.g. ``ctx.check_time``) is called
    between 1 MiB slices; whatever it raises propagates (pure-Python SM3 is slow)."""
    h = new_hash(name)
    for c in chunks:
        if check is None or len(c) <= _SLICE:
            h.update(c)
            if check is not None:
                check()
            continue
        mv = memoryview(c)
        for i in range(0, len(mv), _SLICE):
            h.update(mv[i : i + _SLICE])
            check()
    return h.digest()
