"""Prose fields: a CommonMark subset, parsed once into the model's block and inline nodes.

The subset is paragraphs, bullet and numbered lists, emphasis, strong, links (http, https
and mailto) and block quotes. markdown-it-py parses the full CommonMark grammar, plus
tables, so that anything outside the subset is *recognised* and reported by name rather
than silently shown as literal text. Raw HTML is likewise parsed only to be refused: it
never reaches the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding
from policykit.model.policy import (
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
    Text,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


#: Constructs outside the subset, by markdown-it token type: (rule, what to call it).
_REFUSED = {
    "heading_open": (rules.PROSE_HEADING, "a heading"),
    "lheading_open": (rules.PROSE_HEADING, "a heading"),
    "table_open": (rules.PROSE_TABLE, "a table"),
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
    rules.PROSE_TABLE: "tables are not part of policy prose; use a list",
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
    source: str, locate: Locator, *, policy_links: bool = False
) -> tuple[Prose, list[Finding]]:
    """Parse `source` into a Prose node, with a finding for every construct outside the subset.
    `policy_links` admits links to other policies (`policy:ID`, format 2)."""
    if _LITERAL_LINE.fullmatch(source) and source.strip():
        # markdown-it would give one paragraph of this text: skip its cost, which dominates
        # reading a policy with thousands of goals (a test checks the two agree).
        span = locate(0)
        text = Text(source.strip(), span)
        return Prose(source, (Paragraph((text,), span),), span), []
    return parse_markdown(source, locate, policy_links=policy_links)


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
    source: str, locate: Locator, *, policy_links: bool = False
) -> tuple[Prose, list[Finding]]:
    """`parse_prose` through markdown-it, whatever the text."""
    tokens = _parser().parse(_join_spaced_references(source))
    builder = _ProseBuilder(locate, policy_links)
    blocks = builder.blocks(tokens, 0, len(tokens))
    return Prose(source, tuple(blocks), locate(0)), builder.findings


class _ProseBuilder:
    def __init__(self, locate: Locator, policy_links: bool = False) -> None:
        self.locate = locate
        self.policy_links = policy_links
        self.findings: list[Finding] = []

    def _span(self, token: Token, fallback: Span | None = None) -> Span:
        if token.map:
            return self.locate(token.map[0])
        return fallback or self.locate(0)

    def _refuse(self, token: Token, span: Span) -> None:
        rule, what = _REFUSED[token.type]
        if token.type == "html_inline":
            if token.content.startswith("</"):
                return  # the opening tag is reported already
            what = f"raw HTML (`{token.content}`)"
        self.findings.append(
            Finding.of(rule, f"{what} is not allowed in prose", span, hint=_HINTS[rule])
        )

    def blocks(self, tokens: Sequence[Token], start: int, stop: int) -> list[Block]:
        out: list[Block] = []
        i = start
        while i < stop:
            token = tokens[i]
            end = _matching_close(tokens, i) if token.nesting == 1 else i
            block = self._block(tokens, i, end)
            if block is not None:
                out.append(block)
            i = end + 1
        return out

    def _block(self, tokens: Sequence[Token], i: int, end: int) -> Block | None:
        token = tokens[i]
        span = self._span(token)
        if token.type in _REFUSED:
            self._refuse(token, span)
            return None
        if token.type == "paragraph_open":
            return Paragraph(tuple(self.inlines(tokens[i + 1], span)), span)
        if token.type == "bullet_list_open":
            return BulletList(tuple(self._items(tokens, i + 1, end)), span)
        if token.type == "ordered_list_open":
            start = int(token.attrs.get("start", 1) or 1)
            return OrderedList(start, tuple(self._items(tokens, i + 1, end)), span)
        if token.type == "blockquote_open":
            return BlockQuote(tuple(self.blocks(tokens, i + 1, end)), span)
        return None  # pragma: no cover - every CommonMark block type is handled above

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

    def _check_link(self, token: Token, span: Span) -> None:
        if token.type != "link_open":
            return
        href = str(token.attrs.get("href", ""))
        if is_safe_url(href):
            return
        if policy_target(href) is not None:
            if not self.policy_links:
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
        self.findings.append(
            Finding.of(
                rules.UNSAFE_LINK,
                f"the link `{href}` is not an http, https or mailto address, nor a policy",
                span,
                hint="write a full address, such as https://www.example.dk/side, or link to "
                "another of the council's policies by its id, such as policy:personalepolitik",
            )
        )


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
    for block in prose.blocks:
        yield from _block_links(block)


def _block_links(block: Block) -> Iterator[Link]:
    if isinstance(block, Paragraph):
        yield from _inline_links(block.children)
    elif isinstance(block, BlockQuote):
        for child in block.blocks:
            yield from _block_links(child)
    else:
        for item in block.items:
            for child in item.blocks:
                yield from _block_links(child)


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
    for block in prose.blocks:
        yield from _block_units(block)


def _block_units(block: Block) -> Iterator[TextUnit]:
    if isinstance(block, Paragraph):
        yield TextUnit(inline_text(block.children), block.span)
    elif isinstance(block, BlockQuote):
        for child in block.blocks:
            yield from _block_units(child)
    else:
        for item in block.items:
            for child in item.blocks:
                yield from _block_units(child)


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
    return "\n\n".join(_block_markdown(block, "", _CANONICAL) for block in prose.blocks)


def commonmark(
    prose: Prose, policy_extension: str | None = ".md", *, keep_breaks: bool = False
) -> str:
    """The prose as CommonMark that any reader parses back into the same blocks and inlines:
    the canonical form with every character escaped that Markdown would read as markup. A
    link to another policy leads to its file beside this one (`ID.md`), or with
    `policy_extension=None` stays `policy:ID`, as a policy file writes it. `keep_breaks`
    keeps the author's line breaks inside a paragraph, as a policy file does."""
    mode = _Mode(True, policy_extension, keep_breaks)
    return "\n\n".join(_block_markdown(block, "", mode) for block in prose.blocks)


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


def _block_markdown(block: Block, indent: str, mode: _Mode) -> str:
    """A block as Markdown, written as `mode` says."""
    escape = mode.escape
    if isinstance(block, Paragraph):
        text = _inline_markdown(block.children, mode)
        return indent + (_escape_paragraph_start(text) if escape else text)
    if isinstance(block, BlockQuote):
        inner = "\n\n".join(_block_markdown(child, "", mode) for child in block.blocks)
        return "\n".join(f"{indent}> {line}".rstrip() for line in inner.split("\n"))
    lines = []
    start = block.start if isinstance(block, OrderedList) else 1
    for number, item in enumerate(block.items, start=start):
        marker = f"{number}. " if isinstance(block, OrderedList) else "- "
        # A loose item (several paragraphs) needs blank lines between them to stay one item.
        joiner = "\n\n" if escape and len(item.blocks) > 1 else "\n"
        inner = joiner.join(_block_markdown(child, "", mode) for child in item.blocks)
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
