"""The Word writer: structure read back with python-docx and as raw OOXML, the real clients
pandoc and LibreOffice, reproducibility, and a golden `word/document.xml`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from policykit.model.outline import outline
from policykit.model.policy import Link, Paragraph, Policy, Span, Status, Text
from policykit.reading.prose import parse_prose, plain_text
from policykit.writing.docx import PLAIN, DocxWriter, ReferenceDocxError, RunFormat, write_docx
from policykit.writing.layout import Branding, Document, ExportOptions, Templates
from tests.clients import ROOT, require
from tests.examples import ENGLISH, SEED, document, policy, project
from tests.golden import check_golden

OUTPUTS = ROOT / "tests" / "data" / "outputs"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}
SEED_TITLES = [
    "1. Kommunikationspolitikkens formål",
    "2. Mål for Ikast-Brande Kommunes kommunikation og markedsføring",
    "3. Definition: Hvad er god kommunikation og markedsføring",
    "4. Ansvarlighed i kommunikation og markedsføring",
    "5. Dialog i kommunikation og markedsføring",
    "6. Tillid i kommunikation og markedsføring",
    "7. Vi måler om kommunikation og markedsføring skaber resultater",
]


# --- helpers ---------------------------------------------------------------------------------


def prose(source: str) -> Any:
    parsed, findings = parse_prose(source, lambda line: Span("test.yaml", line + 1, 1))
    assert not findings, findings
    return parsed


def with_prose(base: Policy, *, purpose: str | None = None, evaluation: str | None = None) -> Any:
    """The policy with other prose in its purpose or evaluation rule."""
    changed = base
    if purpose is not None:
        changed = dataclasses.replace(
            changed, purpose=dataclasses.replace(changed.purpose, text=prose(purpose))
        )
    if evaluation is not None:
        changed = dataclasses.replace(
            changed, evaluation=dataclasses.replace(changed.evaluation, rule=prose(evaluation))
        )
    return changed


def laid_out(changed: Policy, options: ExportOptions | None = None) -> Document:
    from policykit.writing.layout import layout

    return layout(changed, project(), options)


def part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def paragraphs(data: bytes) -> Iterator[Any]:
    yield from part(data, "word/document.xml").iter(f"{W}p")


def text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def style_of(p: Any) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return None if style is None else style.get(f"{W}val")


def numbering_of(p: Any) -> tuple[int, int] | None:
    num = p.find(f"{W}pPr/{W}numPr")
    if num is None:
        return None
    return int(num.find(f"{W}numId").get(f"{W}val")), int(num.find(f"{W}ilvl").get(f"{W}val"))


def lists_by_section(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """The numbered paragraphs (numId, level, text) under each Heading 1."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    current = ""
    for p in paragraphs(data):
        if style_of(p) == "Heading1":
            current = text_of(p)
        numbering = numbering_of(p)
        if numbering is not None and numbering[0] != 0:
            out.setdefault(current, []).append((*numbering, text_of(p)))
    return out


def list_format(data: bytes, num_id: int, level: int) -> tuple[str, int]:
    """The number format and start value of a list's level, through numbering.xml."""
    numbering = part(data, "word/numbering.xml")
    num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
    abstract_id = num.find("w:abstractNumId", NS).get(f"{W}val")
    abstract = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']", NS)
    lvl = abstract.find(f"w:lvl[@w:ilvl='{level}']", NS)
    start = int(lvl.find("w:start", NS).get(f"{W}val"))
    return lvl.find("w:numFmt", NS).get(f"{W}val"), start


def run(*args: str, cwd: Path | None = None) -> str:
    result = subprocess.run(args, capture_output=True, text=True, cwd=cwd, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout


def pandoc_json(path: Path) -> Any:
    return json.loads(run(require("pandoc"), "-f", "docx", "-t", "json", str(path)))


def inline_text(inlines: list[Any]) -> str:
    parts: list[str] = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout"):
            parts.append(inline_text(content))
        elif kind in ("Link", "Span"):
            parts.append(inline_text(content[1]))
        elif kind == "Quoted":
            parts.append('"' + inline_text(content[1]) + '"')
    return "".join(parts)


def walk(blocks: list[Any]) -> Iterator[Any]:
    """Every block, depth first, in document order."""
    for block in blocks:
        yield block
        kind, content = block["t"], block.get("c")
        if kind in ("BulletList",):
            for item in content:
                yield from walk(item)
        elif kind == "OrderedList":
            for item in content[1]:
                yield from walk(item)
        elif kind == "BlockQuote":
            yield from walk(content)
        elif kind == "Div":
            yield from walk(content[1])


def section_blocks(blocks: list[Any], title: str) -> list[Any]:
    """The top-level blocks after the level-1 header `title`, up to the next one."""
    out: list[Any] = []
    inside = False
    for block in blocks:
        if block["t"] == "Header" and block["c"][0] == 1:
            inside = inline_text(block["c"][2]) == title
            continue
        if inside:
            out.append(block)
    return out


def normalised(text: str) -> str:
    """Whitespace collapsed, and none after a hyphen that ended a line ("Ikast-" "Brande")."""
    return " ".join(text.split()).replace("- ", "-")


def tiny_png() -> bytes:
    """A valid 2×1 PNG, made here so that the test needs no file."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x4e\x79\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def seed_docx() -> bytes:
    return write_docx(document())


@pytest.fixture(scope="module")
def seed_path(seed_docx: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "kommunikationspolitik.docx"
    path.write_bytes(seed_docx)
    return path


@pytest.fixture(scope="module")
def seed_pandoc(seed_path: Path) -> Any:
    return pandoc_json(seed_path)


# --- structure, read back with python-docx -----------------------------------------------------


def test_title_and_numbered_headings(seed_docx: bytes) -> None:
    word = docx.Document(io.BytesIO(seed_docx))
    styled = [(p.style.name if p.style else "", p.text) for p in word.paragraphs]
    assert [text for style, text in styled if style == "Title"] == ["Kommunikationspolitik"]
    assert [text for style, text in styled if style == "Heading 1"] == SEED_TITLES
    assert [section.title for section in document().sections] == SEED_TITLES
    assert [text for style, text in styled if style == "Heading 2"] == [
        "Mål med kommunikation",
        "Mål for markedsføring",
    ]
    texts = [text for _, text in styled]
    assert texts.index("Ikast-Brande Kommune") < texts.index("Kommunikationspolitik")
    assert "Vedtaget af Byrådet den 29. maj 2007" in texts
    assert "Status: Vedtaget" in texts and "Version: 1.0" in texts
    # Definitions: each term in bold on a line of its own, then its text.
    term = texts.index("god kommunikation og markedsføring")
    assert word.paragraphs[term].runs[0].bold
    assert texts[term + 1].startswith("Vi definerer god kommunikation")
    # The evaluation's facts, as labelled lines, after the rule.
    assert "Evalueres: mindst én gang i hver valgperiode" in texts
    assert "Metoder: kvalitative metoder, kvantitative metoder" in texts
    assert "Ansvarlig for evaluering: Byrådet" in texts
    # Related documents, the history (a table, whose cells are not body paragraphs) and the
    # contact block close the document.
    closing = texts[texts.index("Relaterede dokumenter") :]
    assert closing[:3] == [
        "Relaterede dokumenter",
        "Vision 2012 for Ikast-Brande Kommune",
        "MED-aftalen",
    ]
    assert closing[3:] == [
        "Historik",
        "Kontakt",
        "Ikast-Brande Kommune",
        "Rådhusstrædet 6",
        "7430 Ikast",
        "Tlf. 9960 4000",
        "https://www.ikast-brande.dk",
    ]


def test_draft_mark_only_on_proposals(seed_docx: bytes) -> None:
    def texts(data: bytes) -> list[str]:
        return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]

    def footer(data: bytes) -> str:
        # The footer's layout table: the title's cell, then the page number's.
        return docx.Document(io.BytesIO(data)).sections[0].footer.tables[0].cell(0, 0).text

    assert not any("UDKAST" in text for text in texts(seed_docx))
    assert "UDKAST" not in footer(seed_docx)
    draft = write_docx(document(status=Status.DRAFT))
    word = docx.Document(io.BytesIO(draft))
    first = word.paragraphs[0]
    assert first.text == "UDKAST"
    assert first.style is not None and first.style.name == "Draft Mark"
    assert first.style.font.bold and str(first.style.font.color.rgb) == "C00000"
    assert footer(draft).startswith("UDKAST · ")
    consultation = write_docx(document(ENGLISH, status=Status.CONSULTATION))
    assert texts(consultation)[0] == "DRAFT"
    assert "DRAFT" not in " ".join(texts(write_docx(document(ENGLISH))))


@pytest.mark.parametrize(("name", "language"), [(SEED, "da-DK"), (ENGLISH, "en-GB")])
def test_document_language(name: str, language: str) -> None:
    data = write_docx(document(name))
    styles = part(data, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert default.get(f"{W}val") == language
    assert {lang.get(f"{W}val") for lang in styles.iter(f"{W}lang")} == {language}
    settings = part(data, "word/settings.xml")
    assert settings.find("w:themeFontLang", NS).get(f"{W}val") == language
    assert settings.find("w:proofState", NS) is None  # Word is to proof it, not told it's done
    assert docx.Document(io.BytesIO(data)).core_properties.language == language


def test_core_properties(seed_docx: bytes) -> None:
    props = docx.Document(io.BytesIO(seed_docx)).core_properties
    assert props.title == "Kommunikationspolitik"
    assert props.author == "Ikast-Brande Kommune"
    assert props.subject.startswith("Kommunikationspolitikken beskriver de overordnede mål")
    assert props.keywords == "kommunikation, markedsføring, dialog, tillid, ansvarlighed"
    assert props.created == dt.datetime(2007, 5, 29, tzinfo=dt.UTC)
    assert props.modified == dt.datetime(2007, 5, 29, tzinfo=dt.UTC)
    assert props.last_modified_by == "policykit"
    assert props.revision == 1
    assert props.comments == ""  # not python-docx's "generated by python-docx"
    english = docx.Document(io.BytesIO(write_docx(document(ENGLISH)))).core_properties
    assert english.created == dt.datetime(2019, 3, 12, tzinfo=dt.UTC)
    assert english.modified == dt.datetime(2025, 5, 14, tzinfo=dt.UTC)  # the last evaluation
    assert english.keywords == "information security, data protection, risk, incidents"
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        app = package.read("docProps/app.xml").decode()
        names = package.namelist()
    assert "<Application>policykit</Application>" in app
    assert not any("thumbnail" in n or "customXml" in n or "WithEffects" in n for n in names)


# --- raw OOXML: lists, fields, links ----------------------------------------------------------


def test_dialog_checklist_is_a_numbered_list_from_1_to_6(seed_docx: bytes) -> None:
    lists = lists_by_section(seed_docx)
    dialog = lists["5. Dialog i kommunikation og markedsføring"]
    assert len(dialog) == 6
    assert dialog[0][2] == "hvad skal kommunikeres - budskabet"
    assert dialog[5][2] == "hvem skal kommunikere budskabet"
    assert {(num, level) for num, level, _ in dialog} == {(dialog[0][0], 0)}
    assert list_format(seed_docx, dialog[0][0], 0) == ("decimal", 1)
    goals = lists["2. Mål for Ikast-Brande Kommunes kommunikation og markedsføring"]
    assert len(goals) == 10
    assert len({num for num, _, _ in goals}) == 2  # one list per goal group
    assert all(list_format(seed_docx, num, 0)[0] == "bullet" for num, _, _ in goals)


def test_every_ordered_list_restarts_and_honours_its_start() -> None:
    changed = with_prose(
        policy(),
        purpose="Første:\n\n1. en\n2. to\n\nAnden:\n\n3. tre\n4. fire\n",
        evaluation="Tredje:\n\n1. a\n2. b\n   1. indre\n   2. indre to\n3. c\n",
    )
    data = write_docx(laid_out(changed))
    numbered = [item for items in lists_by_section(data).values() for item in items]
    ordered = {}
    for num, level, text in numbered:
        fmt, start = list_format(data, num, level)
        if fmt == "decimal":
            ordered.setdefault(num, (level, start, []))[2].append(text)
    starts = [(level, start, texts[0]) for level, start, texts in ordered.values()]
    assert starts == [
        (0, 1, "en"),
        (0, 3, "tre"),
        (0, 1, "hvad skal kommunikeres - budskabet"),
        (0, 1, "a"),
        (1, 1, "indre"),
    ]


def test_table_of_contents_field_under_an_unnumbered_heading(seed_docx: bytes) -> None:
    body = list(paragraphs(seed_docx))
    heading = next(p for p in body if text_of(p) == "Indhold")
    assert style_of(heading) == "TOCHeading"
    codes = [code.text for code in part(seed_docx, "word/document.xml").iter(f"{W}instrText")]
    # The sections only, as in the PDF's contents, so that Word's update lists the same.
    assert codes == [' TOC \\o "1-1" \\h \\z \\u ']
    begin = part(seed_docx, "word/document.xml").find(".//w:fldChar", NS)
    # Not dirty: Word opens the file with no prompt to update its fields.
    assert begin.get(f"{W}fldCharType") == "begin" and begin.get(f"{W}dirty") is None
    assert part(seed_docx, "word/settings.xml").find(".//w:updateFields", NS) is None
    entries = [
        text_of(p) for p in body if (style_of(p) or "").startswith("TOC") and p is not heading
    ]
    # The entries are there when the file opens: every section, and nothing else.
    assert entries == SEED_TITLES
    # Each entry links to a bookmark on its heading.
    anchors = {
        h.get(f"{W}anchor") for h in part(seed_docx, "word/document.xml").iter(f"{W}hyperlink")
    }
    marks = {
        b.get(f"{W}name") for b in part(seed_docx, "word/document.xml").iter(f"{W}bookmarkStart")
    }
    assert anchors - {None} <= marks and "_pk_principle_dialog" in marks


def test_footer_has_page_x_of_y_fields(seed_docx: bytes) -> None:
    footer = part(seed_docx, "word/footer1.xml")
    codes = [code.text.strip() for code in footer.iter(f"{W}instrText")]
    assert codes == ["PAGE", "NUMPAGES"]
    # No-break spaces hold the page number together.
    assert "side\u00a01\u00a0af\u00a01" in text_of(footer)
    english = part(write_docx(document(ENGLISH)), "word/footer1.xml")
    assert "page\u00a01\u00a0of\u00a01" in text_of(english)


def test_links_emphasis_and_strong() -> None:
    data = write_docx(document(ENGLISH))
    word = docx.Document(io.BytesIO(data))
    external = {rel.rId: rel.target_ref for rel in word.part.rels.values() if rel.is_external}
    links = list(part(data, "word/document.xml").iter(f"{W}hyperlink"))
    linked = {
        text_of(link): external[
            link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        ]
        for link in links
        if link.get(f"{W}anchor") is None
    }
    assert linked["the national strategy"] == "https://digst.dk/"
    assert linked["https://www.ikast-brande.dk"] == "https://www.ikast-brande.dk"
    styles = {s.get(f"{W}val") for link in links for s in link.iter(f"{W}rStyle")}
    assert styles == {"Hyperlink"}
    runs = [run for p in word.paragraphs for run in p.runs]
    assert any(run.text == "information asset" and run.italic for run in runs)
    assert any(run.text == "not" and run.bold for run in runs)


def test_a_link_that_is_not_http_stays_text() -> None:
    base = policy(ENGLISH)
    unsafe = Paragraph(
        (Link("javascript:alert(1)", (Text("klik", base.span),), base.span),), base.span
    )
    changed = dataclasses.replace(
        base,
        purpose=dataclasses.replace(
            base.purpose, text=dataclasses.replace(base.purpose.text, blocks=(unsafe,))
        ),
    )
    data = write_docx(laid_out(changed))
    word = docx.Document(io.BytesIO(data))
    assert not any(
        "javascript" in rel.target_ref for rel in word.part.rels.values() if rel.is_external
    )
    assert "klik" in [p.text for p in word.paragraphs]


def test_every_text_run_goes_through_one_method() -> None:
    """The redline writer marks changes by overriding `text`: nothing may bypass it."""

    class Shouting(DocxWriter):
        def text(self, parent: Any, text: str, fmt: RunFormat = PLAIN) -> Any:
            return super().text(parent, text.upper(), fmt)

    data = Shouting(document(ENGLISH)).write()
    for name in ("word/document.xml", "word/footer1.xml"):
        written = text_of(part(data, name))
        assert written and written == written.upper(), name


# --- pandoc --------------------------------------------------------------------------------


def test_pandoc_recovers_headings_and_lists(seed_pandoc: Any) -> None:
    blocks = seed_pandoc["blocks"]
    headers = [(b["c"][0], inline_text(b["c"][2])) for b in blocks if b["t"] == "Header"]
    assert [text for level, text in headers if level == 1] == SEED_TITLES
    assert [text for level, text in headers if level == 2] == [
        "Mål med kommunikation",
        "Mål for markedsføring",
    ]
    goals = section_blocks(blocks, SEED_TITLES[1])
    bullets = [b for b in goals if b["t"] == "BulletList"]
    assert [len(b["c"]) for b in bullets] == [5, 5]
    assert inline_text(bullets[0]["c"][2][0]["c"]) == (
        "at borgeren i alle sine henvendelser oplever at blive mødt i øjenhøjde"
    )
    dialog = [b for b in section_blocks(blocks, SEED_TITLES[4]) if b["t"] == "OrderedList"]
    assert len(dialog) == 1
    attributes, items = dialog[0]["c"]
    assert attributes[0] == 1 and len(items) == 6
    assert inline_text(items[5][0]["c"]) == "hvem skal kommunikere budskabet"
    tillid = section_blocks(blocks, SEED_TITLES[5])
    assert [len(b["c"]) for b in tillid if b["t"] == "BulletList"] == [4]


def test_pandoc_reads_each_ordered_list_from_its_own_start(tmp_path: Path) -> None:
    changed = with_prose(
        policy(),
        purpose="Intro.\n\n3. tre\n4. fire\n",
        evaluation="Regel:\n\n1. en\n2. to\n   - under\n\n     Mere om to.\n3. tre\n\n> Citat.\n",
    )
    path = tmp_path / "variant.docx"
    path.write_bytes(write_docx(laid_out(changed)))
    blocks = pandoc_json(path)["blocks"]
    ordered = [b for b in walk(blocks) if b["t"] == "OrderedList"]
    assert [(b["c"][0][0], len(b["c"][1])) for b in ordered] == [(3, 2), (1, 6), (1, 3)]
    second = ordered[2]["c"][1][1]  # "to": its text, then the nested list with two paragraphs
    assert inline_text(second[0]["c"]) == "to"
    nested = [b for b in second if b["t"] == "BulletList"]
    assert len(nested) == 1
    assert [inline_text(b["c"]) for b in nested[0]["c"][0]] == ["under", "Mere om to."]
    quotes = [b for b in walk(blocks) if b["t"] == "BlockQuote"]
    assert [inline_text(q["c"][0]["c"]) for q in quotes] == ["Citat."]


def test_pandoc_keeps_goal_indicators_inside_their_items(tmp_path: Path) -> None:
    path = tmp_path / "english.docx"
    path.write_bytes(write_docx(document(ENGLISH)))
    blocks = pandoc_json(path)["blocks"]
    goals = section_blocks(blocks, "2. Goals")
    bullets = [b for b in goals if b["t"] == "BulletList"]
    assert [len(b["c"]) for b in bullets] == [3, 2]
    first = bullets[0]["c"][0]
    assert [inline_text(b["c"]) for b in first] == [
        "Every information asset has an owner.",
        "Indicator: Share of systems in the asset list with a named owner.",
    ]


def test_every_sentence_of_the_seed_survives(seed_path: Path) -> None:
    text = normalised(
        run(require("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(seed_path))
    )
    seed = policy()
    wanted = [seed.title]
    for section in outline(seed):
        wanted.extend(line for prose in section.prose for line in plain_text(prose).splitlines())
    wanted.extend(group.title for group in seed.goals.groups)
    wanted.extend(term.term for term in seed.definitions.terms)
    assert len(wanted) > 40
    for line in wanted:
        assert normalised(line) in text, f"missing from pandoc's plain text: {line!r}"


# --- LibreOffice ---------------------------------------------------------------------------


def test_libreoffice_converts_it_and_the_text_survives(seed_path: Path, tmp_path: Path) -> None:
    soffice = require("soffice")
    pdftotext = require("pdftotext")
    variant = tmp_path / "variant.docx"  # a second numbered list, after the Dialog checklist
    variant.write_bytes(write_docx(laid_out(with_prose(policy(), evaluation="1. alfa\n2. beta\n"))))
    run(
        soffice,
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(seed_path),
        str(variant),
    )
    text = normalised(run(pdftotext, "-raw", str(tmp_path / "kommunikationspolitik.pdf"), "-"))
    for sentence in (
        'I politikken er "vi" og "os" synonym for Byrådet og alle ansatte i Ikast-Brande '
        "Kommunes organisation.",
        "at borgeren i alle sine henvendelser oplever at blive mødt i øjenhøjde",
        "Ikast-Brande Kommune tilstræber åbenhed om sin virksomhed både internt og eksternt:",
        "5. Dialog i kommunikation og markedsføring",
        "Vedtaget af Byrådet den 29. maj 2007",
    ):
        assert normalised(sentence) in text, sentence
    # LibreOffice numbers the Dialog checklist 1–6, and fills in the footer's page fields.
    assert "1. hvad skal kommunikeres" in text and "6. hvem skal kommunikere budskabet" in text
    assert re.search(r"side 1 af [2-9]", text)
    # The next numbered list starts again at 1.
    other = normalised(run(pdftotext, "-raw", str(tmp_path / "variant.pdf"), "-"))
    assert "6. hvem skal kommunikere budskabet" in other
    assert "1. alfa 2. beta" in other


# --- reproducibility and the golden file ----------------------------------------------------


@pytest.mark.parametrize("name", [SEED, ENGLISH])
def test_same_input_same_bytes(name: str) -> None:
    first = write_docx(document(name))
    assert write_docx(document(name)) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert not re.search(rb"w:rsid", zipfile.ZipFile(io.BytesIO(first)).read("word/document.xml"))


def test_same_bytes_in_another_process() -> None:
    """No dependence on hash seeds or the clock: a fresh interpreter writes the same file."""
    script = (
        "import hashlib, sys; from tests.examples import document; "
        "from policykit.writing.docx import write_docx; "
        "print(hashlib.sha256(write_docx(document())).hexdigest())"
    )
    here = hashlib.sha256(write_docx(document())).hexdigest()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == here


def pretty(xml: bytes) -> str:
    parser = etree.XMLParser(remove_blank_text=True)
    root = etree.fromstring(xml, parser)
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def test_golden_document_xml(seed_docx: bytes, update_goldens: bool) -> None:
    with zipfile.ZipFile(io.BytesIO(seed_docx)) as package:
        actual = pretty(package.read("word/document.xml"))
    # The same golden as tests/test_goldens.py's `seed` case: one file for one output.
    check_golden(actual, OUTPUTS / "seed" / "policy.document.xml", update_goldens)


# --- templates and branding ---------------------------------------------------------------


def test_reference_docx_styles_are_used(tmp_path: Path) -> None:
    reference = run_bytes(require("pandoc"), "--print-default-data-file", "reference.docx")
    options = ExportOptions(templates=Templates(reference_docx=reference))
    data = write_docx(document(options=options))
    styles = part(data, "word/styles.xml")
    ids = {s.get(f"{W}styleId") for s in styles.iter(f"{W}style")}
    assert {"FirstParagraph", "Compact", "BlockText"} <= ids  # pandoc's own styles survive
    assert {"DraftMark", "Organisation"} & ids == {"Organisation"}  # added as used
    word = docx.Document(io.BytesIO(data))
    headings = [
        p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == SEED_TITLES
    path = tmp_path / "reference-based.docx"
    path.write_bytes(data)
    blocks = pandoc_json(path)["blocks"]
    # pandoc's TOC Heading is based on its Heading 1, so pandoc reads "Indhold" as one too.
    level_1 = [inline_text(b["c"][2]) for b in blocks if b["t"] == "Header" and b["c"][0] == 1]
    assert level_1 == ["Indhold", *SEED_TITLES]
    assert write_docx(document(options=options)) == data


def run_bytes(*args: str) -> bytes:
    result = subprocess.run(args, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_reference_docx_that_is_not_one_is_refused() -> None:
    options = ExportOptions(templates=Templates(reference_docx=b"not a zip"))
    with pytest.raises(ReferenceDocxError) as caught:
        write_docx(document(options=options))
    assert "reference.docx" in caught.value.message and caught.value.hint


def test_branding_colour_font_and_png_logo() -> None:
    branding = Branding(
        primary_color="#7a0019",
        font_family="'Source Sans 3', Arial, sans-serif",
        logo=tiny_png(),
        logo_media_type="image/png",
    )
    data = write_docx(document(options=ExportOptions(branding=branding)))
    word = docx.Document(io.BytesIO(data))
    assert str(word.styles["Heading 1"].font.color.rgb) == "7A0019"
    fonts = part(data, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert fonts.get(f"{W}ascii") == "Source Sans 3"
    # Where the font is missing, Word substitutes the stack's last family, or a sans serif.
    declared = part(data, "word/fontTable.xml").find("w:font[@w:name='Source Sans 3']", NS)
    assert declared.find("w:altName", NS).get(f"{W}val") == "Arial"
    assert declared.find("w:family", NS).get(f"{W}val") == "swiss"
    inline = word.inline_shapes
    assert len(inline) == 1
    doc_pr = part(data, "word/document.xml").find(
        ".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    )
    assert doc_pr.get("descr") == "Ikast-Brande Kommune"
    assert write_docx(document(options=ExportOptions(branding=branding))) == data


def test_python_docx_is_not_imported_until_a_docx_is_written() -> None:
    script = "import sys, policykit.cli.app, policykit.writing.docx; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_a_long_footer_never_splits_the_page_number(tmp_path: Path) -> None:
    """A title too long for one line wraps in its own cell; "page 1 of 1" stays whole at
    the right, on the first line, as LibreOffice lays the page out."""
    require("soffice")
    title = "An Information Security Policy for Every Department and Every Service"
    long = dataclasses.replace(policy(ENGLISH), title=title)
    path = tmp_path / "long.docx"
    path.write_bytes(write_docx(dataclasses.replace(document(ENGLISH), policy=long)))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=180)  # fmt: skip
    text = subprocess.run(["pdftotext", "-layout", "-l", "1", str(tmp_path / "long.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip
    lines = [line for line in text.splitlines() if line.strip()]
    footer = next(i for i, line in enumerate(lines) if "Ikast-Brande Kommune ·" in line)
    assert re.search(r"page \d of \d$", lines[footer].rstrip()), lines[footer:]
    assert all("page" not in line and " of " not in line for line in lines[footer + 1 :])


@given(st.text(st.sampled_from("a\"'<>&\t\n\r") | st.characters()))
def test_custom_properties_escape_as_the_standard_library_does(text: str) -> None:
    """`package.escaped` and `package.quoted` write what `xml.sax.saxutils`' `escape` and
    `quoteattr` write, without importing it (and with it, urllib.request)."""
    from xml.sax.saxutils import escape, quoteattr

    from policykit.writing.docx.package import escaped, quoted

    assert escaped(text) == escape(text)
    assert quoted(text) == quoteattr(text)


def _run_made_one_by_one(writer: DocxWriter, text: str, fmt: RunFormat) -> Any:
    """A run as `DocxWriter.text` made it before it copied one of each format: a new run of
    the format (its properties, `_new_run`, less its empty text) and `append_text`."""
    from policykit.writing.docx.ooxml import append_text

    run = writer._new_run(fmt)
    run.remove(run[-1])
    append_text(run, text)
    return run


@given(
    st.lists(
        st.tuples(
            st.text(st.sampled_from("ab \t\n\x00\x0b\ufffe<&") | st.characters(), max_size=12),
            st.sampled_from([PLAIN, RunFormat(True), RunFormat(False, True),
                             RunFormat(True, True, "Hyperlink")]),
        ),
        max_size=6,
    ),
    st.lists(
        st.tuples(
            st.sampled_from(["Normal", "List Paragraph", "Heading 2"]),
            st.sampled_from([None, (1, 0), (3, 2), (0, 1)]),
            st.sampled_from([None, 720]),
            st.booleans(),
        ),
        min_size=1, max_size=4,
    ),
)  # fmt: skip
def test_paragraphs_and_runs_copied_are_those_made_one_by_one(
    runs: list[tuple[str, RunFormat]], shapes: list[tuple[str, Any, Any, bool]]
) -> None:
    """`DocxWriter.paragraph` and `text` copy the first paragraph of each shape and run of
    each format: the XML is what making each element on its own gives, text with tabs,
    line breaks, spaces to keep and characters XML cannot hold included."""
    from policykit.writing.docx.ooxml import w

    writer = DocxWriter(document(SEED))
    writer.content_marks = False
    writer.begin()
    for style, numbering, indent, page_break in shapes:
        p = writer.paragraph(
            style, numbering=numbering, indent=indent, page_break_before=page_break
        )
        expected = writer._new_paragraph(style, numbering, indent, page_break)
        for text, fmt in runs:
            writer.text(p, text, fmt)
            expected.append(_run_made_one_by_one(writer, text, fmt))
        assert _c14n(p) == _c14n(expected)
    cell = w("tc", writer.word.element.body)
    in_cell = writer.paragraph("Normal", into=cell)
    assert in_cell.getparent() is cell


def _c14n(element: Any) -> bytes:
    """The element's XML with only the namespaces it uses (in the body or apart)."""
    return bytes(etree.tostring(element, method="c14n", exclusive=True))
