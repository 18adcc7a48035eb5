"""What no seal protects, and where it shows on the page.

Every file a reader uses to draw the document must be covered, with a matching digest, by at
least one seal.  A file that is not is judged by what it is:

* the document itself – ``Document.xml``, a page's own content, another version, or a file
  a reader may take for one of those (a shadow at another path): nothing signed knows it, so it
  can carry anything → ``OFD_UNCOVERED_CONTENT`` (``fail``);
* a part the signer left out – a page template, an image, an annotation, a resource file, a font:
  partial coverage, which the signer chose.  It is not proof of a change, but nothing vouches for
  what it shows → ``OFD_UNPROTECTED_PART`` (``warn``) naming the file, what it is and the pages,
  and :func:`areas` says where on each page it draws (for the page preview).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..result import UnprotectedArea
from .model import Model, Page
from .xmlsafe import Node

# How the document names a file that *is* the document (see the module docstring).
_DOCUMENT_KINDS = {"DocRoot", "Page", "Version", "Version file", "Version DocRoot"}

# (English, Chinese) for what an unprotected part is
_WHAT = {
    "TemplatePage": ("page template", "页面模板"),
    "MultiMedia": ("image", "图片"),
    "Annotations": ("annotation list", "注释列表"),
    "Annotation": ("annotation", "注释"),
    "PublicRes": ("resource file", "资源描述文件"),
    "DocumentRes": ("resource file", "资源描述文件"),
    "PageRes": ("resource file", "资源描述文件"),
    "Font": ("font", "字体"),
    "ColorSpace": ("colour profile", "颜色配置"),
}
_A4 = (0.0, 0.0, 210.0, 297.0)


@dataclass(slots=True)
class Unprotected:
    """A file used to draw the document that no seal protects."""

    path: str
    kind: str | None
    shadow: bool  # a reader may take it for another file

    @property
    def is_document(self) -> bool:
        return self.shadow or self.kind is None or self.kind in _DOCUMENT_KINDS

    def what(self) -> tuple[str, str]:
        return _WHAT.get(self.kind or "", ("file used for display", "显示用文件"))


def classify(model: Model, path: str) -> Unprotected:
    shadow = any(path in others for others in model.shadows.values())
    return Unprotected(path, model.kinds.get(path), shadow)


def areas(model: Model, parts: list[Unprotected]) -> list[UnprotectedArea]:
    """Where each unprotected part draws, per page, in page units (0..1, origin top left)."""
    wanted = {p.path: p for p in parts}
    out: list[UnprotectedArea] = []
    for doc in model.docs:
        media_paths = {mid: m.path for mid, m in doc.media.items() if m.path}
        for page in doc.pages:
            model.ctx.check_time()
            box = _page_box(model, page) or doc.box or _A4
            drawers = [(doc.templates.get(tid), "template") for tid in page.template_ids]
            drawers.append((page.path, "page"))
            annots = doc.annotations.get(page.id, [])
            for path, p in wanted.items():
                boxes = _where(model, p, page, drawers, annots, media_paths)
                if boxes is None:
                    continue
                en, zh = p.what()
                for b in _cap([_norm(b, box) for b in boxes], model.ctx.limits.max_unprotected_boxes):
                    out.append(UnprotectedArea(page=page.index + 1, box=b, file=path, what=en, what_zh=zh,
                                               page_size=(box[2], box[3])))
    return out


def texts_in(model: Model, found: list[UnprotectedArea], part: Unprotected, limit: int = 6) -> list[str]:
    """Printed text that is not vouched for: what an unprotected template prints itself, or the
    page text an unprotected image or annotation lies over (it may hide or replace it).  Areas
    that span the whole page (resources, fonts, annotation lists) name no text."""
    from .content import walk

    path = part.path
    mine = [a for a in found if a.file == path and a.box != (0.0, 0.0, 1.0, 1.0)]
    out: list[str] = []
    for doc in model.docs:
        for page in doc.pages:
            boxes = [a.box for a in mine if a.page == page.index + 1]
            if not boxes:
                continue
            pbox = _page_box(model, page) or doc.box or _A4
            runs: list = []
            drawers = [path] if part.kind == "TemplatePage" else [doc.templates.get(t) for t in page.template_ids] + [page.path]
            for drawer in drawers:
                node = _xml(model, drawer)
                if node is not None:
                    walk(node, page.index, runs, [], model.ctx)
            for r in runs:
                x, y = _norm((r.x, r.y - r.size / 2, 0.0, 0.0), pbox)[:2]
                text = " ".join(r.text.split())
                if text and text not in out and any(b[0] <= x <= b[0] + b[2] and b[1] <= y <= b[1] + b[3] for b in boxes):
                    out.append(text if len(text) <= 24 else text[:23] + "…")
                    if len(out) >= limit:
                        return out
    return out


def pages_of(found: list[UnprotectedArea], path: str) -> list[int]:
    return sorted({a.page for a in found if a.file == path})


def _where(model: Model, p: Unprotected, page: Page, drawers, annots: list[str],
           media_paths: dict[str, str]) -> list[tuple[float, float, float, float]] | None:
    """Boxes (page coordinates, mm) where ``p`` draws on ``page``; None when it does not."""
    whole = [(-1e9, -1e9, 2e9, 2e9)]  # clipped to the page by _norm
    if p.kind == "TemplatePage":
        if not any(path == p.path for path, _ in drawers):
            return None
        return _object_boxes(model, p.path) or whole
    if p.kind == "Annotation":
        if p.path not in annots:
            return None
        return _annot_boxes(model, p.path, None) or whole
    if p.kind == "MultiMedia":
        ids = {mid for mid, path in media_paths.items() if path == p.path}
        boxes = []
        for path in [d for d, _ in drawers if d]:
            boxes += _image_boxes(_xml(model, path), ids)
        for path in annots:
            boxes += _annot_boxes(model, path, ids)
        return boxes or None
    return whole  # annotation lists, resources, fonts, profiles: anything on any page


def _cap(boxes: list[tuple[float, float, float, float]], limit: int) -> list[tuple[float, float, float, float]]:
    """The boxes, or one box around them all when there are more than ``limit``."""
    boxes = [b for b in boxes if b[2] > 0 and b[3] > 0]
    if len(boxes) <= limit:
        return boxes
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return [(x0, y0, x1 - x0, y1 - y0)]


def _norm(b: tuple[float, float, float, float], page: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    px, py, pw, ph = page
    pw, ph = pw or 1.0, ph or 1.0
    x0 = min(max((b[0] - px) / pw, 0.0), 1.0)
    y0 = min(max((b[1] - py) / ph, 0.0), 1.0)
    x1 = min(max((b[0] + b[2] - px) / pw, 0.0), 1.0)
    y1 = min(max((b[1] + b[3] - py) / ph, 0.0), 1.0)
    return (round(x0, 4), round(y0, 4), round(x1 - x0, 4), round(y1 - y0, 4))


def _page_box(model: Model, page: Page) -> tuple[float, float, float, float] | None:
    if not page.path:
        return None
    node = _xml(model, page.path)
    area = node.path("Area", "PhysicalBox") if node is not None else []
    return _box(area[0].text) if area else None


def _xml(model: Model, path: str | None) -> Node | None:
    if not path:
        return None
    return model.part(path)


def _objects(node: Node):
    """Drawing objects below ``node`` whose Boundary is in page coordinates (not inside a
    CompositeObject, whose children are relative to it)."""
    stack = list(node.children)
    while stack:
        cur = stack.pop()
        if cur.tag.endswith("Object"):
            yield cur
            continue
        stack.extend(cur.children)


def _object_boxes(model: Model, path: str) -> list[tuple[float, float, float, float]]:
    node = _xml(model, path)
    if node is None:
        return []
    return [b for b in (_box(o.get("Boundary")) for o in _objects(node)) if b]


def _image_boxes(node: Node | None, ids: set[str], dx: float = 0.0, dy: float = 0.0) -> list[tuple[float, float, float, float]]:
    if node is None or not ids:
        return []
    out = []
    for o in _objects(node):
        if o.tag == "ImageObject" and (o.get("ResourceID") or "").strip() in ids:
            b = _box(o.get("Boundary"))
            if b:
                out.append((b[0] + dx, b[1] + dy, b[2], b[3]))
    return out


def _annot_boxes(model: Model, path: str, ids: set[str] | None) -> list[tuple[float, float, float, float]]:
    """The appearance boxes of an annotation file; with ``ids``, only where it draws those images
    (an appearance's objects are placed relative to its Boundary)."""
    node = _xml(model, path)
    if node is None:
        return []
    out = []
    for annot in node.findall("Annot"):
        for ap in annot.findall("Appearance"):
            b = _box(ap.get("Boundary"))
            if b is None:
                continue
            out += [b] if ids is None else _image_boxes(ap, ids, b[0], b[1])
    return out


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        v = [float(x) for x in (text or "").split()]
    except ValueError:
        return None
    return (v[0], v[1], v[2], v[3]) if len(v) == 4 else None
