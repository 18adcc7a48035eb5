"""Shared fixtures of the browser tests (Playwright driving Debian chromium).

* ``site_dir``: the built site (``make build``); fails with a clear message when it is missing.
* ``site_server``: ``scripts/serve.py`` on a free port of 127.0.0.1 -> ``SiteServer(url, origin)``.
* ``browser`` (module scope, see ``playwright_instance``): Debian's ``/usr/bin/chromium`` (``playwright install`` cannot download browsers here;
  ``make test`` installs chromium with apt when it is missing).
* ``context``: a fresh browser context whose every request (pages, workers, websockets) is
  recorded by a ``RequestRecorder``; ``recorder.assert_same_origin_get(origin)`` fails on any
  request that left the origin or used another method than GET.
* ``checker_page``: one page of the checker, booted until ``<html data-checker-state="ready">``
  (module-scoped: Pyodide boots once per test module), with its recorder and boot time.

Mark tests ``@pytest.mark.browser``.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import threading
import time
from urllib.parse import urlsplit

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SITE = pathlib.Path(os.environ.get("CHECKER_SITE_DIR", ROOT / "site"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BOOT_TIMEOUT_MS = 120_000  # generous: CI shares 2 cores; the benchmark measures speed


def require_built_site(site: pathlib.Path = SITE) -> pathlib.Path:
    missing = [p for p in ("index.html", "checker/index.html", "runtime/pyodide/pyodide-lock.json")
               if not (site / p).is_file()]
    if missing:
        pytest.fail(f"built site incomplete at {site} (missing {', '.join(missing)}): "
                    "run `make build` (or `make test`, which builds first)", pytrace=False)
    return site


@dataclasses.dataclass
class SiteServer:
    url: str  # http://127.0.0.1:PORT/
    origin: str  # http://127.0.0.1:PORT


@dataclasses.dataclass
class Recorded:
    method: str
    url: str
    resource_type: str
    frame: str


class RequestRecorder:
    """Records every request of a browser context, including those of web workers."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()

    def attach(self, context) -> None:
        context.on("request", self._on_request)
        context.on("page", self._on_page)
        for page in context.pages:
            self._on_page(page)

    def _on_page(self, page) -> None:
        page.on("websocket", lambda ws: self._add("WEBSOCKET", ws.url, "websocket", page.url))

    def _on_request(self, request) -> None:
        try:
            frame = request.frame.url
        except Exception:  # worker requests have no frame
            frame = "(worker)"
        self._add(request.method, request.url, request.resource_type, frame)

    def _add(self, method: str, url: str, rtype: str, frame: str) -> None:
        with self._lock:
            self.requests.append(Recorded(method, url, rtype, frame))

    def urls(self) -> list[str]:
        with self._lock:
            return [r.url for r in self.requests]

    def offenders(self, origin: str) -> list[Recorded]:
        bad = []
        with self._lock:
            for r in self.requests:
                parts = urlsplit(r.url)
                same = f"{parts.scheme}://{parts.netloc}" == origin
                inline = parts.scheme in ("data", "blob")  # never leaves the browser
                if r.method != "GET" or not (same or inline):
                    bad.append(r)
        return bad

    def assert_same_origin_get(self, origin: str) -> None:
        assert self.requests, "no request was recorded: the recorder is not attached"
        bad = self.offenders(origin)
        assert not bad, "requests that left the origin or were not GET:\n" + "\n".join(
            f"  {r.method} {r.url} ({r.resource_type}, from {r.frame})" for r in bad)


@pytest.fixture(scope="session")
def site_dir() -> pathlib.Path:
    return require_built_site()


@pytest.fixture(scope="session")
def site_server(site_dir):
    from serve import serve_in_thread  # scripts/ is on sys.path (tests/conftest.py)

    server = serve_in_thread(site_dir, "127.0.0.1", 0, quiet=True)
    host, port = server.server_address[:2]
    try:
        yield SiteServer(url=f"http://{host}:{port}/", origin=f"http://{host}:{port}")
    finally:
        server.shutdown()
        server.server_close()


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the main
# thread while it is open, which breaks later tests that call asyncio.run() (pyHanko does).
@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright  # dev dependency

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_instance):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: `make test` installs Debian's chromium "
                    "(apt-get install chromium)", pytrace=False)
    b = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()


def _new_context(browser):
    context = browser.new_context(locale="zh-CN", service_workers="block")
    recorder = RequestRecorder()
    recorder.attach(context)
    return context, recorder


@pytest.fixture
def context(browser):
    ctx, recorder = _new_context(browser)
    ctx.recorder = recorder
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def recorder(context) -> RequestRecorder:
    return context.recorder


@dataclasses.dataclass
class CheckerPage:
    page: object
    recorder: RequestRecorder
    server: SiteServer
    boot_ms: float  # page navigation start -> <html data-checker-state="ready">
    ready: dict  # what the worker reported: python, checker, ms, timings
    errors: list


@pytest.fixture(scope="module")
def checker_page(browser, site_server):
    ctx, recorder = _new_context(browser)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    started = time.perf_counter()
    page.goto(site_server.url + "checker/index.html")
    page.wait_for_selector("html[data-checker-state=ready], html[data-checker-state=error]",
                           state="attached", timeout=BOOT_TIMEOUT_MS)
    wall_ms = (time.perf_counter() - started) * 1000
    state = page.evaluate("document.documentElement.dataset.checkerState")
    if state != "ready":
        status = page.evaluate("document.body.innerText")[:2000]
        ctx.close()
        pytest.fail(f"checker page did not boot (state {state!r}); page errors {errors}; page text:\n{status}")
    ready = page.evaluate("window.checkerClient.ready")
    boot_ms = float(page.evaluate("document.documentElement.dataset.checkerMs") or wall_ms)
    try:
        yield CheckerPage(page, recorder, site_server, boot_ms, ready, errors)
    finally:
        ctx.close()
