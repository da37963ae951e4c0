"""policykit's own exports, read back: the labels they print ("Evalueres:", "Status:", the
contents, "Relaterede dokumenter", "Historik") are recognised as the fields they show, in
either language, and not imported as text.

A reader that sees the labels in its source's own structure (the HTML export's `dl.facts`)
puts them in `Document.facts`; this pass finds those that reach the blocks (a Markdown
list of "**Evalueres:** …", a heading "Historik" over a table) and adds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache

from policykit.importing.blocks import (
    Block,
    Document,
    Dropped,
    Facts,
    Heading,
    ListBlock,
    Paragraph,
    TableBlock,
    Term,
    plain,
)
from policykit.importing.metadata import date_in, intervals_in
from policykit.model.intervals import Interval, parse_interval

#: The labels that name a field, by the field: their text comes from the locales.
FIELDS = ("interval", "methods", "responsible", "owner", "status", "version", "department",
          "case_number", "kle", "case_reference")  # fmt: skip


@cache
def _labels() -> dict[str, str]:
    """Each language's label, casefolded, → the field it names, or a section's name."""
    from policykit.reading.locales import available_languages, locale

    out: dict[str, str] = {}
    for language in available_languages():
        labels = locale(language).labels
        for name in FIELDS:
            out[labels[name].casefold()] = name
        for name in ("related", "history", "contents", "legal_basis"):
            out[labels[name].casefold()] = f"@{name}"
    return out


@cache
def _events() -> dict[str, str]:
    from policykit.reading.locales import available_languages, locale

    out: dict[str, str] = {}
    for language in available_languages():
        labels = locale(language).labels
        for event in ("adopted", "evaluated", "repealed"):
            out[labels[f"history_{event}"].casefold()] = event
    return out


def label(text: str) -> str | None:
    """The field or section a label names ("Evalueres:" → interval), else None."""
    return _labels().get(text.strip().rstrip(":").strip().casefold())


def recognise(document: Document) -> Document:
    """The document without the export's labelled blocks, their facts in `facts`."""
    blocks = list(document.blocks)
    kept: list[Block] = []
    dropped: list[Dropped] = []
    values: dict[str, str] = {}
    related: list[tuple[str, str | None]] = []
    laws: list[tuple[str, str | None]] = []
    history: list[tuple[str, str, str, str, str]] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        named = label(block.text) if isinstance(block, Heading | Term) else None
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if isinstance(block, Heading) and named in ("@related", "@history", "@contents",
                                                      "@legal_basis"):  # fmt: skip
            end = index + 1
            while end < len(blocks) and not isinstance(blocks[end], Heading):
                end += 1
            for inner in blocks[index + 1 : end]:
                if named == "@related" and isinstance(inner, ListBlock):
                    related += [(item.text, _link(item)) for item in inner.items]
                elif named == "@legal_basis" and isinstance(inner, ListBlock):
                    laws += [(item.text, _link(item)) for item in inner.items]
                elif named == "@history" and isinstance(inner, TableBlock):
                    history += _history(inner)
            dropped += [Dropped(b.where, b.text, "policykit's label") for b in blocks[index:end]]
            index = end
            continue
        if isinstance(block, Term) and named in FIELDS and isinstance(following, Paragraph):
            values[named] = following.text
            dropped.append(
                Dropped(block.where, f"{block.text}: {following.text}", "policykit's label")
            )
            index += 2
            continue
        facts = _fact_list(block) or _fact_line(block)
        if facts:
            values.update(facts)
            dropped.append(Dropped(block.where, block.text, "policykit's label"))
            index += 1
            continue
        kept.append(block)
        index += 1
    found = Facts(values, tuple(related), tuple(laws), tuple(history))
    if not dropped:
        return document
    return replace(document.without(kept, dropped), facts=document.facts.merged(found))


def _fact_list(block: Block) -> dict[str, str]:
    """A list whose every item is "**Label:** value" with a label policykit prints."""
    if not isinstance(block, ListBlock) or not block.items:
        return {}
    out: dict[str, str] = {}
    for item in block.items:
        runs = item.runs
        if not runs or not runs[0].bold:
            return {}
        name = label(runs[0].text)
        if name not in FIELDS:
            return {}
        out[name] = plain(runs[1:])
    return out


def _fact_line(block: Block) -> dict[str, str]:
    """A paragraph of "**Label:** value" pairs, each label one policykit prints (the Word
    export's facts, one to a line; a PDF's, several on one line)."""
    if not isinstance(block, Paragraph) or not block.runs or not block.runs[0].bold:
        return {}
    out: dict[str, str] = {}
    name: str | None = None
    value: list[str] = []
    for run in block.runs:
        if run.bold and run.text.rstrip().endswith(":"):
            named = label(run.text)
            if named not in FIELDS:
                return {}
            if name is not None:
                out[name] = " ".join("".join(value).split())
            name, value = named, []
        elif name is None:
            return {}
        else:
            value.append(run.text)
    if name is not None:
        out[name] = " ".join("".join(value).split())
    return out


def _link(item: object) -> str | None:
    runs = getattr(item, "runs", ())
    return next((run.href for run in runs if run.href), None)


def _history(table: TableBlock) -> list[tuple[str, str, str, str, str]]:
    rows = [tuple(plain(cell) for cell in row) for row in table.rows]
    if not rows:
        return []
    header = [cell.casefold() for cell in rows[0]]

    def column(row: tuple[str, ...], names: tuple[str, ...]) -> str:
        for name in names:
            if name in header and header.index(name) < len(row):
                return row[header.index(name)]
        return ""

    out = []
    for row in rows[1:]:
        out.append((
            column(row, ("dato", "date")), column(row, ("hændelse", "event")),
            column(row, ("besluttet af", "decided by")), column(row, ("sag", "case")),
            column(row, ("bemærkning", "note")),
        ))  # fmt: skip
    return out


def event(text: str) -> str | None:
    """adopted, evaluated or repealed, for a history row's event in either language."""
    return _events().get(text.strip().casefold())


def interval_of(text: str) -> Interval | None:
    """The interval an export's "Evalueres:" value words ("mindst én gang i hver
    valgperiode", "hvert 2. år", "every 2 years")."""
    found = intervals_in(text)
    return parse_interval(found[0]) if found else None


def day(text: str) -> dt.date | None:
    """A history row's date ("29. maj 2007", "12 March 2019")."""
    return date_in(text)
