"""Changes after signing: compare a signed revision with the final file.

Policy (stricter than pyHanko's default DiffPolicy where in doubt; see tests/test_pdf_differential.py):

* the later cross-reference sections must extend the signed revision's chain (same sections,
  reached through ``/Prev``), and every object header in the appended bytes must be one the new
  sections point to (no objects hidden from strict readers but used by repairing ones);
* the trailer's ``/Root`` stays the same object, or is a new object judged like the old catalog
  rewritten in place (the page tree by the same object);
* an object of the signed revision may change only when the change is harmless:
  ``/DSS`` (validation data) and objects only reachable from it, ``/Info``, the XMP ``/Metadata``
  stream, objects nothing in the signed document refers to, catalog ``/Extensions``/``/Version``;
  the AcroForm may gain *signature* fields (and ``/SigFlags``); pages (or their ``/Annots`` arrays)
  may gain *invisible* signature widgets; an empty signature field may receive its ``/V``
  (plus an appearance only while the widget is invisible);
* everything else — page content, resources, fonts, XObjects, the page tree, any other catalog
  entry (``/OpenAction``, ``/Names``, ``/Perms`` …), ``/NeedAppearances``, form values, new
  non-signature annotations, *visible* new signature appearances (Sneaky Signature), removed
  objects — is a failure;
* except that a *visible* signature field added after the signature and signed in that same
  revision by a later signature that verifies is permitted (ISO 32000; pyHanko agrees): ``warn``,
  with its area reported as unprotected — unless DocMDP ``/P 1``, or its widget, field or
  appearance changed after the revision that later signature signs;
* a certification signature with DocMDP ``/P 1`` allows only DSS data, document timestamps and
  metadata (/Info, XMP: never rendered on a page) — no further signatures.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import messages
from ..errors import LimitExceeded
from ..messages import Severity
from .fields import walk_fields
from .objects import OBJ_HEADER, Name, PdfDict, Ref, Stream
from .xref import _tolerate_ws


def wording(key: str, params: dict) -> tuple[str, str]:
    """(English, Chinese) text of a PDF_DETAIL_* entry of checker.messages."""
    msg = messages.lookup("PDF_DETAIL_" + key)
    return messages.render(msg.en, params), messages.render(msg.zh, params)


@dataclass(slots=True)
class Problem:
    """A change after signing that matters (or may matter) for the signature."""

    code: str
    key: str
    params: dict = field(default_factory=dict)
    severity: Severity = "fail"

    @property
    def detail(self) -> str:
        return wording(self.key, self.params)[0]

    @property
    def detail_zh(self) -> str:
        return wording(self.key, self.params)[1]


@dataclass(slots=True)
class ChangeReport:
    """The changes made by the revisions after a signature: harmful and harmless ones."""

    problems: list[Problem] = field(default_factory=list)
    allowed: list[tuple[str, tuple]] = field(default_factory=list)  # harmless changes: (key, params)
    filled: list[int] = field(default_factory=list)  # fields filled as a certification permits
    signed_later: list[int] = field(default_factory=list)  # widgets of signature fields added and signed later

    @property
    def ok(self) -> bool:
        return not any(p.severity in ("fail", "error") for p in self.problems)

    def fail(self, code: str, what: str, /, **params) -> None:
        if not any(p.code == code and p.key == what and p.params == params for p in self.problems):
            self.problems.append(Problem(code, what, params))

    def permit(self, code: str, what: str, /, **params) -> None:
        """A change the signer permitted that changes what is shown: warn (cannot vouch)."""
        if not any(p.code == code and p.key == what and p.params == params for p in self.problems):
            self.problems.append(Problem(code, what, params, "warn"))

    def note(self, what: str, /, **params) -> None:
        item = (what, tuple(sorted(params.items())))
        if item not in self.allowed:
            self.allowed.append(item)

    def allowed_texts(self) -> tuple[str, str]:
        en = [wording(k, dict(p))[0] for k, p in self.allowed]
        zh = [wording(k, dict(p))[1] for k, p in self.allowed]
        return ", ".join(en), "、".join(zh)


def same(a, b, depth: int = 0) -> bool:
    """Structural equality of two PDF values (references compared by number)."""
    if depth > 64:
        raise LimitExceeded("object nesting too deep")
    if isinstance(a, Stream) or isinstance(b, Stream):
        if not (isinstance(a, Stream) and isinstance(b, Stream)):
            return False
        return same(a.dict, b.dict, depth + 1) and a.raw() == b.raw()
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or a.keys() != b.keys():
            return False
        return all(same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, list) or isinstance(b, list):
        if not (isinstance(a, list) and isinstance(b, list)) or len(a) != len(b):
            return False
        return all(same(x, y, depth + 1) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, bytes) or isinstance(b, bytes):
        return isinstance(a, bytes) and isinstance(b, bytes) and bytes(a) == bytes(b)
    if isinstance(a, Ref) or isinstance(b, Ref):
        return isinstance(a, Ref) and isinstance(b, Ref) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    return a == b


# ---------------------------------------------------------------------------
# roles of the objects of one revision


@dataclass(slots=True)
class Roles:
    """Object numbers of the document's structural objects (catalog, pages, form, …)."""

    root: int
    info: int | None
    metadata: int | None
    acroform: int | None
    pages: set = field(default_factory=set)  # Page leaves
    page_nodes: set = field(default_factory=set)  # Pages nodes
    annots_arrays: set = field(default_factory=set)
    reachable: set = field(default_factory=set)  # from the catalog, except through /DSS
    dss: set = field(default_factory=set)
    sig_fields_empty: set = field(default_factory=set)  # terminal signature fields without /V
    sig_widgets: set = field(default_factory=set)  # widgets of those fields
    sig_values: set = field(default_factory=set)  # signature dictionaries (object numbers)
    fields: set = field(default_factory=set)
    dr: set = field(default_factory=set)  # AcroForm /DR and its indirect sub-dictionaries
    fields_array: int | None = None  # AcroForm /Fields when it is an indirect array
    page_reach: set = field(default_factory=set)  # everything reachable from the page tree
    page_count: int = 0


def page_tree(pdf, view, root: PdfDict, roles: Roles | None = None) -> list:
    """Page dicts in order (bounded; a loop is malformed)."""
    from ..errors import MalformedInput

    pages: list = []
    seen: set = set()
    maxp = pdf.limits.max_pages
    maxd = pdf.limits.max_object_depth

    def visit(ref, depth):
        if depth > maxd:
            raise LimitExceeded("page tree too deep")
        if isinstance(ref, Ref):
            if ref.num in seen:
                raise MalformedInput("loop in the page tree")
            seen.add(ref.num)
        node = pdf.get(view, ref)
        if not isinstance(node, PdfDict):
            raise MalformedInput("page tree node is not a dictionary")
        kids = node.get("Kids")
        if node.get("Type") == "Pages" or (kids is not None and node.get("Type") != "Page"):
            if roles is not None and isinstance(ref, Ref):
                roles.page_nodes.add(ref.num)
            kids = pdf.get(view, kids)
            if not isinstance(kids, list):
                raise MalformedInput("page tree node without /Kids")
            for k in kids:
                visit(k, depth + 1)
        else:
            pages.append((ref, node))
            if len(pages) > maxp:
                raise LimitExceeded("too many pages")
            if roles is not None:
                if isinstance(ref, Ref):
                    roles.pages.add(ref.num)
                a = node.get("Annots")
                if isinstance(a, Ref):
                    roles.annots_arrays.add(a.num)

    visit(root.get("Pages"), 0)
    return pages


def compute_roles(pdf, view) -> Roles:
    tr = view.trailer
    root_ref = tr.get("Root")
    root = pdf.get(view, root_ref)
    info = tr.get("Info")
    roles = Roles(root_ref.num, info.num if isinstance(info, Ref) else None,
                  root.get("Metadata").num if isinstance(root.get("Metadata"), Ref) else None,
                  root.get("AcroForm").num if isinstance(root.get("AcroForm"), Ref) else None)
    roles.page_count = len(page_tree(pdf, view, root, roles))
    for f in walk_fields(pdf, view, root):
        if f.ref is not None:
            roles.fields.add(f.ref.num)
        if f.ftype == "Sig":
            if isinstance(f.value_ref, Ref):
                roles.sig_values.add(f.value_ref.num)
            if f.value_ref is None:
                if f.ref is not None:
                    roles.sig_fields_empty.add(f.ref.num)
                roles.sig_widgets.update(w.num for w in f.widgets if isinstance(w, Ref))
    acro = pdf.get(view, root.get("AcroForm"))
    if isinstance(acro, PdfDict):
        dr = acro.get("DR")
        if isinstance(dr, Ref):
            roles.dr.add(dr.num)
        drd = pdf.get(view, dr)
        if isinstance(drd, PdfDict):
            roles.dr.update(v.num for v in drd.values() if isinstance(v, Ref))
        fa = acro.get("Fields")
        if isinstance(fa, Ref):
            roles.fields_array = fa.num
    # /DSS and /Metadata are judged on their own; anything they share with the rest is "reachable"
    roles.reachable = reachable(pdf, view, root, skip_root_keys=("DSS", "Metadata"))
    roles.page_reach = reachable(pdf, view, {"Pages": root.get("Pages")})
    roles.reachable.add(roles.root)
    dss = root.get("DSS")
    if dss is not None:
        roles.dss = reachable(pdf, view, {"DSS": dss})
    return roles


def reachable(pdf, view, start, skip_root_keys=(), skip_keys=()) -> set:
    seen: set = set()
    stack = [(v, 0) for k, v in start.items() if k not in skip_root_keys]
    limit = pdf.limits.max_pdf_objects
    maxd = pdf.limits.max_object_depth
    steps = 0
    while stack:
        v, depth = stack.pop()
        steps += 1
        if steps % 256 == 0:
            pdf.ctx.check_time()
        if depth > maxd * 4:
            raise LimitExceeded("object graph too deep")
        if isinstance(v, Ref):
            if v.num in seen:
                continue
            seen.add(v.num)
            if len(seen) > limit:
                raise LimitExceeded("too many objects")
            try:
                v = pdf.get(view, v)
            except LimitExceeded:
                raise
            except Exception:  # a dangling/broken object: nothing further to walk
                continue
            depth += 1
        if isinstance(v, Stream):
            v = v.dict
        if isinstance(v, dict):
            stack.extend((x, depth) for k, x in v.items() if k not in skip_keys)
        elif isinstance(v, list):
            stack.extend((x, depth) for x in v)
    return seen


# ---------------------------------------------------------------------------


def is_invisible(d: PdfDict) -> bool:
    flags = d.get("F", 0)
    if isinstance(flags, int) and not isinstance(flags, bool) and flags & (2 | 32):  # Hidden | NoView
        return True
    rect = d.get("Rect")
    if isinstance(rect, list) and len(rect) == 4 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rect):
        return abs(rect[2] - rect[0]) < 1e-6 or abs(rect[3] - rect[1]) < 1e-6
    return False


_FILL_KEYS = frozenset({"V", "AP", "AS"})


def _filled_only(old, new) -> bool:
    """A text, choice or button field whose value and appearance changed, and nothing else."""
    if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)) or old.get("FT") not in ("Tx", "Ch", "Btn"):
        return False
    return all(k in _FILL_KEYS or same(old.get(k), new.get(k)) for k in set(old) | set(new))


def _kind(v) -> str:
    d = v.dict if isinstance(v, Stream) else v
    if isinstance(d, dict):
        for k in ("Type", "Subtype", "FT"):
            t = d.get(k)
            if isinstance(t, Name):
                return f"/{t}" + (" stream" if isinstance(v, Stream) else "")
        return "stream" if isinstance(v, Stream) else "dictionary"
    return type(v).__name__


class ChangeAnalysis:
    def __init__(self, pdf, signed, final, docmdp: int | None, signers: dict | None = None) -> None:
        self.pdf = pdf
        self.signed = signed
        self.final = final
        self.docmdp = docmdp
        self.signers = signers or {}  # signature dictionary number -> intact signature (LaterSigner)
        self.r = ChangeReport()
        self.roles = compute_roles(pdf, signed)
        self.new_sig_values: list[Ref] = []

    # -- entry point -----------------------------------------------------
    def run(self) -> ChangeReport:
        """The rules in order: the cross-reference chain is extended, not replaced; the catalog
        stays the same object; no object is hidden from strict readers; each changed object is
        judged by the rule for its role (:data:`RULES`); DocMDP /P 1 allows no new signature."""
        s, f, r = self.signed, self.final, self.r
        if not self._chain_ok():
            return r
        if f.trailer.get("Root") != s.trailer.get("Root") and not self._root_moved():
            r.fail("PDF_CHANGED_AFTER_SIGNING", "ROOT_REPLACED")
            return r
        self._hidden_objects()
        for num, old, new in self._changed_objects():
            self._judge(num, old, new)
        if self.docmdp == 1:
            self._docmdp_no_changes()
        return r

    def _changed_objects(self) -> Iterator[tuple[int, Any, Any]]:
        """(number, signed value, final value) of each object of the signed revision that the
        later revisions redefine differently; a deleted object the document used is a failure."""
        pdf, s, f, r = self.pdf, self.signed, self.final, self.r
        for num in sorted(set(f.map) | set(s.map)):
            pdf.ctx.check_time()
            if num == 0:
                continue
            sl = pdf.full_loc(s, num)
            fl = pdf.full_loc(f, num)
            if sl == fl:
                continue
            if sl is None:
                continue  # a new object: judged where something old starts to refer to it
            if fl is None:
                if num in self.roles.reachable or num in self.roles.dss:
                    r.fail("PDF_CHANGED_AFTER_SIGNING", "OBJECT_DELETED", num=num)
                continue
            old = pdf.at(s, num, sl)
            new = pdf.at(f, num, fl)
            if not same(old, new):
                yield num, old, new

    def _docmdp_no_changes(self) -> None:
        """DocMDP /P 1: no further signature (document timestamps only)."""
        for ref in self.new_sig_values:
            d = self.pdf.get(self.final, ref)
            if not (isinstance(d, PdfDict) and d.get("Type") == "DocTimeStamp"):
                self.r.fail("PDF_DOCMDP_VIOLATION", "DOCMDP_NEW_SIGNATURE")

    # -- structure -------------------------------------------------------
    def _chain_ok(self) -> bool:
        s, f, r = self.signed, self.final, self.r
        old = [sec.offset for sec in s.sections]
        fo = [sec.offset for sec in f.sections]
        i = 0
        while i < len(fo) and fo[i] >= s.end:
            i += 1
        if fo[i:] != old:
            r.fail("PDF_XREF_TAMPERED", "XREF_CHAIN")
            return False
        self.new_sections = f.sections[:i]
        return True

    def _hidden_objects(self) -> None:
        """Every ``n g obj`` in the appended bytes must be an object the new xref sections name."""
        pdf, data = self.pdf, self.pdf.data
        known: dict[int, int] = {}
        skip: dict[int, int] = {}  # xref streams: offset -> end of the object
        for sec in self.new_sections:
            if sec.kind == "stream":
                skip[sec.offset] = sec.end
            if sec.xrefstm is not None:
                skip[sec.xrefstm] = sec.xrefstm_end
            for num, loc in sec.entries.items():
                if loc[0] == "n":
                    known[_tolerate_ws(data, loc[1])] = num
        pos = self.signed.end
        end = self.final.end
        while True:
            m = OBJ_HEADER.search(data, pos, end)
            if not m:
                break
            start = m.start()
            if start in skip:
                pos = max(skip[start], m.end())
                continue
            if start in known:
                num = known[start]
                loc = self.final.map.get(num)
                if loc is not None and loc[0] == "n" and _tolerate_ws(data, loc[1]) == start:
                    pdf.at(self.final, num, loc)
                    sp = pdf.span(self.final, num)
                    pos = max(sp[1], m.end()) if sp else m.end()
                else:
                    pos = m.end()  # an older definition of an object the chain supersedes
                continue
            if start > 0 and data[start - 1] not in b" \t\r\n\f\x00>]":
                pos = m.end()  # digits glued to something else: not an object header
                continue
            self.r.fail("PDF_HIDDEN_OBJECT", "HIDDEN_OBJECT", num=int(m.group(1)), offset=start)
            pos = m.end()

    # -- judging one changed object -----------------------------------------
    def _judge(self, num: int, old, new) -> None:
        """The first of :data:`RULES` that is the rule for object ``num`` judges its change."""
        for rule in RULES:
            if rule(self, num, old, new):
                return

    def _root_moved(self) -> bool:
        """A later revision wrote the catalog as a *new* object (some signing libraries do, to
        list the new signature field): judged as if the old catalog had been rewritten in place,
        so everything but the entries a signature may touch must stay the same (the page tree
        by the same object).  A catalog that reuses the number of another signed object, or is
        not a dictionary, stays "replaced"."""
        pdf, s, f = self.pdf, self.signed, self.final
        old_ref, new_ref = s.trailer.get("Root"), f.trailer.get("Root")
        if not (isinstance(old_ref, Ref) and isinstance(new_ref, Ref)) or new_ref.num in s.map:
            return False
        old, new = pdf.get(s, old_ref), pdf.get(f, new_ref)
        if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)):
            return False
        self._root(old, new)
        self.r.note("NOTE_CATALOG_MOVED")
        return True

    def _root(self, old, new) -> None:
        r = self.r
        if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)):
            r.fail("PDF_CHANGED_AFTER_SIGNING", "ROOT_REPLACED")
            return
        allowed = {"DSS", "AcroForm", "Extensions", "Version", "Metadata"}
        for k in sorted(set(old) | set(new)):
            if k in allowed:
                continue
            if not same(old.get(k), new.get(k)):
                r.fail("PDF_CHANGED_AFTER_SIGNING", "ROOT_ENTRY", key=k)
        if not same(old.get("DSS"), new.get("DSS")):
            r.note("NOTE_DSS")
        if not same(old.get("Metadata"), new.get("Metadata")):
            r.note("NOTE_XMP")
        for k in ("Extensions", "Version"):
            if not same(old.get(k), new.get(k)):
                r.note("NOTE_CATALOG", key=k)
        oa, na = old.get("AcroForm"), new.get("AcroForm")
        if same(oa, na):
            return
        if isinstance(oa, Ref) and isinstance(na, Ref):
            r.fail("PDF_FORM_CHANGED", "ACROFORM_REPLACED")
            return
        od = self.pdf.get(self.signed, oa) if oa is not None else PdfDict()
        nd = self.pdf.get(self.final, na)
        if isinstance(na, Ref) and na.num in self.signed.map:
            r.fail("PDF_FORM_CHANGED", "ACROFORM_REPLACED")
            return
        self._acroform(od if isinstance(od, PdfDict) else PdfDict(), nd)

    def _acroform(self, old, new) -> None:
        r = self.r
        if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)):
            r.fail("PDF_FORM_CHANGED", "ACROFORM_REPLACED")
            return
        for k in sorted(set(old) | set(new)):
            if k in ("Fields", "SigFlags"):
                continue
            if k == "DR" and self._additive(old.get(k), new.get(k)):
                r.note("NOTE_DR")
                continue
            if not same(old.get(k), new.get(k)):
                r.fail("PDF_FORM_CHANGED", "ACROFORM_ENTRY", key=k)
        of = self.pdf.get(self.signed, old.get("Fields")) if "Fields" in old else []
        nf = self.pdf.get(self.final, new.get("Fields"))
        if isinstance(old.get("Fields"), Ref) and old.get("Fields") == new.get("Fields"):
            nf_arr_changed = False
        else:
            nf_arr_changed = True
        if not isinstance(nf, list) or not isinstance(of, list):
            r.fail("PDF_FORM_CHANGED", "FIELDS_REMOVED")
            return
        if nf_arr_changed or not same(of, nf):
            self._fields_growth(of, nf)

    def _additive(self, old, new, depth: int = 0) -> bool:
        """``new`` only adds entries to ``old`` (dicts, two levels: /DR and its /Font etc.).

        Signers add fonts for their own appearance to /DR; existing entries must stay the same
        (a viewer regenerating a field's appearance would otherwise draw something else).
        """
        if old is None:
            old = PdfDict()
        if isinstance(old, Ref) and old == new:
            return True
        od = self.pdf.get(self.signed, old)
        nd = self.pdf.get(self.final, new)
        if isinstance(new, Ref) and self.pdf.full_loc(self.signed, new.num) is not None and new != old:
            return False  # an older object repurposed
        if isinstance(old, Ref) and isinstance(new, Ref) and old != new:
            return False
        if not (isinstance(od, dict) and isinstance(nd, dict)):
            return False
        for k, v in od.items():
            if k not in nd:
                return False
            if same(v, nd[k]):
                continue
            if depth >= 1 or not self._additive(v, nd[k], depth + 1):
                return False
        return True

    def _fields_growth(self, of: list, nf: list) -> None:
        r = self.r
        if len(nf) < len(of) or not same(nf[:len(of)], of):
            r.fail("PDF_FORM_CHANGED", "FIELDS_REMOVED")
            return
        for ref in nf[len(of):]:
            if not isinstance(ref, Ref) or (ref.num in self.signed.map and self.pdf.full_loc(self.signed, ref.num) is not None):
                r.fail("PDF_FORM_CHANGED", "FIELD_ADDED", num=getattr(ref, "num", "?"))
                continue
            d = self.pdf.get(self.final, ref)
            if not isinstance(d, PdfDict) or d.get("FT") != "Sig":
                r.fail("PDF_FORM_CHANGED", "FIELD_ADDED", num=ref.num)
                continue
            self._new_sig_field(ref, d)

    def _new_sig_field(self, ref: Ref, d: PdfDict) -> None:
        v = d.get("V")
        if isinstance(v, Ref):
            self.new_sig_values.append(v)
        kids = self.pdf.get(self.final, d.get("Kids"))
        if isinstance(kids, list):
            for k in kids:
                kd = self.pdf.get(self.final, k)
                if not isinstance(kd, PdfDict) or "T" in kd:
                    self.r.fail("PDF_FORM_CHANGED", "FIELD_ADDED", num=ref.num)

    def _page(self, num: int, old, new) -> None:
        r = self.r
        if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)):
            r.fail("PDF_CHANGED_AFTER_SIGNING", "PAGE_ENTRY", num=num, key="Type")
            return
        for k in sorted(set(old) | set(new)):
            if k == "Annots":
                continue
            if not same(old.get(k), new.get(k)):
                r.fail("PDF_CHANGED_AFTER_SIGNING", "PAGE_ENTRY", num=num, key=k)
        oa, na = old.get("Annots"), new.get("Annots")
        if same(oa, na):
            return
        ol = self.pdf.get(self.signed, oa) if oa is not None else []
        nl = self.pdf.get(self.final, na) if na is not None else []
        if isinstance(na, Ref) and self.pdf.full_loc(self.signed, na.num) is not None:
            r.fail("PDF_CHANGED_AFTER_SIGNING", "ANNOTS_CHANGED", num=num)
            return
        self._annots(ol if isinstance(ol, list) else [], nl, num)

    def _annots(self, ol: list, nl, where: int) -> None:
        r = self.r
        if not isinstance(nl, list):
            r.fail("PDF_CHANGED_AFTER_SIGNING", "ANNOTS_CHANGED", num=where)
            return
        if len(nl) < len(ol) or not same(nl[:len(ol)], ol):
            r.fail("PDF_CHANGED_AFTER_SIGNING", "ANNOTS_CHANGED", num=where)
            return
        for ref in nl[len(ol):]:
            self._new_annot(ref, where)

    def _new_annot(self, ref, where: int) -> None:
        r, pdf = self.r, self.pdf
        if not isinstance(ref, Ref):
            r.fail("PDF_ANNOTATION_ADDED", "ANNOT_ADDED", num=where, subtype="?")
            return
        d = pdf.get(self.final, ref)
        if not isinstance(d, PdfDict):
            r.fail("PDF_ANNOTATION_ADDED", "ANNOT_ADDED", num=where, subtype="?")
            return
        if pdf.full_loc(self.signed, ref.num) is not None and ref.num not in self.roles.sig_widgets:
            r.fail("PDF_ANNOTATION_ADDED", "ANNOT_ADDED", num=where, subtype=_kind(d).lstrip("/"))
            return
        if d.get("Subtype") != "Widget":
            r.fail("PDF_ANNOTATION_ADDED", "ANNOT_ADDED", num=where, subtype=str(d.get("Subtype")))
            return
        ft = d.get("FT")
        parent = d.get("Parent")
        if ft is None and isinstance(parent, Ref):
            pd = pdf.get(self.final, parent)
            if isinstance(pd, PdfDict):
                ft = pd.get("FT")
        if ft != "Sig":
            r.fail("PDF_FORM_CHANGED", "WIDGET_ADDED", num=where)
            return
        visible = not is_invisible(d)
        by = self._signed_later(ref, d) if visible else None
        if visible and by is None:
            r.fail("PDF_VISIBLE_SIGNATURE_ADDED", "SIG_WIDGET_VISIBLE", num=where, widget=ref.num)
            return
        if "A" in d or "AA" in d:
            r.fail("PDF_ANNOTATION_ADDED", "SIG_WIDGET_ACTIONS", num=where, widget=ref.num)
            return
        if by is not None:
            r.permit("PDF_SIGNATURE_ADDED_LATER", "SIG_ADDED_LATER", num=where, widget=ref.num, by=by)
            if ref.num not in r.signed_later:
                r.signed_later.append(ref.num)
            return
        r.note("NOTE_INVISIBLE_SIGNATURE")

    def _filled_later(self, num: int, old: PdfDict, widget: PdfDict) -> int | None:
        """The index of the later signature that signed this visible signature field, still empty
        when the earlier signature was made (a document prepared with a field for each signer),
        and drew its appearance; None when no such signature did.  Filling a prepared field is
        the other way ISO 32000 lets a later signer sign, under the conditions of a field added
        later (:meth:`_signed_later`), and two more: the field's old appearance was its own (not
        an indirect appearance dictionary, which other objects may share), and the new one is
        drawn only with objects written after the earlier signature (nothing already signed is
        re-used or clobbered; pyHanko refuses the same "sneaky" updates)."""
        parent = widget.get("Parent")
        prepared = num in self.roles.sig_fields_empty or (
            isinstance(parent, Ref) and parent.num in self.roles.sig_fields_empty)
        if not prepared or isinstance(old.get("AP"), Ref):
            return None
        ap = widget.get("AP")
        drawn = reachable(self.pdf, self.final, {"AP": ap}) if ap is not None else set()
        if any(self.pdf.full_loc(self.signed, n) is not None for n in drawn):
            return None
        return self._signed_later(Ref(num, 0), widget)

    def _signed_later(self, ref: Ref, widget: PdfDict) -> int | None:
        """The index of the later signature that added this visible signature widget and signed it,
        or None.  ISO 32000 lets a later signer add its own signature field (unless a certification
        forbids any change, DocMDP /P 1); it is permitted only when the field's signature verifies
        and its revision already holds the widget, its field and its appearance exactly as the
        final file shows them (nothing unsigned drew on it afterwards)."""
        if self.docmdp == 1:
            return None
        pdf, final = self.pdf, self.final
        holder: PdfDict = widget
        parent = widget.get("Parent")
        if "V" not in widget and isinstance(parent, Ref):
            pd = pdf.get(final, parent)
            if not isinstance(pd, PdfDict):
                return None
            holder = pd
        v = holder.get("V")
        if not isinstance(v, Ref):
            return None  # an empty signature field: nothing signed it
        signer = self.signers.get(v.num)
        if signer is None or signer.view.end <= self.signed.end:
            return None
        # the widget, its field, its signature dictionary and what the appearance draws with
        # (the page it lies on and the signature's own /Reference data are judged elsewhere)
        skip = ("P", "Parent", "V")
        nums = {ref.num, v.num} | ({parent.num} if isinstance(parent, Ref) else set())
        nums |= reachable(pdf, final, {k: x for k, x in widget.items() if k not in skip}, skip_keys=skip)
        for num in nums:
            loc = pdf.full_loc(final, num)
            if loc is None or pdf.full_loc(signer.view, num) != loc:
                return None
        return signer.index

    def _sig_field(self, num: int, old, new) -> None:
        r = self.r
        if not (isinstance(old, PdfDict) and isinstance(new, PdfDict)):
            r.fail("PDF_FORM_CHANGED", "SIG_FIELD_CHANGED", num=num, key="Type")
            return
        invisible = is_invisible(new) and is_invisible(old)
        for k in sorted(set(old) | set(new)):
            if same(old.get(k), new.get(k)):
                continue
            if k == "V" and old.get(k) is None and num in self.roles.sig_fields_empty:
                v = new.get("V")
                if isinstance(v, Ref) and self.pdf.full_loc(self.signed, v.num) is None:
                    self.new_sig_values.append(v)
                    continue
                r.fail("PDF_FORM_CHANGED", "SIG_FIELD_CHANGED", num=num, key="V")
                continue
            if k in ("AP", "AS"):
                if invisible:
                    continue
                by = self._filled_later(num, old, new)
                if by is None:
                    r.fail("PDF_VISIBLE_SIGNATURE_ADDED", "SIG_FIELD_APPEARANCE", num=num)
                elif num not in r.signed_later:
                    r.permit("PDF_SIGNATURE_ADDED_LATER", "SIG_FILLED_LATER", num=num, by=by)
                    r.signed_later.append(num)
                continue
            r.fail("PDF_FORM_CHANGED", "SIG_FIELD_CHANGED", num=num, key=k)
        if self.docmdp == 1:
            pass  # judged in run() through new_sig_values
        r.note("NOTE_SIGNATURE_FILLED")


# ---------------------------------------------------------------------------
# The rules for one object of the signed revision that the later revisions changed.  Each rule
# says whether it is the rule for this object (by the object's role in the signed revision) and,
# if so, judges the change; the first rule that applies decides (ChangeAnalysis._judge).

Rule = Callable[["ChangeAnalysis", int, Any, Any], bool]


def catalog_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The catalog: see :meth:`ChangeAnalysis._root`."""
    if num != a.roles.root:
        return False
    a._root(old, new)
    return True


def acroform_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The AcroForm dictionary: see :meth:`ChangeAnalysis._acroform`."""
    if num != a.roles.acroform:
        return False
    a._acroform(old, new)
    return True


def page_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """A page: nothing but its /Annots may change (see :meth:`ChangeAnalysis._page`)."""
    if num not in a.roles.pages:
        return False
    a._page(num, old, new)
    return True


def annots_array_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """A page's indirect /Annots array may only grow by invisible signature widgets."""
    if num not in a.roles.annots_arrays:
        return False
    a._annots(old if isinstance(old, list) else [], new, num)
    return True


def empty_signature_field_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """An empty signature field (or its widget) may receive its value: see
    :meth:`ChangeAnalysis._sig_field`."""
    if num not in a.roles.sig_fields_empty and num not in a.roles.sig_widgets:
        return False
    a._sig_field(num, old, new)
    return True


def fields_array_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The AcroForm's indirect /Fields array may only grow by signature fields."""
    ro = a.roles
    if num != ro.fields_array or num in ro.page_reach:
        return False
    if isinstance(old, list) and isinstance(new, list):
        a._fields_growth(old, new)
    else:
        a.r.fail("PDF_FORM_CHANGED", "FIELDS_REMOVED")
    return True


def default_resources_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The form's default resources (/DR) may only gain entries (fonts for new appearances)."""
    ro = a.roles
    if num not in ro.dr or num in ro.page_reach:
        return False
    if isinstance(old, PdfDict) and isinstance(new, PdfDict) and a._additive(old, new, 1):
        a.r.note("NOTE_DR")
    else:
        a.r.fail("PDF_FORM_CHANGED", "DR_CHANGED", num=num)
    return True


def dss_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """Validation data (/DSS) that nothing else in the document uses may change."""
    if num not in a.roles.dss or num in a.roles.reachable:
        return False
    a.r.note("NOTE_DSS")
    return True


def info_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The /Info dictionary (never drawn on a page) may change."""
    if num != a.roles.info or num in a.roles.reachable:
        return False
    a.r.note("NOTE_INFO")
    return True


def xmp_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """The catalog's XMP /Metadata stream (never drawn on a page) may change."""
    if num != a.roles.metadata or num in a.roles.reachable:
        return False
    a.r.note("NOTE_XMP")
    return True


def unused_object_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """An object nothing in the signed document refers to may change."""
    ro = a.roles
    if num in ro.reachable or num in ro.dss or num == ro.info:
        return False
    a.r.note("NOTE_UNUSED")
    return True


def signature_value_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """A signature dictionary must never be rewritten."""
    if num not in a.roles.sig_values:
        return False
    a.r.fail("PDF_CHANGED_AFTER_SIGNING", "SIGDICT_REWRITTEN", num=num)
    return True


def form_filling_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """DocMDP /P 2 or 3: the certifying signer allowed form filling (pyHanko: FORM_FILLING), so a
    field may receive a value (and nothing else)."""
    if num not in a.roles.fields or a.docmdp not in (2, 3) or not _filled_only(old, new):
        return False
    a.r.permit("PDF_FORM_FILLED_PERMITTED", "FIELD_FILLED", num=num)
    a.r.filled.append(num)
    return True


def form_field_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """Any other form field must not change (its value is part of what was signed)."""
    if num not in a.roles.fields:
        return False
    a.r.fail("PDF_FORM_CHANGED", "FIELD_CHANGED", num=num)
    return True


def any_other_object_rule(a: ChangeAnalysis, num: int, old, new) -> bool:
    """Everything else the signed document uses (content, resources, fonts, the page tree …)."""
    a.r.fail("PDF_CHANGED_AFTER_SIGNING", "OBJECT_CHANGED", num=num, kind=_kind(old))
    return True


RULES: tuple[Rule, ...] = (
    catalog_rule, acroform_rule, page_rule, annots_array_rule, empty_signature_field_rule,
    fields_array_rule, default_resources_rule, dss_rule, info_rule, xmp_rule, unused_object_rule,
    signature_value_rule, form_filling_rule, form_field_rule, any_other_object_rule,
)
