"""The HTML writer: one self-contained, accessible page per policy.

Jinja2 renders the template (the packaged one, or a user's from `--template`) with autoescape
on and in a sandbox; prose is turned into HTML here, in Python, where every text node is
escaped and every link was checked by the reader. CSS is inlined and the logo is a data URI,
so the file needs nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
    Strong,
    Text,
)
from policykit.reading.prose import is_safe_url
from policykit.writing.layout import Document
from policykit.writing.templating import compiled, packaged

if TYPE_CHECKING:
    from markupsafe import Markup

TEMPLATE = "policy.html.j2"
STYLESHEET = "policy.css"


def write_html(document: Document) -> str:
    from markupsafe import Markup

    templates = document.options.templates
    branding = document.options.branding
    css = templates.css if templates.css is not None else packaged(STYLESHEET)
    template = compiled(templates.html if templates.html is not None else packaged(TEMPLATE))
    return template.render(
        doc=document,
        policy=document.policy,
        labels=document.locale.labels,
        org=document.organisation,
        adoption=document.policy.last_adoption,
        css=Markup(css),
        branding_css=Markup(branding.css),
        logo=branding.logo_uri,
        prose=prose_html,
    )


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
