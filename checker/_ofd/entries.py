"""OFD integrity protection (GM/T 0099-2020 §7.4, "防夹带"): ``OFDEntries.xml``.

``OFDEntries.xml`` (root ``DocEntries``) lists the package files that belong to the document
(``FileList/File/@FileLoc``) and names a signature value (``SignedValueLoc``): a GB/T 35275
SignedData over the list file, as ofdrw-crypto writes it with eContent = SM3(OFDEntries.xml)
signed directly (tests/corpus/ofd-real/crypto-hello-integrity.ofd, verified with OpenSSL 3).

What it proves is narrow and said so: the *list* is as signed, and no package file lies outside
it.  It holds no digests of the listed files, so it never vouches for their content (that is
what seals are for); it is not counted as a signature.
"""
from __future__ import annotations

import hmac

from ..errors import CheckerError
from .model import METADATA, SIGNATURE, Model

ENTRIES = "OFDEntries.xml"


def verify_entries(model: Model, ctx) -> None:
    name = model.pkg.find(ENTRIES)
    if name is None:
        return
    model.mark(name, METADATA)
    try:
        node = model.xml(name)
    except CheckerError as exc:
        ctx.add("OFD_ENTRIES_INVALID", detail=exc.detail or str(exc))
        return
    listed: set[str] = set()
    absent: list[str] = []
    for f in node.path("FileList", "File"):
        loc = (f.get("FileLoc") or "").strip()
        if not loc:
            continue
        path = model.resolve(name, loc)
        if path is None:
            absent.append(loc)
        else:
            listed.add(path)
    sv_loc = (node.findtext("SignedValueLoc") or "").strip()
    sv_path = model.resolve(name, sv_loc) if sv_loc else None
    model.mark(sv_path, SIGNATURE)
    if sv_path is None:
        ctx.add("OFD_ENTRIES_UNSIGNED", file=sv_loc or "SignedValueLoc")
        return
    signer = _verify_signature(model.pkg.read(name), model.pkg.read(sv_path), ctx)
    if signer is None:
        return
    own = {name, sv_path}
    unlisted = sorted(n for n in model.pkg.names if n not in listed and n not in own)
    ctx.add("OFD_ENTRIES_OK", signer=signer, count=len(listed))
    for loc in absent:
        ctx.add("OFD_ENTRIES_FILE_ABSENT", file=loc)
    if unlisted:
        ctx.add("OFD_ENTRIES_UNLISTED", count=len(unlisted), files=", ".join(unlisted[:5]))


def _verify_signature(entries_xml: bytes, value: bytes, ctx) -> str | None:
    """The signer's name if the SignedData verifies over the list (else a finding and None)."""
    from .._crypto import CryptoError, cms
    from .._crypto.digest import hash_bytes
    from .._crypto.x509 import common_name

    try:
        info = cms.parse_signed_data(value, max_certs=ctx.limits.max_certs_per_signature)
        if not info.signers:
            raise ValueError("no SignerInfo")
        v = cms.verify_signed_data(info, entries_xml)
        if not v.intact and info.econtent is not None:
            # GB/T 35275 as ofdrw-crypto writes it: eContent = hash(OFDEntries.xml), signed directly
            digests = [hash_bytes(n, entries_xml) for n in ("sm3", "sha256")]
            if any(hmac.compare_digest(bytes(info.econtent), d) for d in digests):
                v = cms.verify_signed_data(info, None)
        v, _mixed = cms.accept_data_oid_mix(info, v)
    except CryptoError as exc:
        ctx.add("OFD_ENTRIES_INVALID", detail=exc.detail or exc.code)
        return None
    except (ValueError, TypeError, KeyError) as exc:
        ctx.add("OFD_ENTRIES_INVALID", detail=str(exc))
        return None
    if not v.intact:
        ctx.add("OFD_ENTRIES_MISMATCH")
        return None
    if not v.valid:
        ctx.add("OFD_ENTRIES_MISMATCH")
        return None
    cert = v.signer_cert
    return common_name(cert.subject) if cert is not None else "?"
