"""Plain text in: paragraphs between blank lines, lists from typed markers, headings guessed.

A text file says nothing of its structure, so this reader guesses, and says it guessed
(`Heading.guessed`), for the shared passes to confirm (a typed table of contents names the
real headings) or undo:

- a block of lines whose every line starts with a bullet (•, -, *, –, the Symbol font's
  private-use bullet) or a typed number ("1." or "1)") is a list; a line without a marker
  continues the item above it, and indentation gives the depth;
- a date at the start of a line ("29. maj 2007 vedtog …") is not a list number;
- a block of one short line that does not end as a sentence does is a heading, level 1, or
  deeper by its typed number ("2.1 Mål");
- any other block is a paragraph, its lines joined with spaces.
"""

from __future__ import annotations

import re

from policykit.importing.blocks import Block, Document, Heading, Item, ListBlock, Paragraph
from policykit.importing.blocks import runs_of as _runs

#: A bullet: the common typed ones, and U+F0B7, which Word's Symbol-font bullet becomes.
_BULLET = re.compile(r"^(\s*)([•●▪■◦·\-*–—\uf0b7\uf0a7o])[ \t]+(\S.*)$")
_NUMBER = re.compile(r"^(\s*)(\d{1,3})[.)][ \t]+(\S.*)$")
#: A number then a month name: a date, not an item ("29. maj 2007", "1. January 2020").
_DATE_START = re.compile(
    r"^\s*\d{1,2}\.?\s+(januar|februar|marts|april|maj|juni|juli|august|september|oktober|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec|january|"
    r"february|march|may|june|july|october)\b",
    re.IGNORECASE,
)
#: A typed section number before a heading: "2.", "2.1", "2.1." (the depth is the count).
_SECTION_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)")
MAX_HEADING_WORDS = 15
MAX_HEADING_CHARACTERS = 120


def read_text(text: str) -> Document:
    blocks: list[Block] = []
    for first_line, lines in _groups(text):
        blocks.append(_block(first_line, lines))
    return Document("txt", tuple(blocks))


def _groups(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line (from 1)."""
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            groups.append((start, current))
            current = []
    if current:
        groups.append((start, current))
    return groups


def _block(where: int, lines: list[str]) -> Block:
    if _marker(lines[0]) is not None:
        return _list(where, lines)
    if len(lines) == 1 and looks_like_heading(lines[0]):
        line = lines[0].strip()
        number = _SECTION_NUMBER.match(line)
        level = number.group(1).count(".") + 1 if number else 1
        return Heading(level, _runs(line), where, guessed=True)
    return Paragraph(_runs(" ".join(line.strip() for line in lines)), where)


def looks_like_heading(line: str) -> bool:
    """One short line that does not end as a sentence or a lead-in does."""
    line = line.strip()
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(line) > MAX_HEADING_CHARACTERS:
        return False
    return not line.endswith((".", ",", ";", ":", "!", "?")) and not _DATE_START.match(line)


def _marker(line: str) -> tuple[int, bool, int, str] | None:
    """(indent, ordered, number, text) of a line that starts a list item, else None."""
    if _DATE_START.match(line):
        return None
    bullet = _BULLET.match(line)
    if bullet is not None:
        return len(bullet.group(1).expandtabs()), False, 1, bullet.group(3)
    number = _NUMBER.match(line)
    if number is not None:
        return len(number.group(1).expandtabs()), True, int(number.group(2)), number.group(3)
    return None


def _list(where: int, lines: list[str]) -> ListBlock:
    """A list; lines without a marker continue the item above them."""
    items: list[tuple[int, str]] = []  # (indent, text)
    ordered, start = False, 1
    for line in lines:
        marker = _marker(line)
        if marker is None:
            indent, text = items[-1]
            items[-1] = (indent, f"{text} {line.strip()}")
            continue
        indent, is_ordered, number, text = marker
        if not items:
            ordered, start = is_ordered, number
        items.append((indent, text.strip()))
    indents = sorted({indent for indent, _ in items})
    return ListBlock(
        ordered,
        tuple(Item(_runs(text), indents.index(indent)) for indent, text in items),
        where,
        start,
    )
