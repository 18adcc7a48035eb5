"""Golden results for the generated samples: verdict + sorted finding codes.

Options(trust_demo=True, today=2026-11-23) with the native QR decoder (the CLI's setup).
Regenerate after an intended change:  UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_samples_golden.py
and review the diff of tests/golden/samples.json.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import make_samples
from cert_samples_util import sample_dir
from checker import Options, check_file

GOLDEN = pathlib.Path(__file__).parent / "golden" / "samples.json"
SAMPLES = {s.file: s for s in make_samples.SAMPLES}


def _options():
    from checker.cli.qr_native import NativeQrDecoder

    return Options(trust_demo=True, today=make_samples.REFERENCE_DATE, qr_decoder=NativeQrDecoder())


@pytest.fixture(scope="module")
def results():
    pytest.importorskip("zxingcpp")
    d = sample_dir()
    opts = _options()
    return {name: check_file(d / name, opts) for name in SAMPLES}


def test_golden(results):
    got = {
        name: {"verdict": r.verdict, "codes": sorted({f.code for f in r.findings})}
        for name, r in sorted(results.items())
    }
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == golden


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_expected_verdict_and_codes(results, name):
    """The generator's own statement of intent (independent of the golden file)."""
    s = SAMPLES[name]
    r = results[name]
    codes = {f.code for f in r.findings}
    assert r.verdict == s.expected_verdict, (name, sorted(codes))
    assert set(s.expected_codes) <= codes, (name, sorted(codes))
    assert r.verdict != "pass"
    assert "INTERNAL_ERROR" not in codes


def test_every_sample_has_its_qr_found_and_judged(results):
    for name, r in results.items():
        assert len(r.qr) == 1, name
        q = r.qr[0]
        if name == "lookalike-qr.pdf":
            assert (q.status, q.code, q.official) == ("fail", "QR_OFFICIAL_IN_SUBDOMAIN", False)
        elif name == "qr-userinfo.ofd":
            assert (q.status, q.code, q.host, q.official) == ("fail", "QR_USERINFO", "cert-verify.top", False)
        else:
            assert (q.host, q.official) == ("zfcxjw.cq.gov.cn", True), name


def test_fields_reach_the_result(results):
    f = dict(results["sample-sm2.pdf"].fields)
    assert f["name"] == "张明远" and f["reg_number"] == "渝250192012345"
    f = dict(results["sample-sm2.ofd"].fields)
    assert f["name"] == "张明远" and f["issuer"] == "示例 重庆市某发证机关 (DEMO)"


def test_demo_is_not_trusted_by_default(results):
    r = check_file(sample_dir() / "sample-sm2.pdf", Options(today=make_samples.REFERENCE_DATE))
    assert r.verdict == "warn"
    assert not any(s.trusted for s in r.signatures)


def test_cli_with_native_decoder_finds_qr_in_rotated_pdfs():
    d = sample_dir()
    files = [str(d / n) for n in ("sample-sm2.pdf", "sample-ecdsa.pdf", "qr-rotated.pdf", "lookalike-qr.pdf")]
    p = subprocess.run(
        [sys.executable, "-m", "checker", "--json", "--trust-demo", "--today", "2026-11-23", *files],
        capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 2, p.stderr  # worst is the look-alike's fail
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert [len(o["qr"]) for o in out] == [1, 1, 1, 1]
    assert [o["qr"][0]["official"] for o in out] == [True, True, True, False]
    box = out[0]["qr"][0]["box"]
    assert 0.6 < box[0] < 0.8 and 0.6 < box[1] < 0.75  # lower right of the page (y from the top)
