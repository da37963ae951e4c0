"""The Word redline: the new version's own Word export, with the changes from the old version
as real tracked changes (`w:ins`, `w:del`), so that Word and LibreOffice offer Accept and
Reject, and accepting every change gives the new version's export, rejecting every change
the old version's.

Both versions are written by the normal Word writer, and the redline compares what came
out, paragraph by paragraph:

- `_Redline` is a `DocxWriter` for the new version, so template, styles, title block, TOC,
  numbering, footer and core properties are the new export's. After `body` has written the
  new paragraphs, they are aligned with the old export's (read back from its package):
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
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING, Any

from policykit.comparing.pairing import SIMILAR, pair_similar
from policykit.comparing.words import Op, styled_diff
from policykit.comparing.words import words as word_tokens
from policykit.writing.docx import DocxWriter, write_docx
from policykit.writing.docx.numbering import numbering_root
from policykit.writing.docx.ooxml import R_NS, W_NS, XML_NS, append_text, get, local, w
from policykit.writing.layout import Document

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement

#: Stands for one piece of non-text content (a bookmark, a field character) in the diff.
OBJECT = "\ufffc"
#: A stretch's look in the diff: ("text", run properties, link) or ("atom", its XML, "").
Style = tuple[str, str, str]


def write_redline_docx(
    old: Document, new: Document, *, author: str = "policykit", date: dt.datetime
) -> bytes:
    """The new version's Word export with the changes from `old` as tracked changes by
    `author` at `date`. The same input always gives the same bytes."""
    return _Redline(new, write_docx(old), author, date).write()


def _xml(element: BaseOxmlElement) -> str:
    """The element's XML, as a key: pretty-printed, which is the same for the same tree."""
    from docx.oxml.xmlchemy import serialize_for_reading

    return str(serialize_for_reading(element))


def _iso(date: dt.datetime) -> str:
    if date.tzinfo is not None:
        date = date.astimezone(dt.UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- one version's package, read for the comparison ------------------------------------------


class _Version:
    """What a paragraph's key needs from its package: style names, list formats, links."""

    def __init__(self, styles: BaseOxmlElement, numbering: BaseOxmlElement | None, part: Any):
        self.styles = styles
        self.numbering = numbering
        self.part = part
        self._style_names: dict[str, str] = {}
        self._list_formats: dict[tuple[str, str], str] = {}

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

    @property
    def key(self) -> tuple[str, tuple[tuple[str, Style], ...]]:
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
    properties = p.find(f"{{{W_NS}}}pPr")
    shape, num = "", None
    if properties is not None:
        signature = copy.deepcopy(properties)
        for style in signature.iter(f"{{{W_NS}}}pStyle"):
            style.set(f"{{{W_NS}}}val", version.style_name(get(style, "val")))
        numbering = signature.find(f"{{{W_NS}}}numPr")
        if numbering is not None:
            num_id = numbering.find(f"{{{W_NS}}}numId")
            level = numbering.find(f"{{{W_NS}}}ilvl")
            if num_id is not None:
                value = get(num_id, "val")
                lvl = "0" if level is None else get(level, "val")
                num_id.set(f"{{{W_NS}}}val", version.list_format(value, lvl))
                if value != "0":
                    num = (value, lvl)
        shape = _xml(signature)
    para = _Para(p, version, shape, num)
    for child in p:
        tag = local(child)
        if tag == "pPr":
            continue
        if tag == "hyperlink":
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
    for child in run if local(run) == "r" else [run]:
        tag = local(child)
        if tag == "rPr":
            signature = copy.deepcopy(child)
            for style in signature.iter(f"{{{W_NS}}}rStyle"):
                style.set(f"{{{W_NS}}}val", para.version.style_name(get(style, "val")))
            properties = _xml(signature)
            para.run_properties.setdefault(properties, child)
        elif tag == "t":
            parts.append(child.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag == "br" and not child.attrib:
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


# --- alignment --------------------------------------------------------------------------------


Pair = tuple[_Para | None, _Para | None]


def _align(old: Sequence[_Para], new: Sequence[_Para]) -> list[Pair]:
    out: list[Pair] = []
    matcher = SequenceMatcher(None, [p.key for p in old], [p.key for p in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(zip(old[i1:i2], new[j1:j2], strict=True))
        else:
            out.extend(_pair(old[i1:i2], new[j1:j2]))
    return out


def _pair(old: Sequence[_Para], new: Sequence[_Para]) -> list[Pair]:
    """Pair the most alike paragraphs of the same properties first, then the most alike of
    the rest that keep the order, and so on; the rest are deleted and inserted. In a long
    stretch, a paragraph is compared only with those near its place in the other version."""
    candidates = (
        (i, j)
        for i, j in _near(len(old), len(new))
        if old[i].shape == new[j].shape and _same_identity(old[i], new[j])
    )
    made = pair_similar(candidates, lambda i, j: _alike(old[i], new[j]), ordered=True)
    paired = sorted(made.items())  # sorted by both indexes: pairs never cross
    out: list[Pair] = []
    next_old = next_new = 0
    for i, j in [*paired, (len(old), len(new))]:
        out.extend((p, None) for p in old[next_old:i])
        out.extend((None, p) for p in new[next_new:j])
        if i < len(old):
            out.append((old[i], new[j]))
        next_old, next_new = i + 1, j + 1
    return out


#: Up to this many combinations, every paragraph of a changed stretch is compared with every
#: other; beyond it, only with those within NEAR places of where it would be.
ALL_WITH_ALL = 40_000
NEAR = 60


def _near(old: int, new: int) -> Iterator[tuple[int, int]]:
    if old * new <= ALL_WITH_ALL:
        yield from ((i, j) for i in range(old) for j in range(new))
        return
    for i in range(old):
        centre = i * new // old
        yield from ((i, j) for j in range(max(0, centre - NEAR), min(new, centre + NEAR + 1)))


def _alike(old: _Para, new: _Para) -> float:
    """`policykit.comparing.words.similarity` of the two, with cheap upper bounds tried first."""
    matcher = SequenceMatcher(None, old.tokens, new.tokens, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _same_identity(old: _Para, new: _Para) -> bool:
    """Two headings (or contents entries) of different sections are not one reworded."""
    before, after = old.identity, new.identity
    return not before or not after or before == after


# --- the writer -------------------------------------------------------------------------------


class _Redline(DocxWriter):
    def __init__(self, document: Document, old_docx: bytes, author: str, date: dt.datetime):
        super().__init__(document)
        self.old_docx = old_docx
        self.author = author
        self.date = _iso(date)
        self._list_map: dict[str, str] = {}

    def body(self) -> None:
        import docx

        self.old_word = docx.Document(io.BytesIO(self.old_docx))
        old_part = self.old_word.part
        old_numbering = old_part.numbering_part.element
        self.old = _Version(self.old_word.styles.element, old_numbering, old_part)
        self.new = _Version(self.styles.root, numbering_root(self.part), self.part)
        super().body()
        self._change_id = self.bookmark_count
        body = self.word.element.body
        new = [child for child in body if child is not self.end]
        old = [p for p in self.old_word.element.body if local(p) == "p"]
        for child in new:
            body.remove(child)
        for p in self._merge(old, [p for p in new if local(p) == "p"]):
            self.end.addprevious(p)

    def footer(self) -> None:
        super().footer()
        old_footer = self.old_word.sections[0].footer
        new_footer = self.word.sections[0].footer
        if old_footer.is_linked_to_previous or new_footer.is_linked_to_previous:
            return
        old_root, root = old_footer._element, new_footer._element
        new = [child for child in root if local(child) == "p"]
        for child in new:
            root.remove(child)
        for p in self._merge([p for p in old_root if local(p) == "p"], new):
            root.append(p)

    # --- merging ----------------------------------------------------------------------------

    def _merge(
        self, old: Sequence[BaseOxmlElement], new: Sequence[BaseOxmlElement]
    ) -> list[BaseOxmlElement]:
        pairs = _align([_parse(p, self.old) for p in old], [_parse(p, self.new) for p in new])
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
