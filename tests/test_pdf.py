"""The PDF writer, checked with qpdf, poppler (pdftotext, pdfinfo) and a golden text file."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from policykit.edge.assets import ExportError, export_options
from policykit.model.policy import Status
from policykit.model.project import BrandingSettings, Project
from policykit.writing.layout import ExportOptions, Templates
from policykit.writing.pdf import ForbiddenResourceError, write_pdf
from tests.clients import ROOT, require
from tests.examples import ENGLISH, SEED, STAFF, document
from tests.golden import check_golden
from tests.test_seed import seed_units

GOLDEN = ROOT / "tests" / "data" / "golden"


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "seed.pdf"
    path.write_bytes(write_pdf(document()))
    return path


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdftotext(path: Path, *options: str) -> str:
    return run(require("pdftotext"), *options, str(path), "-")


def test_qpdf_check_passes(seed_pdf: Path) -> None:
    output = run(require("qpdf"), "--check", str(seed_pdf))
    assert "No syntax or stream encoding errors found" in output


def hyphen_neutral(text: str) -> str:
    """Whitespace collapsed, and none after a hyphen: a line may end at "Ikast-" and go on
    with "Brande", and which hyphens ended a line is the layout's business, not the text's.
    (`-raw` keeps those hyphens; pdftotext's default mode would drop them: "IkastBrande".)"""
    return " ".join(text.split()).replace("- ", "-")


def test_every_sentence_of_the_seed_in_reading_order(seed_pdf: Path) -> None:
    text = hyphen_neutral(pdftotext(seed_pdf, "-raw"))
    position = 0
    for unit in seed_units():
        wanted = hyphen_neutral(unit.removesuffix(":") if unit.startswith("Mål ") else unit)
        found = text.find(wanted, position)
        assert found >= 0, f"missing or out of order in the PDF: {unit!r}"
        position = found + len(wanted)
    assert "øjenhøjde" in text and "Rådhusstrædet" in text and "æ" in text


def test_golden_text(seed_pdf: Path, update_goldens: bool) -> None:
    check_golden(
        pdftotext(seed_pdf, "-layout"), GOLDEN / "pdf-kommunikationspolitik.txt", update_goldens
    )


def test_title_page_toc_with_page_numbers_and_running_footer(seed_pdf: Path) -> None:
    pages = pdftotext(seed_pdf, "-layout").split("\f")
    assert "Kommunikationspolitik" in pages[0] and "side 1" not in pages[0]
    toc = pages[1]
    assert "Indhold" in toc
    first_section_page = next(
        i for i, p in enumerate(pages) if "1. Kommunikationspolitikkens formål" in p and i > 1
    )
    assert "1. Kommunikationspolitikkens formål" in toc
    assert (
        toc.split("1. Kommunikationspolitikkens formål")[1]
        .split("\n")[0]
        .rstrip()
        .endswith(str(first_section_page + 1))
    )
    total = len([p for p in pages if p.strip()])
    assert f"side 3 af {total}" in pages[2]
    assert "Kommunikationspolitik" in pages[2].split("\n")[0]  # the running header


def test_metadata_tags_and_language(seed_pdf: Path) -> None:
    info = run(require("pdfinfo"), str(seed_pdf))
    assert "Title:           Kommunikationspolitik" in info
    assert "Author:          Ikast-Brande Kommune" in info
    assert "Keywords:        kommunikation, markedsføring" in info
    assert "Subject:         Kommunikationspolitikken beskriver" in info
    assert "Tagged:          yes" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert "CreationDate:    Tue May 29 00:00:00 2007" in info
    raw = uncompressed(seed_pdf.read_bytes(), seed_pdf.parent)
    assert b"/Lang (da)" in raw
    assert b"pdfuaid:part>1<" in raw or b'pdfuaid:part="1"' in raw  # PDF/UA-1 identification
    assert b"/Outlines" in raw  # bookmarks from the headings


def test_bookmarks_follow_the_headings(seed_pdf: Path) -> None:
    import json

    outline = json.loads(run(require("qpdf"), "--json=2", "--json-key=outlines", str(seed_pdf)))
    titles = [item["title"] for item in outline["outlines"]]
    assert titles[0] == "Kommunikationspolitik"


def uncompressed(pdf: bytes, tmp_path: Path) -> bytes:
    source, target = tmp_path / "in.pdf", tmp_path / "out.pdf"
    source.write_bytes(pdf)
    qpdf = require("qpdf")
    subprocess.run(
        [qpdf, "--qdf", "--object-streams=disable", str(source), str(target)], check=True
    )
    return target.read_bytes()


def test_pdf_a_variant_for_archiving(tmp_path: Path) -> None:
    raw = uncompressed(write_pdf(document(options=ExportOptions(pdf_variant="pdf/a-2b"))), tmp_path)
    assert b"<pdfaid:part>2</pdfaid:part>" in raw or b'pdfaid:part="2"' in raw
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in raw or b'conformance="B"' in raw


def test_draft_mark_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "draft.pdf"
    path.write_bytes(write_pdf(document(status=Status.DRAFT)))
    pages = [p for p in pdftotext(path).split("\f") if p.strip()]
    assert all("UDKAST" in page for page in pages)


@pytest.mark.parametrize("name", [SEED, ENGLISH, STAFF])
def test_reproducible(name: str) -> None:
    assert write_pdf(document(name)) == write_pdf(document(name))


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Fail any attempt to open a connection during the test."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(
    "css",
    [
        "body { background: url(file:///etc/passwd); }",
        "body { background: url(http://169.254.169.254/latest/meta-data/); }",
        "@import url(http://169.254.169.254/);",
    ],
)
def test_template_css_that_fetches_is_refused(css: str, no_network: list[Any]) -> None:
    options = ExportOptions(templates=Templates(css=css))
    with pytest.raises(ForbiddenResourceError, match="exports may not load files or URLs"):
        write_pdf(document(options=options))
    assert no_network == []


@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/"])
def test_template_html_that_fetches_is_refused(src: str, no_network: list[Any]) -> None:
    html = (ROOT / "policykit" / "templates" / "policy.html.j2").read_text("utf-8")
    html = html.replace("<main", f'<img src="{src}" alt=""><main', 1)
    with pytest.raises(ForbiddenResourceError):
        write_pdf(document(options=ExportOptions(templates=Templates(html=html))))
    assert no_network == []


@pytest.mark.parametrize(
    "logo",
    ["file:///etc/passwd", "http://169.254.169.254/logo.png", "../../../etc/passwd", "/etc/passwd"],
)
def test_logo_outside_the_repository_is_refused(logo: str, no_network: list[Any]) -> None:
    project = Project(branding=BrandingSettings(logo=logo))
    with pytest.raises(ExportError):
        export_options(project, ROOT)
    assert no_network == []


def test_svg_logo_inside_the_repository_is_embedded(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#1f4e79"/></svg>',
        encoding="utf-8",
    )
    options = export_options(Project(branding=BrandingSettings(logo="logo.svg")), tmp_path)
    assert options.branding.logo_media_type == "image/svg+xml"
    pdf = write_pdf(document(options=options))
    assert pdf.startswith(b"%PDF")
