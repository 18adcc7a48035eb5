"""Serve a built site the way an intranet web server should: right MIME types, sane caching.

    python scripts/serve.py [--bind 127.0.0.1] [--port 8000] [SITE_DIR]

* ``.mjs`` -> ``text/javascript``, ``.wasm`` -> ``application/wasm`` (module workers and
  ``WebAssembly.instantiateStreaming`` refuse anything else), ``.whl``/``.zip`` as binary.
* ``Cache-Control: no-cache`` everywhere: browsers keep files but revalidate them
  (``Last-Modified`` -> 304), so a rebuilt site is picked up at once.
* Only GET and HEAD.  Used by ``make serve`` and by the browser tests (``make_server``).
"""
from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
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
    ".bcmap": "application/octet-stream",
    ".pfb": "application/octet-stream",
    ".icc": "application/vnd.iccprofile",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}
    protocol_version = "HTTP/1.1"
    quiet = False

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if not self.quiet:
            super().log_message(format, *args)


def make_server(root: Path, bind: str = "127.0.0.1", port: int = 0, quiet: bool = False):
    """A ThreadingHTTPServer for ``root`` (port 0: a free port; see ``server.server_address``)."""
    handler = functools.partial(type("Handler", (SiteHandler,), {"quiet": quiet}), directory=str(root))
    server = http.server.ThreadingHTTPServer((bind, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(root: Path, bind: str = "127.0.0.1", port: int = 0, quiet: bool = True):
    server = make_server(root, bind, port, quiet)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    return server


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Serve the built site with correct MIME types.")
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
