"""The HTML and PDF redlines: with the deletions taken out they read as the new version's
export, with the insertions taken out they hold the old version's words; they pass vnu and
axe-core; the PDF passes qpdf and shows the summary and the marks."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from policykit.comparing.diff import compare
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.reading.reader import read_policy
from policykit.writing.html import write_html
from policykit.writing.layout import layout
from policykit.writing.pdf import html_to_pdf
from policykit.writing.redline_html import write_redline_html
from tests.clients import require
from tests.conftest import DATA
from tests.examples import draft, policy, project
from tests.test_html import axe_violations, vnu_errors
from tests.test_pdf import pdftotext, run

CASES = DATA / "diff"
PAIRS = sorted(p for p in CASES.glob("*.yaml") if p.name != "base.yaml")


def load(path: Path) -> Policy:
    read = read_policy(path.read_bytes(), path.name, Project())
    assert read.policy is not None
    return read.policy


def redline(old: Policy, new: Policy, settings: Project | None = None) -> str:
    settings = settings or Project()
    return write_redline_html(compare(old, new), layout(old, settings), layout(new, settings))


def main_text(page: str, drop: str) -> str:
    """The text of <main>, without the elements the XPath `drop` selects (their tails kept)."""
    root = lxml_html.fromstring(page)
    main = root.find(".//main")
    assert main is not None
    for element in main.xpath(drop):
        element.drop_tree()
    return " ".join(main.text_content().split())


def export_text(policy: Policy, settings: Project | None = None) -> str:
    return main_text(write_html(layout(policy, settings or Project())), "./nothing")


def words(text: str) -> Counter[str]:
    """The words of a text, without section numbers, which the redline gives in the new
    version's numbering."""
    return Counter(w for w in re.findall(r"\w+", text) if not w.isdigit())


ACCEPT = ".//del | .//*[contains(@class, 'change-note')]"
REJECT = ".//ins | .//*[contains(@class, 'change-note')]"


def check_both_ways(old: Policy, new: Policy, settings: Project | None = None) -> None:
    page = redline(old, new, settings)
    assert main_text(page, ACCEPT) == export_text(new, settings)
    assert words(main_text(page, REJECT)) == words(export_text(old, settings))


@pytest.mark.parametrize("case", PAIRS, ids=[p.stem for p in PAIRS])
def test_without_deletions_it_is_the_new_version(case: Path) -> None:
    check_both_ways(load(CASES / "base.yaml"), load(case))
    check_both_ways(load(case), load(CASES / "base.yaml"))


def test_the_seed_against_its_revision_both_ways() -> None:
    check_both_ways(policy(), draft(), project())
    check_both_ways(draft(), policy(), project())


def test_summary_table_and_marks() -> None:
    page = redline(policy(), draft(), project())
    root = lxml_html.fromstring(page)
    rows = {
        row.findtext("th"): [cell.text for cell in row.findall("td")]
        for row in root.xpath("//table[@class='summary']/tbody/tr")
    }
    # added, removed, modified, moved
    assert rows["Principper"] == ["1", "0", "1", "1"]
    assert rows["Mål"] == ["0", "0", "1", "0"]
    assert "Indholdsmæssige ændringer" in page
    assert "Foreslået version: 2.0" in page
    deleted = [" ".join(d.text_content().split()) for d in root.xpath("//main//del")]
    inserted = [" ".join(i.text_content().split()) for i in root.xpath("//main//ins")]
    assert "Vi inddrager vores samarbejdsparter i markedsføringsindsatsen." in deleted
    assert ", også de digitale," in inserted
    assert "Flyttet fra afsnit" in page
    tilgaengelighed = root.get_element_by_id("principle-tilgaengelighed")
    assert "inserted" in tilgaengelighed.get("class")


def test_hidden_words_for_screen_readers() -> None:
    page = redline(policy(), draft(), project())
    assert '--del-start: "[slettet: "' in page
    assert "del::before { content: var(--del-start); }" in page


def test_nu_html_checker_and_axe_core(tmp_path: Path) -> None:
    page = tmp_path / "redline.html"
    page.write_text(redline(policy(), draft(), project()), encoding="utf-8")
    assert vnu_errors(page) == []
    violations = axe_violations(page, tmp_path / "redline.png")
    assert violations == [], json.dumps(violations, indent=1)[:3000]


def test_pdf_redline(tmp_path: Path) -> None:
    settings = project()
    old, new = layout(policy(), settings), layout(draft(), settings)
    pdf = tmp_path / "redline.pdf"
    pdf.write_bytes(html_to_pdf(write_redline_html(compare(policy(), draft()), old, new), new))
    assert "No syntax or stream encoding errors" in run(require("qpdf"), "--check", str(pdf))
    text = " ".join(pdftotext(pdf, "-raw").split())
    assert "Oversigt over ændringer" in text
    assert "Vi inddrager vores samarbejdsparter i markedsføringsindsatsen." in text
    assert "Tilgængelighed i kommunikation og markedsføring" in text
    assert re.search(r"^Tagged: +yes$", run(require("pdfinfo"), str(pdf)), re.M)
