"""MkDocs hook: a strict Content-Security-Policy for pages that opt in (``csp: checker`` in
their front matter — the checker page).

Material for MkDocs writes a few small inline scripts into every page (``__md_scope`` /
``__md_get`` helpers, palette and tab restore).  Instead of allowing ``'unsafe-inline'`` the
hook hashes exactly the inline scripts of the built page and lists those hashes, so the page
looks and works like the rest of the site while no other inline script (or injected markup)
can run.  The policy goes into a ``<meta http-equiv>`` right after ``<meta charset>``: static
intranet hosts (nginx, IIS, ``python -m http.server``) need no header configuration.

``'wasm-unsafe-eval'`` is the only relaxation: WebAssembly compilation (Pyodide, zxing-wasm,
pdf.js's wasm decoders).  No ``'unsafe-eval'`` — measured, not assumed (tests/browser/
test_checker_ui.py): Pyodide 314 boots, loads the wheels and checks files inside a worker that
is bound by this policy (an eval probe in that worker is refused).  ``pyodide.asm.mjs`` does
contain ``eval``: in Emscripten's dynamic linker (``ASM_CONSTS[start]=eval(func)`` and
``moduleExports[name]=eval(func)`` for EM_ASM/EM_JS of side modules, i.e. native ``.so``
packages) and in ``emscripten_run_script``.  The checker loads only pure-Python wheels, so no
side module is ever linked and those paths never run.  A future native package would need
``'unsafe-eval'`` for exactly that reason.  pdf.js 6 no longer compiles PostScript functions
with ``new Function``.

Why a ``<meta>`` and blob: workers: a dedicated worker started from its own http(s) URL does not
inherit the page's policy (measured in Chromium 156: eval and off-origin fetch work there), while
a worker started from a blob: URL does.  ``docs/assets/checker/paths.mjs`` (``spawnWorker``) starts
every worker that sees a file (Pyodide, the QR worker with zxing and pdf.js, pdf.js's parser) through a one-line blob:
module that imports the real one, hence ``worker-src 'self' blob:``.  Material's search worker
is started by Material from its URL and stays outside the policy; it only reads the search index.
A host that can send headers may add the same policy as a ``Content-Security-Policy`` header
(plus ``frame-ancestors 'none'``, which a ``<meta>`` cannot carry).
"""
from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
_SRC_ATTR = re.compile(r"\bsrc\s*=", re.I)
_TYPE_ATTR = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_EXECUTABLE_TYPES = {"", "text/javascript", "module", "application/javascript"}
_CHARSET = re.compile(r"<meta\s+charset=[\"']?utf-8[\"']?\s*/?>", re.I)

BASE_POLICY = (
    ("default-src", "'none'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),  # + hashes of the page's inline scripts
    # blob: only for the one-line bootstrap modules of docs/assets/checker/paths.mjs
    # (spawnWorker): a blob: worker inherits this policy, a worker from an http(s) URL would
    # not (measured in Chromium 156), so this is what puts the workers under the policy.
    ("worker-src", "'self' blob:"),
    ("connect-src", "'self'"),
    ("img-src", "'self' data: blob:"),  # Material's icons are data: SVGs; previews are canvases
    ("style-src", "'self' 'unsafe-inline'"),  # style attributes (Material, preview outlines)
    ("font-src", "'self' data:"),
    ("manifest-src", "'self'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("object-src", "'none'"),
)


def inline_script_hashes(html: str) -> list[str]:
    """``'sha256-…'`` sources for every executable inline script, in page order, unique."""
    out: list[str] = []
    for m in _INLINE_SCRIPT.finditer(html):
        attrs, body = m.group(1), m.group(2)
        if _SRC_ATTR.search(attrs):
            continue
        t = _TYPE_ATTR.search(attrs)
        if t and t.group(1).lower() not in _EXECUTABLE_TYPES:
            continue  # data blocks such as <script type="application/json"> never run
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        src = f"'sha256-{digest}'"
        if src not in out:
            out.append(src)
    return out


def policy_for(html: str) -> str:
    hashes = inline_script_hashes(html)
    parts = []
    for name, value in BASE_POLICY:
        if name == "script-src" and hashes:
            value = value + " " + " ".join(hashes)
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def on_post_page(output: str, page, config, **kw) -> str:
    if (page.meta or {}).get("csp") != "checker":
        return output
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(output)}">'
    m = _CHARSET.search(output)
    if not m:
        raise ValueError(f"{page.file.src_uri}: no <meta charset> to put the CSP after")
    return output[: m.end()] + "\n    " + meta + output[m.end() :]
