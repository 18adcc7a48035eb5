"""The OFD engine gives the same answers on Pyodide (the browser's Python 3.14) as here.

Runs the self-hosted runtime from .cache/runtime (built by `make vendor`) under node, with the pure
wheels the site ships (asn1crypto).  Pyodide has no native SM3: this also exercises the
pure-Python SM3 path end to end.  Files are small ones so the run stays short.
"""
import json
import pathlib
import shutil
import subprocess

import pytest

from checker import check_bytes, list_images

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUNTIME = ROOT / ".cache" / "runtime" / "pyodide"
FILES = ["sign-allprotected.ofd", "sign-DigitalSign.ofd", "converter-helloworld.ofd", "sign-v4signed.ofd"]

SCRIPT = r"""
import { loadPyodide } from "%(runtime)s/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({ indexURL: "%(runtime)s/" });
for (const w of fs.readdirSync("%(runtime)s").filter(n => /^(asn1crypto)-.*\.whl$/.test(n))) {
  py.unpackArchive(new Uint8Array(fs.readFileSync("%(runtime)s/" + w)), "wheel");
}
py.FS.mkdirTree("/src");
py.mountNodeFS("/src", "%(root)s");
py.FS.mkdirTree("/corpus");
py.mountNodeFS("/corpus", "%(corpus)s");
py.globals.set("FILES", JSON.stringify(%(files)s));
const out = await py.runPythonAsync(`
import sys, json, hashlib
sys.path.insert(0, "/src")
from checker import check_bytes, list_images
res = {}
for name in json.loads(FILES):
    d = open("/corpus/" + name, "rb").read()
    r = check_bytes(d, name)
    res[name] = {"verdict": r.verdict, "codes": sorted({f.code for f in r.findings}),
                 "sigs": [[s.kind, s.intact, s.trusted, s.covers_whole_file] for s in r.signatures],
                 "images": [p for p, _ in list_images(d)]}
try:
    hashlib.new("sm3")
    native = True
except ValueError:
    native = False
json.dumps({"version": sys.version.split()[0], "native_sm3": native, "results": res})
`);
console.log(out);
"""


@pytest.mark.slow
def test_same_ofd_results_on_pyodide(tmp_path, corpus_root):
    if not (RUNTIME / "pyodide.mjs").is_file() or shutil.which("node") is None:
        pytest.skip("Pyodide runtime not vendored (run `make vendor`) or node missing")
    corpus = corpus_root / "ofd-real"
    script = tmp_path / "run.mjs"
    script.write_text(SCRIPT % {"runtime": RUNTIME.as_posix(), "root": ROOT.as_posix(), "corpus": corpus.as_posix(),
                                "files": json.dumps(FILES)}, encoding="utf-8")
    p = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got["version"].startswith("3.14")
    for name in FILES:
        d = (corpus / name).read_bytes()
        r = check_bytes(d, name)
        here = {"verdict": r.verdict, "codes": sorted({f.code for f in r.findings}),
                "sigs": [[s.kind, s.intact, s.trusted, s.covers_whole_file] for s in r.signatures],
                "images": [p for p, _ in list_images(d)]}
        assert got["results"][name] == here, name
