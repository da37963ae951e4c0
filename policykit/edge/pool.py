"""A pool of processes for work on many files, sized by the CPUs this process may use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from policykit.edge.machine import available_cpus

#: Below this many items, a pool costs more to start than it saves.
POOL_FROM = 48


def pooled_map(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterable[Any]:
    """`map(function, items)`, in order: across forked processes for many items on a
    machine with more than one CPU for this process, else here. Forked, so that the
    workers start with what this process has imported and set up, at no cost."""
    workers = min(available_cpus(), len(items) // (POOL_FROM // 2))
    if workers < 2:
        return list(map(function, items))
    # Imported here: a command on one file has no pool, and no time for these imports.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return list(map(function, items))
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(items) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=chunk))
