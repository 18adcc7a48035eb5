"""scripts/serve.py: the MIME types and headers the browser runtime needs; GET/HEAD only; gzip."""
from __future__ import annotations

import concurrent.futures
import gzip
import http.client
import os

import pytest

import serve
from serve import GzipCache, accepts_gzip, serve_in_thread  # scripts/


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    (tmp_path / "runtime").mkdir()
    for name, data in {"w.mjs": b"export {}", "p.wasm": b"\0asm\1\0\0\0", "l.json": b"{}",
                       "a.whl": b"PK", "s.zip": b"PK"}.items():
        (tmp_path / "runtime" / name).write_bytes(data)
    srv = serve_in_thread(tmp_path, "127.0.0.1", 0, quiet=True)
    yield srv.server_address[:2]
    srv.shutdown()
    srv.server_close()


def request(addr, method, path, headers=None):
    conn = http.client.HTTPConnection(*addr, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path, mime", [
    ("/runtime/w.mjs", "text/javascript"),
    ("/runtime/p.wasm", "application/wasm"),
    ("/runtime/l.json", "application/json"),
    ("/runtime/a.whl", "application/octet-stream"),
    ("/runtime/s.zip", "application/zip"),
    ("/index.html", "text/html"),
])
def test_mime_types_and_cache_headers(server, path, mime):
    status, headers, _ = request(server, "GET", path)
    assert status == 200
    assert headers["Content-Type"].split(";")[0] == mime
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_revalidation_gives_304(server):
    _, headers, _ = request(server, "GET", "/runtime/p.wasm")
    status, _, body = request(server, "GET", "/runtime/p.wasm", {"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304 and body == b""


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_only_get_and_head(server, method):
    status, _, _ = request(server, method, "/index.html")
    assert status == 501


def test_no_directory_escape(server):
    status, _, _ = request(server, "GET", "/../../etc/passwd")
    assert status == 404


# --- gzip -------------------------------------------------------------------------------------

HTML = ("<!doctype html><title>x</title>" + "<p>证书核验 certificate check</p>\n" * 200).encode()
MJS = b"export const table = [" + b", ".join(str(i).encode() for i in range(3000)) + b"];\n"
WASM = b"\0asm\1\0\0\0" + bytes(range(256)) * 40
BINARY = os.urandom(4096) + b"\0" * 8192  # compressible, yet must go as it is


@pytest.fixture
def gz_site(tmp_path):
    files = {"index.html": HTML, "checker/index.html": HTML.replace(b"<p>", b"<div>"),
             "runtime/app.mjs": MJS, "runtime/p.wasm": WASM, "assets/tiny.css": b"body{margin:0}",
             "runtime/a.whl": BINARY, "samples/c.pdf": BINARY, "samples/c.ofd": BINARY,
             "runtime/s.zip": BINARY}
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    srv = serve_in_thread(tmp_path, "127.0.0.1", 0, quiet=True)
    yield srv.server_address[:2], tmp_path, srv
    srv.shutdown()
    srv.server_close()


GZ = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.mark.parametrize("path, data", [("/index.html", HTML), ("/runtime/app.mjs", MJS),
                                        ("/runtime/p.wasm", WASM)])
def test_gzip_when_asked(gz_site, path, data):
    addr, _, _ = gz_site
    status, headers, body = request(addr, "GET", path, GZ)
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert int(headers["Content-Length"]) == len(body) < len(data)
    assert gzip.decompress(body) == data
    assert headers["Cache-Control"] == "no-cache" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Last-Modified"]


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "gzip; q=0.000, deflate", "br", "*;q=0"])
def test_identity_when_not_asked(gz_site, accept):
    addr, _, _ = gz_site
    status, headers, body = request(addr, "GET", "/index.html", {"Accept-Encoding": accept} if accept else {})
    assert status == 200
    assert "Content-Encoding" not in headers
    assert headers["Vary"] == "Accept-Encoding"  # the answer depends on the header even so
    assert body == HTML and int(headers["Content-Length"]) == len(HTML)


@pytest.mark.parametrize("value, expected", [
    ("gzip", True), ("GZIP", True), ("x-gzip", True), ("deflate, gzip;q=0.5", True), ("*", True),
    ("br, *;q=0.1", True), ("gzip;q=1.0", True), ("", False), (None, False), ("identity", False),
    ("gzip;q=0", False), ("gzip ; Q=0.0", False), ("*;q=0", False), ("gzip;q=0, *", False),
    ("gzip;q=abc", False), ("deflate, br", False),
])
def test_accepts_gzip(value, expected):
    assert accepts_gzip(value) is expected


def test_directory_index_is_compressed(gz_site):
    addr, root, _ = gz_site
    status, headers, body = request(addr, "GET", "/checker/", GZ)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (root / "checker" / "index.html").read_bytes()
    status, headers, _ = request(addr, "GET", "/checker", GZ)
    assert status == 301 and headers["Location"] == "/checker/"


@pytest.mark.parametrize("path, mime", [("/runtime/a.whl", "application/octet-stream"),
                                        ("/samples/c.pdf", "application/pdf"),
                                        ("/samples/c.ofd", "application/ofd"),
                                        ("/runtime/s.zip", "application/zip"),
                                        ("/assets/tiny.css", "text/css")])
def test_never_gzipped(gz_site, path, mime):
    addr, root, _ = gz_site
    status, headers, body = request(addr, "GET", path, GZ)
    assert status == 200 and headers["Content-Type"].split(";")[0] == mime
    assert "Content-Encoding" not in headers and "Vary" not in headers
    assert body == (root / path.lstrip("/")).read_bytes() and int(headers["Content-Length"]) == len(body)


def test_etags_differ_and_if_none_match_gives_304(gz_site):
    addr, _, _ = gz_site
    _, plain, _ = request(addr, "GET", "/runtime/app.mjs")
    _, zipped, _ = request(addr, "GET", "/runtime/app.mjs", GZ)
    assert plain["ETag"].startswith('"') and zipped["ETag"].startswith('"')  # strong
    assert plain["ETag"] != zipped["ETag"]
    for headers, etag in (({}, plain["ETag"]), (GZ, zipped["ETag"])):
        status, h, body = request(addr, "GET", "/runtime/app.mjs", {**headers, "If-None-Match": etag})
        assert status == 304 and body == b"" and h["ETag"] == etag and h["Vary"] == "Accept-Encoding"
        assert h["Cache-Control"] == "no-cache"
    # the other variant's tag does not match: a full answer
    status, h, body = request(addr, "GET", "/runtime/app.mjs", {**GZ, "If-None-Match": plain["ETag"]})
    assert status == 200 and gzip.decompress(body) == MJS
    status, _, _ = request(addr, "GET", "/runtime/app.mjs", {**GZ, "If-None-Match": f'"x", W/{zipped["ETag"]}'})
    assert status == 304
    # If-None-Match wins over If-Modified-Since
    status, _, _ = request(addr, "GET", "/runtime/app.mjs", {**GZ, "If-None-Match": '"other"',
                                                             "If-Modified-Since": zipped["Last-Modified"]})
    assert status == 200


def test_if_modified_since_304_for_gzip(gz_site):
    addr, _, _ = gz_site
    _, headers, _ = request(addr, "GET", "/index.html", GZ)
    status, h, body = request(addr, "GET", "/index.html", {**GZ, "If-Modified-Since": headers["Last-Modified"]})
    assert status == 304 and body == b"" and h["ETag"] == headers["ETag"]


@pytest.mark.parametrize("accept", [GZ, {}])
def test_head_sends_headers_only(gz_site, accept):
    addr, _, _ = gz_site
    _, got, body = request(addr, "GET", "/runtime/p.wasm", accept)
    status, head, head_body = request(addr, "HEAD", "/runtime/p.wasm", accept)
    assert status == 200 and head_body == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Vary", "Cache-Control"):
        assert head[name] == got[name], name
    assert head.get("Content-Encoding") == got.get("Content-Encoding") == ("gzip" if accept else None)
    assert int(head["Content-Length"]) == len(body)


@pytest.fixture
def count_compress(monkeypatch):
    calls = []
    real = serve.compress

    def counting(data, level):
        calls.append((len(data), level))
        return real(data, level)

    monkeypatch.setattr(serve, "compress", counting)
    return calls


def test_compressed_once_then_from_cache(gz_site, count_compress):
    addr, _, srv = gz_site
    bodies = [request(addr, method, "/runtime/app.mjs", GZ)[2] for method in ("GET", "HEAD", "GET", "GET")]
    assert count_compress == [(len(MJS), serve.GZIP_LEVEL)]
    assert bodies[0] == bodies[2] == bodies[3] and bodies[1] == b""
    assert len(srv.gzip_cache) == 1 and srv.gzip_cache.total == len(bodies[0])


def test_concurrent_first_requests_compress_once(gz_site, count_compress):
    addr, _, _ = gz_site
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: request(addr, "GET", "/index.html", GZ), range(16)))
    assert all(status == 200 and gzip.decompress(body) == HTML for status, _, body in results)
    assert len(count_compress) == 1


def test_changed_file_is_served_fresh(gz_site, count_compress):
    addr, root, srv = gz_site
    _, before, body = request(addr, "GET", "/index.html", GZ)
    assert gzip.decompress(body) == HTML
    new = HTML.replace(b"certificate", b"CERTIFICATE") + b"<p>v2</p>"
    target = root / "index.html"
    st = target.stat()
    target.write_bytes(new)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    _, after, body = request(addr, "GET", "/index.html", GZ)
    assert gzip.decompress(body) == new and int(after["Content-Length"]) == len(body)
    assert after["ETag"] != before["ETag"]
    assert len(count_compress) == 2
    assert len(srv.gzip_cache) == 1  # the stale entry was replaced, not kept beside
    status, _, _ = request(addr, "GET", "/index.html", {**GZ, "If-None-Match": before["ETag"]})
    assert status == 200
    _, _, plain = request(addr, "GET", "/index.html")
    assert plain == new


def test_big_files_use_the_fast_level(tmp_path, count_compress):
    big = b"".join(b"line %d of a big module\n" % i for i in range(serve.GZIP_BIG_SIZE // 20))
    assert len(big) > serve.GZIP_BIG_SIZE
    (tmp_path / "big.wasm").write_bytes(big)
    srv = serve_in_thread(tmp_path, "127.0.0.1", 0, quiet=True)
    try:
        _, headers, body = request(srv.server_address[:2], "GET", "/big.wasm", GZ)
    finally:
        srv.shutdown()
        srv.server_close()
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == big
    assert count_compress == [(len(big), serve.GZIP_BIG_LEVEL)]


def test_cache_is_bounded():
    cache = GzipCache(limit=3000)
    blobs = {f"/f{i}": os.urandom(1000) for i in range(5)}  # incompressible: ~1 KB each gzipped
    for path, data in blobs.items():
        gz = cache.get(path, (1, len(data)), lambda d=data: d, 6)
        assert gzip.decompress(gz) == data
        assert cache.total <= cache.limit
    assert len(cache) == 2  # the least recently used went first
    assert cache.get("/f4", (1, 1000), lambda: pytest.fail("not cached"), 6)
    huge = os.urandom(5000)
    assert gzip.decompress(cache.get("/huge", (1, 5000), lambda: huge, 6)) == huge  # served, not kept
    assert cache.total <= cache.limit and "/huge" not in cache._entries
