"""The outline of a policy: its parts and their order, stated once.

Everything that walks a policy walks this: the checks (readability per section, the words a
reader sees), the document layout (numbers, anchors, default headings), the differ (the order
of its parts), the Word and Markdown writers, and the templates of the page and the redline.

`PARTS` lists the policy's parts in document order. `outline(policy)` expands them into the
numbered sections a reader sees: one per part, except the principles, which give one section
per principle, after a section for their introduction if they have one.

To add a part: add its dataclass to `model.policy` and a field to `Policy`, add a `Part` to
`PARTS` below with how its sections are made, and a label (its default heading) to each
locale. Writers that lay out its content then each add a case for its kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    Span,
)

#: What a section holds, which says how it is laid out.
Kind = Literal["purpose", "goals", "definitions", "principles", "principle", "evaluation"]
Node = Purpose | Goals | Definitions | Principles | Principle | Evaluation


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

    @property
    def prose(self) -> tuple[Prose, ...]:
        """The section's prose, flattened: what readability metrics and term checks read."""
        return tuple(_prose(self.node))


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the format: its name (its key in the YAML and its label) and the sections
    it gives a policy."""

    name: str
    sections: Callable[[Policy], Iterator[Entry]]


def _single(
    name: Kind, get: Callable[[Policy], Purpose | Goals | Definitions | Evaluation]
) -> Callable[[Policy], Iterator[Entry]]:
    """A part that is one section."""

    def sections(policy: Policy) -> Iterator[Entry]:
        node = get(policy)
        yield Entry(name, name, name, name, node.heading, node, node.span)

    return sections


def _principles(policy: Policy) -> Iterator[Entry]:
    """An introduction of its own, if there is one, then one section per principle."""
    principles = policy.principles
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

#: The parts' names in document order.
PART_NAMES: tuple[str, ...] = tuple(part.name for part in PARTS)


def outline(policy: Policy) -> tuple[Entry, ...]:
    """The policy's numbered sections in document order, as in the seed (1–7)."""
    return tuple(entry for part in PARTS for entry in part.sections(policy))


def _prose(node: Node) -> Iterator[Prose]:
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
    else:
        yield node.rule
