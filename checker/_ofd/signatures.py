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

from asn1crypto import core
from asn1crypto import x509 as _x509

from .._record import field, record
from .. import messages
from ..errors import CheckerError
from ..result import SignatureReport
from . import ses
from .model import Model, SigEntry
from .xmlsafe import Node

_CHECK_METHODS = {
    "1.2.156.10197.1.401": "sm3",
    "1.2.156.10197.1.401.1": "sm3",
    "sm3": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "sha256": "sha256",
    "sha-256": "sha256",
    "1.3.14.3.2.26": "sha1",
    "sha1": "sha1",
    "sha-1": "sha1",
}


@record
class RefCheck:
    """One protected file of a signature: its recorded digest against the package."""

    file_ref: str
    path: str | None
    status: str  # "ok" | "mismatch" | "missing"


@record
class SigResult:
    """The verification outcome of one OFD signature or seal."""

    entry: SigEntry
    index: int
    kind: str
    refs: list[RefCheck] = field(default_factory=list)
    value_ok: bool = False  # signature value (and dataHash) verified
    seal_ok: bool = True  # seal structure checks (maker signature, seal file) passed
    algorithm: str = ""
    cert: _x509.Certificate | None = None
    intermediates: list = field(default_factory=list)
    signed_at: _dt.datetime | None = None
    timestamp: _dt.datetime | None = None
    ts_info: object = None  # verified token (TimestampInfo); its TSA is chain-checked in _chain
    seal_name: str | None = None
    codes: list[str] = field(default_factory=list)
    trusted: bool = False
    chain: tuple[str, ...] = ()
    anchor: object = None  # the trust store's Anchor the chain ends in

    @property
    def covered_ok(self) -> set[str]:
        return {r.path for r in self.refs if r.status == "ok" and r.path}

    @property
    def intact(self) -> bool:
        return (self.value_ok and self.seal_ok and bool(self.refs)
                and all(r.status == "ok" for r in self.refs))


class _Ctx:
    """Adds findings for one signature, remembering their codes."""

    def __init__(self, ctx, res: SigResult) -> None:
        self.ctx = ctx
        self.res = res

    def add(self, code: str, severity: str | None = None, **params) -> None:
        params.setdefault("index", self.res.index)
        self.ctx.add(code, severity, **params)
        if code not in self.res.codes:
            self.res.codes.append(code)

    def problem(self, code: str, detail: str = "") -> None:
        """A CRYPTO_*/TRUST_* code from the crypto layer, if the message table knows it."""
        if code in messages.MESSAGES:
            self.add(code, detail=detail)


def verify_all(model: Model, ctx) -> list[SigResult]:
    out = []
    for i, entry in enumerate(model.signatures, start=1):
        ctx.check_time()
        out.append(_verify_one(model, ctx, entry, i))
    return out


def _verify_one(model: Model, ctx, entry: SigEntry, index: int) -> SigResult:
    kind = "ofd-sign" if entry.type.lower() == "sign" else "ofd-seal"
    res = SigResult(entry=entry, index=index, kind=kind)
    sc = _Ctx(ctx, res)
    if entry.path is None:
        sc.add("OFD_SIG_FILE_MISSING", file=entry.loc or "Signature.xml")
        return res
    if entry.type.lower() not in ("seal", "sign"):
        sc.add("OFD_SIG_TYPE_UNKNOWN", type=entry.type)
    try:
        sig_xml_bytes = model.pkg.read(entry.path)
        node = model.xml(entry.path)
    except CheckerError as exc:
        sc.add("SIG_MALFORMED", detail=exc.detail or str(exc))
        return res
    signed_info = node.find("SignedInfo")
    if node.tag != "Signature" or signed_info is None:
        sc.add("SIG_MALFORMED", detail=f"{entry.path}: no SignedInfo")
        return res
    _check_references(model, ctx, sc, entry, signed_info)
    sv_loc = node.findtext("SignedValue")
    sv_path = model.resolve(entry.path, sv_loc) if sv_loc else None
    model.mark(sv_path, "signature")
    if sv_path is None:
        sc.add("OFD_SIG_FILE_MISSING", file=sv_loc or "SignedValue")
        return res
    try:
        value = model.pkg.read(sv_path)
    except CheckerError as exc:
        sc.add("SIG_MALFORMED", detail=exc.detail or str(exc))
        return res
    method = (signed_info.findtext("SignatureMethod") or "").strip()
    is_ses = ses.looks_like_ses(value)
    if is_ses != (kind == "ofd-seal"):
        # Type says Seal but the value is CMS / a bare value, or the reverse: verify what it is.
        res.kind = kind = "ofd-seal" if is_ses else "ofd-sign"
        sc.add("OFD_SIG_TYPE_MISMATCH", type=entry.type)
    if kind == "ofd-seal":
        _verify_seal(model, ctx, sc, entry, signed_info, sig_xml_bytes, value, method)
    else:
        _verify_sign(ctx, sc, sig_xml_bytes, value)
    if res.signed_at is None:
        res.signed_at = _xml_time(signed_info.findtext("SignatureDateTime"))
    if res.cert is not None and res.value_ok:
        _chain(ctx, sc)
    return res


# -- references ---------------------------------------------------------------
def _check_references(model: Model, ctx, sc: _Ctx, entry: SigEntry, signed_info: Node) -> None:
    refs_nodes = signed_info.findall("References")
    ref_list = [(rn, r) for rn in refs_nodes for r in rn.findall("Reference")]
    if not ref_list:
        sc.add("OFD_SIG_NO_REFERENCES")
        return
    for rn, r in ref_list:
        ctx.check_time()
        method_raw = (rn.get("CheckMethod") or "").strip()
        file_ref = (r.get("FileRef") or "").strip()
        cv_text = "".join((r.findtext("CheckValue") or "").split())
        try:
            expected = base64.b64decode(cv_text, validate=True)
        except (binascii.Error, ValueError):
            expected = b""
        path = model.resolve(entry.path or "", file_ref) if file_ref else None
        if path is None:
            sc.res.refs.append(RefCheck(file_ref, None, "missing"))
            sc.add("OFD_SIG_REF_MISSING", file=file_ref or "?")
            continue
        names = [_CHECK_METHODS.get(method_raw.lower())] if method_raw else ["sm3", "sha256"]
        if names[0] is None:
            sc.res.refs.append(RefCheck(file_ref, path, "mismatch"))
            sc.add("SIG_UNSUPPORTED_ALGORITHM", algorithm=method_raw)
            continue
        if names[0] == "sha1":
            sc.add("SIG_WEAK_DIGEST", algorithm="SHA-1")
        ok = bool(expected) and any(hmac.compare_digest(model.digest(path, n), expected) for n in names)
        sc.res.refs.append(RefCheck(file_ref, path, "ok" if ok else "mismatch"))
        if not ok:
            sc.add("OFD_SIG_REF_MISMATCH", file=file_ref)


# -- Type="Seal" ----------------------------------------------------------------
def _verify_seal(model, ctx, sc: _Ctx, entry, signed_info: Node, sig_xml: bytes, value: bytes, method: str) -> None:
    from .._crypto import CryptoError, sigalg
    from .._crypto.digest import hash_bytes

    res = sc.res
    try:
        s = ses.parse_signature(value)
    except ses.SesError as exc:
        sc.add("SIG_MALFORMED", detail=str(exc))
        return
    seal = s.seal
    res.seal_name = seal.name or None
    res.signed_at = s.time
    res.algorithm = sigalg.describe(s.alg)
    try:
        res.cert = _x509.Certificate.load(s.cert)
        res.cert.native  # force a full parse now
        spki = res.cert.public_key.dump()
    except (ValueError, TypeError, KeyError) as exc:
        sc.add("SIG_MALFORMED", detail=f"signer certificate: {exc}")
        res.cert = None
        return
    std = "GM/T 0031-2014 (v1)" if s.version == "v1" else "GB/T 38540-2020 (v4)"
    sc.add("OFD_SEAL_INFO", seal_name=seal.name or "?", standard=std, vendor=seal.vid or "?",
           algorithm=res.algorithm)
    if method and method != s.alg and sigalg.describe(method) != res.algorithm:
        sc.add("OFD_SIG_METHOD_MISMATCH", xml=method, seal=s.alg)
    # 1. dataHash = hash(Signature.xml)
    try:
        dname = sigalg.digest_for(s.alg) or "sm3"
    except CryptoError:
        dname = "sm3"
    candidates = {dname, "sm3"}
    if not any(hmac.compare_digest(hash_bytes(n, sig_xml), s.data_hash) for n in candidates):
        sc.add("OFD_SIG_DATAHASH_MISMATCH")
        return
    # 2. signature over DER(TBS_Sign)
    try:
        ok = sigalg.verify(s.alg, None, spki, s.tbs_der, s.signature)
    except CryptoError as exc:
        if exc.code == "CRYPTO_UNSUPPORTED_ALGORITHM":
            sc.add("SIG_UNSUPPORTED_ALGORITHM", algorithm=f"{s.alg} ({exc.detail})")
        else:
            sc.add("SIG_MALFORMED", detail=exc.detail or str(exc))
        return
    if not ok:
        sc.add("SIG_INVALID")
        return
    res.value_ok = True
    # 3. the seal itself
    _check_seal(model, ctx, sc, signed_info, entry, s)
    # 4. timestamp (v4)
    if s.timestamp:
        _check_timestamp(sc, s.timestamp, s.signature)


def _check_seal(model, ctx, sc: _Ctx, signed_info: Node, entry, s: ses.SesSignature) -> None:
    from .._crypto import CryptoError, sigalg
    from .._crypto.digest import hash_bytes

    res = sc.res
    seal = s.seal
    # maker signature over the seal info
    maker_ok = False
    try:
        mcert = _x509.Certificate.load(seal.maker_cert)
        mspki = mcert.public_key.dump()
        for msg in seal.maker_messages:
            if sigalg.verify(seal.maker_alg, None, mspki, msg, seal.maker_signature):
                maker_ok = True
                break
    except CryptoError as exc:
        mcert = None
        sc.add("OFD_SEAL_MAKER_INVALID", detail=exc.detail or str(exc))
        res.seal_ok = False
    except (ValueError, TypeError, KeyError) as exc:
        mcert = None
        sc.add("OFD_SEAL_MAKER_INVALID", detail=f"maker certificate: {exc}")
        res.seal_ok = False
    else:
        if not maker_ok:
            sc.add("OFD_SEAL_MAKER_INVALID", detail="signature")
            res.seal_ok = False
    if maker_ok and mcert is not None:
        at = s.time
        chain = _validate(ctx, mcert, [], at, usage=None)
        if chain is None or not chain.trusted:
            sc.add("OFD_SEAL_MAKER_UNTRUSTED", maker=_subject(mcert))
    # signer must be listed in the seal
    listed = False
    if seal.cert_list:
        listed = any(c == s.cert for c in seal.cert_list)
        if not listed:  # same key under another encoding of the certificate
            own_key = _spki(s.cert)
            listed = own_key is not None and any(_spki(c) == own_key for c in seal.cert_list)
    for alg_name, dig in seal.cert_digest_list:
        n = _CHECK_METHODS.get(alg_name.lower().strip(), "sm3")
        try:
            if hmac.compare_digest(hash_bytes(n, s.cert), dig):
                listed = True
        except CryptoError:
            pass
    if not seal.cert_list and not seal.cert_digest_list:
        sc.add("OFD_SEAL_SIGNER_UNCHECKED")
    elif not listed:
        sc.add("OFD_SEAL_SIGNER_NOT_LISTED")
        res.seal_ok = False
    # validity of the seal at signing time
    if s.time and seal.valid_start and seal.valid_end and not (seal.valid_start <= s.time <= seal.valid_end):
        sc.add("OFD_SEAL_EXPIRED", start=seal.valid_start.date().isoformat(), end=seal.valid_end.date().isoformat(),
               time=s.time.isoformat())
    # Seal.esl next to the signature must be the same seal
    for sl in signed_info.findall("Seal"):
        loc = sl.findtext("BaseLoc")
        path = model.resolve(entry.path, loc) if loc else None
        model.mark(path, "signature")
        if path is None:
            continue
        if model.pkg.read(path) != seal.der:
            sc.add("OFD_SEAL_FILE_MISMATCH", file=loc)
            res.seal_ok = False


def _spki(cert_der: bytes) -> bytes | None:
    try:
        return _x509.Certificate.load(cert_der).public_key.dump()
    except (ValueError, TypeError, KeyError):
        return None


def _check_timestamp(sc: _Ctx, token: bytes, signature: bytes) -> None:
    from .._crypto import CryptoError, cms

    try:
        ts = cms.verify_timestamp_token(token, signature)
    except CryptoError as exc:
        sc.add("OFD_TIMESTAMP_INVALID", detail=exc.detail or str(exc))
        return
    if ts.valid:
        sc.res.timestamp = ts.gen_time
        sc.res.ts_info = ts
        sc.add("OFD_TIMESTAMP_OK", time=ts.gen_time.isoformat() if ts.gen_time else "?")
    else:
        sc.add("OFD_TIMESTAMP_INVALID", detail=", ".join(ts.problems) or "imprint/signature")


# -- Type="Sign" -----------------------------------------------------------------
def _verify_sign(ctx, sc: _Ctx, sig_xml: bytes, value: bytes) -> None:
    from .._crypto import CryptoError, cms
    from .._crypto.digest import hash_bytes

    res = sc.res
    try:
        info = cms.parse_signed_data(value, max_certs=ctx.limits.max_certs_per_signature)
    except CryptoError:
        info = None
    if info is None:
        if _raw_signature(value):
            sc.add("OFD_SIGN_NO_CERT")
            res.algorithm = "SM2-SM3" if len(value) in (64, 70, 71, 72) else "?"
        else:
            sc.add("SIG_MALFORMED", detail="SignedValue is neither CMS nor a signature value")
        return
    if not info.signers:
        sc.add("SIG_MALFORMED", detail="CMS without SignerInfo")
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
            sc.add("SIG_UNSUPPORTED_ALGORITHM", algorithm=exc.detail or "?")
        else:
            sc.add("SIG_MALFORMED", detail=exc.detail or str(exc))
        return
    v = _accept_data_oid_mix(info, v, sc)
    res.algorithm = v.signature_algorithm
    res.cert = v.signer_cert
    res.intermediates = [c for c in v.certificates if v.signer_cert is None or c.dump() != v.signer_cert.dump()]
    res.signed_at = v.signing_time
    details = dict(v.details or ())
    for code in v.problems:
        sc.problem(code, details.get(code, ""))
    if not v.intact:
        sc.add("OFD_SIG_DATAHASH_MISMATCH")
        return
    if not v.valid:
        sc.add("SIG_INVALID")
        return
    res.value_ok = True
    if v.timestamp is not None:
        if v.timestamp.valid:
            res.timestamp = v.timestamp.gen_time
            res.ts_info = v.timestamp
            sc.add("OFD_TIMESTAMP_OK", time=v.timestamp.gen_time.isoformat() if v.timestamp.gen_time else "?")
        else:
            sc.add("OFD_TIMESTAMP_INVALID", detail=", ".join(v.timestamp.problems) or "imprint/signature")


def _accept_data_oid_mix(info, v, sc: _Ctx):
    """Real GM products (e.g. the Yunnan CA signer in the corpus) mix the PKCS#7 and GM/T 0010
    "data" OIDs; both mean data (see checker._crypto.cms.accept_data_oid_mix)."""
    from .._crypto import cms

    v, mixed = cms.accept_data_oid_mix(info, v)
    if mixed:
        sc.add("OFD_CMS_DATA_OID_MIX")
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
    except CheckerError:
        raise
    except Exception:  # a chain we cannot build is an untrusted chain
        return None


def _chain(ctx, sc: _Ctx) -> None:
    from .._crypto.trust import expired_on, proven_signing_time

    res = sc.res
    at, proven = res.signed_at, False
    try:
        at, proven = proven_signing_time(ctx.trust, res.signed_at, res.ts_info, res.intermediates)
    except CheckerError:
        raise
    except Exception:  # an unusable token proves nothing
        pass
    chain = _validate(ctx, res.cert, res.intermediates, at)
    if chain is None:
        sc.add("SIG_UNTRUSTED")
        return
    res.trusted = bool(chain.trusted)
    subjects = getattr(chain, "subjects", None)
    if callable(subjects):
        subjects = subjects()
    res.chain = tuple(subjects or ())
    res.anchor = chain.anchor
    details = dict(getattr(chain, "details", ()) or ())
    for code in getattr(chain, "problems", ()) or ():
        sc.problem(code, details.get(code, ""))
    if res.trusted and not proven and res.cert is not None:
        until = expired_on(res.cert, ctx.options.reference_date())
        if until:
            sc.add("SIG_CERT_EXPIRED_UNPROVEN", until=until)
    if getattr(chain, "anchor_is_demo", False):
        sc.add("SIG_DEMO_CA")
    if res.trusted:
        sc.add("SIG_TRUSTED", anchor=res.anchor.name, anchor_sha256=res.anchor.sha256,
               anchor_origin=res.anchor.origin)
    else:
        sc.add("SIG_UNTRUSTED")


# -- reports -----------------------------------------------------------------------
def _subject(cert) -> str:
    try:
        from .._crypto.x509 import readable_name

        return readable_name(cert.subject)
    except ImportError:  # pragma: no cover
        return cert.subject.human_friendly


def _issuer(cert) -> str:
    try:
        from .._crypto.x509 import readable_name

        return readable_name(cert.issuer)
    except ImportError:  # pragma: no cover
        return cert.issuer.human_friendly


def signer_names(res: SigResult) -> list[str]:
    if res.cert is None:
        return []
    out = []
    try:
        n = res.cert.subject.native
    except (ValueError, TypeError):
        return []
    for key in ("common_name", "organization_name"):
        v = n.get(key)
        if isinstance(v, list):
            out.extend(str(x) for x in v)
        elif v:
            out.append(str(v))
    return out


def report(res: SigResult, covers_whole: bool) -> SignatureReport:
    from .._crypto.trust import anchor_fields

    cert = res.cert
    return SignatureReport(
        index=res.index,
        kind=res.kind,
        intact=res.intact,
        trusted=res.trusted and res.intact,
        algorithm=res.algorithm or "?",
        signer=_subject(cert) if cert is not None else "",
        issuer=_issuer(cert) if cert is not None else "",
        signed_at=_iso(res.timestamp or res.signed_at),
        covers_whole_file=covers_whole and res.intact,
        seal_name=res.seal_name,
        covered=tuple(sorted(res.covered_ok)),
        chain=res.chain,
        **anchor_fields(res.anchor if res.trusted else None),
        timestamp=_iso(res.timestamp),
        codes=tuple(res.codes),
    )


def _iso(t: _dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def _xml_time(text: str | None) -> _dt.datetime | None:
    if not text:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 14:
        return None
    try:
        return _dt.datetime.strptime(digits[:14], "%Y%m%d%H%M%S").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return None
