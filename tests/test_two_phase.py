"""start_check(...).finish(qr) — the browser runs the engine while it decodes QR codes — gives
exactly what check_bytes gives with the same QR texts, for every sample and hostile input."""
import datetime
import json

import pytest

from cert_samples_util import sample_dir
from checker import Options, QrInput, check_bytes, start_check

TODAY = datetime.date(2026, 11, 23)
OFFICIAL = "https://zfcxjw.cq.gov.cn/zwfw/jzs/zsyz?regNo=%E6%B8%9D250192012345&sample=1"
LOOKALIKE = "https://zfcxjw.cq.gov.cn.example.com/zwfw/jzs/zsyz?regNo=%E6%B8%9D250192012345"


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


def test_both_steps_share_one_time_budget(monkeypatch):
    """Limits.max_seconds covers engine + certificate checks together (not one budget each);
    the pause between the steps is not counted."""
    import checker.check as C
    from checker.limits import Limits

    path = sample_dir() / "sample-sm2.pdf"
    import time

    clock = [time.monotonic()]  # Context.started comes from the real clock (dataclass default)
    monkeypatch.setattr(C.time, "monotonic", lambda: clock[0])
    import checker._context as X

    monkeypatch.setattr(X.time, "monotonic", lambda: clock[0])
    opts = Options(trust_demo=True, today=TODAY, limits=Limits(max_seconds=5.0))
    real_engine = C._run_engine

    def slow_engine(fmt, data, ctx):
        out = real_engine(fmt, data, ctx)
        clock[0] += 4.0  # the engine used 4 of the 5 seconds
        return out

    monkeypatch.setattr(C, "_run_engine", slow_engine)
    pending = start_check(path.read_bytes(), path.name, opts)
    clock[0] += 100.0  # the page decodes QR codes meanwhile: not counted
    real_cert = C._certificate_checks

    def slow_cert(data, fmt, out, ctx):
        clock[0] += 2.0  # 4 + 2 > 5: over budget
        ctx.check_time()
        return real_cert(data, fmt, out, ctx)

    monkeypatch.setattr(C, "_certificate_checks", slow_cert)
    r = pending.finish(())
    assert r.verdict == "error" and "LIMIT_TIME" in {f.code for f in r.findings}, [f.code for f in r.findings]
    monkeypatch.setattr(C, "_certificate_checks", real_cert)
    assert pending.finish(()).verdict != "error"  # within budget when the step itself is quick
