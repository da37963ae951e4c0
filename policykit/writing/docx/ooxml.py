"""OOXML by hand, where python-docx stops: elements in the `w:` namespace, their attributes,
the schema's order of run properties, fields, bookmarks and text runs. Every part of the Word
writers builds its XML with these."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from lxml import etree

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

#: Characters XML 1.0 cannot hold; YAML cannot either, but a model may be built otherwise.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: The namespace a `w:` element declares, as python-docx's `OxmlElement("w:…")` does.
_W_NSMAP = {"w": W_NS}


def w(tag: str, parent: BaseOxmlElement | None = None, **attrs: str) -> BaseOxmlElement:
    """A `w:` element with `w:` attributes, appended to `parent` when one is given. Made as
    `OxmlElement` makes it, less its parsing of the prefixed tag: a redline makes 115,000.
    Under a parent, made in place (`SubElement`, of the parent's document and so of
    python-docx's element classes): a third of the time of an element made apart, whose
    namespace declaration lxml must then reconcile with the parent's. The XML is the same."""
    attributes = {f"{{{W_NS}}}{name}": value for name, value in attrs.items()}
    if parent is not None:
        return cast("BaseOxmlElement", etree.SubElement(parent, f"{{{W_NS}}}{tag}", attributes))
    from docx.oxml.parser import oxml_parser

    made = oxml_parser.makeelement(f"{{{W_NS}}}{tag}", attributes, nsmap=_W_NSMAP)
    return cast("BaseOxmlElement", made)


def parse_w(fragment: str) -> BaseOxmlElement:
    """An element parsed from XML in the `w:` namespace, such as `<w:num w:numId="1"/>`."""
    from docx.oxml import parse_xml

    head, sep, rest = fragment.partition(">")
    declaration = f' xmlns:w="{W_NS}"'
    if head.endswith("/"):
        return parse_xml(f"{head[:-1]}{declaration}/>{rest}")
    return parse_xml(f"{head}{declaration}{sep}{rest}")


def child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement | None:
    found: BaseOxmlElement | None = parent.find(f"{{{W_NS}}}{tag}")
    return found


def get(element: BaseOxmlElement, name: str, default: str = "") -> str:
    return str(element.get(f"{{{W_NS}}}{name}", default))


def content_mark(number: int) -> str:
    """The name of the `number`th content bookmark of an export (`_pk_c0`, `_pk_c1`…): hidden
    like a heading's, and apart from every heading's name, which is `_pk_` and a word."""
    return f"_pk_c{number}"


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an anchor: letters, digits and underscores, at most 40
    characters. The leading underscore hides it in Word's bookmark list, like Word's _Toc."""
    return ("_pk_" + re.sub(r"[^A-Za-z0-9]", "_", anchor))[:40]


def local(element: BaseOxmlElement) -> str:
    """An element's tag without its namespace: `p`, `r`, `pPr`."""
    return str(element.tag).rsplit("}", 1)[-1]


def field_char(p: BaseOxmlElement, kind: str) -> None:
    w("fldChar", w("r", p), fldCharType=kind)


def append_text(run: BaseOxmlElement, text: str, *, deleted: bool = False) -> None:
    """`text` into a run: tabs and line breaks become Word's own, and characters XML cannot
    hold are dropped. A deleted run (a tracked deletion) holds `w:delText`, not `w:t`."""
    for piece in re.split(r"([\t\n])", NOT_XML.sub("", text)):
        if piece == "\t":
            w("tab", run)
        elif piece == "\n":
            w("br", run)
        elif piece:
            t = w("delText" if deleted else "t", run)
            t.text = piece
            if piece != piece.strip():
                t.set(f"{{{XML_NS}}}space", "preserve")


#: The schema's order of a run's properties, for inserting into an existing `w:rPr`.
RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)


def insert_in_order(parent: BaseOxmlElement, child: BaseOxmlElement, order: Sequence[str]) -> None:
    """Insert `child` where the schema's `order` of local names puts it."""
    rank = order.index(str(child.tag).rsplit("}", 1)[-1])
    for index, existing in enumerate(parent):
        local = str(existing.tag).rsplit("}", 1)[-1]
        if local in order and order.index(local) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def strip_rsids(element: BaseOxmlElement) -> None:
    for attribute in list(element.attrib):
        if str(attribute).startswith(f"{{{W_NS}}}rsid"):
            del element.attrib[attribute]
