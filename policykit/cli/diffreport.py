"""A change set for people (rich in the terminal, plain text elsewhere) and for tooling
(JSON, see docs/diff.md).

In colour, deleted words are red and struck through and inserted words green and
underlined. Without colour (a pipe, NO_COLOR, a log), they are marked `[-so-]{+like this+}`,
as `git diff --word-diff` does, so that the change is never carried by colour alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from policykit.cli.diagnostics import Line, PlainText, print_lines
from policykit.comparing.bounds import MAX_COMPARED, Shortcut
from policykit.comparing.diff import Change, ChangeSet, Kind, Reached
from policykit.comparing.lines import CellChange
from policykit.comparing.pairing import ALL_WITH_ALL
from policykit.comparing.words import Piece, tokens
from policykit.diagnostics.visible import visible

if TYPE_CHECKING:
    from rich.console import Console

#: How many tokens (words, spaces, punctuation) of unchanged text to show around a change.
CONTEXT = 12
JSON_VERSION = 1

_SIGN = {Kind.ADDED: "+", Kind.REMOVED: "-", Kind.MODIFIED: "~", Kind.MOVED: "↕"}
_SIGN_STYLE = {
    Kind.ADDED: "bold green",
    Kind.REMOVED: "bold red",
    Kind.MODIFIED: "bold yellow",
    Kind.MOVED: "bold cyan",
}


def summary(changes: ChangeSet) -> str:
    """ "8 changes: 1 added, 0 removed, 6 modified, 1 moved · substantive · suggest 2.0" """
    total = len(changes.changes)
    if not total:
        return "no changes"
    counts = ", ".join(f"{changes.count(kind)} {kind.value}" for kind in Kind)
    line = f"{total} change{'s' * (total != 1)}: {counts}"
    assert changes.category is not None
    line += f" · {changes.category.value}"
    version = changes.suggested_version
    if version is not None and changes.bump.value != "none":
        line += f" · suggested version {version} ({changes.bump.value} bump)"
    return line


def render_changes(changes: ChangeSet, old: str, new: str, console: Console | PlainText) -> None:
    """The report, through rich where colours may show, else as the plain text rich would
    write (`diagnostics.print_lines`): the benchmark's 544 changes took 74 ms in rich."""
    print_lines(change_lines(changes, old, new, plain=console.color_system is None), console)


def change_lines(changes: ChangeSet, old: str, new: str, *, plain: bool) -> list[Line]:
    """The report's lines, each of styled pieces; `plain` marks words in brackets, for
    where no colour shows. Every piece from the input is made visible (`visible`)."""
    lines: list[Line] = [
        [("--- ", "bold red"), (visible(old), "")],
        [("+++ ", "bold green"), (visible(new), "")],
        [(summary(changes), "bold")],
    ]
    for reached in changes.shortcuts:
        lines.append([("note", "bold cyan"), (f": {visible(shortcut_note(reached))}", "")])
    part = None
    for change in changes.changes:
        if change.part != part:
            part = change.part
            lines += [[], [(visible(part), "bold underline")]]
        lines.append(_headline(change))
        if change.kind is Kind.MODIFIED and change.words:
            lines.append([("      ", ""), *_words(change.words, plain)])
        lines.extend(_cells(cells, plain) for cells in _by_row(change.cells))
    return lines


def _headline(change: Change) -> Line:
    category = change.category.value
    if change.found is not None:
        category += f" (overruled; policykit found it {change.found.value})"
    line = [
        ("  ", ""),
        (_SIGN[change.kind], _SIGN_STYLE[change.kind]),
        (f" {visible(change.path)}", "bold"),
        (f"  {change.kind.value}, {category}: {visible(reason(change))}", "dim"),
    ]
    if change.kind is Kind.MOVED and change.moved:
        line.append((f", position {change.moved[0]} → {change.moved[1]}", "dim"))
    if change.kind in (Kind.ADDED, Kind.REMOVED, Kind.MOVED):
        shown = change.new if change.kind is not Kind.REMOVED else change.old
        line.append((f"  {visible(_one_line(shown or '', 80))}", ""))
    return line


#: What each bound on pairing means for the reader of a diff (`pairing.Shortcut`).
_SHORTCUT_NOTES = {
    Shortcut.NEAR: (
        f"more than {ALL_WITH_ALL:,} pairs to compare, so each part was compared only with "
        "those near its place; one that moved far and was reworded shows as removed and added"
    ),
    Shortcut.ACROSS: (
        "too many parts left unpaired to compare each with each across the list; one that "
        "moved far and was reworded shows as removed and added"
    ),
    Shortcut.WHOLE: (
        f"a long stretch (more than {MAX_COMPARED:,} pairs of words or lines) with no word "
        "or line that occurs once on each side was taken as replaced whole, not compared "
        "word by word"
    ),
}


def shortcut_note(reached: Reached) -> str:
    """ "goals[1].items: more than 40,000 pairs to compare, so …" """
    return f"{reached.path}: {_SHORTCUT_NOTES[reached.shortcut]}"


def reason(change: Change) -> str:
    """Why the change is in its category, in English, as the report is."""
    return change.reason.text(_labels())


def _labels() -> dict[str, str]:
    from policykit.reading.locales import locale

    return locale("en").labels


def _words(pieces: Sequence[Piece], plain: bool) -> Line:
    """The pieces with unchanged stretches cut to CONTEXT tokens around each change."""
    out: Line = []
    for index, piece in enumerate(pieces):
        # A zero-width space added is a change that shows as nothing: spell it out.
        shown = visible(piece.text.replace("\n", " ¶ "))
        if piece.op == "equal":
            last = len(pieces) - 1
            out.append((_context(shown, after_change=index > 0, before_change=index < last), ""))
        elif piece.op == "delete":
            out.append((f"[-{shown}-]" if plain else shown, "red strike"))
        else:
            out.append((f"{{+{shown}+}}" if plain else shown, "green underline"))
    return out


def _by_row(cells: Sequence[CellChange]) -> list[list[CellChange]]:
    """The changed cells, those of a row that was added or removed together: one line."""
    groups: list[list[CellChange]] = []
    for cell in cells:
        last = groups[-1][-1] if groups else None
        whole = cell.status in ("inserted", "deleted")
        if (
            last is not None
            and whole
            and (last.table, last.row, last.status)
            == (
                cell.table,
                cell.row,
                cell.status,
            )
        ):
            groups[-1].append(cell)
        else:
            groups.append([cell])
    return groups


def _cells(cells: Sequence[CellChange], plain: bool) -> Line:
    """ "table 1, row 3 (Trivselsmåling), Frist changed: Hvert [-andet -]år", or for a row
    added whole, "table 1, row 4 (Seniorsamtale) inserted: {+Seniorsamtale | Lederen+}" """
    first = cells[0]
    where = "header" if first.row == 0 else f"row {first.row}"
    if first.row and first.row_label:
        where += f" ({_one_line(first.row_label, 30)})"
    if len(cells) == 1:
        where += f", {_one_line(first.column_label, 30) or f'column {first.column}'}"
    head = (visible(f"      table {first.table}, {where} {first.status}: "), "dim")
    pieces: list[Piece] = []
    for index, cell in enumerate(cells):
        stretch = [(op, text) for op, text, _ in cell.pieces]
        if index:
            stretch.insert(0, (stretch[0][0] if stretch else "equal", " | "))
        for op, text in stretch:  # one piece per stretch of one op, so one mark each
            if pieces and pieces[-1].op == op:
                pieces[-1] = Piece(op, pieces[-1].text + text)
            else:
                pieces.append(Piece(op, text))
    return [head, *_words(pieces, plain)]


def _context(text: str, *, after_change: bool, before_change: bool) -> str:
    parts = tokens(text)
    if len(parts) <= 2 * CONTEXT:
        return text
    head = "".join(parts[:CONTEXT]) if after_change else ""
    tail = "".join(parts[-CONTEXT:]) if before_change else ""
    return f"{head}…{tail}"


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# --- JSON -------------------------------------------------------------------------------------


def changes_to_json(changes: ChangeSet, old: str, new: str) -> str:
    """The change set as JSON; the shape is documented in docs/diff.md."""
    counts = {kind.value: changes.count(kind) for kind in Kind}
    report = {
        "version": JSON_VERSION,
        "old": _side(old, changes.old.id, changes.old.version, changes.old.status.value),
        "new": _side(new, changes.new.id, changes.new.version, changes.new.status.value),
        "identical": changes.identical,
        "summary": {
            "changes": len(changes.changes),
            **counts,
            "parts": changes.parts,
            "category": changes.category.value if changes.category else None,
            "bump": changes.bump.value,
            "suggested_version": changes.suggested_version,
        },
        "changes": [_change(change) for change in changes.changes],
    }
    if changes.shortcuts:  # only when reached, so the usual report keeps its shape
        report["shortcuts"] = [
            {"path": r.path, "shortcut": r.shortcut.value, "text": shortcut_note(r)}
            for r in changes.shortcuts
        ]
    return json.dumps(report, ensure_ascii=False, indent=2)


def _side(label: str, policy_id: str, version: str, status: str) -> dict[str, str]:
    return {"source": label, "id": policy_id, "version": version, "status": status}


def _change(change: Change) -> dict[str, object]:
    return {
        "path": change.path,
        "part": change.part,
        "kind": change.kind.value,
        "category": change.category.value,
        "reason": {"code": change.reason.code, "text": reason(change)},
        "found": change.found.value if change.found is not None else None,
        "old": change.old,
        "new": change.new,
        "words": [{"op": piece.op, "text": piece.text} for piece in change.words],
        "moved": (
            {"from": change.moved[0], "to": change.moved[1]} if change.moved is not None else None
        ),
        "cells": [_cell_json(cell) for cell in change.cells],
    }


def _cell_json(cell: CellChange) -> dict[str, object]:
    return {
        "table": cell.table,
        "row": cell.row,
        "column": cell.column,
        "row_label": cell.row_label,
        "column_label": cell.column_label,
        "status": cell.status,
        "old": cell.old,
        "new": cell.new,
        "words": [{"op": op, "text": text} for op, text, _ in cell.pieces],
    }
