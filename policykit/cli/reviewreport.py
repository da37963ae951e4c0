"""The review table for people (rich), and as JSON or CSV for tooling and spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from policykit.planning.review import Review, State

JSON_VERSION = 1
COLUMNS = (
    "id",
    "title",
    "status",
    "version",
    "last_adopted",
    "last_evaluated",
    "next_review",
    "state",
    "reason",
    "file",
)
_STATE_STYLE = {State.OVERDUE: "bold red", State.DUE: "bold yellow", State.OK: "green"}
_STATE_TEXT = {
    State.OVERDUE: "overdue",
    State.DUE: "due within 90 days",
    State.OK: "ok",
    State.NONE: "—",
}


def rows(reviews: Sequence[Review]) -> list[dict[str, str | None]]:
    return [
        {
            "id": r.policy.id,
            "title": r.policy.title,
            "status": r.policy.status.value,
            "version": r.policy.version,
            "last_adopted": _iso(r.last_adopted),
            "last_evaluated": _iso(r.last_evaluated),
            "next_review": _iso(r.due),
            "state": r.state.value,
            "reason": str(r.reason),
            "file": r.policy.span.file,
        }
        for r in reviews
    ]


def render_table(reviews: Sequence[Review], today: dt.date, console: Console) -> None:
    # No rules: the room goes to the words, so that 80 columns hold the table. (With a box,
    # rich lets a table with ratio columns run two or three columns wider than the console.)
    table = Table(
        title=f"Policy reviews as of {today.isoformat()}",
        title_justify="left",
        title_style="bold",
        header_style="bold underline",
        box=None,
        pad_edge=False,
        padding=(0, 1, 1, 1),
    )
    # Wide enough for the longest word of a title, so that no word is broken in two.
    longest = max((len(word) for r in reviews for word in r.policy.title.split()), default=0)
    table.add_column("Policy", ratio=2, min_width=min(max(longest, 16), 24), overflow="fold")
    for name in ("Adopted", "Evaluated", "Next review"):
        table.add_column(name, no_wrap=True)
    table.add_column("State", ratio=3, min_width=14)
    for review in reviews:
        policy = review.policy
        style = _STATE_STYLE.get(review.state, "")
        state = _STATE_TEXT[review.state]  # the date is in the column before
        about = f"{policy.status.value}, version {escape(policy.version)}"
        table.add_row(
            f"{escape(policy.title)}\n[dim]{about}[/]",
            _iso(review.last_adopted) or "—",
            _iso(review.last_evaluated) or "—",
            _iso(review.due) or "—",
            (f"[{style}]{state}[/]" if style else state) + f"\n{escape(str(review.reason))}",
        )
    console.print(table)
    overdue = sum(1 for r in reviews if r.state is State.OVERDUE)
    due = sum(1 for r in reviews if r.state is State.DUE)
    console.print()
    console.print(f"{len(reviews)} policies: {overdue} overdue, {due} due within 90 days")


def to_json(reviews: Sequence[Review], today: dt.date) -> str:
    report = {"version": JSON_VERSION, "today": today.isoformat(), "policies": rows(reviews)}
    return json.dumps(report, ensure_ascii=False, indent=2)


def to_csv(reviews: Sequence[Review]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(reviews))
    return out.getvalue()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
