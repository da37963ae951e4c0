"""The secretariat's year: the electoral calendar, review due dates, `policykit review`, and
recording decisions with `adopt`, `evaluate` and `repeal` (round-trip edits, atomic, locked)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.model.electoral import DANISH_MUNICIPAL, calendar_from
from policykit.model.intervals import Duration, ElectoralPeriod
from policykit.model.policy import Decision, EvaluationRecord, Span, Status
from policykit.planning.review import State, review, review_all
from policykit.reading.reader import read_project
from tests.conftest import ROOT
from tests.examples import ENGLISH, draft, policy

TODAY = dt.date(2026, 11, 28)
SPAN = Span("test.yaml", 1, 1)
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    # A wide terminal, so that the review table does not wrap what the tests look for.
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


# --- the electoral calendar ------------------------------------------------------------------


def test_danish_terms() -> None:
    terms = [str(t) for t, _ in zip(DANISH_MUNICIPAL.terms(), range(6), strict=False)]
    assert terms == ["2007–2009", "2010–2013", "2014–2017", "2018–2021", "2022–2025", "2026–2029"]
    term = DANISH_MUNICIPAL.term_of(dt.date(2009, 12, 31))
    assert term is not None and term.end == dt.date(2009, 12, 31)
    assert DANISH_MUNICIPAL.term_of(dt.date(2006, 5, 1)) is None


def test_other_calendars_from_the_project_file() -> None:
    listed = calendar_from((dt.date(2015, 6, 1), dt.date(2019, 6, 1)))
    assert [str(t) for t, _ in zip(listed.terms(), range(3), strict=False)] == [
        "2015–2019",
        "2019–2023",
        "2023–2027",
    ]
    text = (
        b"format: 1\norganisation:\n  name: X\n"
        b"electoral_calendar:\n  start: 2018-05-01\n  years: 5\n"
    )
    read = read_project(text, "policykit.yaml")
    assert read.findings == []
    first = next(read.project.electoral_calendar.terms())
    assert (first.start, first.end) == (dt.date(2018, 5, 1), dt.date(2023, 4, 30))
    bad = text.replace(b"start: 2018-05-01", b"start: 2018-02-30")
    findings = read_project(bad, "policykit.yaml").findings
    assert [(f.rule.name, f.span.line if f.span else 0) for f in findings] == [("invalid-date", 5)]


# --- due dates --------------------------------------------------------------------------------


def test_the_seed_is_overdue_since_the_end_of_2009() -> None:
    result = review(policy(), TODAY)
    assert result.state is State.OVERDUE
    assert result.due == dt.date(2009, 12, 31)
    assert "no evaluation in the electoral period 2007–2009" in str(result.reason)


def with_records(*, adoptions: list[str], evaluations: list[str], interval: object) -> object:
    base = policy()
    decisions = tuple(
        Decision(dt.date.fromisoformat(d), "Byrådet", None, None, SPAN) for d in adoptions
    )
    records = tuple(EvaluationRecord(dt.date.fromisoformat(d), None, SPAN) for d in evaluations)
    evaluation = dataclasses.replace(base.evaluation, records=records, interval=interval)
    return dataclasses.replace(base, adoptions=decisions, evaluation=evaluation)


@pytest.mark.parametrize(
    ("adoptions", "evaluations", "due", "state"),
    [
        # Evaluated in every term so far, and in the current one: due at the next term's end.
        (
            ["2007-05-29"],
            ["2009-06-01", "2013-01-01", "2017-01-01", "2021-01-01", "2025-01-01", "2026-10-01"],
            "2033-12-31",
            State.OK,
        ),
        # Evaluated up to the last term, not yet in this one: due at its end.
        (
            ["2007-05-29"],
            ["2009-06-01", "2013-01-01", "2017-01-01", "2021-01-01", "2025-01-01"],
            "2029-12-31",
            State.OK,
        ),
        # A gap in 2014–2017: overdue since its end.
        (["2007-05-29"], ["2009-06-01", "2013-01-01", "2021-01-01"], "2017-12-31", State.OVERDUE),
        # A revision adopted in a term counts for that term.
        (
            ["2007-05-29", "2024-03-01"],
            ["2009-06-01", "2013-01-01", "2017-01-01", "2021-01-01"],
            "2029-12-31",
            State.OK,
        ),
    ],
)
def test_electoral_period_due_dates(
    adoptions: list[str], evaluations: list[str], due: str, state: State
) -> None:
    changed = with_records(adoptions=adoptions, evaluations=evaluations, interval=ElectoralPeriod())
    result = review(changed, TODAY)  # type: ignore[arg-type]
    assert (result.due, result.state) == (dt.date.fromisoformat(due), state), result.reason


def test_interval_due_dates_and_the_90_day_window() -> None:
    every_two = with_records(
        adoptions=["2023-06-20"], evaluations=["2025-01-10"], interval=Duration(years=2)
    )
    assert review(every_two, TODAY).due == dt.date(2027, 1, 10)  # type: ignore[arg-type]
    assert review(every_two, TODAY).state is State.DUE  # type: ignore[arg-type]
    assert review(every_two, dt.date(2026, 10, 1)).state is State.OK  # type: ignore[arg-type]
    assert review(every_two, dt.date(2027, 1, 11)).state is State.OVERDUE  # type: ignore[arg-type]
    never = with_records(adoptions=["2024-02-29"], evaluations=[], interval=Duration(years=1))
    assert review(never, TODAY).due == dt.date(2025, 2, 28)  # type: ignore[arg-type]


def test_policies_not_in_force_have_no_due_date() -> None:
    repealed = dataclasses.replace(policy(), status=Status.REPEALED, repeal=None)
    assert review(repealed, TODAY).state is State.NONE
    new = dataclasses.replace(policy(), status=Status.DRAFT, adoptions=())
    assert review(new, TODAY).due is None
    reviews = review_all([policy(ENGLISH), policy(), draft()], TODAY)
    assert [r.policy.id for r in reviews] == ["kommunikationspolitik", ENGLISH]


# --- policykit review -------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's policies and project file, as the working directory."""
    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_review_table(repo: Path) -> None:
    code, out = run("review", "--date", "2026-11-28")
    assert code == 0, out
    row = next(line for line in out.splitlines() if "Kommunikationspolitik" in line)
    assert "2009-12-31" in row and "overdue" in row
    assert "no evaluation in the electoral period 2007–2009" in out
    assert out.index("Kommunikationspolitik") < out.index("Information")  # by due date
    assert "3 policies: 1 overdue, 0 due within 90 days" in out


def test_review_table_keeps_title_words_whole_in_a_narrow_terminal(repo: Path) -> None:
    result = runner.invoke(app, ["review", "--date", "2026-11-28"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert any(line.startswith("Kommunikationspolitik ") for line in result.output.splitlines())


def test_review_json_csv_and_failing_on_overdue(repo: Path) -> None:
    code, out = run("review", "--date", "2026-11-28", "--format", "json")
    report = json.loads(out)
    assert report["policies"][0]["next_review"] == "2009-12-31"
    assert report["policies"][0]["state"] == "overdue"
    code, out = run("review", "--date", "2026-11-28", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ["kommunikationspolitik", ENGLISH, "personalepolitik"]
    assert run("review", "--date", "2026-11-28", "--fail-on-overdue")[0] == 1
    code, out = run("review", "--date", "28/11/2026")
    assert code == 2 and "--date 28/11/2026: not a date" in out


# --- decisions --------------------------------------------------------------------------------

DRAFT = Path("policies/drafts/kommunikationspolitik.yaml")
SEED = Path("policies/kommunikationspolitik.yaml")
ENGLISH_FILE = Path(f"policies/{ENGLISH}.yaml")


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed and added, sorted: what changed, whatever order difflib shows."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return sorted(line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def test_adopting_the_draft_moves_it_over_the_policy_and_touches_only_its_lines(repo: Path) -> None:
    before = DRAFT.read_text("utf-8")
    code, out = run(
        "adopt", str(DRAFT), "--by", "Byrådet", "--date", "2026-11-20", "--ref", "sag 12/3456"
    )
    assert code == 0, out
    assert "version 2.0" in out and "major bump" in out
    assert not DRAFT.exists()
    assert changed_lines(before, SEED.read_text("utf-8")) == sorted(
        [
            "-# yaml-language-server: $schema=../../schema/policy.schema.json",
            "-status: draft",
            "+# yaml-language-server: $schema=../schema/policy.schema.json",
            "+status: adopted",
            "+  - date: 2026-11-20",
            "+    body: Byrådet",
            "+    reference: sag 12/3456",
        ]
    )
    assert run("validate", "policies")[0] == 0
    code, out = run("review", "--date", "2026-11-21", "--format", "json")
    due = {p["id"]: p["next_review"] for p in json.loads(out)["policies"]}
    assert due["kommunikationspolitik"] == "2028-11-20"  # P2Y after the new adoption


def test_evaluate_and_repeal_touch_only_their_lines(repo: Path) -> None:
    before = ENGLISH_FILE.read_text("utf-8")
    assert (
        run("evaluate", str(ENGLISH_FILE), "--date", "2026-05-01", "--note", "Reviewed: fine")[0]
        == 0
    )
    assert run("repeal", str(ENGLISH_FILE), "--by", "City Council", "--date", "2026-11-21")[0] == 0
    changes = changed_lines(before, ENGLISH_FILE.read_text("utf-8"))
    assert changes == sorted(
        [
            "-status: adopted",
            "+status: repealed",
            "+repeal:",
            "+  date: 2026-11-21",
            "+  body: City Council",
            "+",
            "+    - date: 2026-05-01",
            "+      note: 'Reviewed: fine'",
        ]
    ), changes


def test_a_new_policy_with_its_placeholders_is_not_adopted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", ".")[0] == 0
    assert run("new", "hr", "--title", "Personalepolitik")[0] == 0
    path = tmp_path / "policies" / "hr.yaml"
    before = path.read_bytes()
    code, out = run(
        "adopt", str(path), "--by", "Byrådet", "--date", "2026-11-20", "--version", "1.0"
    )
    assert code == 2
    assert "error[PK311]" in out and "Skriv her, hvorfor vi har politikken." in out
    assert path.read_bytes() == before
    code, out = run("brief", str(path), "--date", "2026-11-20")
    assert code == 2 and "error[PK311]" in out
    code, out = run("export", str(path), "--pdf")
    assert code == 1 and "error[PK311]" in out
    assert not (tmp_path / "exports" / "hr.pdf").exists()
    code, out = run("validate", str(path))
    assert code == 0 and "warning[PK311]" in out


def test_a_new_policy_keeps_its_guiding_comments_above_their_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The `new` template has comment blocks between keys; ruamel.yaml keeps those with the
    # value before them, so an inserted key must take them along to stay above its own key.
    monkeypatch.chdir(tmp_path)
    assert run("init", ".")[0] == 0
    assert run("new", "hr", "--title", "Personalepolitik")[0] == 0
    path = tmp_path / "policies" / "hr.yaml"
    # The secretariat writes its own text in place of the placeholders, which `adopt`
    # refuses (PK311); the template's comments stay as they are.
    path.write_text(path.read_text("utf-8").replace("Skriv ", "Vi skriver "), encoding="utf-8")
    before = path.read_text("utf-8")
    adopt = ["adopt", str(path), "--by", "Byrådet", "--date", "2026-11-20", "--version", "1.0"]
    assert run(*adopt, "--ref", "sag 26/1")[0] == 0
    record = "adoptions:\n  - date: 2026-11-20\n    body: Byrådet\n    reference: sag 26/1\n"
    adopted = before.replace('version: "0.1"\n', 'version: "1.0"\n').replace(
        "status: draft\n", "status: adopted\n" + record
    )
    assert path.read_text("utf-8") == adopted
    assert run("repeal", str(path), "--by", "Byrådet", "--date", "2026-11-25")[0] == 0
    repealed = adopted.replace("status: adopted\n", "status: repealed\n").replace(
        record, record + "repeal:\n  date: 2026-11-25\n  body: Byrådet\n"
    )
    assert path.read_text("utf-8") == repealed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["adopt", str(SEED), "--by", "Byrådet", "--date", "2001-01-01", "--version", "2.0"],
            "before the last adoption",
        ),
        (
            ["adopt", str(SEED), "--by", "Byrådet", "--date", "2007-05-29", "--version", "2.0"],
            "already adopted on 2007-05-29",
        ),
        (
            ["adopt", str(SEED), "--by", "Byrådet", "--date", "2026-11-20"],
            "give the version to adopt",
        ),
        (
            ["adopt", str(SEED), "--by", "Byrådet", "--date", "10-12-2026"],
            "--date 10-12-2026: not a date",
        ),
        (["evaluate", str(SEED), "--date", "2006-01-01"], "would come before the adoption"),
        (
            ["repeal", str(DRAFT), "--by", "Byrådet", "--date", "2026-11-20"],
            "only a policy in force",
        ),
        (
            ["adopt", "policies/nope.yaml", "--by", "Byrådet", "--date", "2026-11-20"],
            "no such file",
        ),
    ],
)
def test_refusals_leave_the_file_untouched(repo: Path, args: list[str], message: str) -> None:
    files = {p: p.read_bytes() for p in Path("policies").rglob("*.yaml")}
    code, out = run(*args)
    assert code == 2, out
    assert message in out
    assert {p: p.read_bytes() for p in Path("policies").rglob("*.yaml")} == files


def test_a_repealed_policy_is_not_adopted(repo: Path) -> None:
    assert run("repeal", str(ENGLISH_FILE), "--by", "City Council", "--date", "2026-11-21")[0] == 0
    before = ENGLISH_FILE.read_bytes()
    code, out = run(
        "adopt",
        str(ENGLISH_FILE),
        "--by",
        "City Council",
        "--date",
        "2026-11-30",
        "--version",
        "3.0",
    )
    assert code == 2 and "the policy is repealed" in out
    assert ENGLISH_FILE.read_bytes() == before


def test_a_file_with_errors_shows_its_findings(repo: Path) -> None:
    SEED.write_text(SEED.read_text("utf-8").replace("status: adopted", "status: adoptd"), "utf-8")
    before = SEED.read_bytes()
    code, out = run("evaluate", str(SEED), "--date", "2026-12-01")
    assert code == 2
    assert "--> policies/kommunikationspolitik.yaml:14:9" in out
    assert "has errors, so no decision is recorded" in out
    assert SEED.read_bytes() == before


def test_a_read_only_file_is_refused(repo: Path) -> None:
    SEED.chmod(0o444)
    before = SEED.read_bytes()
    code, out = run("evaluate", str(SEED), "--date", "2026-12-01")
    assert code == 2 and "read-only" in out
    assert SEED.read_bytes() == before
    assert sorted(p.name for p in SEED.parent.iterdir() if p.name.startswith(".")) == []


def test_two_adopts_at_once_one_wins(repo: Path) -> None:
    command = [
        sys.executable, "-m", "policykit", "adopt", str(DRAFT),
        "--by", "Byrådet", "--date", "2026-11-20",
    ]  # fmt: skip
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    results = [
        (process.wait(timeout=120), process.stdout.read() if process.stdout else "")
        for process in runs
    ]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    text = SEED.read_text("utf-8")
    assert text.count("- date: 2026-11-20") == 1
    assert run("validate", "policies")[0] == 0
    assert not DRAFT.exists()


def test_a_revision_adopted_leaves_earlier_gaps_behind() -> None:
    revised = with_records(
        adoptions=["2007-05-29", "2026-11-20"], evaluations=[], interval=ElectoralPeriod()
    )
    result = review(revised, dt.date(2026, 12, 11))  # type: ignore[arg-type]
    assert (result.due, result.state) == (dt.date(2033, 12, 31), State.OK), result.reason
