"""The change classification as the secretariat meets it: each change says why, the
secretariat can overrule a category (in the draft, or with `--classify`) with the reason
recorded, and the brief follows the version the secretariat proposes.

The rules themselves have one golden diff case each, in both languages
(tests/data/diff/rules, `test_diff.test_each_rule_of_the_classification`).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.comparing.diff import Overruling, compare, file_overrulings, overrule
from policykit.comparing.meaning import Category
from policykit.diagnostics import rules
from policykit.model.policy import Overrule, Span
from policykit.planning.brief import Action, make_brief
from policykit.reading.reader import read_policy
from policykit.writing.brief import write_brief_html
from policykit.writing.layout import layout
from policykit.writing.policy_yaml import write_policy_yaml
from policykit.writing.redline_html import write_redline_html
from tests.conftest import ROOT
from tests.examples import draft, policy, project
from tests.test_html import axe_violations, vnu_errors

runner = (
    CliRunner(mix_stderr=False)
    if "mix_stderr" in CliRunner.__init__.__code__.co_varnames
    else CliRunner()
)
GOAL = "goals[kommunikation].items[3]"
REASON = "Præciserer kun, at målet også gælder de digitale henvendelser."
SPAN = Span("draft.yaml", 1, 1)


def overruled_draft() -> object:
    return dataclasses.replace(
        draft(), format=2, classification=(Overrule(GOAL, "editorial", REASON, SPAN),)
    )


def test_the_draft_overrules_a_category_with_its_reason() -> None:
    new = overruled_draft()
    changes, unmatched = overrule(compare(policy(), new), file_overrulings(new))
    assert unmatched == []
    (change,) = [c for c in changes.changes if c.path == GOAL]
    assert change.category is Category.EDITORIAL
    assert change.found is Category.SUBSTANTIVE
    assert change.reason.code == "overruled" and change.reason.new == REASON
    # The others keep what policykit found, so the whole stays substantive.
    assert changes.category is Category.SUBSTANTIVE


def test_an_overruling_that_matches_no_change_is_returned() -> None:
    ruling = Overruling("goals[nope]", Category.EDITORIAL, "x")
    _, unmatched = overrule(compare(policy(), draft()), [ruling])
    assert unmatched == [ruling]


def test_the_redline_and_the_brief_say_it_was_overruled(tmp_path: Path) -> None:
    new = overruled_draft()
    changes, _ = overrule(compare(policy(), new), file_overrulings(new))
    settings = project()
    html = write_redline_html(changes, layout(policy(), settings), layout(new, settings))
    assert "tilsidesat af sekretariatet: " + REASON in html
    assert "tilsidesat: policykit vurderede den indholdsmæssig" in html
    page = tmp_path / "redline.html"
    page.write_text(html, encoding="utf-8")
    assert vnu_errors(page) == []
    assert axe_violations(page) == []
    brief = make_brief(new, Action.REVISION, policy().last_adoption.date, changes=changes)  # type: ignore[union-attr]
    text = write_brief_html(brief, layout(new, settings))
    assert "tilsidesat af sekretariatet: " + REASON in text


def test_every_change_of_the_seed_revision_says_why_in_the_redline() -> None:
    from markupsafe import escape

    from policykit.writing.reasons import reason_rows

    settings = project()
    old, new = layout(policy(), settings), layout(draft(), settings)
    changes = compare(policy(), draft())
    html = write_redline_html(changes, old, new)
    rows = reason_rows(changes, old, new)
    assert len(rows) == len(changes.changes) == 8
    for row in rows:
        assert f"<td>{escape(row.reason)}</td>" in html
        assert f"<td>{row.kind}, {row.category}</td>" in html
    assert rows[-1].reason == "Evalueres har betydning"  # a field by its label, not its path


def test_the_brief_says_when_the_proposed_version_is_not_the_suggested_one() -> None:
    changes = compare(policy(), draft())
    brief = make_brief(
        draft(), Action.REVISION, policy().last_adoption.date, changes=changes, version="1.5"
    )  # type: ignore[union-attr]
    assert brief.version == "1.5"
    assert brief.category_text == (
        "Indholdsmæssige ændringer. Foreslået version: 1.5. Ud fra ændringerne ville "
        "policykit foreslå 2.0 (ny hovedversion)"
    )
    same = make_brief(draft(), Action.REVISION, policy().last_adoption.date, changes=changes)  # type: ignore[union-attr]
    assert (
        same.category_text == "Indholdsmæssige ændringer. Foreslået version: 2.0 (ny hovedversion)"
    )


def test_classification_reads_back_and_is_format_2() -> None:
    new = overruled_draft()
    text = write_policy_yaml(new)  # type: ignore[arg-type]
    assert "classification:" in text
    read = read_policy(text.encode("utf-8"), "policies/drafts/x.yaml", project(), draft=True)
    assert read.policy is not None and read.policy.classification[0].reason == REASON
    format_1 = text.replace("format: 2", "format: 1", 1)
    findings = read_policy(format_1.encode("utf-8"), "x.yaml", project(), draft=True).findings
    assert rules.NEEDS_FORMAT_2 in [f.rule for f in findings]


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")
    (tmp_path / "policies" / "drafts").mkdir(parents=True)
    shutil.copy(ROOT / "policies" / "kommunikationspolitik.yaml", tmp_path / "policies")
    shutil.copy(
        ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml",
        tmp_path / "policies" / "drafts",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


OLD, NEW = "policies/kommunikationspolitik.yaml", "policies/drafts/kommunikationspolitik.yaml"


def test_classify_on_the_command_line(repo: Path) -> None:
    result = runner.invoke(
        app, ["diff", OLD, NEW, "--format", "json", "--classify", f"{GOAL}=editorial:{REASON}"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    (change,) = [c for c in report["changes"] if c["path"] == GOAL]
    assert change["category"] == "editorial" and change["found"] == "substantive"
    assert change["reason"] == {
        "code": "overruled",
        "text": f"overruled by the secretariat: {REASON}",
    }


@pytest.mark.parametrize(
    "value", ["nothing", f"{GOAL}=minor:x", f"{GOAL}=editorial", f"{GOAL}=editorial: "]
)
def test_classify_needs_a_path_a_category_and_a_reason(repo: Path, value: str) -> None:
    result = runner.invoke(app, ["diff", OLD, NEW, "--classify", value])
    assert result.exit_code == 2
    assert "PATH=CATEGORY:REASON" in result.output + (result.stderr or "")


def test_a_category_for_a_change_that_is_not_there_is_a_warning(repo: Path) -> None:
    result = runner.invoke(app, ["diff", OLD, NEW, "--classify", "goals[nope]=editorial:x"])
    assert result.exit_code == 1
    assert "matches no change" in result.output + (result.stderr or "")
