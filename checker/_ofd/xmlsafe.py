"""Hardened XML parsing for OFD parts (private).

expat (in the standard library, also on Pyodide) with everything dangerous
refused up front: any DOCTYPE (hence no entity declarations, no billion laughs,
no external entities), processing of external parameter entities disabled, and
limits on bytes, nesting depth and element count.  The result is a tiny
read-only tree of :class:`Node` (local names; namespaces are kept but lookups
ignore them, because real OFD files use ``http://www.ofdspec.org/2016``,
``http://www.ofdspec.org`` or no namespace at all).

Encodings expat does not know (GBK/GB2312/GB18030, written by some Chinese
producers) are decoded by Python and parsed as UTF-8.
"""
from __future__ import annotations

import re
from xml.parsers import expat

from ..errors import LimitExceeded, MalformedInput
from ..limits import Limits

OFD_NS = "http://www.ofdspec.org/2016"
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_DECL = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.S)


class Node:
    __slots__ = ("_text", "attrib", "children", "count", "ns", "tag")

    def __init__(self, tag: str, ns: str, attrib: dict[str, str]) -> None:
        self.tag = tag
        self.ns = ns
        self.attrib = attrib
        self.children: list[Node] = []
        self._text: list[str] = []
        self.count = 0  # root only: elements in the document

    @property
    def text(self) -> str:
        return "".join(self._text)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrib.get(name, default)

    def find(self, tag: str) -> Node | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def path(self, *tags: str) -> list[Node]:
        """All descendants along ``tags`` (each step: children with that local name)."""
        cur = [self]
        for t in tags:
            cur = [c for n in cur for c in n.children if c.tag == t]
        return cur

    def findtext(self, tag: str) -> str | None:
        n = self.find(tag)
        return n.text.strip() if n is not None else None

    def iter(self):
        stack = [self]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(reversed(n.children))

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<Node {self.tag} {self.attrib}>"


class _Refused(Exception):
    pass


def parse(data: bytes, name: str, limits: Limits, ctx=None) -> Node:
    """Parse ``data`` (the bytes of package part ``name``) into a :class:`Node` tree.

    Raises :class:`MalformedInput` (code OFD_XML_MALFORMED / OFD_XML_UNSAFE) or
    :class:`LimitExceeded` (OFD_XML_LIMIT).
    """
    if len(data) > limits.max_xml_bytes:
        raise LimitExceeded(f"{name}: {len(data)} bytes > {limits.max_xml_bytes}", code="OFD_XML_LIMIT", name=name)
    data = _to_expat_encoding(data, name)
    parser = expat.ParserCreate(namespace_separator=" ")
    try:
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    except AttributeError:  # pragma: no cover
        pass
    root: list[Node] = []
    stack: list[Node] = []
    count = [0]
    names: dict[str, tuple[str, str]] = {}  # "ns local" -> (ns, local), shared strings

    def refuse(what):
        def handler(*_a):
            raise _Refused(what)
        return handler

    parser.StartDoctypeDeclHandler = refuse("DOCTYPE")
    parser.EntityDeclHandler = refuse("ENTITY declaration")
    parser.UnparsedEntityDeclHandler = refuse("unparsed entity")
    parser.ExternalEntityRefHandler = refuse("external entity")
    parser.NotationDeclHandler = refuse("notation")

    def start(tag, attrs):
        count[0] += 1
        if count[0] > limits.max_xml_elements:
            raise LimitExceeded(f"{name}: more than {limits.max_xml_elements} elements", code="OFD_XML_LIMIT", name=name)
        if len(stack) >= limits.max_xml_depth:
            raise LimitExceeded(f"{name}: nesting deeper than {limits.max_xml_depth}", code="OFD_XML_LIMIT", name=name)
        if ctx is not None and count[0] % 2048 == 0:
            ctx.check_time()
        split = names.get(tag)
        if split is None:
            ns, _, local = tag.rpartition(" ")
            split = names[tag] = (ns, local)
        node = Node(split[1], split[0], {k.rpartition(" ")[2]: v for k, v in attrs.items()} if attrs else {})
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(s):
        if stack:
            stack[-1]._text.append(s)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise MalformedInput(f"{name}: {exc} not allowed", code="OFD_XML_UNSAFE", name=name, what=str(exc)) from None
    except expat.ExpatError as exc:
        raise MalformedInput(f"{name}: {expat.errors.messages.get(exc.code, exc)} (line {exc.lineno})",
                             code="OFD_XML_MALFORMED", name=name) from None
    except RecursionError:
        raise LimitExceeded(f"{name}: nesting too deep", code="OFD_XML_LIMIT", name=name) from None
    if not root:
        raise MalformedInput(f"{name}: no root element", code="OFD_XML_MALFORMED", name=name)
    root[0].count = count[0]
    return root[0]


def _to_expat_encoding(data: bytes, name: str) -> bytes:
    m = _DECL.match(data[:200])
    if not m:
        return data
    enc = m.group(2).decode("ascii").lower()
    if enc in _EXPAT_ENCODINGS:
        return data
    codec = "gb18030" if enc in ("gbk", "gb2312", "gb18030", "cp936") else enc
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        raise MalformedInput(f"{name}: unsupported or wrong encoding {enc}", code="OFD_XML_MALFORMED", name=name) from None
    text = re.sub(r"""^(\ufeff)?(\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._-]+""", r"\2UTF-8", text, count=1)
    return text.encode("utf-8")
