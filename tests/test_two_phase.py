"""start_check(...).finish(qr) — the browser runs the engine while it decodes QR codes — gives
exactly what check_bytes gives with the same QR texts, for every sample and hostile input."""
import datetime
import json

import pytest

from cert_samples_util import sample_dir
from checker import Options, QrInput, check_bytes, start_check

TODAY = datetime.date(2026, 11, 23)
OFFICIAL = "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz?regNo=%E6%B8%9D250012345678&sample=1"
LOOKALIKE = "https://zfcxjw.cq.gov.cn.example.com/zwfw/jzs/zsyz?regNo=%E6%B8%9D250012345678"


def same(a, b) -> bool:
    return json.loads(a.to_json()) == json.loads(b.to_json())


def samples():
    return sorted(p for p in sample_dir().iterdir() if p.suffix in (".pdf", ".ofd"))


@pytest.mark.parametrize("qr", [None, (), (QrInput(OFFICIAL, "page 1"),), (QrInput(LOOKALIKE, "page 1"),)],
                         ids=["no-qr-decoded", "none-found", "official", "lookalike"])
def test_two_phases_equal_one_call(qr):
    for path in samples():
        data = path.read_bytes()
        opts = Options(trust_demo=True, today=TODAY)
        one = check_bytes(data, path.name, Options(trust_demo=True, today=TODAY, qr_texts=qr))
        pending = start_check(data, path.name, opts)
        assert pending.format == path.suffix[1:]
        two = pending.finish(qr)
        assert same(one, two), path.name
        assert same(pending.finish(qr), two), "finish() must be repeatable"


def test_qr_texts_change_the_verdict_only_through_finish():
    path = sample_dir() / "sample-sm2.pdf"
    pending = start_check(path.read_bytes(), path.name, Options(trust_demo=True, today=TODAY))
    good = pending.finish((QrInput(OFFICIAL, "page 1"),))
    bad = pending.finish((QrInput(LOOKALIKE, "page 1"),))
    codes_good = {f.code for f in good.findings}
    codes_bad = {f.code for f in bad.findings}
    assert codes_bad - codes_good, "a look-alike QR host must add a finding"
    assert bad.verdict == "fail" and good.verdict != "fail"
    # the engine's part (signatures) is shared, not recomputed
    assert good.signatures == bad.signatures


def test_finish_without_argument_keeps_the_options_qr():
    path = sample_dir() / "sample-sm2.pdf"
    qr = (QrInput(LOOKALIKE, "page 1"),)
    opts = Options(trust_demo=True, today=TODAY, qr_texts=qr)
    assert same(start_check(path.read_bytes(), path.name, opts).finish(), check_bytes(path.read_bytes(), path.name, opts))


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7\n" + b"\0" * 100, b"PK\x03\x04" + b"\xff" * 50])
def test_bad_input_is_error_in_both_phases(data):
    pending = start_check(data, "x.pdf")
    r = pending.finish((QrInput(OFFICIAL, "page 1"),))
    assert r.verdict == "error" and same(r, check_bytes(data, "x.pdf", Options(qr_texts=(QrInput(OFFICIAL, "page 1"),))))
