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
import re
from collections import Counter
from dataclasses import dataclass
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
)
from policykit.importing.detect import UnreadableError

MAX_PAGES = 500
_BULLET = re.compile(r"^([•●▪■◦·\uf0b7\uf0a7–-]|\d{1,3}[.)])\s+(\S.*)$")
_KEEP_HYPHEN = re.compile(r"^(og|eller|samt|and|or)\b")


@dataclass
class _Line:
    page: int
    top: float  # from the top of the page, in points
    x: float
    text: str
    size: float
    bold: bool
    height: float


def read_pdf(data: bytes, name: str) -> Document:
    lines, pages = _lines(data, name)
    if not lines:
        raise UnreadableError(
            f"{name}: the PDF holds no text (a scan?)",
            hint="import reads a PDF's text; a scanned page needs OCR first",
        )
    lines, furniture = _without_furniture(lines, pages)
    return Document("pdf", tuple(_Blocks(lines).blocks()), tuple(furniture), unit="page")


def _lines(data: bytes, name: str) -> tuple[list[_Line], int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    pieces: list[tuple[int, float, float, float, str, float, bool, float]] = []
    pages = 0
    try:
        for number, page in enumerate(
            extract_pages(io.BytesIO(data), laparams=LAParams(), maxpages=MAX_PAGES), start=1
        ):
            pages = number
            for box in page:
                if not isinstance(box, LTTextContainer):
                    continue
                for line in box:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    text = _text(line, LTChar)
                    if not chars or not text.strip():
                        continue
                    (font, size), _ = Counter(
                        (c.fontname, round(c.size, 1)) for c in chars
                    ).most_common(1)[0]
                    bold = bool(re.search(r"bold|black|heavy|semibold", font, re.I))
                    top = page.height - line.y1
                    pieces.append((number, top, line.x0, line.x1, text, size, bold, line.height))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise UnreadableError(
            f"{name}: the PDF is encrypted", hint="save it without a password"
        ) from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        raise UnreadableError(f"{name}: not a PDF pdfminer can read ({error})") from None
    return _baselines(pieces), pages


def _text(line: Any, char_type: Any) -> str:
    """A line's text, with a tab where a wide gap parts two glyphs (a contents entry and
    its page number, which pdfminer may set in one line)."""
    out: list[str] = []
    last_x1: float | None = None
    for item in line:
        if isinstance(item, char_type):
            size = float(item.size)
            if last_x1 is not None and item.x0 - last_x1 > size * 1.5:
                out.append("\t")
            out.append(item.get_text())
            last_x1 = item.x1
        else:
            out.append(item.get_text().replace("\n", ""))
    return "".join(out).rstrip()


def _baselines(
    pieces: list[tuple[int, float, float, float, str, float, bool, float]],
) -> list[_Line]:
    """Pieces of one baseline as one line, left to right; a wide gap between two pieces
    (a contents entry and its page number) becomes a tab."""
    pieces.sort(key=lambda p: (p[0], round(p[1] / 3), p[2]))
    out: list[_Line] = []
    last_x1 = 0.0
    for page, top, x0, x1, text, size, bold, height in pieces:
        previous = out[-1] if out else None
        if previous and previous.page == page and abs(previous.top - top) < 3:
            gap = x0 - last_x1
            previous.text += ("\t" if gap > size * 2 else " " if gap > size * 0.2 else "") + text
            last_x1 = x1
            continue
        out.append(_Line(page, top, x0, text, size, bold, height))
        last_x1 = x1
    return out


def _without_furniture(lines: list[_Line], pages: int) -> tuple[list[_Line], list[Dropped]]:
    """Lines at the same place on three pages or more, in the top or bottom tenth: running
    headers and footers."""
    if pages < 3:
        return lines, []
    key = [(round(line.top), re.sub(r"\d+", "#", line.text.strip())) for line in lines]
    counts = Counter(key)
    kept, dropped = [], []
    for line, place in zip(lines, key, strict=True):
        edge = line.top < 80 or line.top > 760
        if edge and counts[place] >= 3:
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

    def heading(self, line: _Line) -> bool:
        words = len(line.text.split())
        if line.size > self.body + 1 and words <= 20:
            return True
        return line.bold and words <= 15 and not _BULLET.match(line.text)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        previous: _Line | None = None
        self.item_x = 0.0  # where the last list item's bullet stands
        for line in self.lines:
            text = line.text.strip()
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
                    out[-1] = Heading(last.level, (Run(f"{last.text} {text}"),), last.where)
                else:
                    out.append(Heading(self.levels[line.size], (Run(text),), line.page))
            elif (bullet := _BULLET.match(text)) and not _dated(text):
                item = Item((Run(bullet.group(2)),), 0)
                self.item_x = line.x
                last = out[-1] if out else None
                ordered = bullet.group(1)[0].isdigit()
                if (
                    isinstance(last, ListBlock)
                    and last.ordered == ordered
                    and self.close(previous, line)
                ):
                    out[-1] = ListBlock(ordered, (*last.items, item), last.where, last.start)
                else:
                    start = int(bullet.group(1).rstrip(".)")) if ordered else 1
                    out.append(ListBlock(ordered, (item,), line.page, start))
            elif self.continues(out, previous, line):
                out[-1] = self.joined(out[-1], text)
            else:
                out.append(Paragraph((Run(text),), line.page))
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

    def continues(self, out: list[Block], previous: _Line | None, line: _Line) -> bool:
        last = out[-1] if out else None
        if previous is None or last is None or isinstance(last, Heading) or self.heading(previous):
            return False
        if previous.page != line.page:
            # A paragraph a page break split: no sentence end above, lower case below.
            end = last.text.rstrip()[-1:]
            return end not in ".!?:" and line.text.strip()[:1].islower()
        if isinstance(last, ListBlock):
            return self.close(previous, line) and line.x > self.item_x + 1
        return self.close(previous, line)

    def joined(self, block: Block, text: str) -> Block:
        if isinstance(block, ListBlock):
            last = block.items[-1]
            item = Item((Run(_join(last.text, text)),), last.depth)
            return ListBlock(block.ordered, (*block.items[:-1], item), block.where, block.start)
        assert isinstance(block, Paragraph)
        return Paragraph((Run(_join(block.text, text)),), block.where)


def _join(before: str, after: str) -> str:
    """Two lines of one paragraph. At a hyphen that ends the line: a name goes on with a
    capital ("Ikast-" / "Brande"), a compound's first part stands before "og" or "eller"
    ("kommunikations-" / "og"), and any other word was split, so it is joined."""
    if before.endswith("-") and before[-2:-1].isalpha():
        if after[:1].isupper():
            return before + after
        if not _KEEP_HYPHEN.match(after):
            return before[:-1] + after
    return f"{before} {after}"


def _dated(text: str) -> bool:
    from policykit.importing.metadata import date_in

    return date_in(text[:30]) is not None
