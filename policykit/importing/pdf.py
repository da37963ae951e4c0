"""PDFs in, through pdfminer.six: the text lines of each page, with their font size and
weight, rebuilt into headings, paragraphs and lists.

A PDF holds positioned glyphs, not paragraphs, so this reader rebuilds them:

- pieces of one baseline are one line (a contents entry's page number, set apart, is kept
  after a tab, as the shared passes expect);
- the body's size is the size most text has; a line larger, or bold and short, is a
  heading, its level by its size among the headings' sizes, and a heading that wraps over
  two lines is one;
- lines close below each other are one paragraph, and a paragraph that a page break split
  (no sentence end, a lower-case start on the next page) is joined again;
- a word split at a line end ("kommunika-" / "tion") is joined; a compound's hyphen before
  "og" or "eller" is kept;
- a line that starts with a bullet (also the Symbol font's) or a typed number starts a
  list item, and the lines indented under it continue it;
- running headers and footers (a short line at the same place on three pages or more) and
  page numbers are dropped by the shared passes.

The file is untrusted: an encrypted PDF is refused, JavaScript in it is never run (pdfminer
runs nothing), and a PDF pdfminer cannot parse is a clear error.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from policykit.importing.blocks import (
    Block,
    Document,
    Dropped,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Run,
    TableBlock,
)
from policykit.importing.detect import UnreadableError
from policykit.importing.exports import label

MAX_PAGES = 500
#: A list item's start: a bullet glyph (a PDF may set no space after it), a dash, or a
#: typed number.
_BULLET = re.compile(
    r"^([•●▪■◦·\uf0b7\uf0a7](?=\s*\S)|[–-](?=\s)|\d{1,3}[.)](?=\s*[^\W\d]))\s*(\S.*)$"
)
_PAGE_OF = re.compile(r"\b(side|page)\s*\d+\s*(af|of|/)\s*\d+\s*$", re.I)
_KEEP_HYPHEN = re.compile(r"^(og|eller|samt|and|or)\b")


@dataclass
class _Line:
    page: int
    top: float  # from the top of the page, in points
    x: float
    runs: list[Run]
    size: float
    bold: bool  # every glyph bold
    height: float
    #: The line's pieces parted by wide gaps, each with where it starts: a table's cells.
    cells: list[tuple[float, list[Run]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def read_pdf(data: bytes, name: str) -> tuple[Document, dict[str, Any]]:
    """The document, and what the PDF's own metadata says (title, keywords, language)."""
    document = _open(data, name)
    lines, heights = _lines(document, name)
    if not lines:
        raise UnreadableError(
            f"{name}: the PDF holds no text (a scan?)",
            hint="import reads a PDF's text; a scanned page needs OCR first",
        )
    lines, furniture = _without_furniture(lines, len(heights))
    reader = _Blocks(lines)
    blocks = reader.blocks()
    extra, destinations = _catalog(document)
    hints = _hints(reader.heading_places, destinations, heights)
    return Document("pdf", tuple(blocks), tuple(furniture), unit="page", hints=hints), extra


def _open(data: bytes, name: str) -> Any:
    """The parsed PDF, which both the text and the catalogue are read from."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        return PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise UnreadableError(
            f"{name}: the PDF is encrypted", hint="save it without a password"
        ) from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise UnreadableError(f"{name}: not a PDF pdfminer can read ({error})") from None


#: policykit's anchors, which its PDF export keeps as named destinations.
_ANCHOR = re.compile(
    r"^(purpose|goals|definitions|principles|evaluation|principle-[a-z0-9-]+|section-[a-z0-9-]+)$"
)


def _catalog(document: Any) -> tuple[dict[str, Any], list[tuple[str, int, float]]]:
    """The document information (title, author, keywords) and the named destinations
    (name, page, height from the page's foot) of policykit's own anchors."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    extra: dict[str, Any] = {}
    destinations: list[tuple[str, int, float]] = []
    try:
        info = {k: resolve1(v) for k, v in (document.info[0] if document.info else {}).items()}
        pages = {page.pageid: n for n, page in enumerate(PDFPage.create_pages(document), start=1)}
        names = resolve1(resolve1(document.catalog.get("Names") or {}).get("Dests"))
        flat = _name_tree(names, resolve1)
    except Exception:  # metadata is a help, not a need: a PDF without it is read the same
        return extra, destinations

    def text(key: str) -> str:
        value = info.get(key)
        return " ".join(decode_text(value).split()) if isinstance(value, bytes) else ""

    if text("Creator") == "policykit":
        extra["generator"] = "policykit"
        if text("Title"):
            extra["title"] = re.split(r"\s+[–|]\s+", text("Title"))[0]
    if text("Keywords"):
        extra["keywords"] = [k.strip() for k in text("Keywords").split(",") if k.strip()]
    for key, target in flat:
        target = resolve1(target)
        if isinstance(target, dict):
            target = resolve1(target.get("D"))
        if not isinstance(target, list) or len(target) < 4 or not _ANCHOR.match(key):
            continue
        page = pages.get(getattr(target[0], "objid", None))
        if page is not None and isinstance(target[3], int | float):
            destinations.append((key, page, float(target[3])))
    return extra, destinations


def _name_tree(node: Any, resolve: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """A PDF name tree's (name, value) pairs, kids first; bounded in depth."""
    if not isinstance(node, dict) or depth > 10:
        return []
    out: list[tuple[str, Any]] = []
    names = resolve(node.get("Names")) or []
    for index in range(0, len(names) - 1, 2):
        key = names[index]
        out.append(
            (key.decode("latin-1") if isinstance(key, bytes) else str(key), names[index + 1])
        )
    for kid in resolve(node.get("Kids")) or []:
        out.extend(_name_tree(resolve(kid), resolve, depth + 1))
    return out


def _hints(
    places: list[tuple[str, int, float]],
    destinations: list[tuple[str, int, float]],
    heights: list[float],
) -> dict[str, str]:
    """Each anchor's heading: the first heading at or below the anchor on its page."""
    hints: dict[str, str] = {}
    for name, page, y in destinations:
        top = heights[page - 1] - y
        below = [(t, text) for text, p, t in places if p == page and t >= top - 4]
        if below:
            heading = min(below)[1]
            hints.setdefault(heading, name)
    return hints


def _lines(document: Any, name: str) -> tuple[list[_Line], list[float]]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    pieces: list[tuple[int, float, float, float, list[Run], float, bool, float]] = []
    heights: list[float] = []
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    try:
        pages = itertools.islice(PDFPage.create_pages(document), MAX_PAGES)
        for number, pdf_page in enumerate(pages, start=1):
            links = _page_links(pdf_page)
            interpreter.process_page(pdf_page)
            page = device.get_result()
            heights.append(float(page.height))
            for box in page:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    runs = _runs(line, LTChar, links)
                    if not chars or not "".join(r.text for r in runs).strip():
                        continue
                    size = Counter(round(c.size, 1) for c in chars).most_common(1)[0][0]
                    bold = all(_bold(c.fontname) for c in chars if c.get_text().strip())
                    top = page.height - line.y1
                    pieces.append((number, top, line.x0, line.x1, runs, size, bold, line.height))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise UnreadableError(f"{name}: not a PDF pdfminer can read ({error})") from None
    return _baselines(pieces), heights


def _bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold", font, re.I))


def _italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique", font, re.I))


def _runs(line: Any, char_type: Any, links: Sequence[_Link] = ()) -> list[Run]:
    """A line's text in runs of one style (bold, italic, from the glyphs' fonts; the link
    whose area a glyph lies in), with a tab where a wide gap parts two glyphs (a contents
    entry and its page number, which pdfminer may set in one line)."""
    out: list[Run] = []
    last_x1: float | None = None
    style: tuple[bool, bool, str | None] = (False, False, None)
    for item in line:
        if isinstance(item, char_type):
            text = item.get_text()
            if last_x1 is not None and item.x0 - last_x1 > float(item.size) * 1.5:
                text = "\t" + text
            if text.strip():
                x, y = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
                href = next((a.uri for a in links if a.x0 <= x <= a.x1 and a.y0 <= y <= a.y1), None)
                style = (_bold(item.fontname), _italic(item.fontname), href)
            last_x1 = item.x1
        else:
            text = item.get_text().replace("\n", "")
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == style:
            out[-1] = replace(out[-1], text=out[-1].text + text)
        elif text:
            out.append(Run(text, *style))
    if out:
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return out


@dataclass(frozen=True, slots=True)
class _Link:
    """A link annotation's area on its page, and the address it leads to."""

    x0: float
    y0: float
    x1: float
    y1: float
    uri: str


def _page_links(page: Any) -> list[_Link]:
    """The page's links to addresses (`/URI` actions); a link inside the document is none."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    out: list[_Link] = []
    for annotation in resolve1(page.annots) or []:
        annotation = resolve1(annotation)
        if not isinstance(annotation, dict):
            continue
        action = resolve1(annotation.get("A"))
        rect = resolve1(annotation.get("Rect"))
        uri = resolve1(action.get("URI")) if isinstance(action, dict) else None
        if isinstance(uri, bytes) and isinstance(rect, list) and len(rect) == 4:
            x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
            text = decode_text(uri) if uri.startswith(b"\xfe\xff") else uri.decode("latin-1")
            out.append(_Link(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), text))
    return out


def _baselines(
    pieces: list[tuple[int, float, float, float, list[Run], float, bool, float]],
) -> list[_Line]:
    """Pieces of one baseline as one line, left to right; a wide gap between two pieces
    (a contents entry and its page number) becomes a tab."""
    pieces.sort(key=lambda p: (p[0], round(p[1] / 3), p[2]))
    out: list[_Line] = []
    last_x1 = 0.0
    for page, top, x0, x1, runs, size, bold, height in pieces:
        previous = out[-1] if out else None
        if previous and previous.page == page and abs(previous.top - top) < 3:
            gap = x0 - last_x1
            space = "\t" if gap > size * 2 else " " if gap > size * 0.2 else ""
            previous.runs = _joined(previous.runs, [Run(space), *runs])
            previous.bold = previous.bold and bold
            if space == "\t":
                previous.cells.append((x0, list(runs)))
            else:
                x, cell = previous.cells[-1]
                previous.cells[-1] = (x, _joined(cell, [Run(space), *runs]))
            last_x1 = x1
            continue
        out.append(_Line(page, top, x0, list(runs), size, bold, height, [(x0, list(runs))]))
        last_x1 = x1
    return out


def _without_furniture(lines: list[_Line], pages: int) -> tuple[list[_Line], list[Dropped]]:
    """Lines at the same place on two pages or more, in the top or bottom tenth, and lines
    there that number the page: running headers and footers."""
    if pages < 2:
        return lines, []
    key = [(round(line.top), re.sub(r"\d+", "#", line.text.strip())) for line in lines]
    counts = Counter(key)
    kept, dropped = [], []
    for line, place in zip(lines, key, strict=True):
        edge = line.top < 80 or line.top > 760
        numbered = bool(_PAGE_OF.search(line.text))
        if edge and (counts[place] >= 2 or numbered):
            dropped.append(Dropped(line.page, line.text.strip(), "page header or footer"))
        else:
            kept.append(line)
    return kept, dropped


class _Blocks:
    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        weights: Counter[float] = Counter()
        for line in lines:
            weights[line.size] += len(line.text)
        self.body = weights.most_common(1)[0][0]
        sizes = sorted({line.size for line in lines if self.heading(line)}, reverse=True)
        self.levels = {size: index + 1 for index, size in enumerate(sizes)}
        #: (text, page, top) of each heading's first line, for policykit's anchors.
        self.heading_places: list[tuple[str, int, float]] = []

    def heading(self, line: _Line) -> bool:
        first = line.runs[0].text if line.runs else ""
        if first.rstrip().endswith(":") and label(first) is not None:
            return False  # a fact the export labels ("Status: Vedtaget")
        words = len(line.text.split())
        if line.size > self.body + 1 and words <= 20:
            return True
        return line.bold and words <= 15 and not _BULLET.match(line.text.strip())

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        previous: _Line | None = None
        self.item_x = 0.0  # where the last list item's bullet stands
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            text = line.text.strip()
            if _row(line):
                end, table = _table(self.lines, index)
                last = out[-1] if out else None
                if isinstance(last, Heading) and last.guessed and previous is not None:
                    # A caption above the table, in bold as the export sets it.
                    out.pop()
                    table = TableBlock(table.rows, table.where, last.runs)
                out.append(table)
                previous = self.lines[end - 1]
                index = end
                continue
            index += 1
            if self.heading(line):
                last = out[-1] if out else None
                if (
                    isinstance(last, Heading)
                    and previous is not None
                    and self.heading(previous)
                    and previous.size == line.size
                    and previous.page == line.page
                    and line.top - previous.top < line.size * 1.8
                ):
                    out[-1] = Heading(last.level, (Run(f"{last.text} {text}"),), last.where,
                                      last.guessed)  # fmt: skip
                    _, page, top = self.heading_places[-1]
                    self.heading_places[-1] = (out[-1].text, page, top)
                else:
                    guessed = line.size <= self.body + 1  # bold at the body's size
                    heading = Heading(self.levels[line.size], (Run(text),), line.page, guessed)
                    out.append(heading)
                    self.heading_places.append((text, line.page, line.top))
            elif (bullet := _BULLET.match(text)) and not _dated(text):
                item = Item(tuple(_after_marker(line.runs, text, bullet.start(2))), 0)
                self.item_x = line.x
                last = out[-1] if out else None
                ordered = bullet.group(1)[0].isdigit()
                if (
                    isinstance(last, ListBlock)
                    and last.ordered == ordered
                    and self.near(previous, line)
                ):
                    out[-1] = ListBlock(ordered, (*last.items, item), last.where, last.start)
                else:
                    start = int(bullet.group(1).rstrip(".)")) if ordered else 1
                    out.append(ListBlock(ordered, (item,), line.page, start))
            elif self.continues(out, previous, line):
                out[-1] = self.joined(out[-1], line.runs)
            else:
                out.append(Paragraph(tuple(_stripped(line.runs)), line.page))
            previous = line
        return out

    def close(self, previous: _Line | None, line: _Line) -> bool:
        """The line follows the one above within a line and a half, on the same page or at
        the top of the next."""
        if previous is None:
            return False
        if previous.page != line.page:
            return line.page == previous.page + 1
        return 0 < line.top - previous.top < max(line.height, line.size) * 1.75

    def near(self, previous: _Line | None, line: _Line) -> bool:
        """The next item of a list: on the same page within three lines, or at the top of
        the next page (list items stand further apart than a paragraph's lines)."""
        if previous is None:
            return False
        if previous.page != line.page:
            return line.page == previous.page + 1
        return 0 < line.top - previous.top < max(line.height, line.size) * 3

    def continues(self, out: list[Block], previous: _Line | None, line: _Line) -> bool:
        last = out[-1] if out else None
        if previous is None or last is None or isinstance(last, Heading) or self.heading(previous):
            return False
        if previous.page != line.page:
            # A paragraph a page break split: no sentence end above, lower case below.
            end = last.text.rstrip()[-1:]
            return end not in ".!?:" and line.text.strip()[:1].islower()
        if isinstance(last, ListBlock):
            return self.near(previous, line) and line.x > self.item_x + 1
        first = line.runs[0] if line.runs else None
        if first is not None and first.bold and first.text.rstrip().endswith(":"):
            return False  # a labelled line ("Status: Vedtaget") stands alone
        return self.close(previous, line)

    def joined(self, block: Block, runs: list[Run]) -> Block:
        if isinstance(block, ListBlock):
            last = block.items[-1]
            item = Item(tuple(_join(list(last.runs), runs)), last.depth)
            return ListBlock(block.ordered, (*block.items[:-1], item), block.where, block.start)
        assert isinstance(block, Paragraph)
        return Paragraph(tuple(_join(list(block.runs), runs)), block.where)


def _join(before: list[Run], after: list[Run]) -> list[Run]:
    """Two lines of one paragraph. At a hyphen that ends the line: a name goes on with a
    capital ("Ikast-" / "Brande"), a compound's first part stands before "og" or "eller"
    ("kommunikations-" / "og"), and any other word was split, so it is joined."""
    before, after = _stripped(before), _stripped(after)
    if not before or not after:
        return before + after
    end, start = before[-1].text, after[0].text
    if end.endswith("-") and end[-2:-1].isalpha():
        if start[:1].isupper():
            return _joined(before, after)
        if not _KEEP_HYPHEN.match(start):
            last = before[-1]
            return _joined([*before[:-1], replace(last, text=end[:-1])], after)
    return _joined(before, [Run(" "), *after])


def _stripped(runs: list[Run] | tuple[Run, ...]) -> list[Run]:
    """The runs without white space at their ends, and the spaces at a styled run's ends
    moved out of it ("*asset *with" → "*asset* with"), as a writer would have them."""
    out: list[Run] = []
    for run in runs:
        if not (run.bold or run.italic or run.href) or not run.text.strip():
            out.append(Run(run.text))
            continue
        core = run.text.strip()
        lead, tail = run.text[: run.text.index(core[0])], run.text[len(run.text.rstrip()) :]
        out.extend(r for r in (Run(lead), replace(run, text=core), Run(tail)) if r.text)
    out = _joined([], out)
    if out:
        out[0] = replace(out[0], text=out[0].text.lstrip())
        out[-1] = replace(out[-1], text=out[-1].text.rstrip())
    return [run for run in out if run.text]


def _joined(before: list[Run], after: list[Run]) -> list[Run]:
    """Runs one after the other, neighbours of one style merged; a space between two
    styled words is not styled."""
    out = list(before)
    for run in after:
        if not run.text.strip():
            run = Run(run.text)
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (run.bold, run.italic, run.href):
            out[-1] = replace(out[-1], text=out[-1].text + run.text)
        else:
            out.append(run)
    return out


def _row(line: _Line) -> bool:
    """A line of two cells or more, not a contents entry (a heading, then its page)."""
    if len(line.cells) < 2:
        return False
    last = "".join(run.text for run in line.cells[-1][1]).strip()
    return not (len(line.cells) == 2 and last.isdigit())


def _table(lines: list[_Line], start: int) -> tuple[int, TableBlock]:
    """The table whose header row is `lines[start]`: its columns start where the header's
    cells do; a line close below a row (within 1.8 lines) is more of that row's cells, a
    line further below with a cell in the first column is the next row."""
    header = lines[start]
    columns = [x for x, _ in header.cells]
    rows: list[list[list[Run]]] = [[list(cell) for _, cell in header.cells]]
    previous = header
    index = start + 1
    while index < len(lines):
        line = lines[index]
        gap = line.top - previous.top
        if line.page != previous.page or gap <= 0 or gap > line.size * 3:
            break
        if line.cells[0][0] < columns[0] - 2 or (len(line.cells) == 1 and line.x <= columns[0] + 1
                                                  and gap > line.size * 1.8):  # fmt: skip
            break
        new_row = gap > line.size * 1.8 and abs(line.cells[0][0] - columns[0]) < 3
        if new_row:
            rows.append([[] for _ in columns])
        for x, runs in line.cells:
            column = max((i for i, c in enumerate(columns) if c <= x + 3), default=0)
            cell = rows[-1][column]
            rows[-1][column] = _joined(_stripped(cell), [Run(" "), *runs]) if cell else list(runs)
        previous = line
        index += 1
    # The header row's cells are headers by their place: their bold is only their look.
    head = tuple(tuple(replace(r, bold=False) for r in _stripped(cell)) for cell in rows[0])
    body = tuple(tuple(tuple(_stripped(cell)) for cell in row) for row in rows[1:])
    return index, TableBlock((head, *body), header.page)


def _after_marker(runs: list[Run], text: str, cut: int) -> list[Run]:
    """The runs of a list item's line without its bullet or number."""
    lead = len(runs[0].text) - len(runs[0].text.lstrip()) if runs else 0
    cut += lead
    out: list[Run] = []
    length = 0
    for run in runs:
        if length + len(run.text) > cut:
            out.append(replace(run, text=run.text[max(cut - length, 0) :]))
        length += len(run.text)
    return _stripped(out)


def _dated(text: str) -> bool:
    from policykit.importing.metadata import date_in

    return date_in(text[:30]) is not None
