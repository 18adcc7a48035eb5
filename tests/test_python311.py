"""The core runs unchanged on CPython 3.11 (the oldest version we support): the CLI's JSON there
equals the JSON here (the venv's Python, >= 3.12) for the samples and some corpus files.

Uses the system's python3.11 with only the pure-Python runtime dependencies (asn1crypto, pypdf)
taken from this venv, so nothing else of the venv leaks in."""
from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from cert_samples_util import sample_dir

ROOT = pathlib.Path(__file__).resolve().parent.parent


def python311() -> str | None:
    for cand in ("python3.11", "/usr/bin/python3.11", "python3"):
        exe = shutil.which(cand)
        if exe:
            out = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2] == (3, 11))"],
                                 capture_output=True, text=True)
            if out.stdout.strip() == "True":
                return exe
    return None


def run_cli(python: str, env: dict, path: pathlib.Path) -> dict:
    proc = subprocess.run([python, "-m", "checker", "--json", "--no-qr", "--trust-demo", "--today", "2026-11-23",
                           str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1, 2, 3), proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_cli_json_is_the_same_on_python_311(tmp_path, corpus_root):
    exe = python311()
    if exe is None:
        pytest.skip("no CPython 3.11 on this machine")
    deps = tmp_path / "deps"
    deps.mkdir()
    for name in ("asn1crypto", "pypdf"):
        src = pathlib.Path(importlib.util.find_spec(name).origin).parent
        (deps / name).symlink_to(src, target_is_directory=True)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env311 = dict(clean, PYTHONPATH=os.pathsep.join([str(ROOT), str(deps)]), PYTHONDONTWRITEBYTECODE="1")
    env_here = dict(clean, PYTHONPATH=str(ROOT))
    files = sorted(sample_dir().glob("*.pdf"))[:5] + sorted(sample_dir().glob("*.ofd"))[:3]
    files += [corpus_root / "ofd-real" / "sign-v4signed.ofd", corpus_root / "pdf-pyhanko" / "minimal-signed-twice-no-sig-type.pdf"]
    version = subprocess.run([exe, "-c", "import sys; sys.path[:0] = sys.argv[1:]; import checker, pypdf, asn1crypto; "
                              "print(checker.__file__)", str(ROOT), str(deps)], capture_output=True, text=True)
    assert version.stdout.strip().startswith(str(ROOT)), version.stderr
    for path in files:
        assert run_cli(exe, env311, path) == run_cli(sys.executable, env_here, path), path.name
