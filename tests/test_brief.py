"""The adoption brief (`policykit brief`): the model built from the seed's draft revision, a
new policy and a repeal; the PDF checked with poppler and qpdf, the Word file with pandoc and
LibreOffice; reproducibility; and the command line's files, messages and exit codes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from policykit.comparing.diff import compare
from policykit.comparing.meaning import Category
from policykit.diagnostics.errors import UsageError
from policykit.model.intervals import Duration
from policykit.model.policy import Status
from policykit.planning.brief import Action, Brief, make_brief
from policykit.workflows.brief import load_brief, render_brief
from policykit.writing.brief import write_brief_docx, write_brief_html, write_brief_pdf
from policykit.writing.layout import layout
from tests.clients import ROOT, require
from tests.examples import ENGLISH, draft, policy, project

MEETING = dt.date(2026, 12, 10)
RECOMMENDATION = (
    "Det indstilles, at Byrådet godkender revisionen af Kommunikationspolitik (version 2.0)."
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
runner = CliRunner()


def revision() -> Brief:
    return make_brief(draft(), Action.REVISION, MEETING, changes=compare(policy(), draft()))


def new_policy() -> Brief:
    """The English example as a policy never adopted."""
    proposal = dataclasses.replace(policy(ENGLISH), status=Status.DRAFT, adoptions=())
    return make_brief(proposal, Action.NEW, MEETING)


def repeal() -> Brief:
    return make_brief(policy(), Action.REPEAL, MEETING)


def run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def normalised(text: str) -> str:
    """Whitespace collapsed, and none after a hyphen that ended a line."""
    return " ".join(text.split()).replace("- ", "-")


# The texts every format shows for the seed's revision.
SEED_TEXTS = [
    "Indstilling til Byrådet",
    "Kommunikationspolitik",
    "Mødedato: 10. december 2026",
    "Hvad foreslås: Godkendelse af revideret politik",
    "Indholdsmæssige ændringer. Foreslået version: 2.0 (ny hovedversion)",
    "Den gældende version 1.0 blev vedtaget af Byrådet den 29. maj 2007.",
    "Evalueres: hvert 2. år",
    "Næste evaluering efter godkendelse: senest 10. december 2028",
    "skal evalueres og drøftes som minimum hvert andet år.",
    # Each substantive change says why (issue 12).
    "Principper: tilføjet, indholdsmæssig – tilføjet indhold",
    "'en gang i hver politiskvalgperiode' → 'hvert andet år' ændrer et tal",
    RECOMMENDATION,
]


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("brief")
    out = {}
    for name, data in render_brief(revision(), project(), layout(draft()).options):
        (folder / name).write_bytes(data)
        out[name.rsplit(".", 1)[1]] = folder / name
    return out


# --- the model ---------------------------------------------------------------------------------


def test_the_draft_revision_is_briefed_as_a_revision_with_its_change_summary() -> None:
    brief = revision()
    assert brief.action is Action.REVISION
    assert brief.action_label == "Godkendelse af revideret politik"
    assert brief.title == "Kommunikationspolitik"
    assert brief.body == "Byrådet"  # who adopted the version in force
    assert brief.reference is None  # the seed records none
    assert brief.category is Category.SUBSTANTIVE
    assert brief.suggested_version == "2.0" and brief.version == "2.0"
    rows = {row.part: row for row in brief.summary}
    assert list(rows) == ["metadata", "goals", "principles", "evaluation"]
    assert (rows["principles"].added, rows["principles"].modified, rows["principles"].moved) == (
        1,
        1,
        1,
    )
    assert brief.totals == (1, 0, 6, 1)
    assert (
        brief.proposal[1] == "Den gældende version 1.0 blev vedtaget af Byrådet den 29. maj 2007."
    )


def test_the_next_due_date_is_the_interval_after_the_meeting() -> None:
    brief = revision()
    assert brief.interval == Duration(years=2)
    assert brief.next_due == dt.date(2028, 12, 10)
    assert brief.next_due_text == "senest 10. december 2028"
    assert brief.interval_text == "hvert 2. år"


def test_the_recommendation_is_the_localised_sentence() -> None:
    assert revision().recommendation == RECOMMENDATION
    given = make_brief(
        draft(),
        Action.REVISION,
        MEETING,
        changes=compare(policy(), draft()),
        body="Økonomiudvalget",
        reference="26/4711",
    )
    assert given.recommendation.startswith("Det indstilles, at Økonomiudvalget godkender")
    assert given.heading == "Indstilling til Økonomiudvalget"
    assert given.reference == "26/4711"


def test_a_policy_never_adopted_is_a_new_policy_with_no_changes() -> None:
    brief = new_policy()
    assert brief.action is Action.NEW
    assert brief.action_label == "Adopt a new policy"
    assert brief.changes is None and brief.summary == () and brief.category_text is None
    assert brief.body == "City Council"  # no adopter, no --by: the council
    assert brief.recommendation == (
        "It is recommended that City Council adopts Information Security Policy (version 1.0)."
    )
    assert brief.next_due == dt.date(2028, 12, 10)
    html = write_brief_html(brief, layout(brief.policy, project()))
    assert "Adopt a new policy" in html
    assert "<table" not in html
    assert brief.proposal == [
        "Information Security Policy is a new policy, which has not been considered before. "
        "It is proposed for adoption as version 1.0."
    ]


def test_a_repeal_proposes_to_repeal_the_policy_in_force() -> None:
    brief = repeal()
    assert brief.action is Action.REPEAL
    assert brief.recommendation == (
        "Det indstilles, at Byrådet ophæver Kommunikationspolitik (version 1.0)."
    )
    assert brief.next_due is None
    html = write_brief_html(brief, layout(brief.policy, project()))
    assert "Ophævelse af politikken" in html
    assert "Når politikken er ophævet, skal den ikke længere evalueres." in html
    assert "<table" not in html


def test_a_meeting_before_the_last_adoption_is_refused() -> None:
    with pytest.raises(UsageError, match="comes before the last adoption, on 2007-05-29"):
        make_brief(
            draft(), Action.REVISION, dt.date(2001, 1, 1), changes=compare(policy(), draft())
        )


# --- the HTML and PDF --------------------------------------------------------------------------


def test_the_page_is_self_contained_and_escapes_what_it_shows() -> None:
    brief = make_brief(
        draft(),
        Action.REVISION,
        MEETING,
        changes=compare(policy(), draft()),
        reference="<script>alert(1)</script>",
    )
    html = write_brief_html(brief, layout(draft(), project()))
    assert "default-src 'none'" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<table class="summary">' in html
    assert 'src="http' not in html and 'href="http' not in html


def test_the_pdf_is_one_page_and_passes_qpdf(seed_files: dict[str, Path]) -> None:
    info = run(require("pdfinfo"), str(seed_files["pdf"]))
    assert "Pages:           1" in info
    assert "No syntax or stream encoding errors" in run(
        require("qpdf"), "--check", str(seed_files["pdf"])
    )


def test_the_pdf_shows_the_brief(seed_files: dict[str, Path]) -> None:
    text = normalised(run(require("pdftotext"), "-raw", str(seed_files["pdf"]), "-"))
    for wanted in SEED_TEXTS:
        assert normalised(wanted) in text, wanted
    # The change table: a row per part, and the totals.
    assert "Principper 1 0 1 1" in text
    assert "I alt 1 0 6 1" in text
    assert "side 1 af 1" in text


# --- Word --------------------------------------------------------------------------------------


def test_pandoc_reads_the_brief(seed_files: dict[str, Path]) -> None:
    text = normalised(
        run(require("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(seed_files["docx"]))
    )
    for wanted in SEED_TEXTS:
        assert normalised(wanted) in text, wanted
    assert "Principper 1 0 1 1" in text


def test_the_word_file_has_a_real_table_and_headings(seed_files: dict[str, Path]) -> None:
    with zipfile.ZipFile(seed_files["docx"]) as package:
        root = etree.fromstring(package.read("word/document.xml"))
        title = etree.fromstring(package.read("docProps/core.xml"))
    tables = root.findall(f".//{W}tbl")
    assert len(tables) == 1
    rows = tables[0].findall(f"{W}tr")
    assert len(rows) == 6  # the header, four parts, the total
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    headings = [
        "".join(t.text or "" for t in p.iter(f"{W}t"))
        for p in root.iter(f"{W}p")
        if (style := p.find(f"{W}pPr/{W}pStyle")) is not None and style.get(f"{W}val") == "Heading1"
    ]
    assert headings == [
        "Sagsfremstilling",
        "Ændringer i forhold til den gældende version",
        "Evaluering",
        "Indstilling",
    ]
    assert "Indstilling til Byrådet: Kommunikationspolitik" in etree.tostring(
        title, encoding="unicode"
    )


def test_the_word_footer_names_the_brief_as_the_pdf_does(seed_files: dict[str, Path]) -> None:
    with zipfile.ZipFile(seed_files["docx"]) as package:
        (name,) = [n for n in package.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
        footer = etree.fromstring(package.read(name))
    text = "".join(t.text or "" for t in footer.iter(f"{W}t"))
    assert text.startswith("Ikast-Brande Kommune · Indstilling til Byrådet: Kommunikationspolitik")
    assert "UDKAST" not in text  # the brief is no draft of the policy


def test_libreoffice_converts_the_word_file(seed_files: dict[str, Path], tmp_path: Path) -> None:
    soffice = require("soffice")
    pdftotext = require("pdftotext")
    run(
        soffice,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(seed_files["docx"]),
    )
    converted = tmp_path / "kommunikationspolitik-brief.pdf"
    text = normalised(run(pdftotext, "-raw", str(converted), "-"))
    for wanted in SEED_TEXTS:
        assert normalised(wanted) in text, wanted
    assert "Pages:           1" in run(require("pdfinfo"), str(converted))


# --- reproducibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", [revision, new_policy, repeal])
def test_same_input_same_bytes(make: Callable[[], Brief]) -> None:
    first, second = make(), make()
    document = layout(first.policy, project())
    assert write_brief_docx(first, document) == write_brief_docx(second, document)
    assert write_brief_pdf(first, document) == write_brief_pdf(second, document)


def test_the_files_carry_the_meeting_date_not_the_clock(seed_files: dict[str, Path]) -> None:
    info = run(require("pdfinfo"), "-isodates", str(seed_files["pdf"]))
    assert "CreationDate:    2026-12-10T00:00:00Z" in info
    with zipfile.ZipFile(io.BytesIO(seed_files["docx"].read_bytes())) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- loading, and the command line ---------------------------------------------------------


DRAFT_FILE = ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml"
IN_FORCE = ROOT / "policies" / "kommunikationspolitik.yaml"


def cli(*args: str) -> tuple[int, str]:
    from policykit.cli.app import app

    result = runner.invoke(app, ["brief", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_version_in_force_is_found_one_folder_up() -> None:
    loaded = load_brief(DRAFT_FILE, MEETING)
    assert loaded.brief.action is Action.REVISION
    assert loaded.brief.in_force is not None and loaded.brief.in_force.version == "1.0"
    against = load_brief(DRAFT_FILE, MEETING, against=str(IN_FORCE))
    assert against.brief.summary == loaded.brief.summary


def test_the_version_to_adopt_can_be_given_as_adopt_takes_it() -> None:
    loaded = load_brief(DRAFT_FILE, MEETING, version="3.0")
    assert loaded.brief.version == "3.0"
    assert loaded.brief.recommendation.endswith("(version 3.0).")
    assert load_brief(DRAFT_FILE, MEETING).brief.version == "2.0"  # diff's major bump


def test_the_command_writes_the_pdf_and_the_word_file(tmp_path: Path) -> None:
    code, output = cli(
        str(DRAFT_FILE), "--date", "2026-12-10", "--ref", "26/4711", "-o", str(tmp_path)
    )
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "kommunikationspolitik-brief.docx",
        "kommunikationspolitik-brief.pdf",
    ]
    assert "Det indstilles, at Byrådet godkender revisionen" in " ".join(output.split())
    text = run(require("pdftotext"), "-raw", str(tmp_path / "kommunikationspolitik-brief.pdf"), "-")
    assert "Sagsnr.: 26/4711" in text


def test_the_command_proposes_a_repeal(tmp_path: Path) -> None:
    code, output = cli(str(IN_FORCE), "--repeal", "--date", "2026-12-10", "-o", str(tmp_path))
    assert code == 0, output
    assert "ophæver Kommunikationspolitik (version 1.0)" in " ".join(output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([str(DRAFT_FILE), "--date", "2026-13-01"], "--date 2026-13-01: not a date"),
        (["missing.yaml"], "missing.yaml: no such file"),
        ([str(DRAFT_FILE), "--date", "2001-01-01"], "comes before the last adoption"),
        ([str(IN_FORCE)], "is in force already"),
        ([str(DRAFT_FILE), "--repeal"], "is a draft revision"),
        ([str(IN_FORCE), "--repeal", "--against", str(IN_FORCE)], "do not go together"),
        ([str(IN_FORCE), "--repeal", "--version", "2.0"], "do not go together"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    code, output = cli(*args, "-o", str(tmp_path))
    assert code == 2
    assert message in " ".join(output.split())
    assert not list(tmp_path.iterdir())


def test_a_policy_with_errors_shows_its_findings_and_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        IN_FORCE.read_text("utf-8").replace('version: "1.0"', "version: 1.10"), encoding="utf-8"
    )
    code, output = cli(str(broken), "--repeal", "-o", str(tmp_path / "out"))
    assert code == 2
    assert "PK107" in output
    assert "has errors, so no brief is written" in " ".join(output.split())
