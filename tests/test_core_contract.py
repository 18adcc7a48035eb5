"""The core's contract: verdict rule, error handling, JSON shape, CLI exit codes."""
import json
import subprocess
import sys

import pytest

from checker import Options, check_bytes, detect_format
from checker.limits import Limits
from checker.result import Finding, SignatureReport, verdict_for
from checker import messages


def sig(**kw):
    base = dict(index=1, kind="pdf-signature", intact=True, trusted=True, algorithm="SM2-SM3", covers_whole_file=True)
    base.update(kw)
    return SignatureReport(**base)


def test_pass_requires_a_proven_signature():
    assert verdict_for((), (sig(),)) == "pass"
    assert verdict_for((), ()) == "warn"
    assert verdict_for((), (sig(trusted=False),)) == "warn"
    assert verdict_for((), (sig(covers_whole_file=False),)) == "warn"
    assert verdict_for((), (sig(), sig(index=2, intact=False))) == "warn"


def test_the_deciding_finding_wins():
    """fail (evidence) > error (nothing can be judged) > warn (cannot vouch) > info."""
    info = Finding.make("QR_NOT_CHECKED")
    warn = Finding.make("NO_SIGNATURE")
    fail = Finding.make("SIG_INVALID", index=1)
    err = Finding.make("INPUT_UNSUPPORTED")
    assert verdict_for((info,), (sig(),)) == "pass"
    assert verdict_for((info, warn), (sig(),)) == "warn"
    assert verdict_for((warn, fail), (sig(),)) == "fail"
    assert verdict_for((warn, err), (sig(),)) == "error"
    # a proven modification outranks a part that cannot be read
    assert verdict_for((fail, err), (sig(),)) == "fail"
    assert verdict_for((err, fail), ()) == "fail"


def test_every_message_has_valid_severity_and_both_languages():
    for code, m in messages.MESSAGES.items():
        assert code == code.upper() and " " not in code
        assert m.severity in messages.SEVERITIES
        assert m.zh and m.en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in m.zh), code


def test_finding_renders_params():
    f = Finding.make("SIG_INVALID", index=3)
    assert "签章 3" in f.message and "Signature 3" in f.message_en
    assert f.severity == "fail"


@pytest.mark.parametrize(
    "data,code",
    [(b"", "INPUT_EMPTY"), (b"hello world", "INPUT_UNSUPPORTED"), (b"\x00" * 100, "INPUT_UNSUPPORTED")],
)
def test_bad_input_is_error_not_exception(data, code):
    r = check_bytes(data, "x.bin")
    assert r.verdict == "error"
    assert code in [f.code for f in r.findings]
    json.loads(r.to_json())


def test_size_limit():
    r = check_bytes(b"%PDF-1.7\n" + b"0" * 200, "big.pdf", Options(limits=Limits(max_file_bytes=100)))
    assert r.verdict == "error"
    assert r.findings[0].code == "LIMIT_FILE_SIZE"


def test_detect_format():
    assert detect_format(b"%PDF-1.4\n") == "pdf"
    assert detect_format(b"PK\x03\x04rest") == "ofd"
    assert detect_format(b"GIF89a") == "unknown"


def test_json_keys_are_the_contract():
    d = check_bytes(b"nope", "a.txt").to_dict()
    for key in ("file", "format", "verdict", "findings", "signatures", "qr", "fields"):
        assert key in d
    assert set(d["findings"][0]) >= {"code", "severity", "message"}


def test_cli_exit_codes(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"not a pdf")
    run = lambda *a: subprocess.run([sys.executable, "-m", "checker", *a], capture_output=True, text=True)
    p = run("--json", str(bad))
    assert p.returncode == 3
    assert json.loads(p.stdout)["verdict"] == "error"
    assert run().returncode == 64
    assert run("--today", "not-a-date", str(bad)).returncode == 64
    p = run(str(bad))
    assert "无法核验" in p.stdout


def test_zip_signature_wins_over_pdf_marker_and_name_mismatch_warns():
    assert detect_format(b"PK\x03\x04" + b"%PDF-1.7" + b"\0" * 20) == "ofd"
    r = check_bytes(b"%PDF-1.7\n%%EOF\n", "cert.ofd")
    assert "INPUT_NAME_MISMATCH" in [f.code for f in r.findings]
    assert r.verdict != "pass"
