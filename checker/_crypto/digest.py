"""Message digests by name or OID: SHA-1/224/256/384/512 via hashlib, SM3 via hashlib or pure Python."""
from __future__ import annotations

import hashlib
from typing import Iterable

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
        if NATIVE_SM3 and not pure:
            return hashlib.new("sm3")
        return SM3()
    if name not in _NAMES:
        raise UnsupportedAlgorithm(f"digest {name}")
    return hashlib.new(name)


def hash_bytes(name: str, data) -> bytes:
    h = new_hash(name)
    h.update(data)
    return h.digest()


def hash_chunks(name: str, chunks: Iterable) -> bytes:
    h = new_hash(name)
    for c in chunks:
        h.update(c)
    return h.digest()
