"""Checking many files in parallel processes, results in input order.

A small pool of its own rather than :mod:`concurrent.futures`: a file that crashes the process
checking it (a segfault in a native library, the kernel's OOM killer) or hangs it must cost that
one file, reported as ``error``, and the batch goes on with a fresh process.  (A
``ProcessPoolExecutor`` breaks as a whole when one worker dies.)

Each worker checks one file at a time and decodes its QR codes in process: the workers already
keep every core busy, so the single-file run's QR child would only compete with them.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..check import error_result
from ..options import Options
from ..result import Result

# A worker busy with one file for longer than this is stopped and the file reported as error.
# The core stops itself after Limits.max_seconds; this catches what it cannot (native code).
HANG_FACTOR = 3.0
HANG_MIN_S = 60.0


def _context() -> Any:
    # fork: workers start in milliseconds and share the modules imported so far.  Elsewhere
    # (macOS, Windows) fork is unsafe or missing: spawn.
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _check_file(path: str, options: Options) -> Result:
    from .main import check_one

    return check_one(path, options, background_qr=False)


def _worker(conn: multiprocessing.connection.Connection, options: Options) -> None:  # pragma: no cover - child
    """Receive ``(index, path)``, send ``(index, Result)``; ``None`` ends the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the workers
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path = task
        conn.send((index, _check_file(path, options)))


@dataclass
class _Worker:
    process: Any
    conn: multiprocessing.connection.Connection
    task: tuple[int, str] | None = None
    started: float = 0.0


def _load_engines(options: Options) -> None:
    """Import what every check needs once, here, before the workers are forked: they share these
    modules instead of each importing them again (~0.3 s of CPU per worker)."""
    import importlib

    names = ["checker._pdf", "checker._pdf.text", "checker._ofd", "checker._ofd.signatures", "checker._cert",
             "checker._crypto.cms", "checker._crypto.trust"]
    if options.qr_decoder is not None:
        names += ["pypdfium2", "zxingcpp", "PIL.Image"]
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a check that needs it reports it


class _Pool:
    def __init__(self, options: Options, jobs: int) -> None:
        self._options = options
        self._ctx = _context()
        if self._ctx.get_start_method() == "fork":
            _load_engines(options)
        limit = options.limits.max_seconds
        self.hang_s = max(HANG_MIN_S, HANG_FACTOR * limit)
        self.workers = [self._start() for _ in range(jobs)]

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker, args=(child, self._options), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def give(self, w: _Worker, task: tuple[int, str]) -> None:
        w.task, w.started = task, time.monotonic()
        try:
            w.conn.send(task)
        except OSError:  # the worker died between files: a fresh one takes the file
            fresh = self.replace(w)
            fresh.task, fresh.started = task, time.monotonic()
            fresh.conn.send(task)

    def replace(self, w: _Worker) -> _Worker:
        """Stop ``w`` (dead or hung) and put a fresh worker in its place."""
        self._stop(w, kill=True)
        fresh = self._start()
        self.workers[self.workers.index(w)] = fresh
        return fresh

    def _stop(self, w: _Worker, kill: bool) -> None:
        if kill and w.process.is_alive():
            w.process.kill()
        w.process.join(5)
        w.conn.close()

    def close(self) -> None:
        for w in self.workers:
            try:
                if w.task is None:
                    w.conn.send(None)
            except OSError:
                pass
        for w in self.workers:
            if w.task is None:
                w.process.join(5)
            self._stop(w, kill=True)


def run_batch(files: Sequence[str], options: Options, jobs: int) -> Iterator[Result]:
    """Check ``files`` with ``jobs`` worker processes; yield each result as soon as it and all
    results before it are known (input order)."""
    pool = _Pool(options, jobs)
    tasks = iter(enumerate(files))
    ready: dict[int, Result] = {}
    next_out = 0
    try:
        for w in pool.workers:
            task = next(tasks, None)
            if task is not None:
                pool.give(w, task)
        while next_out < len(files):
            for index, result in _collect(pool, options):
                ready[index] = result
            for w in pool.workers:
                if w.task is None:
                    task = next(tasks, None)
                    if task is not None:
                        pool.give(w, task)
            while next_out in ready:
                yield ready.pop(next_out)
                next_out += 1
    finally:
        pool.close()


def _collect(pool: _Pool, options: Options) -> list[tuple[int, Result]]:
    """Wait until at least one busy worker answers, dies or overruns its time; their results."""
    busy = [w for w in pool.workers if w.task is not None]
    now = time.monotonic()
    timeout = max(0.0, min(w.started + pool.hang_s for w in busy) - now) if busy else 0.0
    waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
    multiprocessing.connection.wait(waitables, timeout)
    out: list[tuple[int, Result]] = []
    for w in busy:
        assert w.task is not None
        index, path = w.task
        answer = _answer(w)
        if answer is not None:
            w.task = None
            out.append(answer)
        elif not w.process.is_alive():
            out.append((index, _crashed(path, w.process.exitcode, options)))
            w.task = None
            pool.replace(w)
        elif time.monotonic() - w.started > pool.hang_s:
            out.append((index, error_result(path, "LIMIT_TIME", options, limit=f"{pool.hang_s:g}")))
            w.task = None
            pool.replace(w)
    return out


def _answer(w: _Worker) -> tuple[int, Result] | None:
    try:
        if w.conn.poll():
            index, result = w.conn.recv()
            return int(index), result
    except (EOFError, OSError):
        pass
    return None


def _crashed(path: str, exitcode: int | None, options: Options) -> Result:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit status {exitcode}"
    detail = f"the process checking this file ended unexpectedly ({how}); the other files were checked"
    return error_result(path, "INTERNAL_ERROR", options, detail=detail)


__all__ = ["run_batch"]

