"""The passes every import runs on a reader's blocks, whatever the format: what is not the
policy is dropped, each line with its reason, and the headings are settled.

1. `contents`: a typed table of contents is dropped, since its entries are the headings;
   the lines it names become the headings, and a guessed heading it does not name is a
   paragraph after all.
2. `furniture`: page headers and footers ("Side 2 af 5", a line on every page).
3. `title`: the policy's title, and the site's chrome above it.
4. `trailer`: the contact block, the footer and the widgets below the last section.
5. `chrome`: short lines of site furniture anywhere (share links, "se også", cookies).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from policykit.importing.blocks import (
    Block,
    Document,
    Dropped,
    Heading,
    ListBlock,
    Paragraph,
    Runs,
)
from policykit.importing.keywords import part_named
from policykit.importing.text import looks_like_heading

#: A typed section number, and a table of contents' page number and dot leaders.
_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+")
_PAGE = re.compile(r"(?:[\s.·…_]{2,}|\t)\s*\d{1,4}\s*$")
_SPACED_PAGE = re.compile(r"\s\d{1,3}\s*$")
_GLUED_PAGE = re.compile(r"(?<=[^\W\d_])\d{1,3}\s*$")
_PAGE_OF = re.compile(r"^\s*(side|page|s\.)\s*\d+\s*(af|of|/)\s*\d+\s*$", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"^\s*(-\s*)?\d{1,4}(\s*-)?\s*$")
_CONTENTS_TITLE = re.compile(r"^(indhold|indholdsfortegnelse|contents|table of contents)$", re.I)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The document after the passes, and its title (None when none was found)."""

    document: Document
    title: str | None


def clean(document: Document) -> Cleaned:
    for step in (furniture, contents):
        document = step(document)
    document, title = find_title(document)
    for step in (trailer, chrome):
        document = step(document)
    return Cleaned(document, title)


def key(text: str) -> str:
    """A heading as a table of contents names it: no number, no page, no case or spacing."""
    text = _GLUED_PAGE.sub("", _PAGE.sub("", text))
    text = _NUMBER.sub("", text)
    return " ".join(text.casefold().split()).rstrip(":")


# --- 1. a typed table of contents -------------------------------------------------------------


def contents(document: Document) -> Document:
    blocks = list(document.blocks)
    for start in range(len(blocks)):
        entries = _contents_at(blocks, start)
        if entries is None:
            continue
        end, names = entries
        later = {key(b.text): i for i, b in enumerate(blocks) if i >= end and _one_line(b)}
        found = [later[name] for name in names if name in later]
        if len(found) < max(2, (len(names) * 4 + 4) // 5):  # four in five, and two at least
            continue
        return _apply_contents(document, blocks, start, end, set(found))
    return document


def _contents_at(blocks: list[Block], start: int) -> tuple[int, list[str]] | None:
    """(the index after it, its entries) of a table of contents starting at `start`: a list
    of entries, or a run of one-line paragraphs, after an optional "Indhold" line."""
    index = start
    if index < len(blocks) and _CONTENTS_TITLE.match(blocks[index].text.strip()):
        index += 1
    if index < len(blocks) and isinstance(blocks[index], ListBlock):
        items = blocks[index].items  # type: ignore[union-attr]
        return index + 1, [key(_raw(item.runs)) for item in items]
    end = index
    while end < len(blocks) and _one_line(blocks[end]) and _paged(_raw_of(blocks[end])):
        end += 1
    if end - index >= 2:
        return end, [_entry(_raw_of(b)) for b in blocks[index:end]]
    return None


def _paged(text: str) -> bool:
    """A contents entry's end: its page number, after a tab or dot leaders, after a space,
    or set so close that a PDF's text runs into it ("markedsføring4")."""
    return bool(_PAGE.search(text) or _SPACED_PAGE.search(text) or _GLUED_PAGE.search(text))


def _entry(text: str) -> str:
    """A contents entry as a heading's `key`: its page number gone, however it was set."""
    return key(_SPACED_PAGE.sub("", text))


def _raw(runs: Runs) -> str:
    """The runs' text as written, tabs kept: a contents entry's tab before its page."""
    return "".join(run.text for run in runs)


def _raw_of(block: Block) -> str:
    return _raw(block.runs) if isinstance(block, Heading | Paragraph) else block.text


def _one_line(block: Block) -> bool:
    return isinstance(block, Heading | Paragraph) and looks_like_heading(block.text)


def _apply_contents(
    document: Document, blocks: list[Block], start: int, end: int, headings: set[int]
) -> Document:
    dropped = [Dropped(b.where, b.text, "table of contents") for b in blocks[start:end]]
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if start <= index < end:
            continue
        if index in headings:
            number = _NUMBER.match(block.text)
            level = number.group(1).count(".") + 1 if number else 1
            runs = block.runs  # type: ignore[union-attr]
            kept.append(Heading(level, runs, block.where))
        elif isinstance(block, Heading) and block.guessed and index > end:
            kept.append(Paragraph(block.runs, block.where))
        else:
            kept.append(block)
    return replace(document.without(kept, dropped), contents_at=start)


# --- 2. page headers and footers ---------------------------------------------------------------


def furniture(document: Document) -> Document:
    """Page numbers ("Side 2 af 5", "- 3 -") and a short line that recurs on three pages or
    more: the running header or footer of a PDF or a printed Word file."""
    counts = Counter(b.text for b in document.blocks if _one_line(b) or _page_line(b.text))
    kept: list[Block] = []
    dropped: list[Dropped] = []
    for block in document.blocks:
        text = block.text
        if _page_line(text):
            dropped.append(Dropped(block.where, text, "page number"))
        elif document.unit == "page" and counts[text] >= 3 and _one_line(block):
            dropped.append(Dropped(block.where, text, "page header or footer"))
        else:
            kept.append(block)
    return document.without(kept, dropped) if dropped else document


def _page_line(text: str) -> bool:
    return bool(_PAGE_OF.match(text) or _PAGE_NUMBER.match(text))


# --- 3. the title ----------------------------------------------------------------------------


def find_title(document: Document) -> tuple[Document, str | None]:
    """The title, and the document below it: what stands above the title is the site's.

    With a typed table of contents, the title is the last line above it that could be a
    heading. Otherwise it is the first heading of a level no other heading has (a page's
    `h1`, Word's Title style), or a first heading that is neither numbered nor a part's
    ("Formål"): the sections of a document that starts at "1. Formål" have no title."""
    blocks = list(document.blocks)
    first = _title_index(blocks, document.contents_at)
    if first is None:
        return document, None
    title = _NUMBER.sub("", blocks[first].text).strip()
    dropped = [Dropped(b.where, b.text, "above the title") for b in blocks[:first]]
    rest = replace(document, contents_at=None)
    return rest.without(blocks[first + 1 :], dropped), title


def _title_index(blocks: list[Block], contents_at: int | None) -> int | None:
    if contents_at is not None:
        above = [i for i in range(contents_at) if _one_line(blocks[i])]
        return above[-1] if above else None
    headings = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Heading)]
    if not headings:
        return None
    top = min(b.level for _, b in headings)
    at_top = [i for i, b in headings if b.level == top]
    if len(at_top) == 1 and len(headings) > 1:
        return at_top[0]
    index, heading = headings[0]
    if _NUMBER.match(heading.text) or part_named(heading.text) is not None:
        return None
    return index


# --- 4. below the last section -----------------------------------------------------------------

#: The start of a site's footer or a contact block (in Danish and English).
_FOOTER = re.compile(
    r"^(kontakt|contact|digital post|tlf\.?|telefon|phone|tel\.|e-?mail|mail:|cvr|ean|"
    r"åbningstid|opening hours|chat|cookie|følg os|follow us|del (på|siden)|share|"
    r"sidst opdateret|senest opdateret|last updated|var (denne )?siden? nyttig|"
    r"was this page helpful|giv os feedback|feedback|til toppen|back to top|se også|"
    r"see also|relaterede|related|adresse|address)\b",
    re.IGNORECASE,
)
#: A Danish postcode and town, as an address block has it: "7430 Ikast".
_POSTCODE = re.compile(r"\b\d{4}\s+[A-ZÆØÅ][a-zæøå]+")
MAX_FOOTER_WORDS = 20


def trailer(document: Document) -> Document:
    """From the first heading of a footer ("Se også", "Kontakt") after the policy's own,
    or the first block below the last heading that starts a contact block, to the end."""
    blocks = list(document.blocks)
    headings = [i for i, b in enumerate(blocks) if isinstance(b, Heading)]
    chrome = [i for i in headings[1:] if _FOOTER.match(blocks[i].text)]
    start = chrome[0] if chrome else None
    last = max((i for i in headings if start is None or i < start), default=-1)
    for index in range(last + 1, len(blocks) if start is None else start):
        if _footer_start(blocks[index]):
            start = index
            break
    if start is None:
        return document
    dropped = [Dropped(b.where, b.text, "below the policy") for b in blocks[start:]]
    return document.without(blocks[:start], dropped)


def _footer_start(block: Block) -> bool:
    text = block.text
    if len(text.split()) > MAX_FOOTER_WORDS or isinstance(block, ListBlock):
        return False
    if _FOOTER.match(text):
        return True
    return bool(_POSTCODE.search(text)) and not text.rstrip().endswith(".")


# --- 5. chrome anywhere ------------------------------------------------------------------------

#: Lines of site furniture, as whole short lines.
_CHROME = re.compile(
    r"^(find en af kommunens andre hjemmesider|gå ind på den valgte hjemmeside|"
    r"du er her|you are here|breadcrumb|brødkrumme|udskriv|print|del|share|"
    r"del på (facebook|linkedin|twitter|x)|læs op|listen|accepter( alle)? cookies|"
    r"accept( all)? cookies|cookieindstillinger|cookie settings|til toppen|back to top|"
    r"luk|close|menu|søg|search|hovedmenu|main menu|skip to content|spring til indhold)$",
    re.IGNORECASE,
)


def chrome(document: Document) -> Document:
    return _drop(document, lambda b: bool(_CHROME.match(b.text.strip(" .:›»>|"))), "site chrome")


def _drop(document: Document, test: Callable[[Block], bool], reason: str) -> Document:
    kept = [b for b in document.blocks if not test(b)]
    if len(kept) == len(document.blocks):
        return document
    dropped = [Dropped(b.where, b.text, reason) for b in document.blocks if test(b)]
    return document.without(kept, dropped)
