"""The built site is self-contained: no off-origin asset, pinned runtime, honest lockfile.

Needs the built site (``make build``; ``make test`` builds first).
"""
from __future__ import annotations

import hashlib
import io
import json
import pathlib
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
MANIFEST = ROOT / "scripts" / "runtime-manifest.json"


@pytest.fixture(scope="module")
def site() -> pathlib.Path:
    for rel in ("index.html", "checker/index.html", "runtime/pyodide/pyodide-lock.json"):
        if not (SITE / rel).is_file():
            pytest.fail(f"built site incomplete ({SITE / rel} missing): run `make build` "
                        "(`make test` builds first)", pytrace=False)
    return SITE


# --- off-origin references --------------------------------------------------------------------
def is_remote(url: str) -> bool:
    url = url.strip()
    return url.startswith("//") or bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)) and \
        urlsplit(url).scheme.lower() not in ("data", "blob", "mailto", "tel", "javascript", "about")


class _AssetRefs(HTMLParser):
    """Collects URLs a browser would load from an HTML page (not plain navigation links)."""

    URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "manifest"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self._in_style = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in_style = tag == "style"
        self._in_script = tag == "script"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.refs.extend(("css", tag, u) for u in css_urls(value))
            if name not in self.URL_ATTRS:
                continue
            if tag == "a" and name == "href":
                continue  # plain navigation link: allowed (checked separately below)
            if tag == "link" and name == "href" and not _loads(a):
                continue
            for url in (value.split(",") if name == "srcset" else [value]):
                url = url.strip().split(" ")[0]
                if url:
                    self.refs.append((f"{tag}[{name}]", tag, url))

    def handle_endtag(self, tag):
        self._in_style = self._in_style and tag != "style"
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data):
        if self._in_style:
            self.refs.extend(("css", "style", u) for u in css_urls(data))
        if self._in_script:
            self.refs.extend(("js", "script", u) for u in js_urls(data))


def _loads(attrs: dict) -> bool:
    rel = (attrs.get("rel") or "").lower().split()
    # canonical/alternate/author/license/... are metadata, not loads; preconnect/dns-prefetch do connect
    return bool({"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload", "prefetch",
                 "preconnect", "dns-prefetch", "manifest", "mask-icon"} & set(rel))


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
JS_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,]+\s*from\s*)?|\bimport\s*\(\s*|\bimportScripts\s*\(\s*|\bnew\s+(?:Shared)?Worker\s*\(\s*|"""
    r"""\bfetch\s*\(\s*)(['"`])((?:https?:)?//[^'"`]+)\1""")


def css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(text)]


def js_urls(text: str) -> list[str]:
    return [m.group(2) for m in JS_IMPORT.finditer(text)]


def site_files(site: pathlib.Path, *suffixes: str):
    return sorted(p for p in site.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_scanner_catches_what_it_must():
    # The scanner itself: remote assets are caught, navigation links and local files are not.
    p = _AssetRefs()
    p.feed('<link rel="stylesheet" href="https://fonts.googleapis.com/css"><a href="https://zfcxjw.cq.gov.cn/">x</a>'
           '<script src="//cdn.example/x.js"></script><img src="img/a.png"><link rel="canonical" href="https://x/">'
           '<div style="background:url(https://evil.example/a.png)"></div>'
           '<script>import("https://cdn.jsdelivr.net/pyodide/v1/full/pyodide.mjs")</script>')
    remote = [u for _, _, u in p.refs if is_remote(u)]
    assert remote == ["https://fonts.googleapis.com/css", "//cdn.example/x.js", "https://evil.example/a.png",
                      "https://cdn.jsdelivr.net/pyodide/v1/full/pyodide.mjs"]
    assert css_urls("@font-face{src:url('https://fonts.gstatic.com/a.woff2')} a{b:url(x.png)}") == [
        "https://fonts.gstatic.com/a.woff2", "x.png"]
    assert js_urls('import x from "https://unpkg.com/a";importScripts("https://b/c.js");fetch(`//d/e`)') == [
        "https://unpkg.com/a", "https://b/c.js", "//d/e"]


def test_no_off_origin_asset_in_html(site):
    bad = []
    for page in site_files(site, ".html"):
        parser = _AssetRefs()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        bad += [f"{page.relative_to(site)}: {kind} {url}" for kind, _, url in parser.refs if is_remote(url)]
    assert not bad, "off-origin asset references:\n" + "\n".join(bad)


def test_no_off_origin_url_in_css(site):
    bad = [f"{css.relative_to(site)}: {u}" for css in site_files(site, ".css")
           for u in css_urls(css.read_text(encoding="utf-8", errors="replace")) if is_remote(u)]
    assert not bad, "\n".join(bad)


def test_no_off_origin_import_in_js(site):
    bad = [f"{js.relative_to(site)}: {u}" for js in site_files(site, ".js", ".mjs")
           for u in js_urls(js.read_text(encoding="utf-8", errors="replace"))]
    assert not bad, "\n".join(bad)


def test_offline_shim_and_fonts_are_local(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "runtime/iframe-worker/shim.js" in index
    assert (site / "runtime/iframe-worker/shim.js").is_file()
    assert "unpkg.com" not in index and "fonts.googleapis.com" not in index and "fonts.gstatic.com" not in index


# --- runtime: pinned, hashed, only what ships ---------------------------------------------------
# Python sources ship as bytecode (scripts/precompile.mjs): these archives differ from the pinned
# originals by design and are checked against them below, file by file.
PRECOMPILED = "pyodide/python_stdlib.zip"


def test_every_vendored_file_matches_the_manifest(site):
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    checked = 0
    for entry in manifest["npm"].values():
        for f in entry["files"]:
            if f["dest"] is None or f["dest"] == PRECOMPILED:
                continue
            path = site / "runtime" / f["dest"]
            assert path.is_file(), path
            assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"], path
            checked += 1
    for w in manifest["wheels"].values():
        assert (site / "runtime" / "pyodide" / w["file"]).is_file()
    assert checked > 200


def _pyc_sources_match(compiled: zipfile.ZipFile, sources: dict[str, bytes], hint: str = "") -> int:
    """Every source has a hash-based pyc compiled from exactly it (PEP 552 header); returns count."""
    import _imp

    names = set(compiled.namelist())
    magics = set()
    for name, src in sources.items():
        if name + "c" not in names:
            assert name in names, f"{name}: neither bytecode nor source shipped"
            continue
        header = compiled.read(name + "c")[:16]
        magics.add(header[:4])
        assert int.from_bytes(header[4:8], "little") == 0b01, f"{name}c: not an unchecked hash-based pyc"
        raw_magic = int.from_bytes(header[:4], "little")
        assert _imp.source_hash(raw_magic, src) == header[8:16], f"{name}c was not compiled from the pinned source{hint}"
    assert len(magics) == 1, magics  # one interpreter (Pyodide's CPython 3.14) compiled them all
    return len(sources)


def test_stdlib_bytecode_was_compiled_from_the_pinned_stdlib(site):
    import tarfile

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entry = manifest["npm"]["pyodide"]
    tgz = ROOT / ".cache" / "npm" / f"pyodide-{entry['version']}.tgz"
    assert hashlib.sha256(tgz.read_bytes()).hexdigest() == entry["sha256"]
    (pinned,) = [f for f in entry["files"] if f["dest"] == PRECOMPILED]
    with tarfile.open(tgz) as tar:
        original = tar.extractfile(pinned["src"]).read()
    assert hashlib.sha256(original).hexdigest() == pinned["sha256"]
    with zipfile.ZipFile(io.BytesIO(original)) as z:
        sources = {n: z.read(n) for n in z.namelist() if n.endswith(".py")}
        others = {n for n in z.namelist() if not n.endswith(".py")}
    with zipfile.ZipFile(site / "runtime" / PRECOMPILED) as compiled:
        assert _pyc_sources_match(compiled, sources) > 500
        assert others <= set(compiled.namelist())


def test_wheel_bytecode_was_compiled_from_the_pinned_wheels(site):
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for w in manifest["wheels"].values():
        original = ROOT / ".cache" / "wheels" / w["file"]
        assert hashlib.sha256(original.read_bytes()).hexdigest() == w["sha256"]
        with zipfile.ZipFile(original) as z:
            sources = {n: z.read(n) for n in z.namelist() if n.endswith(".py")}
        with zipfile.ZipFile(site / "runtime" / "pyodide" / w["file"]) as compiled:
            assert _pyc_sources_match(compiled, sources) > 0


def test_manifest_pins_exactly_the_runtime_dependencies():
    import vendor  # scripts/

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    vendor.check_manifest(manifest)  # raises VendorError when pyproject and manifest disagree
    deps = vendor.runtime_dependencies()
    assert {vendor.canonical(n) for n in manifest["wheels"]} == set(deps)
    assert all(w["file"].endswith("-none-any.whl") for w in manifest["wheels"].values())
    assert manifest["npm"]["pyodide"]["version"] == "314.0.7"


def test_manifest_mismatch_is_reported(tmp_path):
    import vendor

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    name = next(iter(manifest["wheels"]))
    del manifest["wheels"][name]
    with pytest.raises(vendor.VendorError, match=f"{name}.*not in the manifest"):
        vendor.check_manifest(manifest)


def test_lockfile_lists_only_shipped_wheels_with_their_hashes(site):
    folder = site / "runtime" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"]["python"].startswith("3.14")
    files = {p["file_name"]: p["sha256"] for p in lock["packages"].values()}
    assert files.keys() == {p.name for p in folder.glob("*.whl")}
    for name, digest in files.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "cq-cert-check" in lock["packages"]  # the distribution of the `checker` package
    deps = set(lock["packages"]["cq-cert-check"]["depends"])
    import vendor

    assert deps == set(vendor.runtime_dependencies())


def test_checker_wheel_is_this_tree_compiled(site):
    # Every module and data file of checker/ ships, and the bytecode is of the current sources.
    (whl,) = (site / "runtime" / "pyodide").glob("cq_cert_check-*.whl")
    files = [p for p in (ROOT / "checker").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
             and p.suffix in (".py", ".json", ".pem", ".txt")]
    with zipfile.ZipFile(whl) as z:
        names = set(z.namelist())
        missing = [p.relative_to(ROOT).as_posix() for p in files if p.suffix != ".py"
                   and p.relative_to(ROOT).as_posix() not in names]
        assert not missing, f"data files of checker/ missing from the browser wheel (package-data?): {missing}"
        sources = {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in files if p.suffix == ".py"}
        assert _pyc_sources_match(z, sources, " (checker/ changed after the build? run `make build`)") == len(sources)


def test_site_ships_no_unneeded_pdfjs_files(site):
    pdfjs = site / "runtime" / "pdfjs"
    assert (pdfjs / "pdf.min.mjs").is_file() and (pdfjs / "pdf.worker.min.mjs").is_file()
    assert not list(pdfjs.rglob("*.map")) and not (pdfjs / "web").exists() and not (pdfjs / "legacy").exists()
    assert len(list((pdfjs / "cmaps").glob("*.bcmap"))) > 100  # CJK text needs them


# --- search ----------------------------------------------------------------------------------
def test_search_index_is_segmented_by_jieba(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    sep = index["config"]["separator"]
    assert "\\u200b" in sep or "\u200b" in sep, sep
    texts = "".join(d["text"] for d in index["docs"])
    assert texts.count("\u200b") > 100, "jieba did not segment the index (material drops it silently)"
    assert (site / "search" / "search_index.js").is_file()  # offline plugin: search from file://


def test_snapshot_is_of_the_shipped_checker_wheel(site):
    # runtime/pyodide/checker-snapshot.bin.gz (scripts/snapshot.mjs): the worker restores it only
    # when it was made from the checker wheel the lockfile ships, and checks its sha256.
    import gzip

    folder = site / "runtime" / "pyodide"
    meta = json.loads((folder / "checker-snapshot.json").read_text(encoding="utf-8"))
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert meta["checker_sha256"] == lock["packages"]["cq-cert-check"]["sha256"]
    blob = (folder / meta["file"]).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == meta["sha256"] and len(blob) == meta["bytes"]
    memory = gzip.decompress(blob)
    assert memory[:4] == b"\x00snp" and len(memory) >= 16 * 2**20  # Pyodide's snapshot header + memory
    assert "pypdf-" not in " ".join(meta["wheels"])  # installed after ready, not in the snapshot


# Extensions IIS 10 serves out of the box (applicationHost.config); every other extension that the
# built site contains must be registered by the web.config in docs/deploy.md, else IIS answers 404.
IIS_DEFAULT_EXTENSIONS = {".html", ".css", ".js", ".png", ".svg", ".pdf", ".xml", ".zip", ".txt"}


def test_iis_web_config_in_the_guide_registers_every_extension_the_site_uses(site):
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    config = deploy[deploy.index("<configuration>"):deploy.index("</configuration>")]
    mapped = set(re.findall(r'<mimeMap fileExtension="(\.[a-z0-9]+)"', config))
    removed = set(re.findall(r'<remove fileExtension="(\.[a-z0-9]+)"', config))
    assert mapped == removed  # remove-then-add: no "duplicate collection entry" error
    used = {p.suffix.lower() for p in site.rglob("*") if p.is_file() and p.suffix}
    missing = used - mapped - IIS_DEFAULT_EXTENSIONS
    assert not missing, f"docs/deploy.md web.config lacks {sorted(missing)}"
    assert ".whl" in used and ".gz" in used and ".wasm" in used  # the test sees the runtime


def test_deferred_wheels_agree_between_the_worker_and_the_snapshot_build():
    # worker.mjs installs these after ready; build_lock.py leaves them out of the snapshot.
    import build_lock  # scripts/

    worker = (ROOT / "docs" / "assets" / "checker" / "worker.mjs").read_text(encoding="utf-8")
    m = re.search(r"const DEFERRED = new Set\(\[([^\]]*)\]\)", worker)
    assert m, "DEFERRED not found in worker.mjs"
    assert set(re.findall(r'"([^"]+)"', m.group(1))) == build_lock.DEFERRED


def test_the_page_reads_messages_labels_topics_and_limits_from_the_core(site):
    # scripts/mkdocs_hooks.py writes checker.web.page_data() beside data.mjs; the page keeps no copy.
    from checker.web import page_data
    from mkdocs_hooks import PAGE_DATA_PREFIX

    module = (site / "assets" / "checker" / "checker-data.mjs").read_text(encoding="utf-8")
    assert module.startswith(PAGE_DATA_PREFIX) and module.endswith(";\n")
    written = json.loads(module[len(PAGE_DATA_PREFIX):-2])
    assert written == json.loads(json.dumps(page_data()))
    page_js = {p.name: p.read_text(encoding="utf-8") for p in (site / "assets" / "checker").glob("*.*js")}
    assert "64 * 1024 * 1024" not in page_js["app.js"] and "UI_ERROR" not in page_js["app.js"]
    assert "CHANGE_RE" not in page_js["render.mjs"] and "test: (c) =>" not in page_js["render.mjs"]
