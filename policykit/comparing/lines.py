"""Prose compared line by line: each paragraph and list item of two versions of a prose field,
aligned, and a reworded one diffed word by word with its bold, italics and links kept.

This is what a redline shows of changed prose, and the ChangeSet carries it for each prose
field that changed (`Change.lines`), so that no writer compares prose again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from policykit.comparing.pairing import pair_similar
from policykit.comparing.words import Op, similarity, styled_diff
from policykit.model.policy import (
    Block,
    BlockQuote,
    Emphasis,
    Inline,
    Link,
    OrderedList,
    Paragraph,
    Prose,
    SoftBreak,
    Strong,
    Text,
)

#: A stretch of inline text's look: bold, italic, and the link it is part of.
Style = tuple[bool, bool, str | None]
Status = Literal["equal", "changed", "deleted", "inserted"]
PLAIN: Style = (False, False, None)


@dataclass(frozen=True, slots=True)
class Line:
    """A paragraph or list item's first paragraph ('li'), or a further paragraph in an item
    ('more'), with its list depth and number: what prose is aligned by."""

    kind: Literal["p", "li", "more"]
    depth: int
    ordered: bool
    number: int
    quote: bool
    segments: tuple[tuple[str, Style], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.segments)

    @property
    def key(self) -> tuple[object, ...]:
        return (self.kind, self.depth, self.ordered, self.quote, self.segments)


@dataclass(frozen=True, slots=True)
class MergedLine:
    status: Status
    line: Line
    pieces: tuple[tuple[Op, str, Style], ...]


def prose_lines(prose: Prose | None) -> list[Line]:
    return list(_block_lines(prose.blocks, 0, False)) if prose is not None else []


def _block_lines(blocks: Sequence[Block], depth: int, quote: bool) -> Iterator[Line]:
    for block in blocks:
        if isinstance(block, Paragraph):
            kind: Literal["p", "more"] = "p" if depth == 0 else "more"
            yield Line(kind, depth, False, 0, quote, _segments(block.children))
        elif isinstance(block, BlockQuote):
            yield from _block_lines(block.blocks, depth, True)
        else:
            ordered = isinstance(block, OrderedList)
            start = block.start if isinstance(block, OrderedList) else 1
            for number, item in enumerate(block.items, start=start):
                rest = list(item.blocks)
                first = rest[0] if rest else None
                segments: tuple[tuple[str, Style], ...] = ()
                if isinstance(first, Paragraph):
                    segments = _segments(first.children)
                    rest.pop(0)
                yield Line("li", depth + 1, ordered, number, quote, segments)
                yield from _block_lines(rest, depth + 1, quote)


def _segments(inlines: Sequence[Inline], style: Style = PLAIN) -> tuple[tuple[str, Style], ...]:
    out: list[tuple[str, Style]] = []
    bold, italic, href = style
    for node in inlines:
        if isinstance(node, Text):
            out.append((node.text, style))
        elif isinstance(node, SoftBreak):
            out.append((" ", style))
        elif isinstance(node, Emphasis):
            out.extend(_segments(node.children, (bold, True, href)))
        elif isinstance(node, Strong):
            out.extend(_segments(node.children, (True, italic, href)))
        else:
            assert isinstance(node, Link)
            out.extend(_segments(node.children, (bold, italic, node.href)))
    return tuple(out)


def merge_lines(old: Sequence[Line], new: Sequence[Line]) -> list[MergedLine]:
    """The lines of both versions in one sequence: unchanged, reworded (paired by similar
    text within a stretch that changed), deleted or inserted."""
    merged: list[MergedLine] = []
    matcher = SequenceMatcher(None, [x.key for x in old], [x.key for x in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            merged.extend(_whole("equal", line) for line in new[j1:j2])
        else:
            merged.extend(_pair_lines(old[i1:i2], new[j1:j2]))
    return merged


def _pair_lines(old: Sequence[Line], new: Sequence[Line]) -> Iterator[MergedLine]:
    """Within a changed stretch, pair the most alike lines of the same kind and depth, in
    order (`pairing.pair_similar`); the rest are deleted or inserted."""
    candidates = (
        (i, j)
        for i, line in enumerate(old)
        for j, other in enumerate(new)
        if (line.kind, line.depth) == (other.kind, other.depth)
    )
    made = pair_similar(candidates, lambda i, j: similarity(old[i].text, new[j].text), ordered=True)
    next_old = next_new = 0
    for i, j in [*sorted(made.items()), (len(old), len(new))]:
        yield from (_whole("deleted", line) for line in old[next_old:i])
        yield from (_whole("inserted", line) for line in new[next_new:j])
        if i < len(old):
            yield MergedLine(
                "changed", new[j], tuple(styled_diff(old[i].segments, new[j].segments))
            )
        next_old, next_new = i + 1, j + 1


def _whole(status: Status, line: Line) -> MergedLine:
    op: Op = {"deleted": "delete", "inserted": "insert"}.get(status, "equal")  # type: ignore[assignment]
    return MergedLine(status, line, tuple((op, text, style) for text, style in line.segments))


def diff_prose(old: Prose | None, new: Prose | None) -> tuple[MergedLine, ...]:
    """Two versions of a prose field (either may be missing), line by line."""
    return tuple(merge_lines(prose_lines(old), prose_lines(new)))


def unchanged(prose: Prose | None, status: Status = "equal") -> tuple[MergedLine, ...]:
    """Prose shown whole: unchanged, or all deleted or all inserted."""
    return tuple(_whole(status, line) for line in prose_lines(prose))
