"""OFD signatures: references, SES seals (Type="Seal") and digital signatures (Type="Sign").

What is protected (GB/T 33190 §18, GB/T 38540, as ofdrw and the vendors in the
corpus implement it):

1. ``Signature.xml``'s ``SignedInfo/References`` list package files with their
   digest (``CheckMethod``: SM3 or SHA-256, by OID or name); each is recomputed.
2. The ``SignedValue`` file signs the **whole ``Signature.xml`` file**:
   * Seal: ``TBS_Sign.dataHash`` = hash of the ``Signature.xml`` bytes, and the
     SES signature is over DER(``TBS_Sign``) with the signer certificate;
   * Sign: CMS SignedData, detached over the ``Signature.xml`` bytes (or, GB/T 35275
     as ofdrw writes it, eContent = hash of ``Signature.xml``); a bare signature
     value without certificate cannot be verified.
3. The seal (``SES_Seal``) carries the maker's signature; the signer's certificate
   must be one the seal lists (``certList``), and the signing time inside the
   seal's validity.

Which files must be covered is decided in :mod:`checker._ofd` from the document
graph (:mod:`.model`).
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hmac
import re
from dataclasses import dataclass, field

from asn1crypto import core, x509 as _x509

from .._crypto import CryptoError
from .._signature_outcome import SignatureOutcome
from ..errors import CheckerError
from . import ses
from .model import Model, SigEntry
from .xmlsafe import Node

_CHECK_METHODS = {
    "1.2.156.10197.1.401": "sm3",
    "1.2.156.10197.1.401.1": "sm3",  # GM/T 0006 sm3WithoutKey
    "1.2.156.10197.1.401.2": "sm3-z",  # GM/T 0006 sm3WithKey: SM3(Z || data), Z of the signer key
    "sm3": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "sha256": "sha256",
    "sha-256": "sha256",
    "1.3.14.3.2.26": "sha1",
    "sha1": "sha1",
    "sha-1": "sha1",
}


@dataclass(slots=True)
class RefCheck:
    """One protected file of a signature: its recorded digest against the package."""

    file_ref: str
    path: str | None
    status: str  # "ok" | "mismatch" | "missing"


@dataclass(slots=True)
class SigResult:
    """One OFD signature or seal: its entry, its references and what verification established."""

    entry: SigEntry
    o: SignatureOutcome
    refs: list[RefCheck] = field(default_factory=list)

    @property
    def index(self) -> int:
        return self.o.index

    @property
    def covered_ok(self) -> set[str]:
        return {r.path for r in self.refs if r.status == "ok" and r.path}

    @property
    def intact(self) -> bool:
        return self.o.intact


def verify_all(model: Model, ctx) -> list[SigResult]:
    out = []
    for i, entry in enumerate(model.signatures, start=1):
        ctx.check_time()
        out.append(_verify_one(model, ctx, entry, i))
    return out


def _verify_one(model: Model, ctx, entry: SigEntry, index: int) -> SigResult:
    kind = "ofd-sign" if entry.type.lower() == "sign" else "ofd-seal"
    o = SignatureOutcome(index=index, kind=kind, signed_what=("Signature.xml", "签名描述文件 Signature.xml"))
    res = SigResult(entry=entry, o=o)
    sc = o
    if entry.path is None:
        sc.note("OFD_SIG_FILE_MISSING", file=entry.loc or "Signature.xml")
        return res
    if entry.type.lower() not in ("seal", "sign"):
        sc.note("OFD_SIG_TYPE_UNKNOWN", type=entry.type)
    try:
        sig_xml_bytes = model.pkg.read(entry.path)
        node = model.xml(entry.path)
    except CheckerError as exc:
        sc.note("SIG_MALFORMED", detail=exc.detail or str(exc))
        return res
    signed_info = node.find("SignedInfo")
    if node.tag != "Signature" or signed_info is None:
        sc.note("SIG_MALFORMED", detail=f"{entry.path}: no SignedInfo")
        return res
    _check_references(model, ctx, res, entry, signed_info)
    sv_loc = node.findtext("SignedValue")
    sv_path = model.resolve(entry.path, sv_loc) if sv_loc else None
    model.mark(sv_path, "signature")
    if sv_path is None:
        sc.note("OFD_SIG_FILE_MISSING", file=sv_loc or "SignedValue")
        return res
    try:
        value = model.pkg.read(sv_path)
    except CheckerError as exc:
        sc.note("SIG_MALFORMED", detail=exc.detail or str(exc))
        return res
    method = (signed_info.findtext("SignatureMethod") or "").strip()
    is_ses = ses.looks_like_ses(value)
    if is_ses != (kind == "ofd-seal"):
        # Type says Seal but the value is CMS / a bare value, or the reverse: verify what it is.
        o.kind = kind = "ofd-seal" if is_ses else "ofd-sign"
        sc.note("OFD_SIG_TYPE_MISMATCH", type=entry.type)
    if kind == "ofd-seal":
        _verify_seal(model, ctx, res, entry, signed_info, sig_xml_bytes, value, method)
    else:
        _verify_sign(ctx, o, sig_xml_bytes, value)
    if o.signing_time is None:
        o.signing_time = _xml_time(signed_info.findtext("SignatureDateTime"))
    return res


# -- references ---------------------------------------------------------------
def _check_references(model: Model, ctx, res: SigResult, entry: SigEntry, signed_info: Node) -> None:
    sc = res.o
    refs_nodes = signed_info.findall("References")
    ref_list = [(rn, r) for rn in refs_nodes for r in rn.findall("Reference")]
    if not ref_list:
        sc.note("OFD_SIG_NO_REFERENCES")
        return
    z_prefix: list[bytes | None] = []  # SM3-with-key: computed once, when first needed
    noted: set[str] = set()
    for rn, r in ref_list:
        ctx.check_time()
        method_raw = (rn.get("CheckMethod") or "").strip()
        file_ref = (r.get("FileRef") or "").strip()
        cv_text = "".join((r.findtext("CheckValue") or "").split())
        try:
            expected = base64.b64decode(cv_text, validate=True)
        except (binascii.Error, ValueError):
            expected = b""
        path = _reference_path(model, sc, entry, file_ref, noted)
        if path is None:
            res.refs.append(RefCheck(file_ref, None, "missing"))
            sc.note("OFD_SIG_REF_MISSING", file=file_ref or "?")
            continue
        names = _digest_names(sc, method_raw, noted)
        if names is None:
            res.refs.append(RefCheck(file_ref, path, "unchecked"))
            sc.note("SIG_UNSUPPORTED_ALGORITHM", algorithm=method_raw)
            continue
        if names[0] == "sha1" and "sha1" not in noted:
            noted.add("sha1")
            sc.note("SIG_WEAK_DIGEST", algorithm="SHA-1")
        if names == ["sm3-z"]:
            if not z_prefix:
                z_prefix.append(_signer_z(model, entry))
            ok = bool(expected) and z_prefix[0] is not None and hmac.compare_digest(
                _sm3_with_prefix(model, path, z_prefix[0]), expected)
        else:
            ok = bool(expected) and any(hmac.compare_digest(model.digest(path, n), expected) for n in names)
        if not ok and expected and path == entry.list_path and names != ["sm3-z"] \
                and _list_before_later_entries(model, entry, expected, names):
            ok = True  # signatures added after this one, as in any multi-seal document
            sc.note("OFD_SIG_LIST_APPENDED", file=file_ref)
        res.refs.append(RefCheck(file_ref, path, "ok" if ok else "mismatch"))
        if not ok:
            sc.digest_mismatch(f"file {file_ref}", f"文件 {file_ref} ", file=file_ref)
    if res.refs and all(r.status == "ok" for r in res.refs):
        sc.integrity = True
    elif sc.integrity is None:
        sc.integrity = False  # a reference is missing or unusable (noted above)


def _reference_path(model: Model, sc: SignatureOutcome, entry: SigEntry, file_ref: str, noted: set[str]) -> str | None:
    """The package file a ``FileRef`` names.  Besides the standard absolute form ``/Doc_0/…``
    producers write ``//Doc_0/…`` (a doubled slash, not a network path: nothing is fetched) and
    paths relative to the signature's folder; both are read, and said once per signature."""
    if not file_ref:
        return None
    if file_ref.startswith("//") and "://" not in file_ref:
        path = model.resolve(entry.path or "", "/" + file_ref.lstrip("/"))
        if path is not None and "double-slash" not in noted:
            noted.add("double-slash")
            sc.note("OFD_FILEREF_VARIANT", form="//…", file=file_ref)
        return path
    path = model.resolve(entry.path or "", file_ref)
    if path is not None and not file_ref.startswith(("/", "\\")) and "relative" not in noted:
        noted.add("relative")
        sc.note("OFD_FILEREF_VARIANT", form="relative", file=file_ref)
    return path


def _digest_names(sc: SignatureOutcome, method_raw: str, noted: set[str]) -> list[str] | None:
    """Hash names to try for a ``CheckMethod`` (None: unknown).  Spellings seen in real files
    (tests/corpus/real/): the OID 1.2.156.10197.1.401 (tax-bureau gomain, BaiWang, DianJu,
    AntChain), "SM3" (ofdrw-sign, DAISHUN, oesplugin), "sm3" (easyofd, Suwell, 12306) and
    1.2.156.10197.1.401.2 (dms360 iOFD: SM3 with the signer's key, GM/T 0006 "sm3WithKey",
    i.e. SM3(Z || file) with the SM2 Z value of GB/T 32918.2)."""
    if not method_raw:
        return ["sm3", "sha256"]
    name = _CHECK_METHODS.get(method_raw.lower())
    if name is None:
        return None
    if name == "sm3-z" and "sm3-z" not in noted:
        noted.add("sm3-z")
        sc.note("OFD_CHECKMETHOD_SM3_KEY", method=method_raw)
    return [name]


def _signer_z(model: Model, entry: SigEntry) -> bytes | None:
    """Z of the signer's SM2 key (default user ID), from the seal in SignedValue."""
    from .._crypto import CryptoError, sigalg, sm2

    try:
        node = model.xml(entry.path or "")
        loc = node.findtext("SignedValue")
        sv = model.resolve(entry.path or "", loc) if loc else None
        if sv is None:
            return None
        try:
            cert_der = ses.parse_signature(model.pkg.read(sv)).cert
        except ses.SesError:
            return None
        key = sigalg.parse_public_key(_x509.Certificate.load(cert_der).public_key.dump())
        if key.kind != "ec" or key.curve_oid != sigalg.OID_SM2 or key.point is None:
            return None
        return sm2.z_value(key.point)
    except (CryptoError, CheckerError, ValueError, TypeError, KeyError):
        return None


def _sm3_with_prefix(model: Model, path: str, prefix: bytes) -> bytes:
    from .._crypto.digest import new_hash

    h = new_hash("sm3")
    h.update(prefix)
    h.update(model.pkg.read(path))
    return h.digest()


_LATER_ENTRY = re.compile(
    rb"\s*<(?:[\w.-]+:)?(?:Signature\b[^<>]*/>|Signature\b[^<>]*>\s*</(?:[\w.-]+:)?Signature\s*>"
    rb"|MaxSignId\s*>[^<>]*</(?:[\w.-]+:)?MaxSignId\s*>)")


def _list_before_later_entries(model: Model, entry: SigEntry, expected: bytes, names: list[str]) -> bool:
    """Does the signature list, cut just before a ``<Signature>`` entry listed after this one
    (and closed again), have the signed digest?  A second seal appends its entry to the list
    the first seal protected (ofdrw-sign writes it so: tests/corpus/real/ofdrw_h.ofd).  Only
    ``<Signature>`` entries and ``<MaxSignId>`` may lie in the cut part; those later signatures
    are verified on their own."""
    from .._crypto.digest import hash_bytes

    text = model.pkg.read(entry.list_path)
    me = re.search(rb"<(?:[\w.-]+:)?Signature\b[^<>]*\bID\s*=\s*[\"']" + re.escape(entry.id.encode()) + rb"[\"']",
                   text) if entry.id else None
    closings = list(re.finditer(rb"</(?:[\w.-]+:)?Signatures\s*>", text))
    close = closings[-1] if closings else None
    if me is None or close is None:
        return False
    later = [m.start() for m in re.finditer(rb"<(?:[\w.-]+:)?Signature\b", text) if me.end() <= m.start() < close.start()]
    for cut in later:
        if not _only_entries(text[cut:close.start()]):
            continue
        earlier = text[:cut] + text[close.start():]
        if any(hmac.compare_digest(hash_bytes(n, earlier), expected) for n in names):
            return True
    return False


def _only_entries(segment: bytes) -> bool:
    pos = 0
    while pos < len(segment):
        m = _LATER_ENTRY.match(segment, pos)
        if m is None:
            return not segment[pos:].strip()
        pos = m.end()
    return True


# -- Type="Seal" ----------------------------------------------------------------
def _verify_seal(model, ctx, res: SigResult, entry, signed_info: Node, sig_xml: bytes, value: bytes, method: str) -> None:
    """dataHash = hash(Signature.xml), the signature over TBS_Sign, then the seal (see
    :mod:`.sesverify`); and the OFD's own parts: SignatureMethod, Seal.esl, the timestamp."""
    from .._crypto import sigalg
    from . import sesverify

    sc = res.o
    s = sesverify.parse(value, sc)
    if s is None:
        return
    sc.algorithm = sigalg.describe(s.alg)
    sesverify.info_note(s, sc)
    if method and method != s.alg and sigalg.describe(method) != sc.algorithm:
        sc.note("OFD_SIG_METHOD_MISMATCH", xml=method, seal=s.alg)
    ok = sesverify.verify_value(s, sig_xml, sc)
    _check_seal_file(model, sc, signed_info, entry, s if ok else None)
    if not ok:
        return
    sesverify.check_seal(ctx, s, sc, _validate)
    if s.timestamp:
        _check_timestamp(sc, s.timestamp, s.signature)


def _check_seal_file(model, sc: SignatureOutcome, signed_info: Node, entry, s: ses.SesSignature | None) -> None:
    """Seal.esl next to the signature belongs to it and, once the seal verified (``s``), must be
    the same seal."""
    for sl in signed_info.findall("Seal"):
        loc = sl.findtext("BaseLoc")
        path = model.resolve(entry.path, loc) if loc else None
        model.mark(path, "signature")
        if path is None or s is None:
            continue
        if model.pkg.read(path) != s.seal.der:
            sc.note("OFD_SEAL_FILE_MISMATCH", file=loc)


def _check_timestamp(sc: SignatureOutcome, token: bytes, signature: bytes) -> None:
    from .._crypto import CryptoError, cms

    try:
        ts = cms.verify_timestamp_token(token, signature)
    except CryptoError as exc:
        sc.embedded_timestamp(None, exc.detail or str(exc))
        return
    sc.embedded_timestamp(ts)
    if sc.timestamp is not None:
        sc.note("OFD_TIMESTAMP_OK", time=sc.timestamp.isoformat())


# -- Type="Sign" -----------------------------------------------------------------
def _verify_sign(ctx, sc: SignatureOutcome, sig_xml: bytes, value: bytes) -> None:
    from .._crypto import CryptoError, cms
    from .._crypto.digest import hash_bytes

    try:
        info = cms.parse_signed_data(value, max_certs=ctx.limits.max_certs_per_signature)
    except CryptoError:
        info = None
    if info is None:
        if _raw_signature(value):
            sc.note("OFD_SIGN_NO_CERT")
            sc.algorithm = "SM2-SM3" if len(value) in (64, 70, 71, 72) else "?"
        else:
            sc.note("SIG_MALFORMED", detail="SignedValue is neither CMS nor a signature value")
        return
    if not info.signers:
        sc.note("SIG_MALFORMED", detail="CMS without SignerInfo")
        return
    try:
        v = cms.verify_signed_data(info, sig_xml)
        if not v.intact and info.econtent is not None:
            # GB/T 35275 as written by ofdrw: eContent = hash(Signature.xml), signed directly
            digests = {hash_bytes(n, sig_xml) for n in ("sm3", "sha256")}
            if any(hmac.compare_digest(info.econtent, d) for d in digests):
                v = cms.verify_signed_data(info, None)
    except CryptoError as exc:
        if exc.code == "CRYPTO_UNSUPPORTED_ALGORITHM":
            sc.note("SIG_UNSUPPORTED_ALGORITHM", algorithm=exc.detail or "?")
        else:
            sc.note("SIG_MALFORMED", detail=exc.detail or str(exc))
        return
    v = _accept_data_oid_mix(info, v, sc)
    sc.algorithm = v.signature_algorithm
    sc.signer_cert = v.signer_cert
    sc.certificates = tuple(v.certificates)
    sc.signing_time = v.signing_time
    sc.crypto_problems(v.problems, v.details)
    if not v.intact:
        if sc.integrity is not False:
            sc.digest_mismatch()
        return
    sc.value = bool(v.valid)
    if not v.valid:
        return
    for code, params in cms.encoding_quirks(info, v.signer_cert):
        sc.note(code, **params)
    if v.timestamp is not None:
        if v.timestamp.valid:
            sc.timestamp = v.timestamp.gen_time
            sc.ts_info = v.timestamp
            sc.note("OFD_TIMESTAMP_OK", time=v.timestamp.gen_time.isoformat() if v.timestamp.gen_time else "?")
        # a token that does not verify is named by its CRYPTO_TIMESTAMP_* problem, as in a PDF


def _accept_data_oid_mix(info, v, sc: SignatureOutcome):
    """Real GM products (e.g. the Yunnan CA signer in the corpus) mix the PKCS#7 and GM/T 0010
    "data" OIDs; both mean data (see checker._crypto.cms.accept_data_oid_mix)."""
    from .._crypto import cms

    v, mixed = cms.accept_data_oid_mix(info, v)
    if mixed:
        sc.note("OFD_CMS_DATA_OID_MIX")
    return v


def _raw_signature(value: bytes) -> bool:
    if len(value) == 64:
        return True
    try:
        v = core.load(value, strict=True)
        return (isinstance(v, core.Sequence) and len(v) == 2
                and all(isinstance(v[i], core.Integer) for i in range(2)))
    except (ValueError, TypeError):  # asn1crypto parses children lazily (len, indexing)
        return False


# -- trust ------------------------------------------------------------------------
def _validate(ctx, cert, intermediates, at, usage="signing"):
    """ctx.trust.validate.  SES seals carry no CA certificates: path building relies on the
    store's own pool of known intermediate CAs (trust still comes only from anchors)."""
    trust = ctx.trust
    validate = getattr(trust, "validate", None)
    if validate is None:
        return None
    try:
        if usage is None:
            return validate(cert, intermediates, at, usage=None)
        return validate(cert, intermediates, at)
    except CryptoError:  # a chain we cannot build is an untrusted chain
        return None
    except CheckerError:  # the time budget, a limit: the check stops
        raise
    except Exception:  # a chain we cannot build is an untrusted chain
        return None


# -- reports -----------------------------------------------------------------------
def _subject(cert) -> str:
    try:
        from .._crypto.x509 import readable_name

        return readable_name(cert.subject)
    except ImportError:  # pragma: no cover
        return cert.subject.human_friendly


def signer_names(res: SigResult) -> list[str]:
    if res.o.signer_cert is None or not res.intact:
        return []
    out: list[str] = []
    try:
        n = res.o.signer_cert.subject.native
    except (ValueError, TypeError):
        return []
    for key in ("common_name", "organization_name"):
        v = n.get(key)
        if isinstance(v, list):
            out.extend(str(x) for x in v)
        elif v:
            out.append(str(v))
    return out


def _xml_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 14:
        return None
    try:
        return _dt.datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=_dt.UTC)
    except ValueError:
        return None
