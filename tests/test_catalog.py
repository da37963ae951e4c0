"""The policy register (`policykit catalog`): content, links, the filter without JavaScript,
the timeline, the real clients vnu and axe-core, and the command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from collections.abc import Sequence
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.model.electoral import DANISH_MUNICIPAL
from policykit.model.intervals import Duration
from policykit.model.policy import Policy, Status
from policykit.planning.review import Reason, Review, State, Why, review_all
from policykit.reading.locales import locale
from policykit.writing.catalog import localise_reason, write_catalog
from policykit.writing.layout import ExportOptions
from policykit.writing.registry import output_name, register_writers
from tests.clients import ROOT, chromium_page
from tests.examples import ENGLISH, SEED, draft, policy, project
from tests.test_html import axe_violations, outline, vnu_errors

TODAY = dt.date(2026, 11, 28)
#: The format-2 example, a draft with no review date yet: last in the register.
STAFF = "personalepolitik"


def reviews(*policies: Policy, today: dt.date = TODAY) -> list[Review]:
    return review_all(policies, today, project().electoral_calendar)


def page(
    policies: Sequence[Policy] = (),
    language: str = "da",
    today: dt.date = TODAY,
    **options: Any,
) -> str:
    """The register of the two example policies (or of `policies`) as on `today`."""
    chosen = policies or (policy(), policy(ENGLISH))
    settings = dataclasses.replace(project(), language=language)
    return write_catalog(reviews(*chosen, today=today), settings, ExportOptions(), today, **options)


def varied() -> list[Policy]:
    """Every status and review state: overdue, due soon, ok, and two with no review."""
    english = policy(ENGLISH)
    decision = dataclasses.replace(english.adoptions[-1], date=dt.date(2025, 1, 15))
    due_soon = dataclasses.replace(
        english,
        id="procurement-policy",
        title="Procurement Policy",
        adoptions=(decision,),
        evaluation=dataclasses.replace(english.evaluation, records=()),
    )
    new = dataclasses.replace(
        english, id="hr", title="HR-politik", language="da", status=Status.DRAFT, adoptions=()
    )
    old = dataclasses.replace(
        english,
        id="old-it-policy",
        title="Old IT Policy",
        status=Status.REPEALED,
        repeal=dataclasses.replace(english.adoptions[-1], date=dt.date(2024, 3, 1)),
    )
    return [policy(), english, due_soon, new, old]


def rows(html: str) -> dict[str, str]:
    """Each table row's text, by policy id."""
    found = re.findall(r'<tr id="policy-([^"]+)"[^>]*>(.*?)</tr>', html, flags=re.DOTALL)
    return {key: " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()) for key, body in found}


def svg(html: str) -> str:
    match = re.search(r"<svg .*?</svg>", html, flags=re.DOTALL)
    assert match is not None
    return match.group(0)


# --- content ------------------------------------------------------------------------------------


def test_register_lists_both_policies_with_status_adoption_and_next_review() -> None:
    html = page()
    found = rows(html)
    assert list(found) == [SEED, ENGLISH]  # soonest review first
    seed, english = found[SEED], found[ENGLISH]
    assert "Kommunikationspolitik" in seed and "Version 1.0" in seed and "Vedtaget" in seed
    assert "29. maj 2007" in seed and "31. december 2009" in seed
    assert "Information Security Policy" in english and "Version 2.1" in english
    assert "20. juni 2023" in english and "14. maj 2027" in english and "I god tid" in english
    assert '<time datetime="2009-12-31">31. december 2009</time>' in html
    # The English title on the Danish page says which language it is in.
    assert '<a href="information-security-policy.html" lang="en">' in html
    assert "<caption" in html and html.count('<th scope="col">') == 6
    assert html.count('<th scope="row">') == 2


def test_a_draft_revision_is_no_row_but_shows_as_revision_in_preparation() -> None:
    html = page((policy(), draft(), policy(ENGLISH)), revisions={SEED: draft()})
    assert list(rows(html)) == [SEED, ENGLISH]
    assert '<a class="revision" href="kommunikationspolitik-draft.html">' in html
    assert "Revision i forberedelse" in rows(html)[SEED]
    assert "Revision i forberedelse" not in rows(html)[ENGLISH]


def test_links_point_at_the_exported_files() -> None:
    html = page()
    hrefs = outline(html).hrefs
    for name in (SEED, ENGLISH):
        for chosen in register_writers():
            assert output_name(policy(name), chosen) in hrefs
    assert "kommunikationspolitik.docx" in hrefs and "information-security-policy.pdf" in hrefs
    # Each link names its policy for a screen reader, not only "PDF".
    assert 'PDF<span class="visually-hidden">: Kommunikationspolitik</span>' in html
    elsewhere = page(link_base="../exports/")
    assert "../exports/kommunikationspolitik.pdf" in outline(elsewhere).hrefs


def test_seed_row_says_it_is_overdue_since_2009_and_why() -> None:
    danish = rows(page())[SEED]
    assert "Forsinket siden 31. december 2009" in danish
    assert "Ingen evaluering i valgperioden 2007–2009" in danish
    english = rows(page(language="en"))[SEED]
    assert "Overdue since 31 December 2009" in english
    assert "No evaluation in the electoral period 2007–2009; one is due in every period" in english
    assert "Every 2 years; last evaluated 14 May 2025" in rows(page(language="en"))[ENGLISH]


def test_every_state_and_status_is_worded_in_the_pages_language() -> None:
    found = rows(page(varied()))
    assert "Inden for 90 dage" in found["procurement-policy"]
    assert (
        "Hvert 2. år; vedtaget 15. januar 2025 og ikke evalueret siden"
        in found["procurement-policy"]
    )
    assert "Udkast" in found["hr"] and "Ikke vedtaget" in found["hr"]
    assert "Ikke vedtaget endnu" in found["hr"]
    assert "Ophævet" in found["old-it-policy"]
    assert "Ophævet den 1. marts 2024; evalueres ikke" in found["old-it-policy"]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize(
    "reason",
    [
        Reason(Why.REPEALED, dt.date(2024, 3, 1)),
        Reason(Why.REPEALED),
        Reason(Why.NOT_ADOPTED),
        Reason(Why.NO_INTERVAL),
        Reason(Why.NO_RULE),
        Reason(Why.EVALUATED, dt.date(2025, 5, 14), Duration(years=2)),
        Reason(Why.NOT_EVALUATED, dt.date(2023, 6, 20), Duration(years=2)),
        Reason(Why.PERIOD_MISSED, term=DANISH_MUNICIPAL.term_of(dt.date(2008, 1, 1))),
        Reason(Why.PERIOD_PENDING, term=DANISH_MUNICIPAL.term_of(TODAY)),
        Reason(
            Why.PERIOD_DONE,
            term=DANISH_MUNICIPAL.term_of(TODAY),
            next_term=DANISH_MUNICIPAL.term_of(dt.date(2030, 1, 1)),
        ),
    ],
    ids=str,
)
def test_every_reason_is_worded_in_every_language(reason: Reason, language: str) -> None:
    loc = locale(language)
    review = dataclasses.replace(reviews(policy())[0], reason=reason)
    text = localise_reason(review, loc)
    assert text[:1].isupper() and "{" not in text, text
    if reason.date is not None:
        assert loc.date(reason.date) in text
    for term in (reason.term, reason.next_term):
        assert term is None or str(term) in text
    assert len(Why) == 9  # a new Why needs its labels and a case here


def test_text_is_escaped() -> None:
    evil = dataclasses.replace(policy(), title="<script>alert(1)</script> & co")
    html = page((evil, policy(ENGLISH)))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_page_is_self_contained_with_landmarks_and_one_h1() -> None:
    html = page()
    structure = outline(html)
    assert structure.html_lang == "da"
    assert structure.hrefs[0] == "#main"  # the skip link comes first
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in structure.tags
    assert structure.headings.count(1) == 1 and structure.headings[0] == 1
    assert "<script" not in html and "<link" not in html
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in html
    assert outline(page(language="en")).html_lang == "en"


def test_same_input_same_bytes() -> None:
    assert page() == page()
    assert page(today=dt.date(2027, 3, 1)) != page()


# --- the timeline -------------------------------------------------------------------------------


def test_timeline_has_an_accessible_name_and_a_marker_per_policy_with_a_due_date() -> None:
    policies = varied()
    html = page(policies)
    picture = svg(html)
    assert 'role="img"' in picture
    assert '<title id="timeline-title">Tidslinje for evalueringer</title>' in picture
    assert 'aria-labelledby="timeline-title"' in picture
    dated = [r for r in reviews(*policies) if r.due is not None]
    assert len(dated) == 3
    assert picture.count('<g class="marker ') == len(dated)
    assert picture.count('<g class="marker marker-overdue">') == 1
    assert picture.count('<g class="marker marker-due">') == 1
    # The text alternative names every due date, and the policies without one.
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", picture, flags=re.DOTALL)
    assert desc is not None
    assert "Kommunikationspolitik: 31. december 2009 · forsinket." in desc.group(1)
    assert "Information Security Policy: 14. maj 2027 · i god tid." in desc.group(1)
    assert "Uden evalueringsdato: HR-politik, Old IT Policy." in desc.group(1)
    # Year ticks along the axis, and today's line.
    assert ">2010</text>" in picture and ">2026</text>" in picture
    assert "I dag, 28. november 2026" in picture


def test_no_timeline_when_no_policy_has_a_due_date() -> None:
    new = dataclasses.replace(policy(), status=Status.DRAFT, adoptions=())
    html = page((new,))
    assert "<svg" not in html and 'href="#timeline"' not in html


# --- real clients -------------------------------------------------------------------------------


def test_status_filter_works_without_javascript(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(page(varied()), encoding="utf-8")
    ids = ("kommunikationspolitik", ENGLISH, "procurement-policy", "hr", "old-it-policy")
    with chromium_page(java_script=False) as browser:
        browser.goto(path.as_uri())

        def visible() -> set[str]:
            return {key for key in ids if browser.is_visible(f"#policy-{key}")}

        assert visible() == set(ids)
        assert not browser.is_visible(".no-match")
        browser.click("label[for=status-draft]")
        assert browser.is_checked("#status-draft")
        assert visible() == {"hr"}
        browser.click("label[for=status-repealed]")
        assert visible() == {"old-it-policy"}
        browser.click("label[for=status-adopted]")
        assert visible() == {"kommunikationspolitik", ENGLISH, "procurement-policy"}
        browser.click("label[for=review-overdue]")  # both filters apply
        assert visible() == {"kommunikationspolitik"}
        browser.click("label[for=status-draft]")
        assert visible() == set()
        assert browser.is_visible(".no-match")  # and the table says why it is empty
        browser.click("label[for=status-all]")
        browser.click("label[for=review-all]")
        assert visible() == set(ids)
        # The keyboard works too: arrow keys move between radio buttons.
        browser.focus("#status-all")
        browser.keyboard.press("ArrowRight")
        assert browser.is_checked("#status-adopted")
        assert "hr" not in visible()


def test_nu_html_checker_finds_no_errors(tmp_path: Path) -> None:
    for name, html in (("da", page(varied())), ("en", page(language="en"))):
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        messages = vnu_errors(path)
        assert messages == [], messages


@pytest.mark.parametrize("language", ["da", "en"])
def test_axe_core_finds_no_wcag_violations(language: str, tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(page(varied(), language=language), encoding="utf-8")
    screenshot = tmp_path / "index.png"
    violations = axe_violations(path, screenshot)
    assert violations == [], json.dumps(violations, indent=1)[:3000]
    assert screenshot.stat().st_size > 10_000


# --- the command --------------------------------------------------------------------------------

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_command_writes_the_register_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policykit.workflows import register as export

    monkeypatch.chdir(ROOT)
    written: list[Path] = []
    real = export.write_atomic

    def spy(path: Path, data: bytes) -> None:
        written.append(path)
        real(path, data)

    monkeypatch.setattr(export, "write_atomic", spy)
    target = tmp_path / "site" / "index.html"
    code, out = run("catalog", "--date", "2026-11-28", "-o", str(target))
    assert code == 0, out
    assert written == [target]
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]  # no temporary file left
    html = target.read_text("utf-8")
    assert list(rows(html)) == [SEED, ENGLISH, STAFF]  # the draft revision is no row of its own
    assert "Forsinket siden 31. december 2009" in html
    assert 'href="kommunikationspolitik-draft.html"' in html
    assert "wrote" in out and "3 policies" in out


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the example repository (policies/ and policykit.yaml), as the current folder."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")


def test_command_links_to_another_export_folder(tmp_path: Path, examples: None) -> None:
    code, out = run(
        "catalog", "--date", "2026-11-28", "-o", "site/index.html", "--exports", "exports"
    )
    assert code == 0, out
    hrefs = outline((tmp_path / "site" / "index.html").read_text("utf-8")).hrefs
    assert "../exports/kommunikationspolitik.pdf" in hrefs
    # Nothing is exported yet: 3 policies x 3 files, and the draft revision's web page.
    assert "warning: 10 of the files the register links to are not in exports/ yet" in out


def test_command_is_quiet_when_every_linked_file_exists(tmp_path: Path, examples: None) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    for name in (SEED, ENGLISH, STAFF):
        for suffix in (".html", ".pdf", ".docx"):
            (exports / f"{name}{suffix}").write_text("", encoding="utf-8")
    (exports / f"{SEED}-draft.html").write_text("", encoding="utf-8")
    code, out = run("catalog", "--date", "2026-11-28")
    assert code == 0, out
    assert "warning" not in out
    (exports / f"{SEED}-draft.html").unlink()
    code, out = run("catalog", "--date", "2026-11-28")
    assert (
        f"1 of the files the register links to are not in exports/ yet, such as {SEED}-draft.html"
        in " ".join(out.split())
    )


def test_command_refuses_a_bad_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "index.html"
    code, out = run("catalog", "--date", "2026-02-30", "-o", str(target))
    assert code == 2
    assert "--date 2026-02-30: not a date" in out
    assert not target.exists()


def test_command_reports_invalid_policies_and_lists_the_valid_ones(
    tmp_path: Path, examples: None
) -> None:
    broken = (ROOT / "policies" / f"{ENGLISH}.yaml").read_text("utf-8")
    broken = broken.replace(f"id: {ENGLISH}", "id: broken").replace(
        'version: "2.1"', "version: 2.10"
    )
    assert "version: 2.10" in broken
    (tmp_path / "policies" / "broken.yaml").write_text(broken, encoding="utf-8")
    code, out = run("catalog", "--date", "2026-11-28")
    assert code == 1
    assert "error[PK107]" in out
    html = (tmp_path / "exports" / "index.html").read_text("utf-8")
    assert list(rows(html)) == [SEED, ENGLISH, STAFF]


def test_state_names_match_the_review_module() -> None:
    # The CSS filters name review.py's states; a new state needs a rule in catalog.css.
    css = (ROOT / "policykit" / "templates" / "catalog.css").read_text("utf-8")
    for state in State:
        assert f"#review-{state.value}:checked" in css
    for status in Status:
        assert f"#status-{status.value}:checked" in css
