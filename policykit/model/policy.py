"""The policy document model: frozen dataclasses, no I/O, no YAML.

Readers build it, the validator checks it, and writers and the diff consume it. Every node
carries the `Span` of the YAML it came from, so any stage can point back at the source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from policykit.model.intervals import Interval


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where a node came from: a file and a 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# --- prose: a CommonMark subset, parsed once ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text within a paragraph, a list item or a table cell."""

    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Emphasis:
    """*Emphasised* text."""

    children: tuple[Inline, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Strong:
    """**Strong** text."""

    children: tuple[Inline, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Link:
    """A link: to an http, https or mailto address, or (format 2) to another policy."""

    href: str
    children: tuple[Inline, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class SoftBreak:
    """A line break inside a paragraph's source; writers render it as a space."""

    span: Span


Inline = Text | Emphasis | Strong | Link | SoftBreak


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of inline text."""

    children: tuple[Inline, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list: its blocks, most often one paragraph."""

    blocks: tuple[Block, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BulletList:
    """A list with bullets."""

    items: tuple[ListItem, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class OrderedList:
    """A numbered list, counting from `start`."""

    start: int
    items: tuple[ListItem, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation set apart (`> …`)."""

    blocks: tuple[Block, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class TableCell:
    """One cell of a table: inline text."""

    children: tuple[Inline, ...]
    span: Span


#: A table column's alignment, as the delimiter row sets it (`:--`, `:-:`, `--:`).
Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Table:
    """A GFM pipe table: the header row, body rows as wide as it, each column's alignment
    (None where the delimiter row sets none), and a caption (empty for none)."""

    header: tuple[TableCell, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    align: tuple[Align | None, ...]
    caption: tuple[Inline, ...]
    span: Span

    @property
    def width(self) -> int:
        return len(self.header)


Block = Paragraph | BulletList | OrderedList | BlockQuote | Table


@dataclass(frozen=True, slots=True)
class Prose:
    """A prose field: its Markdown source and the blocks parsed from it."""

    source: str
    blocks: tuple[Block, ...]
    span: Span

    @property
    def is_empty(self) -> bool:
        return not self.blocks


# --- metadata ---------------------------------------------------------------------------


class Status(StrEnum):
    DRAFT = "draft"
    CONSULTATION = "consultation"
    ADOPTED = "adopted"
    REPEALED = "repealed"

    @property
    def is_proposal(self) -> bool:
        """Drafts and consultation versions carry a visible draft mark in exports."""
        return self in (Status.DRAFT, Status.CONSULTATION)


@dataclass(frozen=True, slots=True)
class Decision:
    """An adoption or repeal: who decided, when, and under which case reference."""

    date: dt.date
    body: str
    reference: str | None
    note: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class RelatedDocument:
    """A document the policy points to, with its address if it has one."""

    title: str
    url: str | None
    span: Span


# --- the five parts -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purpose:
    """The policy's purpose: why it exists."""

    heading: str | None
    text: Prose
    span: Span


@dataclass(frozen=True, slots=True)
class GoalItem:
    """One goal: its text, its id where the file gives one, and how it is measured."""

    id: str | None
    text: Prose
    indicator: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class GoalGroup:
    """The goals under one heading (or under none, for a plain list of goals)."""

    id: str | None
    #: None for the one group of a plain list of goals (format 2: `goals.items`).
    title: str | None
    intro: Prose | None
    items: tuple[GoalItem, ...]
    span: Span
    #: Where the list of items is written (`items:`), for a finding that it is empty.
    list_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Goals:
    """The policy's goals, in groups."""

    heading: str | None
    intro: Prose | None
    groups: tuple[GoalGroup, ...]
    span: Span
    #: Where the list of groups is written (`groups:`), for a finding that it is empty.
    list_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Definition:
    """A term the policy defines, and its definition."""

    id: str | None
    term: str
    text: Prose
    span: Span


@dataclass(frozen=True, slots=True)
class Definitions:
    """The terms the policy defines."""

    heading: str | None
    intro: Prose | None
    terms: tuple[Definition, ...]
    span: Span
    #: Where the list of terms is written (`terms:`), for a finding that it is empty.
    list_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Principle:
    """One principle: an id, a title and its text."""

    id: str
    title: str
    text: Prose
    span: Span


@dataclass(frozen=True, slots=True)
class Principles:
    """The principles the policy sets."""

    heading: str | None
    intro: Prose | None
    items: tuple[Principle, ...]
    span: Span
    #: Where the list of items is written (`items:`), for a finding that it is empty.
    list_span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """An evaluation the council has carried out: when, and a note."""

    date: dt.date
    note: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How and how often the policy is evaluated, and the evaluations so far."""

    heading: str | None
    rule: Prose
    interval: Interval | None
    methods: tuple[str, ...]
    responsible: str | None
    records: tuple[EvaluationRecord, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Law:
    """A law the policy rests on: its title, and its address (for Danish law, the ELI)."""

    title: str
    url: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Overrule:
    """The secretariat's own category for one change against the version in force, with
    the reason recorded (`classification:` in a draft)."""

    path: str
    category: str
    reason: str
    span: Span


@dataclass(frozen=True, slots=True)
class Contact:
    """Whom to ask about the policy."""

    name: str
    email: str | None
    phone: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Section:
    """A free section (format 2): a heading, prose and subsections. One that is not numbered
    stands outside the count, as "Tak" or an annex ("Bilag 1") does."""

    id: str | None
    heading: str
    text: Prose | None
    subsections: tuple[Section, ...]
    numbered: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Policy:
    """One policy: its identity, its parts and the record of its decisions."""

    format: int
    id: str
    title: str
    organisation: str | None
    language: str
    version: str
    status: Status
    owner: str | None
    adoptions: tuple[Decision, ...]
    repeal: Decision | None
    related: tuple[RelatedDocument, ...]
    keywords: tuple[str, ...]
    #: The typed parts; in format 2 each may be left out.
    purpose: Purpose | None
    goals: Goals | None
    definitions: Definitions | None
    principles: Principles | None
    evaluation: Evaluation | None
    span: Span
    #: True when the file lives in a `drafts/` folder: a proposed revision of a policy in force.
    is_draft_revision: bool = False
    #: Spans of scalar metadata fields (`id`, `title`, `version`…), for findings about them.
    field_spans: dict[str, Span] = field(default_factory=dict, compare=False, hash=False)
    #: Free sections (format 2), in the order they are listed.
    sections: tuple[Section, ...] = ()
    #: Metadata a municipality keeps with a policy (format 2).
    legal_basis: tuple[Law, ...] = ()
    #: The secretariat's overruled categories for changes against the version in force.
    classification: tuple[Overrule, ...] = ()
    case_number: str | None = None
    kle: str | None = None
    department: str | None = None
    contact: Contact | None = None
    #: The order of the parts and the free sections, by part name and section key (a free
    #: section's key is its id, or `sections[N]`): as `order:` gives it, or the typed parts
    #: in the outline's order followed by the free sections.
    order: tuple[str, ...] = ()

    @property
    def last_adoption(self) -> Decision | None:
        return self.adoptions[-1] if self.adoptions else None

    # The lists inside the optional parts, empty when the part is absent.

    @property
    def goal_groups(self) -> tuple[GoalGroup, ...]:
        return self.goals.groups if self.goals is not None else ()

    @property
    def terms(self) -> tuple[Definition, ...]:
        return self.definitions.terms if self.definitions is not None else ()

    @property
    def principle_items(self) -> tuple[Principle, ...]:
        return self.principles.items if self.principles is not None else ()

    @property
    def evaluation_records(self) -> tuple[EvaluationRecord, ...]:
        return self.evaluation.records if self.evaluation is not None else ()


@dataclass(frozen=True, slots=True)
class PolicyIdentity:
    """Which policy a file holds, known even when the rest of the file has errors: enough
    to check that ids are unique across a folder."""

    id: str
    draft: bool
    span: Span
