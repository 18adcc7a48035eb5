"""PDF signatures whose ``/Contents`` is a GB/T 38540 electronic seal, not CMS.

Chinese tax-bureau e-invoice PDFs are sealed by the GM seal system with ``/Filter
/Gomain.GMPkiLite /SubFilter /GM.sm2seal``: ``/Contents`` holds a DER ``SES_Signature``
(the structure OFD seals use) whose ``TBS_Sign.dataHash`` is the SM3 digest of the
``/ByteRange`` bytes.  pyHanko and pdfsig cannot read these.

The seal is parsed and verified by the code OFD seals use (:mod:`checker._ofd.ses`,
:mod:`checker._ofd.sesverify`); only what ``dataHash`` covers differs.  The facts go into the
same :class:`~checker._signature_outcome.SignatureOutcome` as a CMS signature's, so the
ByteRange, revision and later-change checks judge it exactly like any other PDF signature.
"""
from __future__ import annotations

from typing import Any

from .._signature_outcome import SignatureOutcome
from .sigverify import signed_der

SUBFILTERS_SES = ("GM.sm2seal",)


def verify_ses(o: SignatureOutcome, ctx: Any, contents: bytes, chunks: list) -> None:
    """Verify the SES_Signature in ``/Contents`` (zero padded) over the ByteRange ``chunks``."""
    from .._ofd import sesverify
    from .._ofd.signatures import _check_timestamp, _validate

    der = signed_der(o, contents)
    if der is None:
        return
    s = sesverify.parse(der, o)
    if s is None:
        o.notes[-1].severity = "fail"  # as for CMS: /Contents that is no signature over signed ranges
        return
    sesverify.info_note(s, o)
    if not sesverify.verify_value(s, chunks, o):
        return
    sesverify.check_seal(ctx, s, o, _validate)
    if s.timestamp:
        _check_timestamp(o, s.timestamp, s.signature)  # the seal's own timeStamp, as in an OFD
