"""How often Python's cyclic garbage collector runs, for work that makes many objects and
frees few of them until it ends.

CPython collects its youngest objects every 700 allocations. A diff of two large versions
makes millions of objects (both policies, their comparison, both Word exports as lxml
trees) and keeps nearly all of them, so most of those collections find nothing: the
benchmark's Word redline spent 0.11 of its 0.6 s in them. mypy runs its build with the
same change, for the same reason.

An export is not such work: each policy's Word document leaves cycles behind, and there
the default keeps memory flat (a threshold of 50,000 raised the peak of 1,000 policies from
57 to 61 MiB, and of 200,000 to 82 MiB). So this is scoped, not set for the process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Objects allocated (less those freed) between collections of the youngest generation,
#: and how many of those, then of the next, before an older one is collected.
RARE = (200_000, 30, 30)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect rarely meanwhile: as `RARE` says, in this process and in any it forks."""
    before = gc.get_threshold()
    gc.set_threshold(*RARE)
    try:
        yield
    finally:
        gc.set_threshold(*before)
