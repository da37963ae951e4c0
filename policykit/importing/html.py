"""Web pages in: the page's main text found by trafilatura, its XML read into blocks.

Before trafilatura sees the page, a pre-pass (on lxml's tree, about 2 ms) undoes what hides
text from it: a CMS accordion's heading is a `button` inside an `h2`, and its panel is
`hidden` until clicked, so the buttons are unwrapped and the panels shown. Scripts, styles,
frames and forms are removed: nothing on the page runs, and nothing is fetched (the page is
given to trafilatura as a tree, never as a URL). Every text of the page that trafilatura
leaves out is listed as dropped, so that nothing disappears unseen.

policykit's own HTML export names its parts in its ids (`purpose`, `principle-dialog`…): the
pre-pass reads them as hints, so that an export reads back into the parts it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from policykit.importing.blocks import (
    Block,
    Document,
    Dropped,
    Facts,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Run,
    Runs,
    TableBlock,
    Term,
    plain,
)
from policykit.importing.detect import UnreadableError

#: Elements whose text the page shows as a block of its own, for the list of what was dropped.
_BLOCKS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "caption",
    "figcaption", "button", "a", "label", "option", "summary", "blockquote", "address",
}  # fmt: skip
_REMOVED = (
    "script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed",
    "template", "svg", "canvas", "base", "link", "meta", "select", "textarea", "input",
)  # fmt: skip
#: policykit's section ids: the part each names.
_PART_IDS = re.compile(
    r"^(purpose|goals|definitions|principles|evaluation|principle-[a-z0-9-]+|section)(?:-[a-z0-9-]+)?$"
)
#: Ancestors whose text a page never shows.
_UNSHOWN = ("script", "style", "template", "noscript")


def read_html(text: str, name: str) -> tuple[Document, dict[str, Any]]:
    """The page's blocks, and its title (the `h1`, else `<title>`) and language."""
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(text)
    except Exception as error:  # lxml raises its own types for a page it cannot parse
        raise UnreadableError(f"{name}: not a web page lxml can read ({error})") from None
    for line_break in tree.iter("br"):  # "Rådhusstrædet 6<br>7430 Ikast": two lines' words
        line_break.tail = "\n" + (line_break.tail or "")
    everything = _texts(tree)  # before the pre-pass removes anything: all the page shows
    extra = _metadata(tree)
    facts = _facts(tree)
    hints = _prepare(tree)
    main = tree.find(".//main")
    if extra.get("generator") == "policykit" and main is not None:
        # policykit's own page: its `main` is the policy, whole, with nothing to guess.
        blocks = _Reader(HTML).blocks(main)
    else:
        xml = trafilatura.extract(
            tree, output_format="xml", include_formatting=True, include_links=True,
            include_tables=True, include_comments=False, favor_recall=True, deduplicate=False,
        )  # fmt: skip
        if xml is None:
            raise UnreadableError(f"{name}: trafilatura found no main text on the page")
        blocks = _Reader().read(_parse_xml(xml))
    if extra.get("title") and not any(isinstance(b, Heading) and b.level == 1 for b in blocks):
        blocks.insert(0, Heading(1, (Run(extra["title"]),), 0))
    kept = " ".join(" ".join(b.text for b in blocks).split())
    dropped = tuple(
        Dropped(n, t, "left out by trafilatura: not the page's main text")
        for n, t in enumerate(everything, start=1)
        if t not in kept and t != extra.get("title")
    )
    document = Document("html", tuple(blocks), dropped, unit="block", hints=hints, facts=facts)
    return document, extra


def _facts(tree: Any) -> Facts:
    """What policykit's own export shows outside its main text: the facts of the title
    block and the evaluation (`dl.facts`, taken out of the text), the related documents
    and the history table."""
    from policykit.importing.exports import label

    values: dict[str, str] = {}
    for facts in list(tree.iter("dl")):
        if "facts" not in (facts.get("class") or "").split():
            continue
        for term in facts.iter("dt"):
            value = term.getnext()
            name = label(term.text_content())
            if name is not None and value is not None and value.tag == "dd":
                values[name] = " ".join(value.text_content().split())
        facts.drop_tree()
    related: list[tuple[str, str | None]] = []
    laws: list[tuple[str, str | None]] = []
    history: list[tuple[str, str, str, str, str]] = []
    for person in tree.iter("address"):
        if "person" in (person.get("class") or "").split():
            values.update(_contact(person))
    for section in tree.iter("section"):
        kind = (section.get("class") or "").split()
        if "related" in kind or "legal-basis" in kind:
            for item in section.iter("li"):
                link = next(item.iter("a"), None)
                entry = (" ".join(item.text_content().split()),
                         link.get("href") if link is not None else None)  # fmt: skip
                (related if "related" in kind else laws).append(entry)
        elif "history" in kind:
            header = [" ".join(c.text_content().split()).casefold() for c in section.iter("th")]
            for row in section.iter("tr"):
                cells = [" ".join(c.text_content().split()) for c in row if c.tag == "td"]
                if cells:
                    history.append(_history_row(header, cells))
    return Facts(values, tuple(related), tuple(laws), tuple(history))


def _prepare(tree: Any) -> dict[str, str]:
    """Unwrap accordions, remove what could run or fetch, and read policykit's part ids."""
    for element in list(tree.iter(*_REMOVED)):
        element.drop_tree()
    for form in list(tree.iter("form")):
        form.drop_tree()  # search and feedback forms: never a policy's text
    for button in list(tree.iter("button")):
        parent = button.getparent()
        if parent is not None and parent.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "summary"):
            button.drop_tag()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("hidden", "aria-hidden"):
            element.attrib.pop(attribute, None)
        style = element.get("style", "")
        if "display" in style and "none" in style:
            element.attrib.pop("style")
    for details in tree.iter("details"):
        details.set("open", "open")
    hints: dict[str, str] = {}
    for section in tree.iter("section"):
        found = _PART_IDS.match(section.get("id", ""))
        heading = next(section.iter("h1", "h2", "h3"), None)
        if found and heading is not None:
            ident = section.get("id", "")
            hints[plain((Run(heading.text_content()),))] = (
                ident if ident.startswith("principle-") else found.group(1)
            )
    return hints


def _contact(address: Any) -> dict[str, str]:
    """The policy's own contact, as the export's `address.person` shows it."""
    out: dict[str, str] = {}
    name = address.find("strong")
    if name is not None and name.text_content().strip():
        out["contact_name"] = " ".join(name.text_content().split())
    for link in address.iter("a"):
        href = link.get("href") or ""
        if href.startswith("mailto:"):
            out["contact_email"] = href.removeprefix("mailto:")
    phone = re.search(r"(?:Tlf\.|Phone|Tel\.):?\s*([+\d][\d ]{5,})", address.text_content())
    if phone:
        out["contact_phone"] = " ".join(phone.group(1).split())
    return out


def _history_row(header: list[str], cells: list[str]) -> tuple[str, str, str, str, str]:
    def column(*names: str) -> str:
        return next((cells[header.index(n)] for n in names if n in header[: len(cells)]), "")

    return (
        column("dato", "date"), column("hændelse", "event"),
        column("besluttet af", "decided by"), column("sag", "case"),
        column("bemærkning", "note"),
    )  # fmt: skip


def _metadata(tree: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    h1 = next(tree.iter("h1"), None)
    title = tree.find(".//title")
    if h1 is not None and h1.text_content().strip():
        extra["title"] = " ".join(h1.text_content().split())
    elif title is not None and title.text:
        extra["title"] = re.split(r"\s+[|–-]\s+", title.text.strip())[0]
    generator = tree.find(".//meta[@name='generator']")
    if generator is not None:
        extra["generator"] = generator.get("content")
    organisation = tree.find(".//header//p[@class='organisation']")
    if organisation is not None and organisation.text_content().strip():
        extra["organisation"] = " ".join(organisation.text_content().split())
    keywords = tree.find(".//meta[@name='keywords']")
    if keywords is not None and keywords.get("content"):
        extra["keywords"] = [k.strip() for k in keywords.get("content").split(",") if k.strip()]
    language = (tree.get("lang") or "").split("-")[0].casefold()
    if language in ("da", "en"):
        extra["language"] = language
    return extra


def _texts(tree: Any) -> list[str]:
    """Each text the page shows as a block, once, in order: the innermost block elements
    (a link inside a paragraph is the paragraph's), outside scripts and styles. One walk
    finds which elements hold another block, so a deeply nested page costs no more."""
    body = tree.find("body")
    root = body if body is not None else tree
    holders: set[Any] = set()  # elements with a block element (not a link) below them
    for element in root.iter(*(_BLOCKS - {"a"})):
        for ancestor in element.iterancestors():
            if ancestor in holders:
                break
            holders.add(ancestor)
    seen: dict[str, None] = {}
    for element in root.iter(*_BLOCKS):
        if element in holders or any(a.tag in _UNSHOWN for a in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if text:
            seen.setdefault(text, None)
    return list(seen)


def _parse_xml(xml: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(xml.encode("utf-8"), parser)


@dataclass(frozen=True, slots=True)
class _Dialect:
    """How a tree names what the reader walks: trafilatura's XML, or a page's HTML."""

    headings: dict[str, int] | None  # tag → level; None: the level is in `rend` ("h2")
    paragraph: str
    lists: tuple[str, ...]
    item: str
    terms: tuple[str, str] | None  # (term, definition) tags inside a definition list
    row: str
    cells: tuple[str, ...]
    containers: tuple[str, ...]
    line_break: str

    def ordered(self, element: Any) -> bool:
        return bool(element.tag == "ol" or element.get("rend") == "ol")

    def definition_list(self, element: Any) -> bool:
        return bool(element.tag == "dl" or (element.tag == "list" and element.get("rend") == "dl"))

    def style(
        self, child: Any, bold: bool, italic: bool, href: str | None
    ) -> tuple[bool, bool, str | None]:
        tag = child.tag if isinstance(child.tag, str) else ""
        rend = child.get("rend") or ""
        bold = bold or tag in ("strong", "b") or (tag == "hi" and "#b" in rend)
        italic = italic or tag in ("em", "i") or (tag == "hi" and "#i" in rend)
        if tag == "a":
            href = child.get("href") or href
        elif tag == "ref":
            href = child.get("target") or href
        return bold, italic, href


XML = _Dialect(None, "p", ("list",), "item", None, "row", ("cell",), ("quote", "div"), "lb")
HTML = _Dialect(
    {f"h{n}": n for n in range(1, 7)}, "p", ("ul", "ol"), "li", ("dt", "dd"), "tr",
    ("th", "td"), ("section", "div", "article", "blockquote", "figure"), "br",
)  # fmt: skip


class _Reader:
    """A tree's headings, paragraphs, lists, terms and tables as blocks, in order."""

    def __init__(self, dialect: _Dialect = XML) -> None:
        self.dialect = dialect
        self.count = 0

    def where(self) -> int:
        self.count += 1
        return self.count

    def read(self, doc: Any) -> list[Block]:
        main = doc.find("main")
        return self.blocks(main if main is not None else doc)

    def blocks(self, parent: Any) -> list[Block]:
        d = self.dialect
        out: list[Block] = []
        for element in parent:
            tag = element.tag if isinstance(element.tag, str) else ""
            level = self.level(element)
            if level is not None:
                out.append(Heading(level, self.runs(element), self.where()))
            elif tag == d.paragraph:
                runs = self.runs(element)
                if plain(runs):
                    out.append(Paragraph(runs, self.where()))
            elif tag in (*d.lists, "dl") and d.definition_list(element):
                out.extend(self.definitions(element))
            elif tag in d.lists:
                out.append(self.list_block(element))
            elif tag == "table":
                out.append(self.table(element))
            elif tag in d.containers:
                out.extend(self.blocks(element))
        return out

    def level(self, element: Any) -> int | None:
        if self.dialect.headings is not None:
            return self.dialect.headings.get(element.tag if isinstance(element.tag, str) else "")
        if element.tag != "head":
            return None
        return int((element.get("rend") or "h2").lstrip("h") or 2)

    def list_block(self, element: Any) -> ListBlock:
        d = self.dialect
        items: list[Item] = []
        where = self.where()

        def walk(node: Any, depth: int) -> None:
            for item in node:
                if item.tag != d.item:
                    continue
                items.append(Item(self.runs(item, skip=d.lists), depth))
                for nested in item:
                    if nested.tag in d.lists:
                        walk(nested, depth + 1)

        walk(element, 0)
        start = element.get("start") or "1"
        return ListBlock(
            d.ordered(element), tuple(items), where, int(start) if start.isdigit() else 1
        )

    def definitions(self, element: Any) -> list[Block]:
        """Each term, then its definition's blocks (trafilatura marks them `dt-N`, `dd-N`)."""
        out: list[Block] = []
        for entry in element:
            tag = entry.tag if isinstance(entry.tag, str) else ""
            term = tag == "dt" or (entry.get("rend") or "").startswith("dt")
            if tag not in ("dt", "dd", "item"):
                continue
            if term:
                out.append(Term(self.runs(entry), self.where()))
            else:
                out.extend(self.blocks(entry) or [Paragraph(self.runs(entry), self.where())])
        return out

    def table(self, element: Any) -> TableBlock:
        d = self.dialect
        rows = tuple(
            tuple(self.runs(cell) for cell in row if cell.tag in d.cells)
            for row in element.iter(d.row)
        )
        caption = element.find("caption")
        runs = self.runs(caption) if caption is not None else ()
        return TableBlock(tuple(r for r in rows if r), self.where(), runs)

    def runs(self, element: Any, skip: tuple[str, ...] = ()) -> Runs:
        out: list[Run] = []

        def walk(node: Any, bold: bool, italic: bool, href: str | None) -> None:
            if node.text:
                out.append(Run(node.text, bold, italic, href))
            for child in node:
                if child.tag == self.dialect.line_break:
                    out.append(Run(" ", bold, italic, href))
                elif child.tag not in skip:
                    walk(child, *self.dialect.style(child, bold, italic, href))
                if child.tail:
                    out.append(Run(child.tail, bold, italic, href))

        walk(element, False, False, None)
        return tuple(out)
