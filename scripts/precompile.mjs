// Precompile Python sources to bytecode with Pyodide's own CPython (3.14), under Node.
//
//   node scripts/precompile.mjs PYODIDE_DIR LOCKFILE IN.zip:OUT.zip:PREFIX [...]
//
// Each IN zip (python_stdlib.zip or a wheel) is rewritten to OUT with every `x.py` replaced by
// `x.pyc`: an unchecked hash-based pyc (PEP 552) whose header carries the source's hash, so the
// tests can prove it was compiled from the pinned source.  Code objects get PREFIX + path as
// their file name (tracebacks).  A wheel's RECORD is rewritten.  Called by scripts/build_lock.py.
// Why: Pyodide's python_stdlib.zip and PyPI wheels hold sources only, so the browser compiled
// ~200 stdlib modules at every boot (measured: boot about 2x faster with bytecode).
import {readFileSync, writeFileSync} from "node:fs";
import {resolve} from "node:path";
import {pathToFileURL} from "node:url";

const [dir, lockfile, ...jobs] = process.argv.slice(2);
if (!dir || !lockfile || !jobs.length) {
  console.error("usage: node scripts/precompile.mjs PYODIDE_DIR LOCKFILE IN.zip:OUT.zip:PREFIX ...");
  process.exit(64);
}
const indexURL = resolve(dir) + "/";
const {loadPyodide} = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const py = await loadPyodide({indexURL, lockFileURL: resolve(lockfile)});

py.runPython(`
import base64, hashlib, importlib.util, io, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

def precompile(src_path, dst_path, prefix):
    compiled = kept = 0
    out = []
    with zipfile.ZipFile(src_path) as src:
        record = None
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name.endswith(".dist-info/RECORD"):
                record = info
                continue
            if name.endswith(".py"):
                try:
                    code = compile(data, prefix + name, "exec", dont_inherit=True)
                except SyntaxError:
                    kept += 1
                else:
                    data = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                    name += "c"
                    compiled += 1
            zi = zipfile.ZipInfo(name, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            out.append((zi, data))
    with zipfile.ZipFile(dst_path, "w", zipfile.ZIP_DEFLATED) as dst:
        for zi, data in out:
            dst.writestr(zi, data)
        if record is not None:
            lines = [_record_line(zi.filename, data) for zi, data in out] + [f"{record.filename},,"]
            zi = zipfile.ZipInfo(record.filename, date_time=record.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, "\\n".join(lines) + "\\n")
    return f"{compiled} compiled, {kept} kept as source"
`);
const precompile = py.globals.get("precompile");

for (const job of jobs) {
  const [input, output, prefix = ""] = job.split(":");
  py.FS.writeFile("/tmp/in.zip", readFileSync(input));
  const summary = precompile("/tmp/in.zip", "/tmp/out.zip", prefix);
  writeFileSync(output, py.FS.readFile("/tmp/out.zip"));
  console.log(`precompiled ${input.split("/").pop()}: ${summary}`);
}
