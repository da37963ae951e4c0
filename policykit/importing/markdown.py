"""Markdown in, through markdown-it-py (CommonMark with GFM tables), and the YAML front matter
that pandoc and policykit's own Markdown export put first.

Raw HTML in the Markdown is not run or kept: it is dropped, and the report lists it.
"""

from __future__ import annotations

import re
from typing import Any

from policykit.importing.blocks import (
    Block,
    Document,
    Dropped,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Run,
    Runs,
    TableBlock,
    Term,
)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.S)
MAX_FRONT_MATTER = 64_000
_PART = re.compile(r"^(purpose|goals|definitions|principles|evaluation|principle-[a-z0-9-]+)$")


def read_markdown(text: str) -> tuple[Document, dict[str, Any]]:
    """The document, and its front matter's plain values (empty when it has none)."""
    from markdown_it import MarkdownIt

    front, offset = _front_matter(text)
    tokens = MarkdownIt("commonmark").enable("table").parse(text[offset:])
    first_line = text[:offset].count("\n")
    reader = _Reader(tokens, first_line)
    blocks = reader.blocks()
    return Document("md", tuple(blocks), tuple(reader.dropped), hints=_hints(blocks, front)), front


def _hints(blocks: list[Block], front: dict[str, Any]) -> dict[str, str]:
    """policykit's own export lists what each level-1 section shows (`sections:` in its
    front matter), in order: the parts they are read back into."""
    anchors = front.get("sections")
    if not isinstance(anchors, list):
        return {}
    headings = [b for b in blocks if isinstance(b, Heading) and b.level == 1]
    return {
        heading.text: anchor if _PART.match(anchor) or anchor.startswith("section-") else "section"
        for heading, anchor in zip(headings, anchors, strict=False)
        if isinstance(anchor, str)
    }


def _front_matter(text: str) -> tuple[dict[str, Any], int]:
    found = _FRONT_MATTER.match(text)
    if found is None or len(found.group(1)) > MAX_FRONT_MATTER:
        return {}, 0
    from policykit.reading.yamlsource import parse_yaml, to_plain

    document = parse_yaml(found.group(1), "front matter")
    if document.root is None or any(f.is_error for f in document.findings):
        return {}, 0
    data = to_plain(document.root)
    return (data if isinstance(data, dict) else {}), found.end()


def _caption(block: Block) -> Runs:
    """A "Table: …" paragraph's words: the caption of the table above, as pandoc reads it."""
    runs = getattr(block, "runs", ())
    if isinstance(block, Paragraph) and runs and runs[0].text.startswith("Table: "):
        return (Run(runs[0].text.removeprefix("Table: "), runs[0].bold, runs[0].italic), *runs[1:])
    return ()


class _Reader:
    def __init__(self, tokens: list[Any], first_line: int) -> None:
        self.tokens = tokens
        self.first_line = first_line
        self.dropped: list[Dropped] = []

    def where(self, token: Any) -> int:
        return self.first_line + (token.map[0] + 1 if token.map else 1)

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        index = 0
        tokens = self.tokens
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                level = int(token.tag[1])
                out.append(Heading(level, self.inline(tokens[index + 1]), self.where(token)))
                index += 3
            elif kind == "paragraph_open":
                block = self.paragraph(tokens[index + 1], self.where(token))
                caption = _caption(block)
                if caption and out and isinstance(out[-1], TableBlock) and not out[-1].caption:
                    out[-1] = TableBlock(out[-1].rows, out[-1].where, caption)
                else:
                    out.append(block)
                index += 3
            elif kind in ("bullet_list_open", "ordered_list_open"):
                index, block = self.list(index)
                out.append(block)
            elif kind == "table_open":
                index, table = self.table(index)
                out.append(table)
            elif kind in ("html_block", "fence", "code_block"):
                what = "raw HTML" if kind == "html_block" else "a code block"
                text = token.content.strip()
                self.dropped.append(
                    Dropped(self.where(token), text, f"{what}, which a policy cannot hold")
                )
                index += 1
            else:  # blockquote and hr: their paragraphs are read as any others
                index += 1
        return out

    def paragraph(self, inline: Any, where: int) -> Block:
        runs = self.inline(inline)
        # A paragraph in bold alone ("**kommunikation**"): a defined term, as the export has it.
        if len(runs) == 1 and runs[0].bold and not runs[0].italic:
            return Term(runs, where)
        return Paragraph(runs, where)

    def list(self, start: int) -> tuple[int, ListBlock]:
        opening = self.tokens[start]
        ordered = opening.type == "ordered_list_open"
        first = int(opening.attrs.get("start", 1)) if ordered else 1
        items: list[Item] = []
        depth = -1
        index = start
        while index < len(self.tokens):
            token = self.tokens[index]
            if token.type in ("bullet_list_open", "ordered_list_open"):
                depth += 1
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                depth -= 1
                if depth < 0:
                    break
            elif token.type == "inline":
                runs = self.inline(token)
                if items and self.tokens[index - 2].type != "list_item_open":
                    # A second paragraph of one item: joined to it.
                    items[-1] = Item((*items[-1].runs, Run(" "), *runs), items[-1].depth)
                else:
                    items.append(Item(runs, depth))
            index += 1
        return index + 1, ListBlock(ordered, tuple(items), self.where(opening), first)

    def table(self, start: int) -> tuple[int, TableBlock]:
        rows: list[tuple[Runs, ...]] = []
        row: list[Runs] = []
        index = start
        while self.tokens[index].type != "table_close":
            token = self.tokens[index]
            if token.type == "tr_open":
                row = []
            elif token.type == "inline":
                row.append(self.inline(token))
            elif token.type == "tr_close":
                rows.append(tuple(row))
            index += 1
        return index + 1, TableBlock(tuple(rows), self.where(self.tokens[start]))

    def inline(self, token: Any) -> Runs:
        runs: list[Run] = []
        bold = italic = 0
        href: str | None = None
        for child in token.children or ():
            kind = child.type
            if kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                href = str(child.attrs.get("href", "")) or None
            elif kind == "link_close":
                href = None
            elif kind in ("text", "code_inline") and child.content:
                runs.append(Run(child.content, bold > 0, italic > 0, href))
            elif kind in ("softbreak", "hardbreak"):
                runs.append(Run(" ", bold > 0, italic > 0, href))
            elif kind == "image":
                runs.append(Run(child.content, bold > 0, italic > 0, href))
        return tuple(runs)
