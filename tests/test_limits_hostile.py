"""Hostile files end as ``error`` with a clear zh+en message, within 5 s of CPU and 512 MB, in the CLI.

Each file runs in its own ``python -m checker --json --no-qr`` process; its peak RSS and CPU time
come from ``os.wait4`` in a small launcher process (the CLI's own rusage).  The bound asserted is CPU time, which a machine
shared by several jobs does not inflate much; wall time only guards against hangs (the benchmark
measures speed, this test measures that limits hold).

Truncation at every offset class and the pyHanko corpus' encrypted files run in process.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import re
import sys
import time

import pytest

from fuzzing import hostile as h

import checker

ROOT = pathlib.Path(__file__).resolve().parents[1]
CPU_BOUND_S = 5.0
RSS_BOUND_MB = 512
HANG_GUARD_S = 120.0


# A small launcher process runs the CLI and reports the CLI's own rusage.  Measuring a direct child
# of pytest would not work: Linux carries the parent's RSS high-water mark over fork + exec, so the
# child's ru_maxrss would be at least pytest's own RSS.
_LAUNCHER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_, st, ru = os.wait4(p.pid, 0)\n"
    "sys.stderr.write('@@rusage %d %f\\n' % (ru.ru_maxrss, ru.ru_utime + ru.ru_stime))\n"
    "sys.exit(os.waitstatus_to_exitcode(st))\n"
)


def run_cli_measured(path: pathlib.Path) -> tuple[dict, float, float, float]:
    """(result JSON, CPU seconds, peak RSS MB, wall seconds) of one ``python -m checker`` process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "checker", "--json", "--no-qr", str(path)]
    t = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: the CLI hung for more than {HANG_GUARD_S} s")
    wall = time.monotonic() - t
    stderr = proc.stderr
    assert b"Traceback" not in stderr, stderr.decode("utf-8", "replace")
    m = re.search(rb"@@rusage (\d+) ([\d.]+)", stderr)
    assert m, stderr
    rss_mb = int(m.group(1)) / 1024  # kilobytes on Linux
    cpu = float(m.group(2))
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1, (lines, stderr)
    return json.loads(lines[0]), cpu, rss_mb, wall


HOSTILE = {
    # name: (builder, expected error codes)
    "flate-bomb-1gib-content.pdf": (lambda: h.pdf_flate_bomb(h.deflate_zeros(h.GiB)), {"LIMIT_EXCEEDED"}),
    "flate-bomb-1gib-objstm.pdf": (lambda: h.pdf_objstm_bomb(h.deflate_zeros(h.GiB)), {"LIMIT_EXCEEDED"}),
    "deep-array-100k.pdf": (h.pdf_deep_array, {"LIMIT_EXCEEDED"}),
    "deep-dict-100k.pdf": (h.pdf_deep_dict, {"LIMIT_EXCEEDED"}),
    "xref-prev-loop.pdf": (h.pdf_prev_loop, {"INPUT_MALFORMED", "LIMIT_EXCEEDED"}),
    "xref-prev-self.pdf": (lambda: h.pdf_prev_loop(True), {"INPUT_MALFORMED", "LIMIT_EXCEEDED"}),
    "objects-300k.pdf": (h.pdf_many_objects, {"LIMIT_EXCEEDED"}),
    "xref-size-2g.pdf": (h.pdf_huge_xref_size, {"LIMIT_EXCEEDED", "INPUT_MALFORMED"}),
    "zip-bomb-1gib.ofd": (h.ofd_zip_bomb, {"OFD_ZIP_LIMIT"}),
    "zip-bomb-1gib-lying-size.ofd": (h.ofd_zip_bomb_lying, {"OFD_ZIP_LIMIT", "OFD_ZIP_MALFORMED"}),
    "zip-100k-entries.ofd": (h.ofd_many_entries, {"OFD_ZIP_LIMIT", "OFD_ZIP_MALFORMED"}),
    "xml-deep-100k.ofd": (h.ofd_deep_xml, {"OFD_XML_LIMIT"}),
    "xml-billion-laughs.ofd": (h.ofd_billion_laughs, {"OFD_XML_UNSAFE"}),
    "zip-in-zip.ofd": (h.ofd_nested_zip, {"OFD_XML_MALFORMED", "OFD_ZIP_LIMIT", "OFD_STRUCTURE"}),
}


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> pathlib.Path:
    d = tmp_path_factory.mktemp("hostile")
    for name, (build, _) in HOSTILE.items():
        (d / name).write_bytes(build())
    # bigger than Limits.max_file_bytes without using the disk (sparse)
    with open(d / "oversize-65mib.pdf", "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(65 * 1024 * 1024)
    return d


def _errors(result: dict) -> list[dict]:
    return [f for f in result["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize("name", sorted(HOSTILE) + ["oversize-65mib.pdf"])
def test_hostile_file_ends_as_error_within_bounds(hostile_dir, name):
    result, cpu, rss_mb, wall = run_cli_measured(hostile_dir / name)
    expected = HOSTILE[name][1] if name in HOSTILE else {"LIMIT_FILE_SIZE"}
    assert result["verdict"] == "error", (name, result["findings"])
    errors = _errors(result)
    codes = {f["code"] for f in errors}
    assert codes & expected, (name, codes, expected)
    assert "INTERNAL_ERROR" not in codes, errors
    for f in errors:  # a clear message in both languages, no Python internals
        assert f["message"].strip() and f["message_en"].strip()
        assert "Traceback" not in f["message_en"] and "object at 0x" not in f["message_en"]
    assert cpu <= CPU_BOUND_S, f"{name}: {cpu:.2f} s CPU (wall {wall:.2f} s)"
    assert rss_mb <= RSS_BOUND_MB, f"{name}: peak RSS {rss_mb:.0f} MB"


def test_huge_stream_length_is_bounded_and_never_passes(tmp_path):
    """/Length 2**40: the parser may recover from the lie, but never passes and never blows up."""
    p = tmp_path / "length-2-40.pdf"
    p.write_bytes(h.pdf_huge_length())
    result, cpu, rss_mb, _ = run_cli_measured(p)
    assert result["verdict"] != "pass"
    assert "INTERNAL_ERROR" not in {f["code"] for f in result["findings"]}
    assert cpu <= CPU_BOUND_S and rss_mb <= RSS_BOUND_MB


# --- in process: encryption and truncation ---------------------------------------------------


@pytest.mark.parametrize("name", ["minimal-aes256.pdf", "minimal-rc4.pdf"])
def test_encrypted_pdf_is_error(corpus_root, name):
    r = checker.check_bytes((corpus_root / "pdf-pyhanko" / name).read_bytes(), name)
    assert r.verdict == "error"
    assert "INPUT_ENCRYPTED" in {f.code for f in r.findings}


def test_malformed_encrypt_dict_is_not_a_crash(corpus_root):
    name = "malformed-encrypt-dict1.pdf"
    r = checker.check_bytes((corpus_root / "pdf-pyhanko" / name).read_bytes(), name)
    assert r.verdict == "error"
    assert "INTERNAL_ERROR" not in {f.code for f in r.findings}


@pytest.fixture(scope="module")
def signed_pdf() -> tuple[bytes, checker.Options]:
    from fuzzing.seeds import signed_pdf as build

    return build("rsa")


@pytest.fixture(scope="module")
def sealed_ofd() -> tuple[bytes, checker.Options]:
    from fuzzing.seeds import sealed_ofd as build

    return build()


def test_sealed_ofd_passes_untruncated(sealed_ofd):
    data, opts = sealed_ofd
    r = checker.check_bytes(data, "sealed.ofd", opts)
    assert r.verdict == "pass", [(f.code, f.message_en) for f in r.findings]


def _offset_classes(data: bytes) -> dict[str, int]:
    br = data.index(b"/ByteRange")
    contents = data.index(b"/Contents", br - 4000 if br > 4000 else 0)
    hex_start = data.index(b"<", contents) + 1
    last_xref = data.rindex(b"xref")
    trailer = data.rindex(b"trailer") if b"trailer" in data else last_xref
    eof = data.rindex(b"%%EOF")
    first_obj = data.index(b" obj")
    return {
        "header": 5, "first-object": first_obj + 3, "middle": len(data) // 2, "byterange": br + 12,
        "contents-start": hex_start + 2, "contents-middle": hex_start + 2000, "before-last-xref": last_xref - 1,
        "in-last-xref": last_xref + 7, "trailer": trailer + 12, "startxref": eof - 4, "in-eof": eof + 3,
        "last-byte": len(data) - 1, "empty": 0,
    }


def test_signed_sample_passes_untruncated(signed_pdf):
    data, opts = signed_pdf
    assert checker.check_bytes(data, "signed.pdf", opts).verdict == "pass"


@pytest.mark.parametrize("where", ["header", "first-object", "middle", "byterange", "contents-start",
                                   "contents-middle", "before-last-xref", "in-last-xref", "trailer",
                                   "startxref", "in-eof", "last-byte", "empty"])
def test_truncated_signed_pdf_never_passes(signed_pdf, where):
    data, opts = signed_pdf
    cut = _offset_classes(data)[where]
    r = checker.check_bytes(data[:cut], "cut.pdf", opts)
    codes = {f.code for f in r.findings}
    assert r.verdict in ("fail", "error", "warn"), (where, r.verdict)
    assert "INTERNAL_ERROR" not in codes, [(f.code, f.message_en) for f in r.findings]
    if where != "last-byte":  # a missing final newline is harmless; any real cut is not
        assert r.verdict in ("fail", "error"), (where, r.verdict, codes)


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_truncated_sealed_ofd_never_passes(sealed_ofd, fraction):
    data, opts = sealed_ofd
    r = checker.check_bytes(data[: int(len(data) * fraction)], "cut.ofd", opts)
    assert r.verdict in ("fail", "error"), (fraction, r.verdict, [f.code for f in r.findings])
    assert "INTERNAL_ERROR" not in {f.code for f in r.findings}


@pytest.mark.parametrize("kind", ["pdf", "ofd"])
def test_time_budget_ends_as_limit_time(kind, signed_pdf, sealed_ofd):
    """The cooperative time budget (Limits.max_seconds, ctx.check_time) stops both engines."""
    import dataclasses

    from checker.limits import Limits

    data, opts = signed_pdf if kind == "pdf" else sealed_ofd
    opts = dataclasses.replace(opts, limits=Limits(max_seconds=0.0))
    r = checker.check_bytes(data, f"budget.{kind}", opts)
    assert r.verdict == "error"
    assert "LIMIT_TIME" in {f.code for f in r.findings}, [(f.code, f.message_en) for f in r.findings]
