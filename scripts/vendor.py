"""Fetch, verify and assemble the browser runtime into ``.cache/runtime/``.

Everything the site needs from outside this repository is pinned in the committed manifest
``scripts/runtime-manifest.json`` with a sha256 for every downloaded archive and every file that
ships:

* npm packages (``npm pack NAME@VERSION``): Pyodide core, pdf.js, zxing-wasm, the iframe-worker
  shim.  Only the files selected by ``NPM`` below ship (not all of pdfjs-dist).  axe-core is
  pinned the same way but never ships: the browser tests read it from ``CACHE/build/``.
* the pure-Python wheels of the checker's runtime dependencies, taken from pyproject.toml's
  ``[project].dependencies`` (each pinned ``==``; ``pip download --no-deps --only-binary=:all:``).

Downloads are cached in ``.cache/npm/`` and ``.cache/wheels/`` and verified on every run, so a
second run makes no network request.  Nothing here is ever committed.

Usage::

    python scripts/vendor.py [--cache .cache] [--out .cache/runtime]
    python scripts/vendor.py --update     # (re)pin: download what pyproject/NPM name, write hashes

A dependency in pyproject.toml that the manifest lacks (or pins at another version) is an error
that tells you to run ``--update``.
"""
from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    sys.exit("vendor.py needs Python >= 3.11 (tomllib)")

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "runtime-manifest.json"
PYPROJECT = ROOT / "pyproject.toml"

# npm packages: version and which files ship, as (glob inside the tarball, destination folder
# relative to the runtime dir).  A destination of None keeps the file out of the site: it is
# extracted to CACHE/build/ (the Pyodide base lockfile, input of scripts/build_lock.py).
NPM: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    "pyodide": ("314.0.7", [
        ("package/pyodide.mjs", "pyodide"),
        ("package/pyodide.asm.mjs", "pyodide"),
        ("package/pyodide.asm.wasm", "pyodide"),
        ("package/python_stdlib.zip", "pyodide"),
        ("package/pyodide-lock.json", None),
    ]),
    "pdfjs-dist": ("6.5.438", [
        ("package/LICENSE", "pdfjs"),
        ("package/build/pdf.min.mjs", "pdfjs"),
        ("package/build/pdf.worker.min.mjs", "pdfjs"),
        ("package/cmaps/*", "pdfjs/cmaps"),
        ("package/standard_fonts/*", "pdfjs/standard_fonts"),
        ("package/wasm/*.wasm", "pdfjs/wasm"),
        ("package/wasm/LICENSE_*", "pdfjs/wasm"),
        ("package/iccs/*", "pdfjs/iccs"),
    ]),
    "zxing-wasm": ("3.1.4", [
        ("package/LICENSE", "zxing"),
        ("package/dist/reader/*", "zxing/reader"),
        ("package/dist/es/reader/index.js", "zxing/es/reader"),
        ("package/dist/es/share.js", "zxing/es"),
        ("package/dist/iife/reader/index.js", "zxing/iife/reader"),
    ]),
    # Tests only (the accessibility audit of tests/browser/test_a11y.py): extracted to
    # CACHE/build/axe.min.js, never into the site.
    "axe-core": ("4.14.1", [
        ("package/axe.min.js", None),
    ]),
    "iframe-worker": ("1.0.4", [
        ("package/LICENSE", "iframe-worker"),
        ("package/shim/index.js", "iframe-worker/shim.js"),  # a file name: rename
    ]),
}

WHEEL_DEST = "pyodide"  # wheels live beside the lockfile that names them


class VendorError(Exception):
    pass


# --- helpers --------------------------------------------------------------------------------
def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """``{canonical name: version}`` from ``[project].dependencies``; each must be pinned ``==``."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"].get("dependencies", [])
    out: dict[str, str] = {}
    for spec in deps:
        m = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([A-Za-z0-9.+!-]+)\s*", spec)
        if not m:
            raise VendorError(
                f"pyproject.toml dependency {spec!r} is not pinned as NAME==VERSION "
                "(the browser ships exactly one wheel per dependency; no markers, no ranges)"
            )
        out[canonical(m.group(1))] = m.group(2)
    return out


def run(cmd: list[str], cwd: Path | None = None) -> str:
    print("  $", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise VendorError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


# --- fetching (the only network access) -----------------------------------------------------
def npm_tarball(cache: Path, name: str, version: str, sha256: str | None) -> Path:
    """Return the cached tarball of ``name@version``, downloading it with ``npm pack`` if needed."""
    folder = cache / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace('@', '').replace('/', '-')}-{version}.tgz"
    if path.is_file() and sha256 and sha256_file(path) == sha256:
        return path
    npm = shutil.which("npm")
    if not npm:
        raise VendorError("npm is needed to download the browser runtime (install nodejs/npm) "
                          f"and {path} is not in the cache")
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        out = run([npm, "pack", "--silent", "--pack-destination", tmp, f"{name}@{version}"], cwd=Path(tmp))
        got = [p for p in Path(tmp).iterdir() if p.suffix == ".tgz"]
        if len(got) != 1:
            raise VendorError(f"npm pack {name}@{version} produced {got!r} (stdout {out!r})")
        digest = sha256_file(got[0])
        if sha256 and digest != sha256:
            raise VendorError(f"sha256 mismatch for npm {name}@{version}: manifest {sha256}, downloaded {digest}")
        os.replace(got[0], path)
    return path


def wheel_file(cache: Path, name: str, version: str, entry: dict | None) -> Path:
    """Return the cached pure wheel of ``name==version``, downloading it with pip if needed."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    if entry:
        path = folder / entry["file"]
        if path.is_file() and sha256_file(path) == entry["sha256"]:
            return path
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--implementation", "py", "--python-version", "3.14", "--abi", "none", "--platform", "any",
             "--dest", tmp, f"{name}=={version}"])
        got = list(Path(tmp).glob("*.whl"))
        if len(got) != 1 or not got[0].name.endswith("-none-any.whl"):
            raise VendorError(f"{name}=={version}: expected one pure-Python wheel (*-none-any.whl), got "
                              f"{[p.name for p in got]} — the browser can only use pure wheels")
        digest = sha256_file(got[0])
        if entry and (digest != entry["sha256"] or got[0].name != entry["file"]):
            raise VendorError(f"sha256 mismatch for wheel {name}=={version}: manifest {entry['file']} "
                              f"{entry['sha256']}, downloaded {got[0].name} {digest}")
        target = folder / got[0].name
        os.replace(got[0], target)
    return target


# --- selecting files out of an npm tarball --------------------------------------------------
def _member_bytes(tar: tarfile.TarFile, member: str) -> bytes:
    fh = tar.extractfile(member)
    if fh is None:
        raise VendorError(f"{member} is not a regular file in {tar.name!r}")
    return fh.read()


def select(tar: tarfile.TarFile, rules: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """``[(member name, destination path or None)]`` for the files the rules select."""
    chosen: list[tuple[str, str | None]] = []
    names = sorted(m.name for m in tar.getmembers() if m.isfile())
    for pattern, dest in rules:
        hits = [n for n in names if fnmatch.fnmatchcase(n, pattern) and "/" not in n[len(pattern.rsplit("/", 1)[0]) + 1:]]
        if not hits:
            raise VendorError(f"no file in the tarball matches {pattern!r}")
        for n in hits:
            if dest is None:
                chosen.append((n, None))
            elif "*" not in pattern and "." in dest.rsplit("/", 1)[-1]:
                chosen.append((n, dest))  # explicit file name
            else:
                chosen.append((n, f"{dest}/{n.rsplit('/', 1)[-1]}"))
    return chosen


# --- update: (re)pin everything -------------------------------------------------------------
def update(cache: Path) -> dict:
    manifest: dict = {
        "comment": "Generated by `python scripts/vendor.py --update`; pins every browser runtime artefact "
                   "(npm tarballs, every shipped file, the checker's pure-Python wheels) by sha256.",
        "npm": {},
        "wheels": {},
    }
    for name, (version, rules) in NPM.items():
        tgz = npm_tarball(cache, name, version, None)
        files = []
        with tarfile.open(tgz) as tar:
            for member, dest in select(tar, rules):
                data = _member_bytes(tar, member)
                files.append({"src": member, "dest": dest, "sha256": sha256_bytes(data), "size": len(data)})
        manifest["npm"][name] = {"version": version, "sha256": sha256_file(tgz), "files": files}
        print(f"pinned npm {name}@{version}: {len(files)} files")
    for name, version in sorted(runtime_dependencies().items()):
        whl = wheel_file(cache, name, version, None)
        manifest["wheels"][name] = {"version": version, "file": whl.name, "sha256": sha256_file(whl)}
        print(f"pinned wheel {whl.name}")
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {MANIFEST.relative_to(ROOT)}")
    return manifest


# --- assemble: verify and lay out .cache/runtime --------------------------------------------
def check_manifest(manifest: dict) -> None:
    deps = runtime_dependencies()
    wheels = {canonical(k): v for k, v in manifest.get("wheels", {}).items()}
    problems = []
    for name, version in deps.items():
        if name not in wheels:
            problems.append(f"runtime dependency {name}=={version} (pyproject.toml) is not in the manifest")
        elif wheels[name]["version"] != version:
            problems.append(f"{name}: pyproject.toml pins {version}, the manifest {wheels[name]['version']}")
    for name in wheels:
        if name not in deps:
            problems.append(f"the manifest pins wheel {name}, which pyproject.toml no longer lists")
    for name, (version, _) in NPM.items():
        pinned = manifest.get("npm", {}).get(name, {}).get("version")
        if pinned != version:
            problems.append(f"npm {name}: vendor.py wants {version}, the manifest pins {pinned}")
    if problems:
        raise VendorError("scripts/runtime-manifest.json is out of date:\n  - " + "\n  - ".join(problems)
                          + "\nRun `.venv/bin/python scripts/vendor.py --update` (needs network), "
                            "review and commit scripts/runtime-manifest.json.")


def assemble(manifest: dict, cache: Path, out: Path) -> None:
    check_manifest(manifest)
    build = cache / "build"
    build.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shipped = 0
    for name, entry in manifest["npm"].items():
        tgz = npm_tarball(cache, name, entry["version"], entry["sha256"])
        with tarfile.open(tgz) as tar:
            for f in entry["files"]:
                data = _member_bytes(tar, f["src"])
                if sha256_bytes(data) != f["sha256"]:
                    raise VendorError(f"sha256 mismatch for {name}: {f['src']}")
                target = (build / Path(f["src"]).name) if f["dest"] is None else tmp / f["dest"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                shipped += f["dest"] is not None
    for name, entry in manifest["wheels"].items():
        whl = wheel_file(cache, name, entry["version"], entry)
        target = tmp / WHEEL_DEST / whl.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(whl, target)
        shipped += 1
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f"runtime assembled in {out} ({shipped} files, all sha256-verified)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache")
    ap.add_argument("--out", type=Path, default=None, help="runtime folder (default CACHE/runtime)")
    ap.add_argument("--update", action="store_true", help="(re)pin every artefact and rewrite the manifest")
    args = ap.parse_args(argv)
    out = args.out or args.cache / "runtime"
    try:
        if args.update:
            manifest = update(args.cache)
        else:
            if not MANIFEST.is_file():
                raise VendorError(f"{MANIFEST} missing: run with --update")
            manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        assemble(manifest, args.cache, out)
    except VendorError as exc:
        print(f"vendor.py: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
