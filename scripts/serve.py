"""Serve a built site the way an intranet web server should: right MIME types, sane caching, gzip.

    python scripts/serve.py [--bind 127.0.0.1] [--port 8000] [SITE_DIR]

* ``.mjs`` -> ``text/javascript``, ``.wasm`` -> ``application/wasm`` (module workers and
  ``WebAssembly.instantiateStreaming`` refuse anything else), ``.whl``/``.zip`` as binary.
* gzip like a configured nginx: when ``Accept-Encoding`` allows it (q-values honoured,
  ``gzip;q=0`` means no) a text or wasm file (``COMPRESSIBLE``, at least ``GZIP_MIN_SIZE``
  bytes) is sent with ``Content-Encoding: gzip`` and ``Vary: Accept-Encoding``; archives,
  images and PDFs never are.  Each file is compressed once: ``GzipCache`` keeps the bytes
  in memory per (path, mtime_ns, size), shared by the server's threads, at most
  ``GZIP_CACHE_BYTES`` in all (least recently used dropped first); a file changed on disk
  is compressed afresh.
* ``Cache-Control: no-cache`` everywhere: browsers keep files but revalidate them
  (``Last-Modified`` / ``If-Modified-Since`` or the strong ``ETag`` / ``If-None-Match``
  -> 304), so a rebuilt site is picked up at once.  The gzip variant has its own ETag
  (suffix ``-gz``).
* Only GET and HEAD (HEAD: the same headers, no body); no Range requests (as the stdlib).
  Used by ``make serve`` and by the browser tests (``serve_in_thread`` / ``make_server``).
"""
from __future__ import annotations

import argparse
import collections
import datetime
import email.utils
import functools
import gzip
import http.server
import io
import os
import sys
import threading
import urllib.parse
from http import HTTPStatus
from pathlib import Path

MIME_TYPES = {
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".ofd": "application/ofd",
    ".pdf": "application/pdf",
    ".gz": "application/gzip",  # runtime/pyodide/checker-snapshot.bin.gz: never Content-Encoding
    ".bcmap": "application/octet-stream",
    ".pfb": "application/octet-stream",
    ".icc": "application/vnd.iccprofile",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}

# Worth compressing (text, wasm, uncompressed fonts and icons).  Not: .whl .zip .gz .png .jpg
# .pdf .ofd .woff2 (already compressed), .bcmap/.pfb/.icc (measured: gzip saves <10% or grows them).
COMPRESSIBLE = frozenset({
    ".html", ".htm", ".css", ".js", ".mjs", ".json", ".map", ".svg", ".txt", ".xml",
    ".wasm", ".webmanifest", ".ttf", ".otf", ".ico",
})
GZIP_MIN_SIZE = 1024  # smaller files go as they are: gzip's header and the Vary cost more than it saves
GZIP_CACHE_BYTES = 256 * 1024 * 1024
GZIP_LEVEL = 6
# Big files (pyodide.asm.wasm, 9.6 MB) at level 1.  Measured on this machine (python gzip):
# level 1: 171 ms -> 3.99 MB; level 4: 268 ms -> 3.67 MB; level 6: 565 ms -> 3.55 MB.
# Level 6 would hold the first checker boot ~0.4 s (more on a loaded CI box) for 11% fewer bytes.
GZIP_BIG_SIZE = 2 * 1024 * 1024
GZIP_BIG_LEVEL = 1


def compress(data: bytes, level: int) -> bytes:
    """gzip ``data`` (mtime 0: the same bytes every time)."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def accepts_gzip(header: str | None) -> bool:
    """Does an ``Accept-Encoding`` value allow gzip?  Absent -> no (send identity)."""
    if not header:
        return False
    gzip_q = star_q = None
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0  # malformed: do not count on it
        if coding in ("gzip", "x-gzip"):
            gzip_q = q if gzip_q is None else max(gzip_q, q)
        elif coding == "*":
            star_q = q
    if gzip_q is not None:
        return gzip_q > 0
    return star_q is not None and star_q > 0


def etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` (weak comparison, RFC 9110 13.1.2) against our strong ``etag``."""
    if header.strip() == "*":
        return True
    tags = [t.strip() for t in header.split(",")]
    return any((t[2:] if t.startswith("W/") else t) == etag for t in tags)


class GzipCache:
    """Compressed bytes per file, thread-safe, at most ``limit`` bytes (LRU).

    One entry per path holding the (mtime_ns, size) it was made from: a changed file replaces
    its stale entry.  Concurrent first requests for one file compress it once (a lock per file).
    """

    def __init__(self, limit: int = GZIP_CACHE_BYTES) -> None:
        self.limit = limit
        self.total = 0
        self._entries: collections.OrderedDict[str, tuple[tuple[int, int], bytes]] = collections.OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, tuple[int, int]], threading.Lock] = {}

    def _lookup(self, path: str, stamp: tuple[int, int]) -> bytes | None:
        entry = self._entries.get(path)
        if entry is not None and entry[0] == stamp:
            self._entries.move_to_end(path)
            return entry[1]
        return None

    def get(self, path: str, stamp: tuple[int, int], read, level: int) -> bytes:
        """The gzip of ``read()`` (the file at ``path`` as ``stamp`` = (mtime_ns, size))."""
        key = (path, stamp)
        with self._lock:
            hit = self._lookup(path, stamp)
            if hit is not None:
                return hit
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._lookup(path, stamp)
            if hit is not None:
                return hit
            try:
                data = read()
                gz = compress(data, level)
                if len(data) == stamp[1]:  # not caught mid-write
                    self._store(path, stamp, gz)
            finally:
                with self._lock:
                    self._pending.pop(key, None)
        return gz

    def _store(self, path: str, stamp: tuple[int, int], gz: bytes) -> None:
        with self._lock:
            old = self._entries.pop(path, None)
            if old is not None:
                self.total -= len(old[1])
            if len(gz) > self.limit:
                return
            while self._entries and self.total + len(gz) > self.limit:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.total -= len(dropped)
            self._entries[path] = (stamp, gz)
            self.total += len(gz)

    def __len__(self) -> int:
        return len(self._entries)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}  # noqa: RUF012 (typeshed: an instance attribute)
    protocol_version = "HTTP/1.1"
    quiet = False
    gzip_cache: GzipCache | None = None  # make_server gives each server's handlers their own
    index_pages = ("index.html", "index.htm")  # as http.server.SimpleHTTPRequestHandler (3.12+)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def send_head(self):
        """The stdlib's send_head (directories, index.html, 404, If-Modified-Since) plus ETag,
        If-None-Match and gzip.  Returns a file object for do_GET/do_HEAD, or None."""
        path = self.translate_path(self.path)  # confines the path to the served root
        if os.path.isdir(path):
            parts = urllib.parse.urlsplit(self.path)
            if not parts.path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", urllib.parse.urlunsplit(
                    (parts[0], parts[1], parts[2] + "/", parts[3], parts[4])))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            for index in self.index_pages:
                index = os.path.join(path, index)
                if os.path.isfile(index):
                    path = index
                    break
            else:
                return self.list_directory(path)
        if path.endswith("/"):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            f = open(path, "rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        try:
            return self._send_file_head(path, f)
        except BaseException:
            f.close()
            raise

    def _send_file_head(self, path: str, f):
        fs = os.fstat(f.fileno())
        ext = os.path.splitext(path)[1].lower()
        varies = ext in COMPRESSIBLE and fs.st_size >= GZIP_MIN_SIZE
        use_gzip = varies and accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = f'"{fs.st_mtime_ns:x}-{fs.st_size:x}{"-gz" if use_gzip else ""}"'
        last_modified = self.date_time_string(fs.st_mtime)

        if self._not_modified(fs, etag):
            f.close()
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            if varies:
                self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None

        length = fs.st_size
        if use_gzip:
            cache = self.gzip_cache if self.gzip_cache is not None else _DEFAULT_CACHE
            level = GZIP_BIG_LEVEL if fs.st_size > GZIP_BIG_SIZE else GZIP_LEVEL
            gz = cache.get(path, (fs.st_mtime_ns, fs.st_size), f.read, level)
            f.close()
            f = io.BytesIO(gz)
            length = len(gz)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Length", str(length))
        self.send_header("Last-Modified", last_modified)
        self.send_header("ETag", etag)
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        if varies:
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return f

    def _not_modified(self, fs: os.stat_result, etag: str) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.2.2)
            return etag_matches(inm, etag)
        ims = self.headers.get("If-Modified-Since")
        if ims is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(ims)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        if when.tzinfo is not datetime.UTC:
            return False
        modified = datetime.datetime.fromtimestamp(fs.st_mtime, datetime.UTC).replace(microsecond=0)
        return modified <= when

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


_DEFAULT_CACHE = GzipCache()  # for a SiteHandler used outside make_server


class _SiteServer(http.server.ThreadingHTTPServer):
    gzip_cache: GzipCache


def make_server(root: Path, bind: str = "127.0.0.1", port: int = 0, quiet: bool = False):
    """A ThreadingHTTPServer for ``root`` (port 0: a free port; see ``server.server_address``).

    ``server.gzip_cache`` is its ``GzipCache``."""
    cache = GzipCache()
    handler = functools.partial(type("Handler", (SiteHandler,), {"quiet": quiet, "gzip_cache": cache}),
                                directory=str(root))
    server = _SiteServer((bind, port), handler)
    server.daemon_threads = True
    server.gzip_cache = cache
    return server


def serve_in_thread(root: Path, bind: str = "127.0.0.1", port: int = 0, quiet: bool = True):
    server = make_server(root, bind, port, quiet)
    # poll 20 times a second: shutdown() waits up to one poll interval (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="site-server", daemon=True)
    thread.start()
    return server


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Serve the built site with correct MIME types and gzip.")
    ap.add_argument("root", nargs="?", default="site", type=Path)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    if not (args.root / "index.html").is_file():
        print(f"serve.py: {args.root}/index.html not found: build the site first (make build)", file=sys.stderr)
        return 1
    server = make_server(args.root, args.bind, args.port)
    host, port = server.server_address[:2]
    print(f"Serving {args.root}/ at http://{host}:{port}/  (checker: http://{host}:{port}/checker/index.html)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
