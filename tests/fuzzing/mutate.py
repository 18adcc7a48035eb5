"""Mutations of seed files and the properties every checked file must satisfy.

Used by tests/test_fuzz_inputs.py (hypothesis, short and deterministic) and scripts/fuzz.py
(long runs, random).  A mutation is a list of operations applied to bytes; OFD seeds are also
mutated inside their ZIP entries (so the mutation is not just a CRC error).
"""
from __future__ import annotations

import io
import re
import resource
import time
import zipfile

VERDICTS = ("pass", "warn", "fail", "error")
TOKENS = (b" 0 R", b"<<", b">>", b"[", b"]", b"(", b")", b"/", b"999999999", b"-1", b"2147483648", b"/Prev 0",
          b"endobj", b"obj", b"stream\n", b"endstream", b"%%EOF", b"\x00", b"xref\n0 1\n", b"trailer", b"startxref\n0",
          b"/ByteRange [0 1 2 3]", b"/Length 0", b"/Filter /FlateDecode", b"PK\x03\x04", b"PK\x01\x02", b"<a>",
          b"</a>", b"<!DOCTYPE a>", b"&amp;", b"\xff\xfe", b"\xef\xbb\xbf", b" ", b"\n")


class PropertyViolation(AssertionError):
    pass


def apply(data: bytes, ops) -> bytes:
    """``ops``: ("flip", pos, x) | ("set", pos, v) | ("insert", pos, bytes) | ("delete", pos, n)
    | ("truncate", pos) | ("dup", src, n, dst) | ("number", k, new) — positions taken modulo the length."""
    b = bytearray(data)
    for op in ops:
        n = len(b)
        kind = op[0]
        if kind == "flip" and n:
            b[op[1] % n] ^= op[2] or 1
        elif kind == "set" and n:
            b[op[1] % n] = op[2]
        elif kind == "insert":
            p = op[1] % (n + 1)
            b[p:p] = op[2]
        elif kind == "delete" and n:
            p = op[1] % n
            del b[p:p + op[2]]
        elif kind == "truncate":
            del b[op[1] % (n + 1):]
        elif kind == "dup" and n:
            s = op[1] % n
            chunk = bytes(b[s:s + op[2]])
            d = op[3] % (n + 1)
            b[d:d] = chunk
        elif kind == "number":
            nums = [m.span() for m in re.finditer(rb"\d+", bytes(b[:200_000]))]
            if nums:
                s, e = nums[op[1] % len(nums)]
                b[s:e] = op[2]
    return bytes(b)


def _advisory_versions_cleared(data: bytes) -> bytes:
    """The ZIP with every central-directory "version needed to extract" set to 2.0.

    That field is advisory (zipfile refuses > 6.3 even for plain deflate): a flipped version byte
    says nothing about the content (fuzz seed 2)."""
    import struct

    b = bytearray(data)
    try:
        e = data.rindex(b"PK\x05\x06")
        size, off = struct.unpack_from("<II", data, e + 12)
        p = off
        while p < off + size and data[p:p + 4] == b"PK\x01\x02":
            b[p + 6:p + 8] = b"\x14\x00"
            n, x, k = struct.unpack_from("<HHH", data, p + 28)
            p += 46 + n + x + k
    except (ValueError, struct.error):
        pass
    return bytes(b)


def zip_entries(data: bytes) -> dict[str, bytes] | None:
    """Names and contents as Python's zipfile reads them (None if it cannot)."""
    data = _advisory_versions_cleared(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            out = {}
            for info in z.infolist():
                if info.file_size > 64 << 20:
                    return None
                out[info.filename] = z.read(info)
            return out
    except Exception:
        return None


def rezip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return buf.getvalue()


def mutate_entry(data: bytes, index: int, ops) -> tuple[bytes, str]:
    """Apply ``ops`` to the content of the ``index``-th entry of an OFD and re-zip it."""
    entries = zip_entries(data)
    assert entries is not None
    names = list(entries)
    name = names[index % len(names)]
    entries[name] = apply(entries[name], ops)
    return rezip(entries), name


def contents_span(data: bytes) -> tuple[int, int] | None:
    """(start, end) of the hex digits of the one signature's /Contents (``< … >``), from its /ByteRange."""
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    if not m:
        return None
    a, b, c, _ = (int(x) for x in m.groups())
    return a + b, c  # the gap: "<hex>"


def check_one(data: bytes, name: str, options, *, max_cpu: float = 5.0):
    """Run check_bytes and assert the universal properties; returns the Result."""
    import checker

    t = time.process_time()
    try:
        r = checker.check_bytes(data, name, options)
    except BaseException as exc:  # noqa: BLE001 - the property IS "never raises"
        raise PropertyViolation(f"check_bytes raised {type(exc).__name__}: {exc}") from exc
    cpu = time.process_time() - t
    if r.verdict not in VERDICTS:
        raise PropertyViolation(f"verdict {r.verdict!r}")
    internal = [f for f in r.findings if f.code == "INTERNAL_ERROR"]
    if internal:
        raise PropertyViolation(f"INTERNAL_ERROR: {internal[0].message_en}")
    if cpu > max_cpu:
        raise PropertyViolation(f"{cpu:.1f} s CPU (> {max_cpu} s)")
    return r


def pdf_pass_allowed(original: bytes, mutated: bytes) -> bool:
    """A mutated signed PDF may pass only if every changed byte lies inside the /Contents gap."""
    if mutated == original:
        return True
    if len(mutated) != len(original):
        return False
    span = contents_span(original)
    if span is None:
        return False
    s, e = span
    diff = [i for i in range(len(original)) if original[i] != mutated[i]] if len(original) < 2_000_000 else None
    if diff is None:
        return False
    return all(s < i < e - 1 for i in diff)


def ofd_pass_allowed(original: bytes, mutated: bytes) -> bool:
    """A mutated sealed OFD may pass only if every entry reads back unchanged (names and contents)
    with Python's zipfile — except the signature list itself, which may be re-serialised."""
    if mutated == original:
        return True
    a, b = zip_entries(original), zip_entries(mutated)
    if a is None or b is None:
        return False
    if set(a) != set(b):
        return False
    return all(a[k] == b[k] for k in a if not k.endswith("Signatures.xml"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
