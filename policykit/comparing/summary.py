"""What a change set amounts to, for a reader: changes counted per part and kind, and the
category and suggested version in words. The redlines and the brief show the same summary."""

from __future__ import annotations

from dataclasses import dataclass

from policykit.comparing.diff import Bump, ChangeSet, Kind
from policykit.reading.locales import Locale

#: The kinds of change the summary counts, in the order of its columns.
KINDS = tuple(kind.value for kind in Kind)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    part: str
    added: int
    removed: int
    modified: int
    moved: int


def summary_rows(changes: ChangeSet) -> list[SummaryRow]:
    """One row per changed part, in document order."""
    rows = []
    for part in changes.parts:
        counts = [
            sum(1 for c in changes.changes if c.part == part and c.kind is kind) for kind in Kind
        ]
        rows.append(SummaryRow(part, *counts))
    return rows


def totals(rows: tuple[SummaryRow, ...] | list[SummaryRow]) -> tuple[int, int, int, int]:
    """The summary's column sums: added, removed, modified, moved."""
    return (
        sum(r.added for r in rows),
        sum(r.removed for r in rows),
        sum(r.modified for r in rows),
        sum(r.moved for r in rows),
    )


def category_text(changes: ChangeSet, labels: Locale) -> str:
    """ "Indholdsmæssige ændringer. Foreslået version: 2.0 (ny hovedversion)"."""
    if changes.category is None:
        return labels["no_changes"]
    text = labels[f"category_{changes.category.value}"]
    version = changes.suggested_version
    if version is not None and changes.bump is not Bump.NONE:
        bump = labels[f"bump_{changes.bump.value}"]
        text += ". " + labels["suggested_version"].format(version=version, bump=bump)
    return text
