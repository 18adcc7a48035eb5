import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "scripts"))

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def shared_corpus() -> pathlib.Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.fail(f"shared corpus missing at {path} (CI clones shared/ beside the repo)")
    return path
