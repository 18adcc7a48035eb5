"""OFD test signer: electronic seals (GM/T 0031-2014 "v1", GB/T 38540-2020 "v4") and Type="Sign".

For tests and sample generation only (never imported by ``checker``).  Keys and certificates
come from :mod:`testkit.pki` (``pki.Key`` / ``pki.Issued``); SM2 signing is done by
``pki.Key.sign`` (gmalg), independent of the checker's verifier.

Main entry points::

    from testkit import pki, ofdsign
    demo = pki.demo_pki("sm2")
    sealed = ofdsign.seal_ofd(unsigned_ofd_bytes, demo.leaf.key, demo.leaf, "示例 发证机关电子印章",
                              version="v4", alg="SM2")            # -> bytes of the sealed OFD
    signed = ofdsign.sign_ofd(unsigned_ofd_bytes, demo.leaf.key, demo.leaf)   # Type="Sign", CMS
    plain  = ofdsign.make_ofd(["姓名：张三", "注册编号：渝2112014201653442"], images={"qr.png": png})

``seal_ofd(data, key, cert, seal_name, version="v4", alg="SM2", *, maker=None, sign_time=None,
valid=(start, end), page=1, boundary=(120, 230, 40, 40), picture=None, picture_type="PNG",
vendor="DEMO", check_method="sm3", protect=None, seal_file=True, seal_certs=None)``

* ``key``/``cert``: the signer (``pki.Key`` and ``pki.Issued`` / asn1crypto Certificate / DER);
  ``alg`` "SM2" or "RSA" must match the key.
* ``maker``: ``pki.Issued`` that signs the SES_Seal (default: the signer itself).
* ``protect``: package names to reference (default: every file except Signatures.xml).
* ``seal_certs``: DER certificates the seal authorises (default: the signer's; misuse tests
  pass others).

What is signed follows GB/T 38540 as ofdrw and the vendors in ``tests/corpus/ofd-real`` do:
``Signature.xml`` lists the protected files with their digests; ``TBS_Sign.dataHash`` is the hash
of the whole ``Signature.xml``; the signature is over DER(TBS_Sign).  Several seals can be
applied one after the other (each later one also protects the earlier signature files).

Trust: an SES seal embeds only the signer (and maker) certificate, never the CA chain, so a
verifier finds issuing CAs in its own store.  Leaves issued by an intermediate CA therefore chain
only if that CA is known to the checker's trust store (bundled intermediates); tests here issue
signer certificates directly under a test root.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from asn1crypto import core, x509

from . import pki

OFD_NS = "http://www.ofdspec.org/2016"
SM2_SM3 = "1.2.156.10197.1.501"
SHA256_RSA = "1.2.840.113549.1.1.11"
SM3_OID = "1.2.156.10197.1.401"
SHA256_OID = "2.16.840.1.101.3.4.2.1"
UTC = dt.UTC

# -- tiny DER helpers ------------------------------------------------------------------


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def seq(*items: bytes) -> bytes:
    body = b"".join(items)
    return b"\x30" + _len(len(body)) + body


def integer(n: int) -> bytes:
    return core.Integer(n).dump()


def ia5(s: str) -> bytes:
    return core.IA5String(s).dump()


def utf8(s: str) -> bytes:
    return core.UTF8String(s).dump()


def octets(b: bytes) -> bytes:
    return core.OctetString(b).dump()


def bits(b: bytes) -> bytes:
    return core.OctetBitString(b).dump()


def oid(dotted: str) -> bytes:
    return core.ObjectIdentifier(dotted).dump()


def gtime(t: dt.datetime) -> bytes:
    return core.GeneralizedTime(t).dump()


def utctime(t: dt.datetime) -> bytes:
    return core.UTCTime(t).dump()


def _digest(name: str, data: bytes) -> bytes:
    if name == "sm3":
        import gmalg

        h = gmalg.SM3()
        h.update(data)
        return h.value()
    return hashlib.new(name, data).digest()


def _cert_der(cert) -> bytes:
    if isinstance(cert, (bytes, bytearray)):
        return bytes(cert)
    if isinstance(cert, pki.Issued):
        return cert.der
    if isinstance(cert, x509.Certificate):
        return cert.dump()
    raise TypeError(f"certificate expected, got {type(cert)}")


def _sig_alg(key: pki.Key, alg: str) -> tuple[str, str]:
    """(signature OID, digest name) for ``key``; ``alg`` must agree with the key kind."""
    if key.kind == "sm2":
        if alg.upper() != "SM2":
            raise ValueError("SM2 key but alg != SM2")
        return SM2_SM3, "sm3"
    if key.kind == "rsa":
        if alg.upper() != "RSA":
            raise ValueError("RSA key but alg != RSA")
        return SHA256_RSA, "sha256"
    raise ValueError(f"unsupported key kind {key.kind}")


# -- seal structures ----------------------------------------------------------------------


def build_seal(
    seal_name: str,
    maker: pki.Issued,
    signer_certs: list[bytes],
    *,
    version: str = "v4",
    alg: str = "SM2",
    valid: tuple[dt.datetime, dt.datetime] | None = None,
    picture: bytes | None = None,
    picture_type: str = "PNG",
    vendor: str = "DEMO",
    es_id: str = "DEMO-0001",
    size_mm: tuple[int, int] = (40, 40),
    maker_signs: str = "info",
) -> bytes:
    """DER SESeal.  ``maker_signs``: "info" (SES_SealInfo alone) or "combined"
    (SEQUENCE{SES_SealInfo, cert, alg}; GM/T 0031 v1 text)."""
    start, end = valid or (dt.datetime(2025, 1, 1, tzinfo=UTC), dt.datetime(2045, 12, 31, tzinfo=UTC))
    created = start
    sig_oid, dname = _sig_alg(maker.key, alg)
    picture = picture if picture is not None else _demo_png()
    header = seq(ia5("ES"), integer(4 if version == "v4" else 2), ia5(vendor))
    if version == "v4":
        prop = seq(integer(1), utf8(seal_name), integer(1), seq(*(octets(c) for c in signer_certs)),
                   gtime(created), gtime(start), gtime(end))
    else:
        prop = seq(integer(1), utf8(seal_name), seq(*(octets(c) for c in signer_certs)),
                   utctime(created), utctime(start), utctime(end))
    pic = seq(ia5(picture_type), octets(picture), integer(size_mm[0]), integer(size_mm[1]))
    info = seq(header, ia5(es_id), prop, pic)
    maker_der = maker.der
    combined = seq(info, octets(maker_der), oid(sig_oid))
    signed = maker.key.sign(info if maker_signs == "info" else combined, dname)
    if version == "v4":
        return seq(info, octets(maker_der), oid(sig_oid), bits(signed))
    return seq(info, seq(octets(maker_der), oid(sig_oid), bits(signed)))


def build_ses_signature(
    seal_der: bytes,
    data_hash: bytes,
    key: pki.Key,
    cert_der: bytes,
    *,
    version: str = "v4",
    alg: str = "SM2",
    sign_time: dt.datetime,
    property_info: str = "",
    timestamp: bytes | None = None,
) -> tuple[bytes, bytes, bytes]:
    """(DER SES_Signature, DER TBS_Sign, signature value)."""
    sig_oid, dname = _sig_alg(key, alg)
    if version == "v4":
        tbs = seq(integer(4), seal_der, gtime(sign_time), bits(data_hash), ia5(property_info))
        value = key.sign(tbs, dname)
        items = [tbs, octets(cert_der), oid(sig_oid), bits(value)]
        if timestamp is not None:
            items.append(b"\xa0" + _len(len(bits(timestamp))) + bits(timestamp))  # [0] EXPLICIT BIT STRING
        return seq(*items), tbs, value
    time_text = sign_time.astimezone(UTC).strftime("%Y%m%d%H%M%SZ").encode()
    tbs = seq(integer(1), seal_der, bits(time_text), bits(data_hash), ia5(property_info),
              octets(cert_der), oid(sig_oid))
    value = key.sign(tbs, dname)
    return seq(tbs, bits(value)), tbs, value


# -- package editing ---------------------------------------------------------------------


def _read(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist() if not i.filename.endswith("/")}


def write_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in files.items():
            z.writestr(name, body)
    return buf.getvalue()


def _doc_root(files: dict[str, bytes]) -> str:
    m = re.search(rb"<(?:\w+:)?DocRoot>([^<]+)</", files["OFD.xml"])
    if not m:
        raise ValueError("OFD.xml without DocRoot")
    return m.group(1).decode().strip().lstrip("/")


def _ensure_signatures_list(files: dict[str, bytes], doc_dir: str) -> str:
    ofd = files["OFD.xml"].decode("utf-8")
    m = re.search(r"<(?:\w+:)?Signatures>([^<]+)</", ofd)
    if m:
        return m.group(1).strip().lstrip("/")
    path = f"{doc_dir}/Signs/Signatures.xml"
    ofd = re.sub(r"(</(?:\w+:)?DocRoot>)", r"\1<ofd:Signatures>" + path + "</ofd:Signatures>", ofd, count=1)
    files["OFD.xml"] = ofd.encode("utf-8")
    files[path] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Signatures xmlns:ofd="{OFD_NS}">'
                   f"<ofd:MaxSignId>0</ofd:MaxSignId></ofd:Signatures>").encode()
    return path


def _add_to_list(files: dict[str, bytes], list_path: str, sig_type: str) -> tuple[int, str]:
    text = files[list_path].decode("utf-8")
    n = len(re.findall(r"<(?:\w+:)?Signature\b", text)) + 1
    sign_dir = f"{posixpath.dirname(list_path)}/Sign_{n - 1}"
    entry = f'<ofd:Signature ID="{n}" Type="{sig_type}" BaseLoc="/{sign_dir}/Signature.xml"/>'
    text = re.sub(r"<((?:\w+:)?)MaxSignId>[^<]*</", lambda m: f"<{m.group(1)}MaxSignId>{n}</", text, count=1)
    text = re.sub(r"(</(?:\w+:)?Signatures>)", entry + r"\1", text, count=1)
    files[list_path] = text.encode("utf-8")
    return n, sign_dir


def _signature_xml(refs: list[tuple[str, bytes]], *, method_oid: str, check_method: str, when: dt.datetime,
                   sign_dir: str, page: int, boundary, seal_loc: str | None, sig_id: int) -> bytes:
    ref_xml = "".join(
        f"<ofd:Reference FileRef={quoteattr('/' + name)}><ofd:CheckValue>{base64.b64encode(d).decode()}"
        f"</ofd:CheckValue></ofd:Reference>" for name, d in refs)
    cm = {"sm3": SM3_OID, "sha256": SHA256_OID}[check_method]
    seal = f"<ofd:Seal><ofd:BaseLoc>{escape(seal_loc)}</ofd:BaseLoc></ofd:Seal>" if seal_loc else ""
    stamp = (f'<ofd:StampAnnot ID="{sig_id}" PageRef="{page}" Boundary="{" ".join(str(v) for v in boundary)}"/>'
             if boundary else "")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Signature xmlns:ofd="{OFD_NS}"><ofd:SignedInfo>'
            f'<ofd:Provider ProviderName="checker-testkit" Company="示例 (DEMO)" Version="1.0"/>'
            f"<ofd:SignatureMethod>{method_oid}</ofd:SignatureMethod>"
            f"<ofd:SignatureDateTime>{when.astimezone(UTC).strftime('%Y%m%d%H%M%SZ')}</ofd:SignatureDateTime>"
            f'<ofd:References CheckMethod="{cm}">{ref_xml}</ofd:References>{stamp}{seal}'
            f"</ofd:SignedInfo><ofd:SignedValue>/{sign_dir}/SignedValue.dat</ofd:SignedValue>"
            f"</ofd:Signature>").encode()


def _prepare(data: bytes, sig_type: str, protect, check_method: str):
    files = _read(data)
    doc_dir = posixpath.dirname(_doc_root(files))
    list_path = _ensure_signatures_list(files, doc_dir)
    n, sign_dir = _add_to_list(files, list_path, sig_type)
    names = protect if protect is not None else [f for f in files if f != list_path]
    refs = [(name, _digest(check_method, files[name])) for name in names]
    return files, n, sign_dir, refs


def seal_ofd(
    data: bytes,
    key: pki.Key,
    cert,
    seal_name: str,
    version: str = "v4",
    alg: str = "SM2",
    *,
    maker: pki.Issued | None = None,
    sign_time: dt.datetime | None = None,
    valid: tuple[dt.datetime, dt.datetime] | None = None,
    page: int = 1,
    boundary=(120, 230, 40, 40),
    picture: bytes | None = None,
    picture_type: str = "PNG",
    vendor: str = "DEMO",
    check_method: str = "sm3",
    protect: list[str] | None = None,
    seal_file: bool = True,
    seal_certs: list[bytes] | None = None,
    maker_signs: str | None = None,
    tsa: pki.Issued | None = None,
) -> bytes:
    """Apply an electronic seal (Type="Seal") to the OFD package ``data``; returns the new package.

    ``tsa``: v4 only, add an RFC 3161 timestamp token over the signature value (``timeStamp``)."""
    if version not in ("v1", "v4"):
        raise ValueError("version is 'v1' or 'v4'")
    cert_der = _cert_der(cert)
    maker = maker or pki.Issued(x509.Certificate.load(cert_der), key)
    sig_oid, dname = _sig_alg(key, alg)
    when = sign_time or dt.datetime.now(UTC).replace(microsecond=0)
    files, n, sign_dir, refs = _prepare(data, "Seal", protect, check_method)
    seal_der = build_seal(seal_name, maker, [cert_der] if seal_certs is None else list(seal_certs),
                          version=version, alg="SM2" if maker.key.kind == "sm2" else "RSA", valid=valid,
                          picture=picture, picture_type=picture_type, vendor=vendor,
                          maker_signs=maker_signs or ("combined" if version == "v1" else "info"))
    seal_loc = None
    if seal_file and version == "v4":
        seal_loc = f"/{sign_dir}/Seal.esl"
        files[seal_loc[1:]] = seal_der
        refs.append((seal_loc[1:], _digest(check_method, seal_der)))
    sig_xml = _signature_xml(refs, method_oid=sig_oid, check_method=check_method, when=when, sign_dir=sign_dir,
                             page=page, boundary=boundary, seal_loc=seal_loc, sig_id=n)
    files[f"{sign_dir}/Signature.xml"] = sig_xml
    ses_der, _tbs, value = build_ses_signature(seal_der, _digest(dname, sig_xml), key, cert_der, version=version,
                                              alg=alg, sign_time=when, property_info=f"/{sign_dir}/Signature.xml")
    if tsa is not None:
        if version != "v4":
            raise ValueError("timestamps exist in v4 seals only")
        from . import cms as tcms

        token = tcms.timestamp_token(value, tsa, digest_name="sm3" if tsa.key.kind == "sm2" else "sha256",
                                     gen_time=when)
        ses_der = _with_timestamp(ses_der, token)
    files[f"{sign_dir}/SignedValue.dat"] = ses_der
    return write_zip(files)


def _with_timestamp(ses_der: bytes, token: bytes) -> bytes:
    """Append ``timeStamp [0] EXPLICIT BIT STRING`` to a v4 SES_Signature."""
    top = core.Sequence.load(ses_der)
    items = [top[i].dump() for i in range(len(top))]
    ts = bits(token)
    items.append(b"\xa0" + _len(len(ts)) + ts)
    return seq(*items)


def sign_ofd(data: bytes, key: pki.Key, cert: pki.Issued, *, chain=(), gm: bool = True, check_method: str = "sm3",
             sign_time: dt.datetime | None = None, protect: list[str] | None = None, raw: bool = False,
             style: str = "detached") -> bytes:
    """Type="Sign": SignedValue.dat = CMS SignedData (GM/T 0010 OIDs when ``gm``) over Signature.xml.

    ``style="detached"``: detached content with signed attributes (as the Yunnan CA product in the
    corpus); ``style="digest"``: GB/T 35275 as ofdrw writes it — eContent = hash(Signature.xml),
    no signed attributes, signature over that eContent.  ``raw=True``: a bare signature value
    (no certificate; not verifiable)."""
    from . import cms as tcms

    sig_oid, dname = _sig_alg(key, "SM2" if key.kind == "sm2" else "RSA")
    when = sign_time or dt.datetime.now(UTC).replace(microsecond=0)
    files, n, sign_dir, refs = _prepare(data, "Sign", protect, check_method)
    sig_xml = _signature_xml(refs, method_oid=sig_oid, check_method=check_method, when=when, sign_dir=sign_dir,
                             page=1, boundary=None, seal_loc=None, sig_id=n)
    files[f"{sign_dir}/Signature.xml"] = sig_xml
    if raw:
        value = key.sign(sig_xml, dname)
    else:
        if style == "digest":
            value = tcms.sign_detached(_digest(dname, sig_xml), cert, list(chain), gm=gm and key.kind == "sm2",
                                       detached=False, signed_attrs=False)
        else:
            value = tcms.sign_detached(sig_xml, cert, list(chain), gm=gm and key.kind == "sm2", signing_time=when)
    files[f"{sign_dir}/SignedValue.dat"] = value
    return write_zip(files)


# -- unsigned test documents ---------------------------------------------------------------


def make_ofd(lines: list[str], *, images: dict[str, bytes] | None = None, title: str = "示例",
             pages: int = 1) -> bytes:
    """A small unsigned OFD: ``lines`` of text on page 1 (one TextObject each, 10 mm apart),
    ``images`` drawn at the bottom right of page 1 (name -> PNG/JPEG bytes)."""
    images = images or {}
    files: dict[str, bytes] = {}
    files["OFD.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" '
                        f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0123456789abcdef</ofd:DocID>'
                        f"<ofd:Title>{escape(title)}</ofd:Title><ofd:CreationDate>2026-01-01</ofd:CreationDate>"
                        f"</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>").encode()
    media = "".join(
        f'<ofd:MultiMedia ID="{100 + i}" Type="Image" Format="{name.rsplit(".", 1)[-1].upper()}">'
        f"<ofd:MediaFile>{escape(name)}</ofd:MediaFile></ofd:MultiMedia>" for i, name in enumerate(images))
    files["Doc_0/PublicRes.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" '
                                    f'BaseLoc="Res"><ofd:Fonts><ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/>'
                                    f"</ofd:Fonts></ofd:Res>").encode()
    files["Doc_0/DocumentRes.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" '
                                      f'BaseLoc="Res"><ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>').encode()
    page_list = "".join(f'<ofd:Page ID="{10 + p}" BaseLoc="Pages/Page_{p}/Content.xml"/>' for p in range(pages))
    files["Doc_0/Document.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{OFD_NS}">'
                                   f"<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
                                   f"<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                                   f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                                   f"<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
                                   f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>").encode()
    for p in range(pages):
        objs = []
        if p == 0:
            for i, line in enumerate(lines):
                objs.append(f'<ofd:TextObject ID="{200 + i}" Boundary="20 {30 + 10 * i} 170 8" Font="2" Size="4">'
                            f'<ofd:TextCode X="0" Y="5">{escape(line)}</ofd:TextCode></ofd:TextObject>')
            for i, _name in enumerate(images):
                objs.append(f'<ofd:ImageObject ID="{300 + i}" ResourceID="{100 + i}" Boundary="{150 - 35 * i} 240 30 30" '
                            f'CTM="30 0 0 30 0 0"/>')
        else:
            objs.append(f'<ofd:TextObject ID="{400 + p}" Boundary="20 30 170 8" Font="2" Size="4">'
                        f'<ofd:TextCode X="0" Y="5">第 {p + 1} 页</ofd:TextCode></ofd:TextObject>')
        files[f"Doc_0/Pages/Page_{p}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
            f'<ofd:Layer ID="{500 + p}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>').encode()
    for name, body in images.items():
        files[f"Doc_0/Res/{name}"] = body
    return write_zip(files)


def _demo_png() -> bytes:
    """A tiny red 8x8 PNG (the seal picture placeholder)."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xcc\x00\x00" * 8 for _ in range(8))

    def chunk(t: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
