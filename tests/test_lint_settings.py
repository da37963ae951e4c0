"""`lint` in policykit.yaml: rules switched off or set to a level, per rule and per file, as
yamllint and Vale allow; the LIX threshold per language; short sections not measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykit.checking.validate import SourceFile, validate
from policykit.diagnostics.findings import Finding
from policykit.model.project import Project
from policykit.reading.reader import read_project
from tests.conftest import DATA

CASES = DATA / "cases"
#: A purpose of three long sentences: LIX 110, a PK401 warning at the default threshold.
HARD = (CASES / "hard-to-read.yaml").read_bytes()
#: A purpose of one sentence, as hard: too short to measure.
SHORT = (CASES / "lix-too-short-to-measure.yaml").read_bytes()


def project(lint: str) -> tuple[Project, list[Finding]]:
    text = f"format: 1\norganisation:\n  name: Test Kommune\nlint:\n{lint}"
    read = read_project(text.encode(), "policykit.yaml")
    return read.project, read.findings


def findings(lint: str, *files: tuple[str, bytes]) -> list[tuple[str, str, str]]:
    settings, problems = project(lint)
    assert problems == []
    # Each file its own id, as files in one folder have.
    sources = [
        SourceFile(path, data.replace(b"id: case-policy", f"id: p{i}".encode()))
        for i, (path, data) in enumerate(files)
    ]
    report = validate(sources, settings)
    return [(f.rule.code, str(f.severity), f.span.file if f.span else "") for f in report.findings]


def test_the_defaults_report_a_hard_section_and_not_a_short_one() -> None:
    assert findings("  {}\n", ("hard.yaml", HARD), ("short.yaml", SHORT)) == [
        ("PK401", "warning", "hard.yaml")
    ]


@pytest.mark.parametrize("name", ["PK401", "pk401", "hard-to-read"])
def test_a_rule_switched_off_by_code_or_name(name: str) -> None:
    assert findings(f"  rules:\n    {name}: off\n", ("hard.yaml", HARD)) == []


def test_a_warning_raised_to_an_error() -> None:
    lint = "  rules:\n    hard-to-read: error\n"
    assert findings(lint, ("hard.yaml", HARD)) == [("PK401", "error", "hard.yaml")]


def test_a_rule_ignored_in_some_files_only() -> None:
    lint = "  rules:\n    hard-to-read:\n      ignore: [policies/old-*.yaml]\n"
    got = findings(lint, ("policies/old-it.yaml", HARD), ("policies/new-it.yaml", HARD))
    assert got == [("PK401", "warning", "policies/new-it.yaml")]


def test_the_threshold_per_language() -> None:
    danish = HARD.replace(b"language: en", b"language: da")
    lint = "  lix_threshold:\n    en: 120\n"
    got = findings(lint, ("en.yaml", HARD), ("da.yaml", danish))
    assert got == [("PK401", "warning", "da.yaml")]


def test_the_shortest_section_measured_can_be_set() -> None:
    got = findings("  lix_min_sentences: 1\n", ("short.yaml", SHORT))
    assert got == [("PK401", "warning", "short.yaml")]


@pytest.mark.parametrize(
    ("lint", "message", "hint"),
    [
        ("  rules:\n    hard-to-reed: off\n", "`hard-to-reed`, which is no rule", "hard-to-read"),
        ("  rules:\n    PK101: off\n", "PK101 (missing-key) is an error", "only warnings"),
        ("  rules:\n    PK101:\n      ignore: [x.yaml]\n", "cannot be switched off", "warnings"),
    ],
)
def test_a_setting_that_cannot_apply_is_a_finding(lint: str, message: str, hint: str) -> None:
    settings, problems = project(lint)
    assert [(f.rule.code, f.span and f.span.line) for f in problems] == [("PK104", 6)]
    assert message in problems[0].message
    assert hint in (problems[0].hint or "")
    assert settings.lint.rules == {}


def test_a_level_outside_the_three_is_a_schema_error(tmp_path: Path) -> None:
    _, problems = project("  rules:\n    PK401: loud\n")
    assert [f.rule.code for f in problems] == ["PK104"]


def test_a_command_that_stops_on_errors_measures_no_lix_unless_it_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`diff`, `adopt` and the other commands that need a valid policy show no warnings:
    they do not measure LIX (a warning), unless the project makes it an error."""
    from policykit.checking import checks
    from policykit.checking.validate import checked_policy
    from policykit.diagnostics.errors import InvalidInputError

    measured: list[int] = []
    measure = checks.section_stats
    monkeypatch.setattr(checks, "section_stats", lambda p: measured.append(1) or measure(p))
    source = SourceFile("hard.yaml", HARD)
    for lint in ("  {}\n", "  rules:\n    hard-to-read: warning\n"):
        assert checked_policy(source, project(lint)[0], "it is not done").id == "case-policy"
    assert measured == []
    with pytest.raises(InvalidInputError) as raised:
        checked_policy(source, project("  rules:\n    hard-to-read: error\n")[0], "it is not done")
    assert [f.rule.code for f in raised.value.findings] == ["PK401"]
    assert measured == [1]
    assert findings("  {}\n", ("hard.yaml", HARD)) == [("PK401", "warning", "hard.yaml")]
