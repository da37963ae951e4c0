"""Output defects a new user found in a year with real policies (issue 12): each test here
failed before its fix."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

from policykit.model.policy import Span
from policykit.reading.prose import parse_prose
from policykit.writing.html import write_html
from policykit.writing.layout import layout
from policykit.writing.pdf import write_pdf
from tests.clients import chromium_page, require
from tests.examples import policy, project

LIST = "Vi gør tre ting:\n\n3. vi lytter\n4. vi svarer\n"


def with_list() -> object:
    seed = policy()
    assert seed.purpose is not None
    text, findings = parse_prose(LIST, lambda line: Span("x.yaml", line + 1, 1))
    assert findings == []
    return dataclasses.replace(seed, purpose=dataclasses.replace(seed.purpose, text=text))


def test_a_list_keeps_its_start_number_in_the_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(write_pdf(layout(with_list(), project())))  # type: ignore[arg-type]
    text = subprocess.run(
        [require("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "3. vi lytter" in text and "4. vi svarer" in text
    assert "1. vi lytter" not in text


def test_a_list_keeps_its_start_number_in_the_browser(tmp_path: Path) -> None:
    page = tmp_path / "list.html"
    page.write_text(write_html(layout(with_list(), project())), encoding="utf-8")  # type: ignore[arg-type]
    with chromium_page() as browser:
        browser.goto(page.as_uri())
        pdf = tmp_path / "chromium.pdf"
        browser.pdf(path=str(pdf))
    text = subprocess.run(
        [require("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "3. vi lytter" in text and "4. vi svarer" in text


def test_a_draft_that_keeps_its_version_is_not_changes_from_1_0_to_1_0() -> None:
    from policykit.comparing.diff import compare
    from policykit.writing.redline_html import write_redline_html
    from tests.examples import draft

    same = dataclasses.replace(draft(), version=policy().version)
    settings = project()
    html = write_redline_html(
        compare(policy(), same), layout(policy(), settings), layout(same, settings)
    )
    assert "Ændringer i forhold til version 1.0" in html
    assert "fra version 1.0 til version 1.0" not in html


def test_an_insertion_is_told_from_a_link_by_more_than_colour() -> None:
    from policykit.writing.templating import packaged

    css = packaged("redline.css")
    assert "ins { color: #0b6b2c; text-decoration: underline double;" in css
    assert (
        "dobbelt understreget"
        in __import__("policykit.reading.locales", fromlist=["x"]).locale("da")["legend_inserted"]
    )


# --- the command line ---------------------------------------------------------------------------


def test_help_shows_no_type_after_a_flag() -> None:
    from typer.testing import CliRunner

    from policykit.cli.app import app

    runner = CliRunner()
    for args in (["--help"], ["export", "--help"], ["diff", "--help"]):
        result = runner.invoke(app, args, env={"COLUMNS": "100"})
        assert result.exit_code == 0
        assert "<bool>" not in result.output, args
    # Paths are parsed by `app._path` (which refuses an empty one), named for `--help`.
    assert "<path>" in runner.invoke(app, ["export", "--help"], env={"COLUMNS": "100"}).output


def test_diffing_two_different_policies_warns() -> None:
    from typer.testing import CliRunner

    from policykit.cli.app import app
    from tests.conftest import ROOT

    result = CliRunner().invoke(
        app,
        ["diff", str(ROOT / "policies/kommunikationspolitik.yaml"),
         str(ROOT / "policies/personalepolitik.yaml")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "two different policies (`kommunikationspolitik` and `personalepolitik`)" in (
        result.output + (result.stderr or "")
    )


def test_an_added_part_carries_its_whole_content_in_the_json() -> None:
    from policykit.comparing.diff import Kind, compare
    from tests.examples import draft

    (added,) = [c for c in compare(policy(), draft()).changes if c.kind is Kind.ADDED]
    assert added.new is not None
    heading, text = added.new.split("\n\n", 1)
    assert heading == "# Tilgængelighed i kommunikation og markedsføring"
    assert text.startswith("Ikast-Brande Kommunes kommunikation skal kunne bruges af alle.")


def test_a_decision_after_today_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    import datetime as dt
    import shutil

    from typer.testing import CliRunner

    from policykit.cli.app import app
    from tests.conftest import ROOT

    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")
    (tmp_path / "policies").mkdir()
    target = tmp_path / "policies" / "kommunikationspolitik.yaml"
    shutil.copy(ROOT / "policies" / "kommunikationspolitik.yaml", target)
    before = target.read_bytes()
    soon = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    for args in (
        ["adopt", str(target), "--by", "Byrådet", "--date", soon, "--version", "3.0"],
        ["evaluate", str(target), "--date", soon],
        ["repeal", str(target), "--by", "Byrådet", "--date", soon],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, args
        assert "is after today" in result.output + (result.stderr or "")
        assert target.read_bytes() == before


def test_nothing_runs_off_a_phone_screen(tmp_path: Path) -> None:
    """At 390 px, the page does not scroll sideways, no heading is wider than its box, and
    the redline's summary table fits; wider tables (the history, the register and its
    timeline) scroll in their own box, which shows a shadow at the edge that has more."""
    from policykit.comparing.diff import compare
    from policykit.writing.redline_html import write_redline_html
    from tests.examples import ENGLISH, draft
    from tests.test_catalog import page as register

    settings = project()
    pages = {
        "policy.html": write_html(layout(policy(ENGLISH), settings)),
        "seed.html": write_html(layout(policy(), settings)),
        "redline.html": write_redline_html(
            compare(policy(), draft()), layout(policy(), settings), layout(draft(), settings)
        ),
        "register.html": register(),
    }
    with chromium_page() as browser:
        browser.set_viewport_size({"width": 390, "height": 800})
        for name, html in pages.items():
            page = tmp_path / name
            page.write_text(html, encoding="utf-8")
            browser.goto(page.as_uri())
            assert browser.evaluate("document.documentElement.scrollWidth") == 390, name
            wide = browser.evaluate(
                "[...document.querySelectorAll('h1, h2, h3, table.summary')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
            )
            assert wide == [], (name, wide)
            # Whatever scrolls sideways is a box with the cue: its shadow is a background
            # that scrolls with it (see policy.css), not a plain box.
            bare = browser.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.scrollWidth > "
                "e.clientWidth + 1 && getComputedStyle(e).overflowX === 'auto' && "
                "!getComputedStyle(e).backgroundImage.includes('radial-gradient'))"
                ".map(e => e.className)"
            )
            assert bare == [], (name, bare)
            scrolling = browser.evaluate(
                "[...document.querySelectorAll('.scroll-box')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)"
            )
            if name in ("policy.html", "register.html"):  # a history, a register this wide
                assert scrolling, name


def test_a_moved_goal_says_where_it_came_from_and_the_legend_explains_the_bar() -> None:
    from policykit.comparing.diff import compare
    from policykit.reading.reader import read_policy
    from policykit.writing.redline_html import write_redline_html
    from tests.conftest import DATA

    def load(name: str) -> object:
        path = DATA / "diff" / name
        read = read_policy(path.read_bytes(), path.name, project())
        assert read.policy is not None
        return read.policy

    old, new = load("base.yaml"), load("goal-items-shuffled.yaml")
    settings = project()
    html = write_redline_html(compare(old, new), layout(old, settings), layout(new, settings))  # type: ignore[arg-type]
    assert '<li class="moved">Only staff who need a record can read it. ' in html
    assert '<span class="change-note">(moved from place 3)</span>' in html
    assert '<li class="legend-moved">a dashed bar on the left: moved</li>' in html


def test_the_brief_names_the_deciding_body_once() -> None:
    import datetime as dt

    from policykit.planning.brief import Action, make_brief

    titled = dataclasses.replace(policy(), title="18F: An Open Source Team")
    brief = make_brief(titled, Action.NEW, dt.date(2026, 11, 20), body="18F")
    assert brief.full_title == "Indstilling til 18F: An Open Source Team"
    # The organisation is not named beside a title that names it as the body.
    assert brief.footer("18F") == brief.full_title
    assert brief.footer("Ikast-Brande Kommune") == f"Ikast-Brande Kommune · {brief.full_title}"
    # A title that merely begins with the body's name keeps it.
    plain = make_brief(dataclasses.replace(titled, title="18F Open Source Policy"), Action.NEW,
                       dt.date(2026, 11, 20), body="18F")  # fmt: skip
    assert plain.full_title.endswith(": 18F Open Source Policy")


def test_the_project_names_the_deciding_body_per_language(tmp_path: Path) -> None:
    import datetime as dt

    from policykit.planning.brief import Action, make_brief
    from policykit.reading.reader import read_project

    text = "format: 1\norganisation:\n  name: X\nbody:\n  da: Kommunalbestyrelsen\n  en: Council\n"
    settings = read_project(text.encode(), "policykit.yaml").project
    assert (settings.body("da"), settings.body("en"), settings.body("de")) == (
        "Kommunalbestyrelsen",
        "Council",
        None,
    )
    one = read_project("format: 1\norganisation:\n  name: X\nbody: Regionsrådet\n".encode(), "p")
    assert one.findings == [] and one.project.body("en") == "Regionsrådet"
    new = dataclasses.replace(policy(), adoptions=())
    brief = make_brief(new, Action.NEW, dt.date(2026, 11, 20), default_body=settings.body("da"))
    assert brief.heading == "Indstilling til Kommunalbestyrelsen"


def test_adopt_records_the_projects_body_when_by_is_not_given(tmp_path: Path) -> None:
    import sys

    root = tmp_path / "p"
    run = [sys.executable, "-m", "policykit"]
    subprocess.run([*run, "init", str(root), "--language", "en", "--organisation", "Springfield"],
                   check=True, capture_output=True)  # fmt: skip
    (root / "policykit.yaml").write_text(
        (root / "policykit.yaml").read_text().replace("body: City Council", "body: Town Board")
    )
    target = next((root / "policies").glob("*.yaml"))
    text = target.read_text()
    done = subprocess.run([*run, "adopt", str(target), "--date", "2026-01-05", "--version", "1.0"],
                          capture_output=True, text=True, cwd=root)  # fmt: skip
    # The example policy adopts cleanly: the project's body is recorded.
    assert done.returncode == 0, done.stderr
    assert "adopted by Town Board" in done.stdout
    assert "body: Town Board" in target.read_text() and target.read_text() != text


def test_every_adoption_and_evaluation_is_in_the_history() -> None:
    """The English example: adopted twice, evaluated once; with a repeal added, it has four
    lines, oldest first, in HTML, Word and Markdown alike."""
    import datetime as dt
    import io

    import docx

    from policykit.model.policy import Decision, Status
    from policykit.writing.docx import write_docx
    from policykit.writing.markdown import write_markdown
    from tests.examples import ENGLISH

    english = policy(ENGLISH)
    repeal = Decision(dt.date(2026, 6, 1), "City Council", "case 26/1", None, english.span)
    repealed = dataclasses.replace(english, status=Status.REPEALED, repeal=repeal)
    document = layout(repealed, project())
    header, rows = document.history_table
    assert header == ("Date", "Event", "Decided by", "Case", "Note")
    assert [row[:2] for row in rows] == [
        ("12 March 2019", "Adopted"),
        ("20 June 2023", "Adopted"),
        ("14 May 2025", "Evaluated"),
        ("1 June 2026", "Repealed"),
    ]
    html = write_html(document)
    assert html.count("<tr>") >= 5 and '<h2 id="history-heading">History</h2>' in html
    history = html[html.index("history-heading") :]
    assert history.index("20 June 2023") < history.index("14 May 2025") < history.index("1 June")
    (table,) = docx.Document(io.BytesIO(write_docx(document))).tables
    assert [cell.text for cell in table.rows[4].cells][:4] == [
        "1\u00a0June\u00a02026", "Repealed", "City Council", "case 26/1"
    ]  # fmt: skip
    assert "| 1 June 2026 | Repealed | City Council | case 26/1 |" in write_markdown(document)


def test_a_policy_never_decided_has_no_history() -> None:
    new = dataclasses.replace(policy(), adoptions=(), evaluation=None)
    document = layout(new, project())
    assert document.history == ()
    assert "history-heading" not in write_html(document)


def _pdf_pages(document: object, tmp_path: Path) -> list[str]:
    pdf = tmp_path / "short.pdf"
    pdf.write_bytes(write_pdf(document))  # type: ignore[arg-type]
    text = subprocess.run([require("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    return text.split("\f")[:-1]


def test_a_short_policy_starts_on_its_first_page(tmp_path: Path) -> None:
    """The English example: 329 words in 7 sections. Under the default 500 words its title
    block shares the first page with the text; with 7 sections it keeps its contents."""
    from tests.examples import ENGLISH

    pages = _pdf_pages(layout(policy(ENGLISH), project()), tmp_path)
    assert len(pages) == 3
    first = pages[0]
    assert "Information Security Policy" in first and "Contents" in first
    assert "This policy tells how we protect our data" in first


def test_a_policy_of_few_sections_has_no_contents_and_the_limits_are_settings(
    tmp_path: Path,
) -> None:
    from policykit.reading.reader import read_project
    from policykit.writing.layout import ExportOptions
    from tests.examples import ENGLISH

    none = layout(policy(ENGLISH), project(), ExportOptions(contents_min_sections=8))
    pages = _pdf_pages(none, tmp_path)
    assert "Contents" not in "".join(pages) and len(pages) == 3
    # Both limits at 0: a title page of its own, then the contents, then the text.
    text = "format: 1\norganisation:\n  name: X\npdf:\n  contents_min_sections: 0\n"
    settings = read_project((text + "  title_page_min_words: 0\n").encode(), "p").project
    assert (settings.contents_min_sections, settings.title_page_min_words) == (0, 0)
    formal = ExportOptions(contents_min_sections=0, title_page_min_words=0)
    pages = _pdf_pages(layout(policy(ENGLISH), project(), formal), tmp_path)
    assert "This policy tells how we protect" not in pages[0]
    assert "Contents" in pages[1] and len(pages) == 5


def test_the_html_and_pdf_redlines_number_a_reworded_item_as_it_is(tmp_path: Path) -> None:
    """Item 2 reworded is one item 2, in the browser and in print (WeasyPrint ignores `li
    value`, so the PDF numbered a 3-item list 1, 2, 3, 4)."""
    from policykit.comparing.diff import compare
    from policykit.writing.pdf import html_to_pdf
    from policykit.writing.redline_html import write_redline_html
    from tests.test_redline_docx import reworded_list_pair

    old, new = reworded_list_pair()
    old_doc, new_doc = layout(old, project()), layout(new, project())
    html = write_redline_html(compare(old, new), old_doc, new_doc)
    purpose = html[html.index("We do three things") :]
    purpose = purpose[: purpose.index("</ol>")]
    assert purpose.count("<li") == 3
    pdf = tmp_path / "redline.pdf"
    pdf.write_bytes(html_to_pdf(html, new_doc))
    text = subprocess.run([require("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    numbers = re.findall(r"^\s*(\d)\. (Collect|Publish|Review)", text, re.M)
    assert numbers == [("1", "Collect"), ("2", "Publish"), ("3", "Review")]
