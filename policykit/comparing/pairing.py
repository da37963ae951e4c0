"""Which old part is which new one, by similar text: the one pairing primitive that the differ
and both redlines use, with its threshold stated once.

Pairs are taken best first: the most alike pair of all candidates, then the most alike of the
rest, and so on, each index used once, down to `SIMILAR`. The differ lets pairs cross, since it
finds moves afterwards; the redlines, which lay out one sequence, keep them in order
(`ordered=True`), so that no pair crosses another.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence

from policykit.comparing.bounds import Shortcut, opcodes, reach

#: Below this word similarity, two parts are a removal and an addition, not one edited.
#: (`words.similarity` stops early below it.)
SIMILAR = 0.5


def pair_similar(
    candidates: Iterable[tuple[int, int]],
    score: Callable[[int, int], float],
    *,
    ordered: bool = False,
    paired: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Old index → new index for the candidate pairs scoring at least `SIMILAR`, best first.

    `score` may return less than its true value for a pair it can tell is below `SIMILAR`
    (a cheap bound). Indexes in `paired`, pairs made already, are not paired again; with
    `ordered`, no new pair crosses them or another new pair.
    """
    scored = sorted((-value, i, j) for i, j in candidates if (value := score(i, j)) >= SIMILAR)
    taken_old = dict(paired or {})
    taken_new = set(taken_old.values())
    in_order = sorted(taken_old.items()) if ordered else []  # sorted by both indexes
    made: dict[int, int] = {}
    for _, i, j in scored:
        if i in taken_old or j in taken_new:
            continue
        if ordered:
            at = bisect.bisect_left(in_order, (i, -1))
            crosses_before = at > 0 and in_order[at - 1][1] >= j
            crosses_after = at < len(in_order) and in_order[at][1] <= j
            if crosses_before or crosses_after:
                continue
            in_order.insert(at, (i, j))
        taken_old[i] = j
        taken_new.add(j)
        made[i] = j
    return made


#: Up to this many combinations, every element of a changed stretch is compared with every
#: other; beyond it, only with those within NEAR places of where it would be.
ALL_WITH_ALL = 40_000
NEAR = 60

#: An aligned element: (old index, new index), either None for one only that side has.
Aligned = tuple[int | None, int | None]


def align(
    old: Sequence[Hashable],
    new: Sequence[Hashable],
    score: Callable[[int, int], float],
    may_pair: Callable[[int, int], bool] = lambda i, j: True,
    by_place: Callable[[int, int], bool] | None = None,
) -> list[Aligned]:
    """Two sequences in one, in order, by their keys: equal runs as `difflib` finds them,
    and within each stretch that changed, the most alike elements paired (`pair_similar`,
    in order, only where `may_pair`); the rest deleted, then inserted, where they stand.
    `score` and `may_pair` take indexes into `old` and `new`.

    `by_place` pairs what is left between two pairs by place, however reworded, where each
    side has as many and every one is `by_place` with its counterpart: the items of a
    numbered list, whose number says which item is which ("2." rewritten is still item 2)."""
    out: list[Aligned] = []
    for tag, i1, i2, j1, j2 in opcodes(old, new):
        if tag == "equal":
            out.extend(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        candidates = (
            (i1 + i, j1 + j) for i, j in near(i2 - i1, j2 - j1) if may_pair(i1 + i, j1 + j)
        )
        made = sorted(pair_similar(candidates, score, ordered=True).items())
        next_old, next_new = i1, j1
        for i, j in [*made, (i2, j2)]:
            gap = list(zip(range(next_old, i), range(next_new, j), strict=False))
            if by_place and i - next_old == j - next_new and all(by_place(*p) for p in gap):
                out.extend(gap)
            else:
                out.extend((k, None) for k in range(next_old, i))
                out.extend((None, k) for k in range(next_new, j))
            if i < i2:
                out.append((i, j))
            next_old, next_new = i + 1, j + 1
    return out


def near(old: int, new: int) -> Iterator[tuple[int, int]]:
    """The (old, new) index pairs worth comparing: all of them up to ALL_WITH_ALL, and beyond
    it each old index with the new ones within NEAR places of where it would be."""
    if old * new <= ALL_WITH_ALL:
        yield from ((i, j) for i in range(old) for j in range(new))
        return
    reach(Shortcut.NEAR)
    for i in range(old):
        centre = i * new // old
        yield from ((i, j) for j in range(max(0, centre - NEAR), min(new, centre + NEAR + 1)))
