"""What the templates' part macros (`templates/parts.html.j2`) lay out: each section of the
outline as HTML fragments, made by the page's writer or by the redline's.

Both writers walk the same outline and fill the same views, and one set of macros renders
them, so the redline has the page's markup and a `--template` folder restyles both. Texts are
`Markup`: escaped, or built from escaped pieces, by the writer that made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from policykit.model.outline import Kind

if TYPE_CHECKING:
    from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class GoalView:
    id: str | None
    text: Markup
    indicator: Markup | None = None
    #: "inserted", "deleted", "moved", or "" on the page.
    css: str = ""
    #: In a redline, for a goal that moved: where it was ("Flyttet fra plads 2").
    note: str | None = None


@dataclass(frozen=True, slots=True)
class GroupView:
    id: str | None
    #: None for a plain list of goals, which has no heading.
    title: Markup | None
    intro: Markup | None
    items: tuple[GoalView, ...]
    css: str = ""


@dataclass(frozen=True, slots=True)
class TermView:
    id: str | None
    term: Markup
    text: Markup
    css: str = ""


@dataclass(frozen=True, slots=True)
class FactView:
    label: str
    value: Markup


@dataclass(frozen=True, slots=True)
class SubsectionView:
    """A subsection of a free section, at `level` 3 to 6 (its heading's `h` level)."""

    anchor: str
    title: Markup
    text: Markup | None
    level: int
    subsections: tuple[SubsectionView, ...] = ()
    css: str = ""


@dataclass(frozen=True, slots=True)
class SectionView:
    kind: Kind
    anchor: str
    #: The numbered heading: "4. Ansvarlighed i kommunikation og markedsføring".
    title: Markup
    #: The section's own prose: the purpose, a principle, an introduction, the rule.
    text: Markup | None = None
    groups: tuple[GroupView, ...] = ()
    terms: tuple[TermView, ...] = ()
    facts: tuple[FactView, ...] = ()
    subsections: tuple[SubsectionView, ...] = ()
    #: Notes the redline adds under the heading: "moved from section 5".
    notes: tuple[Markup, ...] = field(default=())
    css: str = ""
