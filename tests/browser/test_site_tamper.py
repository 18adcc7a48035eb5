"""A tampered runtime file is refused: the worker reports an error instead of running it.

The site's lockfile pins every wheel's sha256 and the worker fetches wheels with Subresource
Integrity, so a modified ``checker`` wheel on the server must not load.
"""
from __future__ import annotations

import shutil

import pytest

from conftest import BOOT_TIMEOUT_MS, _new_context

pytestmark = pytest.mark.browser


def test_modified_checker_wheel_is_not_loaded(browser, site_dir, tmp_path):
    from serve import serve_in_thread

    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy, ignore=shutil.ignore_patterns("samples", "pdfjs", "zxing"))
    (wheel,) = (copy / "runtime" / "pyodide").glob("cq_cert_check-*.whl")
    wheel.write_bytes(wheel.read_bytes() + b"\0")  # still a valid zip; different sha256

    server = serve_in_thread(copy, "127.0.0.1", 0, quiet=True)
    ctx, recorder = _new_context(browser)
    try:
        host, port = server.server_address[:2]
        page = ctx.new_page()
        page.goto(f"http://{host}:{port}/checker/index.html")
        page.wait_for_selector("html[data-checker-state=ready], html[data-checker-state=error]",
                               state="attached", timeout=BOOT_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.dataset.checkerState") == "error"
        message = page.evaluate("window.checkerClient.ready.then(() => 'ready', (e) => e.message)")
        assert "failed to load the checker" in message, message
        assert "loading cq-cert-check" in message, message  # the wheel itself was refused (SRI), not a later import
        assert any(u.endswith(wheel.name) for u in recorder.urls())
        recorder.assert_same_origin_get(f"http://{host}:{port}")
    finally:
        ctx.close()
        server.shutdown()
        server.server_close()
