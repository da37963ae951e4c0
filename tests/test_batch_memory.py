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
    corpus = make_corpus(tmp_path / "corpus", COUNT)
    report = validate_paths([corpus / "policies"], cached=False)
    assert report.errors == 0 and len(report.policies) == COUNT
    assert _live_policies() == 0  # all kept as pickles

    live: list[int] = []
    read_back: list[str] = []
    real_render, real_unshelved = export.render, shelf.unshelved

    def render(policy, *args):  # type: ignore[no-untyped-def]
        live.append(_live_policies())
        return real_render(policy, *args)

    def unshelved(stored):  # type: ignore[no-untyped-def]
        policy = real_unshelved(stored)
        read_back.append(policy.id)
        return policy

    monkeypatch.setattr(export, "render", render)
    monkeypatch.setattr(export, "unshelved", unshelved)
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
