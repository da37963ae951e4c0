"""Word files in, read from their OOXML: the body's paragraphs, runs and tables, with list
numbering resolved through the numbering definitions and the paragraph styles.

python-docx alone does not resolve numbering, and a list that takes its bullets from the
List Bullet style has its `numPr` in the style, not in the paragraph; so this reader walks
`word/document.xml` itself, with `styles.xml` and `numbering.xml` beside it:

- a heading is a paragraph whose style (or a style it is based on) is a heading, by name
  ("Heading 2", "Overskrift 2") or outline level; the Title style is the title;
- a list item has numbering, its own or its style's, and its kind and start come from the
  numbering definition of its level ("bullet", "decimal");
- a paragraph in bold alone, short, is a heading guessed, as bold headings with typed
  numbers ("1. Formål") are, for the shared passes to confirm;
- typed bullets and numbers ("•⇥", "1.⇥") in plain paragraphs are list items, as in text;
- the accepted view of tracked changes: insertions kept, deletions left out;
- Word's table of contents (TOC styles, the TOC field) is dropped, and so are images,
  with a note.

The package is untrusted: its size is bounded before it is unpacked, and its XML is parsed
with no entities resolved, no DTD loaded and no network.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from policykit.importing.blocks import (
    Block,
    Comment,
    Document,
    Dropped,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Revision,
    Run,
    Runs,
    TableBlock,
    Term,
    plain,
)
from policykit.importing.detect import UnreadableError
from policykit.importing.text import looks_like_heading

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: Bounds on the package: a policy's Word file is well under these.
MAX_PART = 30 * 1024 * 1024
MAX_TOTAL = 100 * 1024 * 1024
_HEADING_NAME = re.compile(r"^(heading|overskrift|rubrik)\s*(\d)$", re.I)
_TOC_STYLE = re.compile(r"^(toc|indholdsfortegnelse|indhold)\s*\d$", re.I)
_CAPTION_STYLES = ("caption", "billedtekst", "tabeltekst")
_TYPED = re.compile(r"^\s*([•●▪■◦·\-–\uf0b7\uf0a7]|\d{1,3}[.)])[ \t]+(\S.*)$")


def read_docx(data: bytes, name: str) -> tuple[Document, dict[str, Any]]:
    """The document, and what its core properties say (title, keywords, language)."""
    package = _open(data, name)
    styles = _Styles(_xml(package, "word/styles.xml", name))
    numbering = _Numbering(_xml(package, "word/numbering.xml", name))
    links = _links(_xml(package, "word/_rels/document.xml.rels", name))
    document = _xml(package, "word/document.xml", name)
    if document is None:
        raise UnreadableError(f"{name}: a Word file without its document part")
    body = document.find(f"{W}body")
    reader = _Body(styles, numbering, links)
    for element in body if body is not None else ():
        reader.element(element)
    comments = _comments(_xml(package, "word/comments.xml", name), reader.commented)
    document_read = Document(
        "docx", tuple(reader.finish()), tuple(reader.dropped), unit="paragraph",
        notes=tuple(reader.notes), hints=reader.hints, marks=reader.marks,
        revisions=tuple(reader.revisions),
        comments=comments,
    )  # fmt: skip
    extra = _properties(_xml(package, "docProps/core.xml", name))
    export = custom_properties(_xml(package, "docProps/custom.xml", name))
    if "policykit.id" in export:
        extra["export"] = export
    return document_read, extra


def custom_properties(root: Any) -> dict[str, str]:
    """A Word file's user-defined properties as text: policykit's export writes its policy's
    id, version and the SHA-256 of its YAML there (`policykit.id`…)."""
    if root is None:
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        value = next((" ".join((v.text or "").split()) for v in prop), "")
        if name:
            out[name] = value
    return out


def _properties(core: Any) -> dict[str, Any]:
    """The core properties an import can use: keywords and the language."""
    if core is None:
        return {}
    extra: dict[str, Any] = {}
    for element in core:
        tag = element.tag.rsplit("}", 1)[-1]
        text = " ".join((element.text or "").split())
        if tag == "keywords" and text:
            extra["keywords"] = [k.strip() for k in re.split(r"[,;]", text) if k.strip()]
        elif tag == "language" and text[:2].casefold() in ("da", "en"):
            extra["language"] = text[:2].casefold()
    return extra


def _open(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableError(f"{name}: a broken zip file ({error})") from None
    total = sum(info.file_size for info in infos)
    largest = max((info.file_size for info in infos), default=0)
    if largest > MAX_PART or total > MAX_TOTAL:
        raise UnreadableError(
            f"{name}: the Word file unpacks to {total // (1024 * 1024)} MB, more than a "
            "document holds",
            hint="a zip bomb, or a file with very large images; save it without them",
        )
    return package


def _xml(package: zipfile.ZipFile, part: str, name: str) -> Any:
    from lxml import etree

    try:
        data = package.read(part)
    except KeyError:
        return None
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
        raise UnreadableError(f"{name}: cannot unpack {part} ({error})") from None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableError(f"{name}: {part} is not well-formed XML ({error})") from None


def _links(rels: Any) -> dict[str, str]:
    """Relationship id → external address: the targets of hyperlinks."""
    if rels is None:
        return {}
    return {
        rel.get("Id"): rel.get("Target")
        for rel in rels
        if rel.get("TargetMode") == "External" and rel.get("Id") and rel.get("Target")
    }


# --- styles and numbering ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    numbering: tuple[str, int] | None  # (numId, ilvl)


class _Styles:
    def __init__(self, root: Any) -> None:
        self.styles: dict[str, _Style] = {}
        for style in root.iter(f"{W}style") if root is not None else ():
            ident = style.get(f"{W}styleId")
            if ident is None:
                continue
            name = _val(style.find(f"{W}name")) or ident
            based = _val(style.find(f"{W}basedOn"))
            ppr = style.find(f"{W}pPr")
            outline = _val(ppr.find(f"{W}outlineLvl")) if ppr is not None else None
            self.styles[ident] = _Style(
                name, based, int(outline) if outline and outline.isdigit() else None,
                _numpr(ppr) if ppr is not None else None,
            )  # fmt: skip

    def chain(self, ident: str | None) -> list[_Style]:
        out: list[_Style] = []
        while ident is not None and ident in self.styles and len(out) < 20:
            style = self.styles[ident]
            out.append(style)
            ident = style.based_on
        return out

    def name(self, ident: str | None) -> str:
        chain = self.chain(ident)
        return chain[0].name if chain else (ident or "")

    def heading_level(self, ident: str | None) -> int | None:
        """1–9 for a heading style, 0 for the title, None for any other."""
        for style in self.chain(ident):
            found = _HEADING_NAME.match(style.name) or _HEADING_NAME.match(ident or "")
            if found:
                return int(found.group(2))
            if style.name.casefold() in ("title", "titel"):
                return 0
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        if ident and "heading" in self.name(ident).casefold() and not _TOC_STYLE.match(ident):
            return 1  # a heading style of an export's own ("ClosingHeading")
        return None

    def numbering(self, ident: str | None) -> tuple[str, int] | None:
        for style in self.chain(ident):
            if style.numbering is not None:
                return style.numbering
        return None


class _Numbering:
    """numId → the kind ("bullet", "decimal"…) and start of each level."""

    def __init__(self, root: Any) -> None:
        self.abstract: dict[str, dict[int, tuple[str, int]]] = {}
        self.instances: dict[str, str] = {}
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            levels: dict[int, tuple[str, int]] = {}
            for level in abstract.iter(f"{W}lvl"):
                ilvl = int(level.get(f"{W}ilvl") or 0)
                fmt = _val(level.find(f"{W}numFmt")) or "decimal"
                start = _val(level.find(f"{W}start")) or "1"
                levels[ilvl] = (fmt, int(start) if start.isdigit() else 1)
            self.abstract[abstract.get(f"{W}abstractNumId") or ""] = levels
        for num in root.iter(f"{W}num"):
            self.instances[num.get(f"{W}numId") or ""] = _val(num.find(f"{W}abstractNumId")) or ""

    def level(self, num_id: str, ilvl: int) -> tuple[str, int] | None:
        abstract = self.abstract.get(self.instances.get(num_id, ""))
        if abstract is None:
            return None
        return abstract.get(ilvl) or abstract.get(0)


def _val(element: Any) -> str | None:
    return element.get(f"{W}val") if element is not None else None


def _numbering_off(ppr: Any) -> bool:
    numpr = ppr.find(f"{W}numPr")
    return numpr is not None and _val(numpr.find(f"{W}numId")) == "0"


def _numpr(ppr: Any) -> tuple[str, int] | None:
    numpr = ppr.find(f"{W}numPr")
    if numpr is None:
        return None
    num_id = _val(numpr.find(f"{W}numId"))
    ilvl = _val(numpr.find(f"{W}ilvl")) or "0"
    if num_id is None or num_id == "0":
        return None
    return num_id, int(ilvl) if ilvl.isdigit() else 0


# --- the body ------------------------------------------------------------------------------


class _Body:
    """Paragraphs and tables in order; consecutive list paragraphs become one list."""

    def __init__(self, styles: _Styles, numbering: _Numbering, links: dict[str, str]) -> None:
        self.styles = styles
        self.numbering = numbering
        self.links = links
        self.blocks: list[Block] = []
        self.dropped: list[Dropped] = []
        self.notes: list[str] = []
        self.hints: dict[str, str] = {}
        self.marks: dict[int, str] = {}
        self.count = 0
        self.items: list[tuple[Item, bool, int, int]] = []  # (item, ordered, start, where)
        #: The index in `blocks` of the last paragraph in a caption style.
        self.caption: int | None = None
        self.revisions: list[Revision] = []
        #: The last paragraph's mark was deleted: the next paragraph's words join it.
        self.joins = False
        #: Comment id → (paragraph, the words it was made on).
        self.commented: dict[str, tuple[int, str]] = {}

    def element(self, element: Any) -> None:
        if element.tag == f"{W}p":
            self.paragraph(element)
        elif element.tag == f"{W}tbl":
            self.flush()
            self.count += 1
            table = self.table(element)
            if self.caption is not None and self.caption == len(self.blocks) - 1:
                # A caption above the table, as Word puts it.
                caption = self.blocks.pop()
                table = TableBlock(table.rows, table.where, caption.runs)  # type: ignore[union-attr]
            self.blocks.append(table)
        elif element.tag == f"{W}sdt":  # a content control: its content is the document's
            content = element.find(f"{W}sdtContent")
            for child in content if content is not None else ():
                self.element(child)

    def paragraph(self, p: Any) -> None:
        self.count += 1
        self.review(p)
        for bookmark in p.iter(f"{W}bookmarkStart"):
            name = bookmark.get(f"{W}name") or ""
            if _CONTENT_MARK.fullmatch(name):
                self.marks.setdefault(self.count, name)
        ppr = p.find(f"{W}pPr")
        style = _val(ppr.find(f"{W}pStyle")) if ppr is not None else None
        runs = self.runs(p)
        text = plain(runs)
        if p.find(f".//{W}drawing") is not None or p.find(f".//{W}pict") is not None:
            self.notes.append(f"paragraph {self.count}: an image, which a policy cannot hold")
        joins, self.joins = self.joins, _mark_deleted(ppr) and bool(text)
        if not text:
            return
        last = self.blocks[-1] if self.blocks else None
        if joins and not self.items and isinstance(last, Paragraph):
            self.blocks[-1] = Paragraph((*last.runs, *runs), last.where)
            return
        if style and any(_TOC_STYLE.match(n) for n in (style, self.styles.name(style))):
            self.flush()
            self.dropped.append(Dropped(self.count, text, "table of contents"))
            return
        hinted = False
        for bookmark in p.iter(f"{W}bookmarkStart"):
            hint = _hint(bookmark.get(f"{W}name") or "")
            if hint:
                self.hints[text] = hint
                hinted = True
        level = self.styles.heading_level(style)
        if level is None and hinted:
            # policykit's bookmark marks a section's heading, whatever style an edit (or a
            # LibreOffice re-save of a joined paragraph) left it.
            level = 1
        if self.items and ppr is not None and _numbering_off(ppr):
            # A list paragraph with its numbering switched off: more of the item above
            # (the Word export's "Indikator: …" line under a goal).
            item, ordered, start, where = self.items[-1]
            joined = Item((*item.runs, Run(" "), *runs), item.depth, item.where)
            self.items[-1] = (joined, ordered, start, where)
            return
        numbering = (_numpr(ppr) if ppr is not None else None) or self.styles.numbering(style)
        if level is not None:
            self.flush()
            self.blocks.append(Heading(level, runs, self.count))
            return
        if numbering is not None:
            fmt, start = self.numbering.level(*numbering) or ("bullet", 1)
            if fmt != "none":
                item = Item(runs, numbering[1], self.count)
                self.items.append((item, fmt != "bullet", start, self.count))
                return
        bold = all(run.bold for run in runs if run.text.strip())
        typed = _TYPED.match(text)
        if typed and not _looks_like_date(text) and not (bold and looks_like_heading(text)):
            marker = typed.group(1)
            ordered = marker[0].isdigit()
            start = int(marker.rstrip(".)")) if ordered else 1
            item = Item(_strip_marker(runs), 0, self.count)
            self.items.append((item, ordered, start, self.count))
            return
        self.flush()
        style_name = self.styles.name(style).casefold()
        last = self.blocks[-1] if self.blocks else None
        if style_name in _CAPTION_STYLES:
            if isinstance(last, TableBlock) and not last.caption:  # below the table
                self.blocks[-1] = TableBlock(last.rows, last.where, runs)
                return
            self.caption = len(self.blocks)
            self.blocks.append(Paragraph(runs, self.count))
        elif "term" in style_name:  # a style for defined terms
            self.blocks.append(Term(runs, self.count))
        elif bold and looks_like_heading(text):
            self.blocks.append(Heading(_typed_level(text), runs, self.count, guessed=True))
        else:
            self.blocks.append(Paragraph(runs, self.count))

    def review(self, p: Any) -> None:
        """The paragraph's tracked changes and the comments anchored in it."""
        for change in p.iter(f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo"):
            kind = change.tag.removeprefix(W)
            mark = change.getparent() is not None and change.getparent().tag == f"{W}rPr"
            if mark and kind == "del":
                kind = "paragraph joined"  # the paragraph mark deleted: joined with the next
            elif mark and kind == "ins":
                kind = "paragraph added"  # a new paragraph mark: the paragraph is new
            texts = change.iter(f"{W}t", f"{W}delText")
            words = "".join(t.text or "" for t in texts)
            label = {"ins": "inserted", "del": "deleted", "moveFrom": "moved away",
                     "moveTo": "moved here"}.get(kind, kind)  # fmt: skip
            self.revisions.append(Revision(
                label, change.get(f"{W}author") or "", (change.get(f"{W}date") or "")[:10],
                words, self.count,
            ))  # fmt: skip
        starts = {s.get(f"{W}id") for s in p.iter(f"{W}commentRangeStart")}
        starts |= {r.get(f"{W}id") for r in p.iter(f"{W}commentReference")}
        for ident in starts - {None}:
            if ident not in self.commented:
                self.commented[ident] = (self.count, _anchored(p, ident))

    def flush(self) -> None:
        """The list items gathered so far, as lists: a new list where the kind changes."""
        while self.items:
            first_item, ordered, start, where = self.items[0]
            run = [first_item]
            index = 1
            while index < len(self.items) and (
                self.items[index][1] == ordered or self.items[index][0].depth > 0
            ):
                run.append(self.items[index][0])
                index += 1
            self.blocks.append(ListBlock(ordered, tuple(run), where, start))
            self.items = self.items[index:]

    def finish(self) -> list[Block]:
        self.flush()
        return self.blocks

    def runs(self, element: Any) -> Runs:
        """The accepted view of the paragraph's text: insertions in, deletions out, and a
        field's result, not its instructions."""
        out: list[Run] = []
        in_instruction = False
        for node in element.iter(f"{W}r", f"{W}hyperlink"):
            if node.tag == f"{W}hyperlink":
                continue
            if any(a.tag in (f"{W}del", f"{W}moveFrom") for a in node.iterancestors()):
                continue
            href = self.href(node)
            rpr = node.find(f"{W}rPr")
            bold = _on(rpr, "b")
            italic = _on(rpr, "i")
            for child in node:
                tag = child.tag
                if tag == f"{W}fldChar":
                    kind = child.get(f"{W}fldCharType")
                    in_instruction = kind == "begin"
                    if kind == "separate":
                        in_instruction = False
                elif tag == f"{W}instrText" or in_instruction:
                    continue
                elif tag == f"{W}t" and child.text:
                    out.append(Run(child.text, bold, italic, href))
                elif tag == f"{W}tab":
                    out.append(Run("\t", bold, italic, href))
                elif tag in (f"{W}br", f"{W}cr"):
                    out.append(Run(" ", bold, italic, href))
                elif tag == f"{W}sym":
                    out.append(Run(chr(int(child.get(f"{W}char") or "20", 16)), bold, italic, href))
        return tuple(out)

    def href(self, run: Any) -> str | None:
        parent = run.getparent()
        while parent is not None and parent.tag != f"{W}p":
            if parent.tag == f"{W}hyperlink":
                return self.links.get(parent.get(f"{R}id") or "")
            parent = parent.getparent()
        return None

    def table(self, element: Any) -> TableBlock:
        rows = []
        for row in element.iter(f"{W}tr"):
            cells = []
            for cell in row.iter(f"{W}tc"):
                runs: list[Run] = []
                for p in cell.iter(f"{W}p"):
                    if runs:
                        runs.append(Run(" "))
                    runs.extend(self.runs(p))
                cells.append(tuple(runs))
            rows.append(tuple(cells))
        return TableBlock(tuple(rows), self.count)


def _mark_deleted(ppr: Any) -> bool:
    """The paragraph mark is a tracked deletion: accepted, the paragraph runs on into the next."""
    rpr = ppr.find(f"{W}rPr") if ppr is not None else None
    return rpr is not None and rpr.find(f"{W}del") is not None


def _anchored(p: Any, ident: str) -> str:
    """The words between a comment's range start and end within the paragraph."""
    inside, words = False, []
    for node in p.iter():
        if node.tag == f"{W}commentRangeStart" and node.get(f"{W}id") == ident:
            inside = True
        elif node.tag == f"{W}commentRangeEnd" and node.get(f"{W}id") == ident:
            break
        elif inside and node.tag == f"{W}t" and node.text:
            words.append(node.text)
    return " ".join("".join(words).split())


def _comments(root: Any, anchors: dict[str, tuple[int, str]]) -> tuple[Comment, ...]:
    """The comments part's comments, each with the paragraph its range starts in."""
    if root is None:
        return ()
    out = []
    for comment in root.iter(f"{W}comment"):
        ident = comment.get(f"{W}id") or ""
        text = " ".join(
            " ".join("".join(t.text or "" for t in p.iter(f"{W}t")).split())
            for p in comment.iter(f"{W}p")
        ).strip()
        where, anchor = anchors.get(ident, (0, ""))
        out.append(Comment(comment.get(f"{W}author") or "", (comment.get(f"{W}date") or "")[:10],
                           text, where, anchor))  # fmt: skip
    return tuple(sorted(out, key=lambda c: c.where))


def _on(rpr: Any, name: str) -> bool:
    if rpr is None:
        return False
    element = rpr.find(f"{W}{name}")
    return element is not None and _val(element) not in ("0", "false", "off")


#: The export's content bookmarks (`writing.docx.ooxml.content_mark`), and its goal groups'
#: headings' (`_pk_goals_data`), which say which item a paragraph opens.
_CONTENT_MARK = re.compile(r"_pk_c\d+|_pk_goals_\w+")


def _hint(bookmark: str) -> str | None:
    """policykit's own bookmark (`_pk_purpose`, `_pk_principle_risk_based`) as a part hint."""
    if not bookmark.startswith("_pk_"):
        return None
    name = bookmark.removeprefix("_pk_")
    if name in ("purpose", "goals", "definitions", "principles", "evaluation"):
        return name
    if name.startswith("principle_"):
        return "principle-" + name.removeprefix("principle_").replace("_", "-")
    if name.startswith("section_"):
        # Ids are slugs, so the bookmark's underscores were their hyphens.
        return "section-" + name.removeprefix("section_").replace("_", "-")
    return None


def _strip_marker(runs: Runs) -> Runs:
    """The runs without the typed bullet or number and the tab or spaces after it."""
    text = "".join(run.text for run in runs)
    found = _TYPED.match(text)
    cut = found.start(2) if found else 0
    out: list[Run] = []
    length = 0
    for run in runs:
        if length + len(run.text) <= cut:
            length += len(run.text)
            continue
        out.append(Run(run.text[max(cut - length, 0) :], run.bold, run.italic, run.href))
        length += len(run.text)
    return tuple(out)


def _looks_like_date(text: str) -> bool:
    from policykit.importing.metadata import date_in

    return date_in(text[:30]) is not None


def _typed_level(text: str) -> int:
    found = re.match(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s", text)
    return found.group(1).count(".") + 1 if found else 1
