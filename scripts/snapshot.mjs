// Pyodide memory snapshot of a booted interpreter with the checker's engines imported.
//
//   node scripts/snapshot.mjs PYODIDE_DIR OUT.bin.gz WHEEL [WHEEL ...]
//
// The browser worker (docs/assets/checker/worker.mjs) restores it with loadPyodide's
// `_loadSnapshot` instead of initialising CPython and importing ~150 modules at every visit
// (measured under Node: boot + imports 1.6 s -> 0.6 s).  `_makeSnapshot`/`_loadSnapshot` are
// Pyodide's experimental options: the worker falls back to a normal boot when the snapshot is
// missing, stale or refused, so a failure here costs speed, never function.
// The snapshot holds the WebAssembly memory only: files (stdlib zip, wheels) live in the JS file
// system and are written again after the restore (the worker's loadPackage), which is why the
// wheels are unpacked into site-packages here, where loadPackage puts them.
// Called by scripts/build_lock.py, which records the sha256 in snapshot.json.
import {readFileSync, writeFileSync} from "node:fs";
import {resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {gzipSync} from "node:zlib";

const [dir, out, ...wheels] = process.argv.slice(2);
if (!dir || !out || !wheels.length) {
  console.error("usage: node scripts/snapshot.mjs PYODIDE_DIR OUT.bin.gz WHEEL [WHEEL ...]");
  process.exit(64);
}
const indexURL = resolve(dir) + "/";
const {loadPyodide} = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const py = await loadPyodide({indexURL, _makeSnapshot: true});
const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
for (const wheel of wheels) {
  py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel", {extractDir: sitePackages});
}
// The same modules as the worker's warm-up: everything a first check needs.
py.runPython(`
import checker, checker.web, checker._pdf, checker._pdf.text, checker._ofd, checker._ofd.signatures, checker._cert, checker._crypto.cms, checker._crypto.trust
`);
const snapshot = py.makeMemorySnapshot();
const gz = gzipSync(snapshot, {level: 6});
writeFileSync(out, gz);
console.log(`snapshot: ${snapshot.length} bytes of memory, ${gz.length} gzipped -> ${out}`);
