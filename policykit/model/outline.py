"""The outline of a policy: its parts and their order, stated once.

Everything that walks a policy walks this: the checks (readability per section, the words a
reader sees), the document layout (numbers, anchors, default headings), the differ (the order
of its parts), the Word and Markdown writers, and the templates of the page and the redline.

`PARTS` lists the typed parts in their default order. `outline(policy)` expands the parts a
policy has, and its free sections, into the sections a reader sees, in the author's order
(`Policy.order`): one per typed part, except the principles, which give one section per
principle after a section for their introduction if they have one, and one per free section.
A part a policy lacks gives no section at all.

To add a part: add its dataclass to `model.policy` and a field to `Policy`, add a `Part` to
`PARTS` below with how its sections are made, and a label (its default heading) to each
locale. Writers that lay out its content then each add a case for its kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from policykit.model.policy import (
    Definitions,
    Evaluation,
    Goals,
    Policy,
    Principle,
    Principles,
    Prose,
    Purpose,
    Section,
    Span,
)

#: What a section holds, which says how it is laid out.
Kind = Literal[
    "purpose", "goals", "definitions", "principles", "principle", "evaluation", "section"
]
Node = Purpose | Goals | Definitions | Principles | Principle | Evaluation | Section


@dataclass(frozen=True, slots=True)
class Entry:
    """One numbered section of a policy."""

    kind: Kind
    #: The part it belongs to: one of `PARTS`.
    part: str
    #: Where it is in the YAML, as the checks and the differ name it: `principles[dialog]`.
    path: str
    #: A stable HTML id and bookmark name: `purpose`, `principle-dialog`.
    anchor: str
    #: The policy's own heading; None means the language's default for `kind`.
    heading: str | None
    node: Node
    span: Span
    #: False for a free section outside the count, such as an annex.
    numbered: bool = True

    @property
    def prose(self) -> tuple[Prose, ...]:
        """The section's prose, flattened: what readability metrics and term checks read."""
        return tuple(node_prose(self.node))


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the format: its name (its key in the YAML and its label) and the sections
    it gives a policy."""

    name: str
    sections: Callable[[Policy], Iterator[Entry]]


def _single(
    name: Kind, get: Callable[[Policy], Purpose | Goals | Definitions | Evaluation | None]
) -> Callable[[Policy], Iterator[Entry]]:
    """A part that is one section, when the policy has it."""

    def sections(policy: Policy) -> Iterator[Entry]:
        node = get(policy)
        if node is not None:
            yield Entry(name, name, name, name, node.heading, node, node.span)

    return sections


def _principles(policy: Policy) -> Iterator[Entry]:
    """An introduction of its own, if there is one, then one section per principle."""
    principles = policy.principles
    if principles is None:
        return
    if principles.intro:
        yield Entry(
            "principles",
            "principles",
            "principles",
            "principles",
            principles.heading,
            principles,
            principles.span,
        )
    for item in principles.items:
        yield Entry(
            "principle",
            "principles",
            f"principles[{item.id}]",
            f"principle-{item.id}",
            item.title,
            item,
            item.span,
        )


PARTS: tuple[Part, ...] = (
    Part("purpose", _single("purpose", lambda p: p.purpose)),
    Part("goals", _single("goals", lambda p: p.goals)),
    Part("definitions", _single("definitions", lambda p: p.definitions)),
    Part("principles", _principles),
    Part("evaluation", _single("evaluation", lambda p: p.evaluation)),
)

#: The typed parts' names in their default order.
PART_NAMES: tuple[str, ...] = tuple(part.name for part in PARTS)
_BY_NAME = {part.name: part for part in PARTS}


def section_key(section: Section, index: int) -> str:
    """A free section's name in `order:` and in paths: its id, or its place in the list."""
    return section.id or f"sections[{index + 1}]"


def default_order(policy: Policy) -> tuple[str, ...]:
    """The typed parts the policy has, in their default order, then its free sections."""
    present = tuple(name for name in PART_NAMES if getattr(policy, name) is not None)
    return present + tuple(section_key(s, i) for i, s in enumerate(policy.sections))


def outline(policy: Policy) -> tuple[Entry, ...]:
    """The policy's sections in the author's order, as in the seed (1–7) for format 1."""
    free = {section_key(s, i): (i, s) for i, s in enumerate(policy.sections)}
    entries: list[Entry] = []
    for name in policy.order or default_order(policy):
        if name in _BY_NAME:
            entries.extend(_BY_NAME[name].sections(policy))
        elif name in free:
            index, section = free[name]
            entries.append(_free(section, index))
    return tuple(entries)


def numbered(entries: Iterable[Entry]) -> Iterator[tuple[int | None, Entry]]:
    """Each section with its number as a reader sees it: none for one outside the count."""
    count = 0
    for entry in entries:
        count += entry.numbered
        yield (count if entry.numbered else None), entry


def _free(section: Section, index: int) -> Entry:
    key = section.id or str(index + 1)
    return Entry(
        "section",
        "sections",
        f"sections[{key}]",
        f"section-{key}",
        section.heading,
        section,
        section.span,
        numbered=section.numbered,
    )


def walk(section: Section, depth: int = 0) -> Iterator[tuple[int, Section]]:
    """A free section and its subsections, depth first, each with its depth (0 for itself)."""
    yield depth, section
    for child in section.subsections:
        yield from walk(child, depth + 1)


def node_prose(node: Node) -> Iterator[Prose]:
    """A part's or section's prose, flattened, in document order."""
    if isinstance(node, Purpose | Principle):
        yield node.text
    elif isinstance(node, Goals):
        yield from [node.intro] if node.intro else []
        for group in node.groups:
            yield from [group.intro] if group.intro else []
            yield from (item.text for item in group.items)
    elif isinstance(node, Definitions):
        yield from [node.intro] if node.intro else []
        yield from (term.text for term in node.terms)
    elif isinstance(node, Principles):
        yield from [node.intro] if node.intro else []
    elif isinstance(node, Section):
        yield from (s.text for _, s in walk(node) if s.text is not None)
    else:
        yield node.rule
