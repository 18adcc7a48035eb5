"""``python -m checker`` on many files: parallel processes (--jobs), input order, directories
(-r), the summary line, --csv, and a file that kills the process checking it."""
import csv
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from cert_samples_util import sample_dir

from checker.report import CSV_COLUMNS, csv_text

ROOT = pathlib.Path(__file__).resolve().parent.parent
COMMON = ["--trust-demo", "--today", "2026-11-23"]


def _run(args, code=None, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "checker", *args]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)


def _samples():
    return sorted(sample_dir().glob("*.pdf")) + sorted(sample_dir().glob("*.ofd"))


def _lines(out):
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def one_process():
    """Every sample checked by one process (the reference), with QR."""
    out = _run(["--json", "--jobs", "1", *COMMON, *map(str, _samples())])
    assert out.returncode in (1, 2), out.stderr
    return _lines(out)


def test_jobs_give_the_same_results_in_input_order(one_process):
    # an order that is not the sorted one, with a slow multi-page-like mix: OFDs first
    files = list(reversed(_samples()))
    out = _run(["--json", "--jobs", "2", *COMMON, *map(str, files)])
    got = _lines(out)
    assert [r["file"] for r in got] == [f.name for f in files]
    by_name = {r["file"]: r for r in one_process}
    assert got == [by_name[f.name] for f in files]
    assert any(r["qr"] for r in got)  # the workers decoded QR codes
    assert out.returncode == max({"pass": 0, "warn": 1, "fail": 2, "error": 3}[r["verdict"]] for r in got)


def test_summary_line_counts_each_verdict(one_process):
    out = _run(["--jobs", "2", *COMMON, str(sample_dir())])
    counts = {v: sum(r["verdict"] == v for r in one_process) for v in ("pass", "warn", "fail", "error")}
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith(f"共 {len(one_process)} 个文件：")
    assert f"/ {len(one_process)} files: pass {counts['pass']}, warn {counts['warn']}, fail {counts['fail']}, error {counts['error']}" in last
    # --json keeps stdout one JSON object per line: the summary goes to stderr
    out = _run(["--json", "--no-qr", *COMMON, str(sample_dir())])
    assert len(_lines(out)) == len(one_process) and "个文件" in out.stderr


def test_no_progress_line_when_stderr_is_not_a_terminal():
    out = _run(["--json", "--no-qr", *COMMON, *map(str, _samples())])
    assert "个/秒" not in out.stderr and "\r" not in out.stderr


def test_progress_line_on_a_terminal():
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "checker", "--json", "--no-qr", *COMMON, *map(str, _samples())],
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=slave, timeout=600)
        os.close(slave)
        slave = -1
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    text = err.decode("utf-8", "replace")
    assert proc.returncode in (1, 2)
    assert f"{len(_samples())}/{len(_samples())}" in text and "个/秒" in text and "剩余约" in text, text[-500:]
    assert len(proc.stdout.decode().splitlines()) == len(_samples())  # stdout untouched


def test_directories_and_recursion(tmp_path):
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    shutil.copy(sample_dir() / "sample-sm2.pdf", tmp_path / "top.PDF")
    shutil.copy(sample_dir() / "sample-sm2.ofd", tmp_path / "a" / "one.ofd")
    shutil.copy(sample_dir() / "unsigned.pdf", tmp_path / "a" / "deeper" / "two.pdf")
    (tmp_path / "a" / "notes.txt").write_text("not a certificate")
    flat = _lines(_run(["--json", "--no-qr", *COMMON, str(tmp_path)]))
    assert [r["file"] for r in flat] == ["top.PDF"]
    deep = _lines(_run(["--json", "--no-qr", "-r", *COMMON, str(tmp_path)]))
    assert [r["file"] for r in deep] == ["top.PDF", "one.ofd", "two.pdf"]
    assert [r["format"] for r in deep] == ["pdf", "ofd", "pdf"]
    out = _run(["--no-qr", "-r", *COMMON, str(tmp_path / "a" / "deeper" / "none")])
    assert out.returncode == 3  # a missing path is an error result, not a crash
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _run(["--no-qr", str(empty)])
    assert out.returncode == 64 and "no .pdf or .ofd" in out.stderr


def test_csv_is_the_page_table(tmp_path, one_process):
    target = tmp_path / "out.csv"
    out = _run(["--json", "--csv", str(target), *COMMON, *map(str, _samples())])
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode()) and not raw.startswith(("\ufeff" * 2).encode())
    text = raw.decode("utf-8")
    assert text == csv_text(_lines(out))
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows[0] == [name for name, _ in CSV_COLUMNS]
    assert [r[0] for r in rows[1:]] == [f.name for f in _samples()]
    assert [r[3] for r in rows[1:]] == [r["verdict"] for r in one_process]
    assert all(r[8] == d["sha256"] for r, d in zip(rows[1:], one_process))
    assert "\r\n" in text


_CRASHING = r"""
import os, sys
import checker.cli.batch as batch
from checker.cli import main
checking = batch._check_file

def crash_on_some(path, options):
    if "crash" in os.path.basename(path):
        os.kill(os.getpid(), 9)  # what a segfault in a native library or the OOM killer does
    return checking(path, options)

batch._check_file = crash_on_some  # the forked workers inherit it
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workers are forked on Linux")
def test_a_file_that_kills_its_worker_is_an_error_and_the_batch_goes_on(tmp_path):
    names = ["a.pdf", "crash-1.pdf", "b.ofd", "crash-2.ofd", "c.pdf", "d.pdf", "crash-3.pdf", "e.pdf"]
    for name in names:
        src = "sample-sm2.ofd" if name.endswith(".ofd") else "sample-sm2.pdf"
        shutil.copy(sample_dir() / src, tmp_path / name)
    out = _run(["--json", "--no-qr", "--jobs", "2", *COMMON, *(str(tmp_path / n) for n in names)], code=_CRASHING)
    got = _lines(out)
    assert [r["file"] for r in got] == names
    for r in got:
        if r["file"].startswith("crash"):
            assert r["verdict"] == "error"
            assert r["findings"][0]["code"] == "INTERNAL_ERROR" and "signal 9" in r["findings"][0]["message"]
        else:
            assert r["verdict"] == "warn", r  # the demo-signed samples
    assert out.returncode == 3


def test_jobs_must_be_positive():
    assert _run(["--jobs", "0", "x.pdf"]).returncode == 64
    assert _run(["--jobs", "many", "x.pdf"]).returncode == 64
