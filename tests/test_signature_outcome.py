"""One path from a verification outcome to findings: the same fact gives the same codes in a PDF
and an OFD, and the order of the steps (integrity, value, chain, time, coverage) is kept."""
import datetime as dt

import pytest

from cert_samples_util import sample_dir
from checker import Options, check_file, messages
from checker._context import Context
from checker._signature_outcome import SignatureOutcome, conclude


def _judged(sig):
    """Codes of a signature that bear on the verdict, leaving out what only one format has (info
    codes describing the format, and the OFD seal's own maker, listed signers and validity)."""
    return {c for c in sig.codes if messages.lookup(c).severity != "info" and not c.startswith("OFD_SEAL_")}


@pytest.fixture(scope="module")
def samples():
    return sample_dir()


@pytest.mark.parametrize("trust_demo", [True, False])
def test_same_modification_same_codes_in_pdf_and_ofd(samples, trust_demo):
    """The printed name changed after sealing: the PDF and the OFD say so with the same code and
    neither names a trusted signer next to it."""
    opts = Options(trust_demo=trust_demo, today=dt.date(2026, 11, 23))
    pdf = check_file(samples / "tampered-name.pdf", opts)
    ofd = check_file(samples / "tampered-name.ofd", opts)
    assert pdf.verdict == ofd.verdict == "fail"
    (ps,), (os_,) = pdf.signatures, ofd.signatures
    assert _judged(ps) == _judged(os_) == {"SIG_DIGEST_MISMATCH"}
    for r, s in ((pdf, ps), (ofd, os_)):
        assert not s.intact and not s.trusted and s.anchor is None and not s.covers_whole_file
        assert not {"SIG_OK", "SIG_TRUSTED", "SIG_DEMO_CA", "SIG_UNTRUSTED"} & {f.code for f in r.findings}
    what = {dict(f.params)["what"] for f in ofd.findings if f.code == "SIG_DIGEST_MISMATCH"}
    assert any("Content.xml" in w for w in what), what  # the OFD names the changed file


@pytest.mark.parametrize("name", ["sample-sm2.pdf", "sample-sm2.ofd"])
def test_same_untrusted_signer_same_codes(samples, name):
    r = check_file(samples / name, Options(use_default_trust=False, today=dt.date(2026, 11, 23)))
    (s,) = r.signatures
    assert s.intact and not s.trusted
    assert {"SIG_OK", "SIG_UNTRUSTED"} <= set(s.codes)
    assert _judged(s) == {"SIG_UNTRUSTED", "TRUST_NO_ANCHOR"}


def _conclude(**kw):
    ctx = Context(options=Options(use_default_trust=False))
    o = SignatureOutcome(index=1, kind="pdf-signature")
    for k, v in kw.items():
        setattr(o, k, v)
    return ctx, o


def test_mismatch_is_reported_once_and_stops_the_chain():
    ctx, o = _conclude(value=False)
    o.digest_mismatch()
    o.crypto_problems(["CRYPTO_DIGEST_MISMATCH", "CRYPTO_SIGNATURE_INVALID"])
    rep = conclude(ctx, o)
    assert [f.code for f in ctx.findings] == ["SIG_DIGEST_MISMATCH"]
    assert not rep.intact and rep.codes == ("SIG_DIGEST_MISMATCH",)


def test_value_that_does_not_verify_is_sig_invalid_once():
    ctx, o = _conclude(integrity=True)
    o.crypto_problems(["CRYPTO_SIGNATURE_INVALID"])
    rep = conclude(ctx, o)
    assert [f.code for f in ctx.findings] == ["SIG_INVALID"] and not rep.intact


def test_a_fail_note_makes_the_signature_not_intact():
    ctx, o = _conclude(integrity=True, value=True)
    o.note("OFD_SEAL_SIGNER_NOT_LISTED")
    rep = conclude(ctx, o)
    assert not rep.intact and "SIG_OK" not in rep.codes


def test_intact_signature_gets_sig_ok_then_chain_then_scope():
    ctx, o = _conclude(integrity=True, value=True, covers_whole_file=True)
    o.later("PDF_LATER_CHANGES_ALLOWED", detail="x", detail_zh="x")
    rep = conclude(ctx, o)
    assert [f.code for f in ctx.findings] == ["SIG_OK", "SIG_UNTRUSTED", "PDF_LATER_CHANGES_ALLOWED"]
    assert rep.intact and not rep.trusted and rep.covers_whole_file
    assert all(dict(f.params)["index"] == 1 for f in ctx.findings)


def test_unknown_crypto_code_is_malformed_evidence():
    ctx, o = _conclude(integrity=True, value=True)
    o.crypto_problems(["CRYPTO_SOMETHING_NEW"])
    rep = conclude(ctx, o)
    assert [(f.code, f.severity) for f in ctx.findings] == [("SIG_MALFORMED", "fail")] and not rep.intact


def test_a_proven_modification_outranks_a_part_that_cannot_be_read(samples):
    """The sealed page was changed into something unreadable: the seal's reference proves the
    change, so the file is 不通过 although its page cannot be parsed."""
    import io
    import zipfile

    src = (samples / "sample-sm2.ofd").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename.endswith("Page_0/Content.xml"):
                body = b"<ofd:Page xmlns:ofd='http://www.ofdspec.org/2016'><unclosed>"
            zout.writestr(info, body)
    r = check_file_bytes(out.getvalue())
    codes = {f.code: f.severity for f in r.findings}
    assert "SIG_DIGEST_MISMATCH" in codes and "error" in codes.values(), codes
    assert r.verdict == "fail"
    (sig,) = r.signatures  # the seal is still reported, with what it proves
    assert not sig.intact and "SIG_DIGEST_MISMATCH" in sig.codes


def check_file_bytes(data):
    from checker import check_bytes

    return check_bytes(data, "t.ofd", Options(trust_demo=True, today=dt.date(2026, 11, 23)))
