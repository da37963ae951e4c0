"""One set of templates for every page: a `--template` folder restyles the policy's page, the
redline, the brief and the register alike; the page and the redline share their part macros;
a template may load only the known templates; and a broken template is a clear error."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.comparing.diff import compare
from policykit.edge.assets import export_options
from policykit.model.outline import PART_NAMES, PARTS, outline
from policykit.planning.brief import Action, make_brief
from policykit.planning.review import review_all
from policykit.writing import templating
from policykit.writing.brief import write_brief_html
from policykit.writing.catalog import write_catalog
from policykit.writing.html import write_html
from policykit.writing.layout import TEMPLATE_NAMES, ExportOptions, Templates, layout
from policykit.writing.redline_html import write_redline_html
from policykit.writing.templating import TemplateError
from tests.clients import ROOT
from tests.examples import ENGLISH, draft, policy, project

MARKER = "/* house style of the template folder */"


def pages(options: ExportOptions) -> dict[str, str]:
    """The four HTML pages of the seed and its draft revision, with these options."""
    settings = project()
    old, new = layout(policy(), settings, options), layout(draft(), settings, options)
    changes = compare(policy(), draft())
    brief = make_brief(draft(), Action.REVISION, dt.date(2026, 12, 10), changes=changes)
    today = dt.date(2026, 11, 28)
    reviews = review_all([policy(), policy(ENGLISH)], today, settings.electoral_calendar)
    return {
        "page": write_html(new),
        "redline": write_redline_html(changes, old, new),
        "brief": write_brief_html(brief, new),
        "register": write_catalog(reviews, settings, options, today),
    }


def test_a_template_folders_stylesheet_restyles_every_page(tmp_path: Path) -> None:
    (tmp_path / "policy.css").write_text(MARKER + "\nbody { color: #123456; }\n", "utf-8")
    options = export_options(project(), ROOT, tmp_path)
    for name, html in pages(options).items():
        assert MARKER in html, name
    assert all(MARKER not in html for html in pages(ExportOptions()).values())


def test_the_page_and_the_redline_share_the_part_macros(tmp_path: Path) -> None:
    parts = (ROOT / "policykit" / "templates" / "parts.html.j2").read_text("utf-8")
    marked = parts.replace(
        '<section id="{{ s.anchor }}"', '<section data-house="yes" id="{{ s.anchor }}"'
    )
    assert marked != parts
    (tmp_path / "parts.html.j2").write_text(marked, "utf-8")
    rendered = pages(export_options(project(), ROOT, tmp_path))
    sections = len(outline(draft()))
    assert rendered["page"].count('<section data-house="yes"') == sections
    # The redline also shows the principle that the draft removed, where it stood.
    assert rendered["redline"].count('<section data-house="yes"') >= sections


def test_a_template_can_load_only_the_known_templates() -> None:
    evil = '{% include "../../../etc/passwd" %}'
    options = ExportOptions(templates=Templates(html=evil))
    with pytest.raises(TemplateError, match=r"asks for `\.\./\.\./\.\./etc/passwd`"):
        write_html(layout(policy(), project(), options))


def test_a_users_template_renders_in_the_sandbox() -> None:
    reaching = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    options = ExportOptions(templates=Templates(html=reaching))
    with pytest.raises(TemplateError, match="unsafe"):
        write_html(layout(policy(), project(), options))


def test_the_packaged_templates_give_the_same_pages_in_the_sandbox_and_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """policykit's own templates render without the sandbox, a user's in it: the packaged
    ones, given as a user's, give the same pages (less the CSP a user's page gets again).
    With one cache folder for both, sandboxed first: each kind compiles its own code."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templating._environment.cache_clear()
    try:
        copied = tuple((name, templating.packaged(name)) for name in TEMPLATE_NAMES)
        sandboxed = pages(ExportOptions(templates=Templates(files=copied)))
        plain = pages(ExportOptions())
    finally:
        templating._environment.cache_clear()
    assert any((tmp_path / "cache").rglob("*.plain.cache"))
    for name, page in plain.items():
        assert templating.with_policy(page) == sandboxed[name], name


def test_a_broken_template_names_its_file_and_line() -> None:
    broken = "<html>\n{% for x in %}\n</html>\n"
    options = ExportOptions(templates=Templates(files=(("parts.html.j2", broken),)))
    with pytest.raises(TemplateError, match=r"parts\.html\.j2:2"):
        write_html(layout(policy(), project(), options))


def test_every_command_that_writes_html_takes_the_template_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "policykit.yaml", repo / "policykit.yaml")
    shutil.copytree(ROOT / "policies", repo / "policies")
    (repo / "look").mkdir()
    (repo / "look" / "policy.css").write_text(MARKER + "\n", "utf-8")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    in_force, proposal = (
        "policies/kommunikationspolitik.yaml",
        "policies/drafts/kommunikationspolitik.yaml",
    )
    for args in (
        ["export", "--html", "--template", "look"],
        ["diff", in_force, proposal, "-o", "exports/redline.html", "--template", "look"],
        ["catalog", "--date", "2026-11-28", "--template", "look"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), result.output
    for name in ("kommunikationspolitik.html", "redline.html", "index.html"):
        assert MARKER in (repo / "exports" / name).read_text("utf-8"), name


def test_a_template_folder_may_hold_only_known_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a template\n", "utf-8")
    from policykit.edge.assets import ExportError

    with pytest.raises(ExportError, match="holds none of the files"):
        export_options(project(), ROOT, tmp_path)
    assert "parts.html.j2" in TEMPLATE_NAMES


# --- the one outline ----------------------------------------------------------------------------


def test_the_outline_states_the_parts_once() -> None:
    assert PART_NAMES == ("purpose", "goals", "definitions", "principles", "evaluation")
    assert [part.name for part in PARTS] == list(PART_NAMES)
    seed = outline(policy())
    assert [entry.path for entry in seed] == [
        "purpose",
        "goals",
        "definitions",
        "principles[ansvarlighed]",
        "principles[dialog]",
        "principles[tillid]",
        "evaluation",
    ]
    # The layout numbers the same sections, and the differ orders its parts the same way.
    from policykit.comparing.diff import PARTS as DIFF_PARTS

    assert [s.path for s in layout(policy(), project()).sections] == [e.path for e in seed]
    assert DIFF_PARTS[1:-2] == PART_NAMES


def test_every_writer_the_register_lists_has_a_label_in_every_language() -> None:
    from policykit.reading.locales import available_languages, locale
    from policykit.writing.registry import WRITERS, register_writers

    assert {w.name for w in register_writers()} == {"html", "pdf", "docx"}
    for language in available_languages():
        labels = locale(language).labels
        for writer in register_writers():
            assert f"catalog_file_{writer.name}" in labels, (language, writer.name)
    # Names and endings are unique, so a file name says which writer wrote it.
    assert len({w.name for w in WRITERS}) == len({w.extension for w in WRITERS}) == len(WRITERS)
