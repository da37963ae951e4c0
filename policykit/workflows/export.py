"""Exporting policies to files: the writers of the registry, run over a batch.

The writers are pure; this module lays each policy out, has it written in the formats asked
for, and writes every file atomically through the edge. A failed export leaves the previous
file intact and no stray file behind. Slow writers (PDF, and Word for many policies) run
in a process pool across the cores (`workflows.render_pool`).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from policykit.checking.shelf import Card, Shelf
from policykit.diagnostics.errors import PolicykitError, UsageError
from policykit.edge.cache import RenderCache
from policykit.edge.files import prepare_folder, write_atomic
from policykit.edge.fingerprint import code_fingerprint, fingerprint
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.workflows.jobs import finish_job, render, render_job
from policykit.workflows.render_pool import RenderPool, result_of
from policykit.writing.layout import ExportOptions, Templates, layout
from policykit.writing.registry import WRITERS, Writer, output_name


@dataclass(slots=True)
class Outcome:
    """What happened to one policy in a batch."""

    policy: Card
    written: list[Path] = field(default_factory=list)
    error: str | None = None


def export_batch(
    policies: Sequence[Policy],
    project: Project,
    options: ExportOptions,
    writers: Sequence[Writer],
    out_dir: Path,
    advance: Callable[[], None] = lambda: None,
    *,
    cache: RenderCache | None = None,
    jobs: int | None = None,
    force: bool = False,
    pool: RenderPool | None = None,
    project_cards: Sequence[Card] | None = None,
) -> list[Outcome]:
    """Export every policy; one that fails is reported and the others still export.

    A file the cache holds for the same inputs is copied from it, unless `force`; the rest
    are rendered and kept there. Slow writers render in a pool of `jobs` processes
    (default: the CPUs this process may use) once the batch has enough of their files
    (`Writer.pool_from`: PDF from 2, Word from 24), or all of them in a `pool` started
    while the policies were checked (`RenderPool.start_early`, whose `jobs` it has);
    HTML and Markdown, which take a millisecond or two, render in this process. Each
    policy's files are written as they finish, and a file that is already on disk as it
    would be written is left alone. A policy is held only while its files are made, or
    its PDF's page for the pool, a few ahead (`checking.shelf`, `_Feeder`): memory stays
    flat however many there are.

    `project_cards`, for an export of the whole project, are all its policies (those with
    errors too): once the batch is done, the cache forgets every file none of them is
    exported as, such as a removed or renamed policy's (`RenderCache.prune`).
    """
    shelf = Shelf.of(policies)
    _refuse_clashes(shelf.cards, writers)
    prepare_folder(out_dir)
    cache = cache if cache is not None else RenderCache(None)
    outcomes = [Outcome(card) for card in shelf.cards]
    keys = render_keys(shelf, project, options, writers)
    kept: dict[tuple[int, str], bytes] = {}
    if not force:
        for job, key in keys.items():
            data = cache.get(key)
            if data is not None:
                kept[job] = data
    pool = pool if pool is not None else RenderPool(writers, jobs)
    pooled = _pooled_jobs(len(shelf), writers, kept, early=pool.early)
    try:
        executor = pool.for_batch(len(pooled))
        feeder = _Feeder(executor, pooled, pool.workers, shelf, project, options, pool.early)
        for i, outcome in enumerate(outcomes):
            feeder.submit_through(i)
            policy = feeder.policy(i)
            for chosen in writers:
                job = (i, chosen.name)
                made = _Made(kept.get(job), feeder.pending.pop(job, None), cache, keys[job])
                _export_one(outcome, policy, project, options, chosen, out_dir, made)
                advance()
            feeder.written(i)
        if project_cards is not None:
            cache.prune(slot for card in project_cards for slot in every_slot(card))
    finally:
        pool.close(interrupted=sys.exc_info()[0] is not None)
    return outcomes


def _pooled_jobs(
    count: int, writers: Sequence[Writer], kept: Mapping[tuple[int, str], bytes], early: bool
) -> list[tuple[int, Writer]]:
    """The files for the pool: of each slow writer with at least its `pool_from` files to
    render (not from the cache), all of them; of every slow writer, if the pool was started
    `early` and its workers are ready for them."""
    pooled = []
    for chosen in writers:
        todo = [(i, chosen) for i in range(count) if (i, chosen.name) not in kept]
        if chosen.pool_from is not None and len(todo) >= (1 if early else chosen.pool_from):
            pooled.extend(todo)
    return sorted(pooled, key=lambda job: job[0])  # in the order they are written


@dataclass
class _Feeder:
    """The pool's jobs, submitted a few ahead of the file being written: a result waits here
    until its file is written, and the pool may outrun the writing (with every job submitted
    at once, an export of 1,000 policies peaked at 85 MiB here, against 60), so at most
    `AHEAD` jobs a worker are out at once."""

    AHEAD: ClassVar[int] = 4

    pool: ProcessPoolExecutor | None
    jobs: list[tuple[int, Writer]]
    workers: int
    shelf: Shelf
    project: Project
    options: ExportOptions
    #: The pool was started early (`RenderPool.start_early`): for a few files.
    early: bool = False
    pending: dict[tuple[int, str], Future[bytes]] = field(default_factory=dict)
    submitted: int = 0
    #: The policies read back to prepare a job, until their own files are written.
    read: dict[int, _Unshelved] = field(default_factory=dict)

    def policy(self, index: int) -> _Unshelved:
        """Policy `index`, read back once for its jobs and its files alike."""
        return self.read.setdefault(index, _Unshelved(self.shelf, index))

    def written(self, index: int) -> None:
        """Policy `index`'s files are written: it is let go."""
        self.read.pop(index, None)

    def submit_through(self, index: int) -> None:
        """Every job of policy `index` and before, and more up to the window."""
        while self.pool is not None and self.submitted < len(self.jobs):
            i, chosen = self.jobs[self.submitted]
            if i > index and len(self.pending) >= self.AHEAD * self.workers:
                return
            self.pending[i, chosen.name] = self._submit(self.pool, i, chosen)
            self.submitted += 1

    def _submit(self, pool: ProcessPoolExecutor, i: int, chosen: Writer) -> Future[bytes]:
        """A writer in two steps prepares here (the PDF's page: the worker may still be
        loading WeasyPrint) and finishes in the pool. Any other is sent its policy to lay
        out and write there, or, in an early pool (a few files, while this process has
        time to spare), its document laid out here, with the words of its days (Babel and
        the layout are then this process's work, which its HTML needs anyway)."""
        if chosen.prepare is None and not self.early:
            policy = self.shelf.stored(i)
            return pool.submit(render_job, policy, self.project, self.options, chosen.name)
        try:
            document = layout(self.policy(i)(), self.project, self.options)
            prepared = chosen.prepare(document) if chosen.prepare is not None else None
        except Exception as error:  # the file's failure, reported as its render's would be
            failed: Future[bytes] = Future()
            failed.set_exception(error)
            return failed
        return pool.submit(finish_job, prepared, document, chosen.name)


@dataclass(frozen=True, slots=True)
class _Made:
    """Where one file's bytes come from: the cache, a pool's job, or neither (render now);
    and the cache to keep what is rendered in, under `key`."""

    kept: bytes | None
    job: Future[bytes] | None
    cache: RenderCache
    key: str


class _Unshelved:
    """One policy of the shelf, read back the first time one of its files is rendered (and
    not at all when they all come from the cache)."""

    def __init__(self, shelf: Shelf, index: int) -> None:
        self.shelf, self.index = shelf, index
        self.policy: Policy | None = None

    def __call__(self) -> Policy:
        if self.policy is None:
            self.policy = self.shelf[self.index]
        return self.policy


def render_keys(
    policies: Shelf, project: Project, options: ExportOptions, writers: Sequence[Writer]
) -> dict[tuple[int, str], str]:
    """What each file is made from, as one SHA-256, by (policy's index, writer): policykit
    itself (its code, templates and locales), the project file's settings, the export's
    options (templates, logo, branding, the policies' titles that links show), the writer,
    and the policy (its file's digest). The other policies' digests are left out, so that
    a change to one policy keys none of the others' files anew."""
    digests = dict(options.digests)
    shared = {}
    for chosen in writers:
        digest = hashlib.sha256()
        for part in (code_fingerprint(), chosen.name, fingerprint(project),
                     fingerprint(_read_by(options, chosen))):  # fmt: skip
            digest.update(part.encode("utf-8") + b"\0")
        shared[chosen.name] = digest
    keys = {}
    for i, card in enumerate(policies.cards):
        own = digests.get(card.file) or fingerprint(policies[i])
        for chosen in writers:
            digest = shared[chosen.name].copy()
            digest.update(f"{card.file}\0{own}".encode("utf-8", "surrogatepass"))
            keys[i, chosen.name] = digest.hexdigest()
    return keys


def cache_slot(policy: Card, chosen: Writer, options: ExportOptions) -> str:
    """Which file an entry of the cache is a rendering of: the file's name, and the PDF
    variant, so that exports of both PDF/UA and PDF/A keep one entry each."""
    variant = options.pdf_variant if "pdf_variant" in chosen.reads else ""
    return _slot(policy, chosen, variant)


def every_slot(policy: Card) -> Iterator[str]:
    """Every file a policy may be exported as (`cache_slot`): by each writer, in each
    variant."""
    for chosen in WRITERS:
        for variant in chosen.variants if "pdf_variant" in chosen.reads else ("",):
            yield _slot(policy, chosen, variant)


def _slot(policy: Card, chosen: Writer, variant: str) -> str:
    return f"{output_name(policy, chosen)}\0{variant}"


def _read_by(options: ExportOptions, chosen: Writer) -> ExportOptions:
    """The options with only what `chosen` reads of the templates and the PDF variant, and
    no policy's digest (each file's own is keyed apart)."""
    pages = "pages" in chosen.reads
    templates = options.templates
    return replace(
        options,
        digests=(),
        pdf_variant=options.pdf_variant if "pdf_variant" in chosen.reads else "",
        templates=Templates(
            templates.html if pages else None,
            templates.css if pages else None,
            templates.reference_docx if "reference_docx" in chosen.reads else None,
            templates.files if pages else (),
        ),
    )


def _refuse_clashes(policies: Sequence[Card], writers: Sequence[Writer]) -> None:
    """No two policies write one file: checked before any is written (validate reports the
    id that causes it, PK302), so that a run never says "4 exported" with 3 files on disk."""
    seen: dict[str, Card] = {}
    for policy in policies:
        for chosen in writers:
            name = output_name(policy, chosen)
            other = seen.setdefault(name, policy)
            if other is not policy:
                raise UsageError(
                    f"{other.file} and {policy.file} would both be exported as {name}",
                    hint="give one of them another id; nothing was written",
                )


def _export_one(
    outcome: Outcome,
    policy: Callable[[], Policy],
    project: Project,
    options: ExportOptions,
    chosen: Writer,
    out_dir: Path,
    made: _Made,
) -> None:
    if outcome.error is not None:
        return
    try:
        data = made.kept
        if data is None:
            job = made.job
            if job is not None:
                data = result_of(job, f"the {chosen.title} file")
            else:
                data = render(policy(), project, options, chosen)
        path = out_dir / output_name(outcome.policy, chosen)
        if not _on_disk(path, data):
            write_atomic(path, data)
        outcome.written.append(path)
        if made.kept is None:  # kept once it is written: a failed export caches nothing
            made.cache.put(made.key, data, cache_slot(outcome.policy, chosen, options))
    except PolicykitError as error:
        outcome.error = error.message
    except Exception as error:  # one policy's failure must not stop the batch
        outcome.error = f"{chosen.name}: {type(error).__name__}: {error}"


def _on_disk(path: Path, data: bytes) -> bool:
    """Whether `path` holds `data` already: then it is not written again (nor synced)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
