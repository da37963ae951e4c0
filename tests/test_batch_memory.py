"""A batch holds one policy at a time (`checking.shelf`): validated in a pool, each policy
stays its pickle, and the export reads each back once, while its files are made."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

COUNT = 60  # beyond edge.pool.POOL_FROM: read in a pool, as a register is


def _live_policies() -> int:
    from policykit.model.policy import Policy

    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Policy))


def test_an_export_holds_one_policy_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.corpus import make_corpus
    from policykit.checking import shelf
    from policykit.edge import pool
    from policykit.edge.assets import export_options
    from policykit.edge.workspace import validate_paths
    from policykit.workflows import export
    from policykit.writing.registry import writer

    monkeypatch.setattr(pool, "available_cpus", lambda: 2)
    # Counted from here: other tests' helpers keep the policies they cache (`tests.examples`).
    before = _live_policies()
    corpus = make_corpus(tmp_path / "corpus", COUNT)
    report = validate_paths([corpus / "policies"], cached=False)
    assert report.errors == 0 and len(report.policies) == COUNT
    assert _live_policies() == before  # all kept as pickles

    live: list[int] = []
    read_back: list[str] = []
    real_render, real_unshelved = export.render, shelf.unshelved

    def render(policy, *args):  # type: ignore[no-untyped-def]
        live.append(_live_policies() - before)
        return real_render(policy, *args)

    def unshelved(stored):  # type: ignore[no-untyped-def]
        policy = real_unshelved(stored)
        read_back.append(policy.id)
        return policy

    monkeypatch.setattr(export, "render", render)
    monkeypatch.setattr(shelf, "unshelved", unshelved)
    writers = [writer("html"), writer("md")]
    # As `export` makes them: with the files' digests (the cache's keys) and the titles.
    options = export_options(report.project, corpus, known=report.policies.cards,
                             digests=report.digests)  # fmt: skip
    outcomes = export.export_batch(
        report.clean_policies(), report.project, options, writers, tmp_path / "out"
    )
    assert [o.error for o in outcomes] == [None] * COUNT
    assert len(list((tmp_path / "out").iterdir())) == 2 * COUNT
    assert len(live) == 2 * COUNT and max(live) == 1  # the one being rendered
    # Each read back once, for both of its files.
    assert sorted(read_back) == sorted(card.id for card in report.policies.cards)


def test_word_goes_to_the_pool_in_a_large_batch_only() -> None:
    """PDF from two files, Word from `WORD_POOL_FROM`; HTML never. Files from the cache do
    not count. A pool started early takes every PDF and Word file, from the first."""
    from policykit.workflows.export import _pooled_jobs
    from policykit.writing.registry import WORD_POOL_FROM, writer

    writers = [writer("html"), writer("docx"), writer("pdf")]
    small = _pooled_jobs(WORD_POOL_FROM - 1, writers, {}, early=False)
    assert {w.name for _, w in small} == {"pdf"} and len(small) == WORD_POOL_FROM - 1
    large = _pooled_jobs(WORD_POOL_FROM, writers, {}, early=False)
    assert {w.name for _, w in large} == {"docx", "pdf"} and len(large) == 2 * WORD_POOL_FROM
    assert [i for i, _ in large] == sorted(i for i, _ in large)  # in the order written
    cached = {(0, "docx"): b""}
    assert {w.name for _, w in _pooled_jobs(WORD_POOL_FROM, writers, cached, early=False)} == {
        "pdf"
    }
    assert _pooled_jobs(1, writers, {}, early=False) == []
    one = _pooled_jobs(1, writers, {}, early=True)
    assert [(i, w.name) for i, w in one] == [(0, "docx"), (0, "pdf")]
    assert _pooled_jobs(1, writers, {(0, "docx"): b"", (0, "pdf"): b""}, early=True) == []


def test_the_pool_is_fed_a_few_jobs_ahead_of_the_writing() -> None:
    """Results wait in this process until their files are written: no more than AHEAD a
    worker are out at once, however long the batch."""
    from concurrent.futures import Future

    from policykit.checking.shelf import Shelf
    from policykit.model.project import Project
    from policykit.workflows.export import _Feeder
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import writer
    from tests.examples import policy

    submitted: list[str] = []

    class Pool:
        def submit(self, _job: object, *arguments: str) -> Future[bytes]:
            submitted.append(arguments[-1])
            return Future()

    word = writer("docx")
    jobs = [(i, word) for i in range(100)]
    feeder = _Feeder(Pool(), jobs, 2, Shelf.of([policy()] * 100),  # type: ignore[arg-type]
                     Project(), ExportOptions())  # fmt: skip
    feeder.submit_through(0)
    assert len(submitted) == len(feeder.pending) == _Feeder.AHEAD * 2
    feeder.pending.pop((0, "docx"))
    feeder.submit_through(1)
    assert len(submitted) == _Feeder.AHEAD * 2 + 1
    feeder.submit_through(50)  # a policy's own jobs are submitted, whatever the window
    assert (50, "docx") in feeder.pending and len(submitted) == 51


def test_word_from_the_pool_is_word_from_this_process(
    tmp_path: Path, pool_sizes: list[int]
) -> None:
    from benchmarks.corpus import make_corpus
    from policykit.edge.workspace import validate_paths
    from policykit.workflows import export
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import WORD_POOL_FROM, writer

    corpus = make_corpus(tmp_path / "corpus", WORD_POOL_FROM)
    report = validate_paths([corpus / "policies"], cached=False)
    word = [writer("docx")]
    for folder, jobs in (("pooled", 2), ("here", 1)):
        done = export.export_batch(report.policies, report.project, ExportOptions(), word,
                                   tmp_path / folder, jobs=jobs)  # fmt: skip
        assert [o.error for o in done] == [None] * WORD_POOL_FROM
    assert pool_sizes == [2]  # a pool of two for the first, none for the second
    pooled = sorted((tmp_path / "pooled").iterdir())
    here = sorted((tmp_path / "here").iterdir())
    assert [p.name for p in pooled] == [p.name for p in here] and len(here) == WORD_POOL_FROM
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(pooled, here, strict=True))


def test_a_pdf_page_is_made_here_and_printed_in_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool is sent the page, not the policy: its worker may still be loading WeasyPrint.
    The policy read back for the page is the one its own files are written from (read
    once); a page that cannot be made fails that file alone, as a failed render would."""
    from concurrent.futures import Future
    from dataclasses import replace

    from policykit.checking import shelf
    from policykit.checking.shelf import Shelf
    from policykit.model.project import Project
    from policykit.workflows.export import _Feeder
    from policykit.workflows.jobs import finish_job
    from policykit.writing.layout import ExportOptions
    from policykit.writing.pdf import page_to_print
    from policykit.writing.registry import writer
    from tests.examples import policy

    sent: list[tuple[object, ...]] = []

    class Pool:
        def submit(self, job: object, *arguments: object) -> Future[bytes]:
            sent.append((job, *arguments))
            return Future()

    read_back: list[int] = []
    real = shelf.Shelf.__getitem__

    def counted(self: Shelf, index: int) -> object:
        read_back.append(index)
        return real(self, index)

    monkeypatch.setattr(shelf.Shelf, "__getitem__", counted)
    pdf = writer("pdf")

    def broken(document: object) -> str:
        raise ValueError("no page")

    jobs = [(0, pdf), (1, replace(pdf, prepare=broken))]
    feeder = _Feeder(Pool(), jobs, 2, Shelf.of([policy()] * 2),  # type: ignore[arg-type]
                     Project(), ExportOptions())  # fmt: skip
    feeder.submit_through(1)
    assert len(sent) == 1  # the broken page was never sent
    job, page, document, name = sent[0]
    assert job is finish_job and name == "pdf"
    assert page == page_to_print(document)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no page"):
        feeder.pending[1, "pdf"].result()
    feeder.policy(0)()
    assert read_back == [0, 1]  # each read once: for its page, and again from memory
