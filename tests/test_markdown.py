"""The Markdown writer, read back by pandoc (`-f commonmark+yaml_metadata_block -t json`): the
same headings, lists, links and words as the policy's page, the title block as metadata, and
every character that Markdown would read as markup kept as text."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.model.policy import Inline, Link, Paragraph, Prose, Span, Text
from policykit.writing.layout import Document
from policykit.writing.markdown import write_markdown
from tests.clients import ROOT, require
from tests.examples import ENGLISH, SEED, document, policy

SPAN = Span("x.yaml", 1, 1)

PANDOC_FORMAT = "commonmark+yaml_metadata_block"


def pandoc(markdown: str) -> dict[str, Any]:
    result = subprocess.run(
        [require("pandoc"), "-f", PANDOC_FORMAT, "-t", "json"],
        input=markdown,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def stringify(inlines: list[dict[str, Any]]) -> str:
    """pandoc's inlines as plain text."""
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong"):
            out.append(stringify(content))
        elif kind == "Link":
            out.append(stringify(content[1]))
    return "".join(out)


def walk(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        kind, content = block["t"], block.get("c")
        if kind in ("BulletList", "OrderedList"):
            items = content if kind == "BulletList" else content[1]
            for item in items:
                yield from walk(item)
        elif kind == "BlockQuote":
            yield from walk(content)


def links(inlines: Any) -> Iterator[str]:
    if isinstance(inlines, dict):
        if inlines.get("t") == "Link":
            yield inlines["c"][2][0]
        yield from links(inlines.get("c"))
    elif isinstance(inlines, list):
        for child in inlines:
            yield from links(child)


def expected_headings(doc: Document) -> list[tuple[int, str]]:
    """The page's headings below the title: each section, and each goal group in it."""
    headings = []
    for section in doc.sections:
        headings.append((1, section.title))
        if section.kind == "goals":
            headings.extend((2, group.title) for group in doc.policy.goals.groups)
    if doc.policy.related:
        headings.append((1, doc.locale["related"]))
    if doc.history:
        headings.append((1, doc.locale["history"]))
    return headings


@pytest.mark.parametrize("name", [SEED, ENGLISH])
def test_pandoc_reads_back_the_same_headings_lists_links_and_metadata(name: str) -> None:
    doc = document(name)
    tree = pandoc(write_markdown(doc))
    headings = [(b["c"][0], stringify(b["c"][2])) for b in tree["blocks"] if b["t"] == "Header"]
    assert headings == expected_headings(doc)
    meta = tree["meta"]
    assert stringify(meta["title"]["c"]) == doc.policy.title
    assert stringify(meta["lang"]["c"]) == doc.policy.language
    assert stringify(meta["version"]["c"]) == doc.policy.version
    keywords = [stringify(k["c"]) for k in meta["keywords"]["c"]]
    assert keywords == list(doc.policy.keywords)
    # Every goal is a list item, in order, with its words.
    bullets = [b for b in walk(tree["blocks"]) if b["t"] == "BulletList"]
    items = [stringify(item[0]["c"]) for block in bullets for item in block["c"]]
    for group in doc.policy.goals.groups:
        for goal in group.items:
            from policykit.reading.prose import plain_text

            assert plain_text(goal.text).split("\n")[0] in items
    # The links are the model's.
    model_links = [r.url for r in doc.policy.related if r.url]
    assert set(model_links) <= set(links(tree["blocks"]))


def test_the_seeds_numbered_checklist_stays_an_ordered_list() -> None:
    tree = pandoc(write_markdown(document(SEED)))
    ordered = [b for b in walk(tree["blocks"]) if b["t"] == "OrderedList"]
    assert ordered, "the Dialog principle's checklist 1–6"
    items = [stringify(item[0]["c"]) for item in ordered[0]["c"][1]]
    assert items[0].startswith("hvad skal kommunikeres") and len(items) == 6


HOSTILE = "2. maj: *ikke fed*, _ikke kursiv_, [ikke et link](x), <b>ikke html</b> & # # \\"


def with_purpose(text: Prose, heading: str | None = None) -> Document:
    """The seed laid out with another purpose."""
    purpose = dataclasses.replace(policy(SEED).purpose, text=text, heading=heading)
    return document(SEED, purpose=purpose)


def paragraph(*inlines: Inline) -> Prose:
    return Prose("…", (Paragraph(inlines, SPAN),), SPAN)


def test_markup_characters_in_the_text_stay_text() -> None:
    doc = with_purpose(paragraph(Text(HOSTILE, SPAN)), heading="# Formål *nu* 1. #")
    tree = pandoc(write_markdown(doc))
    paragraphs = [stringify(b["c"]) for b in tree["blocks"] if b["t"] == "Para"]
    assert HOSTILE in paragraphs
    assert not [b for b in tree["blocks"] if b["t"] in ("RawBlock", "CodeBlock")]
    heading = next(b for b in tree["blocks"] if b["t"] == "Header")
    assert stringify(heading["c"][2]) == "1. # Formål *nu* 1. #"


def test_a_link_with_parentheses_and_spaces_keeps_its_address() -> None:
    link = Link("https://example.org/a (b)/c", (Text("se her", SPAN),), SPAN)
    tree = pandoc(write_markdown(with_purpose(paragraph(link))))
    assert "https://example.org/a%20%28b%29/c" in list(links(tree["blocks"]))


def test_front_matter_cannot_be_broken_by_a_title() -> None:
    title = 'Politik: "citat" # {id: evil} \' ---'
    tree = pandoc(write_markdown(document(SEED, title=title)))
    assert stringify(tree["meta"]["title"]["c"]) == title
    assert stringify(tree["meta"]["id"]["c"]) == SEED


def test_same_input_same_bytes() -> None:
    assert write_markdown(document(SEED)) == write_markdown(document(SEED))


def test_export_md_writes_only_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["export", "--md", "-d", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "information-security-policy.md",
        "kommunikationspolitik-draft.md",
        "kommunikationspolitik.md",
        "personalepolitik.md",
    ]
    assert (tmp_path / "kommunikationspolitik.md").read_text("utf-8") == write_markdown(
        document(SEED)
    )
