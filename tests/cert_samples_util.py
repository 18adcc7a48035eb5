"""Shared by the sample tests: generate the samples once per test session (not a test module)."""
import atexit
import functools
import pathlib
import shutil
import tempfile


@functools.lru_cache(maxsize=1)
def sample_dir() -> pathlib.Path:
    import make_samples  # scripts/ is on sys.path (tests/conftest.py)

    out = pathlib.Path(tempfile.mkdtemp(prefix="cert-samples-"))
    atexit.register(shutil.rmtree, out, True)
    assert make_samples.main(["--out", str(out)]) == 0
    return out
