"""A visible signature field added after a signature and signed in that same revision by a later
signature that verifies (a company countersigning a certificate) is a change ISO 32000 permits:
warn, the earlier signature does not vouch for its area, and the area is outlined.  Without a valid
later signature over it, after a no-changes certification, or redrawn afterwards, it stays fail."""
import pytest

from checker import Options, check_bytes
from testkit import pdfattacks as pa
from testkit import pdfsign as ps


@pytest.fixture(scope="module")
def pki():
    return ps.cached_pki("rsa")


@pytest.fixture(scope="module")
def base():
    return ps.base_pdf(["Sample certificate (DEMO)"])


def _check(data, pki):
    return check_bytes(data, "f.pdf", Options(trust=(pki.root.pem,), use_default_trust=False))


def _codes(r, index=None):
    return {f.code: f.severity for f in r.findings if index is None or dict(f.params).get("index") == index}


def _countersigned(base, pki, certify=None):
    """sig1, then a revision adding a visible signature field (Rect [50 50 250 110]) signed by sig2;
    also returns the object number of sig2's appearance stream."""
    first = ps.sign_pdf(base, pki.leaf, pki.chain, certify=certify)
    second = ps.sign_pdf(first, pki.leaf, pki.chain, field_name="Company", visible=True)
    return second, ps.inspect(first).size + 3


def test_signature_field_added_and_signed_later_is_warn(base, pki):
    data, _ = _countersigned(base, pki)
    r = _check(data, pki)
    assert r.verdict == "warn", [(f.code, f.message_en) for f in r.findings]
    assert "fail" not in _codes(r).values()
    s1, s2 = r.signatures
    assert s1.intact and s1.trusted and s2.intact and s2.trusted and s2.covers_whole_file
    assert _codes(r, 1).get("PDF_SIGNATURE_ADDED_LATER") == "warn"
    [f] = [f for f in r.findings if f.code == "PDF_SIGNATURE_ADDED_LATER"]
    assert "signature 2 added a visible signature field" in f.message_en
    assert "not protected by signature 1" in f.message_en and "签章 2" in f.message
    # outlined where it is drawn: /Rect [50 50 250 110] on a 595 x 842 page
    [a] = r.unprotected
    assert a.page == 1 and a.file == "signature field Company"
    assert a.box == pytest.approx((50 / 595, (842 - 110) / 842, 200 / 595, 60 / 842), abs=1e-3)


def test_after_a_no_changes_certification_it_fails(base, pki):
    data, _ = _countersigned(base, pki, certify=1)
    r = _check(data, pki)
    codes = _codes(r, 1)
    assert r.verdict == "fail"
    assert codes.get("PDF_VISIBLE_SIGNATURE_ADDED") == "fail" and codes.get("PDF_DOCMDP_VIOLATION") == "fail"
    assert "PDF_SIGNATURE_ADDED_LATER" not in codes


@pytest.mark.parametrize("then_signed", [False, True])
def test_unsigned_visible_signature_field_fails(base, pki, then_signed):
    """An empty visible signature field; even an (invisible) later signature over that revision
    does not make it a signature."""
    data = pa.sneaky_signature(ps.sign_pdf(base, pki.leaf, pki.chain), pki, sign=False)
    if then_signed:
        data = ps.sign_pdf(data, pki.leaf, pki.chain, field_name="Later")
    r = _check(data, pki)
    assert r.verdict == "fail"
    assert _codes(r, 1).get("PDF_VISIBLE_SIGNATURE_ADDED") == "fail"
    assert not r.unprotected


@pytest.mark.parametrize("then_signed", [False, True])
def test_appearance_redrawn_after_the_later_signature_fails(base, pki, then_signed):
    """Revision 3 redraws the countersignature's appearance: no signature made that drawing
    together with the field (a third signature over it does not vouch for sig2's field)."""
    data, ap = _countersigned(base, pki)
    redrawn = ps.stream_obj(b"q 1 1 1 rg 0 0 200 60 re f Q BT /Helv 12 Tf 10 25 Td (Other) Tj ET",
                            b" /Type /XObject /Subtype /Form /BBox [0 0 200 60]")
    data = ps.append_update(data, {ap: redrawn})
    if then_signed:
        data = ps.sign_pdf(data, pki.leaf, pki.chain, field_name="Third")
    r = _check(data, pki)
    assert r.verdict == "fail"
    assert _codes(r, 1).get("PDF_VISIBLE_SIGNATURE_ADDED") == "fail"
    assert "fail" in _codes(r, 2).values()  # sig2's own appearance changed after it


def test_later_signature_that_does_not_verify_fails(base, pki):
    """The countersignature's appearance edited in place (same length): sig2 no longer verifies,
    so nothing vouches for the field it added."""
    data, _ = _countersigned(base, pki)
    assert data.count(b"(Signed) Tj") == 1
    r = _check(data.replace(b"(Signed) Tj", b"(Forged) Tj"), pki)
    assert not r.signatures[1].intact
    assert r.verdict == "fail"
    assert _codes(r, 1).get("PDF_VISIBLE_SIGNATURE_ADDED") == "fail"
