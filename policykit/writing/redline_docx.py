"""The Word redline: the new version's own Word export, with the changes from the old version
as real tracked changes (`w:ins`, `w:del`), so that Word and LibreOffice offer Accept and
Reject, and accepting every change gives the new version's export, rejecting every change
the old version's.

Both versions are written by the normal Word writer, and the redline compares what came
out, paragraph by paragraph:

- `DocxRedline` is a `DocxWriter` for the new version, so template, styles, title block, TOC,
  numbering, footer and core properties are the new export's. After `body` has written the
  new paragraphs, they are aligned with the old export's (made in memory, not packed):
  `difflib.SequenceMatcher` over the paragraphs' keys (paragraph properties, with a list
  named by its format and start rather than its numId, and the runs' text and formatting),
  and within a "replace" block, paragraphs of the same properties are paired, best match
  first, when `comparing.words.similarity` finds them alike. The footer is aligned likewise.
- A paired paragraph keeps the new properties and is diffed word by word with
  `comparing.words.styled_diff` (the styled form of `word_diff`: the same tokens, and a word
  whose bold, italics or link changed counts as changed), so a deleted run keeps its old
  formatting and an inserted one the new. A paragraph only one side has is wholly deleted or
  inserted, its paragraph mark included (`w:pPr/w:rPr/w:del`), so that accepting or
  rejecting removes it entirely. Deletions come before insertions.
- A link whose text or target changed is deleted and inserted whole, as a HYPERLINK field
  inside `w:del`/`w:ins`: OOXML allows changes inside `w:hyperlink` but not around it, and
  pandoc ignores changes inside one. Unchanged links stay `w:hyperlink` elements.
- Lists: a deleted item takes the numId of the new list its old list is aligned with (an
  old list maps to at most one new list of the same format and start, and no two old lists
  to the same one), so that the list is not split and counts as before either way. An old
  list with no counterpart gets a copy of its numbering definition.
- Non-text content (bookmarks, field characters, the logo) comes from the new version:
  bookmarks of deleted paragraphs are dropped, so names stay unique, and change ids start
  after the bookmark ids. Styles the old version used and the new did not are added.
- Same input, same bytes: ids are counted in document order, and the package is
  `package.reproducible_zip`-ped like the export.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lxml import etree

from policykit.comparing.diff import ChangeSet
from policykit.comparing.pairing import Aligned, align
from policykit.comparing.words import Op, styled_diff, token_similarity
from policykit.comparing.words import words as word_tokens
from policykit.writing.docx import DocxWriter
from policykit.writing.docx.numbering import numbering_root
from policykit.writing.docx.ooxml import (
    R_NS,
    W_NS,
    XML_NS,
    append_text,
    bookmark_name,
    get,
    local,
    w,
)
from policykit.writing.docx.package import only_section, release
from policykit.writing.layout import Document
from policykit.writing.reasons import Comments, comment_lines

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement

#: Stands for one piece of non-text content (a bookmark, a field character) in the diff.
OBJECT = "\ufffc"
#: A stretch's look in the diff: ("text", run properties, link) or ("atom", its XML, "").
Style = tuple[str, str, str]


def write_redline_docx(
    old: Document,
    new: Document,
    *,
    author: str = "policykit",
    date: dt.datetime,
    changes: ChangeSet | None = None,
) -> bytes:
    """The new version's Word export with the changes from `old` as tracked changes by
    `author` at `date`, and with `changes`, each change and why as a comment on the heading
    of its section (on the title for the metadata). The same input always gives the same
    bytes."""
    draft = DocxRedline.draft(old, new, author, date)
    return draft.finish(comment_lines(changes, old, new) if changes is not None else {})


def _xml(element: BaseOxmlElement) -> str:
    """The element's XML, as a key: pretty-printed, which is the same for the same tree."""
    from docx.oxml.xmlchemy import serialize_for_reading

    return str(serialize_for_reading(element))


def _iso(date: dt.datetime) -> str:
    if date.tzinfo is not None:
        date = date.astimezone(dt.UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- one version's package, read for the comparison ------------------------------------------


#: The tags a paragraph is read by, whole: comparing them is a tenth of splitting each.
_P, _PPR, _HYPERLINK, _R, _RPR, _T, _TAB, _BR = (
    f"{{{W_NS}}}{tag}" for tag in ("p", "pPr", "hyperlink", "r", "rPr", "t", "tab", "br")
)
#: A serialized paragraph's start tag and its properties, if they come first (as the
#: schema has them): `<w:p>`, `<w:p w:rsidR="…">` or `<w:p/>`, not `<w:pPr>`.
_PROPERTIES = re.compile(rb"<w:p(?=[\s/>])[^>]*?(?:/>|>(<w:pPr/>|<w:pPr>.*?</w:pPr>)?)", re.DOTALL)

#: A paragraph's properties as its key has them, and its list item's (numId, level).
_Shape = tuple[str, tuple[str, str] | None]


class _Version:
    """What a paragraph's key needs from its package: style names, list formats, links."""

    def __init__(self, styles: BaseOxmlElement, numbering: BaseOxmlElement | None, part: Any):
        self.styles = styles
        self.numbering = numbering
        self.part = part
        self._style_names: dict[str, str] = {}
        self._list_formats: dict[tuple[str, str], str] = {}
        self._shapes: dict[bytes, _Shape] = {}
        #: Each paragraph's `w:pPr` as bytes, by paragraph (`read_properties`).
        self._properties: dict[BaseOxmlElement, bytes] = {}

    def read_properties(self, body: BaseOxmlElement) -> None:
        """Each paragraph's properties in `body`, as bytes, from one serialization of it:
        serializing each `w:pPr` alone cost 14 µs, most of a paragraph's reading. One the
        pattern cannot tell apart (a `w:pPrChange` holds a `w:pPr`), and every one of a
        body whose paragraphs it does not count right (another prefix than `w:`), is
        serialized alone (`shape`): either way, the same properties give the same bytes."""
        paragraphs = list(body.iter(_P))
        found = [m.group(1) for m in _PROPERTIES.finditer(etree.tostring(body))]
        if len(found) == len(paragraphs):
            self._properties = {
                p: raw
                for p, raw in zip(paragraphs, found, strict=True)
                if raw is not None and raw.count(b"<w:pPr") == 1
            }

    def shape(self, p: BaseOxmlElement, properties: BaseOxmlElement) -> _Shape:
        """A paragraph's properties as its key has them (`_Para.shape`, `_Para.num`), made
        once for each distinct `w:pPr`: a redline's 11,000 paragraphs have a handful. One
        that names a style or a list not defined yet is made again when asked again."""
        raw = self._properties.get(p) or bytes(etree.tostring(properties))
        known = self._shapes.get(raw)
        if known is None:
            known, settled = self._shape(properties)
            if settled:
                self._shapes[raw] = known
        return known

    def _shape(
        self, properties: BaseOxmlElement
    ) -> tuple[tuple[str, tuple[str, str] | None], bool]:
        signature = copy.deepcopy(properties)
        num = None
        settled = True
        for style in signature.iter(f"{{{W_NS}}}pStyle"):
            name = self.style_name(get(style, "val"))
            settled = settled and not name.startswith("#")
            style.set(f"{{{W_NS}}}val", name)
        numbering = signature.find(f"{{{W_NS}}}numPr")
        if numbering is not None:
            num_id = numbering.find(f"{{{W_NS}}}numId")
            level = numbering.find(f"{{{W_NS}}}ilvl")
            if num_id is not None:
                value = get(num_id, "val")
                lvl = "0" if level is None else get(level, "val")
                listed = self.list_format(value, lvl)
                settled = settled and not listed.startswith("#")
                num_id.set(f"{{{W_NS}}}val", listed)
                if value != "0":
                    num = (value, lvl)
        return (_xml(signature), num), settled

    def style_name(self, style_id: str) -> str:
        # Read again on a miss: the writer adds styles as it first uses them.
        if style_id not in self._style_names:
            for style in self.styles.findall(f"{{{W_NS}}}style"):
                name = style.find(f"{{{W_NS}}}name")
                if name is not None:
                    self._style_names.setdefault(get(style, "styleId"), get(name, "val"))
        return self._style_names.get(style_id, f"#{style_id}")

    def list_format(self, num_id: str, level: str) -> str:
        """A list level by what it looks like: format, start and text, not its numId."""
        known = self._list_formats.get((num_id, level))
        if known is None:
            known = self._list_format(num_id, level)
            if not known.startswith("#"):  # a list the writer has yet to define is asked again
                self._list_formats[num_id, level] = known
        return known

    def _list_format(self, num_id: str, level: str) -> str:
        if num_id == "0" or self.numbering is None:
            return num_id
        lvl = self._level(num_id, level)
        if lvl is None:
            return f"#{num_id}"
        parts = []
        for tag in ("numFmt", "start", "lvlText"):
            child = lvl.find(f"{{{W_NS}}}{tag}")
            parts.append("" if child is None else get(child, "val"))
        return "|".join(parts)

    def abstract(self, num_id: str) -> BaseOxmlElement | None:
        if self.numbering is None:
            return None
        for num in self.numbering.findall(f"{{{W_NS}}}num"):
            if get(num, "numId") == num_id:
                reference = num.find(f"{{{W_NS}}}abstractNumId")
                wanted = "" if reference is None else get(reference, "val")
                for abstract in self.numbering.findall(f"{{{W_NS}}}abstractNum"):
                    if get(abstract, "abstractNumId") == wanted:
                        found: BaseOxmlElement = abstract
                        return found
        return None

    def _level(self, num_id: str, level: str) -> BaseOxmlElement | None:
        abstract = self.abstract(num_id)
        if abstract is None:
            return None
        for lvl in abstract.findall(f"{{{W_NS}}}lvl"):
            if get(lvl, "ilvl") == level:
                found: BaseOxmlElement = lvl
                return found
        return None

    def link_key(self, link: BaseOxmlElement) -> str:
        anchor = get(link, "anchor")
        if anchor:
            return f"a:{anchor}"
        rid = str(link.get(f"{{{R_NS}}}id", ""))
        rel = self.part.rels.get(rid)
        return f"h:{rel.target_ref}" if rel is not None else "h:"


@dataclass
class _Para:
    """A paragraph as the comparison sees it."""

    element: BaseOxmlElement
    version: _Version
    #: The paragraph properties, with style names and list formats in place of ids.
    shape: str
    #: (numId, level) of a list item, or None.
    num: tuple[str, str] | None
    segments: list[tuple[str, Style]] = field(default_factory=list)
    atoms: list[BaseOxmlElement] = field(default_factory=list)
    run_properties: dict[str, BaseOxmlElement] = field(default_factory=dict)
    links: dict[str, BaseOxmlElement] = field(default_factory=dict)

    @cached_property
    def key(self) -> tuple[str, tuple[tuple[str, Style], ...]]:
        """What two paragraphs are equal by; read once `_parse` has made the segments."""
        return self.shape, tuple(self.segments)

    @cached_property
    def identity(self) -> set[str]:
        """The bookmarks it carries and the bookmarks it links to: a heading's and a contents
        entry's lasting names, such as `_pk_principle_dialog`."""
        names = {
            f"a:{name}"
            for _, (kind, key, _) in self.segments
            if kind == "atom"
            for name in re.findall(r'w:name="([^"]*)"', key)
        }
        return names | {link for _, (kind, _, link) in self.segments if link.startswith("a:")}

    @cached_property
    def tokens(self) -> list[str]:
        return word_tokens(self.words)

    @property
    def words(self) -> str:
        """The text to compare for pairing, with bookmark names and link targets in it."""
        out = []
        for text, (kind, key, link) in self.segments:
            if kind == "atom":
                out.append(" " + " ".join(re.findall(r'w:name="([^"]*)"', key)) + " ")
            else:
                out.append(f"{link} {text}" if link else text)
        return "".join(out)


def _parse(p: BaseOxmlElement, version: _Version) -> _Para:
    properties = p[0] if len(p) and p[0].tag == _PPR else None  # first, as the schema has it
    shape, num = version.shape(p, properties) if properties is not None else ("", None)
    para = _Para(p, version, shape, num)
    for child in p:
        tag = child.tag
        if tag == _PPR:
            continue
        if tag == _HYPERLINK:
            link = version.link_key(child)
            para.links.setdefault(link, child)
            for run in child:
                _add_run(para, run, link)
        else:
            _add_run(para, child, "")
    return para


def _add_run(para: _Para, run: BaseOxmlElement, link: str) -> None:
    """A run of text becomes a segment; anything else an atom."""
    parts: list[str] = []
    properties = ""
    for child in run if run.tag == _R else [run]:
        tag = child.tag
        if tag == _RPR:
            signature = copy.deepcopy(child)
            for style in signature.iter(f"{{{W_NS}}}rStyle"):
                style.set(f"{{{W_NS}}}val", para.version.style_name(get(style, "val")))
            properties = _xml(signature)
            para.run_properties.setdefault(properties, child)
        elif tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _BR and not child.attrib:
            parts.append("\n")
        else:
            atom = copy.deepcopy(run)
            for element in atom.iter():
                element.attrib.pop(f"{{{W_NS}}}id", None)
            para.segments.append((OBJECT, ("atom", _xml(atom), "")))
            para.atoms.append(run)
            return
    text = "".join(parts)
    if text:
        para.segments.append((text, ("text", properties, link)))


@dataclass
class _Table:
    """A table as the comparison sees it: its rows of cells of paragraphs. It pairs only
    with a table of as many columns (`shape`)."""

    element: BaseOxmlElement
    rows: list[list[list[_Para]]]

    num = None

    @property
    def shape(self) -> str:
        return f"table:{len(self.element.findall(f'{{{W_NS}}}tblGrid/{{{W_NS}}}gridCol'))}"

    @cached_property
    def key(self) -> tuple[object, ...]:
        return self.shape, tuple(
            tuple(tuple(p.key for p in cell) for cell in row) for row in self.rows
        )

    @property
    def identity(self) -> set[str]:
        return set()

    @cached_property
    def tokens(self) -> list[str]:
        return [token for row in self.rows for cell in row for p in cell for token in p.tokens]

    def row_tokens(self, index: int) -> list[str]:
        return [token for cell in self.rows[index] for p in cell for token in p.tokens]


def _parse_unit(element: BaseOxmlElement, version: _Version) -> _Para | _Table:
    """A body element, a paragraph or a table, for the comparison."""
    if local(element) != "tbl":
        return _parse(element, version)
    rows = [
        [
            [_parse(p, version) for p in cell.findall(f"{{{W_NS}}}p")]
            for cell in row.findall(f"{{{W_NS}}}tc")
        ]
        for row in element.findall(f"{{{W_NS}}}tr")
    ]
    return _Table(element, rows)


# --- alignment --------------------------------------------------------------------------------


Unit = _Para | _Table
Pair = tuple[Unit | None, Unit | None]


def _align(old: Sequence[Unit], new: Sequence[Unit]) -> list[Pair]:
    """The paragraphs and tables of both versions in one sequence (`pairing.align`): a
    paragraph pairs only with one of the same properties and, for a heading, the same
    bookmark; a table with a table of as many columns."""
    # Each distinct key as a number: difflib hashes and compares each key many times, and a
    # tuple's hash, unlike a string's, is made again each time.
    numbers: dict[object, int] = {}
    aligned = align(
        [numbers.setdefault(p.key, len(numbers)) for p in old],
        [numbers.setdefault(p.key, len(numbers)) for p in new],
        lambda i, j: _alike(old[i], new[j]),
        lambda i, j: old[i].shape == new[j].shape and _same_identity(old[i], new[j]),
        lambda i, j: _numbered_item(old[i]) and old[i].shape == new[j].shape,
    )
    return [
        (old[i] if i is not None else None, new[j] if j is not None else None) for i, j in aligned
    ]


def _numbered_item(unit: Unit) -> bool:
    """An item of a numbered (not bulleted) list: one reworded in place of another at its
    place is that item, reworded (see `pairing.align`), and keeps its number in the redline:
    a deletion and an insertion would show in LibreOffice as "[2.] … [3.] …" and renumber
    the rest."""
    # The shape holds the list's format as "numFmt|start|lvlText" (`_Version.list_format`).
    return isinstance(unit, _Para) and unit.num is not None and '"bullet|' not in unit.shape


def _alike(old: Unit, new: Unit) -> float:
    """`policykit.comparing.words.similarity` of the two, with cheap upper bounds tried first."""
    return token_similarity(old.tokens, new.tokens)


def _same_identity(old: Unit, new: Unit) -> bool:
    """Two headings (or contents entries) of different sections are not one reworded."""
    before, after = old.identity, new.identity
    return not before or not after or before == after


# --- the writer -------------------------------------------------------------------------------


class DocxRedline(DocxWriter):
    """The Word redline, written in two steps: `draft`, all of it that the versions alone
    give (both exports, aligned and merged), and `finish`, with the comments that the
    change set gives. A diff begins the draft in a worker while it compares the versions
    (`workflows.comparison`); the bytes are those of one step after the other."""

    content_marks = False

    def __init__(self, document: Document, old_word: WordDocument, author: str, date: dt.datetime):
        super().__init__(document)
        #: The old version's Word export, made in memory (`DocxWriter.build`).
        self.old_word = old_word
        self.author = author
        self.date = _iso(date)
        self._list_map: dict[str, str] = {}
        #: Each change and why, by the anchor of its section (None: the metadata).
        self.reasons: Comments = {}

    @classmethod
    def draft(cls, old: Document, new: Document, author: str, date: dt.datetime) -> DocxRedline:
        """Both versions written and merged, as far as the comments."""
        before = DocxWriter(old)
        before.content_marks = False
        redline = cls(new, before.build(), author, date)
        try:
            redline.begin()
            redline.body()
        except BaseException:
            release(before.word)
            raise
        return redline

    def finish(self, reasons: Comments) -> bytes:
        """The redline with `reasons` as comments, and what follows them, packed."""
        try:
            self.reasons = reasons
            self._comment_reasons()
            self.footer()
            self.properties()
            return self.pack(self.word)
        finally:
            release(self.old_word)

    def body(self) -> None:
        old_part = self.old_word.part
        old_numbering = old_part.numbering_part.element
        self.old = _Version(self.old_word.styles.element, old_numbering, old_part)
        self.new = _Version(self.styles.root, numbering_root(self.part), self.part)
        super().body()
        self._change_id = self.bookmark_count
        body = self.word.element.body
        new = [child for child in body if child is not self.end]
        old = [p for p in self.old_word.element.body if local(p) in ("p", "tbl")]
        self.old.read_properties(self.old_word.element.body)
        self.new.read_properties(body)
        for child in new:
            body.remove(child)
        for p in self._merge(old, [p for p in new if local(p) in ("p", "tbl")]):
            self.end.addprevious(p)

    def _comment_reasons(self) -> None:
        """Each change and why, as a comment on its section's heading (found by its
        bookmark), or on the title for the metadata: Word and LibreOffice show them beside
        the text, and accepting or rejecting changes leaves them."""
        if not self.reasons:
            return
        self.styles["annotation text"]  # the style python-docx gives a comment's text
        headings = self._headings(title=None in self.reasons)
        for anchor, lines in self.reasons.items():
            target = headings.get(None if anchor is None else bookmark_name(anchor))
            if target is None:
                continue
            comment = self.word.comments.add_comment(lines[0], self.author, "PK")
            comment._comment_elm.set(f"{{{W_NS}}}date", self.date)
            for line in lines[1:]:
                _comment_paragraph(comment._comment_elm, line)
            mark = str(comment.comment_id)
            properties = target.find(f"{{{W_NS}}}pPr")
            start = w("commentRangeStart", id=mark)
            if properties is not None:
                properties.addnext(start)
            else:
                target.insert(0, start)
            w("commentRangeEnd", target, id=mark)
            reference = w("r", target)
            w("rStyle", w("rPr", reference), val=self.styles["annotation reference"])
            w("commentReference", reference, id=mark)

    def _headings(self, *, title: bool) -> dict[str | None, BaseOxmlElement]:
        """The paragraph of each bookmark's first start, by its name, and under None the
        title if asked for: found in one pass, for the comments on every section."""
        body = self.word.element.body
        found: dict[str | None, BaseOxmlElement] = {}
        if title:
            style = self.styles["Title"]
            first = (p for p in body.iter(f"{{{W_NS}}}p") if _style_of(p) == style)
            if (p := next(first, None)) is not None:
                found[None] = p
        for mark in body.iter(f"{{{W_NS}}}bookmarkStart"):
            found.setdefault(get(mark, "name"), mark.getparent())
        return found

    def footer(self) -> None:
        super().footer()
        old_footer = only_section(self.old_word).footer
        new_footer = only_section(self.word).footer
        if old_footer.is_linked_to_previous or new_footer.is_linked_to_previous:
            return
        # The title's cell of the footer's layout table (see `DocxWriter.footer`) holds what
        # changes: the draft mark and the title.
        old_cell, cell = _title_cell(old_footer._element), _title_cell(new_footer._element)
        new = [child for child in cell if local(child) == "p"]
        for child in new:
            cell.remove(child)
        for p in self._merge([p for p in old_cell if local(p) == "p"], new):
            cell.append(p)

    # --- merging ----------------------------------------------------------------------------

    def _merge(
        self, old: Sequence[BaseOxmlElement], new: Sequence[BaseOxmlElement]
    ) -> list[BaseOxmlElement]:
        pairs = _align(
            [_parse_unit(p, self.old) for p in old], [_parse_unit(p, self.new) for p in new]
        )
        resolved: list[Pair] = []
        targets = set(self._list_map.values())
        for before, after in pairs:
            if before is not None and after is not None and before.num and after.num:
                mapped = self._list_map.get(before.num[0])
                if mapped is None and after.num[0] not in targets:
                    self._list_map[before.num[0]] = mapped = after.num[0]
                    targets.add(mapped)
                if mapped != after.num[0]:
                    resolved += [(before, None), (None, after)]
                    continue
            resolved.append((before, after))
        out = []
        for index, (before, after) in enumerate(resolved):
            last = index == len(resolved) - 1
            if isinstance(before, _Table) or isinstance(after, _Table):
                out.extend(self._tables(before, after))
                continue
            assert not isinstance(before, _Table) and not isinstance(after, _Table)
            if before is not None and after is not None:
                if before.key == after.key:
                    out.append(after.element)
                else:
                    pieces = styled_diff(before.segments, after.segments)
                    out.append(self._paragraph(before, after, pieces))
            elif before is not None:
                pieces = [("delete", text, style) for text, style in before.segments]
                out.append(self._paragraph(before, None, pieces, mark=not last))
            elif after is not None:
                pieces = [("insert", text, style) for text, style in after.segments]
                out.append(self._paragraph(None, after, pieces, mark=not last))
        return out

    # --- tables -------------------------------------------------------------------------

    def _tables(self, old: Unit | None, new: Unit | None) -> list[BaseOxmlElement]:
        """A table of both versions, row by row and cell by cell; one only one version has
        with every row deleted or inserted (`w:trPr/w:del`, `w:trPr/w:ins`) and the text of
        its cells too, so that readers that know only changes of text see it go or come."""
        assert isinstance(old, _Table | None) and isinstance(new, _Table | None)
        if old is not None and new is not None and old.key == new.key:
            return [new.element]
        if old is None or new is None:
            side = old or new
            assert side is not None
            return [
                self._table_of(
                    side,
                    [(i, None) if new is None else (None, i) for i in range(len(side.rows))],
                    old,
                    new,
                )
            ]
        header: list[Aligned] = [(0, 0)] if old.rows and new.rows else []
        body = align(
            [tuple(tuple(p.key for p in cell) for cell in row) for row in old.rows[1:]],
            [tuple(tuple(p.key for p in cell) for cell in row) for row in new.rows[1:]],
            lambda i, j: token_similarity(old.row_tokens(i + 1), new.row_tokens(j + 1)),
        )
        rows = header + [(_next(i), _next(j)) for i, j in body]
        return [self._table_of(new, rows, old, new)]

    def _table_of(
        self, frame: _Table, rows: Sequence[Aligned], old: _Table | None, new: _Table | None
    ) -> BaseOxmlElement:
        """A table with `frame`'s properties and grid, and the aligned rows, each with its
        own properties: the new version's, or the old one's for a deleted row."""
        table = w("tbl")
        for name in ("tblPr", "tblGrid"):
            source = frame.element.find(f"{{{W_NS}}}{name}")
            if source is not None:
                table.append(self._properties(source, from_old=frame is not new))
        for i, j in rows:
            before = old.rows[i] if old is not None and i is not None else None
            after = new.rows[j] if new is not None and j is not None else None
            if new is not None and j is not None:
                template = new.element.findall(f"{{{W_NS}}}tr")[j]
            else:
                assert old is not None and i is not None
                template = old.element.findall(f"{{{W_NS}}}tr")[i]
            table.append(self._row(template, before, after))
        return table

    def _row(
        self,
        template: BaseOxmlElement,
        old: list[list[_Para]] | None,
        new: list[list[_Para]] | None,
    ) -> BaseOxmlElement:
        """A row with `template`'s row and cell properties, its cells' paragraphs merged;
        a row only one version has is marked deleted or inserted."""
        from_old = new is None
        row = w("tr")
        source = template.find(f"{{{W_NS}}}trPr")
        properties = self._properties(source, from_old=from_old) if source is not None else None
        if old is None or new is None:
            if properties is None:
                properties = w("trPr")
            w("del" if new is None else "ins", properties, **self._stamp())
        if properties is not None:
            row.append(properties)
        for index, cell_template in enumerate(template.findall(f"{{{W_NS}}}tc")):
            cell = w("tc", row)
            source = cell_template.find(f"{{{W_NS}}}tcPr")
            if source is not None:
                cell.append(self._properties(source, from_old=from_old))
            before = [p.element for p in old[index]] if old is not None and index < len(old) else []
            after = [p.element for p in new[index]] if new is not None and index < len(new) else []
            for p in self._merge(before, after) or [w("p")]:  # a cell holds a paragraph at least
                cell.append(p)
        return row

    def _properties(self, element: BaseOxmlElement, *, from_old: bool) -> BaseOxmlElement:
        return self._from_old(element) if from_old else copy.deepcopy(element)

    def _paragraph(
        self,
        old: _Para | None,
        new: _Para | None,
        pieces: Sequence[tuple[Op, str, Style]],
        *,
        mark: bool = False,
    ) -> BaseOxmlElement:
        p = w("p")
        if new is not None:
            source = new.element.find(f"{{{W_NS}}}pPr")
            properties = None if source is None else copy.deepcopy(source)
        else:
            assert old is not None
            source = old.element.find(f"{{{W_NS}}}pPr")
            properties = None if source is None else self._from_old(source)
        if properties is None and mark:
            properties = w("pPr")
        if properties is not None:
            p.append(properties)
            if mark:
                w("del" if new is None else "ins", w("rPr", properties), **self._stamp())
        old_atoms = iter(old.atoms if old else [])
        new_atoms = iter(new.atoms if new else [])
        for link, group in _link_groups(pieces):
            if not link:
                for op, text, style in group:
                    self._piece(p, op, text, style, old, new, old_atoms, new_atoms)
            elif all(op == "equal" for op, _, _ in group):
                assert new is not None
                p.append(self._hyperlink(new.links[link], group, new))
            else:
                before = [(t, s) for op, t, s in group if op != "insert"]
                after = [(t, s) for op, t, s in group if op != "delete"]
                if before:
                    self._field_link(p, "del", link, before, old)
                if after:
                    self._field_link(p, "ins", link, after, new)
        return p

    def _piece(
        self,
        p: BaseOxmlElement,
        op: Op,
        text: str,
        style: Style,
        old: _Para | None,
        new: _Para | None,
        old_atoms: Iterator[BaseOxmlElement],
        new_atoms: Iterator[BaseOxmlElement],
    ) -> None:
        kind, properties, _ = style
        if kind == "atom":  # non-text content comes from the new version only
            for _ in text:
                if op != "insert":
                    next(old_atoms)
                if op != "delete":
                    p.append(next(new_atoms))
            return
        side = old if op == "delete" else new
        assert side is not None
        if op == "equal":
            p.append(self._run(text, properties, side))
        else:
            wrapper = w("del" if op == "delete" else "ins", p, **self._stamp())
            wrapper.append(self._run(text, properties, side, deleted=op == "delete"))

    def _hyperlink(
        self,
        element: BaseOxmlElement,
        group: Sequence[tuple[Op, str, Style]],
        new: _Para,
    ) -> BaseOxmlElement:
        link = w("hyperlink")
        for name, value in element.attrib.items():
            link.set(name, value)
        for _, text, (_, properties, _) in group:
            link.append(self._run(text, properties, new))
        return link

    def _field_link(
        self,
        p: BaseOxmlElement,
        change: str,
        link: str,
        stretch: Sequence[tuple[str, Style]],
        side: _Para | None,
    ) -> None:
        """A whole link deleted or inserted, as a HYPERLINK field inside `w:del`/`w:ins`."""
        assert side is not None
        deleted = change == "del"
        wrapper = w(change, p, **self._stamp())
        w("fldChar", w("r", wrapper), fldCharType="begin")
        target = link[2:].replace("\\", "%5C").replace('"', "%22")
        switch = "\\l " if link.startswith("a:") else ""
        code = w("delInstrText" if deleted else "instrText", w("r", wrapper))
        code.text = f' HYPERLINK {switch}"{target}" '
        code.set(f"{{{XML_NS}}}space", "preserve")
        w("fldChar", w("r", wrapper), fldCharType="separate")
        merged: list[tuple[str, str]] = []
        for text, (_, properties, _) in stretch:
            if merged and merged[-1][1] == properties:
                merged[-1] = (merged[-1][0] + text, properties)
            else:
                merged.append((text, properties))
        for text, properties in merged:
            wrapper.append(self._run(text, properties, side, deleted=deleted))
        w("fldChar", w("r", wrapper), fldCharType="end")

    def _run(
        self, text: str, properties: str, side: _Para, *, deleted: bool = False
    ) -> BaseOxmlElement:
        """A run like `DocxWriter.text` writes, with the formatting it had in `side`."""
        run = w("r")
        if properties:
            source = side.run_properties[properties]
            run.append(
                self._from_old(source) if side.version is self.old else copy.deepcopy(source)
            )
        append_text(run, text, deleted=deleted)
        return run

    def _stamp(self) -> dict[str, str]:
        """A change's id, author and date. Ids follow the bookmarks', in document order."""
        self._change_id += 1
        return {"id": str(self._change_id - 1), "author": self.author, "date": self.date}

    # --- the old version's properties in the new package ----------------------------------

    def _from_old(self, element: BaseOxmlElement) -> BaseOxmlElement:
        """A copy of old properties, with the new package's style ids and list ids."""
        out: BaseOxmlElement = copy.deepcopy(element)
        for style in (*out.iter(f"{{{W_NS}}}pStyle"), *out.iter(f"{{{W_NS}}}rStyle")):
            name = self.old.style_name(get(style, "val"))
            if not name.startswith("#"):
                with contextlib.suppress(KeyError):  # a reference document's style keeps its id
                    style.set(f"{{{W_NS}}}val", self.styles[name])
        for num_id in out.iter(f"{{{W_NS}}}numId"):
            value = get(num_id, "val")
            if value != "0":
                num_id.set(f"{{{W_NS}}}val", self._new_list(value))
        return out

    def _new_list(self, old_id: str) -> str:
        """The new numId for an old list: the list it is aligned with, or a copy of it."""
        mapped = self._list_map.get(old_id)
        if mapped is not None:
            return mapped
        num_id = str(self.numbering.copy_list(self.old.abstract(old_id)))
        self._list_map[old_id] = num_id
        return num_id


def _comment_paragraph(comment: BaseOxmlElement, line: str) -> None:
    """A further paragraph of a comment, as python-docx's `Comment.add_paragraph` writes it
    (in the "CommentText" style, the text in one run), made here: through python-docx's
    objects, the benchmark's 490 took 50 ms, and through python-docx's `CT_R.text`, which
    reads the text a character at a time, 30 ms more."""
    p = w("p", comment)
    w("pStyle", w("pPr", p), val="CommentText")
    if not line:
        return
    run = w("r", p)
    for piece in _TAB_OR_BREAK.split(line):  # as `CT_R.text` writes them
        if piece == "\t":
            w("tab", run)
        elif piece in ("\r", "\n"):
            w("br", run)
        elif piece:
            t = w("t", run)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(f"{{{XML_NS}}}space", "preserve")


_TAB_OR_BREAK = re.compile(r"([\t\r\n])")


def _style_of(p: BaseOxmlElement) -> str | None:
    style = p.find(f"{{{W_NS}}}pPr/{{{W_NS}}}pStyle")
    return get(style, "val") if style is not None else None


def _next(index: int | None) -> int | None:
    """A body row's index among all rows, the header being row 0."""
    return index + 1 if index is not None else None


def _link_groups(
    pieces: Sequence[tuple[Op, str, Style]],
) -> Iterator[tuple[str, list[tuple[Op, str, Style]]]]:
    """Consecutive pieces by the link they are part of ("" for none)."""
    group: list[tuple[Op, str, Style]] = []
    current = ""
    for piece in pieces:
        link = piece[2][2] if piece[2][0] == "text" else ""
        if group and (link != current or not link):
            yield current, group
            group = []
        current = link
        group.append(piece)
    if group:
        yield current, group


def _title_cell(footer: BaseOxmlElement) -> BaseOxmlElement:
    """The first cell of a footer's layout table, or the footer itself (a reference
    document's footer, laid out with paragraphs)."""
    cell = footer.find(f"{{{W_NS}}}tbl/{{{W_NS}}}tr/{{{W_NS}}}tc")
    return cell if cell is not None else footer
