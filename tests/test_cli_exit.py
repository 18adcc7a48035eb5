"""``python -m checker`` ends with os._exit after flushing (checker.cli.run): every answer must
still arrive whole, with the exit code of the worst verdict, through a pipe and into a file."""
import json
import os
import subprocess
import sys

from cert_samples_util import sample_dir

EXIT = {"pass": 0, "warn": 1, "fail": 2, "error": 3}


def _run(args, **kw):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env.pop("PYTHONUNBUFFERED", None)  # buffered output, as on a user's machine: os._exit must not lose it
    return subprocess.run([sys.executable, "-m", "checker", *args], env=env, timeout=300, **kw)


def test_all_answers_arrive_through_a_pipe_and_the_exit_code_is_the_worst():
    files = sorted(sample_dir().glob("*.pdf")) + sorted(sample_dir().glob("*.ofd"))
    out = _run(["--json", "--no-qr", "--trust-demo", "--today", "2026-11-23", *map(str, files)],
               capture_output=True, text=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["file"] for r in rows] == [f.name for f in files]
    assert out.returncode == max(EXIT[r["verdict"]] for r in rows)


def test_text_output_into_a_file_is_complete(tmp_path):
    files = sorted(sample_dir().glob("*.pdf"))[:3]
    target = tmp_path / "out.txt"
    with open(target, "w", encoding="utf-8") as fh:
        out = _run(["--no-qr", "--trust-demo", *map(str, files)], stdout=fh, stderr=subprocess.PIPE)
    text = target.read_text(encoding="utf-8")
    assert all(f"{f.name}:" in text for f in files) and text.endswith("\n"), text[-300:]
    assert out.returncode in (1, 2)


def test_help_version_and_usage_errors_exit_as_before():
    assert _run(["--version"], capture_output=True).returncode == 0
    assert _run(["--help"], capture_output=True).returncode == 0
    assert _run(["--no-such-flag", "x.pdf"], capture_output=True).returncode == 64


def test_under_coverage_the_interpreter_ends_normally(tmp_path):
    """coverage writes its data at exit: with it loaded, run() ends through sys.exit (exit
    handlers run), not os._exit; the exit code is the same."""
    files = sorted(sample_dir().glob("*.pdf"))[:1]
    code = ("import atexit, sys, types; sys.modules.setdefault('coverage', types.ModuleType('coverage')); "
            "atexit.register(lambda: print('exit handlers ran')); "
            "from checker.cli import run; run()")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code, "--json", "--no-qr", "--trust-demo", *map(str, files)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.stdout.rstrip().endswith("exit handlers ran") and out.returncode == EXIT["warn"], out
    plain = subprocess.run([sys.executable, "-c", code.replace("sys.modules.setdefault('coverage', types.ModuleType('coverage')); ", ""),
                            "--json", "--no-qr", "--trust-demo", *map(str, files)],
                           env=env, capture_output=True, text=True, timeout=300)
    assert "exit handlers ran" not in plain.stdout and plain.returncode == EXIT["warn"], plain
