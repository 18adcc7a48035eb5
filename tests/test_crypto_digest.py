"""Digests: GB/T 32905 SM3 vectors, native vs pure-Python SM3, SHA family via hashlib."""
import hashlib
import os

import pytest

from checker._crypto import UnsupportedAlgorithm, digest
from checker._crypto.sm3 import SM3

# GB/T 32905-2016 Annex A
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM3_ABCD16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


@pytest.mark.parametrize("pure", [True, False])
def test_sm3_standard_vectors(pure):
    if not pure and not digest.NATIVE_SM3:
        pytest.skip("platform hashlib has no SM3; the pure path is tested above")
    h = digest.new_hash("sm3", pure=pure)
    h.update(b"abc")
    assert h.hexdigest() == SM3_ABC
    h = digest.new_hash("sm3", pure=pure)
    h.update(b"abcd" * 16)
    assert h.hexdigest() == SM3_ABCD16


def test_sm3_pure_matches_native_on_random_lengths():
    if not digest.NATIVE_SM3:
        pytest.skip("no native SM3 to compare with")
    for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4097):
        data = os.urandom(n)
        assert SM3(data).digest() == hashlib.new("sm3", data).digest(), n


def test_sm3_incremental_and_copy():
    data = os.urandom(300)
    h = SM3()
    for i in range(0, 300, 7):
        h.update(data[i : i + 7])
    c = h.copy()
    c.update(b"x")
    assert h.digest() == SM3(data).digest()
    assert c.digest() == SM3(data + b"x").digest()
    assert h.digest() == h.digest()  # digest() does not consume state


@pytest.mark.parametrize("name", ["sha1", "sha224", "sha256", "sha384", "sha512"])
def test_sha_family_by_oid(name):
    oid = digest.oid_for_name(name)
    assert digest.name_for_oid(oid) == name
    assert digest.hash_bytes(name, b"abc") == hashlib.new(name, b"abc").digest()
    assert digest.hash_chunks(name, [b"a", b"", b"bc"]) == hashlib.new(name, b"abc").digest()


def test_sm3_oid_and_unknown():
    assert digest.name_for_oid("1.2.156.10197.1.401") == "sm3"
    with pytest.raises(UnsupportedAlgorithm):
        digest.name_for_oid("1.2.840.113549.2.5")  # MD5: refused
    with pytest.raises(UnsupportedAlgorithm):
        digest.new_hash("md5")


def test_injected_sm3_provider(monkeypatch):
    monkeypatch.setattr(digest, "NATIVE_SM3", False)
    calls = []

    class Good(SM3):
        def __init__(self):
            calls.append(1)
            super().__init__()

    class Bad(SM3):
        def digest(self):
            return b"\0" * 32

    try:
        assert not digest.register_sm3(Bad)
        assert not digest.register_sm3(lambda: object())
        assert digest.register_sm3(Good)
        calls.clear()
        assert digest.hash_bytes("sm3", b"abc").hex() == SM3_ABC
        assert calls  # the provider was used
    finally:
        digest.register_sm3(None)
    calls.clear()
    assert digest.hash_bytes("sm3", b"abc").hex() == SM3_ABC and not calls
