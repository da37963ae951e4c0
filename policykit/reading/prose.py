"""Prose fields: a CommonMark subset, parsed once into the model's block and inline nodes.

The subset is paragraphs, bullet and numbered lists, emphasis, strong, links (http, https
and mailto), block quotes and, in format 2, GFM pipe tables with a caption and links to
other policies (`policy:ID`). markdown-it-py parses the full CommonMark grammar, plus
tables, so that anything outside the subset is *recognised* and reported by name rather
than silently shown as literal text. Raw HTML is likewise parsed only to be refused: it
never reaches the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding
from policykit.diagnostics.visible import INVISIBLE, visible
from policykit.model.policy import (
    Align,
    Block,
    BlockQuote,
    BulletList,
    Emphasis,
    Inline,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Prose,
    SoftBreak,
    Span,
    Strong,
    Table,
    TableCell,
    Text,
)
from policykit.reading.yamlsource import FORBIDDEN

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


#: Constructs outside the subset, by markdown-it token type: (rule, what to call it).
_REFUSED = {
    "heading_open": (rules.PROSE_HEADING, "a heading"),
    "lheading_open": (rules.PROSE_HEADING, "a heading"),
    "table_open": (rules.PROSE_TABLE, "a table inside a list or a quote"),
    "html_block": (rules.PROSE_RAW_HTML, "raw HTML"),
    "html_inline": (rules.PROSE_RAW_HTML, "raw HTML"),
    "image": (rules.PROSE_IMAGE, "an image"),
    "code_block": (rules.PROSE_UNSUPPORTED, "an indented code block"),
    "fence": (rules.PROSE_UNSUPPORTED, "a fenced code block"),
    "code_inline": (rules.PROSE_UNSUPPORTED, "inline code"),
    "hr": (rules.PROSE_UNSUPPORTED, "a horizontal rule"),
    "hardbreak": (rules.PROSE_UNSUPPORTED, "a hard line break"),
}

_HINTS = {
    rules.PROSE_HEADING: "the part's heading comes from `heading:`; write this as a paragraph",
    rules.PROSE_TABLE: "a table stands on its own in a prose field; end the list or the quote "
    "before it",
    rules.PROSE_RAW_HTML: "write plain text; `<` and `&` are fine when not part of a tag",
    rules.PROSE_IMAGE: "images are not part of policy prose; link to the picture instead",
    rules.PROSE_UNSUPPORTED: "use paragraphs, lists, *emphasis*, **strong**, links or > quotes",
}

#: Maps a 0-based line within the prose text to its span in the YAML file.
Locator = Callable[[int], Span]


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Accept every link destination while parsing, so that an unsafe one becomes a finding
    # instead of quietly turning into literal text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


#: One line that CommonMark reads as a paragraph of literal text: nothing that could open a
#: block (a list, quote, heading or code) at its start, and no character that could start
#: markup, an escape, an entity or HTML anywhere. Most goals are such lines.
_MARKUP = r"\\`*_\[\]<>&!|~#\r\0"
_LITERAL_LINE = re.compile(rf"(?![-+=>#*\d])[^\s{_MARKUP}][^\n{_MARKUP}]*\n?")


def parse_prose(
    source: str, locate: Locator, *, format2: bool = False, columns: bool = False
) -> tuple[Prose, list[Finding]]:
    """Parse `source` into a Prose node, with a finding for every construct outside the subset.
    `format2` admits what format 2 adds: tables and links to other policies (`policy:ID`).
    `columns` says that `locate` maps each line of `source` to its line in the file, with the
    line's first character at the span's column (a `|` block), so that a finding can point
    at its construct within the line."""
    plain = not FORBIDDEN.search(source) and not _INVISIBLE.search(source)
    if _LITERAL_LINE.fullmatch(source) and source.strip() and plain:
        # markdown-it would give one paragraph of this text: skip its cost, which dominates
        # reading a policy with thousands of goals (a test checks the two agree).
        span = locate(0)
        text = Text(source.strip(), span)
        return Prose(source, (Paragraph((text,), span),), span), []
    blocks = _plain_blocks(source, locate) if plain else None
    if blocks is not None:
        return Prose(source, blocks, locate(0)), []
    return parse_markdown(source, locate, format2=format2, columns=columns)


#: A line of a paragraph that CommonMark reads as its text and nothing else: as
#: `_LITERAL_LINE`, and with no space at its end (two would be a hard break).
_PLAIN = rf"(?![-+=>#*\d])[^\s{_MARKUP}](?:[^\n{_MARKUP}]*[^\s{_MARKUP}])?"
_PLAIN_LINE = re.compile(_PLAIN)
#: A list item of one plain line, at the margin: `- text` or `3. text`, one space after the
#: marker. Group 1 is an ordered item's number, group 2 the item's text.
_PLAIN_ITEM = re.compile(rf"(?:-|(\d{{1,9}})\.) ({_PLAIN})")


def _plain_blocks(source: str, locate: Locator) -> tuple[Block, ...] | None:
    """The paragraphs and simple lists of a text without a Markdown character in it, as
    markdown-it reads them; None if a line is anything else. Most prose is such paragraphs
    and lists, and markdown-it is most of the time of reading it (and of starting up, for
    a policy whose prose has a list: it imports 60 modules).

    A run of lines between blank lines is a paragraph (each line a text, a soft break
    between) or a list of one-line items (`- ` or `N. ` at the margin), never a mix:
    CommonMark's rules for a list that interrupts a paragraph, or for a line that continues
    an item, are left to markdown-it. Lists of one kind with only blank lines between them
    are one list, as in CommonMark (a loose list reads as the same model as a tight one)."""
    blocks: list[Block] = []
    run: list[tuple[int, str]] = []
    for index, line in enumerate([*source.split("\n"), ""]):
        if line.strip(" \t"):  # blank as CommonMark has it: \u2028 alone is no gap
            run.append((index, line))
            continue
        if not run:
            continue
        block = _plain_run(run, locate)
        if block is None:
            return None
        above = blocks[-1] if blocks else None
        if isinstance(block, BulletList | OrderedList) and type(above) is type(block):
            blocks[-1] = replace(above, items=above.items + block.items)
        else:
            blocks.append(block)
        run = []
    return tuple(blocks) if blocks else None


def _plain_run(run: list[tuple[int, str]], locate: Locator) -> Block | None:
    """The block of a run of lines between blank lines (`_plain_blocks`): a paragraph or a
    list; None for anything else."""
    if all(_PLAIN_LINE.fullmatch(line) for _, line in run):
        return _paragraph([line for _, line in run], locate(run[0][0]))
    items: list[ListItem] = []
    numbers: list[str | None] = []
    for index, line in run:
        match = _PLAIN_ITEM.fullmatch(line)
        if match is None:
            return None
        numbers.append(match.group(1))
        span = locate(index)
        items.append(ListItem((_paragraph([match.group(2)], span),), span))
    if len({number is None for number in numbers}) > 1:
        return None  # bullets and numbers in one run: two lists, or one, as CommonMark sees it
    first = numbers[0]
    if first is None:
        return BulletList(tuple(items), items[0].span)
    return OrderedList(int(first), tuple(items), items[0].span)


def _paragraph(lines: list[str], span: Span) -> Paragraph:
    """As `_ProseBuilder.inlines` places them: each line's text on its own line number (by
    the soft breaks counted), at the paragraph's column."""
    children: list[Inline] = []
    for offset, line in enumerate(lines):
        here = Span(span.file, span.line + offset, span.column)
        if offset:
            children.append(SoftBreak(Span(span.file, span.line + offset - 1, span.column)))
        children.append(Text(line, here))
    return Paragraph(tuple(children), span)


def top_level_lines(source: str) -> list[tuple[int, int]]:
    """Each top-level block of `source` (a paragraph, a whole list, a table) as the range of
    its lines, 0-based and end-exclusive."""
    tokens = _parser().parse(source)
    return [tuple(t.map) for t in tokens if t.level == 0 and t.nesting >= 0 and t.map]  # type: ignore[misc]


#: Characters that show as nothing (`diagnostics.visible`), PK207 in prose.
_INVISIBLE = re.compile(f"[{INVISIBLE}]")

#: `[text] [label]`, a reference link as Markdown.pl wrote it: CommonMark wants no space.
_SPACED_REFERENCE = re.compile(r"\]\s\[([^\]\n]+)\]")
_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]+)\]:", re.M)


def _join_spaced_references(source: str) -> str:
    """`[text] [4]` as `[text][4]` where `[4]:` is defined, so that a reference link written
    the way the original Markdown allowed is a link, not the text `[text] 4`."""
    labels = {label.casefold() for label in _DEFINITION.findall(source)}
    if not labels:
        return source
    return _SPACED_REFERENCE.sub(
        lambda m: f"][{m.group(1)}]" if m.group(1).casefold() in labels else m.group(0), source
    )


def parse_markdown(
    source: str, locate: Locator, *, format2: bool = False, columns: bool = False
) -> tuple[Prose, list[Finding]]:
    """`parse_prose` through markdown-it, whatever the text."""
    tokens = _parser().parse(_join_spaced_references(source))
    builder = _ProseBuilder(locate, format2, source.splitlines() if columns else None)
    blocks = _with_captions(builder.blocks(tokens, 0, len(tokens), top=True), builder.captions)
    return Prose(source, tuple(blocks), locate(0)), builder.findings


class _ProseBuilder:
    def __init__(
        self, locate: Locator, format2: bool = False, lines: list[str] | None = None
    ) -> None:
        self.locate = locate
        self.format2 = format2
        #: The source's lines, when `locate` maps them exactly (see `parse_prose`).
        self.lines = lines
        self.findings: list[Finding] = []
        #: The paragraphs whose source opens as a caption does (`Table: …`), by identity: the
        #: source, since `Table\\: …` (escaped) is a paragraph and reads as the same text.
        self.captions: set[int] = set()

    def _span(self, token: Token, fallback: Span | None = None) -> Span:
        if token.map:
            return self.locate(token.map[0])
        return fallback or self.locate(0)

    def _pointed(self, span: Span, needle: str) -> tuple[Span, int]:
        """The span and width of `needle` on the line `span` points at, or on a later one (a
        reference link's address is on its definition's line): a caret under the construct,
        not at the start of a long line. Where lines are not mapped, `span` itself."""
        if self.lines is None or not needle:
            return span, 1
        first = span.line - self.locate(0).line
        for index in range(first, len(self.lines)):
            column = self.lines[index].find(needle)
            if column >= 0:
                return replace(self.locate(index), column=span.column + column), len(needle)
        return span, 1

    def _refuse(self, token: Token, span: Span) -> None:
        rule, what = _REFUSED[token.type]
        needle = token.content.split("\n", 1)[0] if token.type.startswith("html") else ""
        if token.type == "html_inline":
            if token.content.startswith("</"):
                return  # the opening tag is reported already
            what = f"raw HTML (`{token.content}`)"
        span, width = self._pointed(span, needle)
        self.findings.append(
            Finding.of(
                rule, f"{what} is not allowed in prose", span, hint=_HINTS[rule], width=width
            )
        )

    def blocks(
        self, tokens: Sequence[Token], start: int, stop: int, *, top: bool = False
    ) -> list[Block]:
        """The blocks of tokens[start:stop]; `top` for a field's own blocks, the only place
        a table may stand."""
        out: list[Block] = []
        i = start
        while i < stop:
            token = tokens[i]
            end = _matching_close(tokens, i) if token.nesting == 1 else i
            block = self._block(tokens, i, end, top)
            if block is not None:
                out.append(block)
            i = end + 1
        return out

    def _block(self, tokens: Sequence[Token], i: int, end: int, top: bool) -> Block | None:
        token = tokens[i]
        span = self._span(token)
        if token.type == "table_open" and top:
            return self._table(tokens, i, end, span)
        if token.type in _REFUSED:
            self._refuse(token, span)
            return None
        if token.type == "paragraph_open":
            paragraph = Paragraph(tuple(self.inlines(tokens[i + 1], span)), span)
            if top and _CAPTION.match(tokens[i + 1].content):
                self.captions.add(id(paragraph))
            return paragraph
        if token.type == "bullet_list_open":
            return BulletList(tuple(self._items(tokens, i + 1, end)), span)
        if token.type == "ordered_list_open":
            start = int(token.attrs.get("start", 1) or 1)
            return OrderedList(start, tuple(self._items(tokens, i + 1, end)), span)
        if token.type == "blockquote_open":
            return BlockQuote(tuple(self.blocks(tokens, i + 1, end)), span)
        return None  # pragma: no cover - every CommonMark block type is handled above

    def _table(self, tokens: Sequence[Token], start: int, stop: int, span: Span) -> Table | None:
        if not self.format2:
            self.findings.append(
                Finding.of(
                    rules.NEEDS_FORMAT_2,
                    "a table in prose is part of format 2, and this file is in format 1",
                    span,
                    hint="set `format: 2`; docs/format.md says what format 2 adds",
                )
            )
            return None
        rows: list[tuple[TableCell, ...]] = []
        align: list[Align | None] = []
        row: list[TableCell] = []
        row_span = span
        for i in range(start, stop):
            token = tokens[i]
            if token.type == "tr_open":
                row, row_span = [], self._span(token, span)
            elif token.type == "tr_close":
                rows.append(tuple(row))
            elif token.type in ("th_open", "td_open"):
                cell = tokens[i + 1]
                row.append(TableCell(tuple(self.inlines(cell, row_span)), row_span))
                if not rows:
                    align.append(_ALIGN.get(str(token.attrs.get("style", ""))))
        header, *body = rows
        return Table(header, tuple(body), tuple(align), (), span)

    def _items(self, tokens: Sequence[Token], start: int, stop: int) -> Iterator[ListItem]:
        i = start
        while i < stop:
            end = _matching_close(tokens, i)
            blocks = self.blocks(tokens, i + 1, end)
            yield ListItem(tuple(blocks), self._span(tokens[i]))
            i = end + 1

    def inlines(self, inline: Token, span: Span) -> list[Inline]:
        children = inline.children or []
        # markdown-it does not map inline tokens to lines; count soft breaks to place them.
        line = span.line
        stack: list[tuple[Token, list[Inline], Span]] = []
        current: list[Inline] = []
        for token in children:
            here = Span(span.file, line, span.column)
            if token.type in _REFUSED:
                self._refuse(token, here)
                line += token.type == "hardbreak"
            elif token.type == "text":
                self._check_characters(token.content, here)
                current.append(Text(token.content, here))
            elif token.type == "softbreak":
                current.append(SoftBreak(here))
                line += 1
            elif token.nesting == 1:
                self._check_link(token, here)
                stack.append((token, current, here))
                current = []
            elif token.nesting == -1 and stack:
                opener, parent, start = stack.pop()
                parent.append(_wrap(opener, tuple(current), start))
                current = parent
        return current

    def _check_characters(self, text: str, span: Span) -> None:
        """A character reference (`&#12;`) can stand for what the file itself may not hold
        (PK013): a control character, which no Word document can carry. And a zero-width or
        bidirectional character shows as nothing, or turns the text around it (PK207)."""
        hidden = _INVISIBLE.search(text)
        if hidden is not None:
            where, width = self._pointed(span, hidden.group())
            self.findings.append(
                Finding.of(
                    rules.INVISIBLE_CHARACTER,
                    f"the text holds U+{ord(hidden.group()):04X}, which shows as nothing "
                    f"(`{visible(text[max(0, hidden.start() - 12) : hidden.end() + 12])}`)",
                    where,
                    width=width,
                    hint="remove it: readers cannot see it, and a diff would show a change "
                    "no one can see",
                )
            )
        bad = FORBIDDEN.search(text)
        if bad is None:
            return
        char = bad.group()
        # Raw, it can only come from a caller that read no YAML (the YAML reader refuses it).
        raw = self.lines is not None and any(char in line for line in self.lines)
        span, width = self._pointed(span, char if raw else "&#")
        what = "the text holds" if raw else "a character reference stands for"
        self.findings.append(
            Finding.of(
                rules.CONTROL_CHARACTER,
                f"{what} the control character U+{ord(char):04X}",
                span,
                width=width,
                hint="remove it: Word documents and most tools cannot hold control characters",
            )
        )

    def _check_link(self, token: Token, span: Span) -> None:
        if token.type != "link_open":
            return
        href = str(token.attrs.get("href", ""))
        if is_safe_url(href):
            return
        if policy_target(href) is not None:
            if not self.format2:
                self.findings.append(
                    Finding.of(
                        rules.NEEDS_FORMAT_2,
                        f"the link `{href}` to another policy is part of format 2, and this "
                        "file is in format 1",
                        span,
                        hint="set `format: 2`; docs/format.md says what format 2 adds",
                    )
                )
            return
        span, width = self._pointed(span, href)
        self.findings.append(
            Finding.of(
                rules.UNSAFE_LINK,
                f"the link `{href}` is not an http, https or mailto address, nor a policy",
                span,
                width=width,
                hint="write a full address, such as https://www.example.dk/side, or link to "
                "another of the council's policies by its id, such as policy:personalepolitik",
            )
        )


#: markdown-it's style for a column's alignment, by the delimiter row's colons.
_ALIGN: dict[str, Align] = {f"text-align:{a}": a for a in ("left", "center", "right")}

#: A caption: a paragraph just before or after a table that opens with one of these, as
#: pandoc writes it (`Table: …` or `: …`); Danish authors may write `Tabel: …`.
_CAPTION = re.compile(r"(?:Table|Tabel|):\s*")


def _with_captions(blocks: list[Block], captions: set[int]) -> list[Block]:
    """A caption paragraph directly after a table, or else directly before it, becomes that
    table's caption."""

    def caption(block: Block) -> tuple[Inline, ...] | None:
        return _caption(block) if id(block) in captions else None

    out: list[Block] = []
    taken = False
    for i, block in enumerate(blocks):
        if taken:
            taken = False
            continue
        if isinstance(block, Table):
            after = caption(blocks[i + 1]) if i + 1 < len(blocks) else None
            before = caption(out[-1]) if out else None
            if after is not None:
                block, taken = replace(block, caption=after), True
            elif before is not None:
                block = replace(block, caption=before)
                out.pop()
        out.append(block)
    return out


def _caption(block: Block) -> tuple[Inline, ...] | None:
    if not isinstance(block, Paragraph) or not block.children:
        return None
    first = block.children[0]
    if not isinstance(first, Text):
        return None
    match = _CAPTION.match(first.text)
    if match is None:
        return None
    rest = first.text[match.end() :]
    head = (Text(rest, first.span),) if rest else ()
    caption = head + block.children[1:]
    return caption if inline_text(caption).strip() else None


#: A link to another of the council's policies: `policy:` and its id.
POLICY_SCHEME = "policy:"
_POLICY_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def policy_target(href: str) -> str | None:
    """The id a `policy:ID` link points at, or None for any other link."""
    if not href.startswith(POLICY_SCHEME):
        return None
    target = href[len(POLICY_SCHEME) :]
    return target if _POLICY_ID.fullmatch(target) else None


def policy_links(prose: Prose) -> Iterator[Link]:
    """The links to other policies in a prose field."""
    for inlines, _ in inline_runs(prose.blocks):
        yield from _inline_links(inlines)


def inline_runs(blocks: Sequence[Block]) -> Iterator[tuple[tuple[Inline, ...], Span]]:
    """The inline content of every paragraph, list item, table cell and caption, in
    reading order, with where it stands: what the walks over words and links share."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.children, block.span
        elif isinstance(block, BlockQuote):
            yield from inline_runs(block.blocks)
        elif isinstance(block, Table):
            if block.caption:
                yield block.caption, block.span
            for row in (block.header, *block.rows):
                yield from ((cell.children, cell.span) for cell in row if cell.children)
        else:
            for item in block.items:
                yield from inline_runs(item.blocks)


def _inline_links(inlines: Sequence[Inline]) -> Iterator[Link]:
    for node in inlines:
        if isinstance(node, Link) and policy_target(node.href) is not None:
            yield node
        if isinstance(node, Emphasis | Strong | Link):
            yield from _inline_links(node.children)


def is_safe_url(href: str) -> bool:
    """True for absolute http(s) addresses with a host, and mailto addresses."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    if parts.scheme.lower() == "mailto":
        return bool(parts.path)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _wrap(opener: Token, children: tuple[Inline, ...], span: Span) -> Inline:
    if opener.type == "em_open":
        return Emphasis(children, span)
    if opener.type == "strong_open":
        return Strong(children, span)
    return Link(str(opener.attrs.get("href", "")), children, span)


def _matching_close(tokens: Sequence[Token], i: int) -> int:
    level = 0
    for j in range(i, len(tokens)):
        level += tokens[j].nesting
        if level == 0:
            return j
    return len(tokens) - 1  # pragma: no cover - markdown-it always closes what it opens


# --- plain text, for metrics and term checks -------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextUnit:
    """A paragraph's or list item's text: the unit that readability counts sentences in."""

    text: str
    span: Span


def text_units(prose: Prose) -> Iterator[TextUnit]:
    for inlines, span in inline_runs(prose.blocks):
        yield TextUnit(inline_text(inlines), span)


def inline_text(inlines: Sequence[Inline]) -> str:
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, SoftBreak):
            parts.append(" ")
        else:
            parts.append(inline_text(node.children))
    return "".join(parts)


def plain_text(prose: Prose) -> str:
    """The prose's words without markup, one paragraph or list item per line."""
    return "\n".join(unit.text for unit in text_units(prose))


def canonical_markdown(prose: Prose) -> str:
    """The prose written back as Markdown in one canonical form: what the diff compares, so
    that rewrapping a paragraph or re-indenting a list in the YAML is no change."""
    return _blocks_markdown(prose.blocks, _CANONICAL)


def commonmark(
    prose: Prose, policy_extension: str | None = ".md", *, keep_breaks: bool = False
) -> str:
    """The prose as CommonMark that any reader parses back into the same blocks and inlines:
    the canonical form with every character escaped that Markdown would read as markup. A
    link to another policy leads to its file beside this one (`ID.md`), or with
    `policy_extension=None` stays `policy:ID`, as a policy file writes it. `keep_breaks`
    keeps the author's line breaks inside a paragraph, as a policy file does."""
    mode = _Mode(True, policy_extension, keep_breaks)
    return _blocks_markdown(prose.blocks, mode)


@dataclass(frozen=True, slots=True)
class _Mode:
    """How prose is written as Markdown: `escape` its markup characters (CommonMark out),
    where links to other policies lead (`policies`: an extension, or None for `policy:ID`),
    and whether soft line breaks stay line breaks."""

    escape: bool
    policies: str | None = None
    breaks: bool = False


_CANONICAL = _Mode(False)


#: Characters that are markup anywhere in a line.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>!&])")
#: A paragraph start that would open a list, a heading or a setext underline.
_BLOCK_MARKER = re.compile(r"^([-+=#])|^(\d{1,9})([.)])")


def escape_inline(text: str) -> str:
    """`text` as literal CommonMark text inside a paragraph."""
    return _INLINE_MARKUP.sub(r"\\\1", text)


def link_destination(href: str) -> str:
    """A link's address as a CommonMark destination: parentheses and spaces encoded."""
    return href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _escape_paragraph_start(text: str) -> str:
    # "2. maj" or "- note" at the start of a paragraph would open a list: escape the marker.
    return _BLOCK_MARKER.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text, 1
    )


def _blocks_markdown(blocks: Sequence[Block], mode: _Mode) -> str:
    """A field's blocks as Markdown. In CommonMark out, a paragraph next to a table that
    would read back as its caption (`Table: …`) has its colon escaped."""
    out = []
    for i, (block, other) in enumerate(zip(blocks, _other_marks(blocks), strict=True)):
        text = _block_markdown(block, "", mode, other=other)
        beside = [*blocks[max(i - 1, 0) : i], *blocks[i + 1 : i + 2]]
        if (
            mode.escape
            and isinstance(block, Paragraph)
            and any(isinstance(b, Table) for b in beside)
        ):
            text = _CAPTION_START.sub(lambda m: m.group(1) + "\\:", text, 1)
        out.append(text)
    return "\n\n".join(out)


_CAPTION_START = re.compile(r"^(Table|Tabel|):")
_DELIMITERS = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}


def _table_markdown(table: Table, mode: _Mode) -> str:
    """A GFM pipe table, `|` escaped in its cells, and its caption after it."""

    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    def cell(inlines: Sequence[Inline]) -> str:
        return _inline_markdown(inlines, mode).replace("|", "\\|")

    lines = [row([cell(c.children) for c in table.header])]
    lines.append(row([_DELIMITERS[a] for a in table.align]))
    lines += [row([cell(c.children) for c in cells]) for cells in table.rows]
    if table.caption:
        lines += ["", "Table: " + _inline_markdown(table.caption, mode)]
    return "\n".join(lines)


def _other_marks(blocks: Sequence[Block]) -> list[bool]:
    """Which lists take the other marker (`*`, `1)`): each list right after one of its kind,
    turn about, since two lists with one marker side by side read back as one list."""
    marks: list[bool] = []
    for i, block in enumerate(blocks):
        after = blocks[i - 1] if i else None
        same = isinstance(block, BulletList | OrderedList) and type(after) is type(block)
        marks.append(same and not marks[-1])
    return marks


def _joined(blocks: Sequence[Block], mode: _Mode, joiner: str) -> str:
    return joiner.join(
        _block_markdown(child, "", mode, other=other)
        for child, other in zip(blocks, _other_marks(blocks), strict=True)
    )


def _block_markdown(block: Block, indent: str, mode: _Mode, *, other: bool = False) -> str:
    """A block as Markdown, written as `mode` says; a list with the `other` marker."""
    escape = mode.escape
    if isinstance(block, Paragraph):
        text = _inline_markdown(block.children, mode)
        return indent + (_escape_paragraph_start(text) if escape else text)
    if isinstance(block, Table):
        return _table_markdown(block, mode)
    if isinstance(block, BlockQuote):
        inner = _joined(block.blocks, mode, "\n\n")
        return "\n".join(f"{indent}> {line}".rstrip() for line in inner.split("\n"))
    lines = []
    start = block.start if isinstance(block, OrderedList) else 1
    for number, item in enumerate(block.items, start=start):
        if isinstance(block, OrderedList):
            marker = f"{number}) " if other else f"{number}. "
        else:
            marker = "* " if other else "- "
        # A loose item (several paragraphs) needs blank lines between them to stay one item.
        joiner = "\n\n" if escape and len(item.blocks) > 1 else "\n"
        inner = _joined(item.blocks, mode, joiner)
        pad = " " * len(marker)
        # An empty item keeps its marker, so that it stays an item.
        body = "\n".join(
            (indent + marker if i == 0 else indent + pad) + line
            if line
            else (indent + marker.rstrip() if i == 0 else "")
            for i, line in enumerate(inner.split("\n"))
        )
        lines.append(body)
    return "\n".join(lines)


def _inline_markdown(inlines: Sequence[Inline], mode: _Mode, mark: str = "") -> str:
    """Inlines as Markdown. `mark` is the delimiter of the emphasis they stand in: in
    CommonMark out, emphasis inside emphasis takes the other delimiter (`*_x_*`), since
    `**x**` would read back as strong."""
    escape, policies = mode.escape, mode.policies
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            text = escape_inline(node.text) if escape else node.text
            if escape and parts and parts[-1] == "\n":  # a new line: a marker would open a list
                text = _escape_paragraph_start(text)
            parts.append(text)
        elif isinstance(node, SoftBreak):
            parts.append("\n" if mode.breaks else " ")
        elif isinstance(node, Emphasis | Strong):
            single = "*" if not escape or mark != "*" else "_"
            delimiter = single if isinstance(node, Emphasis) else single * 2
            inner = _inline_markdown(node.children, mode, single)
            parts.append(f"{delimiter}{inner}{delimiter}")
        else:
            href = node.href
            target = policy_target(href) if policies is not None else None
            if target is not None:
                href = target + (policies or "")
            href = link_destination(href) if escape else href
            parts.append(f"[{_inline_markdown(node.children, mode, mark)}]({href})")
    return "".join(parts)
