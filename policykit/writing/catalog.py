"""The policy register: one self-contained, accessible HTML page listing every policy.

`policykit catalog` writes it for the website, normally as `exports/index.html` next to the
exported files. Each policy is a row of a real table (status, adoption, next review, why, and
links to its HTML, PDF and Word files); radio buttons filter the rows by status and by review
state with CSS alone (`:has(:checked)`), so the filter works with JavaScript off; and an inline
SVG timeline shows when each review falls due.

Pure: reviews and options in, text out. The only date is the `today` the caller passes, so the
same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from policykit.model.policy import Policy, Status
from policykit.model.project import Project
from policykit.planning.review import Review, State, Why
from policykit.reading.locales import Locale, locale
from policykit.writing.layout import ExportOptions
from policykit.writing.registry import output_name, register_writers, writer
from policykit.writing.templating import render, stylesheet

TEMPLATE = "catalog.html.j2"
STYLESHEET = "catalog.css"
#: The order of the filters, and of the legend of the timeline.
STATUSES = (Status.ADOPTED, Status.CONSULTATION, Status.DRAFT, Status.REPEALED)
STATES = (State.OVERDUE, State.DUE, State.OK, State.NONE)


@dataclass(frozen=True, slots=True)
class FileLink:
    href: str
    label: str


@dataclass(frozen=True, slots=True)
class Day:
    """A date for a `<time>` element: machine-readable and in words."""

    iso: str
    words: str


@dataclass(frozen=True, slots=True)
class Row:
    policy: Policy
    #: The `lang` of the title when the policy is in another language than the page.
    title_lang: str | None
    status: str
    status_label: str
    adopted: Day | None
    due: Day | None
    state: str
    state_label: str
    #: Why the review falls due when it does, in the page's language.
    reason: str
    files: tuple[FileLink, ...]
    #: The draft revision's HTML, when one is in preparation.
    revision: FileLink | None


@dataclass(frozen=True, slots=True)
class Choice:
    """One radio button of a filter."""

    id: str
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Tick:
    """The start of a year on the axis; its label sits mid-year."""

    x: float
    year: int
    labelled: bool
    label_x: float


@dataclass(frozen=True, slots=True)
class Marker:
    title: str
    title_lang: str | None
    state: str
    #: The row's track: the title sits above it, the marker on it.
    title_y: float
    y: float
    x: float
    #: The date and state beside the marker, to its right (start) or left (end).
    text: str
    text_x: float
    anchor: str
    #: The shape, as an SVG path centred on (x, y).
    shape: str
    #: The track's pieces, (x1, x2): the line stops short of the date and state beside the
    #: marker, so that it never runs through them as a strike-through.
    track: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    left: float
    right: float
    top: float
    axis_y: float
    ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]
    today_x: float
    today_text: str
    today_anchor: str
    legend_y: float
    legend: tuple[tuple[str, str, str], ...]
    #: The text alternative: every due date, in words.
    description: str


def link_base(page_folder: Path, exports: Path) -> str:
    """The prefix of links from a register in `page_folder` to the files in `exports`."""
    folder = os.path.relpath(exports, page_folder)
    return "" if folder == "." else quote(Path(folder).as_posix()) + "/"


def write_catalog(
    reviews: Sequence[Review],
    project: Project,
    options: ExportOptions,
    today: dt.date,
    *,
    revisions: Mapping[str, Policy] | None = None,
    link_base: str = "",
) -> str:
    """The register as one HTML page.

    `reviews` come from `review.review_all` (draft revisions are left out there) and keep
    their order, soonest review first. `revisions` maps a policy id to its draft revision in
    `policies/drafts/`, shown as "revision in preparation". `link_base` is prefixed to the
    exported files' names: "" when the register sits in the export folder, "../exports/" when
    it sits next to it.
    """
    from markupsafe import Markup

    loc = locale(project.language)
    rows = [_row(r, loc, project.language, revisions or {}, link_base) for r in reviews]
    branding = options.branding
    statuses = _choices("status", [row.status for row in rows], STATUSES, loc, "status_{}")
    states = _choices("review", [row.state for row in rows], STATES, loc, "catalog_state_{}")
    present = {(row.status, row.state) for row in rows}
    empty = [
        (status.value, state.value)
        for status in statuses[1:]
        for state in states[1:]
        if (status.value, state.value) not in present
    ]
    organisation = project.organisation
    return render(
        TEMPLATE,
        options.templates,
        language=project.language,
        labels=loc.labels,
        org=organisation,
        author=organisation.name if organisation else "",
        today=Day(today.isoformat(), loc.date(today)),
        as_of=loc["catalog_as_of"].partition("{date}"),
        rows=rows,
        statuses=statuses,
        states=states,
        empty=empty,
        timeline=_timeline(rows, reviews, today, loc),
        css=Markup(stylesheet(STYLESHEET, options.templates)),
        branding_css=Markup(branding.css),
        logo=branding.logo_uri,
    )


def linked_files(reviews: Sequence[Review], revisions: Mapping[str, Policy]) -> list[str]:
    """The exported files the register links to, by name: each policy's HTML, PDF and Word
    files, and the web page of each revision in preparation."""
    names = [output_name(r.policy, chosen) for r in reviews for chosen in register_writers()]
    shown = {review.policy.id for review in reviews}
    drafts = [draft for key, draft in revisions.items() if key in shown]
    return names + [output_name(draft, writer("html")) for draft in drafts]


def _row(
    review: Review,
    loc: Locale,
    language: str,
    revisions: Mapping[str, Policy],
    link_base: str,
) -> Row:
    policy = review.policy
    draft = revisions.get(policy.id)
    return Row(
        policy=policy,
        title_lang=policy.language if policy.language != language else None,
        status=policy.status.value,
        status_label=loc[f"status_{policy.status.value}"],
        adopted=_day(review.last_adopted, loc),
        due=_day(review.due, loc),
        state=review.state.value,
        state_label=_state_text(review, loc),
        reason=localise_reason(review, loc),
        files=tuple(
            FileLink(link_base + output_name(policy, chosen), loc[f"catalog_file_{chosen.name}"])
            for chosen in register_writers()
        ),
        revision=(
            FileLink(link_base + output_name(draft, writer("html")), loc["catalog_revision"])
            if draft is not None
            else None
        ),
    )


def _day(day: dt.date | None, loc: Locale) -> Day | None:
    return Day(day.isoformat(), loc.date(day)) if day is not None else None


def _state_text(review: Review, loc: Locale) -> str:
    if review.state is State.OVERDUE and review.due is not None:
        return loc["catalog_overdue_since"].format(date=loc.date(review.due))
    return loc[f"catalog_state_{review.state.value}"]


def _choices(
    name: str, values: list[str], order: Sequence[str], loc: Locale, key: str
) -> list[Choice]:
    """The choice of all rows, then one per value that occurs (in a fixed order), each with
    how many rows it shows."""
    everything = Choice(f"{name}-all", "all", loc["catalog_all"], len(values))
    return [everything] + [
        Choice(f"{name}-{value}", str(value), loc[key.format(value)], values.count(value))
        for value in order
        if value in values
    ]


# --- the reasons, in the page's language --------------------------------------------------------


def localise_reason(review: Review, loc: Locale) -> str:
    """Why the review falls due when it does, in the locale's words, capitalised."""
    reason = review.reason
    key = f"catalog_reason_{reason.why.value}"
    if reason.why is Why.REPEALED and reason.date is None:
        key += "_undated"
    fields = {
        "date": loc.date(reason.date) if reason.date else "",
        "interval": loc.interval(reason.interval) if reason.interval else "",
        "term": str(reason.term or ""),
        "next": str(reason.next_term or ""),
    }
    return _capitalised(loc[key].format(**fields))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- the timeline -------------------------------------------------------------------------------

WIDTH = 960
MARGIN = 24
TOP = 64
ROW_HEIGHT = 52
#: Year labels need about this much room each.
LABEL_ROOM = 64.0
COLOURS = {State.OVERDUE: "overdue", State.DUE: "due", State.OK: "ok"}


#: About the width of a character of the date text (14 px, bold when overdue), and the room
#: kept around it.
TEXT_CHARACTER = 8.0
TEXT_ROOM = 6.0


def _track(
    left: float, right: float, text_x: float, characters: int, before: bool
) -> tuple[tuple[float, float], ...]:
    """The track from `left` to `right`, less the stretch the date text takes up."""
    width = characters * TEXT_CHARACTER
    start, end = (text_x - width, text_x) if before else (text_x, text_x + width)
    pieces = ((left, start - TEXT_ROOM), (end + TEXT_ROOM, right))
    return tuple((a, b) for a, b in pieces if b > a)


def _shape(state: State, x: float, y: float) -> str:
    """A triangle (warning) when overdue, a diamond when due soon, a circle when ok: the shape
    says what the colour says."""
    if state is State.OVERDUE:
        return f"M{x:.1f} {y - 9:.1f}L{x + 9:.1f} {y + 7:.1f}L{x - 9:.1f} {y + 7:.1f}Z"
    if state is State.DUE:
        return f"M{x:.1f} {y - 8:.1f}L{x + 8:.1f} {y:.1f}L{x:.1f} {y + 8:.1f}L{x - 8:.1f} {y:.1f}Z"
    return f"M{x - 7:.1f} {y:.1f}a7 7 0 1 0 14 0a7 7 0 1 0 -14 0Z"  # a circle, as a path


def _timeline(
    rows: Sequence[Row], reviews: Sequence[Review], today: dt.date, loc: Locale
) -> Timeline | None:
    dated = [(row, review) for row, review in zip(rows, reviews, strict=True) if review.due]
    if not dated:
        return None
    dues = [review.due for _, review in dated if review.due is not None]
    first = dt.date(min(*dues, today).year, 1, 1)
    last = dt.date(max(*dues, today).year + 1, 1, 1)
    left, right = float(MARGIN), float(WIDTH - MARGIN)
    span = (last - first).days

    def x(day: dt.date) -> float:
        return left + (day - first).days / span * (right - left)

    years = last.year - first.year
    fits = (s for s in (1, 2, 5, 10, 20, 50, 100) if years / s * LABEL_ROOM <= right - left)
    step = next(fits, years)  # over centuries, a label or two is enough
    ticks = tuple(
        Tick(
            x(dt.date(year, 1, 1)),
            year,
            year < last.year and year % step == 0,
            x(dt.date(year, 7, 1)) if year < last.year else right,
        )
        for year in range(first.year, last.year + 1)
    )
    markers: list[Marker] = []
    lines: list[str] = []
    for i, (row, review) in enumerate(dated):
        assert review.due is not None
        y = TOP + i * ROW_HEIGHT + 34
        at = x(review.due)
        words = loc.date(review.due)
        state_word = loc[f"catalog_state_{review.state.value}"].lower()
        text = f"{words} · {state_word}"
        before = at > (left + right) / 2
        text_x = at - 14 if before else at + 14
        markers.append(
            Marker(
                title=row.policy.title,
                title_lang=row.title_lang,
                state=COLOURS.get(review.state, "ok"),
                title_y=y - 16,
                y=y,
                x=at,
                text=text,
                text_x=text_x,
                anchor="end" if before else "start",
                shape=_shape(review.state, at, y),
                track=_track(left, right, text_x, len(text), before),
            )
        )
        lines.append(loc["catalog_timeline_item"].format(title=row.policy.title, date=text))
    undated = [
        row.policy.title for row, review in zip(rows, reviews, strict=True) if not review.due
    ]
    if undated:
        lines.append(loc["catalog_timeline_undated"].format(titles=", ".join(undated)))
    axis_y = TOP + len(dated) * ROW_HEIGHT + 8
    today_x = x(today)
    legend_y = axis_y + 56
    legend = tuple(
        (COLOURS[state], _shape(state, left + 8 + 190 * i, legend_y), loc[f"catalog_state_{state}"])
        for i, state in enumerate((State.OVERDUE, State.DUE, State.OK))
    )
    return Timeline(
        width=WIDTH,
        height=int(legend_y + 24),
        left=left,
        right=right,
        top=TOP,
        axis_y=axis_y,
        ticks=ticks,
        markers=tuple(markers),
        today_x=today_x,
        today_text=loc["catalog_today"].format(date=loc.date(today)),
        today_anchor="end" if today_x > (left + right) / 2 else "start",
        legend_y=legend_y,
        legend=legend,
        description=" ".join(lines),
    )
