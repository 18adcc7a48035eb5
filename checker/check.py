"""The one entry point of the core: bytes in, :class:`Result` out.

Never raises for bad input: every failure becomes findings and a verdict.
"""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import os
import time
from collections.abc import Sequence

from ._context import Context, EngineOutput
from ._version import __version__
from .errors import CheckerError
from .options import Options, QrInput
from .result import Finding, Result, verdict_for


class _Keep:
    """The type of ``_KEEP``: ``PendingCheck.finish()`` keeps ``Options.qr_texts``."""


_KEEP = _Keep()


def detect_format(data: bytes) -> str:
    """``pdf``, ``ofd`` or ``unknown`` from the leading bytes (not the file name)."""
    if data[:4] == b"PK\x03\x04":
        return "ofd"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "unknown"


def check_bytes(data: bytes, filename: str = "", options: Options | None = None) -> Result:
    return start_check(data, filename, options).finish()


class PendingCheck:
    """A check whose format engine (structure, signatures, page text) has run; :meth:`finish`
    adds the certificate checks (printed fields, QR codes) and gives the :class:`Result`.

    Lets a shell decode QR codes while the engine runs (the browser: pdf.js and zxing-wasm in
    their workers, Python in its own): ``start_check(data, name, opts)`` first, then
    ``finish(qr_texts)``.  ``check_bytes`` is ``start_check(...).finish()``.
    """

    def __init__(self, data: bytes, filename: str, fmt: str, out: EngineOutput, ctx: Context, go_on: bool) -> None:
        self._engine_s = time.monotonic() - ctx.started  # time already spent of Limits.max_seconds
        self._data = data
        self._filename = filename
        self._fmt = fmt
        self._out = out
        self._ctx = ctx
        self._go_on = go_on  # False: the engine already failed (error findings are in ctx)

    @property
    def format(self) -> str:
        return self._fmt

    def finish(self, qr_texts: Sequence[QrInput] | _Keep | None = _KEEP) -> Result:
        """The result; ``qr_texts`` (if given) replaces ``Options.qr_texts`` for the QR checks.

        May be called more than once (each call starts from the engine's findings)."""
        ctx = copy.copy(self._ctx)
        ctx.findings = list(self._ctx.findings)
        # One time budget for engine + certificate checks, as in a single call; the time between
        # the two steps (the browser decoding QR codes) does not count.
        ctx.started = time.monotonic() - self._engine_s
        if not isinstance(qr_texts, _Keep):
            qr = None if qr_texts is None else tuple(qr_texts)
            ctx.options = dataclasses.replace(ctx.options, qr_texts=qr)
        if self._go_on:
            with _as_findings(ctx):
                _certificate_checks(self._data, self._fmt, self._out, ctx)
        return _finish(self._data, self._filename, self._fmt, self._out, ctx)


def start_check(data: bytes, filename: str = "", options: Options | None = None) -> PendingCheck:
    """Run the format engine now; the certificate checks run in :meth:`PendingCheck.finish`."""
    options = options or Options()
    ctx = Context(options=options, filename=filename)
    data = bytes(data)
    fmt = detect_format(data)
    out = EngineOutput()
    go_on = False
    with _as_findings(ctx):
        if not data:
            ctx.add("INPUT_EMPTY")
        elif len(data) > options.limits.max_file_bytes:
            ctx.add("LIMIT_FILE_SIZE", size=len(data), limit=options.limits.max_file_bytes)
        elif fmt == "unknown":
            ctx.add("INPUT_UNSUPPORTED")
        else:
            ext = os.path.splitext(filename)[1].lower().lstrip(".")
            if ext in ("pdf", "ofd") and ext != fmt:
                ctx.add("INPUT_NAME_MISMATCH", ext=ext, fmt=fmt)
            try:
                out = _run_engine(fmt, data, ctx)
            except CheckerError as exc:
                # the signatures an engine verified before it stopped are still reported
                out = getattr(exc, "engine_output", None) or out
                raise
            go_on = True
    return PendingCheck(data, filename, fmt, out, ctx, go_on)


@contextlib.contextmanager
def _as_findings(ctx: Context):
    """Never raise for bad input: every failure becomes an ``error`` finding."""
    try:
        yield
    except CheckerError as exc:
        ctx.add(exc.code, "error", detail=exc.detail, **exc.params)
    except (RecursionError, MemoryError) as exc:
        ctx.add("LIMIT_EXCEEDED", "error", detail=type(exc).__name__)
    except Exception as exc:  # a bug of ours: report it, never a traceback
        ctx.add("INTERNAL_ERROR", "error", detail=f"{type(exc).__name__}: {exc}")


def check_file(path: str | os.PathLike, options: Options | None = None) -> Result:
    options = options or Options()
    data = read_file(path, options)
    return data if isinstance(data, Result) else check_bytes(data, os.fspath(path), options)


def read_file(path: str | os.PathLike, options: Options) -> bytes | Result:
    """The file's bytes, or the ``error`` result when it is too big or cannot be read."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > options.limits.max_file_bytes:
            ctx = Context(options=options, filename=name)
            ctx.add("LIMIT_FILE_SIZE", size=size, limit=options.limits.max_file_bytes)
            return _finish(b"", name, "unknown", EngineOutput(), ctx, size=size)
        with open(name, "rb") as fh:
            return fh.read()
    except OSError as exc:
        ctx = Context(options=options, filename=name)
        ctx.add("INPUT_MALFORMED", "error", detail=f"{exc.strerror or exc}")
        return _finish(b"", name, "unknown", EngineOutput(), ctx)


def error_result(filename: str, code: str, options: Options | None = None, **params: object) -> Result:
    """The ``error`` result for a file nothing could be judged of, with one finding ``code``
    (a shell's own failure, e.g. the CLI's checking process died on this file)."""
    ctx = Context(options=options or Options(), filename=filename)
    ctx.add(code, "error", **params)
    return _finish(b"", filename, "unknown", EngineOutput(), ctx)


def list_images(data: bytes, options: Options | None = None) -> list[tuple[str, bytes]]:
    """Images of an OFD package that may hold a QR code: ``[(source, png_or_jpeg_bytes)]``.

    Used by the browser shell, which decodes them with zxing-wasm and passes the texts back
    through ``Options.qr_texts``.  PDFs return ``[]`` (the browser renders them with pdf.js).
    Never raises: unreadable input gives ``[]`` (the real check reports why).
    """
    options = options or Options()
    data = bytes(data)
    if detect_format(data) != "ofd" or len(data) > options.limits.max_file_bytes:
        return []
    ctx = Context(options=options)
    try:
        from ._ofd import list_images as _ofd_images

        return list(_ofd_images(data, ctx))
    except Exception:
        return []


def _run_engine(fmt: str, data: bytes, ctx: Context) -> EngineOutput:
    if fmt == "pdf":
        from ._pdf import analyse_pdf

        return analyse_pdf(data, ctx)
    from ._ofd import analyse_ofd

    return analyse_ofd(data, ctx)


def _certificate_checks(data: bytes, fmt: str, out: EngineOutput, ctx: Context) -> None:
    """Printed fields, QR codes and their cross-checks (checker/_cert)."""
    from ._cert import certificate_checks

    certificate_checks(data, fmt, out, ctx)


def _finish(data, filename, fmt, out: EngineOutput, ctx: Context, size: int | None = None) -> Result:
    findings = _dedupe(ctx.findings)
    sigs = tuple(out.signatures)
    verdict = verdict_for(findings, sigs)
    if verdict == "warn" and not any(f.severity == "warn" for f in findings):
        findings = (*findings, Finding.make("NOT_PROVEN"))
    return Result(
        file=os.path.basename(filename) if filename else "",
        format=fmt,
        verdict=verdict,
        findings=findings,
        signatures=sigs,
        qr=tuple(ctx.qr_reports),
        fields=tuple(ctx.fields),
        size=size if size is not None else len(data),
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        pages=out.pages,
        checker_version=__version__,
        unprotected=tuple(out.unprotected),
    )


def _dedupe(findings) -> tuple[Finding, ...]:
    seen = set()
    out = []
    for f in findings:
        key = (f.code, f.severity, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)


__all__ = ["check_bytes", "check_file", "detect_format", "error_result", "list_images"]
