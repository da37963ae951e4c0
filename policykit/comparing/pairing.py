"""Which old part is which new one, by similar text: the one pairing primitive that the differ
and both redlines use, with its threshold stated once.

Pairs are taken best first: the most alike pair of all candidates, then the most alike of the
rest, and so on, each index used once, down to `SIMILAR`. The differ lets pairs cross, since it
finds moves afterwards; the redlines, which lay out one sequence, keep them in order
(`ordered=True`), so that no pair crosses another.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping

#: Below this word similarity, two parts are a removal and an addition, not one edited.
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
