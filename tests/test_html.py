"""The HTML writer: structure, safety, golden file, and the real clients vnu and axe-core."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from policykit.model.policy import Link, Paragraph, Prose, Span, Status, Text
from policykit.writing.html import write_html
from tests.clients import ROOT, chromium_page, require, require_file
from tests.examples import ENGLISH, SEED, STAFF, document, policy
from tests.golden import check_golden

GOLDEN = ROOT / "tests" / "data" / "golden"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


class Outline(HTMLParser):
    """Headings, landmarks and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag == "html":
            self.html_lang = dict(attrs).get("lang")


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("name", [SEED, ENGLISH, STAFF])
def test_landmarks_language_and_heading_hierarchy(name: str) -> None:
    page = outline(write_html(document(name)))
    assert page.html_lang == policy(name).language
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in page.tags
    assert page.headings.count(1) == 1
    assert page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"


def test_seed_sections_are_numbered_as_in_the_seed() -> None:
    html = write_html(document())
    for title in (
        "1. Kommunikationspolitikkens formål",
        "5. Dialog i kommunikation og markedsføring",
        "7. Vi måler om kommunikation og markedsføring skaber resultater",
    ):
        assert html.count(f">{title}<") == 2  # the table of contents and the heading


def test_title_block_and_adoption_statement() -> None:
    html = write_html(document())
    assert "Vedtaget af Byrådet den 29. maj 2007" in html
    assert "UDKAST" not in html
    assert "UDKAST" in write_html(document(status=Status.DRAFT))
    assert "DRAFT" in write_html(document(ENGLISH, status=Status.CONSULTATION))
    english = write_html(document(ENGLISH))
    assert "Adopted by City Council on 20 June 2023" in english


def test_self_contained_skip_link_print_and_responsive() -> None:
    html = write_html(document())
    page = outline(html)
    assert page.hrefs[0] == "#main"  # the skip link comes first
    assert "@media print" in html and "@media (max-width" in html
    assert '<meta name="viewport"' in html
    assert "<link" not in html and "<script" not in html
    assert "Content-Security-Policy" in html


def test_definitions_are_a_definition_list_and_lists_are_lists() -> None:
    html = write_html(document())
    assert "<dt>kommunikation</dt>" in html
    assert html.count("<ol>") >= 2  # the contents and the Dialog checklist
    assert "<li>hvad skal kommunikeres - budskabet</li>" in html


def test_text_is_escaped_and_unsafe_links_dropped() -> None:
    span = Span("x.yaml", 1, 1)
    evil = Prose(
        "",
        (
            Paragraph(
                (
                    Text("<script>alert(1)</script> & ", span),
                    Link("javascript:alert(1)", (Text("click", span),), span),
                ),
                span,
            ),
        ),
        span,
    )
    seed = policy()
    purpose = dataclasses.replace(seed.purpose, text=evil)
    html = write_html(document(title="<b>Evil</b>", purpose=purpose))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert "javascript:" not in html
    assert "click" in html


def test_golden_html(update_goldens: bool) -> None:
    check_golden(write_html(document()), GOLDEN / "html-kommunikationspolitik.html", update_goldens)


def test_reproducible() -> None:
    assert write_html(document()) == write_html(document())


def vnu_errors(page: Path) -> list[dict[str, object]]:
    """The Nu Html Checker's error messages for a page."""
    java = require("java")
    vnu = require_file(VNU, "vnu-jar")
    result = subprocess.run(
        [java, "-jar", str(vnu), "--format", "json", "--errors-only", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages: list[dict[str, object]] = json.loads(result.stderr or result.stdout)["messages"]
    return messages


@pytest.mark.parametrize("name", [SEED, ENGLISH, STAFF])
def test_nu_html_checker_finds_no_errors(name: str, tmp_path: Path) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(write_html(document(name)), encoding="utf-8")
    messages = vnu_errors(page)
    assert messages == [], messages


def axe_violations(page_path: Path, screenshot: Path | None = None) -> list[dict[str, object]]:
    axe = require_file(AXE, "axe-core").read_text("utf-8")
    # The page's CSP forbids scripts; the test injects axe past it, the page stays as is.
    with chromium_page(bypass_csp=True) as page:
        page.goto(page_path.as_uri())
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
    violations: list[dict[str, object]] = result["violations"]
    return violations


@pytest.mark.parametrize("name", [SEED, ENGLISH, STAFF])
def test_axe_core_finds_no_wcag_violations(name: str, tmp_path: Path) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(write_html(document(name)), encoding="utf-8")
    violations = axe_violations(page, tmp_path / f"{name}.png")
    assert violations == [], json.dumps(violations, indent=1)[:3000]
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_a_draft_revision_says_what_it_revises() -> None:
    html = write_html(document(status=Status.DRAFT))
    assert "Forslag til revision af politikken vedtaget af Byrådet den 29. maj 2007" in html
    assert "Vedtaget af Byrådet" not in html
