"""Styles: the ones a policy uses, added when the template lacks them, and the packaged
template tuned to the project's colour, font and language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from policykit.writing.docx.ooxml import RPR_ORDER, W_NS, child, get, insert_in_order, parse_w, w
from policykit.writing.layout import Branding

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.parts.document import DocumentPart

DRAFT_COLOR = "C00000"
HYPERLINK_COLOR = "0563C1"


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """A style to add when the template lacks it. Built-in names are as Word stores them
    (`heading 1`), which is the same whatever the language of the template."""

    kind: str
    style_id: str
    body: str
    builtin: bool = True


STYLES = {
    "Title": StyleSpec("paragraph", "Title", '<w:rPr><w:sz w:val="52"/></w:rPr>'),
    "heading 1": StyleSpec(
        "paragraph",
        "Heading1",
        '<w:pPr><w:keepNext/><w:spacing w:before="480" w:after="120"/>'
        '<w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr>',
    ),
    "heading 2": StyleSpec(
        "paragraph",
        "Heading2",
        '<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/>'
        '<w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr>',
    ),
    "heading 3": StyleSpec(
        "paragraph",
        "Heading3",
        '<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="60"/>'
        '<w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr>',
    ),
    "Quote": StyleSpec(
        "paragraph",
        "Quote",
        '<w:pPr><w:ind w:left="720" w:right="720"/></w:pPr><w:rPr><w:i/></w:rPr>',
    ),
    "List Paragraph": StyleSpec(
        "paragraph",
        "ListParagraph",
        '<w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr>',
    ),
    # Not based on Heading 1, unlike Word's: the contents are no section, and pandoc, which
    # follows basedOn, would take the label for a heading.
    "TOC Heading": StyleSpec(
        "paragraph",
        "TOCHeading",
        '<w:pPr><w:keepNext/><w:spacing w:before="360" w:after="120"/></w:pPr>'
        '<w:rPr><w:b/><w:sz w:val="28"/></w:rPr>',
    ),
    "toc 1": StyleSpec("paragraph", "TOC1", '<w:pPr><w:spacing w:after="60"/></w:pPr>'),
    "caption": StyleSpec(
        "paragraph",
        "Caption",
        '<w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr>'
        '<w:rPr><w:b/><w:sz w:val="20"/></w:rPr>',
    ),
    "annotation text": StyleSpec("paragraph", "CommentText", '<w:rPr><w:sz w:val="20"/></w:rPr>'),
    "annotation reference": StyleSpec(
        "character", "CommentReference", '<w:rPr><w:sz w:val="16"/></w:rPr>'
    ),
    "footer": StyleSpec("paragraph", "Footer", '<w:pPr><w:spacing w:after="0"/></w:pPr>'),
    "Hyperlink": StyleSpec(
        "character",
        "Hyperlink",
        f'<w:rPr><w:color w:val="{HYPERLINK_COLOR}"/><w:u w:val="single"/></w:rPr>',
    ),
    # policykit's own styles: a reference document restyles them by defining them.
    "Draft Mark": StyleSpec(
        "paragraph",
        "DraftMark",
        '<w:pPr><w:keepNext/><w:spacing w:after="240"/></w:pPr>'
        f'<w:rPr><w:b/><w:color w:val="{DRAFT_COLOR}"/><w:spacing w:val="40"/>'
        '<w:sz w:val="36"/></w:rPr>',
        builtin=False,
    ),
    "Organisation": StyleSpec(
        "paragraph",
        "Organisation",
        '<w:pPr><w:keepNext/><w:spacing w:after="120"/></w:pPr>'
        '<w:rPr><w:b/><w:sz w:val="26"/></w:rPr>',
        builtin=False,
    ),
    "Policy Facts": StyleSpec(
        "paragraph",
        "PolicyFacts",
        '<w:pPr><w:spacing w:after="40"/></w:pPr>',
        builtin=False,
    ),
    # A table cell's paragraph: no room after it, as the Normal style of Word's has.
    "Table Text": StyleSpec(
        "paragraph",
        "TableText",
        '<w:pPr><w:spacing w:after="0"/></w:pPr>',
        builtin=False,
    ),
    # The brief's list of changes and why: small, so that the brief stays one page.
    "Brief Reason": StyleSpec(
        "paragraph",
        "BriefReason",
        '<w:pPr><w:spacing w:after="20"/><w:ind w:left="284" w:hanging="284"/></w:pPr>'
        '<w:rPr><w:sz w:val="18"/></w:rPr>',
        builtin=False,
    ),
    "Table Heading": StyleSpec(
        "paragraph",
        "TableHeading",
        '<w:pPr><w:keepNext/><w:spacing w:after="0"/></w:pPr><w:rPr><w:b/></w:rPr>',
        builtin=False,
    ),
    "Decision Statement": StyleSpec(
        "paragraph",
        "DecisionStatement",
        '<w:pPr><w:spacing w:before="200" w:after="240"/></w:pPr><w:rPr><w:i/></w:rPr>',
        builtin=False,
    ),
    # pandoc's name for a definition list's term, so a pandoc reference.docx styles it too.
    "Definition Term": StyleSpec(
        "paragraph",
        "DefinitionTerm",
        '<w:pPr><w:keepNext/><w:spacing w:before="200" w:after="60"/></w:pPr>',
        builtin=False,
    ),
    "Closing Heading": StyleSpec(
        "paragraph",
        "ClosingHeading",
        '<w:pPr><w:keepNext/><w:spacing w:before="360" w:after="80"/></w:pPr>'
        '<w:rPr><w:b/><w:sz w:val="26"/></w:rPr>',
        builtin=False,
    ),
    "Contact": StyleSpec(
        "paragraph",
        "Contact",
        '<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:after="0"/></w:pPr>',
        builtin=False,
    ),
}


class Styles:
    """Style ids by style name. A style the template lacks is added from `STYLES` when it is
    first used, so a reference document's own definitions always win."""

    def __init__(self, root: BaseOxmlElement) -> None:
        self.root = root
        self._ids: dict[str, str] = {}
        for style in root.findall(f"{{{W_NS}}}style"):
            name = child(style, "name")
            if name is not None:
                self._ids.setdefault(get(name, "val").lower(), get(style, "styleId"))

    def __getitem__(self, name: str) -> str:
        """The styleId of the style called `name`, such as `heading 1` or `Quote`."""
        found = self._ids.get(name.lower())
        if found is not None:
            return found
        spec = STYLES[name]
        style_id = spec.style_id
        while style_id in self._ids.values():
            style_id += "1"
        custom = "" if spec.builtin else ' w:customStyle="1"'
        based_on = '<w:basedOn w:val="Normal"/>' if spec.kind == "paragraph" else ""
        self.root.append(
            parse_w(
                f'<w:style w:type="{spec.kind}"{custom} w:styleId="{style_id}">'
                f'<w:name w:val="{name}"/>{based_on}<w:qFormat/>{spec.body}</w:style>'
            )
        )
        self._ids[name.lower()] = style_id
        return style_id

    def element(self, name: str) -> BaseOxmlElement:
        """The definition of the style called `name`, added first if need be."""
        style_id = self[name]
        for style in self.root.findall(f"{{{W_NS}}}style"):
            if get(style, "styleId") == style_id:
                return cast("BaseOxmlElement", style)
        raise KeyError(name)  # pragma: no cover - self[name] has made sure it exists

    def remove(self, name: str) -> None:
        """Drop a template's definition, so that the one in `STYLES` replaces it."""
        style_id = self._ids.pop(name.lower(), None)
        for style in self.root.findall(f"{{{W_NS}}}style"):
            if style_id is not None and get(style, "styleId") == style_id:
                self.root.remove(style)


def tune_template(styles: Styles, part: DocumentPart, branding: Branding) -> None:
    """python-docx's template, in the project's colour and font, with room under the
    headings and indented quotes."""
    styles.remove("TOC Heading")  # based on Heading 1 there: see STYLES
    color = branding.primary_color.lstrip("#").upper()
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    for name in ("Title", "heading 1", "heading 2", "heading 3", "Organisation", "TOC Heading"):
        properties = child(styles.element(name), "rPr")
        if properties is not None:
            for old in properties.findall(f"{{{W_NS}}}color"):
                properties.remove(old)
            insert_in_order(properties, w("color", val=color), RPR_ORDER)
    for name, after in (("heading 1", "120"), ("heading 2", "60"), ("heading 3", "60")):
        spacing = styles.element(name).find(f"{{{W_NS}}}pPr/{{{W_NS}}}spacing")
        if spacing is not None:
            spacing.set(f"{{{W_NS}}}after", after)
    quote = styles.element("Quote")
    if child(quote, "pPr") is None:
        properties = w("pPr")
        w("ind", properties, left="720", right="720")
        run_properties = child(quote, "rPr")
        if run_properties is not None:
            run_properties.addprevious(properties)
        else:
            quote.append(properties)
    family = _first_font(branding.font_family)
    if family is not None:
        _declare_font(part, branding.font_family)
        root = styles.root
        for fonts in list(root.iter(f"{{{W_NS}}}rFonts")):
            fonts.getparent().remove(fonts)
        defaults = root.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr")
        if defaults is not None:
            fonts = w("rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family)
            insert_in_order(defaults, fonts, RPR_ORDER)


def _declare_font(part: DocumentPart, stack: str) -> None:
    """Describe the brand's font in `word/fontTable.xml`, so that Word, on a machine
    without it, substitutes the stack's last named family, or at least its kind (sans
    serif, serif, monospace), rather than a default serif."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    names = _font_names(stack)
    generic = stack.rsplit(",", 1)[-1].strip().strip("'\"")
    kind = {"sans-serif": "swiss", "serif": "roman", "monospace": "modern"}.get(generic, "auto")
    rels = part.rels
    root = parse_xml(f'<w:fonts xmlns:w="{W_NS}"/>')
    partname = PackURI("/word/fontTable.xml")
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.FONT_TABLE:
            partname = rel.target_part.partname
            root = parse_xml(rel.target_part.blob)
            del rels[rid]
    for font in root.findall(f"{{{W_NS}}}font"):
        if get(font, "name") == names[0]:
            root.remove(font)
    font = w("font", name=names[0])
    if len(names) > 1:
        w("altName", font, val=names[-1])
    w("charset", font, val="00")
    w("family", font, val=kind)
    w("pitch", font, val="fixed" if kind == "modern" else "variable")
    root.insert(0, font)
    table = XmlPart(partname, CT.WML_FONT_TABLE, root, part.package)
    part.relate_to(table, RT.FONT_TABLE)


def set_language(styles: Styles, word: WordDocument, language: str) -> None:
    """Proof in `language` (a tag such as da-DK): in the defaults, every style, and the
    settings."""
    root = styles.root
    defaults = child(root, "docDefaults")
    if defaults is None:
        defaults = w("docDefaults")
        root.insert(0, defaults)
    run_defaults = child(defaults, "rPrDefault")
    if run_defaults is None:
        run_defaults = w("rPrDefault")
        defaults.insert(0, run_defaults)
    properties = child(run_defaults, "rPr")
    if properties is None:
        properties = w("rPr", run_defaults)
    if child(properties, "lang") is None:
        insert_in_order(properties, w("lang"), RPR_ORDER)
    for lang in root.iter(f"{{{W_NS}}}lang"):
        lang.set(f"{{{W_NS}}}val", language)
    settings = word.settings.element
    for element in list(settings):
        # No edit-session ids, and no claim that spelling was checked already.
        if element.tag in (f"{{{W_NS}}}rsids", f"{{{W_NS}}}proofState"):
            settings.remove(element)
    font_language = child(settings, "themeFontLang")
    if font_language is not None:
        font_language.set(f"{{{W_NS}}}val", language)


_GENERIC_FONTS = ("serif", "sans-serif", "monospace", "system-ui", "cursive", "fantasy")


def _font_names(stack: str) -> list[str]:
    """The named families of a CSS font stack, without the generic ones."""
    names = (family.strip().strip("'\"").strip() for family in stack.split(","))
    return [name for name in names if name and name not in _GENERIC_FONTS]


def _first_font(stack: str) -> str | None:
    """The first named family of a CSS font stack: Word takes one font, not a list."""
    names = _font_names(stack)
    return names[0] if names else None
