"""The Markdown writer: the policy as CommonMark, with its title block as YAML front matter.

For tooling, static-site generators and pandoc: `pandoc -f commonmark+yaml_metadata_block`
reads it back into the same headings, lists and links as the HTML page, and the front matter
into pandoc's `title`, `author`, `lang`, `date` and `keywords`. Every text is escaped, so a
policy's words never turn into markup. The sections follow the layout's outline, numbered as
on the page, with the title in the front matter and the sections at heading level 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from policykit.model.policy import (
    Definitions,
    Evaluation,
    Goals,
    Prose,
    Section,
    Table,
    TableCell,
    Text,
)
from policykit.reading.prose import commonmark, escape_inline, link_destination
from policykit.writing.layout import Document, NumberedSection, evaluation_facts


def write_markdown(document: Document) -> str:
    blocks = [_front_matter(document)]
    for section in document.sections:
        blocks.append(_heading(1, section.title))
        blocks.extend(_section(section, document))
    laws = document.policy.legal_basis
    if laws:
        blocks.append(_heading(1, document.locale["legal_basis"]))
        blocks.append("\n".join(_link_item(law.title, law.url) for law in laws))
    related = document.policy.related
    if related:
        blocks.append(_heading(1, document.locale["related"]))
        blocks.append("\n".join(_related(document)))
    if document.history:
        blocks.append(_heading(1, document.locale["history"]))
        blocks.append(_history(document))
    return "\n\n".join(block for block in blocks if block) + "\n"


def _history(document: Document) -> str:
    """The history as a pipe table, written as prose tables are."""
    header, rows = document.history_table
    span = document.policy.span

    def cell(text: str) -> TableCell:
        return TableCell((Text(text, span),), span)

    cells = tuple(tuple(cell(text) for text in row) for row in rows)
    table = Table(tuple(cell(h) for h in header), cells, (None,) * len(header), (), span)
    return commonmark(Prose("", (table,), span))


def _heading(level: int, text: str) -> str:
    # A `#` inside a heading could close it: escape it along with the inline markup.
    return "#" * level + " " + escape_inline(text).replace("#", "\\#")


def _front_matter(document: Document) -> str:
    """The title block as YAML. Every value is a JSON string, which YAML reads as the same
    string, so no title or name can change the front matter's structure."""
    policy = document.policy
    fields: list[tuple[str, str | list[str] | None]] = [
        ("title", policy.title),
        ("author", document.author or None),
        ("lang", policy.language),
        ("date", document.modified.isoformat()),
        ("description", document.subject or None),
        ("keywords", list(policy.keywords) or None),
        ("id", policy.id),
        ("version", policy.version),
        ("status", document.status_label),
        ("draft", document.draft_mark),
        ("owner", policy.owner),
        ("department", policy.department),
        ("case_number", policy.case_number),
        ("kle", policy.kle),
        ("adopted", document.adoption_statement),
        ("repealed", document.repeal_statement),
        # What each level-1 section shows, by its anchor (`purpose`, `principle-dialog`):
        # what `policykit import` reads the sections back into.
        ("sections", [section.anchor for section in document.sections]),
    ]
    last = policy.last_adoption
    if last is not None and last.reference:
        fields.append(("reference", last.reference))
    lines = ["---"]
    for key, value in fields:
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {json.dumps(item, ensure_ascii=False)}" for item in value)
        elif value is not None:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines)


def _section(section: NumberedSection, document: Document) -> Iterator[str]:
    part = section.part
    if isinstance(part, Goals):
        yield _prose(part.intro)
        for group in part.groups:
            if group.title:
                yield _heading(2, group.title)
            yield _prose(group.intro)
            yield "\n".join(_goal_item(item.text, item.indicator, document) for item in group.items)
    elif isinstance(part, Definitions):
        yield _prose(part.intro)
        for term in part.terms:
            yield f"**{escape_inline(term.term)}**"
            yield _prose(term.text)
    elif isinstance(part, Evaluation):
        yield _prose(part.rule)
        yield "\n".join(_facts(part, document))
    elif isinstance(part, Section):
        yield from _free(part, 2)
    elif section.kind == "principles":
        yield _prose(part.intro)  # type: ignore[union-attr]
    else:
        yield _prose(part.text)  # type: ignore[union-attr]


def _free(section: Section, level: int) -> Iterator[str]:
    """A free section's prose, then its subsections a heading level down (`##` and on)."""
    yield _prose(section.text)
    for child in section.subsections:
        yield _heading(min(level, 6), child.heading)
        yield from _free(child, level + 1)


def _prose(prose: Prose | None) -> str:
    return commonmark(prose) if prose is not None else ""


def _goal_item(text: Prose, indicator: str | None, document: Document) -> str:
    lines = _prose(text).split("\n")
    item = "\n".join(
        ("- " if i == 0 else "  ") + line if line else "" for i, line in enumerate(lines)
    )
    if indicator:
        label = escape_inline(document.locale["indicator"])
        item += f"\n\n  *{label}:* {escape_inline(indicator)}"
    return item


def _facts(evaluation: Evaluation, document: Document) -> Iterator[str]:
    for label, value in evaluation_facts(evaluation, document.locale):
        yield f"- **{escape_inline(label)}:** {escape_inline(value)}"


def _related(document: Document) -> Iterator[str]:
    for item in document.policy.related:
        yield _link_item(item.title, item.url)


def _link_item(title: str, url: str | None) -> str:
    text = escape_inline(title)
    return f"- [{text}]({link_destination(url)})" if url else f"- {text}"
