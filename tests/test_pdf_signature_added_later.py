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


# -- a document prepared with an empty visible field for each signer, signed in turn (pyHanko) -----

def _prepared(base, *, sign_second=True):
    """Empty visible fields "Issuer" and "Company" written before any signature; pyHanko signs
    "Issuer", then fills "Company" with the second signature.  (pyHanko refuses to sign after a
    DocMDP P=1 certification; that refusal is shared with fields added later, tested above.)"""
    import io

    from asn1crypto import pem, x509
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    pki = ps.cached_pki("rsa")
    w = IncrementalPdfFileWriter(io.BytesIO(base), strict=False)
    fields.append_signature_field(w, fields.SigFieldSpec("Issuer", box=(50, 700, 250, 760)))
    fields.append_signature_field(w, fields.SigFieldSpec("Company", box=(50, 50, 250, 110)))
    out = io.BytesIO()
    w.write(out)
    signer = signers.SimpleSigner(
        signing_cert=x509.Certificate.load(pem.unarmor(pki.leaf.pem)[2]),
        signing_key=load_private_key_from_pemder_data(pki.leaf.key.to_pem(), passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([x509.Certificate.load(pem.unarmor(pki.ca.pem)[2])]))

    def sign(data, name):
        o = io.BytesIO()
        signers.PdfSigner(signers.PdfSignatureMetadata(field_name=name), signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=o)
        return o.getvalue()

    first = sign(out.getvalue(), "Issuer")
    return sign(first, "Company") if sign_second else first


def test_prepared_signature_field_signed_later_is_warn(base, pki):
    r = _check(_prepared(base), pki)
    assert r.verdict == "warn", [(f.code, f.message_en) for f in r.findings]
    assert "fail" not in _codes(r).values()
    assert _codes(r, 1).get("PDF_SIGNATURE_ADDED_LATER") == "warn"
    [f] = [f for f in r.findings if f.code == "PDF_SIGNATURE_ADDED_LATER"]
    assert "signature 2 signed the visible signature field" in f.message_en
    assert "签章 2 签署了" in f.message
    [a] = r.unprotected
    assert a.page == 1 and a.file == "signature field Company"
    assert a.box == pytest.approx((50 / 595, (842 - 110) / 842, 200 / 595, 60 / 842), abs=1e-3)


def test_prepared_signature_field_drawn_but_not_signed_fails(base, pki):
    """The empty field's appearance replaced in an unsigned update (an Evil Annotation through a
    prepared field): nothing signed the new appearance."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    first = _prepared(base, sign_second=False)
    w = IncrementalPdfFileWriter(io.BytesIO(first), strict=False)
    [company] = [f for f in w.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == "Company"]
    widget = company.get_object()
    ap = w.add_object(generic.StreamObject(
        {generic.NameObject("/Type"): generic.NameObject("/XObject"),
         generic.NameObject("/Subtype"): generic.NameObject("/Form"),
         generic.NameObject("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 200, 60)])},
        stream_data=b"BT /F1 12 Tf 10 20 Td (FORGED) Tj ET"))
    widget[generic.NameObject("/AP")] = generic.DictionaryObject({generic.NameObject("/N"): ap})
    w.update_container(widget)
    out = io.BytesIO()
    w.write(out)
    r = _check(out.getvalue(), pki)
    assert r.verdict == "fail"
    assert _codes(r, 1).get("PDF_VISIBLE_SIGNATURE_ADDED") == "fail"
