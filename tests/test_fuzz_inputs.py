"""Short, deterministic fuzzing of check_bytes over mutated PDF and OFD seeds (hypothesis).

Properties (tests/fuzzing/mutate.py): check_bytes never raises, returns pass|warn|fail|error,
never reports INTERNAL_ERROR, stays within 5 s CPU per file and bounded memory; a mutated signed
file never gets ``pass`` unless the change lies outside what the signature covers (PDF: inside
the /Contents gap; OFD: no entry reads back different).  ``make fuzz`` runs the long version
(scripts/fuzz.py); every crash it finds becomes a file in tests/regressions/.
"""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")  # dev dependency, always installed by make test
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from fuzzing import mutate, seeds  # noqa: E402

import checker  # noqa: E402

FAST = settings(max_examples=120, derandomize=True, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RSS_BOUND_MB = 512

_pos = st.integers(min_value=0, max_value=1 << 24)
_op = st.one_of(
    st.tuples(st.just("flip"), _pos, st.integers(1, 255)),
    st.tuples(st.just("set"), _pos, st.integers(0, 255)),
    st.tuples(st.just("insert"), _pos, st.one_of(st.sampled_from(mutate.TOKENS), st.binary(min_size=1, max_size=16))),
    st.tuples(st.just("delete"), _pos, st.integers(1, 64)),
    st.tuples(st.just("truncate"), _pos),
    st.tuples(st.just("dup"), _pos, st.integers(1, 256), _pos),
    st.tuples(st.just("number"), _pos, st.sampled_from([b"0", b"1", b"-1", b"999999999", b"2147483648", b"00"])),
)
OPS = st.lists(_op, min_size=1, max_size=4)


@FAST
@given(kind=st.sampled_from(["rsa", "sm2"]), ops=OPS)
def test_mutated_signed_pdf(kind, ops):
    original, opts = seeds.signed_pdf(kind)
    data = mutate.apply(original, ops)
    r = mutate.check_one(data, "fuzz.pdf", opts)
    if r.verdict == "pass":
        assert mutate.pdf_pass_allowed(original, data), f"mutated signed PDF passed: {ops!r}"


@FAST
@given(ops=OPS)
def test_mutated_sealed_ofd_bytes(ops):
    original, opts = seeds.sealed_ofd()
    data = mutate.apply(original, ops)
    r = mutate.check_one(data, "fuzz.ofd", opts)
    if r.verdict == "pass":
        assert mutate.ofd_pass_allowed(original, data), f"mutated sealed OFD passed: {ops!r}"


@FAST
@given(index=st.integers(0, 63), ops=OPS)
def test_mutated_sealed_ofd_entries(index, ops):
    original, opts = seeds.sealed_ofd()
    data, name = mutate.mutate_entry(original, index, ops)
    r = mutate.check_one(data, "fuzz.ofd", opts)
    if r.verdict == "pass":
        assert mutate.ofd_pass_allowed(original, data), f"entry {name} mutated, OFD passed: {ops!r}"


_CORPUS = {p.name: p for k in ("pdf", "ofd") for p in seeds.corpus_files(k)}


@settings(FAST, max_examples=100)
@given(name=st.sampled_from(sorted(_CORPUS) or ["-"]), ops=OPS)
def test_mutated_corpus_files(name, ops):
    assert _CORPUS, "corpus missing (tests/corpus)"
    data = mutate.apply(_CORPUS[name].read_bytes(), ops)
    mutate.check_one(data, name, checker.Options())


def test_corpus_seeds_themselves():
    assert len(_CORPUS) >= 20
    for name, path in sorted(_CORPUS.items()):
        mutate.check_one(path.read_bytes(), name, checker.Options())


_RSS_AT_IMPORT_MB = mutate.peak_rss_mb()


def test_memory_stayed_bounded():
    """Runs after the fuzz tests of this module (file order): the process' peak RSS grew by less
    than the bound (the baseline is taken at collection, so other modules' tests do not count)."""
    assert mutate.peak_rss_mb() - _RSS_AT_IMPORT_MB < RSS_BOUND_MB


def test_seeds_pass_before_mutation():
    """Otherwise the "never pass" properties above would be vacuous."""
    for data, opts in (seeds.signed_pdf("rsa"), seeds.signed_pdf("sm2"), seeds.sealed_ofd()):
        assert checker.check_bytes(data, "seed", opts).verdict == "pass"
