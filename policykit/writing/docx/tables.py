"""Word tables: the grid, borders and header row that the prose tables of a policy and the
brief's summary share. The cells' paragraphs are written by `DocxWriter.table`, like every
other paragraph."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from policykit.writing.docx.ooxml import w

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement

BORDER = "BFBFBF"
SHADING = "F3F6F9"
#: About one character of 11 pt text, and a cell's margins, in twentieths of a point. The
#: character is measured on DejaVu Sans, LibreOffice's stand-in for a font it lacks and
#: the widest likely one (its digits are 0.64 em): Calibri is narrower.
CHARACTER = 130
PADDING = 240
#: Bold text is wider, by about a quarter in DejaVu Sans Bold.
BOLD = 1.25
#: A column wants room for its longest cell on one line, up to this many characters.
WIDEST = 40

#: Word's alignment of a paragraph, by a column's alignment.
JUSTIFICATION = {"center": "center", "right": "right"}


def table_element(widths: Sequence[int], *, total_row: bool = False) -> BaseOxmlElement:
    """An empty table of fixed column widths (twentieths of a point) with single borders,
    styled as having a header row (and, with `total_row`, a total row and a first column
    of labels, as the brief's summary has)."""
    table = w("tbl")
    properties = w("tblPr", table)
    w("tblW", properties, w=str(sum(widths)), type="dxa")
    borders = w("tblBorders", properties)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        w(side, borders, val="single", sz="4", space="0", color=BORDER)
    w("tblLayout", properties, type="fixed")
    if total_row:
        w("tblLook", properties, val="0020", firstRow="1", lastRow="1", firstColumn="1")
    else:
        w("tblLook", properties, val="0020", firstRow="1", lastRow="0", firstColumn="0")
    grid = w("tblGrid", table)
    for width in widths:
        w("gridCol", grid, w=str(width))
    return table


def footer_table(parent: BaseOxmlElement, widths: Sequence[int]) -> BaseOxmlElement:
    """A borderless table of fixed widths and no cell margins, for a footer's layout."""
    table = w("tbl", parent)
    properties = w("tblPr", table)
    w("tblW", properties, w=str(sum(widths)), type="dxa")
    borders = w("tblBorders", properties)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        w(side, borders, val="nil")
    w("tblLayout", properties, type="fixed")
    margins = w("tblCellMar", properties)
    for side in ("left", "right"):
        w(side, margins, w="0", type="dxa")
    w("tblLook", properties, val="0000", firstRow="0", lastRow="0", firstColumn="0")
    grid = w("tblGrid", table)
    for width in widths:
        w("gridCol", grid, w=str(width))
    return table


def footer_widths(total: int, page: int) -> list[int]:
    """The footer's two columns: the title's, and the page number's at the right."""
    return [total - page, page]


def row_element(table: BaseOxmlElement, *, header: bool) -> BaseOxmlElement:
    """A new row at the end of `table`. A header row repeats at the top of every page the
    table runs onto (`w:tblHeader`)."""
    row = w("tr", table)
    if header:
        w("tblHeader", w("trPr", row))
    return row


def cell_element(row: BaseOxmlElement, width: int, *, header: bool) -> BaseOxmlElement:
    """A new cell at the end of `row`, shaded in the header row."""
    cell = w("tc", row)
    properties = w("tcPr", cell)
    w("tcW", properties, w=str(width), type="dxa")
    if header:
        w("shd", properties, val="clear", color="auto", fill=SHADING)
    return cell


#: Where a line may break: white space, but not a no-break space (a date kept whole).
_BREAK = re.compile(r"[^\S\u00a0\u202f]+")


def column_widths(columns: Sequence[Sequence[str]], total: int) -> list[int]:
    """Widths that share `total` among the columns, given each column's texts, its bold
    header first: each needs room for its longest word, so that no word breaks, and wants
    room for its longest cell (up to WIDEST characters). What is left after the needs goes
    by what each wants beyond its need."""
    need = [
        max(
            (
                room(len(word), bold=i == 0)
                for i, t in enumerate(column)
                for word in _BREAK.split(t)
            ),
            default=room(1),
        )
        for column in columns
    ]
    want = [
        max(room(min(max((len(t) for t in column), default=1), WIDEST)), n)
        for column, n in zip(columns, need, strict=True)
    ]
    if sum(want) <= total:
        return _fill([w * total // sum(want) for w in want], total)
    if sum(need) >= total:
        return _fill([n * total // sum(need) for n in need], total)
    spare, extra = total - sum(need), sum(want) - sum(need)
    return _fill([n + (w - n) * spare // extra for n, w in zip(need, want, strict=True)], total)


def room(characters: int, *, bold: bool = False) -> int:
    """The width a cell needs for a word of `characters`, in twentieths of a point."""
    return round(characters * CHARACTER * (BOLD if bold else 1)) + PADDING


def _fill(widths: list[int], total: int) -> list[int]:
    """What rounding left over goes to the last column, so the table fills the width."""
    if widths:
        widths[-1] += total - sum(widths)
    return widths
