"""checker.web, the browser worker's Python side, under CPython (the page's JSON in, JSON out)."""
import base64
import dataclasses
import json
import pathlib

import make_samples
import pytest
from cert_samples_util import sample_dir

from checker import Options, QrInput, check_bytes, web
from checker._version import __version__

TODAY = make_samples.REFERENCE_DATE.isoformat()


class FakeUint8Array:
    """What Pyodide hands over for a JavaScript Uint8Array: a proxy with to_bytes()."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def to_bytes(self) -> bytes:
        return self._data


@pytest.fixture(scope="module")
def samples():
    return sample_dir()


def test_options_from_the_page_json():
    opts = web.options(json.dumps({"trust_demo": True, "today": "2026-11-23", "qr": [
        {"text": "https://example.test/", "source": "page 1", "box": [0.1, 0.2, 0.3, 0.4]},
        {"text": "x", "box": {"x": 0, "y": 0.5, "w": 1, "h": 0.25}},
        {"text": "y", "source": None, "box": None},
    ]}))
    assert opts.trust_demo is True and opts.today == make_samples.REFERENCE_DATE
    assert opts.qr_texts == (QrInput("https://example.test/", "page 1", (0.1, 0.2, 0.3, 0.4)),
                             QrInput("x", "", (0.0, 0.5, 1.0, 0.25)), QrInput("y", "", None))
    assert web.options(json.dumps({"qr": []})).qr_texts == ()  # decoded, none found
    assert web.options("{}") == web.options(None) == Options()  # qr null: the core decides


@pytest.mark.parametrize("box", [[1, 2, 3], [1, 2, 3, 4, 5]])
def test_a_qr_box_needs_four_numbers(box):
    with pytest.raises(ValueError):
        web.options(json.dumps({"qr": [{"text": "x", "box": box}]}))


def test_check_gives_the_result_json_of_the_core(samples):
    data = (samples / "sample-sm2.pdf").read_bytes()
    opts = {"trust_demo": True, "today": TODAY, "qr": []}
    out = json.loads(web.check(FakeUint8Array(data), "sample-sm2.pdf", json.dumps(opts)))
    expected = check_bytes(data, "sample-sm2.pdf", Options(trust_demo=True, today=make_samples.REFERENCE_DATE,
                                                                qr_texts=()))
    assert out == json.loads(expected.to_json())
    assert out["verdict"] == expected.verdict and out["checker_version"] == __version__


def test_prepare_then_finish_equals_one_check(samples):
    data = (samples / "qr-regno-mismatch.ofd").read_bytes()
    qr = [{"text": "https://example.test/verify?no=1", "source": "Doc_0/Res/qr.png", "box": None}]
    base = {"trust_demo": True, "today": TODAY}
    assert web.prepare(7, FakeUint8Array(data), "a.ofd", json.dumps(base)) == "ofd"
    finished = json.loads(web.finish(7, json.dumps({"qr": qr})))
    whole = json.loads(web.check(data, "a.ofd", json.dumps({**base, "qr": qr})))
    assert finished == whole
    with pytest.raises(KeyError):  # a prepared check is used once
        web.finish(7, "{}")


def test_prepared_checks_are_capped(samples):
    data = (samples / "unsigned.pdf").read_bytes()
    for key in range(web.MAX_PENDING + 2):
        web.prepare(key, data, "u.pdf", "{}")
    with pytest.raises(KeyError):
        web.finish(0, "{}")  # the oldest was dropped
    assert json.loads(web.finish(web.MAX_PENDING + 1, "{}"))["format"] == "pdf"


def test_images_of_an_ofd_and_none_of_a_pdf(samples):
    ofd = (samples / "sample-sm2.ofd").read_bytes()
    found = web.images(FakeUint8Array(ofd))
    assert found and all(isinstance(s, str) and isinstance(b, bytes) and b for s, b in found)
    assert web.images((samples / "sample-sm2.pdf").read_bytes()) == []


def test_start_reports_versions_and_the_python_sm3_outside_the_browser():
    info = web.start()
    assert info["checker"] == __version__ and info["sm3"] == "python" and info["python"].count(".") == 2


def test_warm_up_runs():
    web.warm_up()


def test_the_warm_up_pdf_is_a_pdf_the_engine_reads():
    r = check_bytes(web._warm_up_pdf(), "warm-up.pdf")
    assert r.format == "pdf" and r.verdict != "error", [dataclasses.asdict(f) for f in r.findings]


def test_csv_of_the_page_results(samples):
    data = (samples / "unsigned.pdf").read_bytes()
    result = json.loads(web.check(data, "unsigned.pdf", "{}"))
    text = web.csv(json.dumps([result]))
    assert text.startswith("\ufeff") and "unsigned.pdf" in text and text.count("\r\n") >= 2


DEMO_ROOT = pathlib.Path(__file__).resolve().parent.parent / "checker" / "data" / "trust" / "demo" / "demo_root_sm2.pem"


def test_examine_root_answers_with_the_root_or_the_reason():
    refused = json.loads(web.examine_root(FakeUint8Array(b"not a certificate"), None))
    assert refused["ok"] is False and refused["code"].startswith("TRUST_ROOT_") and refused["message"]
    answer = json.loads(web.examine_root(DEMO_ROOT.read_bytes(), TODAY))
    assert answer["ok"] is True, answer
    assert len(answer["root"]["sha256"]) == 64


def test_site_roots_are_trusted_in_every_check_and_unreadable_ones_left_out():
    from checker._crypto.x509 import load_certificates

    der = load_certificates(DEMO_ROOT.read_bytes())[0].dump()
    roots = {"roots": [{"der": base64.b64encode(der).decode()}, {"der": "!!"}]}
    try:
        listed = json.loads(web.set_site_roots(json.dumps(roots)))
        assert len(listed) == 1 and len(listed[0]["sha256"]) == 64
        assert web.options("{}").site_trust == (der,)
        user = web.options(json.dumps({"user_trust": [base64.b64encode(der).decode()]}))
        assert user.user_trust == (der,)
    finally:
        web.set_site_roots(None)
    assert web.options("{}").site_trust == ()


def test_page_data_has_every_code_its_topics_and_the_limits():
    from checker import messages
    from checker.limits import DEFAULT_LIMITS

    data = web.page_data()
    assert set(data["codes"]) == set(messages.MESSAGES)
    assert data["limits"]["max_file_bytes"] == DEFAULT_LIMITS.max_file_bytes
    anchors = [t["anchor"] for t in data["topics"]]
    assert anchors == [t.anchor for t in messages.GUIDE_TOPICS]
    for t in messages.GUIDE_TOPICS:
        assert t.codes <= set(messages.MESSAGES), t.codes - set(messages.MESSAGES)  # no stale code
        for code in t.codes:
            assert t.anchor in data["codes"][code]["topics"]
    assert set(data["changed_after_signing"]) <= set(messages.MESSAGES)
    assert "PDF_CHANGED_AFTER_SIGNING" in data["changed_after_signing"]
    assert data["codes"]["LIMIT_FILE_SIZE"]["severity"] == "error"
    assert set(data["labels"]["verdict"]) == {"pass", "warn", "fail", "error"}
    assert set(data["labels"]["anchor_origin"]) == {"bundled", "demo", "site", "user", "cli"}
    assert set(data["unprotected_content"]) <= set(data["codes"])
    assert {"OFD_UNPROTECTED_PART", "PDF_SIGNATURE_ADDED_LATER"} <= set(data["unprotected_content"])
    json.dumps(data)  # the build writes it as JSON


def test_every_guide_topic_is_a_heading_of_the_verify_page():
    from checker import messages

    verify = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "verify.md").read_text(encoding="utf-8")
    for t in messages.GUIDE_TOPICS:
        assert "{#" + t.anchor + "}" in verify or f'id="{t.anchor}"' in verify, t.anchor
