import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "scripts"))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def corpus_root() -> pathlib.Path:
    """The third-party corpora kept in the repository (tests/corpus/, each with its licence)."""
    if not CORPUS.is_dir():
        pytest.fail(f"corpus missing at {CORPUS}")
    return CORPUS
