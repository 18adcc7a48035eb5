"""scripts/serve.py: the MIME types and headers the browser runtime needs; GET/HEAD only."""
from __future__ import annotations

import http.client

import pytest

from serve import serve_in_thread  # scripts/


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
