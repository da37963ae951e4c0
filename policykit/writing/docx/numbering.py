"""List numbering: the definitions a document adds to `word/numbering.xml`, one copy for the
export and the redline alike."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, cast

from policykit.writing.docx.ooxml import W_NS, child, get, parse_w

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.parts.document import DocumentPart

#: Each list level indents this much more, and its number hangs this far to the left.
LIST_INDENT = 720
LIST_HANGING = 360
MAX_LEVEL = 8
BULLETS = ("•", "◦", "▪")


class Numbering:
    """The list definitions this document adds to `word/numbering.xml`.

    Bullet lists share one abstract numbering. Every ordered list gets one of its own, which
    counts from the list's start, so no list continues another's count in any client. Ids
    follow those the template already has, and are handed out in document order.
    """

    def __init__(self, root: BaseOxmlElement) -> None:
        self._root = root
        abstracts = root.findall(f"{{{W_NS}}}abstractNum")
        self._abstract_ids = [int(get(a, "abstractNumId", "0")) for a in abstracts]
        self._num_ids = [int(get(n, "numId", "0")) for n in root.findall(f"{{{W_NS}}}num")]
        self._bullets: int | None = None

    def bullet_list(self) -> int:
        """A new bullet list's numId."""
        if self._bullets is None:
            self._bullets = self._add_abstract(ordered=False, start=1, level=0)
        return self._add_num(self._bullets)

    def ordered_list(self, start: int, level: int) -> int:
        """A new ordered list's numId: at `level`, it counts from `start`."""
        return self._add_num(self._add_abstract(ordered=True, start=start, level=level))

    def copy_list(self, abstract: BaseOxmlElement | None) -> int:
        """A new list numbered by a copy of another package's definition (`abstract`, or
        none): how the redline keeps the count of an old list whose items were deleted."""
        if abstract is None:
            num_id = self._next_num_id()
            self._append(parse_w(f'<w:num w:numId="{num_id}"/>'))
            return num_id
        abstract_id = self._next_abstract_id()
        definition = copy.deepcopy(abstract)
        definition.set(f"{{{W_NS}}}abstractNumId", str(abstract_id))
        nsid = child(definition, "nsid")
        if nsid is not None:
            nsid.set(f"{{{W_NS}}}val", _nsid(abstract_id))
        self._place_abstract(definition)
        return self._add_num(abstract_id)

    def _add_abstract(self, *, ordered: bool, start: int, level: int) -> int:
        abstract_id = self._next_abstract_id()
        levels = "".join(
            _level(n, ordered, start if n == level else 1) for n in range(MAX_LEVEL + 1)
        )
        element = parse_w(
            f'<w:abstractNum w:abstractNumId="{abstract_id}">'
            f'<w:nsid w:val="{_nsid(abstract_id)}"/>'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
        )
        self._place_abstract(element)
        return abstract_id

    def _next_abstract_id(self) -> int:
        abstract_id = max(self._abstract_ids, default=-1) + 1
        self._abstract_ids.append(abstract_id)
        return abstract_id

    def _next_num_id(self) -> int:
        num_id = max(self._num_ids, default=0) + 1
        self._num_ids.append(num_id)
        return num_id

    def _place_abstract(self, element: BaseOxmlElement) -> None:
        first_num = child(self._root, "num")  # the schema puts every abstractNum first
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._append(element)

    def _add_num(self, abstract_id: int) -> int:
        num_id = self._next_num_id()
        self._append(
            parse_w(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        )
        return num_id

    def _append(self, element: BaseOxmlElement) -> None:
        cleanup = child(self._root, "numIdMacAtCleanup")  # the schema puts it last
        if cleanup is not None:
            cleanup.addprevious(element)
        else:
            self._root.append(element)


def _nsid(abstract_id: int) -> str:
    """A list definition's id across documents: "PK" and its number, so it is stable."""
    return f"{0x504B0000 + abstract_id:08X}"


def _level(level: int, ordered: bool, start: int) -> str:
    if ordered:
        fmt, text = "decimal", f"%{level + 1}."
    else:
        fmt, text = "bullet", BULLETS[level % len(BULLETS)]
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>'
        f'<w:ind w:left="{LIST_INDENT * (level + 1)}" w:hanging="{LIST_HANGING}"/></w:pPr></w:lvl>'
    )


def numbering_root(part: DocumentPart) -> BaseOxmlElement:
    """`word/numbering.xml`, created when the template has none."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.parts.numbering import NumberingPart

    try:
        existing = part.part_related_by(RT.NUMBERING)
    except KeyError:
        element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
        partname = PackURI("/word/numbering.xml")
        part.relate_to(
            NumberingPart(partname, CT.WML_NUMBERING, element, part.package), RT.NUMBERING
        )
        return element
    return cast("BaseOxmlElement", cast("NumberingPart", existing).element)
