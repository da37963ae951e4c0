"""The HTML writer: one self-contained, accessible page per policy.

Jinja2 renders the template (the packaged one, or a user's from `--template`) with autoescape
on and in a sandbox; prose is turned into HTML here, in Python, where every text node is
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
    Text,
)
from policykit.reading.prose import is_safe_url
from policykit.writing.layout import (
    Document,
    NumberedSection,
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


def write_html(document: Document) -> str:
    from markupsafe import Markup

    templates = document.options.templates
    branding = document.options.branding
    return render(
        TEMPLATE,
        templates,
        doc=document,
        policy=document.policy,
        labels=document.locale.labels,
        org=document.organisation,
        adoption=document.policy.last_adoption,
        sections=page_sections(document),
        css=Markup(stylesheet(None, templates)),
        branding_css=Markup(branding.css),
        logo=branding.logo_uri,
        prose=prose_html,
    )


# --- the sections, for the part macros ---------------------------------------------------------


def page_sections(document: Document) -> list[SectionView]:
    """Each section of the outline as the page shows it."""
    return [_SECTIONS[section.kind](section, document) for section in document.sections]


def _text(section: NumberedSection, document: Document) -> SectionView:
    """A section that is prose only: the purpose, a principle, the principles' introduction."""
    part = section.part
    text = part.intro if isinstance(part, Principles) else getattr(part, "text", None)
    return _view(section, text=prose_html(text) if text is not None else None)


def _free(section: NumberedSection, document: Document) -> SectionView:
    """A free section: its prose, and its subsections under h3, h4 and on."""
    part = section.part
    assert isinstance(part, Section)
    children = _subsections(part.subsections, section.anchor, 3)
    return _view(section, text=_optional(part.text), subsections=children)


def _subsections(items: Sequence[Section], parent: str, level: int) -> tuple[SubsectionView, ...]:
    return tuple(
        SubsectionView(
            subsection_anchor(item, parent, index),
            escape(item.heading),
            _optional(item.text),
            min(level, 6),
            _subsections(item.subsections, subsection_anchor(item, parent, index), level + 1),
        )
        for index, item in enumerate(items, start=1)
    )


def _goals(section: NumberedSection, document: Document) -> SectionView:
    goals = section.part
    assert isinstance(goals, Goals)
    groups = tuple(
        GroupView(
            group.id,
            escape(group.title),
            prose_html(group.intro) if group.intro else None,
            tuple(
                GoalView(
                    item.id,
                    prose_html(item.text, inline=True),
                    escape(item.indicator) if item.indicator else None,
                )
                for item in group.items
            ),
        )
        for group in goals.groups
    )
    return _view(section, text=_optional(goals.intro), groups=groups)


def _definitions(section: NumberedSection, document: Document) -> SectionView:
    definitions = section.part
    assert isinstance(definitions, Definitions)
    terms = tuple(
        TermView(term.id, escape(term.term), prose_html(term.text)) for term in definitions.terms
    )
    return _view(section, text=_optional(definitions.intro), terms=terms)


def _evaluation(section: NumberedSection, document: Document) -> SectionView:
    evaluation = section.part
    assert isinstance(evaluation, Evaluation)
    return _view(
        section,
        text=prose_html(evaluation.rule),
        facts=tuple(
            FactView(label, escape(value))
            for label, value in evaluation_facts(evaluation, document.locale)
        ),
    )


def _view(section: NumberedSection, **content: Any) -> SectionView:
    return SectionView(section.kind, section.anchor, escape(section.title), **content)


def _optional(prose: Prose | None) -> Markup | None:
    return prose_html(prose) if prose is not None else None


def escape(text: str) -> Markup:
    from markupsafe import escape as markup_escape

    return markup_escape(text)


#: How the page lays out each kind of section of the outline.
_SECTIONS: dict[str, Callable[[NumberedSection, Document], SectionView]] = {
    "purpose": _text,
    "goals": _goals,
    "definitions": _definitions,
    "principles": _text,
    "principle": _text,
    "evaluation": _evaluation,
    "section": _free,
}


# --- prose -------------------------------------------------------------------------------------


def prose_html(prose: Prose, inline: bool = False) -> Markup:
    """Prose as HTML. With `inline`, a single paragraph is returned without its <p>."""
    from markupsafe import Markup

    blocks = prose.blocks
    if inline and len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return Markup(_inlines(blocks[0].children))
    return Markup("\n".join(_block(block) for block in blocks))


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inlines(block.children)}</p>"
    if isinstance(block, BlockQuote):
        return "<blockquote>\n" + "\n".join(_block(b) for b in block.blocks) + "\n</blockquote>"
    items = "\n".join(f"<li>{_item(item)}</li>" for item in block.items)
    if isinstance(block, OrderedList):
        start = f' start="{block.start}"' if block.start != 1 else ""
        return f"<ol{start}>\n{items}\n</ol>"
    assert isinstance(block, BulletList)
    return f"<ul>\n{items}\n</ul>"


def _item(item: ListItem) -> str:
    # A tight item of one paragraph reads better without the <p>.
    if len(item.blocks) == 1 and isinstance(item.blocks[0], Paragraph):
        return _inlines(item.blocks[0].children)
    return "\n".join(_block(b) for b in item.blocks)


def _inlines(nodes: Sequence[Inline]) -> str:
    from markupsafe import escape

    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(str(escape(node.text)))
        elif isinstance(node, SoftBreak):
            out.append("\n")
        elif isinstance(node, Emphasis):
            out.append(f"<em>{_inlines(node.children)}</em>")
        elif isinstance(node, Strong):
            out.append(f"<strong>{_inlines(node.children)}</strong>")
        elif isinstance(node, Link):
            # The reader refuses unsafe links; checking again costs nothing and keeps this safe
            # for a model built some other way.
            text = _inlines(node.children)
            out.append(
                f'<a href="{escape(node.href)}">{text}</a>' if is_safe_url(node.href) else text
            )
    return "".join(out)
