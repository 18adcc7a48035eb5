"""MkDocs hook: put the vendored browser runtime and the generated samples into the site.

Thin on purpose.  ``scripts/vendor.py`` assembles ``.cache/runtime/`` (Pyodide core, the app
lockfile and wheels, pdf.js, zxing-wasm, the iframe-worker shim); ``scripts/make_samples.py``
writes ``.cache/samples/``.  This hook adds both trees to MkDocs' file collection, so
``mkdocs build`` copies them into ``site/runtime/`` and ``site/samples/`` and ``mkdocs serve``
serves them too.  It also registers the MIME types the runtime needs for ``mkdocs serve``, and
writes ``assets/checker/checker-data.mjs``: what the checker page takes from the core (finding
messages, labels, guide topics, limits; :func:`checker.web.page_data`) as JSON in a module, so
the page has it as soon as its modules load (no request, no top-level await).
"""
from __future__ import annotations

import json
import logging
import mimetypes
import os
from pathlib import Path

from mkdocs.structure.files import File, Files

from checker.web import page_data

log = logging.getLogger("mkdocs.hooks.runtime")

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = Path(os.environ.get("CHECKER_RUNTIME_DIR", ROOT / ".cache" / "runtime"))
SAMPLES = Path(os.environ.get("CHECKER_SAMPLES_DIR", ROOT / ".cache" / "samples"))

# (source tree, destination prefix inside the site)
TREES = ((RUNTIME, "runtime"), (SAMPLES, "samples"))
PAGE_DATA = "assets/checker/checker-data.mjs"  # imported by docs/assets/checker/data.mjs
PAGE_DATA_PREFIX = "// checker.web.page_data(), written by scripts/mkdocs_hooks.py\nexport const DATA = "


def on_startup(command, dirty=False, **kw):
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("application/wasm", ".wasm")
    mimetypes.add_type("application/json", ".json")


def on_files(files: Files, config, **kw) -> Files:
    for src, prefix in TREES:
        if not src.is_dir():
            log.warning("%s not found: site/%s/ will be missing (run `make vendor` / `make samples`)", src, prefix)
            continue
        count = 0
        for path in sorted(src.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = path.relative_to(src).as_posix()
            files.append(File.generated(config, f"{prefix}/{rel}", abs_src_path=str(path)))
            count += 1
        log.info("runtime hook: %d files from %s -> %s/", count, src, prefix)
    data = json.dumps(page_data(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    files.append(File.generated(config, PAGE_DATA, content=PAGE_DATA_PREFIX + data + ";\n"))
    return files
