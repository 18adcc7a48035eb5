"""Real OFD files (tests/corpus/ofd-real: unmodified ofdrw test resources, several vendors).

Each signed file must verify intact; tampered copies (built here with zipfile) must ``fail``.
Seal signatures are also cross-checked with OpenSSL 3 (independent SM2 implementation).

Findings about the corpus (see the table in test_corpus_expectations):
* converter-invoice-example.ofd is the same e-invoice as sign-v4signed.ofd with Doc_0/Document.xml
  edited after sealing ("TPLS/Tpl_0" -> "Tpls/Tpl_0"); the seal's reference no longer matches, so it
  is a real-world modified file and must fail.
* sign-DigitalSign.ofd carries a bare SM2 signature value without certificate (ofdrw's deprecated
  DigitalSignContainer): it cannot be verified from the file (warn).  With the OFD R&W test
  certificate found in the other ofdrw files it does verify (checked below, test only).
* crypto-hello-integrity.ofd has no seal, only an OFDEntries.xml integrity list whose signature
  verifies (eContent = SM3(OFDEntries.xml), OpenSSL 3) and that lists every file (warn).
"""
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from asn1crypto import x509

from checker import Options, check_bytes
from checker._crypto import sigalg
from checker._ofd import ses

CORPUS = "ofd-real"

# file -> (OFD-level verdict, signatures [(kind, intact, trusted with the bundled anchors)], codes expected)
# The OFD-level verdict counts only the engine's own findings (OFD_/SIG_/CRYPTO_/TRUST_/NO_SIGNATURE):
# printed-field and QR checks belong to another area and are tested there.
EXPECT = {
    "converter-1.ofd": ("warn", [("ofd-seal", True, False)], {"SIG_UNTRUSTED", "OFD_IMAGE_UNDECODABLE"}),
    "converter-helloworld.ofd": ("warn", [], {"NO_SIGNATURE"}),
    "converter-invoice-example.ofd": ("fail", [("ofd-seal", False, False)], {"SIG_DIGEST_MISMATCH"}),
    # Yunnan CA signer -> YNCA_SM2 (carried in the CMS) -> NRCAC ROOTCA (bundled): genuinely trusted
    # at the time the file claims; but that certificate has expired since and no timestamp proves
    # the claimed time, so it is not proven (SIG_CERT_EXPIRED_UNPROVEN, see test_signing_time_proof).
    "converter-testImageNotFound.ofd": ("warn", [("ofd-sign", True, True), ("ofd-sign", True, True)],
                                        {"SIG_TRUSTED", "OFD_RESOURCE_MISSING", "OFD_SIG_PARTIAL", "OFD_CMS_DATA_OID_MIX",
                                         "SIG_CERT_EXPIRED_UNPROVEN"}),
    "crypto-hello-integrity.ofd": ("warn", [], {"NO_SIGNATURE", "OFD_ENTRIES_OK"}),
    "reader-SESV4SignDoc.ofd": ("warn", [("ofd-seal", True, False)], {"SIG_UNTRUSTED", "OFD_SEAL_EXPIRED"}),
    "sign-DigitalSign.ofd": ("warn", [("ofd-sign", False, False)], {"OFD_SIGN_NO_CERT"}),
    "sign-allprotected.ofd": ("warn", [("ofd-seal", True, False)], {"SIG_UNTRUSTED"}),
    "sign-v4signed.ofd": ("warn", [("ofd-seal", True, False)], {"SIG_UNTRUSTED"}),
}
ENGINE_PREFIXES = ("OFD_", "SIG_", "CRYPTO_", "TRUST_", "NO_SIGNATURE", "INPUT_", "LIMIT_", "INTERNAL_")
INTACT_SIGNED = [f for f, (_v, sigs, _c) in EXPECT.items() if sigs and all(s[1] for s in sigs)]


@pytest.fixture(scope="module")
def corpus(corpus_root):
    d = corpus_root / CORPUS
    files = {p.name: p.read_bytes() for p in sorted(d.glob("*.ofd"))}
    assert set(files) == set(EXPECT), "corpus changed: update EXPECT"
    return files


def check(data, **kw):
    return check_bytes(data, "t.ofd", Options(**kw))


def codes(r):
    return {f.code for f in r.findings}


def engine_verdict(r):
    from checker.result import verdict_for
    return verdict_for([f for f in r.findings if f.code.startswith(ENGINE_PREFIXES)], r.signatures)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_corpus_expectations(corpus, name):
    verdict, sigs, extra = EXPECT[name]
    r = check(corpus[name])
    assert engine_verdict(r) == verdict, [(f.code, f.message_en) for f in r.findings]
    if verdict != "pass":
        assert r.verdict == verdict or r.verdict in ("fail", "error")  # other areas may only add concerns
    assert [(s.kind, s.intact, s.trusted) for s in r.signatures] == sigs
    assert extra <= codes(r), codes(r)
    for s in r.signatures:
        if s.intact:
            assert s.algorithm == "SM2-SM3" and s.signer and s.covered
            assert s.signed_at and s.signed_at[:4] in ("2020", "2022", "2026")


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_corpus_without_bundled_anchors_is_never_trusted(corpus, name):
    r = check(corpus[name], use_default_trust=False)
    assert not any(s.trusted for s in r.signatures)
    assert [s.intact for s in r.signatures] == [i for _k, i, _t in EXPECT[name][1]]
    assert r.verdict != "pass"


@pytest.mark.parametrize("name", INTACT_SIGNED)
def test_each_seal_intact_and_whole(corpus, name):
    r = check(corpus[name])
    assert all(s.intact for s in r.signatures)
    assert any(s.covers_whole_file for s in r.signatures)
    assert not {"OFD_UNCOVERED_CONTENT", "SIG_DIGEST_MISMATCH", "SIG_INVALID"} & codes(r)


def _seal_values(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    for n in z.namelist():
        if n.lower().endswith("signedvalue.dat") and "Signs/" in n:
            v = z.read(n)
            if ses.looks_like_ses(v):
                yield n, z.read(n.rsplit("/", 1)[0] + "/Signature.xml"), ses.parse_signature(v)


def test_seal_details_per_file(corpus):
    """Vendor, version, algorithm of every seal (printed for the report)."""
    rows = []
    for name, data in corpus.items():
        for path, _xml, s in _seal_values(data):
            rows.append((name, s.version, s.seal.vid, s.seal.name, s.alg))
    print("\n".join(" | ".join(map(str, r)) for r in rows))
    assert {r[2] for r in rows} == {"GOMAIN", "OFDR&WTest"}
    assert {r[1] for r in rows} == {"v4"}


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl missing")
def test_seals_verify_with_openssl(corpus, tmp_path):
    """Independent reference: OpenSSL 3 SM2 (distid 1234567812345678) over DER(TBS_Sign), and the
    maker signature over SES_SealInfo; a flipped byte must fail."""
    n = 0
    for name, data in corpus.items():
        for path, sig_xml, s in _seal_values(data):
            spki = tmp_path / "spki.der"
            spki.write_bytes(x509.Certificate.load(s.cert).public_key.dump())
            for msg, sig, ok in ((s.tbs_der, s.signature, True), (s.tbs_der[:-1] + b"\x00", s.signature, False)):
                (tmp_path / "m").write_bytes(msg)
                (tmp_path / "s").write_bytes(sig)
                p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(spki), "-keyform", "DER",
                                    "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                                    "-in", str(tmp_path / "m"), "-sigfile", str(tmp_path / "s")],
                                   capture_output=True, text=True)
                assert (p.returncode == 0) == ok, (name, p.stdout, p.stderr)
            mspki = tmp_path / "mspki.der"
            mspki.write_bytes(x509.Certificate.load(s.seal.maker_cert).public_key.dump())
            (tmp_path / "m").write_bytes(s.seal.seal_info_der)
            (tmp_path / "s").write_bytes(s.seal.maker_signature)
            p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(mspki), "-keyform", "DER",
                                "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                                "-in", str(tmp_path / "m"), "-sigfile", str(tmp_path / "s")],
                               capture_output=True, text=True)
            assert p.returncode == 0, (name, "maker", p.stderr)
            n += 1
    assert n == 5


def test_digital_sign_verifies_with_the_known_test_certificate(corpus):
    """sign-DigitalSign.ofd: bare SM2 value over Signature.xml; the OFD R&W test certificate (signer of
    sign-allprotected.ofd) verifies it — proving what a Type=Sign value covers."""
    s = next(_seal_values(corpus["sign-allprotected.ofd"]))[2]
    spki = x509.Certificate.load(s.cert).public_key.dump()
    z = zipfile.ZipFile(io.BytesIO(corpus["sign-DigitalSign.ofd"]))
    sig_xml = z.read("Doc_0/Signs/Sign_0/Signature.xml")
    value = z.read("Doc_0/Signs/Sign_0/SignedValue.dat")
    assert sigalg.verify("1.2.156.10197.1.501", None, spki, sig_xml, value)
    assert not sigalg.verify("1.2.156.10197.1.501", None, spki, sig_xml + b" ", value)


# -- tampering ---------------------------------------------------------------------------------


def read_all(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def rezip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, body in entries:
            z.writestr(info, body)
    return buf.getvalue()


def edit(data, fn):
    """Apply ``fn(name, body) -> body | None`` (None = unchanged) to every entry."""
    out = []
    for info, body in read_all(data):
        new = fn(info.filename, body)
        out.append((info, body if new is None else new))
    return rezip(out)


def page_names(data):
    return [i.filename for i, _ in read_all(data) if re.search(r"Pages/Page_\d+/Content\.xml$", i.filename)]


def change_one_digit(data):
    bodies = dict((i.filename, b) for i, b in read_all(data))
    page = next(p for p in page_names(data) if b"TextCode" in bodies[p])

    def fn(name, body):
        if name != page:
            return None
        text = body.decode("utf-8")
        m = re.search(r"(<(?:ofd:)?TextCode[^>]*>)([^<]*?)(\d)", text) or re.search(r"(<(?:ofd:)?TextCode[^>]*>)()(\w)", text)
        if m is None:  # no text on this page: change a coordinate digit instead
            m = re.search(r'(Boundary=")()(\d)', text)
        ch = m.group(3)
        new = str((int(ch) + 1) % 10) if ch.isdigit() else ("X" if ch != "X" else "Y")
        return (text[:m.start(3)] + new + text[m.end(3):]).encode("utf-8")

    return edit(data, fn)


def swap_image(data):
    names = [i.filename for i, _ in read_all(data) if re.search(r"\.(png|jpe?g|jb2|bmp)$", i.filename, re.I)]
    target = names[0]
    from testkit.ofdsign import _demo_png
    return edit(data, lambda n, b: _demo_png() if n == target else None)


def drop_reference(data):
    def fn(name, body):
        if not name.endswith("Signature.xml") or "Signs/" not in name:
            return None
        text = body.decode("utf-8")
        new = re.sub(r"<(ofd:)?Reference FileRef=\"[^\"]*Content\.xml\">.*?</(ofd:)?Reference>", "", text, count=1)
        assert new != text
        return new.encode("utf-8")

    return edit(data, fn)


def replace_signed_value(data, donor):
    donor_value = next(b for i, b in read_all(donor) if i.filename.lower().endswith("signedvalue.dat"))
    return edit(data, lambda n, b: donor_value if n.lower().endswith("signedvalue.dat") and "Signs/" in n else None)


def add_page(data):
    entries = read_all(data)
    doc_name = docroot_of(data).lstrip("/")
    page = page_names(data)[0]
    page_body = dict((i.filename, b) for i, b in entries)[page]
    new_page = "Doc_0/Pages/Page_99/Content.xml"
    out = []
    for info, body in entries:
        if info.filename == doc_name:
            body = body.replace(b"</ofd:Pages>", b'<ofd:Page ID="9999" BaseLoc="Pages/Page_99/Content.xml"/></ofd:Pages>')
        out.append((info, body))
    out.append((zipfile.ZipInfo(new_page), page_body))
    return rezip(out)


def docroot_of(data):
    ofd = dict((i.filename, b) for i, b in read_all(data))["OFD.xml"].decode()
    return re.search(r"<ofd:DocRoot>([^<]+)<", ofd).group(1)


TAMPERS = {
    "digit": change_one_digit,
    "dropref": drop_reference,
    "addpage": add_page,
}
SIGNED = [f for f, (_v, sigs, _c) in EXPECT.items() if sigs]


IMAGE_FILES = ["converter-1.ofd", "converter-invoice-example.ofd", "converter-testImageNotFound.ofd",
               "sign-v4signed.ofd"]


@pytest.mark.parametrize("name", IMAGE_FILES)
def test_swapped_image_fails(corpus, name):
    r = check(swap_image(corpus[name]))
    assert r.verdict == "fail"
    assert "SIG_DIGEST_MISMATCH" in codes(r)
    assert not any(s.intact for s in r.signatures)


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
@pytest.mark.parametrize("name", SIGNED)
def test_tampered_copies_fail(corpus, name, tamper):
    data = corpus[name]
    bad = TAMPERS[tamper](data)
    assert bad != data
    r = check(bad)
    assert r.verdict == "fail", (tamper, [(f.code, f.message_en) for f in r.findings])
    assert not any(s.intact and s.covers_whole_file for s in r.signatures)


@pytest.mark.parametrize("name", SIGNED)
def test_replaced_signed_value(corpus, name):
    donor = corpus["sign-v4signed.ofd"] if name != "sign-v4signed.ofd" else corpus["sign-allprotected.ofd"]
    bad = replace_signed_value(corpus[name], donor)
    r = check(bad)
    assert r.verdict != "pass"
    assert not any(s.intact for s in r.signatures)
    if name != "sign-DigitalSign.ofd":  # a bare value without certificate is never 'intact' anyway
        assert r.verdict in ("fail", "error"), [(f.code, f.message_en) for f in r.findings]


def test_images_in_corpus_are_reported(corpus):
    r = check(corpus["sign-v4signed.ofd"])
    assert "OFD_IMAGE_UNDECODABLE" not in codes(r)
    from checker import list_images
    imgs = list_images(corpus["sign-v4signed.ofd"])
    assert [p for p, _ in imgs] == ["Doc_0/Res/qr.png"] and imgs[0][1][:4] == b"\x89PNG"
    assert list_images(corpus["converter-1.ofd"]) == []  # JBIG2 only: reported as info


def test_text_of_an_invoice(corpus):
    from checker._context import Context
    from checker._ofd import analyse_ofd
    out = analyse_ofd(corpus["sign-v4signed.ofd"], Context(options=Options()))
    lines = out.text.splitlines()
    assert lines[0].startswith("重庆增值税电子普通发票")
    assert any("发票号码" in ln and "99999951" in ln for ln in lines)
    assert out.text.index("发票代码") < out.text.index("开票日期") < out.text.index("价税合计")
    assert "全国统一发票监制章国家税务总局重庆市税务局" in out.signer_names
