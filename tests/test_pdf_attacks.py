"""Published PDF signature attacks, built by testkit.pdfattacks: none may pass; all must fail, except
the Sneaky Signature whose added field is itself signed by a later intact signature (a change ISO
32000 permits: warn, with its area outlined).

Victim: an ECDSA-signed (and, for SM2, SM2-signed) sample; the victim's root is trusted, so the
only thing standing between the attacker and ``pass`` is the PDF engine.
"""
from __future__ import annotations

import io
import re

import pytest

from checker import Options, check_bytes
from testkit import pdfattacks as pa
from testkit import pdfsign as ps


@pytest.fixture(scope="module")
def victim():
    return ps.cached_pki("ecdsa", "VICTIM")


@pytest.fixture(scope="module")
def attacker():
    return ps.cached_pki("ecdsa", "ATTACKER")


@pytest.fixture(scope="module")
def opts(victim):
    return Options(trust=(victim.root.pem,))


@pytest.fixture(scope="module")
def base():
    return ps.base_pdf(pa.GENUINE)


@pytest.fixture(scope="module")
def signed(base, victim):
    return ps.sign_pdf(base, victim.leaf, victim.chain)


@pytest.fixture(scope="module")
def signed_cf(base, victim):
    return ps.sign_pdf(base, victim.leaf, victim.chain, contents_first=True)


def run(data, opts):
    r = check_bytes(data, "attack.pdf", opts)
    codes = {f.code for f in r.findings}
    return r, codes


def assert_fail(data, opts, *expected):
    r, codes = run(data, opts)
    assert r.verdict == "fail", (r.verdict, [(f.code, f.message_en) for f in r.findings])
    if expected:
        assert codes & set(expected), (expected, codes)
    # the victim's signature must not be reported as covering the attacked document
    if r.signatures:
        first = r.signatures[0]
        assert not (first.intact and first.covers_whole_file), first
    return r


def test_victim_document_is_genuine(signed, opts):
    r, codes = run(signed, opts)
    [s] = r.signatures
    assert s.intact and s.trusted and s.covers_whole_file
    assert s.algorithm == "ECDSA-SHA256"
    assert not [f for f in r.findings if f.severity in ("fail", "error")]
    assert not [f for f in r.findings if f.code.startswith(("PDF_", "SIG_", "CRYPTO_", "TRUST_")) and f.severity == "warn"]


# -- Universal Signature Forgery -------------------------------------------------------


@pytest.mark.parametrize("variant", [
    "usf-copied-cms", "usf-no-byterange", "usf-byterange-null", "usf-byterange-zero", "usf-byterange-partial",
    "usf-byterange-negative", "usf-byterange-beyond-eof", "usf-contents-zero", "usf-contents-empty",
    "usf-contents-garbage", "usf-contents-null"])
def test_universal_signature_forgery(signed, opts, variant):
    data = pa.usf_variants(signed)[variant]
    r = assert_fail(data, opts, "PDF_SIG_EMPTY", "PDF_BYTERANGE_INVALID", "SIG_DIGEST_MISMATCH", "SIG_MALFORMED")
    assert not any(s.intact for s in r.signatures)


# -- Incremental Saving Attack ---------------------------------------------------------------


@pytest.mark.parametrize("builder,codes", [
    (lambda s: pa.isa_replace_content(s), {"PDF_CHANGED_AFTER_SIGNING"}),
    (lambda s: pa.isa_replace_content(s, xref_stream=True), {"PDF_CHANGED_AFTER_SIGNING"}),
    (pa.isa_no_xref, {"PDF_TRAILING_GARBAGE"}),
    (pa.isa_trailer_only, {"PDF_HIDDEN_OBJECT"}),
    (pa.isa_no_prev, {"PDF_XREF_TAMPERED"}),
    (pa.isa_add_page, {"PDF_CHANGED_AFTER_SIGNING"}),
    (pa.isa_open_action, {"PDF_CHANGED_AFTER_SIGNING"}),
    (pa.isa_need_appearances, {"PDF_FORM_CHANGED"}),
    (pa.isa_new_root, {"PDF_SIGNATURE_REMOVED", "PDF_CHANGED_AFTER_SIGNING"}),
], ids=["replace-content", "replace-content-xrefstream", "no-xref", "trailer-only", "no-prev", "add-page",
        "open-action", "need-appearances", "new-root"])
def test_incremental_saving_attack(signed, opts, builder, codes):
    data = builder(signed)
    assert data.startswith(signed)  # the signed revision is untouched: the signature still verifies
    assert_fail(data, opts, *codes)


def test_isa_really_changes_what_readers_show(signed):
    """Sanity check of the attack itself: pypdf shows the forged text."""
    from pypdf import PdfReader

    data = pa.isa_replace_content(signed)
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "李四" in text and "张三" not in text


# -- Signature Wrapping ---------------------------------------------------------------------------


def test_signature_wrapping(signed_cf, opts):
    data = pa.swa(signed_cf)
    assert_fail(data, opts, "PDF_BYTERANGE_INVALID")


def test_signature_wrapping_fools_a_digest_only_check(signed_cf):
    """The wrapped file's new /ByteRange still hashes to the signed digest (the attack is real)."""
    import hashlib
    import re

    from asn1crypto import cms

    data = pa.swa(signed_cf)
    br = [int(x) for x in re.findall(rb"/ByteRange \[0 (\d+) (\d+) (\d+)\] >>", data)[-1]]
    content = data[:br[0]] + data[br[1]:br[1] + br[2]]
    raw = bytes.fromhex(data[br[0] + 1:data.index(b">", br[0])].decode())
    n = raw[1]
    total = 2 + n if n < 0x80 else 2 + (n & 0x7F) + int.from_bytes(raw[2:2 + (n & 0x7F)], "big")
    si = cms.ContentInfo.load(raw[:total])["content"]["signer_infos"][0]
    md = [a["values"][0].native for a in si["signed_attrs"] if a["type"].native == "message_digest"][0]
    assert hashlib.sha256(content).digest() == md
    assert len(data) == br[1] + br[2]


# -- Shadow attacks -------------------------------------------------------------------------------


def test_shadow_hide(victim, opts):
    prepared = pa.shadow_hide_prepare(victim)
    signed = ps.sign_pdf(prepared, victim.leaf, victim.chain)
    r, codes = run(signed, opts)
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    assert_fail(pa.shadow_hide(signed), opts, "PDF_CHANGED_AFTER_SIGNING")


def test_shadow_replace_font(signed, opts):
    assert_fail(pa.shadow_replace_font(signed), opts, "PDF_CHANGED_AFTER_SIGNING")


def test_shadow_hide_and_replace(victim, opts):
    prepared = pa.shadow_hide_and_replace_prepare()
    signed = ps.sign_pdf(prepared, victim.leaf, victim.chain)
    r, codes = run(signed, opts)
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    attacked = pa.shadow_hide_and_replace(signed)
    # the update holds no object at all: only an xref pointing old numbers to old (signed) bytes
    assert b" obj" not in attacked[len(signed):]
    assert_fail(attacked, opts, "PDF_CHANGED_AFTER_SIGNING")


def test_hybrid_xref_conflict(signed, opts):
    assert_fail(pa.hybrid_conflict(signed), opts, "PDF_BROKEN_AFTER_SIGNING")


# -- Certification attacks -------------------------------------------------------------------------


@pytest.mark.parametrize("certify", [None, 2, 3])
@pytest.mark.parametrize("subtype", [b"FreeText", b"Stamp"])
def test_evil_annotation(base, victim, opts, certify, subtype):
    signed = ps.sign_pdf(base, victim.leaf, victim.chain, certify=certify)
    assert_fail(pa.evil_annotation(signed, subtype), opts, "PDF_ANNOTATION_ADDED")


@pytest.mark.parametrize("certify", [None, 1, 2, 3])
def test_sneaky_signature_unsigned(base, victim, opts, certify):
    """A visible signature field that no signature vouches for draws over the sealed page."""
    signed = ps.sign_pdf(base, victim.leaf, victim.chain, certify=certify)
    assert_fail(pa.sneaky_signature(signed, victim, sign=False), opts, "PDF_VISIBLE_SIGNATURE_ADDED")


def test_sneaky_signature_signed_after_no_changes_certification(base, victim, attacker, opts):
    signed = ps.sign_pdf(base, victim.leaf, victim.chain, certify=1)
    assert_fail(pa.sneaky_signature(signed, attacker), opts, "PDF_VISIBLE_SIGNATURE_ADDED")


@pytest.mark.parametrize("certify", [None, 2, 3])
@pytest.mark.parametrize("who", ["attacker", "victim"])
def test_sneaky_signature_signed_is_never_pass(base, victim, attacker, opts, certify, who):
    """A visible signature field added and signed by a later signature is permitted by ISO 32000
    (pyHanko and Adobe accept it): never ``pass``, the first signature does not vouch for its area,
    and the page preview outlines it."""
    signed = ps.sign_pdf(base, victim.leaf, victim.chain, certify=certify)
    r, codes = run(pa.sneaky_signature(signed, attacker if who == "attacker" else victim), opts)
    assert r.verdict == "warn", (r.verdict, [(f.code, f.message_en) for f in r.findings])
    assert "PDF_SIGNATURE_ADDED_LATER" in r.signatures[0].codes
    assert [a.file for a in r.unprotected] == ["signature field Sneaky"]


def test_docmdp_p1_forbids_new_signatures(base, victim, attacker, opts):
    cert1 = ps.sign_pdf(base, victim.leaf, victim.chain, certify=1)
    assert_fail(pa.docmdp_p1_then_sign(cert1, attacker), opts, "PDF_DOCMDP_VIOLATION")


def test_signature_removed(signed, opts):
    assert_fail(pa.remove_signature(signed), opts, "PDF_SIGNATURE_REMOVED")
    assert_fail(pa.remove_signature(signed, forged=False), opts, "PDF_SIGNATURE_REMOVED")


def test_trailing_bytes_warn(signed, opts):
    r, codes = run(pa.trailing_garbage(signed), opts)
    assert r.verdict in ("warn", "fail")
    assert "PDF_UNSIGNED_TAIL" in codes


# -- SM2 victim: same engine, same result --------------------------------------------------------


def test_attacks_on_sm2_signed_file():
    sm2 = ps.cached_pki("sm2", "VICTIM")
    opts = Options(trust=(sm2.root.pem,))
    signed = ps.sign_pdf(ps.base_pdf(pa.GENUINE), sm2.leaf, sm2.chain, contents_first=True)
    r, _ = run(signed, opts)
    assert r.signatures[0].intact and r.signatures[0].trusted and r.signatures[0].algorithm == "SM2-SM3"
    for data in (pa.isa_replace_content(signed), pa.swa(signed), pa.evil_annotation(signed),
                 pa.shadow_replace_font(signed), pa.usf_variants(signed)["usf-contents-zero"]):
        assert_fail(data, opts)


def test_broken_object_appended_after_signing_fails(signed, opts):
    """An update whose xref is fine but whose new page object is garbage: tampering, not 'error'."""
    info = ps.inspect(signed)
    data = ps.append_update(signed, {info.page_nums[0]: b"<< /Type /Page /Parent 2 0 R /Contents [ 8 0 R >>"})
    assert_fail(data, opts, "PDF_BROKEN_AFTER_SIGNING", "PDF_CHANGED_AFTER_SIGNING")


def test_cli_exit_codes_on_attack_files(signed, opts, victim, tmp_path):
    import subprocess
    import sys

    root = tmp_path / "root.pem"
    root.write_bytes(victim.root.pem)
    files = {"isa": pa.isa_replace_content(signed), "evil": pa.evil_annotation(signed),
             "usf": pa.usf_variants(signed)["usf-contents-zero"], "shadow": pa.shadow_replace_font(signed)}
    paths = []
    for name, data in files.items():
        f = tmp_path / f"{name}.pdf"
        f.write_bytes(data)
        paths.append(str(f))
    p = subprocess.run([sys.executable, "-m", "checker", "--json", "--no-qr", "--trust", str(root), *paths],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 2, p.stderr
    import json

    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["verdict"] for x in lines] == ["fail"] * 4
    p = subprocess.run([sys.executable, "-m", "checker", "--no-qr", "--trust", str(root), paths[0]],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "签章 1 之后文件内容被修改" in p.stdout


# -- shadow-style preparation: objects shared between a harmless role and the page ----------------


def test_metadata_shared_with_page_content(victim, opts):
    """The attacker prepares /Metadata to be the page content stream, then 'updates the XMP'."""
    base = ps.base_pdf(pa.GENUINE)
    info = ps.inspect(base)
    num = pa._content_num(base)
    prepared = ps.append_update(base, {info.root: ps.add_keys(ps.raw_object(base, info.root), b"/Metadata %d 0 R" % num)})
    signed = ps.sign_pdf(prepared, victim.leaf, victim.chain)
    content, tounicode, _ = pa._forged_content_stream()
    assert_fail(ps.append_update(signed, {num: content}), opts, "PDF_CHANGED_AFTER_SIGNING")


def test_form_resources_shared_with_page_resources(victim, opts):
    """Page content draws /X1, which does not exist when signed; /DR is the page's /Resources.
    Adding /XObject /X1 'to the form resources' would make the page draw it."""
    base = ps.base_pdf(pa.GENUINE)
    info = ps.inspect(base)
    page = ps.raw_object(base, info.page_nums[0])
    num = pa._content_num(base)
    n = info.size
    content = ps.raw_object(base, num)
    body = content[content.index(b"stream\n") + 7:content.rindex(b"\nendstream")] + b"\nq /X1 Do Q"
    prepared = ps.append_update(base, {
        n: b"<< /Font << /F1 4 0 R >> >>",
        info.page_nums[0]: re.sub(rb"/Resources << /Font << /F1 4 0 R >> >>", b"/Resources %d 0 R" % n, page),
        num: ps.stream_obj(body),
        n + 1: b"<< /Fields [] /DR %d 0 R >>" % n,
        info.root: ps.add_keys(ps.raw_object(base, info.root), b"/AcroForm %d 0 R" % (n + 1)),
    })
    signed = ps.sign_pdf(prepared, victim.leaf, victim.chain)
    r, _ = run(signed, opts)
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    m = ps.inspect(signed).size
    overlay = ps.stream_obj(b"1 1 1 rg 0 0 595 842 re f", b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]")
    attacked = ps.append_update(signed, {n: b"<< /Font << /F1 4 0 R >> /XObject << /X1 %d 0 R >> >>" % m, m: overlay})
    assert_fail(attacked, opts, "PDF_CHANGED_AFTER_SIGNING", "PDF_FORM_CHANGED")


def test_invisible_signature_widget_with_actions(signed, victim, opts):
    """A later 'invisible' signature field whose widget runs an action when the page opens."""
    s2 = ps.sign_pdf(signed, victim.leaf, victim.chain, field_name="Sig2")
    info = ps.inspect(s2)
    fld = ps.inspect(signed).size + 1  # the field object written by the second signing
    body = ps.raw_object(s2, fld)
    # rebuild the second signing with an /AA entry in the widget: do it as the attacker would
    attacked = ps.sign_pdf(signed, victim.leaf, victim.chain, field_name="Sig2",
                           widget_extra=b"/AA << /PO << /S /JavaScript /JS (app.alert(1)) >> >>")
    assert b"/AA" in attacked[len(signed):] and b"/AA" not in body
    assert_fail(attacked, opts, "PDF_ANNOTATION_ADDED")


# -- the catalog written as a new object by a later revision -------------------------------
def _moved_root(signed: bytes, extra: bytes = b"", pages: bytes | None = None) -> bytes:
    info = ps.inspect(signed)
    root = ps.raw_object(signed, info.root)
    if pages is not None:
        root = re.sub(rb"/Pages\s+\d+\s+0\s+R", pages, root)
    return ps.append_update(signed, {info.size: ps.add_keys(root, extra) if extra else root}, root=info.size)


def test_catalog_moved_unchanged_is_allowed(signed, opts):
    """Some signing libraries write the catalog as a new object when they add a field: the same
    catalog under a new number changes nothing shown."""
    r, codes = run(_moved_root(signed), opts)
    assert r.verdict != "fail" and "SIG_OK" in codes, [(f.code, f.message_en) for f in r.findings]
    assert r.signatures[0].covers_whole_file


@pytest.mark.parametrize("extra,pages", [(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", None),
                                         (b"", b"/Pages 999 0 R")])
def test_catalog_moved_with_changes_fails(signed, opts, extra, pages):
    assert_fail(_moved_root(signed, extra, pages), opts, "PDF_CHANGED_AFTER_SIGNING", "PDF_BROKEN_AFTER_SIGNING")
