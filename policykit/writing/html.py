"""The HTML writer: one self-contained, accessible page per policy.

Jinja2 renders the template (the packaged one, or a user's from `--template`, in a sandbox)
with autoescape on; prose is turned into HTML here, in Python, where every text node is
escaped and every link was checked by the reader. CSS is inlined and the logo is a data URI,
so the file needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from policykit.model.policy import (
    Block,
    BlockQuote,
    BulletList,
    Definitions,
    Emphasis,
    Evaluation,
    Goals,
    Inline,
    Link,
    ListItem,
    OrderedList,
    Paragraph,
    Principles,
    Prose,
    Section,
    SoftBreak,
    Strong,
    Table,
    Text,
)
from policykit.reading.prose import inline_text, is_safe_url, policy_target
from policykit.writing.layout import (
    Document,
    NumberedSection,
    PolicyLinks,
    evaluation_facts,
    subsection_anchor,
)
from policykit.writing.templating import render, stylesheet
from policykit.writing.views import (
    FactView,
    GoalView,
    GroupView,
    SectionView,
    SubsectionView,
    TermView,
)

if TYPE_CHECKING:
    from markupsafe import Markup

TEMPLATE = "policy.html.j2"


def write_html(document: Document, *, for_print: bool = False) -> str:
    """The policy's page. `for_print` writes a link to another policy as its text and the
    policy's title, as the PDF shows it, instead of a link to that policy's page."""
    from markupsafe import Markup

    templates = document.options.templates
    branding = document.options.branding
    page = _Page(document, document.policy_links("" if for_print else ".html"))
    return render(
        TEMPLATE,
        templates,
        doc=document,
        policy=document.policy,
        labels=document.locale.labels,
        org=document.organisation,
        adoption=document.policy.last_adoption,
        sections=page.sections(),
        css=Markup(stylesheet(None, templates, tables=document.has_tables)),
        branding_css=Markup(branding.css),
        logo=branding.logo_uri,
        prose=page.prose,
        history=Markup(history_html(document)),
        # On paper, a short policy starts its text on the first page, and one of a few
        # sections has no contents list.
        title_page=not for_print or document.printed_title_page,
        contents=not for_print or document.printed_contents,
    )


def history_html(document: Document) -> str:
    """The "Historik" table, or "" for a policy with no decision or evaluation yet."""
    from markupsafe import escape

    header, rows = document.history_table
    if not rows:
        return ""
    cells = [[("", str(escape(text))) for text in row] for row in rows]
    label = document.locale["history"]
    heads = [("", str(escape(h))) for h in header]
    return table_html(heads, cells, None, label, box="history-table scroll-box")


# --- the sections, for the part macros ---------------------------------------------------------


class _Page:
    """The page's views of the outline's sections, with its way of writing policy links."""

    def __init__(self, document: Document, links: PolicyLinks) -> None:
        self.document = document
        self.links = links
        #: How the page lays out each kind of section of the outline.
        self.builders: dict[str, Callable[[NumberedSection], SectionView]] = {
            "purpose": self.text,
            "goals": self.goals,
            "definitions": self.definitions,
            "principles": self.text,
            "principle": self.text,
            "evaluation": self.evaluation,
            "section": self.free,
        }

    def sections(self) -> list[SectionView]:
        return [self.builders[section.kind](section) for section in self.document.sections]

    def prose(self, prose: Prose, inline: bool = False) -> Markup:
        return prose_html(prose, inline, self.links)

    def optional(self, prose: Prose | None) -> Markup | None:
        return self.prose(prose) if prose is not None else None

    def text(self, section: NumberedSection) -> SectionView:
        """A section that is prose only: the purpose, a principle, the principles' intro."""
        part = section.part
        text = part.intro if isinstance(part, Principles) else getattr(part, "text", None)
        return _view(section, text=self.optional(text))

    def free(self, section: NumberedSection) -> SectionView:
        """A free section: its prose, and its subsections under h3, h4 and on."""
        part = section.part
        assert isinstance(part, Section)
        children = self.subsections(part.subsections, section.anchor, 3)
        return _view(section, text=self.optional(part.text), subsections=children)

    def subsections(
        self, items: Sequence[Section], parent: str, level: int
    ) -> tuple[SubsectionView, ...]:
        return tuple(
            SubsectionView(
                subsection_anchor(item, parent, index),
                escape(item.heading),
                self.optional(item.text),
                min(level, 6),
                self.subsections(
                    item.subsections, subsection_anchor(item, parent, index), level + 1
                ),
            )
            for index, item in enumerate(items, start=1)
        )

    def goals(self, section: NumberedSection) -> SectionView:
        goals = section.part
        assert isinstance(goals, Goals)
        groups = tuple(
            GroupView(
                group.id,
                escape(group.title) if group.title else None,
                self.optional(group.intro),
                tuple(
                    GoalView(
                        item.id,
                        self.prose(item.text, inline=True),
                        escape(item.indicator) if item.indicator else None,
                    )
                    for item in group.items
                ),
            )
            for group in goals.groups
        )
        return _view(section, text=self.optional(goals.intro), groups=groups)

    def definitions(self, section: NumberedSection) -> SectionView:
        definitions = section.part
        assert isinstance(definitions, Definitions)
        terms = tuple(
            TermView(term.id, escape(term.term), self.prose(term.text))
            for term in definitions.terms
        )
        return _view(section, text=self.optional(definitions.intro), terms=terms)

    def evaluation(self, section: NumberedSection) -> SectionView:
        evaluation = section.part
        assert isinstance(evaluation, Evaluation)
        return _view(
            section,
            text=self.prose(evaluation.rule),
            facts=tuple(
                FactView(label, escape(value))
                for label, value in evaluation_facts(evaluation, self.document.locale)
            ),
        )


def _view(section: NumberedSection, **content: Any) -> SectionView:
    return SectionView(section.kind, section.anchor, escape(section.title), **content)


def escape(text: str) -> Markup:
    from markupsafe import escape as markup_escape

    return markup_escape(text)


# --- prose -------------------------------------------------------------------------------------


def prose_html(prose: Prose, inline: bool = False, links: PolicyLinks | None = None) -> Markup:
    """Prose as HTML. With `inline`, a single paragraph is returned without its <p>. `links`
    says how links to other policies are written (on the web page, by default)."""
    from markupsafe import Markup

    writer = _ProseHtml(links or PolicyLinks())
    blocks = prose.blocks
    if inline and len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return Markup(writer.inlines(blocks[0].children))
    return Markup("\n".join(writer.block(block) for block in blocks))


class _ProseHtml:
    def __init__(self, links: PolicyLinks) -> None:
        self.links = links

    def block(self, block: Block) -> str:
        if isinstance(block, Paragraph):
            return f"<p>{self.inlines(block.children)}</p>"
        if isinstance(block, BlockQuote):
            inner = "\n".join(self.block(b) for b in block.blocks)
            return "<blockquote>\n" + inner + "\n</blockquote>"
        if isinstance(block, Table):
            return self.table(block)
        items = "\n".join(f"<li>{self.item(item)}</li>" for item in block.items)
        if isinstance(block, OrderedList):
            # WeasyPrint ignores `start`; a counter reset numbers the list in print as in a
            # browser, which reads it the same way.
            start = (
                f' start="{block.start}" style="counter-reset: list-item {block.start - 1}"'
                if block.start != 1
                else ""
            )
            return f"<ol{start}>\n{items}\n</ol>"
        assert isinstance(block, BulletList)
        return f"<ul>\n{items}\n</ul>"

    def table(self, table: Table) -> str:
        rows = [
            [
                (cell_align(table.align, c), self.inlines(cell.children))
                for c, cell in enumerate(row)
            ]
            for row in table.rows
        ]
        header = [
            (cell_align(table.align, c), self.inlines(cell.children))
            for c, cell in enumerate(table.header)
        ]
        caption = self.inlines(table.caption) if table.caption else None
        return table_html(header, rows, caption, table_label(table))

    def item(self, item: ListItem) -> str:
        # A tight item of one paragraph reads better without the <p>.
        if len(item.blocks) == 1 and isinstance(item.blocks[0], Paragraph):
            return self.inlines(item.blocks[0].children)
        return "\n".join(self.block(b) for b in item.blocks)

    def inlines(self, nodes: Sequence[Inline]) -> str:
        from markupsafe import escape

        out: list[str] = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(str(escape(node.text)))
            elif isinstance(node, SoftBreak):
                out.append("\n")
            elif isinstance(node, Emphasis):
                out.append(f"<em>{self.inlines(node.children)}</em>")
            elif isinstance(node, Strong):
                out.append(f"<strong>{self.inlines(node.children)}</strong>")
            elif isinstance(node, Link):
                out.append(self.link(node))
        return "".join(out)

    def link(self, node: Link) -> str:
        from markupsafe import escape

        text = self.inlines(node.children)
        target = policy_target(node.href)
        if target is not None:
            href, suffix = self.links.resolve(target, plain_text_of(node))
            title = f" ({escape(suffix)})" if suffix else ""
            return f'<a href="{escape(href)}">{text}</a>{title}' if href else f"{text}{title}"
        # The reader refuses unsafe links; checking again costs nothing and keeps this safe
        # for a model built some other way.
        return f'<a href="{escape(node.href)}">{text}</a>' if is_safe_url(node.href) else text


def cell_align(align: Sequence[str | None], column: int) -> str:
    """A cell's class for its column's alignment: `align-right`, or "" for the default."""
    value = align[column] if column < len(align) else None
    return f"align-{value}" if value and value != "left" else ""


def table_label(table: Table) -> str:
    """The name of a table's scrolling box: its caption, or else its column headings."""
    if table.caption:
        return inline_text(table.caption)
    return ", ".join(inline_text(cell.children) for cell in table.header)


def table_html(
    header: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[tuple[str, str]]],
    caption: str | None,
    label: str,
    row_classes: Sequence[str] = (),
    *,
    css: str = "",
    box: str = "prose-table scroll-box",
) -> str:
    """A table of HTML cells, each (class, content), in a box of its own that scrolls
    sideways when the table is wider than the screen; keyboard users can focus the box to
    scroll it, and screen readers hear it named by `label`. The header cells are column
    headers (`th scope="col"`). `row_classes` marks body rows and `css` the box (a redline's
    deleted or inserted ones); `box` is the box's own class, which its stylesheet styles."""
    from markupsafe import escape

    def cell(tag: str, css: str, content: str, scope: str = "") -> str:
        attributes = (f' scope="{scope}"' if scope else "") + (f' class="{css}"' if css else "")
        return f"<{tag}{attributes}>{content}</{tag}>"

    box = f"{box} {css}".strip()
    out = [f'<div class="{box}" role="region" aria-label="{escape(label)}" tabindex="0">']
    out.append("<table>")
    if caption is not None:
        out.append(f"<caption>{caption}</caption>")
    out.append("<thead>")
    out.append("<tr>" + "".join(cell("th", css, text, "col") for css, text in header) + "</tr>")
    out.append("</thead>")
    if rows:
        out.append("<tbody>")
        for index, row in enumerate(rows):
            css = row_classes[index] if index < len(row_classes) else ""
            opening = f'<tr class="{css}">' if css else "<tr>"
            out.append(opening + "".join(cell("td", c, text) for c, text in row) + "</tr>")
        out.append("</tbody>")
    out.append("</table>")
    out.append("</div>")
    return "\n".join(out)


def plain_text_of(link: Link) -> str:
    return inline_text(link.children)
