"""What `policykit import` tells its user: for each file, the format found, the sentences
read and written, where each section went and why, what was dropped, the adoption and
interval found (with the sentence each came from), and what still needs a person. As text
for people, or as JSON (`--format json`) for tooling."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from policykit.diagnostics.visible import visible
from policykit.edge.files import display_path
from policykit.importing.assemble import written_texts
from policykit.importing.blocks import Comment, Revision, sentences
from policykit.workflows.importer import ImportResult

JSON_VERSION = 1


def display_target(result: ImportResult) -> str:
    return display_path(result.target)


def written(result: ImportResult) -> int:
    return sum(len(sentences(text)) for text in written_texts(result.imported.policy))


def render(result: ImportResult, console: Console, *, show_dropped: bool) -> None:
    imported = result.imported
    verb = "imported" if result.written else "would write" if not result.errors else "not written"
    console.print(
        f"[bold]{verb}[/] {_shown(display_path(result.source))} → "
        f"{_shown(display_path(result.target))}"
    )
    dropped = len(imported.dropped)
    console.print(
        f"  format {imported.format} · {imported.sentences_read} sentences read, "
        f"{written(result)} written · {dropped} block{'s' * (dropped != 1)} dropped"
        + ("" if show_dropped or not dropped else " (--show-dropped lists them)")
    )
    for note in imported.notes:
        console.print(f"  note: {_shown(note)}")
    console.print("  sections:")
    for placement in imported.placements:
        where = f"{imported.unit} {placement.where}"
        part = placement.part or "free section"
        console.print(
            f"    {where:<10} {_shown(_cut(placement.heading, 50))} → [bold]{part}[/] "
            f"[dim]({_shown(placement.reason)})[/]"
        )
    if imported.adoption is not None:
        adoption = imported.adoption
        console.print(
            f"  adoption: {adoption.date.isoformat()} by {_shown(adoption.body)}, from "
            f"“{_shown(_cut(adoption.sentence, 70))}”"
        )
    for sentence in imported.partial_dates:
        console.print(f"  not a whole date, so no adoption: “{_shown(_cut(sentence, 70))}”")
    found = imported.interval
    if found is not None and found.interval is not None:
        console.print(
            f"  interval: {found.interval}, from “{_shown(_cut(found.sentences[0], 70))}”"
        )
    elif found is not None:
        why = "several intervals" if found.several else "no interval"
        console.print(f"  interval: left unset, the evaluation states {why}")
        for sentence in found.sentences:
            console.print(f"    “{_shown(_cut(sentence, 90))}”")
    if imported.revisions:
        console.print(f"  tracked changes, accepted: {len(imported.revisions)}")
        for change in imported.revisions:
            console.print("    " + revision_line(change, imported.path_at(change.where),
                                                 imported.unit))  # fmt: skip
    for comment in imported.comments:
        console.print("  " + comment_line(comment, imported.path_at(comment.where)))
    for need in imported.needs_a_person:
        console.print(f"  for a person: {_shown(need)}")
    if show_dropped and imported.dropped:
        console.print("  dropped:")
        for item in imported.dropped:
            for line in item.text.splitlines() or [""]:
                console.print(
                    f"    {imported.unit} {item.where:<5} [dim]{item.reason}:[/] {_shown(line)}"
                )


def render_summary(
    results: Sequence[ImportResult],
    failed: Sequence[tuple[str, str, str | None]],
    console: Console,
) -> None:
    """The table at the end of a folder's import."""
    table = Table(title=f"{len(results)} imported, {len(failed)} failed", title_justify="left")
    for column in ("source", "policy", "format", "sections by keyword", "free", "written"):
        table.add_column(column)
    for result in results:
        placements = result.imported.placements
        keyword = sum(1 for p in placements if p.by_keyword)
        table.add_row(
            _shown(display_path(result.source)), _shown(result.imported.policy.id),
            result.imported.format, str(keyword), str(len(placements) - keyword),
            "yes" if result.written else "no",
        )  # fmt: skip
    for source, message, _ in failed:
        table.add_row(_shown(source), f"[red]{_shown(message)}[/]", "", "", "", "no")
    console.print(table)


def to_json(results: Sequence[ImportResult], failed: Sequence[tuple[str, str, str | None]]) -> str:
    return json.dumps(
        {
            "version": JSON_VERSION,
            "imported": [_result(r) for r in results],
            "failed": [{"source": s, "message": m, "hint": h} for s, m, h in failed],
        },
        ensure_ascii=False,
        indent=2,
    )


def _result(result: ImportResult) -> dict[str, object]:
    imported = result.imported
    found = imported.interval
    return {
        "source": display_path(result.source),
        "target": display_path(result.target),
        "written": result.written,
        "format": imported.format,
        "id": imported.policy.id,
        "sentences": {"read": imported.sentences_read, "written": written(result)},
        "sections": [
            {"heading": p.heading, imported.unit: p.where, "part": p.part, "reason": p.reason}
            for p in imported.placements
        ],
        "dropped": [
            {imported.unit: d.where, "reason": d.reason, "text": d.text} for d in imported.dropped
        ],
        "adoption": (
            {
                "date": imported.adoption.date.isoformat(),
                "body": imported.adoption.body,
                "sentence": imported.adoption.sentence,
            }
            if imported.adoption
            else None
        ),
        "interval": (
            {
                "value": str(found.interval) if found.interval else None,
                "sentences": list(found.sentences),
            }
            if found
            else None
        ),
        "tracked_changes": [
            revision_json(c, imported.path_at(c.where), imported.unit) for c in imported.revisions
        ],
        "comments": [
            comment_json(c, imported.path_at(c.where), imported.unit) for c in imported.comments
        ],
        "for_a_person": imported.needs_a_person,
        "notes": list(imported.notes),
        "errors": [f.message for f in result.errors],
    }


def revision_line(change: Revision, path: str, unit: str) -> str:
    """A tracked change in one line: where, at which YAML path, what, by whom and when."""
    words = f" “{_shown(_cut(change.text, 60))}”" if change.text else ""
    return (
        f"{unit} {change.where:<5} {_shown(path or '-')}: {change.kind}{words} "
        f"by {_shown(change.author or '?')}" + (f" on {change.date}" if change.date else "")
    )


def comment_line(comment: Comment, path: str) -> str:
    return (
        f"comment by {_shown(comment.author or '?')}"
        + (f" on {comment.date}" if comment.date else "")
        + f" at {_shown(path or '-')}: “{_shown(_cut(comment.text, 70))}”"
    )


def revision_json(change: Revision, path: str, unit: str) -> dict[str, object]:
    return {unit: change.where, "path": path, "kind": change.kind, "author": change.author,
            "date": change.date, "text": change.text}  # fmt: skip


def comment_json(comment: Comment, path: str, unit: str) -> dict[str, object]:
    return {unit: comment.where, "path": path, "author": comment.author, "date": comment.date,
            "text": comment.text, "on": comment.anchor}  # fmt: skip


def _cut(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _shown(text: str) -> str:
    return escape(visible(text))
