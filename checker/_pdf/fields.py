"""AcroForm field tree walk: signature fields, their widgets and values (bounded)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import LimitExceeded, MalformedInput
from .objects import PdfDict, Ref


@dataclass(slots=True)
class FieldInfo:
    """One AcroForm field: name, type, value and widgets."""

    name: str
    ref: Ref | None
    ftype: str | None
    value_ref: object  # /V as stored (Ref or direct)
    widgets: list = field(default_factory=list)  # Refs (or None for a merged direct widget)
    dict: PdfDict | None = None


def walk_fields(pdf, view, root: PdfDict) -> list[FieldInfo]:
    """Terminal fields of the AcroForm of ``view`` (inherit /FT; skip circular kids)."""
    acro = pdf.get(view, root.get("AcroForm"))
    if not isinstance(acro, PdfDict):
        return []
    fields = pdf.get(view, acro.get("Fields"))
    if not isinstance(fields, list):
        return []
    out: list[FieldInfo] = []
    seen: set = set()
    maxd = pdf.limits.max_object_depth

    def visit(ref, prefix: str, ftype, depth: int) -> None:
        if depth > maxd:
            raise LimitExceeded("form field tree too deep")
        if isinstance(ref, Ref):
            if ref in seen:
                raise MalformedInput("circular reference in the form field tree")
            seen.add(ref)
        if len(seen) > pdf.limits.max_form_fields:
            raise LimitExceeded("too many form fields")
        d = pdf.get(view, ref)
        if not isinstance(d, PdfDict):
            return
        t = d.get("T")
        name = prefix
        if isinstance(t, bytes):
            part = _text(t)
            name = f"{prefix}.{part}" if prefix else part
        ft = d.get("FT", ftype)
        kids = pdf.get(view, d.get("Kids"))
        field_kids = []
        widget_kids = []
        if isinstance(kids, list):
            for k in kids:
                kd = pdf.get(view, k)
                if isinstance(kd, PdfDict) and "T" not in kd and kd.get("Subtype") == "Widget":
                    widget_kids.append(k)
                else:
                    field_kids.append(k)
        if field_kids:
            for k in field_kids:
                visit(k, name, ft, depth + 1)
            return
        fi = FieldInfo(name, ref if isinstance(ref, Ref) else None, ft if isinstance(ft, str) else None,
                       d.get("V"), dict=d)
        if widget_kids:
            fi.widgets = widget_kids
        elif d.get("Subtype") == "Widget":
            fi.widgets = [ref]
        out.append(fi)

    for f in fields:
        pdf.ctx.check_time()
        visit(f, "", None, 0)
    return out


def _text(b: bytes) -> str:
    """PDF text string → str (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding≈latin-1)."""
    if b[:2] == b"\xfe\xff":
        return b[2:].decode("utf-16-be", "replace")
    if b[:3] == b"\xef\xbb\xbf":
        return b[3:].decode("utf-8", "replace")
    return b.decode("latin-1")


text_string = _text
