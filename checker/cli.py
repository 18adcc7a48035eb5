"""Command-line shell: ``python -m checker [--json] [--trust PEM]... [--today YYYY-MM-DD] FILE...``

Exit status: 0 all pass, 1 worst is warn, 2 worst is fail, 3 worst is error, 64 usage error.
The core does the work; this module only parses flags and prints.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys

from . import __version__
from .check import check_bytes, detect_format, read_file
from .options import Options
from .result import Result

TYPE_CHECKING = False  # typing is not imported at run time: the CLI's time is mostly imports
if TYPE_CHECKING:
    from typing import Sequence

EXIT = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
EX_USAGE = 64

VERDICT_ZH = {"pass": "通过", "warn": "注意", "fail": "不通过", "error": "无法核验"}
SEVERITY_ZH = {"info": "信息", "warn": "注意", "fail": "不通过", "error": "错误"}


def _columns() -> int:
    """The terminal width as shutil.get_terminal_size() finds it, without importing shutil: argparse
    does that for each add_argument, and shutil's own imports (archive modules) cost ~5 ms of a
    CLI whose run is mostly start-up."""
    try:
        cols = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        cols = 0
    if cols <= 0:
        try:
            cols = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            cols = 0
    return cols or 80


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, **kwargs) -> None:
        if kwargs.get("width") is None:
            kwargs["width"] = _columns() - 2
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 64, not 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误 / usage error: {message}", file=sys.stderr)
        raise SystemExit(EX_USAGE)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m checker",
        formatter_class=_Formatter,
        description="核验二级建造师电子注册证书（PDF/OFD）的电子签章、二维码与证面信息。文件不会被上传。",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="PDF 或 OFD 文件")
    p.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    p.add_argument("--trust", action="append", default=[], metavar="PEM", help="额外信任的根证书（PEM/DER），可重复")
    p.add_argument("--no-default-trust", action="store_true", help="不使用内置的根证书")
    p.add_argument("--trust-demo", action="store_true", help="信任内置的演示（示例）CA，仅用于示例文件")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="以该日期判断有效期（便于复核）")
    p.add_argument("--no-qr", action="store_true", help="不识别二维码")
    p.add_argument("--version", action="version", version=f"checker {__version__}")
    return p


def build_options(args: argparse.Namespace) -> Options:
    trust = []
    for path in args.trust:
        try:
            with open(path, "rb") as fh:
                trust.append(fh.read())
        except OSError as exc:
            raise _UsageError(f"cannot read --trust {path}: {exc.strerror}")
    today = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise _UsageError(f"--today must be YYYY-MM-DD, got {args.today!r}")
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


class _UsageError(Exception):
    pass


def format_text(r: Result) -> str:
    lines = [f"{r.file}: {VERDICT_ZH[r.verdict]} ({r.verdict})  [{r.format.upper()}]"]
    for s in r.signatures:
        state = "完好" if s.intact else "已损坏/被改动"
        trust = "可信" if s.trusted else "不可信"
        who = s.signer or "未知签章人"
        when = f"，时间 {s.signed_at}" if s.signed_at else ""
        lines.append(f"  签章 {s.index}（{s.algorithm}）：{who}，{state}，{trust}{when}")
    for q in r.qr:
        badge = "官方网址" if q.official else "非官方"
        lines.append(f"  二维码：{q.text}（{badge}）")
    for f in r.findings:
        if f.severity == "info" and r.verdict != "pass":
            continue
        lines.append(f"  [{SEVERITY_ZH[f.severity]}] {f.message}")
    return "\n".join(lines)


def _check_one(path: str, options: Options) -> Result:
    """``check_file``; the QR codes (a PDF's pages, an OFD's images) are decoded meanwhile in a
    child process (qr_native)."""
    data = read_file(path, options)
    if isinstance(data, Result):
        return data
    fmt = detect_format(data)
    if options.qr_decoder is None or fmt not in ("pdf", "ofd"):
        return check_bytes(data, path, options)
    from .qr_native import BackgroundOfdQr, BackgroundPdfQr, NativeQrDecoder

    lim = options.limits
    if fmt == "pdf":
        background = BackgroundPdfQr(data, min(lim.max_qr_pages, lim.max_pages), lim.max_seconds)
    else:
        background = BackgroundOfdQr(data, lim, lim.max_seconds)
    try:
        return check_bytes(data, path, dataclasses.replace(options, qr_decoder=NativeQrDecoder(background)))
    finally:
        background.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        options = build_options(args)
    except _UsageError as exc:
        print(f"python -m checker: 参数错误 / usage error: {exc}", file=sys.stderr)
        return EX_USAGE
    worst = 0
    for path in args.files:
        r = _check_one(path, options)
        worst = max(worst, EXIT[r.verdict])
        if args.json:
            sys.stdout.write(r.to_json() + "\n")
        else:
            sys.stdout.write(format_text(r) + "\n")
        sys.stdout.flush()
    return worst


def run() -> None:
    """Entry point of ``python -m checker`` and the ``cq-cert-check`` script: :func:`main`, ended
    without the interpreter's teardown.

    Unloading the few hundred modules a check imports took 30–40 ms of a ~0.25 s run (measured:
    0.26 → 0.21 s per certificate, the answer printed either way).  Nothing needs that teardown:
    the output is flushed here, the QR child process is reaped in :func:`_check_one`, and the
    checker registers no exit handlers.  ``--help``, ``--version`` and usage errors (SystemExit)
    end the usual way, and so does a failing flush (a closed pipe), which the interpreter then
    reports as it always does."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
