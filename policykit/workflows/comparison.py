"""The library behind `policykit diff`: two versions read and checked, compared, and the
change set rendered as redlines. The CLI only parses arguments and prints.

A diff asked for a slow redline (Word, PDF) renders it in other processes while this one
prints the report and writes the others (`workflows.render_pool`):
- in a pool started early, as an export's, whose workers ready python-docx and WeasyPrint
  while the versions are read and checked;
- for versions large enough to be read at once, one here and one in a fork: the Word
  redline alone is begun by a worker forked as soon as both are checked, which drafts it
  while this process compares them (`EarlyRedline`), and finishes it with the comments;
- with a PDF redline as well, in workers forked once the redline is laid out, which start
  with it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policykit.checking.validate import SourceFile, checked_policies
from policykit.comparing.diff import ChangeSet, Overruling, compare, file_overrulings, overrule
from policykit.edge.pool import beside
from policykit.edge.revisions import VersionSource, read_version
from policykit.edge.workspace import load_settings
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.workflows.jobs import redline_job, written_redline
from policykit.writing.layout import ExportOptions, layout
from policykit.writing.reasons import Comments, comment_lines
from policykit.writing.registry import Redline, Writer, redline_date, writer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from policykit.workflows.render_pool import RenderPool
    from policykit.writing.redline_docx import DocxRedline


@dataclass(frozen=True, slots=True)
class Comparison:
    old: VersionSource
    new: VersionSource
    changes: ChangeSet
    project: Project = field(default_factory=Project)
    #: The secretariat's categories that match no change (a path that is not there).
    unmatched: tuple[Overruling, ...] = ()


@dataclass
class EarlyRedline:
    """A Word redline begun before the versions are compared. For versions large enough to
    be read in processes of their own (`PARALLEL_FROM`), a worker is forked as soon as both
    are checked, and drafts the redline (both exports, aligned and merged: all but the
    comments, `DocxRedline.draft`) while this process compares them; `redlines` then sends
    it the comments. The benchmark's Word redline took 1 s after the comparison's 0.3 s;
    most of it now runs beside it."""

    #: The redlines' options, from the project and the new version's path.
    options: Callable[[Project, Path], ExportOptions]
    author: str = "policykit"
    date: dt.datetime | None = None
    #: The worker, and the draft's job, once begun.
    executor: ProcessPoolExecutor | None = field(default=None, init=False)
    drafted: Future[None] | None = field(default=None, init=False)

    def begin(
        self, pool: RenderPool, project: Project, path: Path, old: Policy, new: Policy
    ) -> None:
        """Fork the worker and send it the draft, if Word is the only slow redline asked
        for: the draft's worker must be the one to finish it."""
        if [w.name for w in pool.writers] != ["docx"]:
            return
        self.date = redline_date(self.date)
        _INHERITED_DRAFT.append((old, new, project, self.options(project, path), self))
        try:
            executor = pool.start_forked()
        finally:
            _INHERITED_DRAFT.clear()  # the worker has its copy
        if executor is not None:
            self.executor, self.drafted = executor, executor.submit(_draft_inherited)


def compare_versions(
    old_argument: str,
    new_argument: str,
    overrulings: Sequence[Overruling] = (),
    pool: RenderPool | None = None,
    early: EarlyRedline | None = None,
) -> Comparison:
    """Read both versions (files or FILE@REV), check them, and compare them, with the
    secretariat's categories in place: the new version's `classification:`, then
    `overrulings` (from the command line), which win. `pool` starts early, once the
    versions are read, for `redlines` to render in; `early` begins the Word redline there
    before the comparison, where the versions are large."""
    old_source, new_source = read_version(old_argument), read_version(new_argument)
    project = _project(new_source.path)
    sources = [old_source, new_source]
    large = min(len(source.data) for source in sources) >= PARALLEL_FROM
    old, new = _checked(sources, project, pool, large)
    if early is not None and pool is not None and large:
        early.begin(pool, project, new_source.path, old, new)
    changes, unmatched = overrule(compare(old, new), [*file_overrulings(new), *overrulings])
    return Comparison(old_source, new_source, changes, project, tuple(unmatched))


def _project(path: Path) -> Project:
    """The settings of the project the new version belongs to; InvalidInputError if its
    project file has errors."""
    folder = path.absolute().parent
    while not folder.is_dir():  # a file that exists only at a revision
        folder = folder.parent
    return load_settings(folder)


#: Versions this large (the smaller of the two, in bytes) are read and checked at once, the
#: new one in a forked process (`edge.pool.beside`): the benchmark's two versions of 500
#: principles (850 KB each) took 0.5–0.7 s one after the other and 0.4–0.5 s at once. The
#: seed's (15 KB) are read here, where a fork would cost more than it saves.
PARALLEL_FROM = 200_000


def _checked(
    sources: Sequence[VersionSource], project: Project, pool: RenderPool | None, large: bool
) -> list[Policy]:
    """Each version's policy; InvalidInputError if a file has errors. The pool starts
    early only for versions checked here, not `large` ones: the pair's forks would copy
    its threads."""
    files = [SourceFile(source.label, source.data, source.draft) for source in sources]
    if pool is not None and not large:
        pool.start_early(1)
    return checked_policies(files, project, "it cannot be compared", beside if large else map)


def redline(
    comparison: Comparison,
    chosen: Writer,
    options: ExportOptions,
    *,
    author: str = "policykit",
    date: dt.datetime | None = None,
) -> bytes:
    """The redline document as bytes, in the format of `chosen` (HTML, PDF, or Word with
    tracked changes)."""
    return written_redline(_redline(comparison, options, author, date), chosen)


def redlines(
    comparison: Comparison,
    chosen: Sequence[Writer],
    options: ExportOptions,
    *,
    author: str = "policykit",
    date: dt.datetime | None = None,
    pool: RenderPool | None = None,
    early: EarlyRedline | None = None,
) -> list[Callable[[], bytes]]:
    """The redline in each format of `chosen`, in order, each as a call that gives its
    bytes: a slow writer's is sent now to `pool`'s workers (`_workers`), or finished there
    if `early` began it; any other is made when it is called. Both versions are laid out
    once, for all of them."""
    if early is not None and early.drafted is not None:
        return _finished_early(comparison, chosen, options, early)
    made = _redline(comparison, options, author, date)
    slow = any(each.pool_from is not None for each in chosen)
    send = _workers(pool, made) if pool is not None and slow else None
    return [
        send(each) if send is not None and each.pool_from is not None
        else functools.partial(written_redline, made, each)
        for each in chosen
    ]  # fmt: skip


def _finished_early(
    comparison: Comparison, chosen: Sequence[Writer], options: ExportOptions, early: EarlyRedline
) -> list[Callable[[], bytes]]:
    """The Word redline's comments sent to the worker that drafted it; the other redlines
    made here when called."""
    from policykit.workflows.render_pool import submitted  # imported with the pool

    assert early.executor is not None and early.drafted is not None
    made = _redline(comparison, options, early.author, early.date)
    comments = comment_lines(made.changes, made.old, made.new)
    finished = submitted(early.executor, _finish_inherited, comments)
    drafted = early.drafted
    return [
        functools.partial(_early_bytes, drafted, finished) if each.name == "docx"
        else functools.partial(written_redline, made, each)
        for each in chosen
    ]  # fmt: skip


def _early_bytes(drafted: Future[None], finished: Future[bytes]) -> bytes:
    """The early Word redline's bytes: the draft's error first, if it had one."""
    from policykit.workflows.render_pool import result_of  # imported with the pool

    result_of(drafted, "the Word redline")
    return result_of(finished, "the Word redline")


def _workers(pool: RenderPool, made: Redline) -> Callable[[Writer], Callable[[], bytes]] | None:
    """How a slow redline is sent to the workers, and its bytes then had: the pool started
    early, sent the redline with each job; or, for versions too large for that
    (`_checked`), workers forked now, which start with it (sending the benchmark's redline
    would take 0.13 s here and 0.14 s there). None if there are none."""
    from policykit.workflows.render_pool import result_of, submitted  # imported with the pool

    executor = pool.taken()
    job: Callable[[str], bytes] = functools.partial(redline_job, made)
    if executor is None:
        _INHERITED.append(made)
        try:
            executor, job = pool.start_forked(), _inherited_job
        finally:
            _INHERITED.clear()  # the workers have their copy
    if executor is None:
        return None
    pooled = executor

    def send(each: Writer) -> Callable[[], bytes]:
        sent = submitted(pooled, job, each.name)
        return functools.partial(result_of, sent, f"the {each.title} redline")

    return send


def _redline(
    comparison: Comparison, options: ExportOptions, author: str, date: dt.datetime | None
) -> Redline:
    changes, project = comparison.changes, comparison.project
    old = layout(changes.old, project, options)
    new = layout(changes.new, project, options)
    return Redline(changes, old, new, author, date)


#: The redline that the workers forked by `_workers` start with, while they are forked.
_INHERITED: list[Redline] = []


def _inherited_job(name: str) -> bytes:
    return written_redline(_INHERITED[0], writer(name))


#: What the worker forked by `EarlyRedline.begin` drafts, while it is forked: both
#: versions, the project, the options and the redline's record.
_INHERITED_DRAFT: list[tuple[Policy, Policy, Project, ExportOptions, EarlyRedline]] = []
#: In that worker, the draft its first job made, for its second to finish.
_DRAFTED: list[DocxRedline] = []


def _draft_inherited() -> None:
    from policykit.writing.redline_docx import DocxRedline

    old, new, project, options, early = _INHERITED_DRAFT[0]
    assert early.date is not None  # set as it began
    draft = DocxRedline.draft(
        layout(old, project, options), layout(new, project, options), early.author, early.date
    )
    _DRAFTED.append(draft)


def _finish_inherited(comments: Comments) -> bytes:
    # The draft is kept, not let go of: freeing its trees took 50 ms before the bytes were
    # sent back, and the worker ends with the command, without freeing anything.
    return _DRAFTED[0].finish(comments)
