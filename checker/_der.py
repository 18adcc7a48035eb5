"""The one DER fact the format engines need before any ASN.1 parsing: how long a SEQUENCE says it is."""
from __future__ import annotations


def der_length(buf: bytes) -> int | None:
    """Length of the DER TLV at the start of ``buf`` (None if not a definite-length SEQUENCE)."""
    if len(buf) < 2 or buf[0] != 0x30:
        return None
    first = buf[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or n > 4 or len(buf) < 2 + n:
        return None
    return 2 + n + int.from_bytes(buf[2:2 + n], "big")
