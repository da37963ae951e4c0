"""Prose compared line by line: each paragraph and list item of two versions of a prose field,
aligned, and a reworded one diffed word by word with its bold, italics and links kept. A
table is one line, and two versions of a table are compared cell by cell: columns aligned
by their content, rows likewise, and each cell diffed word by word (`MergedTable`).

This is what a redline shows of changed prose, and the ChangeSet carries it for each prose
field that changed (`Change.lines`), so that no writer compares prose again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from policykit.comparing.pairing import Aligned, align
from policykit.comparing.words import Op, similarity, styled_diff
from policykit.model.policy import (
    Align,
    Block,
    BlockQuote,
    Emphasis,
    Inline,
    Link,
    OrderedList,
    Paragraph,
    Prose,
    SoftBreak,
    Strong,
    Table,
    Text,
)

#: A stretch of inline text's look: bold, italic, and the link it is part of.
Style = tuple[bool, bool, str | None]
Status = Literal["equal", "changed", "deleted", "inserted"]
PLAIN: Style = (False, False, None)
Segments = tuple[tuple[str, Style], ...]
Pieces = tuple[tuple[Op, str, Style], ...]


@dataclass(frozen=True, slots=True)
class TableShape:
    """A table as lines compare it: its rows of cells (the header row first), each cell's
    text with its look, its columns' alignment and its caption."""

    rows: tuple[tuple[Segments, ...], ...]
    align: tuple[Align | None, ...]
    caption: Segments

    def column(self, index: int) -> str:
        return " ".join(_text(row[index]) for row in self.rows)


@dataclass(frozen=True, slots=True)
class Line:
    """A paragraph or list item's first paragraph ('li'), a further paragraph in an item
    ('more'), or a table, with its list depth and number: what prose is aligned by."""

    kind: Literal["p", "li", "more", "table"]
    depth: int
    ordered: bool
    number: int
    quote: bool
    segments: Segments
    table: TableShape | None = None

    @property
    def text(self) -> str:
        return _text(self.segments)

    @property
    def key(self) -> tuple[object, ...]:
        return (self.kind, self.depth, self.ordered, self.quote, self.segments, self.table)


@dataclass(frozen=True, slots=True)
class MergedCell:
    """A cell of both versions: the same, changed (word by word), or only one side's."""

    status: Status
    pieces: Pieces

    def text(self, side: Literal["old", "new"]) -> str:
        gone = "insert" if side == "old" else "delete"
        return "".join(text for op, text, _ in self.pieces if op != gone)


@dataclass(frozen=True, slots=True)
class MergedRow:
    """A row of both versions; `header` for the header row. A row in both is "changed"
    when a cell of it changed."""

    status: Status
    header: bool
    cells: tuple[MergedCell, ...]
    #: Its index in the old version's rows and in the new one's (0 for the header row).
    sides: Aligned = (None, None)


@dataclass(frozen=True, slots=True)
class MergedTable:
    """Two versions of a table in one: the columns of both (each "equal", "deleted" or
    "inserted"), with the new alignment, or the old one of a deleted column; the caption;
    and the rows of both, each cell in the merged columns."""

    columns: tuple[Status, ...]
    align: tuple[Align | None, ...]
    caption: Pieces
    rows: tuple[MergedRow, ...]
    #: Each column's index in the old version and in the new one.
    column_sides: tuple[Aligned, ...] = ()


@dataclass(frozen=True, slots=True)
class CellChange:
    """A table cell that is not the same in both versions, for the diff report: which
    table of the field (1-based), its row (0 for the header, then 1-based body rows) and
    column (1-based), in the new version, or the old one for a row or column it dropped;
    the row's first cell and the column's heading, to name it by; and its text."""

    table: int
    row: int
    column: int
    row_label: str
    column_label: str
    status: Status
    old: str
    new: str
    pieces: Pieces


def cell_changes(lines: Sequence[MergedLine]) -> Iterator[CellChange]:
    """The cells that changed, in the tables of a changed prose field, row by row."""
    tables = [line.table for line in lines if line.table is not None]
    for number, table in enumerate(tables, start=1):
        heading = next(row for row in table.rows if row.header)
        for row in table.rows:
            if row.status == "equal":
                continue
            label = (
                row.cells[0].text("new" if row.status != "deleted" else "old") if row.cells else ""
            )
            for c, cell in enumerate(row.cells):
                if cell.status == "equal" or not cell.pieces:
                    continue
                side = 0 if row.sides[1] is None or table.column_sides[c][1] is None else 1
                column = table.column_sides[c][side]
                index = row.sides[side]
                yield CellChange(
                    number,
                    index or 0,
                    (column or 0) + 1,
                    label,
                    heading.cells[c].text("old" if side == 0 else "new"),
                    cell.status,
                    cell.text("old"),
                    cell.text("new"),
                    cell.pieces,
                )


@dataclass(frozen=True, slots=True)
class MergedLine:
    status: Status
    line: Line
    pieces: Pieces
    #: For a table: both versions' rows and columns, cell by cell.
    table: MergedTable | None = None


def prose_lines(prose: Prose | None) -> list[Line]:
    return list(_block_lines(prose.blocks, 0, False)) if prose is not None else []


def _block_lines(blocks: Sequence[Block], depth: int, quote: bool) -> Iterator[Line]:
    for block in blocks:
        if isinstance(block, Table):
            shape = _table_shape(block)
            # The cells' words, spaced apart, are what pairs a table with its other version.
            gap = ((" ", PLAIN),)
            text = tuple(part for row in shape.rows for cell in row for part in (*cell, *gap))
            yield Line("table", depth, False, 0, quote, shape.caption + gap + text, shape)
        elif isinstance(block, Paragraph):
            kind: Literal["p", "more"] = "p" if depth == 0 else "more"
            yield Line(kind, depth, False, 0, quote, _segments(block.children))
        elif isinstance(block, BlockQuote):
            yield from _block_lines(block.blocks, depth, True)
        else:
            ordered = isinstance(block, OrderedList)
            start = block.start if isinstance(block, OrderedList) else 1
            for number, item in enumerate(block.items, start=start):
                rest = list(item.blocks)
                first = rest[0] if rest else None
                segments: tuple[tuple[str, Style], ...] = ()
                if isinstance(first, Paragraph):
                    segments = _segments(first.children)
                    rest.pop(0)
                yield Line("li", depth + 1, ordered, number, quote, segments)
                yield from _block_lines(rest, depth + 1, quote)


def _table_shape(table: Table) -> TableShape:
    rows = tuple(
        tuple(_segments(cell.children) for cell in row) for row in (table.header, *table.rows)
    )
    return TableShape(rows, table.align, _segments(table.caption))


def _text(segments: Segments) -> str:
    return "".join(text for text, _ in segments)


def _segments(inlines: Sequence[Inline], style: Style = PLAIN) -> tuple[tuple[str, Style], ...]:
    out: list[tuple[str, Style]] = []
    bold, italic, href = style
    for node in inlines:
        if isinstance(node, Text):
            out.append((node.text, style))
        elif isinstance(node, SoftBreak):
            out.append((" ", style))
        elif isinstance(node, Emphasis):
            out.extend(_segments(node.children, (bold, True, href)))
        elif isinstance(node, Strong):
            out.extend(_segments(node.children, (True, italic, href)))
        else:
            assert isinstance(node, Link)
            out.extend(_segments(node.children, (bold, italic, node.href)))
    return tuple(out)


def merge_lines(old: Sequence[Line], new: Sequence[Line]) -> list[MergedLine]:
    """The lines of both versions in one sequence: unchanged, reworded (paired by similar
    text, within a stretch that changed, with a line of the same kind and depth), deleted
    or inserted."""
    aligned = align(
        [x.key for x in old],
        [x.key for x in new],
        lambda i, j: similarity(old[i].text, new[j].text),
        lambda i, j: (old[i].kind, old[i].depth) == (new[j].kind, new[j].depth),
        lambda i, j: _same_numbered_item(old[i], new[j]),
    )
    return [
        _merged(old[i] if i is not None else None, new[j] if j is not None else None)
        for i, j in aligned
    ]


def _same_numbered_item(old: Line, new: Line) -> bool:
    """Items of a numbered list at one depth with one number: the same item, reworded."""
    return (
        old.kind == new.kind == "li"
        and old.ordered
        and new.ordered
        and (old.depth, old.number) == (new.depth, new.number)
    )


def _merged(old: Line | None, new: Line | None) -> MergedLine:
    if old is None or new is None:
        line = new or old
        assert line is not None
        return _whole("inserted" if old is None else "deleted", line)
    if old.key == new.key:
        return _whole("equal", new)
    pieces = tuple(styled_diff(old.segments, new.segments))
    if old.table is not None and new.table is not None:
        return MergedLine("changed", new, pieces, merge_tables(old.table, new.table))
    return MergedLine("changed", new, pieces)


def _whole(status: Status, line: Line) -> MergedLine:
    pieces = _as(status, line.segments)
    if line.table is None:
        return MergedLine(status, line, pieces)
    # A table only one side has, or the same in both: merged with itself, so every row and
    # cell takes the line's status.
    shape = line.table
    return MergedLine(status, line, pieces, _merge_table(shape, shape, _identity(shape), status))


# --- tables, cell by cell -------------------------------------------------------------------


def merge_tables(old: TableShape, new: TableShape) -> MergedTable:
    """Two versions of a table, cell by cell. Columns are aligned by their whole text, the
    header row with the header row, and body rows by their cells' text."""
    columns = align(
        [tuple(row[c] for row in old.rows) for c in range(len(old.align))],
        [tuple(row[c] for row in new.rows) for c in range(len(new.align))],
        lambda i, j: similarity(old.column(i), new.column(j)),
    )
    rows = [
        (0, 0),
        *(
            (_plus_one(i), _plus_one(j))
            for i, j in align(
                old.rows[1:],
                new.rows[1:],
                lambda i, j: similarity(_row_text(old.rows[i + 1]), _row_text(new.rows[j + 1])),
            )
        ),
    ]
    return _merge_table(old, new, (columns, rows), None)


def _plus_one(index: int | None) -> int | None:
    return index + 1 if index is not None else None


def _row_text(row: Sequence[Segments]) -> str:
    return " | ".join(_text(cell) for cell in row)


def _identity(shape: TableShape) -> tuple[list[Aligned], list[Aligned]]:
    return [(c, c) for c in range(len(shape.align))], [(r, r) for r in range(len(shape.rows))]


def _merge_table(
    old: TableShape,
    new: TableShape,
    alignment: tuple[list[Aligned], list[Aligned]],
    status: Status | None,
) -> MergedTable:
    """The table of `alignment`'s columns and rows. `status` is the whole table's, for one
    only one side has (or the same in both); None compares each cell."""
    columns, rows = alignment
    column_status: list[Status] = [status or _side_status(i, j) for i, j in columns]
    merged_rows = []
    for r_old, r_new in rows:
        cells = []
        for c_old, c_new in columns:
            before = old.rows[r_old][c_old] if r_old is not None and c_old is not None else None
            after = new.rows[r_new][c_new] if r_new is not None and c_new is not None else None
            cells.append(_cell(before, after, status))
        row_status = status or _side_status(r_old, r_new)
        if row_status == "equal" and any(cell.status != "equal" for cell in cells):
            row_status = "changed"
        header = r_new == 0 or r_old == 0
        merged_rows.append(MergedRow(row_status, header, tuple(cells), (r_old, r_new)))
    align_of = [
        (new.align[j] if j is not None else old.align[i] if i is not None else None)
        for i, j in columns
    ]
    caption = (
        tuple(styled_diff(old.caption, new.caption)) if status is None else _as(status, new.caption)
    )
    return MergedTable(
        tuple(column_status), tuple(align_of), caption, tuple(merged_rows), tuple(columns)
    )


def _side_status(old: int | None, new: int | None) -> Status:
    return "inserted" if old is None else "deleted" if new is None else "equal"


def _cell(before: Segments | None, after: Segments | None, status: Status | None) -> MergedCell:
    if status is not None:
        return MergedCell(status, _as(status, after if after is not None else before or ()))
    if before is None or after is None:
        gone: Status = "inserted" if before is None else "deleted"
        return MergedCell(gone, _as(gone, after if after is not None else before or ()))
    if before == after:
        return MergedCell("equal", _as("equal", after))
    return MergedCell("changed", tuple(styled_diff(before, after)))


def _as(status: Status, segments: Segments) -> Pieces:
    op: Op = {"deleted": "delete", "inserted": "insert"}.get(status, "equal")  # type: ignore[assignment]
    return tuple((op, text, style) for text, style in segments)


def diff_prose(old: Prose | None, new: Prose | None) -> tuple[MergedLine, ...]:
    """Two versions of a prose field (either may be missing), line by line."""
    return tuple(merge_lines(prose_lines(old), prose_lines(new)))


def unchanged(prose: Prose | None, status: Status = "equal") -> tuple[MergedLine, ...]:
    """Prose shown whole: unchanged, or all deleted or all inserted."""
    return tuple(_whole(status, line) for line in prose_lines(prose))
