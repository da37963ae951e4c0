"""The diff: golden cases against tests/data/diff/base.yaml, the word tokenizer, alignment,
the version bump, JSON against its published schema, git revisions, and the CLI's exits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.cli.diagnostics import make_console
from policykit.cli.diffreport import changes_to_json, render_changes
from policykit.comparing.diff import Bump, Kind, align, bump_version, compare
from policykit.comparing.meaning import Category
from policykit.comparing.words import tokens, word_diff
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.reading.reader import read_policy
from tests.conftest import DATA, ROOT
from tests.examples import draft, policy
from tests.golden import check_golden

CASES = DATA / "diff"
BASE = CASES / "base.yaml"
INPUTS = sorted(p for p in CASES.glob("*.yaml") if p != BASE)
SCHEMA = json.loads((ROOT / "schema" / "diff.schema.json").read_text("utf-8"))


def load(path: Path) -> Policy:
    read = read_policy(path.read_bytes(), path.name, Project())
    assert read.policy is not None, read.findings
    return read.policy


def render(old: Policy, new: Policy) -> str:
    out = io.StringIO()
    console = make_console(file=out, width=100, no_color=True)
    render_changes(compare(old, new), "base.yaml", f"{new.span.file}", console)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


# --- golden cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", INPUTS, ids=[p.stem for p in INPUTS])
def test_case(case: Path, update_goldens: bool) -> None:
    check_golden(render(load(BASE), load(case)), case.with_suffix(".out"), update_goldens)


def test_the_report_as_plain_text_is_what_rich_writes_to_a_pipe() -> None:
    """Where no colour can show (a pipe, a file), the report is written without rich
    (`PlainText`): the text rich writes there, for every case, with labels that hold
    rich's markup and a control character (which rich would strip)."""
    from rich.text import Text

    from policykit.cli.diagnostics import PlainText
    from policykit.cli.diffreport import change_lines

    base = load(BASE)
    for case in INPUTS:
        changes = compare(base, load(case))
        old, new = "base [bold]x[/].yaml", f"{case.name}\x07@HEAD"
        plain, piped = io.StringIO(), io.StringIO()
        render_changes(changes, old, new, PlainText(plain))
        console = make_console(file=piped)
        for line in change_lines(changes, old, new, plain=True):
            console.print(Text.assemble(*line))
        assert piped.getvalue().count("\n") >= 3, case.name
        assert plain.getvalue() == piped.getvalue(), case.name


RULES = sorted(p for p in (CASES / "rules").glob("*/*.yaml") if p.stem != "base")
EDITORIAL = {"punctuation", "spelling", "markup", "link", "wording_free"}


@pytest.mark.parametrize("case", RULES, ids=[f"{p.parent.name}-{p.stem}" for p in RULES])
def test_each_rule_of_the_classification(case: Path, update_goldens: bool) -> None:
    """One case per rule, in each language: the one change it makes is classified by that
    rule (the case's name), in the category the rule gives, and says so."""
    base = load(case.parent / "base.yaml")
    changes = compare(base, load(case))
    (change,) = changes.changes
    code = case.stem.replace("-", "_")
    assert change.reason.code == code
    want = Category.EDITORIAL if code in EDITORIAL else Category.SUBSTANTIVE
    assert change.category is want
    check_golden(render(base, load(case)), case.with_suffix(".out"), update_goldens)


def test_every_case_has_a_golden() -> None:
    outs = {p.stem for p in CASES.glob("*.out")}
    assert outs == {p.stem for p in INPUTS}
    assert len(INPUTS) >= 10


def test_formatting_only_changes_are_no_changes() -> None:
    changes = compare(load(BASE), load(CASES / "formatting-only.yaml"))
    assert changes.identical, changes.changes
    assert changes.bump is Bump.NONE


def test_a_reworded_goal_is_modified_not_removed_and_added() -> None:
    changes = compare(load(BASE), load(CASES / "reworded-goal.yaml"))
    assert [(c.path, c.kind) for c in changes.changes] == [
        ("goals[safety].items[2]", Kind.MODIFIED)
    ]
    # Wording of a goal is substantive unless it provably keeps the meaning (issue 12).
    assert changes.category is Category.SUBSTANTIVE
    assert changes.changes[0].reason.code == "wording"
    assert changes.suggested_version == "2.0"


def test_a_reordered_principle_is_moved() -> None:
    changes = compare(load(BASE), load(CASES / "moved-principle.yaml"))
    assert [(c.path, c.kind, c.moved) for c in changes.changes] == [
        ("principles[care]", Kind.MOVED, (1, 3))
    ]
    assert changes.bump is Bump.MINOR


def test_added_and_removed_parts_are_substantive() -> None:
    for name, path, kind in (
        ("added-principle", "principles[training]", Kind.ADDED),
        ("removed-definition", "definitions[archive]", Kind.REMOVED),
        ("group-removed", "goals[access]", Kind.REMOVED),
    ):
        changes = compare(load(BASE), load(CASES / f"{name}.yaml"))
        change = next(c for c in changes.changes if c.path == path)
        assert change.kind is kind
        assert change.category is Category.SUBSTANTIVE
        assert changes.suggested_version == "2.0", name


def test_the_seed_against_its_revision() -> None:
    changes = compare(policy(), draft())
    found = {(c.path, c.kind) for c in changes.changes}
    assert ("goals[kommunikation].items[3]", Kind.MODIFIED) in found
    assert ("principles[tilgaengelighed]", Kind.ADDED) in found
    assert ("principles[tillid].text", Kind.MODIFIED) in found  # the removed bullet
    assert ("evaluation.interval", Kind.MODIFIED) in found
    assert any(kind is Kind.MOVED and path.startswith("principles[") for path, kind in found)
    assert changes.category is Category.SUBSTANTIVE
    assert changes.suggested_version == "2.0" == draft().version


# --- words ------------------------------------------------------------------------------------


def test_tokens_keep_danish_words_whole() -> None:
    assert tokens("Ikast-Brande Kommunes øjenhøjde, “data”.") == [
        "Ikast-Brande",
        " ",
        "Kommunes",
        " ",
        "øjenhøjde",
        ",",
        " ",
        "“",
        "data",
        "”",
        ".",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "insert") == old
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert all(p.text for p in pieces)


def test_word_diff_marks_whole_words() -> None:
    pieces = word_diff("mødt i øjenhøjde", "mødt i øjenhøjde og i et klart sprog")
    assert [(p.op, p.text) for p in pieces] == [
        ("equal", "mødt i øjenhøjde"),
        ("insert", " og i et klart sprog"),
    ]


# --- alignment and versions -------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from("abcdefgh"), unique=True), st.randoms())
def test_alignment_keeps_every_part_once(old: list[str], rnd: object) -> None:
    new = list(old)
    rnd.shuffle(new)  # type: ignore[attr-defined]
    new = [*new[:-1], "z"]
    pairs = align(old, new, lambda x: x, None, lambda x: x)
    assert [p.new for p in pairs if p.new is not None] == new
    assert sorted(p.old for p in pairs if p.old is not None) == sorted(old)
    assert all(p.old == p.new for p in pairs if p.old is not None and p.new is not None)


def test_bump_version() -> None:
    assert bump_version("1.0", Bump.MAJOR) == "2.0"
    assert bump_version("1.0", Bump.MINOR) == "1.1"
    assert bump_version("2", Bump.MINOR) == "2.1"
    assert bump_version("3", Bump.MAJOR) == "4.0"
    assert bump_version("1.4.2", Bump.MINOR) == "1.5.0"
    assert bump_version("1.4.2", Bump.NONE) == "1.4.2"
    assert bump_version("2024-A", Bump.MAJOR) is None


def test_version_and_proposal_alone_ask_for_no_bump() -> None:
    changes = compare(load(BASE), load(CASES / "version-only.yaml"))
    assert changes.bump is Bump.NONE
    revision = compare(load(BASE), load(CASES / "draft-revision.yaml"))
    # The version and the status are bookkeeping; "seven" → "five working" days is not.
    assert [c.category for c in revision.changes] == [
        Category.EDITORIAL,
        Category.EDITORIAL,
        Category.SUBSTANTIVE,
    ]
    repealed = compare(load(BASE), load(CASES / "repealed.yaml"))
    assert repealed.category is Category.SUBSTANTIVE


# --- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", INPUTS, ids=[p.stem for p in INPUTS])
def test_json_matches_its_schema(case: Path) -> None:
    changes = compare(load(BASE), load(case))
    report = json.loads(changes_to_json(changes, "base.yaml", case.name))
    jsonschema.validate(report, SCHEMA)
    assert report["identical"] is changes.identical
    assert report["summary"]["changes"] == len(report["changes"])


def test_json_schema_is_documented() -> None:
    text = (ROOT / "docs" / "diff.md").read_text("utf-8")
    assert "schema/diff.schema.json" in text
    for name in SCHEMA["properties"]["summary"]["required"]:
        assert f"`{name}`" in text, name


# --- the command ------------------------------------------------------------------------------

runner = CliRunner()


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(app, list(args))
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_exit_codes() -> None:
    base, same = str(BASE), str(CASES / "formatting-only.yaml")
    assert run("diff", base, same)[0] == 0
    code, output = run("diff", base, str(CASES / "reworded-goal.yaml"))
    assert code == 1
    assert "goals[safety].items[2]" in output
    code, output = run("diff", base, "no-such-file.yaml")
    assert code == 2
    assert "no-such-file.yaml: no such file" in output


def test_a_file_with_errors_is_reported_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.read_text("utf-8").replace("status: adopted", "status: adoptd"))
    code, output = run("diff", str(BASE), str(bad))
    assert code == 2
    assert "bad.yaml:7:9" in output
    assert "cannot be compared" in output


def test_redline_format_comes_from_the_file_name(tmp_path: Path) -> None:
    code, output = run("diff", str(BASE), str(BASE), "-o", str(tmp_path / "x.txt"))
    assert code == 2
    assert ".html, .pdf or .docx" in output
    assert not (tmp_path / "x.txt").exists()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose policies/records.yaml was base.yaml at tag v1."""
    root = tmp_path / "repo"
    (root / "policies").mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)

    git("init", "-q")
    (root / "policies" / "records.yaml").write_bytes(BASE.read_bytes())
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1")
    git("tag", "v1")
    (root / "policies" / "records.yaml").write_bytes((CASES / "reworded-goal.yaml").read_bytes())
    return root


def test_file_at_a_revision(repo: Path) -> None:
    code, output = run("diff", "policies/records.yaml@v1", "policies/records.yaml", cwd=repo)
    assert code == 1, output
    assert "--- policies/records.yaml@v1" in output
    assert "goals[safety].items[2]" in output
    assert run("diff", "policies/records.yaml@v1", "policies/records.yaml@HEAD", cwd=repo)[0] == 0


def test_revision_errors(repo: Path, tmp_path: Path) -> None:
    code, output = run("diff", "policies/records.yaml@v9", "policies/records.yaml", cwd=repo)
    assert (code, "unknown revision `v9`" in output) == (2, True)
    marker = tmp_path / "made-by-git"
    code, output = run(
        "diff", f"policies/records.yaml@--output={marker}", "policies/records.yaml", cwd=repo
    )
    assert (code, "is not a revision name" in output) == (2, True)
    assert not marker.exists()
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(BASE.read_bytes())
    (repo / "policies" / "link.yaml").symlink_to(outside)
    code, output = run("diff", "policies/link.yaml@HEAD", "policies/records.yaml", cwd=repo)
    assert (code, "outside the git repository" in output) == (2, True)
    code, output = run("diff", f"{outside}@HEAD", str(outside))
    assert (code, "is not in a git repository" in output) == (2, True)


def test_a_file_missing_at_the_revision(repo: Path) -> None:
    (repo / "policies" / "new.yaml").write_bytes(BASE.read_bytes())
    code, output = run("diff", "policies/new.yaml@v1", "policies/new.yaml", cwd=repo)
    assert (code, "did not exist at revision `v1`" in output) == (2, True)


def test_no_color_output_marks_words_in_text() -> None:
    _, output = run("diff", str(BASE), str(CASES / "reworded-goal.yaml"))
    assert "We{+ always+} know where each record is{+ kept+}." in output


def test_changes_are_reported_for_generated_policies() -> None:
    """A principle renamed by id: the id matches, so the title is modified."""
    base = load(BASE)
    first = base.principles.items[0]
    renamed = dataclasses.replace(first, title="Careful handling")
    new = dataclasses.replace(
        base,
        principles=dataclasses.replace(
            base.principles, items=(renamed, *base.principles.items[1:])
        ),
    )
    changes = compare(base, new)
    assert [(c.path, c.kind) for c in changes.changes] == [
        ("principles[care].title", Kind.MODIFIED)
    ]


def test_json_through_the_command() -> None:
    code, output = run("diff", str(BASE), str(CASES / "moved-principle.yaml"), "-f", "json")
    assert code == 1
    report = json.loads(output)
    jsonschema.validate(report, SCHEMA)
    assert report["changes"][0]["moved"] == {"from": 1, "to": 3}


def test_redlines_are_written(tmp_path: Path) -> None:
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    code, output = run(
        "diff", str(BASE), str(CASES / "reworded-goal.yaml"), "-o", str(html), "-o", str(pdf)
    )
    assert code == 1, output
    assert "<ins>" in html.read_text("utf-8")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]  # no temp files


def test_two_large_versions_are_checked_in_two_processes_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """From `PARALLEL_FROM` bytes, the two versions are read and checked at once, the new
    one in a forked process (`edge.pool.beside`): the change set is the one read here
    gives, and an invalid version, either one, still stops the diff with its own errors,
    named by its own file."""
    import concurrent.futures

    from policykit.diagnostics.errors import InvalidInputError
    from policykit.workflows import comparison

    sizes: list[int] = []
    real_pool = concurrent.futures.ProcessPoolExecutor

    def counted(max_workers: int, **options: object) -> object:
        sizes.append(max_workers)
        return real_pool(max_workers=max_workers, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    old = str(ROOT / "policies" / "kommunikationspolitik.yaml")
    new = str(ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml")
    here = comparison.compare_versions(old, new)
    assert sizes == []
    monkeypatch.setattr(comparison, "PARALLEL_FROM", 0)
    pooled = comparison.compare_versions(old, new)
    assert sizes == [1]
    assert pooled.changes == here.changes
    broken = tmp_path / "broken.yaml"
    broken.write_text(Path(new).read_text("utf-8").replace("status: draft", "status: nej"))
    for versions in ((old, str(broken)), (str(broken), new)):
        with pytest.raises(InvalidInputError) as raised:
            comparison.compare_versions(*versions)
        assert raised.value.findings
        assert all(f.span and f.span.file.endswith("broken.yaml") for f in raised.value.findings)
    assert sizes == [1, 1, 1]


SEED_OLD = ROOT / "policies" / "kommunikationspolitik.yaml"
SEED_NEW = ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml"


def test_slow_redlines_render_in_the_early_pool_with_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A diff's Word and PDF redlines render in a pool started once the versions are read
    (`compare_versions`), while this process makes the HTML: each redline's bytes are those
    made here."""
    from concurrent.futures import Future

    from policykit.workflows import comparison, render_pool
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import writer

    monkeypatch.setattr(render_pool, "available_cpus", lambda: 2)
    chosen = [writer("html"), writer("docx"), writer("pdf")]
    date = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    with render_pool.RenderPool(chosen[1:]) as pool:
        result = comparison.compare_versions(str(SEED_OLD), str(SEED_NEW), pool=pool)
        assert pool.executor is not None and pool.early
        made = comparison.redlines(result, chosen, ExportOptions(), date=date, pool=pool)
        # The slow ones are the pool's jobs; the HTML is made here when it is asked for.
        jobs = [m.args[0] for m in made if isinstance(m, functools.partial)]
        assert [isinstance(job, Future) for job in jobs] == [False, True, True]
        pooled = [m() for m in made]
    here = [comparison.redline(result, w, ExportOptions(), date=date) for w in chosen]
    assert pooled[:2] == here[:2]
    # A PDF holds its time of making: the same but for that.
    assert pooled[2].startswith(b"%PDF-") and len(pooled[2]) == len(here[2])


def test_an_early_pool_starts_only_for_slow_redlines_of_versions_read_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No pool for a diff without a Word or PDF redline; and no early one for versions so
    large that they are read in a pair of forks (a fork is made from one thread only),
    whose redlines go to workers forked once they are laid out
    (`test_render_pool.test_the_redlines_of_large_versions_come_from_workers_forked_with_them`)."""
    from policykit.workflows import comparison, render_pool

    started: list[int] = []
    monkeypatch.setattr(render_pool.RenderPool, "start_early", lambda _, n: started.append(n))
    for outputs, expected in (([], []), (["r.html"], []), (["r.html", "r.docx"], [1])):
        started.clear()
        flags = [arg for name in outputs for arg in ("-o", str(tmp_path / name))]
        code, output = run("diff", str(SEED_OLD), str(SEED_NEW), *flags)
        assert code == 1, output
        assert started == expected, outputs
    started.clear()
    monkeypatch.setattr(comparison, "PARALLEL_FROM", 0)
    code, output = run("diff", str(SEED_OLD), str(SEED_NEW), "-o", str(tmp_path / "r.docx"))
    assert code == 1, output
    assert started == []
    assert zipfile.is_zipfile(tmp_path / "r.docx")


def test_a_diff_collects_rarely_and_then_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison and the redlines run with rare collections (`edge.collector`), which a
    worker forked meanwhile inherits; the thresholds are as they were once the diff ends,
    with an error too."""
    import gc

    from policykit.edge.collector import RARE
    from policykit.workflows import comparison

    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    compare = comparison.compare_versions

    def spied(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return compare(*args, **kwargs)

    monkeypatch.setattr(comparison, "compare_versions", spied)
    code, output = run("diff", str(SEED_OLD), str(SEED_NEW))
    assert code == 1, output
    assert seen == [RARE] and before != RARE
    assert gc.get_threshold() == before
    code, output = run("diff", str(SEED_OLD), "missing.yaml")
    assert code == 2, output
    assert seen[1:] == [RARE] and gc.get_threshold() == before


def test_a_redline_that_fails_in_the_pool_is_reported_as_one_made_here(tmp_path: Path) -> None:
    """A Word redline that fails in the pool's worker (a reference.docx that is not one) is
    the user's message, exit 2 and no traceback, and no redline is left behind; the HTML
    named before it is written."""
    from tests.command import policykit

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "reference.docx").write_bytes(b"not a zip")
    done = policykit(
        "diff", str(SEED_OLD), str(SEED_NEW), "--template", "templates",
        "-o", "r.html", "-o", "r.docx",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "reference.docx is not a Word document" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "templates"]
    # The same for large versions, whose Word redline is begun before the comparison.
    (tmp_path / "r.html").unlink()
    script = (
        "import sys\n"
        "from policykit.cli.app import main\n"
        "from policykit.workflows import comparison, render_pool\n"
        "render_pool.available_cpus = lambda: 2\n"
        "comparison.PARALLEL_FROM = 0\n"
        "sys.argv = ['policykit', *sys.argv[1:]]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "diff", str(SEED_OLD), str(SEED_NEW),
         "--template", "templates", "-o", "r.html", "-o", "r.docx"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "reference.docx is not a Word document" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "templates"]
