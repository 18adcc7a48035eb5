"""Build the checker's wheel (distribution ``cq-cert-check``, package ``checker``) and write the
site's Pyodide lockfile.

Run after ``scripts/vendor.py`` (which put Pyodide's core files and the dependency wheels into
``RUNTIME/pyodide/`` and Pyodide's own lockfile into ``CACHE/build/``)::

    python scripts/build_lock.py [--runtime .cache/runtime] [--cache .cache]

1. ``pip wheel --no-deps --no-build-isolation`` builds ``cq_cert_check-*.whl`` (offline: setuptools comes
   from the venv's dev extra).
2. Pyodide's lockfile is stripped of its 357 CDN-only packages (none ships in the site), then
   pyodide-build's ``pyodide lockfile add-wheels`` adds our wheels and resolves their
   dependencies: a dependency that is not among the shipped wheels fails the build.
3. The result, ``RUNTIME/pyodide/pyodide-lock.json``, is checked: it names exactly the wheels in
   that folder, with their sha256.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = "cq-cert-check"  # the distribution (pyproject.toml); its import package is `checker`
WHEEL_GLOB = "cq_cert_check-*.whl"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_checker_wheel(dest: Path) -> Path:
    for pattern in (WHEEL_GLOB, "checker-*.whl"):  # the distribution was called `checker` before
        for old in dest.glob(pattern):
            old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        # Build from a clean copy: setuptools' in-tree build/ would keep deleted modules.
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (ROOT / name).is_file():
                shutil.copy2(ROOT / name, src / name)
        shutil.copytree(ROOT / "checker", src / "checker",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
               "--no-index", "--wheel-dir", str(Path(tmp) / "dist"), str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"build_lock.py: building the checker wheel failed:\n{proc.stdout}{proc.stderr}")
        (whl,) = (Path(tmp) / "dist").glob(WHEEL_GLOB)
        target = dest / whl.name
        shutil.copyfile(whl, target)
    return target


SITE_PACKAGES = "/lib/python3.14/site-packages/"
STDLIB_PREFIX = "/lib/python314.zip/"


def has_sources(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return any(n.endswith(".py") for n in z.namelist())


def precompile(folder: Path, lockfile: Path, cache: Path, archives: list[Path]) -> None:
    """Replace sources by Python 3.14 bytecode in the stdlib zip and the wheels, in place.

    Compiled by Pyodide's own CPython under Node (scripts/precompile.mjs); results are cached by
    the input's sha256, so only a changed archive (usually the checker wheel) costs a Node run.
    """
    store = cache / "build" / "pyc"
    store.mkdir(parents=True, exist_ok=True)
    jobs = []
    for path in archives:
        if not has_sources(path):
            continue  # already compiled by an earlier run
        cached = store / f"{sha256_file(path)}.zip"
        if cached.is_file():
            shutil.copyfile(cached, path)
            continue
        prefix = STDLIB_PREFIX if path.name == "python_stdlib.zip" else SITE_PACKAGES
        jobs.append((path, cached, prefix))
    if not jobs:
        return
    node = shutil.which("node")
    if not node:
        sys.exit("build_lock.py: node is needed to precompile Python bytecode (or set CHECKER_PYC=0)")
    cmd = [node, str(ROOT / "scripts" / "precompile.mjs"), str(folder), str(lockfile),
           *[f"{src}:{dst}:{prefix}" for src, dst, prefix in jobs]]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build_lock.py: precompiling failed:\n{proc.stdout}{proc.stderr}")
    print(proc.stdout.strip())
    for src, dst, _ in jobs:
        shutil.copyfile(dst, src)


def pyodide_cli() -> str:
    exe = Path(sys.executable).with_name("pyodide")
    if exe.exists():
        return str(exe)
    found = shutil.which("pyodide")
    if not found:
        sys.exit("build_lock.py: the `pyodide` command (pyodide-build, dev extra) is not installed")
    return found


def write_lock(runtime: Path, cache: Path) -> Path:
    folder = runtime / "pyodide"
    base = cache / "build" / "pyodide-lock.json"
    if not base.is_file() or not (folder / "pyodide.asm.wasm").is_file():
        sys.exit("build_lock.py: run scripts/vendor.py first (Pyodide core / base lockfile missing)")
    spec = json.loads(base.read_text(encoding="utf-8"))
    spec["packages"] = {}  # keep `info` (Python version, ABI, platform); ship no CDN-only entry
    empty = cache / "build" / "pyodide-lock.empty.json"
    empty.write_text(json.dumps(spec, indent=1), encoding="utf-8")

    build_checker_wheel(folder)
    wheels = sorted(folder.glob("*.whl"))
    if os.environ.get("CHECKER_PYC", "1") != "0":
        precompile(folder, empty, cache, [folder / "python_stdlib.zip", *wheels])
    out = folder / "pyodide-lock.json"
    tmp_out = cache / "build" / "pyodide-lock.app.json"
    cmd = [pyodide_cli(), "lockfile", "add-wheels", "--input", str(empty), "--output", str(tmp_out),
           "--base-path", str(folder), *map(str, wheels)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build_lock.py: `pyodide lockfile add-wheels` failed:\n{proc.stdout}{proc.stderr}")

    lock = json.loads(tmp_out.read_text(encoding="utf-8"))
    named = {p["file_name"]: p for p in lock["packages"].values()}
    shipped = {w.name for w in wheels}
    if set(named) != shipped:
        sys.exit(f"build_lock.py: lockfile names {sorted(named)} but the site ships {sorted(shipped)}")
    for name, entry in named.items():
        if entry["sha256"] != sha256_file(folder / name):
            sys.exit(f"build_lock.py: sha256 of {name} differs from the lockfile")
    shutil.copyfile(tmp_out, out)
    print(f"wrote {out}: {', '.join(sorted(lock['packages']))}")
    if os.environ.get("CHECKER_SNAPSHOT", "1") != "0":
        write_snapshot(folder, lock)
    else:
        for stale in (folder / SNAPSHOT_FILE, folder / SNAPSHOT_META):
            stale.unlink(missing_ok=True)
    return out


SNAPSHOT_FILE = "checker-snapshot.bin.gz"
SNAPSHOT_META = "checker-snapshot.json"
# Wheels installed after the browser reports ready (docs/assets/checker/worker.mjs DEFERRED):
# not imported at boot, so not part of the snapshot either.
DEFERRED = {"pypdf"}


def write_snapshot(folder: Path, lock: dict) -> None:
    """Pyodide memory snapshot with the engines imported (scripts/snapshot.mjs) + its metadata.

    The worker uses it only when ``checker_sha256`` equals the lockfile's checker wheel (a
    snapshot of other code is never restored) and the download matches ``sha256``."""
    node = shutil.which("node")
    if not node:
        sys.exit("build_lock.py: node is needed to build the Pyodide snapshot (or set CHECKER_SNAPSHOT=0)")
    wheels = [folder / p["file_name"] for name, p in sorted(lock["packages"].items()) if name not in DEFERRED]
    out = folder / SNAPSHOT_FILE
    proc = subprocess.run([node, str(ROOT / "scripts" / "snapshot.mjs"), str(folder), str(out), *map(str, wheels)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"build_lock.py: scripts/snapshot.mjs failed:\n{proc.stdout}{proc.stderr[-3000:]}")
    print(proc.stdout.strip())
    meta = {
        "file": SNAPSHOT_FILE,
        "sha256": sha256_file(out),
        "bytes": out.stat().st_size,
        "checker_sha256": lock["packages"][DIST]["sha256"],
        "wheels": sorted(p.name for p in wheels),
        "python": lock["info"].get("python", ""),
    }
    (folder / SNAPSHOT_META).write_text(json.dumps(meta, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runtime", type=Path, default=ROOT / ".cache" / "runtime")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache")
    args = ap.parse_args(argv)
    write_lock(args.runtime, args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
