"""Golden tests for diagnostics: one input per case in tests/data/cases, its report beside it.

`pytest --update-goldens` rewrites the `.out` files; review the diff before committing.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from policykit.checking.validate import Report, SourceFile, validate
from policykit.cli.diagnostics import PlainText, make_console, render_text, summary_line
from policykit.model.project import Project
from tests.conftest import DATA
from tests.golden import check_golden

CASES = DATA / "cases"
INPUTS = sorted(p for p in CASES.iterdir() if p.suffix in (".yaml", ".yml"))


def render(path: Path) -> str:
    # Relative display paths, so goldens do not depend on where the checkout lives.
    report = _validated(path)
    out = io.StringIO()
    console = make_console(file=out, width=100, no_color=True)
    render_text(report.findings, report.sources, console)
    console.print(summary_line(report.findings, report.files))
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _validated(path: Path) -> Report:
    return validate([SourceFile(path.name, path.read_bytes())], Project())


@pytest.mark.parametrize("case", INPUTS, ids=[p.stem for p in INPUTS])
def test_case(case: Path, update_goldens: bool) -> None:
    check_golden(render(case), case.with_suffix(".out"), update_goldens)


#: A colour or style of rich's, as it writes one to a terminal.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_plain_text_is_what_rich_writes_less_its_colours() -> None:
    """Where no colour can show, findings are written without rich (`PlainText`): the very
    text that rich writes to a terminal, less its colours, for every case."""
    for case in INPUTS:
        report = _validated(case)
        plain, coloured = io.StringIO(), io.StringIO()
        render_text(report.findings, report.sources, PlainText(plain))
        terminal = make_console(file=coloured, force_terminal=True, color_system="standard")
        render_text(report.findings, report.sources, terminal)
        assert "\x1b[" in coloured.getvalue() or not report.findings, case.name
        assert plain.getvalue() == _SGR.sub("", coloured.getvalue()), case.name


def test_every_case_has_a_golden() -> None:
    outs = {p.stem for p in CASES.glob("*.out")}
    assert outs == {p.stem for p in INPUTS}, "a golden without its input, or the reverse"
    assert len(INPUTS) >= 30, f"only {len(INPUTS)} cases found in {os.fspath(CASES)}"


def test_the_export_summary_as_plain_text_is_rich_s_less_its_colours(tmp_path: Path) -> None:
    """The lines `export` ends with, written where no colour can show: rich's text less its
    colours, a name with brackets (rich's markup) and a control character included."""
    from policykit.checking.shelf import Card
    from policykit.cli.diagnostics import render_export_summary
    from policykit.workflows.export import Outcome

    outcomes = [
        Outcome(Card("a", "A", "policies/a[1].yaml", False), [tmp_path / "a[1].html"]),
        Outcome(Card("b", "B", "policies/b\x07.yaml", False), error="[bold]WeasyPrint[/] failed"),
    ]
    plain, coloured = io.StringIO(), io.StringIO()
    render_export_summary(outcomes, 1, PlainText(plain))
    terminal = make_console(file=coloured, force_terminal=True, color_system="standard")
    render_export_summary(outcomes, 1, terminal)
    assert "\x1b[" in coloured.getvalue()
    assert plain.getvalue() == _SGR.sub("", coloured.getvalue())
    assert plain.getvalue().splitlines()[1:] == [
        "failed: b (policies/b\\x07.yaml): [bold]WeasyPrint[/] failed",
        "1 exported, 2 failed",
    ]
