"""Command-line shell: ``python -m checker [options] FILE_OR_DIR...``

Exit status: 0 all pass, 1 worst is warn, 2 worst is fail, 3 worst is error, 64 usage error.
The core does the work; this module parses flags, lists the files, runs them (one at a time or
in parallel processes, :mod:`checker.cli.batch`) and prints.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TextIO

from .. import __version__
from ..check import check_bytes, detect_format, read_file
from ..messages import ANCHOR_ORIGIN_LABELS, SEVERITY_LABELS, VERDICT_LABELS
from ..options import Options
from ..report import csv_text, summary_line
from ..result import Result

EXIT = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
EX_USAGE = 64
CERT_SUFFIXES = (".pdf", ".ofd")

VERDICT_ZH = VERDICT_LABELS
SEVERITY_ZH = SEVERITY_LABELS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # usage errors exit 64, not 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误 / usage error: {message}", file=sys.stderr)
        raise SystemExit(EX_USAGE)


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return n


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m checker",
        description="核验二级建造师电子注册证书（PDF/OFD）的电子签章、二维码与证面信息。文件不会被上传。",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="PDF 或 OFD 文件，或包含它们的文件夹")
    p.add_argument("-r", "--recursive", action="store_true", help="也核验文件夹的子文件夹中的 .pdf/.ofd 文件")
    p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help=f"同时核验的进程数（默认为 CPU 数：{os.cpu_count() or 1}）")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--csv", metavar="CSV", help="另存结果表（与网页“导出 CSV”相同的列）")
    p.add_argument("--trust", action="append", default=[], metavar="PEM", help="额外信任的根证书（PEM/DER），可重复")
    p.add_argument("--no-default-trust", action="store_true", help="不使用内置的根证书")
    p.add_argument("--trust-demo", action="store_true", help="信任内置的演示（示例）CA，仅用于示例文件")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="以该日期判断有效期（便于复核）")
    p.add_argument("--no-qr", action="store_true", help="不识别二维码")
    p.add_argument("--version", action="version", version=f"checker {__version__}")
    return p


class _UsageError(Exception):
    pass


def build_options(args: argparse.Namespace) -> Options:
    trust = []
    for path in args.trust:
        try:
            with open(path, "rb") as fh:
                trust.append(fh.read())
        except OSError as exc:
            raise _UsageError(f"cannot read --trust {path}: {exc.strerror}") from None
    today = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise _UsageError(f"--today must be YYYY-MM-DD, got {args.today!r}") from None
    decoder = None
    if not args.no_qr:
        try:
            from .qr_native import NativeQrDecoder

            decoder = NativeQrDecoder()
        except ImportError:
            decoder = None
    return Options(
        trust=tuple(trust),
        use_default_trust=not args.no_default_trust,
        trust_demo=args.trust_demo,
        today=today,
        qr_decoder=decoder,
    )


def list_files(paths: Sequence[str], recursive: bool) -> list[str]:
    """The files to check, in the order given; a directory stands for its .pdf/.ofd files
    (sorted by name; with ``recursive`` its subdirectories' too).  A path that does not exist
    stays in the list: the check reports it as ``error``."""
    out: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            out.extend(_walk(path, recursive))
        else:
            out.append(path)
    return out


def _walk(folder: str, recursive: bool) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    subdirs = []
    for entry in entries:
        if entry.is_dir():
            subdirs.append(entry.path)
        elif entry.name.lower().endswith(CERT_SUFFIXES) and entry.is_file():
            yield entry.path
    if recursive:
        for sub in subdirs:
            yield from _walk(sub, recursive)


def format_text(r: Result) -> str:
    lines = [f"{r.file}: {VERDICT_ZH[r.verdict]} ({r.verdict})  [{r.format.upper()}]"]
    for s in r.signatures:
        state = "完好" if s.intact else "已损坏/被改动"
        trust = "可信" if s.trusted else "不可信"
        who = s.signer or "未知签章人"
        when = f"，时间 {s.signed_at}" if s.signed_at else ""
        lines.append(f"  签章 {s.index}（{s.algorithm}）：{who}，{state}，{trust}{when}")
        if s.trusted and s.anchor_sha256:
            origin = ANCHOR_ORIGIN_LABELS.get(s.anchor_origin or "", s.anchor_origin)
            lines.append(f"    根证书：{s.anchor}（{origin}），SHA-256 {s.anchor_sha256}")
    for q in r.qr:
        badge = "官方网址" if q.official else "非官方"
        lines.append(f"  二维码：{q.text}（{badge}）")
    for f in r.findings:
        if f.severity == "info" and r.verdict != "pass":
            continue
        lines.append(f"  [{SEVERITY_ZH[f.severity]}] {f.message}")
    return "\n".join(lines)


def check_one(path: str, options: Options, background_qr: bool = True) -> Result:
    """``check_file``.  With ``background_qr`` the QR codes (a PDF's pages, an OFD's images) are
    decoded meanwhile in a forked child process (see :mod:`checker.cli.qr_native`): that puts
    the second core to work on a single file.  A batch keeps every core busy with files
    instead and decodes in process."""
    data = read_file(path, options)
    if isinstance(data, Result):
        return data
    fmt = detect_format(data)
    if not background_qr or options.qr_decoder is None or fmt not in ("pdf", "ofd"):
        return check_bytes(data, path, options)
    from .qr_native import (
        BackgroundOfdQr,
        BackgroundPdfQr,
        NativeQrDecoder,
        _Background,
    )

    lim = options.limits
    background: _Background
    if fmt == "pdf":
        background = BackgroundPdfQr(data, min(lim.max_qr_pages, lim.max_pages), lim.max_seconds)
    else:
        background = BackgroundOfdQr(data, lim, lim.max_seconds)
    try:
        return check_bytes(data, path, dataclasses.replace(options, qr_decoder=NativeQrDecoder(background, lim)))
    finally:
        background.close()


class Progress:
    """``12/175  6.1 个/秒  剩余约 27 秒`` on one rewritten line of a terminal; silent elsewhere."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self._total = total
        self._stream = stream
        self._on = total > 1 and stream.isatty()
        self._t0 = time.monotonic()
        self._last = 0.0
        self._width = 0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self._on or (now - self._last < 0.1 and done < self._total):
            return
        self._last = now
        elapsed = max(now - self._t0, 1e-6)
        rate = done / elapsed
        eta = f"  剩余约 {(self._total - done) / rate:.0f} 秒" if done and done < self._total else ""
        text = f"{done}/{self._total}  {rate:.1f} 个/秒{eta}"
        width = _display_width(text)
        pad = max(0, self._width - width)
        if width < shutil.get_terminal_size().columns:  # never wrap: \r could not undo it
            self._stream.write("\r" + text + " " * pad)
            self._stream.flush()
            self._width = width

    def clear(self) -> None:
        if self._on:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()


def _display_width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        options = build_options(args)
    except _UsageError as exc:
        print(f"python -m checker: 参数错误 / usage error: {exc}", file=sys.stderr)
        return EX_USAGE
    files = list_files(args.files, args.recursive)
    if not files:
        print("python -m checker: 没有找到 .pdf 或 .ofd 文件 / no .pdf or .ofd files found", file=sys.stderr)
        return EX_USAGE
    jobs = min(args.jobs or os.cpu_count() or 1, len(files))
    progress = Progress(len(files), sys.stderr)
    results: list[Result] = []
    for r in _results(files, options, jobs):
        results.append(r)
        progress.clear()
        sys.stdout.write((r.to_json() if args.json else format_text(r)) + "\n")
        sys.stdout.flush()
        progress.update(len(results))
    progress.clear()
    if len(results) > 1:
        # with --json, stdout stays one JSON object per line
        print(summary_line(r.verdict for r in results), file=sys.stderr if args.json else sys.stdout, flush=True)
    if args.csv:
        try:
            with open(args.csv, "w", encoding="utf-8", newline="") as fh:
                fh.write(csv_text(r.to_dict() for r in results))
        except OSError as exc:
            print(f"python -m checker: cannot write --csv {args.csv}: {exc.strerror}", file=sys.stderr)
            return EXIT["error"]
    return max(EXIT[r.verdict] for r in results)


def _results(files: list[str], options: Options, jobs: int) -> Iterator[Result]:
    """Each file's result, in input order."""
    if jobs <= 1:
        # One file: a forked QR child decodes it while this process checks it (the second core
        # works on the same file).  Several files in one process: the child would load the QR
        # libraries again for every file, so decode in process.
        single = len(files) == 1
        for path in files:
            yield check_one(path, options, background_qr=single)
        return
    from .batch import run_batch

    yield from run_batch(files, options, jobs)


def run() -> None:
    """Entry point of ``python -m checker`` and the ``cq-cert-check`` script: :func:`main`, ended
    without the interpreter's teardown.

    Unloading the few hundred modules a check imports took 30–40 ms of a ~0.25 s run (measured:
    0.26 → 0.21 s per certificate, the answer printed either way).  Nothing needs that teardown:
    the output is flushed here, child processes are reaped before :func:`main` returns, and the
    checker registers no exit handlers.  ``--help``, ``--version`` and usage errors (SystemExit)
    end the usual way, and so does a failing flush (a closed pipe), which the interpreter then
    reports as it always does.  Under coverage measurement the interpreter ends normally, so that
    coverage can write its data at exit."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # a failing flush is reported by the normal exit
        sys.exit(code)
    if "coverage" in sys.modules:
        sys.exit(code)
    os._exit(code)
