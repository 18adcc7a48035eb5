"""A change the signer permitted: filling in a form field after a DocMDP P=2/P=3 certification is
warn (cannot vouch for the filled-in value), outlined where the field is; any other change to the
field, or filling without that permission, stays fail."""
import pytest

from checker import Options, check_bytes
from testkit import pdfsign as ps


def _form_pdf() -> bytes:
    base = ps.base_pdf(["Sample (DEMO)"])
    objs = {
        20: b"<< /Fields [21 0 R] /DA (/Helv 0 Tf 0 g) >>",
        21: b"<< /FT /Tx /T (remark) /Type /Annot /Subtype /Widget /Rect [100 600 300 630] /P 9 0 R /F 4 >>",
        1: ps.add_keys(ps.raw_object(base, 1), b"/AcroForm 20 0 R"),
        9: ps.add_keys(ps.raw_object(base, 9), b"/Annots [21 0 R]"),
    }
    return ps.append_update(base, objs)


def _fill(data: bytes, extra: bytes = b"") -> bytes:
    field = ps.raw_object(data, 21)
    ap = ps.stream_obj(b"BT /Helv 12 Tf 2 10 Td (filled) Tj ET", extra=b"/Type /XObject /Subtype /Form /BBox [0 0 200 30]")
    return ps.append_update(data, {21: ps.add_keys(field, b"/V (filled) /AP << /N 30 0 R >>" + extra), 30: ap})


@pytest.fixture(scope="module")
def pki():
    return ps.cached_pki("rsa")


def _check(data, pki):
    return check_bytes(data, "f.pdf", Options(trust=(pki.root.pem,), use_default_trust=False))


def _codes(r):
    return {f.code: f.severity for f in r.findings}


@pytest.mark.parametrize("level", [2, 3])
def test_form_filled_as_the_certification_permits_is_warn(pki, level):
    r = _check(_fill(ps.sign_pdf(_form_pdf(), pki.leaf, pki.chain, certify=level)), pki)
    codes = _codes(r)
    assert r.verdict == "warn" and codes.get("PDF_FORM_FILLED_PERMITTED") == "warn", codes
    assert "fail" not in codes.values()
    (s,) = r.signatures
    assert s.intact and s.trusted and "PDF_FORM_FILLED_PERMITTED" in s.codes
    # the filled field is outlined where it is drawn: /Rect [100 600 300 630] on a 595 x 842 page
    (a,) = r.unprotected
    assert a.page == 1 and a.file == "form field remark"
    assert a.box == pytest.approx((100 / 595, (842 - 630) / 842, 200 / 595, 30 / 842), abs=1e-3)


@pytest.mark.parametrize("level", [None, 1])
def test_form_filled_without_permission_fails(pki, level):
    r = _check(_fill(ps.sign_pdf(_form_pdf(), pki.leaf, pki.chain, certify=level)), pki)
    assert r.verdict == "fail" and _codes(r).get("PDF_FORM_CHANGED") == "fail"


def test_moving_the_field_while_filling_it_fails(pki):
    signed = ps.sign_pdf(_form_pdf(), pki.leaf, pki.chain, certify=2)
    moved = _fill(signed, extra=b"")
    field = ps.raw_object(moved, 21)
    moved = ps.append_update(moved, {21: ps.set_key(field, b"Rect", b"[0 0 595 842]")})
    r = _check(moved, pki)
    assert r.verdict == "fail" and _codes(r).get("PDF_FORM_CHANGED") == "fail"
