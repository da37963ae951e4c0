"""The bounds on the work of comparing, and where a diff reached them.

Comparing two versions runs `difflib.SequenceMatcher` over lines, words and parts. Its
time grows with the product of the lengths, and on repetitive input (a word, a line, a
space that recurs thousands of times) with the product of the repetitions, so a hostile
paragraph of 20,000 words took minutes. Every sequence is therefore matched through
`matching_blocks`, which is difflib itself within `MAX_COMPARED` and an anchored match
beyond it; the bounds on pairing (`pairing.near`, `diff.GLOBAL_PAIRING_LIMIT`) are stated
beside their algorithms. A bound reached is a `Shortcut`, which `recording` collects for the report.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Literal

#: Up to this product of two sequences' lengths (two sequences of 2,000), difflib compares
#: them as it always does; beyond it, `opcodes` anchors the match first.
MAX_COMPARED = 4_000_000

Tag = Literal["equal", "replace", "delete", "insert"]
#: As difflib gives them: (tag, i1, i2, j1, j2).
Opcode = tuple[Tag, int, int, int, int]


class Shortcut(StrEnum):
    """A bound on the work of comparing, reached: where a diff of a hostile or very changed
    input stops comparing everything with everything, and so may pair or match less well."""

    #: A long changed stretch: each part compared only with those near its place.
    NEAR = "near"
    #: Too many parts left unpaired to compare all of them with all, across the list.
    ACROSS = "across"
    #: A long stretch with nothing that occurs once on each side to anchor on, taken as
    #: replaced whole (`matching_blocks`).
    WHOLE = "whole"


# The shortcuts reached while `recording` runs. A context variable, not a parameter, since
# the bounds are reached deep in scoring functions that every differ and redline shares,
# and only the diff's report needs to know.
_reached: ContextVar[set[Shortcut] | None] = ContextVar("reached", default=None)


@contextmanager
def recording() -> Iterator[set[Shortcut]]:
    """The shortcuts taken while the block runs (an outer block gets them too)."""
    reached: set[Shortcut] = set()
    token = _reached.set(reached)
    try:
        yield reached
    finally:
        _reached.reset(token)
        outer = _reached.get()
        if outer is not None:
            outer.update(reached)


def reach(shortcut: Shortcut) -> None:
    """Note that a bound was reached, for the `recording` block around it, if any."""
    reached = _reached.get()
    if reached is not None:
        reached.add(shortcut)


def opcodes(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """`SequenceMatcher(None, a, b, autojunk=False).get_opcodes()`, in time that stays near
    linear for long sequences (see `matching_blocks`)."""
    if len(a) * len(b) <= MAX_COMPARED:
        return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return _from_blocks(matching_blocks(a, b), len(a), len(b))


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """The blocks (i, j, size) that a and b share, in order, without difflib's final empty one.

    Within `MAX_COMPARED` this is difflib's answer exactly. Beyond it, the shared start
    and end are matched first, then the elements that occur once in each side's middle,
    in order (as patience diff does), and each stretch between them the same way, until
    it is small enough for difflib. A long stretch with no such element is taken as
    replaced whole (`Shortcut.WHOLE`): that is where the quadratic time was.
    """
    if len(a) * len(b) <= MAX_COMPARED:
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        return [(i, j, n) for i, j, n in matcher.get_matching_blocks() if n]
    return _anchored_blocks(a, b)


def _anchored_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int, int]]:
    """Matching blocks (i, j, size), in order, of a and b, as `opcodes` describes."""
    blocks: list[tuple[int, int, int]] = []
    # A stack, not recursion: a hostile input could nest stretches deeper than Python allows.
    stack = [(0, len(a), 0, len(b))]
    while stack:
        a_lo, a_hi, b_lo, b_hi = stack.pop()
        head = _shared(a, b, range(a_lo, a_hi), range(b_lo, b_hi))
        tail = _shared(
            a, b, range(a_hi - 1, a_lo + head - 1, -1), range(b_hi - 1, b_lo + head - 1, -1)
        )
        if head:
            blocks.append((a_lo, b_lo, head))
        if tail:
            blocks.append((a_hi - tail, b_hi - tail, tail))
        a_lo, b_lo, a_hi, b_hi = a_lo + head, b_lo + head, a_hi - tail, b_hi - tail
        if a_lo == a_hi or b_lo == b_hi:
            continue
        if (a_hi - a_lo) * (b_hi - b_lo) <= MAX_COMPARED:
            matcher = SequenceMatcher(None, a[a_lo:a_hi], b[b_lo:b_hi], autojunk=False)
            blocks.extend((a_lo + i, b_lo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
            continue
        anchors = _unique_in_order(a, b, a_lo, a_hi, b_lo, b_hi)
        if not anchors:
            reach(Shortcut.WHOLE)
            continue
        # Each anchor is a match of one; the stretches around them are matched in turn.
        edges = [(a_lo - 1, b_lo - 1), *anchors, (a_hi, b_hi)]
        for (i0, j0), (i1, j1) in itertools.pairwise(edges):
            if (i1, j1) != (a_hi, b_hi):
                blocks.append((i1, j1, 1))
            if i0 + 1 < i1 or j0 + 1 < j1:
                stack.append((i0 + 1, i1, j0 + 1, j1))
    return _joined(sorted(blocks))


def _shared(a: Sequence[Hashable], b: Sequence[Hashable], ia: range, ib: range) -> int:
    """How many elements a and b share along the two ranges, from their starts."""
    count = 0
    for i, j in zip(ia, ib, strict=False):
        if a[i] != b[j]:
            break
        count += 1
    return count


def _unique_in_order(
    a: Sequence[Hashable], b: Sequence[Hashable], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[tuple[int, int]]:
    """The (i, j) of elements that occur once in a[a_lo:a_hi] and once in b[b_lo:b_hi], the
    longest run of them whose positions rise on both sides."""
    in_a = Counter(a[i] for i in range(a_lo, a_hi))
    in_b = Counter(b[j] for j in range(b_lo, b_hi))
    where_b = {b[j]: j for j in range(b_lo, b_hi) if in_b[b[j]] == 1 and in_a[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(a_lo, a_hi) if a[i] in where_b]
    return longest_rising(pairs)


def longest_rising(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (i, j) pairs, sorted by i, whose j also rise (n log n)."""
    tails: list[int] = []  # tails[k]: index into pairs of the smallest end of a run of k+1
    ends: list[int] = []  # the j at each of those ends
    previous: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        position = bisect.bisect_left(ends, j)
        if position > 0:
            previous[index] = tails[position - 1]
        if position == len(tails):
            tails.append(index)
            ends.append(j)
        else:
            tails[position] = index
            ends[position] = j
    run: list[tuple[int, int]] = []
    index = tails[-1] if tails else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]


def _joined(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Adjacent blocks as one, as difflib gives them."""
    out: list[tuple[int, int, int]] = []
    for i, j, n in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + n)
        else:
            out.append((i, j, n))
    return out


def _from_blocks(blocks: list[tuple[int, int, int]], a_len: int, b_len: int) -> list[Opcode]:
    """Opcodes from matching blocks, as `SequenceMatcher.get_opcodes` makes them."""
    out: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*blocks, (a_len, b_len, 0)]:
        tag: Tag | None = None
        if i < ai and j < bj:
            tag = "replace"
        elif i < ai:
            tag = "delete"
        elif j < bj:
            tag = "insert"
        if tag is not None:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out
