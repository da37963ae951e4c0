"""Tables in prose (format 2): read from GFM pipe tables, written by every writer, checked by
the real clients, and compared cell by cell by the diff and the redlines.

The example policy has a responsibility table and its revision changes two cells and adds a
row (tests/data/format2/personalepolitik-revised.yaml), so the example's own outputs are
the main cases here; a wider table checks the scrolling box on a phone.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from policykit.comparing.diff import compare
from policykit.diagnostics import rules
from policykit.model.policy import Paragraph, Prose, Span, Table
from policykit.reading.prose import canonical_markdown, commonmark, parse_prose
from policykit.writing.docx import write_docx
from policykit.writing.html import write_html
from policykit.writing.layout import layout
from policykit.writing.markdown import write_markdown
from policykit.writing.pdf import write_pdf
from policykit.writing.redline_html import write_redline_html
from tests.clients import chromium_page, require
from tests.examples import STAFF, policy, project, read
from tests.test_html import axe_violations, vnu_errors

REVISED = "tests/data/format2/personalepolitik-revised.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOURCE = """Hvem gør hvad:

| Opgave | **Ansvarlig** | Frist |
|:--|--:|:-:|
| Løn \\| pension | [HR](https://example.dk/hr) | 1. maj |
| Tilsyn | Chefen |

Table: Hvem gør *hvad*
"""


def parse(source: str, *, format2: bool = True) -> tuple[Prose, list[Any]]:
    return parse_prose(source, lambda line: Span("t.yaml", line + 1, 1), format2=format2)


def only_table(prose: Prose) -> Table:
    tables = [block for block in prose.blocks if isinstance(block, Table)]
    assert len(tables) == 1
    return tables[0]


def texts(cells: Any) -> list[str]:
    from policykit.reading.prose import inline_text

    return [inline_text(cell.children) for cell in cells]


# --- reading ---------------------------------------------------------------------------------


def test_a_table_reads_with_its_header_alignment_cells_and_caption() -> None:
    prose, findings = parse(SOURCE)
    assert findings == []
    table = only_table(prose)
    assert texts(table.header) == ["Opgave", "Ansvarlig", "Frist"]
    assert table.align == ("left", "right", "center")
    # A short row gets empty cells; an escaped pipe is text.
    assert [texts(row) for row in table.rows] == [
        ["Løn | pension", "HR", "1. maj"],
        ["Tilsyn", "Chefen", ""],
    ]
    assert type(table.header[1].children[1]).__name__ == "Strong"
    assert type(table.rows[0][1].children[0]).__name__ == "Link"
    assert [type(b).__name__ for b in prose.blocks] == ["Paragraph", "Table"]  # caption taken
    assert canonical_markdown(Prose("", (Paragraph(table.caption, table.span),), table.span)) == (
        "Hvem gør *hvad*"
    )


def test_a_caption_may_stand_before_the_table_and_in_danish() -> None:
    table = only_table(parse("Tabel: Frister\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")[0])
    assert [getattr(c, "text", "") for c in table.caption] == ["Frister"]


def test_a_table_is_format_2() -> None:
    _, findings = parse(SOURCE, format2=False)
    assert [f.rule for f in findings] == [rules.NEEDS_FORMAT_2]
    assert "set `format: 2`" in (findings[0].hint or "")


def test_a_table_inside_a_list_is_refused() -> None:
    _, findings = parse("- a\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n")
    assert [f.rule for f in findings] == [rules.PROSE_TABLE]
    assert "end the list or the quote" in (findings[0].hint or "")


def test_commonmark_out_reads_back_as_the_same_table() -> None:
    prose, _ = parse(SOURCE)
    again, findings = parse(commonmark(prose))
    assert findings == []
    assert canonical_markdown(again) == canonical_markdown(prose)
    assert "| Løn \\| pension |" in commonmark(prose)


def test_a_paragraph_that_only_looks_like_a_caption_stays_a_paragraph() -> None:
    """A paragraph `Table: …` beside a table that has a caption already, written out, is
    escaped so that it does not become the caption on the way back."""
    prose, _ = parse("| a |\n|---|\n| 1 |\n\nTable: the caption\n\nTable: a paragraph\n")
    assert [type(b).__name__ for b in prose.blocks] == ["Table", "Paragraph"]
    out = commonmark(prose)
    assert "Table\\: a paragraph" in out
    again, _ = parse(out)
    assert [type(b).__name__ for b in again.blocks] == ["Table", "Paragraph"]


# --- writing ---------------------------------------------------------------------------------


def test_html_has_column_headers_a_caption_and_a_named_scrolling_box(tmp_path: Path) -> None:
    html = write_html(layout(policy(STAFF), project()))
    tree = etree.HTML(html)
    box = tree.find(".//div[@class='prose-table scroll-box']")
    assert box is not None
    assert box.get("tabindex") == "0" and box.get("role") == "region"
    assert box.get("aria-label") == "Hvem har ansvaret for arbejdsmiljøet"
    assert box.findtext("table/caption") == "Hvem har ansvaret for arbejdsmiljøet"
    headers = box.findall("table/thead/tr/th")
    assert [th.text for th in headers] == ["Opgave", "Ansvarlig", "Frist"]
    assert {th.get("scope") for th in headers} == {"col"}
    assert len(box.findall("table/tbody/tr")) == 4


def test_only_a_page_with_a_table_carries_the_tables_stylesheet() -> None:
    """So that a policy without tables exports to the same bytes as before tables were
    part of the format."""
    assert ".prose-table" in write_html(layout(policy(STAFF), project()))
    assert ".prose-table" not in write_html(layout(policy(), project()))


WIDE = "\n".join(
    "| " + " | ".join(row) + " |"
    for row in (
        ["Kanal", "Målgruppe", "Ansvarlig", "Frist", "Opfølgning", "Bemærkninger"],
        ["---"] * 6,
        ["Hjemmeside", "Borgere og virksomheder", "Kommunikationsafdelingen", "Løbende",
         "Kvartalsvis rapport til direktionen", "Skal overholde webtilgængelighedsloven"],
    )
)  # fmt: skip


def test_a_wide_table_scrolls_in_its_box_and_the_page_does_not(tmp_path: Path) -> None:
    """On a phone the wide table scrolls inside its box; on a desktop the narrow one fits.
    The page itself never scrolls sideways."""
    staff = policy(STAFF)
    assert staff.purpose is not None and staff.purpose.text is not None
    text, findings = parse(staff.purpose.text.source + "\n" + WIDE)
    assert findings == []
    wide = dataclasses.replace(staff, purpose=dataclasses.replace(staff.purpose, text=text))
    page = tmp_path / "wide.html"
    page.write_text(write_html(layout(wide, project())), encoding="utf-8")
    with chromium_page() as browser:
        for width in (390, 1280):
            browser.set_viewport_size({"width": width, "height": 800})
            browser.goto(page.as_uri())
            assert browser.evaluate("document.documentElement.scrollWidth") == width
            boxes = browser.evaluate(
                "[...document.querySelectorAll('.prose-table')]"
                ".map(b => b.scrollWidth > b.clientWidth)"
            )
            assert boxes == ([True, True] if width == 390 else [True, False]), width
    assert vnu_errors(page) == []
    assert axe_violations(page) == []


def test_pdf_tags_the_table(tmp_path: Path) -> None:
    source, flat = tmp_path / "staff.pdf", tmp_path / "flat.pdf"
    source.write_bytes(write_pdf(layout(policy(STAFF), project())))
    qpdf = require("qpdf")
    subprocess.run([qpdf, "--qdf", "--object-streams=disable", source, flat], check=True)
    tags = [tag.decode() for tag in re.findall(rb"/S /(\w+)", flat.read_bytes())]
    for tag in ("Table", "THead", "TBody", "TR", "Caption"):
        assert tag in tags, tag
    assert tags.count("TH") == 3 and tags.count("TD") == 12


def docx_part(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_word_has_a_real_table_whose_header_repeats() -> None:
    data = write_docx(layout(policy(STAFF), project()))
    body = docx_part(data)
    (table,) = body.iter(f"{W}tbl")
    rows = table.findall(f"{W}tr")
    assert len(rows) == 5
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
    widths = [int(c.get(f"{W}w")) for c in table.iter(f"{W}gridCol")]
    assert sum(widths) == int(table.find(f"{W}tblPr/{W}tblW").get(f"{W}w"))
    caption = table.getprevious()
    assert "".join(caption.itertext()) == "Hvem har ansvaret for arbejdsmiljøet"
    # pandoc reads it as a table with the header row and every cell, in plain (not
    # strong) header text, and the bold cell as strong.
    tree = json.loads(
        subprocess.run(
            [require("pandoc"), "-f", "docx", "-t", "json"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout
    )
    (found,) = [b for b in tree["blocks"] if b["t"] == "Table"]
    plain = subprocess.run(
        [require("pandoc"), "-f", "json", "-t", "plain"],
        input=json.dumps({**tree, "blocks": [found]}).encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    # (A cell may wrap onto two lines of pandoc's plain text.)
    assert "Opgave" in plain and "Hvert år" in plain and "marts" in plain and "**" not in plain
    assert "Strong" in json.dumps(found["c"][4])  # the bold cell, in the body


def test_libreoffice_reads_the_word_table(tmp_path: Path) -> None:
    source = tmp_path / "staff.docx"
    source.write_bytes(write_docx(layout(policy(STAFF), project())))
    subprocess.run(
        [require("soffice"), "--headless", "--convert-to", "html", "--outdir", str(tmp_path),
         f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", str(source)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    tree = etree.HTML((tmp_path / "staff.html").read_bytes())
    rows = tree.find(".//table").findall(".//tr")  # the policy's; the footer's layout follows
    assert len(rows) == 5
    assert [" ".join("".join(c.itertext()).split()) for c in rows[3]] == [
        "Handleplan efter målingen",
        "Lederen",
        "Senest tre måneder efter målingen",
    ]


def test_markdown_writes_the_table_that_pandoc_reads_with_its_caption() -> None:
    markdown = write_markdown(layout(policy(STAFF), project()))
    assert "| Opgave | Ansvarlig | Frist |\n| --- | --- | --- |\n" in markdown
    assert "Table: Hvem har ansvaret for arbejdsmiljøet" in markdown
    tree = json.loads(
        subprocess.run(
            [require("pandoc"), "-f", "markdown", "-t", "json"],
            input=markdown.encode(),
            capture_output=True,
            check=True,
        ).stdout
    )
    (found,) = [b for b in tree["blocks"] if b["t"] == "Table"]
    assert "arbejdsmiljøet" in json.dumps(found["c"][1], ensure_ascii=False)  # the caption


# --- the diff and the redlines ----------------------------------------------------------------


@pytest.fixture(scope="module")
def changes() -> Any:
    return compare(policy(STAFF), read(REVISED))


def test_the_diff_lists_each_changed_cell(changes: Any) -> None:
    (change,) = [c for c in changes.changes if c.path == "sections[arbejdsmiljoe].text"]
    found = [
        (c.row, c.column, c.row_label, c.column_label, c.status, c.old, c.new) for c in change.cells
    ]
    assert found == [
        (2, 3, "Trivselsmåling", "Frist", "changed", "Hvert andet år", "Hvert år"),
        (3, 2, "Handleplan efter målingen", "Ansvarlig", "changed", "Lederen",
         "Lederen og MED-udvalget"),
        (4, 1, "Seniorsamtale", "Opgave", "inserted", "", "Seniorsamtale"),
        (4, 2, "Seniorsamtale", "Ansvarlig", "inserted", "", "Lederen"),
        (4, 3, "Seniorsamtale", "Frist", "inserted", "", "Når medarbejderen fylder 60 år"),
    ]  # fmt: skip


def test_a_removed_column_and_row_are_cells_of_the_old_version() -> None:
    from policykit.comparing.lines import diff_prose

    old, _ = parse("| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n")
    new, _ = parse("| a | c |\n|---|---|\n| 1 | 3 |\n")
    (line,) = diff_prose(old, new)
    assert line.table is not None
    assert line.table.columns == ("equal", "deleted", "equal")
    assert [row.status for row in line.table.rows] == ["changed", "changed", "deleted"]
    from policykit.comparing.lines import cell_changes

    found = [(c.row, c.column, c.column_label, c.status, c.old) for c in cell_changes([line])]
    assert found == [
        (0, 2, "b", "deleted", "b"),
        (1, 2, "b", "deleted", "2"),
        (2, 1, "a", "deleted", "4"),
        (2, 2, "b", "deleted", "5"),
        (2, 3, "c", "deleted", "6"),
    ]


def test_the_html_redline_shows_the_changed_cells(changes: Any, tmp_path: Path) -> None:
    settings = project()
    html = write_redline_html(
        changes, layout(policy(STAFF), settings), layout(read(REVISED), settings)
    )
    tree = etree.HTML(html)
    tables = tree.findall(".//div[@class='prose-table scroll-box']/table")
    assert len(tables) == 1
    changed = tables[0].findall(".//td[@class='changed']")
    assert ["".join(td.itertext()) for td in changed] == [
        "Hvert andet år",
        "Lederen og MED-udvalget",
    ]
    assert [el.text for el in changed[0].iter("del")] == ["andet "]
    assert [el.text for el in changed[1].iter("ins")] == [" og MED-udvalget"]
    (inserted,) = tables[0].findall(".//tr[@class='inserted']")
    assert [td.findtext("ins") for td in inserted] == [
        "Seniorsamtale",
        "Lederen",
        "Når medarbejderen fylder 60 år",
    ]
