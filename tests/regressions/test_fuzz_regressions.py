"""Every crash the fuzzers found, kept as a regression test (recipe: seed + mutation).

Add new ones from ``make fuzz`` output (scripts/fuzz.py prints the recipe and writes
``bench-results/fuzz-crashes/*.json``): seed name, whether the mutation is inside a ZIP entry,
the operations.  Keep the finding in a comment: which module, which fix.
"""
from __future__ import annotations

import pytest

from fuzzing import mutate, seeds

import checker

CASES = [
    # 2026-11-23, hypothesis (test_mutated_sealed_ofd_entries): SignedValue.dat whose first byte
    # is 0x31 (SET instead of SEQUENCE) -> asn1crypto's lazy child parsing raised ValueError from
    # len() in checker/_ofd/signatures.py::_raw_signature -> INTERNAL_ERROR.  Fixed there.
    ("ofd", "SignedValue.dat", [("flip", 0, 1)]),
    ("ofd", "SignedValue.dat", [("set", 0, 0x31)]),
    ("ofd", "SignedValue.dat", [("set", 0, 0xA0)]),
    # 2026-11-23, scripts/fuzz.py --seed 1: Seal.esl mutated so that a UTF8String holds invalid
    # UTF-8 -> asn1crypto's .native raised UnicodeDecodeError in checker/_ofd/ses.py::_string
    # -> INTERNAL_ERROR.  Fixed there (SesError -> the seal is malformed).
    ("ofd", "Seal.esl", [("flip", 76, 98), ("number", 1478, b"0"), ("set", 3263, 107), ("flip", 486, 209)]),
]


def _entry_index(data: bytes, suffix: str) -> int:
    names = list(mutate.zip_entries(data))
    return next(i for i, n in enumerate(names) if n.endswith(suffix))


@pytest.mark.parametrize("kind,target,ops", CASES)
def test_fuzz_regression(kind, target, ops):
    if kind == "ofd":
        original, opts = seeds.sealed_ofd()
        data, _ = mutate.mutate_entry(original, _entry_index(original, target), ops)
        r = mutate.check_one(data, "regression.ofd", opts)
        assert r.verdict in ("fail", "error")
    else:  # pragma: no cover - no PDF crash found yet
        original, opts = seeds.signed_pdf(target)
        r = mutate.check_one(mutate.apply(original, ops), "regression.pdf", opts)
        assert r.verdict != "pass" or mutate.pdf_pass_allowed(original, mutate.apply(original, ops))


@pytest.mark.parametrize("value", [b"\x31\x06\x02\x01\x01\x02\x01\x01", b"\x30\x06\x31\x01\x01\x02\x01\x01",
                                   b"\x30\x80\x02\x01\x01\x00\x00", b"\x30\x03\x02\x01"])
def test_raw_signature_probe_never_raises(value):
    from checker._ofd.signatures import _raw_signature

    assert _raw_signature(value) is False


def test_ses_string_with_invalid_utf8_is_a_ses_error():
    from asn1crypto import core

    from checker._ofd import ses

    bad = core.UTF8String.load(b"\x0c\x03\x87\x88\x89")
    with pytest.raises(ses.SesError):
        ses._string(bad, "sealName")


def test_zip_with_bytes_between_directory_and_end_record_is_malformed():
    """2026-11-23, scripts/fuzz.py --seed 1 ("dup" of the directory before the end record): the
    checker read the directory at its declared offset while Python's zipfile (which locates it
    from the end record) saw a broken one -- a parser differential an attacker can use to show
    other content to other readers.  Now refused (checker/_ofd/package.py)."""
    original, opts = seeds.sealed_ofd()
    eocd = original.rindex(b"PK\x05\x06")
    cd = original.index(b"PK\x01\x02")
    forged = original[:eocd] + original[cd:eocd] + original[eocd:]
    r = mutate.check_one(forged, "gap.ofd", opts)
    assert r.verdict == "error"
    assert "OFD_ZIP_MALFORMED" in {f.code for f in r.findings}


def test_advisory_zip_version_byte_does_not_change_what_is_read():
    """2026-11-23, scripts/fuzz.py --seed 2: a flipped "version needed to extract" byte of a
    central-directory record made Python's zipfile refuse the package while the checker read the
    same, still-signed content.  Not a forgery: the property (tests/fuzzing/mutate.py) now reads
    past that advisory field, and the content must still be identical for a pass."""
    original, opts = seeds.sealed_ofd()
    cd = original.index(b"PK\x01\x02")
    forged = original[:cd + 6] + bytes([130]) + original[cd + 7:]
    r = mutate.check_one(forged, "version.ofd", opts)
    assert r.verdict != "pass" or mutate.ofd_pass_allowed(original, forged)
    assert mutate.zip_entries(forged) is not None


# --- 2026-11-27, scripts/fuzz.py (4 min, 130 000 examples) -------------------------------------

def _cen_records(data: bytes):
    import struct

    p = data.index(b"PK\x01\x02")
    while data[p:p + 4] == b"PK\x01\x02":
        nlen, xlen, klen = struct.unpack_from("<HHH", data, p + 28)
        yield p
        p += 46 + nlen + xlen + klen


@pytest.mark.parametrize("bit", [0x20, 0x40, 0x2000])
def test_zip_entry_with_patched_data_or_strong_encryption_flag_is_malformed(bit):
    """A "set" on a central-directory flags byte gave Signature.xml general-purpose bit 5
    ("compressed patched data"): Python's zipfile refuses such an entry, the checker read it as
    plain deflate and passed.  A parser differential, now refused (checker/_ofd/package.py)."""
    import struct

    original, opts = seeds.sealed_ofd()
    for p in _cen_records(original):
        forged = bytearray(original)
        flags = struct.unpack_from("<H", forged, p + 8)[0]
        struct.pack_into("<H", forged, p + 8, flags | bit)
        r = mutate.check_one(bytes(forged), "flags.ofd", opts)
        assert r.verdict == "error" and "OFD_ZIP_MALFORMED" in {f.code for f in r.findings}


def test_zip_entry_whose_declared_size_runs_into_the_next_entry_is_malformed():
    """A flip raised a directory record's compressed size from 160 to 196: the checker inflated
    until the deflate stream ended and ignored the bytes of the next entry's header it had been
    told to read; zipfile reports overlapping entries.  Now refused (overlap and trailing-bytes
    checks in checker/_ofd/package.py)."""
    import struct

    original, opts = seeds.sealed_ofd()
    hits = 0
    for p in _cen_records(original):
        csize = struct.unpack_from("<I", original, p + 20)[0]
        for grow in (1, 36):
            forged = bytearray(original)
            struct.pack_into("<I", forged, p + 20, csize + grow)
            r = mutate.check_one(bytes(forged), "overlap.ofd", opts)
            assert r.verdict == "error", (p, grow, [f.code for f in r.findings])
            hits += 1
    assert hits >= 8


def test_pdf_integer_longer_than_pythons_int_limit_is_malformed_not_internal_error():
    """A flip turned a delimiter into a digit and joined two digit runs into a 9 672-digit
    integer: int() raised "Exceeds the limit (4300 digits)" -> INTERNAL_ERROR
    (checker/_pdf/objects.py).  Numbers longer than 64 characters are now malformed."""
    for where in ("catalog", "startxref", "subsection"):
        digits = b"9" * 9672
        objs = [b"<</Type/Catalog/Pages 2 0 R" + (b"/X " + digits if where == "catalog" else b"") + b">>",
                b"<</Type/Pages/Kids[3 0 R]/Count 1>>", b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"]
        out = bytearray(b"%PDF-1.7\n")
        offsets = []
        for i, body in enumerate(objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        first = digits if where == "subsection" else b"0"
        out += b"xref\n" + first + b" 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
        start = digits if where == "startxref" else b"%d" % xref
        out += b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n" + start + b"\n%%EOF\n"
        r = checker.check_bytes(bytes(out), "digits.pdf")
        assert r.verdict == "error" and "INTERNAL_ERROR" not in {f.code for f in r.findings}, (where, r.findings)


def test_xref_stream_predictor_that_is_a_name_is_malformed_not_internal_error(corpus_root):
    """Two byte changes in pyHanko's minimal-signed-twice-both-created.pdf made an xref stream's
    /Predictor a name: `pred < 10` raised TypeError -> INTERNAL_ERROR (checker/_pdf/streams.py)."""
    original = (corpus_root / "pdf-pyhanko" / "minimal-signed-twice-both-created.pdf").read_bytes()
    forged = mutate.apply(original, [("flip", 82802, 30), ("set", 92438, 31)])
    r = mutate.check_one(forged, "predictor.pdf", checker.Options())
    assert r.verdict == "error" and "INTERNAL_ERROR" not in {f.code for f in r.findings}
