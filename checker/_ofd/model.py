"""The OFD document graph (private): which package files a reader would use, and for what.

``OFD.xml`` → every ``DocBody`` → ``DocRoot`` (Document.xml) → pages, templates,
resource files (PublicRes / DocumentRes / PageRes), fonts, multimedia (images),
annotations, attachments, custom tags, and the ``Signatures`` list.

Paths (``ST_Loc``) are absolute from the package root when they start with
``/``, otherwise relative to the file that names them; real producers also
write document-relative or root-relative paths and change case, so lookup
falls back in that order (:meth:`Model.resolve`).  Every file is classified:

* ``visible``    — changes what a reader shows: OFD.xml, Document.xml, pages,
                   templates, resource XML, fonts, images, annotations;
* ``attachment`` — embedded files (not shown on the page);
* ``metadata``   — custom tags, outlines and the like;
* ``signature``  — Signatures.xml, Signature.xml, SignedValue.dat, Seal.esl.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..errors import MalformedInput
from .package import Package
from .xmlsafe import Node, parse

VISIBLE, ATTACHMENT, METADATA, SIGNATURE = "visible", "attachment", "metadata", "signature"


@dataclass(slots=True)
class Media:
    """A multimedia resource of an OFD document (an image, by package path)."""

    id: str
    path: str | None  # package name (None: missing)
    format: str
    type: str
    loc: str


@dataclass(slots=True)
class Page:
    """One OFD page: its content file, templates and page resources."""

    index: int  # 0-based across all documents
    id: str
    path: str | None
    template_ids: list[str] = field(default_factory=list)
    res: list[str] = field(default_factory=list)  # PageRes files


@dataclass(slots=True)
class Document:
    """One OFD document of the package: pages, templates, media, annotations, signatures."""

    path: str
    root: Node
    pages: list[Page] = field(default_factory=list)
    templates: dict[str, str | None] = field(default_factory=dict)  # id → package name
    media: dict[str, Media] = field(default_factory=dict)
    annotations: dict[str, list[str]] = field(default_factory=dict)  # page id → annotation files
    signatures_list: str | None = None
    box: tuple[float, float, float, float] | None = None  # PhysicalBox of CommonData/PageArea


@dataclass(slots=True)
class SigEntry:
    """A signature listed in Signatures.xml."""

    id: str
    type: str  # "Seal" | "Sign" | other
    path: str | None  # Signature.xml package name
    loc: str
    list_path: str  # Signatures.xml that lists it


class Model:
    def __init__(self, pkg: Package, ctx) -> None:
        self.pkg = pkg
        self.ctx = ctx
        self.limits = ctx.limits
        self.roles: dict[str, str] = {}  # package name → role (first, strongest wins)
        self.docs: list[Document] = []
        self.signatures: list[SigEntry] = []
        self.missing: list[tuple[str, str]] = []  # (kind, loc) referenced but absent
        self.shadows: dict[str, set[str]] = {}  # resolved name -> other existing resolutions
        self.kinds: dict[str, str] = {}  # package name → how the document first names it ("Page", "Font", …)
        self.unreadable: list[MalformedInput] = []  # parts that do not parse (after OFD.xml, Document.xml)
        self.pages: list[Page] = []
        self.root_name: str | None = None
        self._xml: dict[str, Node] = {}
        self._elements = 0
        self._digests: dict[tuple[str, str], bytes] = {}
        self._build()

    # -- basic helpers -----------------------------------------------------
    def xml(self, name: str) -> Node:
        if name not in self._xml:
            node = parse(self.pkg.read(name), name, self.limits, self.ctx)
            self._elements += node.count
            budget = 2 * self.limits.max_xml_elements  # all XML parts together (memory bound)
            if self._elements > budget:
                from ..errors import LimitExceeded

                raise LimitExceeded(f"more than {budget} XML elements in the package", code="OFD_XML_LIMIT")
            self._xml[name] = node
        return self._xml[name]

    def part(self, name: str) -> Node | None:
        """A part below Document.xml, or None when it does not parse.  The error is kept: the
        engine reports it after verifying the seals, so a seal whose references provably changed
        still says so (a proven modification outranks a part that cannot be read)."""
        try:
            return self.xml(name)
        except MalformedInput as exc:
            self.unreadable.append(exc)
            return None

    def digest(self, name: str, alg: str) -> bytes:
        """Digest of package file ``name`` (cached: several signatures cover the same files)."""
        key = (name, alg)
        if key not in self._digests:
            from .._crypto.digest import new_hash

            data = memoryview(self.pkg.read(name))
            h = new_hash(alg)
            step = 64 * 1024  # pure-Python SM3 (Pyodide) is slow: stay interruptible
            for i in range(0, len(data), step):
                self.ctx.check_time()
                h.update(data[i:i + step])
            self._digests[key] = h.digest()
        return self._digests[key]

    def resolve(self, base_file: str, loc: str | None, doc_dir: str = "") -> str | None:
        """Package name for ``loc`` named in ``base_file`` (None when absent or empty)."""
        if loc is None:
            return None
        loc = loc.strip()
        if not loc:
            return None
        if "://" in loc or loc.startswith("//"):
            return None  # external reference: never fetched
        candidates = []
        if loc.startswith(("/", "\\")):
            candidates.append(_join("", loc))
        else:
            candidates.append(_join(posixpath.dirname(base_file), loc))
            if doc_dir:
                candidates.append(_join(doc_dir, loc))
            candidates.append(_join("", loc))
        found = []
        for c in candidates:
            if c is None:
                continue
            name = self.pkg.find(c)
            if name is not None and name not in found:
                found.append(name)
        if all(c is None for c in candidates):
            raise MalformedInput(f"path leaves the package: {loc}", code="OFD_ZIP_UNSAFE_PATH", name=loc)
        if len(found) > 1:
            # Another reader may resolve the path the other way: the shadow files count too.
            self.shadows.setdefault(found[0], set()).update(found[1:])
        return found[0] if found else None

    def mark(self, name: str | None, role: str) -> None:
        if name is None:
            return
        for shadow in self.shadows.get(name, ()):
            if shadow != name and self.roles.get(shadow) != role:
                self._mark_one(shadow, role)
        self._mark_one(name, role)

    def _mark_one(self, name: str, role: str) -> None:
        order = (VISIBLE, SIGNATURE, ATTACHMENT, METADATA)
        cur = self.roles.get(name)
        if cur is None or order.index(role) < order.index(cur):
            self.roles[name] = role

    def _need(self, base: str, loc: str | None, kind: str, role: str, doc_dir: str = "") -> str | None:
        name = self.resolve(base, loc, doc_dir)
        if name is None and loc and loc.strip():
            self.missing.append((kind, loc.strip()))
        if name is not None:
            self.kinds.setdefault(name, kind)
        self.mark(name, role)
        return name

    # -- graph -------------------------------------------------------------
    def _build(self) -> None:
        root_name = self.root_name = self.pkg.find("OFD.xml")
        if root_name is None:
            raise MalformedInput("OFD.xml missing", code="OFD_NO_ROOT")
        self.mark(root_name, VISIBLE)
        ofd = self.xml(root_name)
        if ofd.tag != "OFD":
            raise MalformedInput("OFD.xml root is not <OFD>", code="OFD_NO_ROOT")
        bodies = ofd.findall("DocBody")
        if not bodies:
            raise MalformedInput("no DocBody", code="OFD_NO_ROOT")
        for body in bodies:
            self.ctx.check_time()
            doc_locs = [n.text for n in body.findall("DocRoot")]
            if not doc_locs:
                raise MalformedInput("no DocRoot", code="OFD_NO_ROOT")
            for vs in body.findall("Versions"):  # other versions a reader may offer to show
                for v in vs.findall("Version"):
                    vname = self._need(root_name, v.get("BaseLoc"), "Version", VISIBLE)
                    if vname is not None:
                        vnode = self.part(vname)
                        if vnode is None:
                            continue
                        for fl in vnode.path("FileList", "File"):
                            self._need(vname, fl.text, "Version file", VISIBLE)
                        dp = vnode.findtext("DocRoot")
                        if dp:
                            self._need(vname, dp, "Version DocRoot", VISIBLE)
            for loc in doc_locs:
                name = self._need(root_name, loc, "DocRoot", VISIBLE)
                if name is None:
                    raise MalformedInput(f"DocRoot {loc} missing", code="OFD_NO_ROOT")
                if any(d.path == name for d in self.docs):
                    continue
                doc = self._document(name)
                self.docs.append(doc)
                for sl in body.findall("Signatures"):
                    sname = self._need(root_name, sl.text, "Signatures", SIGNATURE)
                    if sname is not None:
                        doc.signatures_list = doc.signatures_list or sname
                        self._signature_list(sname)
        for doc in self.docs:
            self.pages.extend(doc.pages)
        if len(self.pages) > self.limits.max_pages:
            from ..errors import LimitExceeded

            raise LimitExceeded(f"{len(self.pages)} pages > {self.limits.max_pages}")

    def _document(self, name: str) -> Document:
        node = self.xml(name)
        if node.tag != "Document":
            raise MalformedInput(f"{name}: root is not <Document>", code="OFD_NO_ROOT")
        doc = Document(path=name, root=node)
        ddir = posixpath.dirname(name)
        common = node.find("CommonData")
        if common is not None:
            box = common.path("PageArea", "PhysicalBox")
            if box:
                doc.box = _box(box[0].text)
            for tag in ("PublicRes", "DocumentRes"):
                for r in common.findall(tag):
                    rname = self._need(name, r.text, tag, VISIBLE, ddir)
                    if rname is not None:
                        self._resources(doc, rname)
            for tp in common.findall("TemplatePage"):
                tname = self._need(name, tp.get("BaseLoc"), "TemplatePage", VISIBLE, ddir)
                doc.templates[tp.get("ID") or ""] = tname
                if tname is not None:
                    self._content_resources(doc, tname)
        pages_node = node.find("Pages")
        for p in (pages_node.findall("Page") if pages_node is not None else []):
            self.ctx.check_time()
            pname = self._need(name, p.get("BaseLoc"), "Page", VISIBLE, ddir)
            page = Page(index=len(self.pages) + len(doc.pages), id=p.get("ID") or "", path=pname)
            if pname is None:
                self.missing.append(("Page", p.get("BaseLoc") or ""))
            elif (pnode := self.part(pname)) is not None:
                page.template_ids = [t.get("TemplateID") or "" for t in pnode.findall("Template")]
                for r in pnode.findall("PageRes"):
                    rname = self._need(pname, r.text, "PageRes", VISIBLE, ddir)
                    if rname is not None:
                        page.res.append(rname)
                        self._resources(doc, rname)
            doc.pages.append(page)
        for a in node.findall("Annotations"):
            aname = self._need(name, a.text, "Annotations", VISIBLE, ddir)
            an = self.part(aname) if aname is not None else None
            if aname is not None and an is not None:
                for pg in an.findall("Page"):
                    for fl in pg.findall("FileLoc"):
                        fname = self._need(aname, fl.text, "Annotation", VISIBLE, ddir)
                        if fname is not None:
                            doc.annotations.setdefault(pg.get("PageID") or "", []).append(fname)
                            self._content_resources(doc, fname)
        for a in node.findall("Attachments"):
            aname = self._need(name, a.text, "Attachments", ATTACHMENT, ddir)
            an = self.part(aname) if aname is not None else None
            if aname is not None and an is not None:
                for att in an.findall("Attachment"):
                    for fl in att.findall("FileLoc"):
                        self._need(aname, fl.text, "Attachment", ATTACHMENT, ddir)
        for t in node.findall("CustomTags"):
            tname = self._need(name, t.text, "CustomTags", METADATA, ddir)
            tn = self.part(tname) if tname is not None else None
            if tname is not None and tn is not None:
                for ct in tn.findall("CustomTag"):
                    for tag in ("SchemaLoc", "FileLoc"):
                        for fl in ct.findall(tag):
                            self._need(tname, fl.text, "CustomTag", METADATA, ddir)
        for tag in ("Extensions",):
            for e in node.findall(tag):
                self._need(name, e.text, tag, METADATA, ddir)
        return doc

    def _resources(self, doc: Document, rname: str) -> None:
        rnode = self.part(rname)
        if rnode is None:
            return
        base = rnode.get("BaseLoc") or ""
        rdir = posixpath.dirname(rname)
        ddir = posixpath.dirname(doc.path)
        # MediaFile / FontFile are relative to BaseLoc, itself relative to the Res file.
        if base.startswith("/"):
            base_dir = _join("", base) or ""
        else:
            base_dir = _join(rdir, base) or rdir if base else rdir
        anchor = (base_dir + "/_") if base_dir else "_"
        for fonts in rnode.findall("Fonts"):
            for f in fonts.findall("Font"):
                for ff in f.findall("FontFile"):
                    self._need(anchor, ff.text, "Font", VISIBLE, ddir)
        for css in rnode.findall("ColorSpaces"):
            for cs in css.findall("ColorSpace"):
                if cs.get("Profile"):
                    self._need(anchor, cs.get("Profile"), "ColorSpace", VISIBLE, ddir)
        for mms in rnode.findall("MultiMedias"):
            for mm in mms.findall("MultiMedia"):
                for mf in mm.findall("MediaFile"):
                    mname = self._need(anchor, mf.text, "MultiMedia", VISIBLE, ddir)
                    mid = mm.get("ID") or ""
                    if mid not in doc.media:
                        doc.media[mid] = Media(mid, mname, (mm.get("Format") or "").strip(),
                                               (mm.get("Type") or "").strip(), (mf.text or "").strip())

    def _content_resources(self, doc: Document, name: str) -> None:
        """Templates / annotation files may name their own PageRes."""
        node = self.part(name)
        if node is None:
            return
        ddir = posixpath.dirname(doc.path)
        for r in node.findall("PageRes"):
            rname = self._need(name, r.text, "PageRes", VISIBLE, ddir)
            if rname is not None:
                self._resources(doc, rname)

    def _signature_list(self, sname: str) -> None:
        node = self.xml(sname)
        for s in node.findall("Signature"):
            loc = s.get("BaseLoc") or ""
            path = self.resolve(sname, loc)
            self.mark(path, SIGNATURE)
            if path is None:
                self.missing.append(("Signature", loc))
            self.signatures.append(SigEntry(id=s.get("ID") or "", type=(s.get("Type") or "Seal").strip(),
                                            path=path, loc=loc, list_path=sname))


def _join(base_dir: str, loc: str) -> str | None:
    """Join and normalise; None when the path climbs above the package root."""
    loc = loc.replace("\\", "/")
    if loc.startswith("/"):
        parts_in = loc.split("/")
    else:
        parts_in = (base_dir.split("/") if base_dir else []) + loc.split("/")
    out: list[str] = []
    for p in parts_in:
        if p in ("", "."):
            continue
        if p == "..":
            if not out:
                return None
            out.pop()
            continue
        out.append(p)
    return "/".join(out)


def _box(text: str) -> tuple[float, float, float, float] | None:
    try:
        v = [float(x) for x in text.split()]
    except ValueError:
        return None
    return (v[0], v[1], v[2], v[3]) if len(v) == 4 else None
