"""Format 2 in every output: a policy without definitions, with free sections, subsections and
an annex outside the count, in the author's order; and its revision in the diff and the three
redlines, read by the real clients (vnu, axe-core, qpdf, poppler, pandoc)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from policykit.comparing.diff import Kind, compare
from policykit.model.outline import outline
from policykit.writing.docx import write_docx
from policykit.writing.html import write_html
from policykit.writing.layout import layout
from policykit.writing.markdown import write_markdown
from policykit.writing.pdf import html_to_pdf, write_pdf
from policykit.writing.redline_html import write_redline_html
from tests.clients import require
from tests.conftest import DATA
from tests.examples import STAFF, policy, project, read
from tests.test_html import axe_violations, vnu_errors
from tests.test_redline_docx import check_accept_and_reject

REVISED = "tests/data/format2/personalepolitik-revised.yaml"
HEADINGS = [
    "1. Formål",
    "2. Vores værdier",
    "Dialog",
    "Ligestilling",
    "3. Arbejdsmiljø",
    "Sygefravær",
    "Samtaler under sygefravær",
    "4. Evaluering",
    "Bilag 1: Lokale aftaler",
]


def run(*args: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(args, input=stdin, capture_output=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def test_the_outline_follows_the_authors_order_and_counts_only_numbered_sections() -> None:
    staff = policy(STAFF)
    assert staff.definitions is None and staff.goals is None and staff.principles is None
    assert [e.path for e in outline(staff)] == [
        "purpose",
        "sections[vaerdier]",
        "sections[arbejdsmiljoe]",
        "evaluation",
        "sections[bilag-1]",
    ]
    titles = [s.title for s in layout(staff, project()).sections]
    assert titles == ["1. Formål", "2. Vores værdier", "3. Arbejdsmiljø", "4. Evaluering",
                      "Bilag 1: Lokale aftaler"]  # fmt: skip


def test_no_output_mentions_definitions(tmp_path: Path) -> None:
    doc = layout(policy(STAFF), project())
    pdf = tmp_path / "staff.pdf"
    pdf.write_bytes(write_pdf(doc))
    page = lxml_html.fromstring(write_html(doc))
    assert not page.xpath("//*[contains(@class, 'definitions')]")
    texts = {
        "html": page.find("body").text_content(),
        "markdown": write_markdown(doc),
        "pdf": run(require("pdftotext"), str(pdf), "-"),
        "word": run(require("pandoc"), "-f", "docx", "-t", "plain", stdin=write_docx(doc)),
    }
    for name, text in texts.items():
        assert "Definition" not in text and "definition" not in text, name


def test_html_has_every_heading_at_its_level_and_passes_vnu_and_axe(tmp_path: Path) -> None:
    html = write_html(layout(policy(STAFF), project()))
    main = html[html.index('<main id="main">') : html.index("</main>")]
    found = re.findall(r"<h([2-6]) id=\"[^\"]+\">([^<]+)</h\1>", main)
    assert [text for _, text in found] == HEADINGS
    assert [int(level) for level, _ in found] == [2, 2, 3, 3, 2, 3, 4, 2, 2]
    assert 'href="#section-bilag-1">Bilag 1: Lokale aftaler</a>' in html  # in the contents
    page = tmp_path / "staff.html"
    page.write_text(html, encoding="utf-8")
    assert vnu_errors(page) == []
    assert axe_violations(page) == []


def test_pdf_passes_qpdf_and_reads_in_order_with_bookmarks(tmp_path: Path) -> None:
    pdf = tmp_path / "staff.pdf"
    pdf.write_bytes(write_pdf(layout(policy(STAFF), project())))
    assert "No syntax or stream encoding errors" in run(require("qpdf"), "--check", str(pdf))
    text = " ".join(run(require("pdftotext"), str(pdf), "-").split())
    body = text[text.rindex("1. Formål") :]  # after the contents
    positions = [body.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    outlines = run(require("qpdf"), "--json=2", "--json-key=outlines", str(pdf))
    assert "Bilag 1: Lokale aftaler" in json.loads(outlines)["outlines"].__repr__()


def test_word_has_real_headings_that_pandoc_reads() -> None:
    docx = write_docx(layout(policy(STAFF), project()))
    tree = json.loads(run(require("pandoc"), "-f", "docx", "-t", "json", stdin=docx))

    def text(inlines: list[dict[str, object]]) -> str:
        return "".join(
            str(i["c"]) if i["t"] == "Str" else " " for i in inlines if i["t"] in ("Str", "Space")
        )

    headings = [(b["c"][0], text(b["c"][2])) for b in tree["blocks"] if b["t"] == "Header"]
    assert headings == list(zip([1, 1, 2, 2, 1, 2, 3, 1, 1], HEADINGS, strict=True))


# --- the revision ---------------------------------------------------------------------------


def test_the_diff_reports_the_moved_section_and_carries_added_content() -> None:
    changes = compare(policy(STAFF), read(REVISED))
    by_path = {c.path: c for c in changes.changes}
    assert by_path["sections[vaerdier]"].kind is Kind.MOVED
    added = by_path["sections[seniorer]"]
    assert added.kind is Kind.ADDED and "Seniorer kan aftale nedsat tid" in (added.new or "")
    removed = by_path["sections[vaerdier].sections[ligestilling]"]
    assert removed.kind is Kind.REMOVED and "forskelsbehandling" in (removed.old or "")
    assert "sections[arbejdsmiljoe].sections[sygefravaer].sections[1].text" in by_path


def test_a_part_added_or_removed_carries_its_whole_content() -> None:
    staff = policy(STAFF)
    seed = policy()
    changes = compare(staff, seed)
    definitions = next(c for c in changes.changes if c.path == "definitions")
    assert definitions.kind is Kind.ADDED
    assert "modtageren af budskabet" in (definitions.new or "")
    back = next(c for c in compare(seed, staff).changes if c.path == "definitions")
    assert back.kind is Kind.REMOVED and "modtageren af budskabet" in (back.old or "")


def test_html_and_pdf_redlines_pass_the_clients(tmp_path: Path) -> None:
    old, new = policy(STAFF), read(REVISED)
    settings = project()
    html = write_redline_html(compare(old, new), layout(old, settings), layout(new, settings))
    assert "Flyttet fra afsnit 2" in html
    assert '<section id="section-seniorer" class="inserted"' in html
    page = tmp_path / "redline.html"
    page.write_text(html, encoding="utf-8")
    assert vnu_errors(page) == []
    assert axe_violations(page) == []
    pdf = tmp_path / "redline.pdf"
    pdf.write_bytes(html_to_pdf(html, layout(new, settings)))
    assert "No syntax or stream encoding errors" in run(require("qpdf"), "--check", str(pdf))


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_word_redline_accepts_to_the_new_and_rejects_to_the_old(direction: str) -> None:
    pair = (policy(STAFF), read(REVISED))
    old, new = pair if direction == "forward" else pair[::-1]
    settings = project()
    check_accept_and_reject(layout(old, settings), layout(new, settings))


def test_the_revision_is_valid_format_2() -> None:
    assert (DATA / "format2" / "personalepolitik-revised.yaml").is_file()
    assert read(REVISED).format == 2


# --- links between policies ---------------------------------------------------------------------


def links_case(text: str, *, format: int = 2) -> list[str]:
    """The findings of a small policy whose purpose is `text`, among the repository's."""
    from policykit.checking.validate import SourceFile, validate

    source = (
        f"format: {format}\nid: links\ntitle: Links\nlanguage: da\nversion: '1.0'\n"
        "status: draft\npurpose:\n  text: |\n    " + text + "\n"
    )
    report = validate(
        [SourceFile("links.yaml", source.encode("utf-8"))],
        project(),
        {"kommunikationspolitik", "personalepolitik"},
    )
    return [f"{f.rule.code}: {f.message} | {f.hint}" for f in report.findings if f.is_error]


def test_a_link_to_a_policy_in_force_validates() -> None:
    assert links_case("Jf. [personalepolitikken](policy:personalepolitik).") == []


def test_a_link_to_no_policy_says_did_you_mean() -> None:
    (finding,) = links_case("Jf. [personalepolitikken](policy:personalpolitik).")
    assert finding.startswith("PK115: the link `policy:personalpolitik` names no policy")
    assert "did you mean `policy:personalepolitik`?" in finding


def test_a_link_to_a_policy_is_format_2() -> None:
    from policykit.checking.validate import SourceFile, validate

    case = (DATA / "cases" / "valid-minimal.yaml").read_text("utf-8")
    linked = case.replace(
        "This policy says why we keep records.",
        "This policy follows [the staff policy](policy:personalepolitik).",
    )
    assert "format: 1" in linked and linked != case
    report = validate([SourceFile("case.yaml", linked.encode("utf-8"))], project(), set())
    assert [f.rule.code for f in report.findings if f.is_error] == ["PK112"]


def test_a_relative_link_is_refused_with_both_ways_to_write_it() -> None:
    (finding,) = links_case("Se [licensen](LICENSE.md).")
    assert finding.startswith("PK205:")
    assert "https://" in finding and "policy:personalepolitik" in finding


def test_a_reference_link_written_with_a_space_is_a_link() -> None:
    from policykit.model.policy import Link, Paragraph, Span
    from policykit.reading.prose import parse_prose

    source = 'Read about our ["joint work"] [4].\n\n[4]: https://example.org/joint\n'
    prose, findings = parse_prose(source, lambda line: Span("x.yaml", 1, 1))
    assert findings == []
    paragraph = prose.blocks[0]
    assert isinstance(paragraph, Paragraph)
    links = [node for node in paragraph.children if isinstance(node, Link)]
    assert [link.href for link in links] == ["https://example.org/joint"]


def test_each_output_writes_a_policy_link_its_own_way(tmp_path: Path) -> None:
    from policykit.writing.layout import with_policies

    staff = policy(STAFF)
    titles = [(p.id, p.title) for p in (policy(), staff)]
    options = with_policies(layout(staff, project()).options, titles)
    doc = layout(staff, project(), options)
    html = write_html(doc)
    assert '<a href="kommunikationspolitik.html">kommunikationspolitikken</a> beskriver' in html
    assert "[kommunikationspolitikken](kommunikationspolitik.md)" in write_markdown(doc)
    pdf = tmp_path / "staff.pdf"
    pdf.write_bytes(write_pdf(doc))
    printed = " ".join(run(require("pdftotext"), str(pdf), "-").split())
    assert "kommunikationspolitikken (Kommunikationspolitik) beskriver" in printed
    word = run(require("pandoc"), "-f", "docx", "-t", "plain", stdin=write_docx(doc))
    assert "kommunikationspolitikken (Kommunikationspolitik) beskriver" in " ".join(word.split())


# --- the metadata municipalities keep -------------------------------------------------------------


def minimal(extra: str, *, format: int = 2) -> list[str]:
    from policykit.checking.validate import SourceFile, validate

    source = (
        f"format: {format}\nid: meta\ntitle: Meta\nlanguage: da\nversion: '1.0'\n"
        f"status: draft\n{extra}purpose:\n  text: |\n    Formålet.\n"
    )
    if format == 1:
        case = (DATA / "cases" / "valid-minimal.yaml").read_text("utf-8")
        source = case.replace("status: adopted\n", "status: adopted\n" + extra)
    report = validate([SourceFile("meta.yaml", source.encode("utf-8"))], project())
    return [f"{f.rule.code}: {f.message}" for f in report.findings if f.is_error]


def test_the_metadata_validates_and_reads_into_the_model() -> None:
    staff = policy(STAFF)
    assert staff.department == "HR og Personale" and staff.case_number == "26/0417"
    assert staff.contact is not None and staff.contact.email == "hr@example.dk"
    (law,) = staff.legal_basis
    assert law.url == "https://www.retsinformation.dk/eli/lta/2021/2062"
    assert minimal("kle: 81.00.00\n") == []


def test_a_kle_code_and_an_email_are_checked() -> None:
    (kle,) = minimal("kle: 81.0\n")
    assert kle.startswith("PK104: `81.0` is not a KLE code")
    (mail,) = minimal("contact:\n  name: HR\n  email: hr.example.dk\n")
    assert mail.startswith("PK104: `hr.example.dk` is not an e-mail address")


def test_the_metadata_is_format_2() -> None:
    assert [f.split(":")[0] for f in minimal("department: HR\n", format=1)] == ["PK112"]


def test_the_contact_block_never_shows_another_organisation() -> None:
    import dataclasses

    from policykit.model.project import Organisation

    project_of_another = dataclasses.replace(
        project(), organisation=Organisation("Jammerbugt Kommune", ("Toftevej 43",))
    )
    foreign = dataclasses.replace(
        policy(STAFF), organisation="18F, General Services Administration"
    )
    html = write_html(layout(foreign, project_of_another))
    word = run(
        require("pandoc"), "-f", "docx", "-t", "plain",
        stdin=write_docx(layout(foreign, project_of_another)),
    )  # fmt: skip
    for text in (html, word):
        assert "Jammerbugt" not in text and "Toftevej" not in text
        assert "hr@example.dk" in text  # the policy's own contact
    own = write_html(layout(policy(STAFF), project()))
    assert "Rådhusstrædet 6" in own and "hr@example.dk" in own


def test_the_diff_calls_a_new_department_substantive_and_a_case_number_editorial() -> None:
    import dataclasses

    from policykit.comparing.meaning import Category

    staff = policy(STAFF)
    moved = dataclasses.replace(staff, department="Borgerservice", case_number="26/9999")
    by_path = {c.path: c for c in compare(staff, moved).changes}
    assert by_path["department"].category is Category.SUBSTANTIVE
    assert by_path["case_number"].category is Category.EDITORIAL
    dropped = dataclasses.replace(staff, legal_basis=())
    (law,) = [c for c in compare(staff, dropped).changes if c.path.startswith("legal_basis")]
    assert law.kind is Kind.REMOVED and law.category is Category.SUBSTANTIVE


def test_goals_as_one_plain_list() -> None:
    from policykit.writing.policy_yaml import write_policy_yaml

    plain = read("tests/data/cases/format-2-plain-goals.yaml")
    assert plain.goals is not None
    (group,) = plain.goals.groups
    assert group.title is None and len(group.items) == 2
    doc = layout(plain, project())
    html = write_html(doc)
    main = html[html.index('<main id="main">') : html.index("</main>")]
    assert (
        '<ul class="goals">' in main
        and "<h3" not in main.split('id="goals"')[1].split("</section>")[0]
    )
    markdown = write_markdown(doc)
    assert "- We keep every record safe." in markdown and "## " not in markdown.split("# 3.")[0]
    word = run(require("pandoc"), "-f", "docx", "-t", "plain", stdin=write_docx(doc))
    assert "We find every record within a day." in word
    text = write_policy_yaml(plain)
    assert "goals:\n  items:\n" in text and "groups:" not in text


def test_the_json_diff_of_a_format_2_revision_satisfies_the_published_schema() -> None:
    import jsonschema

    from policykit.cli.diffreport import changes_to_json
    from tests.conftest import ROOT

    schema = json.loads((ROOT / "schema" / "diff.schema.json").read_text("utf-8"))
    changes = compare(policy(STAFF), read(REVISED))
    report = json.loads(changes_to_json(changes, "old.yaml", "new.yaml"))
    jsonschema.validate(report, schema)
    added = next(c for c in report["changes"] if c["path"] == "sections[seniorer]")
    assert "Seniorer kan aftale nedsat tid" in added["new"]


def test_a_single_exported_policy_still_names_the_policies_it_links_to(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from policykit.cli.app import app
    from tests.conftest import ROOT

    result = CliRunner().invoke(
        app,
        ["export", str(ROOT / "policies" / "personalepolitik.yaml"), "--docx", "-d", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    word = run(require("pandoc"), "-f", "docx", "-t", "plain",
               stdin=(tmp_path / "personalepolitik.docx").read_bytes())  # fmt: skip
    assert "kommunikationspolitikken (Kommunikationspolitik) beskriver" in " ".join(word.split())
