"""Pools of processes: for work on many files, sized by the CPUs this process may use; and
what every worker of policykit's pools does as it starts, and how a pool is ended."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from policykit.edge.machine import available_cpus

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Below this many items, a pool costs more to start than it saves.
POOL_FROM = 48


def _workers_for(count: int, pool_from: int = POOL_FROM) -> int:
    """How many processes `pooled_map` shares `count` items among: one, for a few."""
    return min(available_cpus(), count // max(1, pool_from // 2))


def forks_for(count: int, pool_from: int = POOL_FROM) -> bool:
    """Whether `pooled_map` over `count` items runs in a pool (with more than one CPU)."""
    return _workers_for(count, pool_from) >= 2


def pooled_map(
    function: Callable[[Any], Any], items: Sequence[Any], *, pool_from: int = POOL_FROM
) -> Iterable[Any]:
    """`map(function, items)`, in order: across forked processes for `pool_from` items or
    more (a few large ones pay for a pool too: `pool_from=2`) on a machine with more than
    one CPU for this process, else here. Forked, so that the workers start with what this
    process has imported and set up, at no cost."""
    if not forks_for(len(items), pool_from) or not _forkable():
        return list(map(function, items))
    workers = _workers_for(len(items), pool_from)
    chunk = max(1, len(items) // (workers * 8))
    with _forked(workers) as pool:
        return list(pool.map(function, items, chunksize=chunk))


def beside(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """`map(function, items)`, in order: the last item in a process forked for it, and the
    others here meanwhile. For a few large items (a diff's two versions): this process
    would otherwise wait for both, and then read both results back (the benchmark's two
    policies took 30 and 52 ms to unpickle). Here alone with one CPU, or without `fork`."""
    if len(items) < 2 or available_cpus() < 2 or not _forkable():
        return list(map(function, items))
    with _forked(1) as pool:
        there = pool.submit(function, items[-1])
        here = [function(item) for item in items[:-1]]
        return [*here, there.result()]


def _forkable() -> bool:
    # Imported here: a command on one file has no pool, and no time for these imports.
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def _forked(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `workers` processes forked from this one. What this process has made so
    far is left out of every collection, in the workers and here (as Python's
    documentation advises before a fork): a worker's collections would otherwise walk, and
    so copy, every page of it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield pool
    finally:
        gc.unfreeze()


#: The signals that interrupt a command: Ctrl-C, and SIGTERM (which `cli.app` makes one).
INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while a pool starts its workers: an interrupt between a
    worker's start and the pool's note of it would leave a pool that can be neither ended
    nor waited for, and one while a spawned worker is sent its start would leave it to
    print a traceback. A held signal arrives as soon as the workers have started (and each
    worker, which starts with them held, lets them through in `start_worker`).

    Held twice: blocked, for a signal sent from now on; and its Python handler put off, for
    one that came just before, or that another thread of this process took, whose handler
    Python would otherwise run here in the main thread all the same."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signals to hold
        yield
        return
    pending: list[int] = []
    handlers = _put_off(pending)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield
    finally:
        # Unblocked first, so that a signal held until now is taken by the stand-in.
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        for number, handler in handlers.items():  # None: a handler set outside Python
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(pending):
            signal.raise_signal(number)


def _put_off(pending: list[int]) -> dict[int, Any]:
    """In the main thread (where Python runs every handler, and alone may set one): each
    interrupt's handler replaced by one that notes the signal in `pending`. The handlers it
    replaced, to put back."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def note(number: int, frame: object) -> None:
        pending.append(number)

    return {number: signal.signal(number, note) for number in sorted(INTERRUPTS)}


def start_worker(parent: int) -> None:
    """In each worker of a pool, as it starts: end when the command ends, however it ends,
    and leave an interrupt to the command, which ends its workers itself (`end_now`): a
    worker that took Ctrl-C, or the command's SIGTERM handler, would print a traceback.
    Linux ends the worker as its parent dies (even by SIGKILL); elsewhere, a thread notices
    the parent gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    # The parent may have gone before prctl: and on other systems, this is the only guard.
    watcher = threading.Thread(target=_watch_parent, args=(parent,), daemon=True)
    watcher.start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def end_now(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers at once, whatever they are doing: Python's exit waits for a
    pool's workers, so an interrupted command, or one whose workers are still readying
    what no file turned out to need, would wait for them. (Python 3.14 has
    `terminate_workers`; before it, the workers are the executor's `_processes`.)"""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for worker in list((getattr(pool, "_processes", None) or {}).values()):
        worker.terminate()
    # Waited for, now that the workers are gone, so that the pool's thread has closed its
    # pipes before Python's exit writes to them (3.11 reports a bad file descriptor).
    pool.shutdown(wait=True, cancel_futures=True)
