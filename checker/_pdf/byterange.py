"""/ByteRange and /Contents checks (the structural half of a PDF signature)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .objects import PdfString


@dataclass(slots=True)
class RangeCheck:
    """Whether a signature's /ByteRange covers the file as it must."""

    ok: bool
    problem: str = ""  # PDF_DETAIL_* key explaining PDF_BYTERANGE_INVALID
    params: dict = field(default_factory=dict)
    ranges: tuple[tuple[int, int], ...] = ()  # (start, stop) pairs
    end: int = 0  # end of the second range


def check_byterange(br, contents, data_len: int, revision_ends) -> RangeCheck:
    """Check ``/ByteRange`` against the ``/Contents`` string and the file.

    ``revision_ends`` maps acceptable ends of a revision (after ``%%EOF``, with or without its
    EOL) to the view end; returns a failing :class:`RangeCheck` with the reason otherwise.
    """
    if not isinstance(br, list):
        return RangeCheck(False, "BR_MISSING")
    if len(br) != 4:
        return RangeCheck(False, "BR_COUNT", {"count": len(br)})
    if not all(type(x) is int and x >= 0 for x in br):
        return RangeCheck(False, "BR_NOT_INT")
    a0, l1, b0, l2 = br
    if a0 != 0:
        return RangeCheck(False, "BR_START")
    if l1 <= 0 or l2 <= 0 or b0 <= l1:
        return RangeCheck(False, "BR_ORDER")
    end = b0 + l2
    if end > data_len:
        return RangeCheck(False, "BR_BEYOND")
    if not isinstance(contents, PdfString) or not contents.is_hex:
        return RangeCheck(False, "BR_CONTENTS")
    if contents.span != (l1, b0):
        return RangeCheck(False, "BR_GAP")
    if end not in revision_ends:
        return RangeCheck(False, "BR_NOT_REVISION_END")
    return RangeCheck(True, "", {}, ((0, l1), (b0, end)), end)
