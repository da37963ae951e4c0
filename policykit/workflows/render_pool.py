"""The processes that render an export's slow files (PDF; Word for many policies) and a
diff's slow redlines: when they start, what they ready, and how they end.

A pool starts in one of three ways:

- **Early**, once the command has counted its files and before it checks them
  (`start_early`: `export` calls it before it even imports the checks, `diff` once it has
  read its two versions). Its workers ready
  the slow writers' engines while this process checks the policies: WeasyPrint takes 0.7 s
  to import and python-docx 0.2 s, which an export of one policy would otherwise spend after
  checking it. An early pool takes every file of a slow writer. It starts only with a CPU to
  spare for this process, and only for fewer files than validation starts its own pool for
  (`edge.pool.forks_for`). It is forked while this process is still small and has no other
  thread (on Linux), or else started afresh.
- **For the batch**, once the policies are checked and the cache has been asked
  (`for_batch`), for a writer with at least its `Writer.pool_from` files to render. It is
  started afresh (`spawn`): a fork would start as large as this process, which then holds
  every policy of the batch, and the batch's peak memory would grow with it.
- **Forked with the work** (`start_forked`), for a diff's redline of two versions too large
  to send: forked once the redline is laid out, the workers start with it.

Every way, the workers end with the command (`close`): at once when it is interrupted, or
when an early pool was not needed after all (every file came from the cache).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from policykit.diagnostics.errors import PolicykitError
from policykit.edge.machine import available_cpus
from policykit.edge.pool import end_now, forks_for, interrupts_held, start_worker
from policykit.writing.registry import Writer, writer

T = TypeVar("T")


class WorkerLostError(PolicykitError):
    """A pool's worker ended before its job was done: killed from outside the command, as
    the system kills a process when memory runs out."""


def result_of(job: Future[T], what: str) -> T:
    """The bytes of a pool's `job` that makes `what` ("the Word file"); WorkerLostError if
    its worker, or another of the pool's, ended first (Python's `BrokenProcessPool`)."""
    try:
        return job.result()
    except BrokenProcessPool:
        raise WorkerLostError(
            f"the process making {what} ended before it was done",
            hint="the system may have stopped it for want of memory: run the command again",
        ) from None


def submitted(executor: ProcessPoolExecutor, job: Callable[..., T], *args: Any) -> Future[T]:
    """`executor.submit(job, *args)`; where a worker has already ended (the pool is
    broken), a future that holds that, for `result_of` to report as any lost job."""
    try:
        return executor.submit(job, *args)
    except BrokenProcessPool as broken:
        lost: Future[T] = Future()
        lost.set_exception(broken)
        return lost


@dataclass
class RenderPool:
    """The pool of one export: none until `start_early` or `for_batch` starts it."""

    writers: Sequence[Writer]
    #: The most workers (`--jobs`); None: the CPUs this process may use.
    jobs: int | None = None
    executor: ProcessPoolExecutor | None = field(default=None, init=False)
    workers: int = field(default=0, init=False)
    #: Started early: its workers take every file of a slow writer.
    early: bool = field(default=False, init=False)
    _used: bool = field(default=False, init=False)

    def start_early(self, files: int) -> None:
        """Start the workers now, for `files` policies that are about to be checked, if
        that pays (see the module's docstring)."""
        slow = [w.name for w in self.writers if w.pool_from is not None and w.ready]
        cpus = available_cpus()
        workers = min(self.jobs or cpus, files * len(slow))
        if self.executor is not None or workers < 1 or cpus < 2 or forks_for(files):
            return
        # Forked on Linux only: macOS's own libraries may run threads no count shows.
        fork = sys.platform.startswith("linux") and threading.active_count() == 1
        self._start(workers, "fork" if fork else "spawn", _start_ready, (os.getpid(), tuple(slow)))
        self.early = True

    def for_batch(self, files: int) -> ProcessPoolExecutor | None:
        """The pool for `files` files to render in it: the early one, or one started now
        for two workers or more; None, to render them in this process."""
        if files == 0:
            self.close()  # an early pool that no file needs: ended now, not at the end
            return None
        self._used = True
        if self.executor is None:
            workers = min(files, self.jobs or available_cpus())
            if workers > 1:
                self._start(workers, "spawn", start_worker, (os.getpid(),))
        return self.executor

    def taken(self) -> ProcessPoolExecutor | None:
        """The early pool, taken for jobs other than a batch's (a diff's redlines), and then
        waited for at the end; None if it did not start."""
        self._used = self.executor is not None
        return self.executor

    def start_forked(self) -> ProcessPoolExecutor | None:
        """Workers forked now, one for each slow writer, that start with all this process
        holds: for jobs too large to send (a diff's redline of two large versions). On
        Linux, and from a single thread only (see `start_early`); else None, and the jobs
        are done here."""
        slow = [w for w in self.writers if w.pool_from is not None]
        workers = min(self.jobs or available_cpus(), len(slow))
        single = sys.platform.startswith("linux") and threading.active_count() == 1
        if self.executor is not None or workers < 1 or available_cpus() < 2 or not single:
            return None
        # Left out of the workers' collections, which would otherwise copy every page of it.
        gc.freeze()
        try:
            self._start(workers, "fork", start_worker, (os.getpid(),))
        finally:
            gc.unfreeze()
        self._used = True
        return self.executor

    def _start(
        self, workers: int, method: str, initializer: Callable[..., None], initargs: tuple[Any, ...]
    ) -> None:
        """Every worker started now, not as jobs come (when an interrupt could fall between
        a worker's start and the pool's note of it): forked, all with the first job;
        spawned, one a job."""
        with interrupts_held():
            self.workers = workers
            self.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context(method),
                initializer=initializer,
                initargs=initargs,
            )
            for _ in range(1 if method == "fork" else workers):
                self.executor.submit(int)

    def close(self, interrupted: bool = False) -> None:
        """Wait for the workers to finish, or end them at once if the command was
        interrupted or never gave them a file."""
        if self.executor is None:
            return
        if interrupted or not self._used:
            end_now(self.executor)
        else:
            self.executor.shutdown(wait=True)
        self.executor = None

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(interrupted=kind is not None)


def _start_ready(parent: int, names: tuple[str, ...]) -> None:
    """An early worker's start: each slow writer's engine readied. A writer that cannot be
    readied (WeasyPrint without its libraries) fails again at its first file, where its
    message reaches the export's summary; here it would break the pool."""
    start_worker(parent)
    for name in names:
        ready = writer(name).ready
        if ready is not None:
            with contextlib.suppress(Exception):
                ready()
