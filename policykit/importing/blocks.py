"""The one intermediate model that every import reader produces: a document as a flat run of
blocks (headings with their levels, paragraphs, lists, tables, definition terms), each with
the place in its source it came from, plus the lines a reader dropped and why.

The shared passes (`cleanup`), the section mapping (`mapping`) and the metadata detection
(`metadata`) work on this model only, so they are written once for every format, as
pandoc's readers all produce one AST.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of inline text with one style."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


Runs = tuple[Run, ...]


def plain(runs: Runs) -> str:
    """The runs' text, with white space as one space and no space at the ends."""
    return " ".join("".join(run.text for run in runs).split())


def runs_of(text: str) -> Runs:
    return (Run(text),) if text else ()


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    runs: Runs
    where: int
    #: Guessed from the look of a line (plain text), not marked as a heading by the source.
    guessed: bool = False

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: Runs
    where: int

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True, slots=True)
class Item:
    """A list item at its depth (0 is the outermost list)."""

    runs: Runs
    depth: int = 0
    #: Where it starts in the source (0: where its list does).
    where: int = 0

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[Item, ...]
    where: int
    start: int = 1

    @property
    def text(self) -> str:
        return "\n".join(item.text for item in self.items)


@dataclass(frozen=True, slots=True)
class TableBlock:
    """Rows of cells, the first row the header."""

    rows: tuple[tuple[Runs, ...], ...]
    where: int
    caption: Runs = ()

    @property
    def text(self) -> str:
        return "\n".join(" | ".join(plain(cell) for cell in row) for row in self.rows)


@dataclass(frozen=True, slots=True)
class Term:
    """A defined term (an HTML `dt`, a paragraph in bold alone, a bold lead-in "Term:");
    the blocks after it, up to the next term or heading, are its definition."""

    term: Runs
    where: int

    @property
    def text(self) -> str:
        return plain(self.term)


Block = Heading | Paragraph | ListBlock | TableBlock | Term


@dataclass(frozen=True, slots=True)
class Dropped:
    """A line left out of the policy, and why: what `--show-dropped` lists."""

    where: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Facts:
    """What an export's labels say: field → value, related documents (title, link), and
    the history table's rows (date, event, body, case, note), in its order."""

    values: dict[str, str] = field(default_factory=dict)
    related: tuple[tuple[str, str | None], ...] = ()
    laws: tuple[tuple[str, str | None], ...] = ()
    history: tuple[tuple[str, str, str, str, str], ...] = ()

    def merged(self, other: Facts) -> Facts:
        return Facts(
            {**self.values, **other.values},
            self.related or other.related,
            self.laws or other.laws,
            self.history or other.history,
        )


@dataclass(frozen=True, slots=True)
class Revision:
    """A tracked change in a Word file: what was inserted or deleted, by whom and when, in
    which paragraph of the source. Import reads the accepted view; this says what that took."""

    kind: str  # "inserted", "deleted", "paragraph joined" or "paragraph added" (its mark)
    author: str
    date: str
    text: str
    where: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment in a Word file: its author, date and text, and the paragraph it sits on."""

    author: str
    date: str
    text: str
    where: int
    #: The words it was made on.
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """What a reader read: the format, its blocks in order, and what it left out.
    `unit` names what `where` counts in the source: lines, paragraphs or pages."""

    format: str
    blocks: tuple[Block, ...]
    dropped: tuple[Dropped, ...] = ()
    unit: str = "line"
    #: Things a reader could not carry into the model (an image, say), said in the report.
    notes: tuple[str, ...] = field(default=())
    #: Where a typed table of contents stood, by block index, once `cleanup` dropped it.
    contents_at: int | None = None
    #: Headings that policykit's own export marks with the part they show (HTML ids, Word
    #: bookmarks): heading text → `purpose`, `principle-dialog`…
    hints: dict[str, str] = field(default_factory=dict)
    #: What policykit's own labels in the source say (`exports`).
    facts: Facts = field(default_factory=lambda: Facts())
    #: A Word file's tracked changes (accepted in `blocks`) and its comments.
    revisions: tuple[Revision, ...] = ()
    comments: tuple[Comment, ...] = ()
    #: policykit's content bookmarks (`_pk_c7`) and goal groups' (`_pk_goals_data`), by the
    #: place of the paragraph each opens.
    marks: dict[int, str] = field(default_factory=dict)

    def without(self, kept: list[Block], dropped: list[Dropped]) -> Document:
        return replace(self, blocks=tuple(kept), dropped=(*self.dropped, *dropped))


def block_text(block: Block) -> str:
    return block.text


#: A sentence ends at ., ! or ? (or a closing quote after one) before white space and a
#: capital letter or a digit; list items and headings are sentences of their own.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»)]*\s+(?=[A-ZÆØÅ0-9\"“«])")


def sentences(text: str) -> list[str]:
    """The sentences of a text, by a rule simple enough to apply to any format alike."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(part.strip() for part in _SENTENCE_END.split(" ".join(line.split())))
    return [s for s in out if s]
