"""Differential tests against pyHanko (test-only oracle) on RSA/ECDSA PDFs.

"Accepted" means: pyHanko says intact+valid and coverage ENTIRE_FILE, or ENTIRE_REVISION with
``docmdp_ok`` and a modification level of at most FORM_FILLING; we say intact and
``covers_whole_file`` (whole file, or only harmless later additions) with no fail/error finding
of ours.  Where we are stricter, the case says why.
"""
from __future__ import annotations

import io
import logging

import pytest

from checker import Options, check_bytes
from testkit import pdfattacks as pa
from testkit import pdfsign as ps

OURS = ("PDF_", "SIG_", "CRYPTO_", "TRUST_", "NO_SIGNATURE", "INPUT_", "LIMIT_", "INTERNAL_")
OK_LEVELS = ("NONE", "LTA_UPDATES", "FORM_FILLING")


def pyhanko_status(data: bytes, roots=()):
    """[(intact_and_valid, coverage, modification_level, docmdp_ok)] or an exception name."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    logging.disable(logging.CRITICAL)
    try:
        r = PdfFileReader(io.BytesIO(data), strict=False)
        out = []
        for s in r.embedded_signatures:
            vc = ValidationContext(trust_roots=list(roots), allow_fetching=False)
            if s.sig_object_type == "/DocTimeStamp":
                st = validate_pdf_timestamp(s, validation_context=vc)
            else:
                st = validate_pdf_signature(s, vc)
            out.append((bool(st.intact and st.valid), st.coverage.name,
                        st.modification_level.name if st.modification_level else None, bool(st.docmdp_ok)))
        return out
    except Exception as exc:  # pyHanko refuses the file
        return type(exc).__name__
    finally:
        logging.disable(logging.NOTSET)


def ph_accepts(st) -> list[bool]:
    if isinstance(st, str):
        return []
    return [ok and (cov == "ENTIRE_FILE" or (cov == "ENTIRE_REVISION" and mdp and lvl in OK_LEVELS))
            for ok, cov, lvl, mdp in st]


def our_accepts(r) -> list[bool]:
    def bad(i):
        return any(f.severity in ("fail", "error") and f.code.startswith(OURS) and dict(f.params).get("index") == i
                   for f in r.findings)

    return [s.intact and s.covers_whole_file and not bad(s.index) for s in r.signatures]


# -- the shared corpus ------------------------------------------------------------------------------
# file -> (pyHanko: accepted per signature or exception, ours: verdict class, our signature acceptance, why)
CORPUS = {
    "coverage-anomalies_base.pdf": ("ValueError", "fail", [False],
                                    "its /Contents is all zeros (an unsigned placeholder): PDF_SIG_EMPTY; "
                                    "pyHanko cannot parse the empty CMS either"),
    "coverage-anomalies_one-byterange.pdf": ([False], "fail", [False], "2-number /ByteRange: PDF_BYTERANGE_INVALID"),
    "coverage-anomalies_signature-gap-too-big.pdf": ([False], "fail", [False], "gap larger than /Contents"),
    "coverage-anomalies_tail-uncovered.pdf": ([False], "fail", [False], "range 2 ends before a revision end"),
    "coverage-anomalies_weird-byterange.pdf": ([False], "fail", [False], "ranges do not match /Contents"),
    "form-update-ap-indirect-sneaky-trailer.pdf": ([False, True], "fail", [False, True], "sneaky AP update"),
    "form-update-override-appearance-stream-sneaky.pdf": ([False, True], "fail", [False, True], "sneaky AP update"),
    # STRICTER: pyHanko accepts a text field's appearance stream being overwritten after signing
    # (FORM_FILLING); a registration certificate has no legitimate form filling after it is sealed,
    # and the overwritten appearance changes what the page shows -> PDF_CHANGED_AFTER_SIGNING.
    "form-update-override-appearance-stream.pdf": ([True, True], "fail", [False, True], "stricter: form filling"),
    # the second signature field is visible and signed by the second signature in the revision
    # that adds it: permitted, as pyHanko says; warn (PDF_SIGNATURE_ADDED_LATER, area outlined)
    "minimal-signed-twice-both-created.pdf": ([True, True], "warn", [True, True],
                                              "visible signature field added and signed later -> warn"),
    "minimal-signed-twice-no-sig-type.pdf": ([True, True], "warn", [True, True], "untrusted test CA -> warn"),
}
UNSIGNED_OK = {"empty-a4.pdf", "minimal-hybrid-xref.pdf"}
BROKEN = {
    "broken-objstream1.pdf", "broken-objstream5.pdf", "circular-page-tree.pdf", "form-tree-circular-ref-input.pdf",
    "malformed-xref-space-padded.pdf", "minimal-badxref.pdf", "minimal-broken-xref-size.pdf",
    "minimal-illegal-header.pdf", "minimal-startxref-hopeless.pdf", "minimal-startxref-hopeless2.pdf",
}
ENCRYPTED = {"malformed-encrypt-dict1.pdf", "minimal-aes256.pdf", "minimal-rc4.pdf"}


def test_corpus_is_fully_classified(corpus_root):
    files = {p.name for p in (corpus_root / "pdf-pyhanko").glob("*.pdf")}
    assert files == set(CORPUS) | UNSIGNED_OK | BROKEN | ENCRYPTED


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_signed(corpus_root, name):
    data = (corpus_root / "pdf-pyhanko" / name).read_bytes()
    ph_expected, verdict, ours_expected, why = CORPUS[name]
    st = pyhanko_status(data)
    if isinstance(ph_expected, str):
        assert st == ph_expected, st
    else:
        assert ph_accepts(st) == ph_expected, st
    r = check_bytes(data, name, Options())
    assert r.verdict == verdict, (why, [(f.code, f.message_en) for f in r.findings])
    assert our_accepts(r) == ours_expected, why


@pytest.mark.parametrize("name", sorted(UNSIGNED_OK))
def test_corpus_unsigned(corpus_root, name):
    r = check_bytes((corpus_root / "pdf-pyhanko" / name).read_bytes(), name, Options())
    assert r.verdict == "warn" and "NO_SIGNATURE" in {f.code for f in r.findings}
    assert r.pages == 1


@pytest.mark.parametrize("name", sorted(BROKEN | ENCRYPTED))
def test_corpus_broken_is_error_with_message(corpus_root, name):
    r = check_bytes((corpus_root / "pdf-pyhanko" / name).read_bytes(), name, Options())
    assert r.verdict == "error"
    [f] = [f for f in r.findings if f.severity == "error"]
    assert f.code == ("INPUT_ENCRYPTED" if name in ENCRYPTED else "INPUT_MALFORMED")
    assert f.message and f.message_en and "Traceback" not in f.message_en


# -- generated files -------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["rsa", "ecdsa"])
def material(request):
    p = ps.cached_pki(request.param)
    tsa_pki = ps.cached_pki("rsa")  # pyHanko's dummy TSA is RSA-only
    kw = dict(key_pem=p.leaf.key.to_pem(), cert_pem=p.leaf.pem, chain_pem=[p.ca.pem])
    base = ps.base_pdf(pa.GENUINE)
    s1 = ps.pyhanko_sign(base, **kw)
    certs = {lvl: ps.pyhanko_sign(base, certify=lvl, **kw) for lvl in (1, 2, 3)}
    cases = {
        "pyhanko-single": s1,
        "pyhanko-pades": ps.pyhanko_sign(base, use_pades=True, **kw),
        "pyhanko-sha512": ps.pyhanko_sign(base, md="sha512", **kw),
        "pyhanko-certify1": certs[1], "pyhanko-certify2": certs[2], "pyhanko-certify3": certs[3],
        "pyhanko-twice": ps.pyhanko_sign(s1, field_name="Sig2", **kw),
        "pyhanko-certify2-then-sign": ps.pyhanko_sign(certs[2], field_name="Sig2", **kw),
        "pyhanko-three-revisions": ps.pyhanko_sign(ps.pyhanko_sign(s1, field_name="Sig2", **kw), field_name="Sig3", **kw),
        "pyhanko-twice-visible": ps.pyhanko_sign(s1, field_name="Sig2", visible=True, **kw),
        "certify1-then-sign": ps.sign_pdf(certs[1], p.leaf, p.chain, field_name="Sig2"),
        "isa": pa.isa_replace_content(s1),
        "isa-xref-stream": pa.isa_replace_content(s1, xref_stream=True),
        "evil-annotation": pa.evil_annotation(s1),
        "evil-annotation-p3": pa.evil_annotation(certs[3]),
        "sneaky-p2": pa.sneaky_signature(certs[2], p, sign=False),
        "shadow-font": pa.shadow_replace_font(s1),
        "pyhanko-embedded-timestamp": ps.pyhanko_sign(base, use_pades=True, tsa=tsa_pki.tsa, **kw),
        "pyhanko-doc-timestamp": ps.pyhanko_doc_timestamp(s1, tsa_pki.tsa, [tsa_pki.ca]),
        "pyhanko-on-objstm-base": ps.pyhanko_sign(ps.base_pdf(pa.GENUINE, objstm=True), **kw),
        "pyhanko-objstm-then-isa": pa.isa_replace_content(ps.pyhanko_sign(ps.base_pdf(pa.GENUINE, objstm=True), **kw),
                                                          xref_stream=True),
        "pyhanko-visible-first": ps.pyhanko_sign(base, visible=True, **kw),
        "pyhanko-visible-then-doc-timestamp": ps.pyhanko_doc_timestamp(ps.pyhanko_sign(base, visible=True, **kw),
                                                                       tsa_pki.tsa, [tsa_pki.ca]),
        "testkit-signed": ps.sign_pdf(base, p.leaf, p.chain),
        "testkit-dss": ps.add_dss(ps.sign_pdf(base, p.leaf, p.chain), [p.ca.der]),
        "testkit-twice": ps.sign_pdf(ps.sign_pdf(base, p.leaf, p.chain), p.leaf, p.chain, field_name="S2"),
    }
    return p, tsa_pki, cases


# STRICTER cases: pyHanko accepts, we do not.
STRICTER: dict[str, list[bool]] = {}
CASES = ["pyhanko-single", "pyhanko-pades", "pyhanko-sha512", "pyhanko-certify1", "pyhanko-certify2",
         "pyhanko-certify3", "pyhanko-twice", "pyhanko-certify2-then-sign", "pyhanko-three-revisions",
         "pyhanko-twice-visible", "certify1-then-sign", "isa", "isa-xref-stream", "evil-annotation",
         "evil-annotation-p3", "sneaky-p2", "shadow-font", "testkit-signed", "testkit-dss", "testkit-twice",
         "pyhanko-embedded-timestamp", "pyhanko-doc-timestamp", "pyhanko-on-objstm-base", "pyhanko-objstm-then-isa",
         "pyhanko-visible-first", "pyhanko-visible-then-doc-timestamp"]


@pytest.mark.parametrize("case", CASES)
def test_generated_agree_with_pyhanko(material, case):
    p, tsa_pki, cases = material
    data = cases[case]
    st = pyhanko_status(data, [p.root.cert, tsa_pki.root.cert])
    assert not isinstance(st, str), st
    r = check_bytes(data, case, Options(trust=(p.root.pem, tsa_pki.root.pem)))
    # intactness of every signature over its own revision: always the same answer
    assert [s.intact for s in r.signatures] == [x[0] for x in st], (st, r.signatures)
    assert all(s.trusted for s in r.signatures if s.intact)
    expected = STRICTER.get(case, ph_accepts(st))
    assert our_accepts(r) == expected, (case, st, [(f.code, f.message_en) for f in r.findings])
    if case in STRICTER:
        assert ph_accepts(st) != expected  # still stricter (update the table if pyHanko changes)
    if not all(expected):
        assert r.verdict == "fail"
    if case == "pyhanko-embedded-timestamp":
        assert r.signatures[0].timestamp
    if case == "pyhanko-doc-timestamp":
        assert [s.kind for s in r.signatures] == ["pdf-signature", "pdf-timestamp"]
