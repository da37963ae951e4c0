"""What `policykit import --update` tells its user: the usual diff of the policy file before
and after the Word file's edits, then the tracked changes and comments the file held (each at
its YAML path), the items matched by similar text only, what was not applied and why, and
the conflicts with the file's own changes. As text, or as JSON (`--format json`)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from policykit.cli import diffreport
from policykit.cli.importreport import comment_json, comment_line, revision_json, revision_line
from policykit.diagnostics.visible import visible
from policykit.edge.files import display_path
from policykit.merging.tree import Conflict, Data
from policykit.workflows.roundtrip import Updated

JSON_VERSION = 1


def render(result: Updated, console: Console) -> None:
    source = display_path(result.source)
    verb = "updated" if result.written else "would update" if not result.changes.identical else ""
    where = f" (merged with the file's changes since {result.base})" if result.base else ""
    if verb:
        console.print(f"{verb} {_shown(result.label)} from {_shown(source)}{_shown(where)}")
    else:
        console.print(f"{_shown(result.label)}: no changes in {_shown(source)}")
    if not result.changes.identical:
        diffreport.render_changes(result.changes, result.label, source, console)
        console.print()
    done = result.update
    if done.revisions:
        console.print(f"tracked changes, accepted: {len(done.revisions)}")
        for path, change in done.revisions:
            console.print("  " + revision_line(change, path, "paragraph"))
    for path, comment in done.comments:
        console.print(comment_line(comment, path))
    for path in done.check:
        console.print(
            f"[yellow]check:[/] {_shown(path)} was matched by similar text only, not by its "
            "bookmark or heading"
        )
    for item in done.not_applied:
        quoted = "; ".join(f"{_shown(label)}: “{_shown(text)}”" for label, text in item.quoted)
        said = f" ({quoted})" if quoted else ""
        at = f"{_shown(item.path)}: " if item.path else ""
        console.print(f"[bold red]not applied:[/] {at}{_shown(item.reason)}{said}")
    for conflict in done.conflicts:
        console.print(
            f"[bold red]conflict:[/] {_shown(conflict.path)} changed in both; "
            "kept as the YAML has it"
        )
        console.print(f"  Word: {_shown(_one_line(conflict.word))}")
        console.print(f"  YAML: {_shown(_one_line(conflict.yaml))}")


def to_json(result: Updated) -> str:
    done = result.update
    report = {
        "version": JSON_VERSION,
        "file": result.label,
        "source": display_path(result.source),
        "base": result.base,
        "written": result.written,
        "diff": json.loads(
            diffreport.changes_to_json(result.changes, result.label, display_path(result.source))
        ),
        "tracked_changes": [revision_json(c, path, "paragraph") for path, c in done.revisions],
        "comments": [comment_json(c, path, "paragraph") for path, c in done.comments],
        "check": done.check,
        "not_applied": [
            {
                "path": n.path,
                "reason": n.reason,
                "quoted": [{"label": label, "text": text} for label, text in n.quoted],
            }
            for n in done.not_applied
        ],
        "conflicts": [_conflict(c) for c in done.conflicts],
    }
    return json.dumps(report, ensure_ascii=False, indent=2)


def _conflict(conflict: Conflict) -> dict[str, object]:
    return {"path": conflict.path, "word": conflict.word, "yaml": conflict.yaml}


def _one_line(value: Data) -> str:
    if value is None:
        return "(removed)"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    line = " ".join(text.split())
    return line if len(line) <= 100 else line[:99] + "…"


def _shown(text: str) -> str:
    return escape(visible(text))
