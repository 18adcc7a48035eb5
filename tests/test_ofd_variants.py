"""How real OFD producers lay out what they sign: read leniently, judged strictly.

Each variant (FileRef spellings, Signatures.xml outside Signs/, the SM3-with-key CheckMethod,
a signature list extended by later seals, a zlib trailer after deflate data) has a crafted
package that must verify with an ``info`` finding naming it, and a changed copy that must
still be ``fail``.
"""
from __future__ import annotations

import hashlib
import pathlib
import re
import struct
import zlib

import pytest

from checker import Options, check_bytes
from checker._crypto import sm2
from testkit import ofdsign, pki

SM3_OID = "1.2.156.10197.1.401"


@pytest.fixture(scope="module")
def ca():
    root = pki.make_cert(pki.name("示例 根 (TEST)"), pki.Key.generate("sm2"), None, ca=True)
    signer = pki.make_cert(pki.name("示例 签章人 (TEST)"), pki.Key.generate("sm2"), root)
    return {"root": root, "signer": signer}


@pytest.fixture(scope="module")
def plain():
    return ofdsign.make_ofd(["示例 电子证书", "姓名：示例"])


def _check(data: bytes, ca):
    return check_bytes(data, "t.ofd", Options(trust=(ca["root"].pem,), use_default_trust=False))


def _codes(res, severity: str | None = None) -> set[str]:
    return {f.code for f in res.findings if severity is None or f.severity == severity}


def _seal(plain, ca, **kw) -> bytes:
    return ofdsign.seal_ofd(plain, ca["signer"].key, ca["signer"], "示例印章", maker=ca["root"], **kw)


def _resign(files: dict[str, bytes], ca, sign_dir: str = "Doc_0/Signs/Sign_0") -> dict[str, bytes]:
    """Re-make SignedValue.dat over the (edited) Signature.xml, as the producer would have."""
    from asn1crypto import core

    sig_xml = files[f"{sign_dir}/Signature.xml"]
    old = core.Sequence.load(files[f"{sign_dir}/SignedValue.dat"])
    tbs = core.Sequence.load(old[0].dump())
    seal_der, when = tbs[1].dump(), tbs[2].dump()
    data_hash = hashlib.new("sm3", sig_xml).digest()
    new_tbs = ofdsign.seq(tbs[0].dump(), seal_der, when, ofdsign.bits(data_hash), tbs[4].dump())
    value = ca["signer"].key.sign(new_tbs, "sm3")
    files[f"{sign_dir}/SignedValue.dat"] = ofdsign.seq(new_tbs, old[1].dump(), old[2].dump(), ofdsign.bits(value))
    return files


def _page(files: dict[str, bytes]) -> str:
    return next(k for k in files if k.endswith("Content.xml"))


def _tamper(files: dict[str, bytes]) -> dict[str, bytes]:
    files = dict(files)
    page = _page(files)
    files[page] = files[page].replace("示例".encode(), "伪造".encode())
    return files


# -- FileRef spellings ---------------------------------------------------------------------
def _rewrite_refs(files, ca, how):
    sx = "Doc_0/Signs/Sign_0/Signature.xml"
    text = files[sx].decode()
    if how == "double-slash":
        text = text.replace('FileRef="/', 'FileRef="//')
    elif how == "relative":  # relative to the signature's folder
        text = re.sub(r'FileRef="/Doc_0/', 'FileRef="../../', text)
        text = text.replace('FileRef="/OFD.xml"', 'FileRef="../../../OFD.xml"')
    files[sx] = text.encode()
    return _resign(files, ca)


@pytest.mark.parametrize("how", ["double-slash", "relative"])
def test_fileref_variants_verify(plain, ca, how):
    files = _rewrite_refs(ofdsign._read(_seal(plain, ca)), ca, how)
    res = _check(ofdsign.write_zip(files), ca)
    assert "OFD_FILEREF_VARIANT" in _codes(res, "info") and "SIG_OK" in _codes(res), res.findings
    assert not _codes(res, "fail") and not _codes(res, "error"), res.findings


@pytest.mark.parametrize("how", ["double-slash", "relative"])
def test_fileref_variants_still_catch_changes(plain, ca, how):
    files = _tamper(_rewrite_refs(ofdsign._read(_seal(plain, ca)), ca, how))
    res = _check(ofdsign.write_zip(files), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


def test_network_fileref_is_never_fetched(plain, ca):
    files = ofdsign._read(_seal(plain, ca))
    sx = "Doc_0/Signs/Sign_0/Signature.xml"
    files[sx] = files[sx].replace(b'FileRef="/OFD.xml"', b'FileRef="http://example.invalid/OFD.xml"')
    res = _check(ofdsign.write_zip(_resign(files, ca)), ca)
    assert "OFD_SIG_REF_MISSING" in _codes(res) and "SIG_OK" not in _codes(res), res.findings


# -- Signatures.xml outside Signs/ -----------------------------------------------------------
def test_signature_list_outside_signs_folder(plain, ca):
    data = _seal_with_moved_list(plain, ca)
    files = ofdsign._read(data)
    assert "Doc_0/Seals.xml" in files and not any("/Signs/" in k for k in files)
    res = _check(data, ca)
    assert "SIG_OK" in _codes(res) and not _codes(res, "fail"), res.findings
    assert "OFD_SIGNATURES_LOCATION" in _codes(res, "info"), res.findings
    res = _check(ofdsign.write_zip(_tamper(files)), ca)
    assert res.verdict == "fail", res.findings


def _seal_with_moved_list(plain, ca) -> bytes:
    """Seal a package whose OFD.xml already names Doc_0/Seals.xml (so OFD.xml's digest holds)."""
    files = ofdsign._read(plain)
    files["OFD.xml"] = files["OFD.xml"].replace(
        b"</ofd:DocRoot>", b"</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>")
    files["Doc_0/Signs/Signatures.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Signatures '
                                           b'xmlns:ofd="http://www.ofdspec.org/2016"><ofd:MaxSignId>0'
                                           b'</ofd:MaxSignId></ofd:Signatures>')
    files["OFD.xml"] = files["OFD.xml"].replace(b"Doc_0/Signs/Signatures.xml", b"Doc_0/Seals.xml")
    files["Doc_0/Seals.xml"] = files.pop("Doc_0/Signs/Signatures.xml")
    data = ofdsign.write_zip(files)
    return _seal(data, ca)


# -- CheckMethod SM3 with the signer's key (GM/T 0006 sm3WithKey) -----------------------------
def _sm3_with_key(files: dict[str, bytes], ca) -> dict[str, bytes]:
    sx = "Doc_0/Signs/Sign_0/Signature.xml"
    z = sm2.z_value(ca["signer"].key.public_point())
    text = files[sx].decode()
    text = text.replace(f'CheckMethod="{SM3_OID}"', f'CheckMethod="{SM3_OID}.2"')

    def redigest(m):
        name = m.group(1).lstrip("/")
        import base64

        return (f'FileRef="{m.group(1)}"><ofd:CheckValue>'
                f'{base64.b64encode(hashlib.new("sm3", z + files[name]).digest()).decode()}</ofd:CheckValue>')

    text = re.sub(r'FileRef="([^"]+)"><ofd:CheckValue>[^<]*</ofd:CheckValue>', redigest, text)
    files[sx] = text.encode()
    return _resign(files, ca)


def test_sm3_with_key_checkmethod(plain, ca):
    files = _sm3_with_key(ofdsign._read(_seal(plain, ca, seal_file=False)), ca)
    res = _check(ofdsign.write_zip(files), ca)
    assert {"SIG_OK", "OFD_CHECKMETHOD_SM3_KEY"} <= _codes(res), res.findings
    assert not _codes(res, "fail"), res.findings
    res = _check(ofdsign.write_zip(_tamper(files)), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


def test_plain_sm3_value_under_sm3_with_key_is_a_mismatch(plain, ca):
    """The two methods are not interchangeable: a plain SM3 value under .401.2 does not match."""
    files = ofdsign._read(_seal(plain, ca, seal_file=False))
    sx = "Doc_0/Signs/Sign_0/Signature.xml"
    files[sx] = files[sx].replace(f'CheckMethod="{SM3_OID}"'.encode(), f'CheckMethod="{SM3_OID}.2"'.encode())
    res = _check(ofdsign.write_zip(_resign(files, ca)), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


# -- a second seal appends its entry to the list the first one protected ----------------------
def _two_seals(plain, ca) -> bytes:
    once = _seal(plain, ca)
    files = ofdsign._read(once)
    lst = "Doc_0/Signs/Signatures.xml"
    sx = "Doc_0/Signs/Sign_0/Signature.xml"
    assert lst.encode() not in files[sx]  # the testkit does not protect the list: add it
    import base64

    ref = (f'<ofd:Reference FileRef="/{lst}"><ofd:CheckValue>'
           f'{base64.b64encode(hashlib.new("sm3", files[lst]).digest()).decode()}</ofd:CheckValue></ofd:Reference>')
    files[sx] = files[sx].replace(b"</ofd:References>", ref.encode() + b"</ofd:References>")
    signed_list = files[lst]
    once = ofdsign.write_zip(_resign(files, ca))
    twice = ofdsign._read(ofdsign.seal_ofd(once, ca["signer"].key, ca["signer"], "第二枚", maker=ca["root"],
                                           protect=[k for k in ofdsign._read(once) if not k.endswith("Signatures.xml")]))
    # the list as ofdrw-sign extends it: the signed text, then the new entry and a new MaxSignId
    entry = re.findall(rb"<ofd:Signature ID=\"2\"[^>]*/>", twice[lst])[0]
    twice[lst] = signed_list.replace(b"</ofd:Signatures>", entry + b"<ofd:MaxSignId>2</ofd:MaxSignId></ofd:Signatures>")
    return ofdsign.write_zip(twice)


def test_list_extended_by_a_later_seal(plain, ca):
    res = _check(_two_seals(plain, ca), ca)
    assert "OFD_SIG_LIST_APPENDED" in _codes(res, "info"), res.findings
    assert not _codes(res, "fail") and not _codes(res, "error"), res.findings


def test_list_with_other_changes_is_a_mismatch(plain, ca):
    """Anything but later <Signature> entries in the list is a change to what was signed."""
    files = ofdsign._read(_two_seals(plain, ca))
    lst = "Doc_0/Signs/Signatures.xml"
    files[lst] = files[lst].replace(b"</ofd:Signatures>", b"<ofd:Other/></ofd:Signatures>")
    res = _check(ofdsign.write_zip(files), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings
    files = ofdsign._read(_two_seals(plain, ca))
    files[lst] = files[lst].replace(b'Type="Seal"', b'Type="Sign"', 1)  # the first entry itself
    res = _check(ofdsign.write_zip(files), ca)
    assert res.verdict == "fail" and "SIG_DIGEST_MISMATCH" in _codes(res, "fail"), res.findings


# -- a zlib trailer after deflate data ------------------------------------------------------
def _zip_with_trailer(files: dict[str, bytes], trailer_for: str, trailer=None) -> bytes:
    """A ZIP whose ``trailer_for`` entry keeps the zlib Adler-32 (+2 zero bytes) after its raw
    deflate data, as the Anzhengtong client writes it."""
    out = bytearray()
    central = bytearray()
    for name, body in files.items():
        comp = zlib.compress(body)[2:-4]
        if name == trailer_for:
            comp += trailer if trailer is not None else zlib.adler32(body).to_bytes(4, "big") + b"\0\0"
        crc = zlib.crc32(body)
        nb = name.encode()
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0, crc, len(comp), len(body), len(nb), 0)
        out += nb + comp
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0, crc, len(comp),
                               len(body), len(nb), 0, 0, 0, 0, 0, off) + nb
    cd_off = len(out)
    out += central
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central), cd_off, 0)
    return bytes(out)


def test_deflate_trailer_is_tolerated(plain, ca):
    files = ofdsign._read(_seal(plain, ca))
    res = _check(_zip_with_trailer(files, _page(files)), ca)
    assert "OFD_ZIP_DEFLATE_TRAILER" in _codes(res, "info") and "SIG_OK" in _codes(res), res.findings
    res = _check(_zip_with_trailer(_tamper(files), _page(files)), ca)
    assert res.verdict == "fail", res.findings


@pytest.mark.parametrize("trailer", [b"\x00\x00\x00\x00\x00\x00", b"A" * 40])
def test_other_bytes_after_deflate_stay_malformed(plain, ca, trailer):
    files = ofdsign._read(_seal(plain, ca))
    res = _check(_zip_with_trailer(files, _page(files), trailer), ca)
    assert res.verdict == "error" and "OFD_ZIP_MALFORMED" in _codes(res), res.findings


# -- OFDEntries.xml (GM/T 0099 integrity list) ---------------------------------------------
INTEGRITY = pathlib.Path(__file__).resolve().parent / "corpus" / "ofd-real" / "crypto-hello-integrity.ofd"


def _integrity_files() -> dict[str, bytes]:
    return ofdsign._read(INTEGRITY.read_bytes())


def test_integrity_list_verifies():
    res = check_bytes(INTEGRITY.read_bytes(), INTEGRITY.name)
    assert "OFD_ENTRIES_OK" in _codes(res, "info"), res.findings
    assert res.verdict == "warn" and "NO_SIGNATURE" in _codes(res)  # a file list is not a seal


def test_integrity_list_changed_after_signing_fails():
    files = _integrity_files()
    files["OFDEntries.xml"] = files["OFDEntries.xml"].replace(b'<ofd:File ID="4" FileLoc="/Doc_0/Pages/Page_1/Content.xml"/>', b"")
    res = check_bytes(ofdsign.write_zip(files), "t.ofd")
    assert res.verdict == "fail" and "OFD_ENTRIES_MISMATCH" in _codes(res, "fail"), res.findings


def test_integrity_list_names_added_and_removed_files():
    files = _integrity_files()
    files["Doc_0/Res/extra.png"] = b"\x89PNG smuggled"
    del files["Doc_0/PublicRes.xml"]
    res = check_bytes(ofdsign.write_zip(files), "t.ofd")
    assert {"OFD_ENTRIES_UNLISTED", "OFD_ENTRIES_FILE_ABSENT"} <= _codes(res, "warn"), res.findings


@pytest.mark.parametrize("value", [b"", b"\x30\x03\x02\x01\x01", b"garbage"])
def test_integrity_signature_garbage_is_not_a_crash(value):
    files = _integrity_files()
    files["signedvalue.dat"] = value
    res = check_bytes(ofdsign.write_zip(files), "t.ofd")
    assert "OFD_ENTRIES_OK" not in _codes(res) and res.verdict in ("warn", "fail"), res.findings
