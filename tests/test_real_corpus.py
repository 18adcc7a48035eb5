"""Real signed files from real issuing systems (tests/corpus/real): the checker's verdict on each must
equal the verdict derived independently of the checker (tests/corpus/real/derive.py: digests recomputed
with hashlib, SM2 verified by OpenSSL 3 with the standard user ID, pyHanko for PDFs).

A file whose checker verdict differs carries ``known_gap`` in manifest.json and runs as a strict xfail:
when the checker is fixed, the test fails until the mark is removed.  A file the checker would *pass*
while the derivation says fail/warn is never marked: that would be a security bug, and fails here.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import pathlib
import shutil

import pytest

from checker import Options, check_bytes

REAL = pathlib.Path(__file__).resolve().parent / "corpus" / "real"
MANIFEST = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))
FILES = MANIFEST["files"]
VERDICTS = ("pass", "warn", "fail", "error")


def _params():
    for name, entry in sorted(FILES.items()):
        gap = entry.get("known_gap")
        marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
        yield pytest.param(name, marks=marks, id=name)


def test_manifest_lists_exactly_the_files_present():
    present = {p.name for p in REAL.iterdir() if p.suffix.lower() in (".ofd", ".pdf")}
    assert present == set(FILES)


@pytest.mark.parametrize("name", sorted(FILES))
def test_manifest_entry(name):
    entry = FILES[name]
    data = (REAL / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(data) == entry["size"] < 2_000_000
    assert (REAL / entry["licence_file"]).is_file()
    assert {"repo", "commit", "path"} <= set(entry["source"])
    assert entry["derived"]["expected"] in VERDICTS, "derive.py could not derive this file"


@pytest.mark.parametrize("name", list(_params()))
def test_checker_verdict_equals_derived(name):
    expected = FILES[name]["derived"]["expected"]
    result = check_bytes((REAL / name).read_bytes(), name, Options())
    assert result.verdict == expected, [(f.code, f.message_en) for f in result.findings]


@pytest.mark.parametrize("name", sorted(FILES))
def test_never_pass_unless_derived_pass(name):
    """Not covered by the xfail marks: a checker ``pass`` on a file derived fail/warn is a security bug."""
    if FILES[name]["derived"]["expected"] == "pass":
        return
    assert check_bytes((REAL / name).read_bytes(), name, Options()).verdict != "pass"


def test_known_gaps_are_for_real_disagreements_only():
    for name, entry in FILES.items():
        if entry.get("known_gap"):
            assert entry["derived"]["expected"] != "pass" or "security" in entry["known_gap"], name


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="derive.py needs the OpenSSL 3 command line")


def _derive_module():
    spec = importlib.util.spec_from_file_location("real_corpus_derive", REAL / "derive.py")
    derive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(derive)
    return derive


@needs_openssl
def test_derivation_agrees_with_the_hand_derived_ofdrw_corpus():
    """derive.py reproduces the verdicts worked out by hand for tests/corpus/ofd-real (test_ofd_corpus)."""
    derive = _derive_module()
    by_hand = {"converter-1.ofd": "warn", "converter-helloworld.ofd": "warn", "converter-invoice-example.ofd": "fail",
               "converter-testImageNotFound.ofd": "warn", "crypto-hello-integrity.ofd": "warn",
               "reader-SESV4SignDoc.ofd": "warn", "sign-DigitalSign.ofd": "warn", "sign-allprotected.ofd": "warn",
               "sign-v4signed.ofd": "warn"}
    got = {name: derive.derive(REAL.parent / "ofd-real" / name)["verdict"] for name in by_hand}
    assert got == by_hand


@needs_openssl
def test_manifest_matches_a_fresh_derivation():
    """The stored expectations are what derive.py computes today (nobody edited them by hand)."""
    derive = _derive_module()
    for name, entry in sorted(FILES.items()):
        want, got = entry["derived"], derive.summary(derive.derive(REAL / name))
        if shutil.which("pdfsig") is None:  # poppler-utils is optional: its recorded output is then absent
            want, got = ({**d, "tools": {k: v for k, v in d.get("tools", {}).items() if k != "pdfsig"}} for d in (want, got))
        assert got == want, name


def test_revisions_are_numbered_when_startxref_is_off_by_one():
    """digitorus_testfile50.pdf's writer points each later startxref one byte before its xref
    stream (the reader corrects it); each of its three signatures still belongs to its own revision
    (the unsigned original is revision 1)."""
    r = check_bytes((REAL / "digitorus_testfile50.pdf").read_bytes(), "digitorus_testfile50.pdf", Options())
    assert [s.revision for s in r.signatures] == [2, 3, 4]
