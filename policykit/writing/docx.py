"""The Word writer: a policy as a .docx that Word, LibreOffice and pandoc all read as intended.

python-docx opens the template (its own, or the user's reference document, whose styles win,
as with pandoc's `--reference-doc`) and manages the package: parts, relationships and core
properties. The body is written as plain OOXML, because python-docx writes neither
numbering, fields nor bookmarks.

The structure is flat and predictable, so that the redline writer can subclass `DocxWriter`:
`body` lays out the document, every body paragraph is made by `DocxWriter.paragraph`, and
every run of text anywhere by `DocxWriter.text`.

- Title and Heading 1–3 are used, so Word's navigation pane and TOC work. Section numbers are
  literal text, so every reader sees "1. Kommunikationspolitikkens formål" as the seed has it.
- Lists are real lists: paragraphs with `w:numPr`, over numbering definitions written here.
  Each ordered list has an abstract numbering of its own, so each starts at its own `start`
  in every client, and no list continues another's count.
- The table of contents is a TOC field. Its result already lists the sections, linked to
  bookmarks on the headings, so it reads well before Word updates it with page numbers.
- The same document gives the same bytes: dates come from the policy, ids are counted in
  document order, and the zip is rewritten with fixed timestamps and a fixed entry order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from policykit.diagnostics.errors import PolicykitError
from policykit.model.policy import (
    Block,
    BlockQuote,
    BulletList,
    Definitions,
    Emphasis,
    Evaluation,
    GoalGroup,
    Goals,
    Inline,
    Link,
    OrderedList,
    Paragraph,
    Principle,
    Principles,
    Prose,
    Purpose,
    SoftBreak,
    Strong,
    Text,
)
from policykit.reading.prose import is_safe_url
from policykit.writing.layout import Document, NumberedSection

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.parts.document import DocumentPart

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"

#: The timestamp of every zip entry: the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: Headings 1–3 as hyperlinks (\h), no page numbers in web view (\z), and paragraphs with
#: an outline level (\u).
TOC_INSTRUCTION = ' TOC \\o "1-3" \\h \\z \\u '
#: A4 with 2.5 cm margins, in twentieths of a point, for the packaged template; a reference
#: document keeps its own page.
A4 = (11906, 16838)
MARGIN = 1418
#: Each list level indents this much more, and its number hangs this far to the left.
LIST_INDENT = 720
LIST_HANGING = 360
MAX_LEVEL = 8
BULLETS = ("•", "◦", "▪")
DRAFT_COLOR = "C00000"
HYPERLINK_COLOR = "0563C1"
#: docProps/app.xml: python-docx's template names Word for the Mac as the application.
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>policykit</Application><DocSecurity>0</DocSecurity>'
    b"</Properties>"
)
#: Characters XML 1.0 cannot hold; YAML cannot either, but a model may be built otherwise.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ReferenceDocxError(PolicykitError):
    """The template folder's reference.docx cannot be read as a Word document."""


@dataclass(frozen=True, slots=True)
class RunFormat:
    """How a run of text looks: direct bold and italic, and a character style by name."""

    bold: bool = False
    italic: bool = False
    style: str | None = None


PLAIN = RunFormat()
BOLD = RunFormat(bold=True)


def write_docx(document: Document) -> bytes:
    """The policy as a .docx file. The same document always gives the same bytes."""
    return DocxWriter(document).write()


# --- elements -------------------------------------------------------------------------------


def w(tag: str, parent: BaseOxmlElement | None = None, **attrs: str) -> BaseOxmlElement:
    """A `w:` element with `w:` attributes, appended to `parent` when one is given."""
    from docx.oxml import OxmlElement

    element = cast("BaseOxmlElement", OxmlElement(f"w:{tag}"))
    for name, value in attrs.items():
        element.set(f"{{{W_NS}}}{name}", value)
    if parent is not None:
        parent.append(element)
    return element


def parse_w(fragment: str) -> BaseOxmlElement:
    """An element parsed from XML in the `w:` namespace, such as `<w:num w:numId="1"/>`."""
    from docx.oxml import parse_xml

    head, sep, rest = fragment.partition(">")
    declaration = f' xmlns:w="{W_NS}"'
    if head.endswith("/"):
        return parse_xml(f"{head[:-1]}{declaration}/>{rest}")
    return parse_xml(f"{head}{declaration}{sep}{rest}")


def _child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement | None:
    found: BaseOxmlElement | None = parent.find(f"{{{W_NS}}}{tag}")
    return found


def _get(element: BaseOxmlElement, name: str, default: str = "") -> str:
    return str(element.get(f"{{{W_NS}}}{name}", default))


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an anchor: letters, digits and underscores, at most 40
    characters. The leading underscore hides it in Word's bookmark list, like Word's _Toc."""
    return ("_pk_" + re.sub(r"[^A-Za-z0-9]", "_", anchor))[:40]


# --- numbering ------------------------------------------------------------------------------


class Numbering:
    """The list definitions this document adds to `word/numbering.xml`.

    Bullet lists share one abstract numbering. Every ordered list gets one of its own, which
    counts from the list's start, so no list continues another's count in any client. Ids
    follow those the template already has, and are handed out in document order.
    """

    def __init__(self, root: BaseOxmlElement) -> None:
        self._root = root
        abstracts = root.findall(f"{{{W_NS}}}abstractNum")
        self._abstract_ids = [int(_get(a, "abstractNumId", "0")) for a in abstracts]
        self._num_ids = [int(_get(n, "numId", "0")) for n in root.findall(f"{{{W_NS}}}num")]
        self._bullets: int | None = None

    def bullet_list(self) -> int:
        """A new bullet list's numId."""
        if self._bullets is None:
            self._bullets = self._add_abstract(ordered=False, start=1, level=0)
        return self._add_num(self._bullets)

    def ordered_list(self, start: int, level: int) -> int:
        """A new ordered list's numId: at `level`, it counts from `start`."""
        return self._add_num(self._add_abstract(ordered=True, start=start, level=level))

    def _add_abstract(self, *, ordered: bool, start: int, level: int) -> int:
        abstract_id = max(self._abstract_ids, default=-1) + 1
        self._abstract_ids.append(abstract_id)
        levels = "".join(
            _level(n, ordered, start if n == level else 1) for n in range(MAX_LEVEL + 1)
        )
        element = parse_w(
            f'<w:abstractNum w:abstractNumId="{abstract_id}">'
            f'<w:nsid w:val="{0x504B0000 + abstract_id:08X}"/>'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
        )
        first_num = _child(self._root, "num")  # the schema puts every abstractNum first
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._append(element)
        return abstract_id

    def _add_num(self, abstract_id: int) -> int:
        num_id = max(self._num_ids, default=0) + 1
        self._num_ids.append(num_id)
        self._append(
            parse_w(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
        )
        return num_id

    def _append(self, element: BaseOxmlElement) -> None:
        cleanup = _child(self._root, "numIdMacAtCleanup")  # the schema puts it last
        if cleanup is not None:
            cleanup.addprevious(element)
        else:
            self._root.append(element)


def _level(level: int, ordered: bool, start: int) -> str:
    if ordered:
        fmt, text = "decimal", f"%{level + 1}."
    else:
        fmt, text = "bullet", BULLETS[level % len(BULLETS)]
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>'
        f'<w:ind w:left="{LIST_INDENT * (level + 1)}" w:hanging="{LIST_HANGING}"/></w:pPr></w:lvl>'
    )


def _numbering_root(part: DocumentPart) -> BaseOxmlElement:
    """`word/numbering.xml`, created when the template has none."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.parts.numbering import NumberingPart

    try:
        existing = part.part_related_by(RT.NUMBERING)
    except KeyError:
        element = parse_xml(f'<w:numbering xmlns:w="{W_NS}"/>')
        partname = PackURI("/word/numbering.xml")
        part.relate_to(
            NumberingPart(partname, CT.WML_NUMBERING, element, part.package), RT.NUMBERING
        )
        return element
    return cast("BaseOxmlElement", cast("NumberingPart", existing).element)


# --- styles ---------------------------------------------------------------------------------


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
    "toc 2": StyleSpec(
        "paragraph",
        "TOC2",
        '<w:pPr><w:spacing w:after="60"/><w:ind w:left="284"/></w:pPr>',
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
            name = _child(style, "name")
            if name is not None:
                self._ids.setdefault(_get(name, "val").lower(), _get(style, "styleId"))

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
            if _get(style, "styleId") == style_id:
                return cast("BaseOxmlElement", style)
        raise KeyError(name)  # pragma: no cover - self[name] has made sure it exists

    def remove(self, name: str) -> None:
        """Drop a template's definition, so that the one in `STYLES` replaces it."""
        style_id = self._ids.pop(name.lower(), None)
        for style in self.root.findall(f"{{{W_NS}}}style"):
            if style_id is not None and _get(style, "styleId") == style_id:
                self.root.remove(style)


# --- the writer -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A run's worth of inline text: one format, and the link it belongs to, if any."""

    text: str
    format: RunFormat = PLAIN
    href: str | None = None


class DocxWriter:
    """Writes one document. `write` opens the template, calls `body`, and packs the file.

    A subclass (the redline) may override `body`, `paragraph` and `text`: every paragraph of
    the body is made by `paragraph`, and every run of text, in the body and the footer,
    by `text`.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.locale = document.locale
        self._bookmarks = 0

    def write(self) -> bytes:
        self.word = word = self._open()
        self.part: DocumentPart = word.part
        self.styles = Styles(cast("BaseOxmlElement", word.styles.element))
        self.numbering = Numbering(_numbering_root(self.part))
        body = word.element.body
        for child in list(body):
            if child.tag != f"{{{W_NS}}}sectPr":
                body.remove(child)
        self._end: BaseOxmlElement = body.get_or_add_sectPr()
        _strip_rsids(self._end)
        if self.document.options.templates.reference_docx is None:
            self._page_setup()
            self._tune_template()
        self._language()
        self.body()
        self._footer()
        self._properties()
        buffer = io.BytesIO()
        word.save(buffer)
        return _reproducible_zip(buffer.getvalue())

    def body(self) -> None:
        """The document's content, top to bottom."""
        self.title_block()
        self.contents()
        for index, section in enumerate(self.document.sections):
            self.section(section, first=index == 0)
        self.closing()

    # --- every paragraph and every run of text goes through these two --------------------

    def paragraph(
        self,
        style: str,
        *,
        numbering: tuple[int, int] | None = None,
        indent: int | None = None,
        page_break_before: bool = False,
    ) -> BaseOxmlElement:
        """A new paragraph at the end of the body, in the style called `style`. With
        `numbering` as (numId, level), it is a list item."""
        p = w("p")
        properties = w("pPr", p)
        w("pStyle", properties, val=self.styles[style])
        if page_break_before:
            w("pageBreakBefore", properties)
        if numbering is not None:
            number = w("numPr", properties)
            w("ilvl", number, val=str(numbering[1]))
            w("numId", number, val=str(numbering[0]))
        if indent is not None:
            w("ind", properties, left=str(indent))
        self._end.addprevious(p)
        return p

    def text(self, parent: BaseOxmlElement, text: str, fmt: RunFormat = PLAIN) -> BaseOxmlElement:
        """A run of `text` at the end of `parent`, a paragraph or a hyperlink; the run is
        returned. Tabs and line breaks in the text become Word's own."""
        run = w("r", parent)
        if fmt != PLAIN:
            properties = w("rPr", run)
            if fmt.style is not None:
                w("rStyle", properties, val=self.styles[fmt.style])
            if fmt.bold:
                w("b", properties)
            if fmt.italic:
                w("i", properties)
        for piece in re.split(r"([\t\n])", _NOT_XML.sub("", text)):
            if piece == "\t":
                w("tab", run)
            elif piece == "\n":
                w("br", run)
            elif piece:
                t = w("t", run)
                t.text = piece
                if piece != piece.strip():
                    t.set(f"{{{XML_NS}}}space", "preserve")
        return run

    # --- the template ---------------------------------------------------------------------

    def _open(self) -> WordDocument:
        import docx

        reference = self.document.options.templates.reference_docx
        if reference is None:
            word = docx.Document()
            _drop_template_extras(word)
            return word
        try:
            return docx.Document(io.BytesIO(reference))
        except Exception as error:  # python-docx raises several kinds for a bad package
            raise ReferenceDocxError(
                f"reference.docx is not a Word document ({error})",
                hint="save reference.docx from Word or LibreOffice as a Word document (.docx)",
            ) from None

    def _page_setup(self) -> None:
        """A4, for the packaged template."""
        section = self._end
        for child in list(section):
            if child.tag in (f"{{{W_NS}}}pgSz", f"{{{W_NS}}}pgMar"):
                section.remove(child)
        margins = w("pgMar")
        for side in ("top", "right", "bottom", "left"):
            margins.set(f"{{{W_NS}}}{side}", str(MARGIN))
        for name, value in (("header", "709"), ("footer", "709"), ("gutter", "0")):
            margins.set(f"{{{W_NS}}}{name}", value)
        section.insert(0, margins)
        section.insert(0, w("pgSz", w=str(A4[0]), h=str(A4[1])))

    def _text_width(self) -> int:
        """The width between the margins, in twentieths of a point."""
        size = _child(self._end, "pgSz")
        margins = _child(self._end, "pgMar")
        width = int(_get(size, "w", str(A4[0]))) if size is not None else A4[0]
        if margins is None:
            return width - 2 * MARGIN
        return width - int(_get(margins, "left", "0")) - int(_get(margins, "right", "0"))

    def _tune_template(self) -> None:
        """python-docx's template, in the project's colour and font, with room under the
        headings and indented quotes."""
        styles = self.styles
        styles.remove("TOC Heading")  # based on Heading 1 there: see STYLES
        branding = self.document.options.branding
        color = branding.primary_color.lstrip("#").upper()
        if len(color) == 3:
            color = "".join(c * 2 for c in color)
        for name in ("Title", "heading 1", "heading 2", "heading 3", "Organisation", "TOC Heading"):
            properties = _child(styles.element(name), "rPr")
            if properties is not None:
                for old in properties.findall(f"{{{W_NS}}}color"):
                    properties.remove(old)
                _insert_in_order(properties, w("color", val=color), _RPR_ORDER)
        for name, after in (("heading 1", "120"), ("heading 2", "60"), ("heading 3", "60")):
            spacing = styles.element(name).find(f"{{{W_NS}}}pPr/{{{W_NS}}}spacing")
            if spacing is not None:
                spacing.set(f"{{{W_NS}}}after", after)
        quote = styles.element("Quote")
        if _child(quote, "pPr") is None:
            properties = w("pPr")
            w("ind", properties, left="720", right="720")
            run_properties = _child(quote, "rPr")
            if run_properties is not None:
                run_properties.addprevious(properties)
            else:
                quote.append(properties)
        family = _first_font(branding.font_family)
        if family is not None:
            self._declare_font(branding.font_family)
            root = styles.root
            for fonts in list(root.iter(f"{{{W_NS}}}rFonts")):
                fonts.getparent().remove(fonts)
            defaults = root.find(f"{{{W_NS}}}docDefaults/{{{W_NS}}}rPrDefault/{{{W_NS}}}rPr")
            if defaults is not None:
                fonts = w("rFonts", ascii=family, hAnsi=family, eastAsia=family, cs=family)
                _insert_in_order(defaults, fonts, _RPR_ORDER)

    def _declare_font(self, stack: str) -> None:
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
        rels = self.part.rels
        root = parse_xml(f'<w:fonts xmlns:w="{W_NS}"/>')
        partname = PackURI("/word/fontTable.xml")
        for rid, rel in list(rels.items()):
            if rel.reltype == RT.FONT_TABLE:
                partname = rel.target_part.partname
                root = parse_xml(rel.target_part.blob)
                del rels[rid]
        for font in root.findall(f"{{{W_NS}}}font"):
            if _get(font, "name") == names[0]:
                root.remove(font)
        font = w("font", name=names[0])
        if len(names) > 1:
            w("altName", font, val=names[-1])
        w("charset", font, val="00")
        w("family", font, val=kind)
        w("pitch", font, val="fixed" if kind == "modern" else "variable")
        root.insert(0, font)
        table = XmlPart(partname, CT.WML_FONT_TABLE, root, self.part.package)
        self.part.relate_to(table, RT.FONT_TABLE)

    def _language(self) -> None:
        """Proof in the policy's language: in the defaults, every style, and the settings."""
        language = self.locale.word_language
        root = self.styles.root
        defaults = _child(root, "docDefaults")
        if defaults is None:
            defaults = w("docDefaults")
            root.insert(0, defaults)
        run_defaults = _child(defaults, "rPrDefault")
        if run_defaults is None:
            run_defaults = w("rPrDefault")
            defaults.insert(0, run_defaults)
        properties = _child(run_defaults, "rPr")
        if properties is None:
            properties = w("rPr", run_defaults)
        if _child(properties, "lang") is None:
            _insert_in_order(properties, w("lang"), _RPR_ORDER)
        for lang in root.iter(f"{{{W_NS}}}lang"):
            lang.set(f"{{{W_NS}}}val", language)
        settings = self.word.settings.element
        for child in list(settings):
            # No edit-session ids, and no claim that spelling was checked already.
            if child.tag in (f"{{{W_NS}}}rsids", f"{{{W_NS}}}proofState"):
                settings.remove(child)
        font_language = _child(settings, "themeFontLang")
        if font_language is not None:
            font_language.set(f"{{{W_NS}}}val", language)

    # --- title block and contents ---------------------------------------------------------

    def title_block(self) -> None:
        """The draft mark, logo, organisation, title, facts and the decision. Only a PNG
        logo is placed: Word shows an SVG only beside a PNG fallback, which needs a
        rasteriser we do not have."""
        doc = self.document
        policy = doc.policy
        if doc.draft_mark:
            self.text(self.paragraph("Draft Mark"), doc.draft_mark)
        branding = doc.options.branding
        if branding.logo is not None and branding.logo_media_type == "image/png":
            self._logo(branding.logo)
        if doc.author:
            self.text(self.paragraph("Organisation"), doc.author)
        self.text(self.paragraph("Title"), policy.title)
        self.labelled("Policy Facts", self.locale["status"], doc.status_label)
        self.labelled("Policy Facts", self.locale["version"], policy.version)
        if policy.owner:
            self.labelled("Policy Facts", self.locale["owner"], policy.owner)
        last = policy.last_adoption
        if last is not None and last.reference:
            self.labelled("Policy Facts", self.locale["case_reference"], last.reference)
        for statement in (doc.adoption_statement, doc.repeal_statement):
            if statement:
                self.text(self.paragraph("Decision Statement"), statement)

    def _logo(self, png: bytes) -> None:
        """The logo, 1.8 cm high, with the organisation's name as its alternative text."""
        from docx.shared import Cm

        inline = self.part.new_pic_inline(io.BytesIO(png), None, Cm(1.8))
        drawing_ns = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        properties = inline.find(f"{{{drawing_ns}}}docPr")
        if properties is not None:
            properties.set("name", "Logo")
            properties.set("descr", self.document.author)
        w("drawing", w("r", self.paragraph("Organisation"))).append(inline)

    def labelled(self, style: str, label: str, value: str) -> None:
        """A short labelled line, such as "Status: Vedtaget"."""
        p = self.paragraph(style)
        self.text(p, f"{label}:", BOLD)
        self.text(p, f" {value}")

    def contents(self) -> None:
        """The table of contents: a TOC field whose result lists the sections and goal
        groups, as Word's update will, so it reads well before that adds page numbers.
        Word is asked to update it when it opens the file."""
        self.text(self.paragraph("TOC Heading"), self.locale["contents"])
        entries = list(self._contents_entries())
        for index, (level, anchor, title) in enumerate(entries):
            p = self.paragraph(f"toc {level}")
            if index == 0:
                self._field_begin(p, TOC_INSTRUCTION, dirty=True)
            link = w("hyperlink", p, anchor=bookmark_name(anchor), history="1")
            self.text(link, title)
            if index == len(entries) - 1:
                _field_char(p, "end")

    def _contents_entries(self) -> Iterable[tuple[int, str, str]]:
        for section in self.document.sections:
            yield 1, section.anchor, section.title
            if isinstance(section.part, Goals):
                for index, group in enumerate(section.part.groups, start=1):
                    yield 2, _group_anchor(group, index), group.title

    def _field_begin(self, p: BaseOxmlElement, instruction: str, *, dirty: bool = False) -> None:
        _field_char(p, "begin", dirty=dirty)
        code = w("instrText", w("r", p))
        code.text = instruction
        code.set(f"{{{XML_NS}}}space", "preserve")
        _field_char(p, "separate")

    # --- sections ---------------------------------------------------------------------------

    def section(self, section: NumberedSection, *, first: bool = False) -> None:
        """A numbered section; the first starts a page, after the title and contents."""
        self.heading(1, section.title, section.anchor, page_break_before=first)
        part = section.part
        if isinstance(part, Purpose | Principle):
            self.prose(part.text)
        elif isinstance(part, Goals):
            self.goals(part)
        elif isinstance(part, Definitions):
            self.definitions(part)
        elif isinstance(part, Principles):
            if part.intro:
                self.prose(part.intro)
        else:
            assert isinstance(part, Evaluation)
            self.evaluation(part)

    def heading(
        self, level: int, text: str, anchor: str, *, page_break_before: bool = False
    ) -> None:
        """A heading with a bookmark, which the contents link to."""
        p = self.paragraph(f"heading {level}", page_break_before=page_break_before)
        mark = str(self._bookmarks)
        self._bookmarks += 1
        w("bookmarkStart", p, id=mark, name=bookmark_name(anchor))
        self.text(p, text)
        w("bookmarkEnd", p, id=mark)

    def goals(self, goals: Goals) -> None:
        if goals.intro:
            self.prose(goals.intro)
        for index, group in enumerate(goals.groups, start=1):
            self.goal_group(group, _group_anchor(group, index))

    def goal_group(self, group: GoalGroup, anchor: str) -> None:
        """A group's title as Heading 2, and its goals as a bulleted list."""
        self.heading(2, group.title, anchor)
        if group.intro:
            self.prose(group.intro)
        num = self.numbering.bullet_list()
        for item in group.items:
            self.list_item(item.text.blocks, num, 0)
            if item.indicator:
                p = self.continuation(0)
                self.text(p, f"{self.locale['indicator']}:", BOLD)
                self.text(p, f" {item.indicator}")

    def definitions(self, definitions: Definitions) -> None:
        """Each term in bold on a line of its own, followed by its definition."""
        if definitions.intro:
            self.prose(definitions.intro)
        for definition in definitions.terms:
            self.text(self.paragraph("Definition Term"), definition.term, BOLD)
            self.prose(definition.text)

    def evaluation(self, evaluation: Evaluation) -> None:
        """The rule, then how often, how and by whom, as labelled lines."""
        self.prose(evaluation.rule)
        labels = self.locale
        if evaluation.interval is not None:
            self.labelled("Policy Facts", labels["interval"], labels.interval(evaluation.interval))
        if evaluation.methods:
            self.labelled("Policy Facts", labels["methods"], ", ".join(evaluation.methods))
        if evaluation.responsible:
            self.labelled("Policy Facts", labels["responsible"], evaluation.responsible)

    def closing(self) -> None:
        """Related documents and the organisation's contact block, after the last section."""
        related = self.document.policy.related
        if related:
            self.text(self.paragraph("Closing Heading"), self.locale["related"])
            num = self.numbering.bullet_list()
            for item in related:
                p = self.paragraph("List Paragraph", numbering=(num, 0))
                self.segments(p, [Segment(item.title, PLAIN, item.url)])
        org = self.document.organisation
        if org is None:
            return
        self.text(self.paragraph("Closing Heading"), self.locale["contact"])
        self.text(self.paragraph("Contact"), org.name, BOLD)
        for line in org.address:
            self.text(self.paragraph("Contact"), line)
        if org.phone:
            self.text(self.paragraph("Contact"), f"{self.locale['phone']} {org.phone}")
        if org.email:
            p = self.paragraph("Contact")
            self.text(p, f"{self.locale['email']}: ")
            self.segments(p, [Segment(org.email, PLAIN, f"mailto:{org.email}")])
        if org.web:
            self.segments(self.paragraph("Contact"), [Segment(org.web, PLAIN, org.web)])

    # --- prose ------------------------------------------------------------------------------

    def prose(self, prose: Prose) -> None:
        for block in prose.blocks:
            self.block(block, level=-1)

    def block(self, block: Block, level: int, *, quote: bool = False) -> None:
        """A block inside a list item at `level`, or outside any list at level -1."""
        if isinstance(block, Paragraph):
            if quote:
                p = self.paragraph("Quote")
            elif level >= 0:
                p = self.continuation(level)
            else:
                p = self.paragraph("Normal")
            self.segments(p, inline_segments(block.children))
        elif isinstance(block, BlockQuote):
            for child in block.blocks:
                self.block(child, level, quote=True)
        else:
            self.list_block(block, min(level + 1, MAX_LEVEL))

    def list_block(self, block: BulletList | OrderedList, level: int) -> None:
        if isinstance(block, OrderedList):
            num = self.numbering.ordered_list(block.start, level)
        else:
            num = self.numbering.bullet_list()
        for item in block.items:
            self.list_item(item.blocks, num, level)

    def list_item(self, blocks: Sequence[Block], num: int, level: int) -> None:
        """The item's first paragraph carries its number; the rest are indented under it."""
        p = self.paragraph("List Paragraph", numbering=(num, level))
        rest = list(blocks)
        first = rest[0] if rest else None
        if isinstance(first, Paragraph):
            self.segments(p, inline_segments(first.children))
            rest.pop(0)
        for block in rest:  # an item that opens with a list keeps its number on a line of its own
            self.block(block, level)

    def continuation(self, level: int) -> BaseOxmlElement:
        """A further paragraph of a list item at `level`, indented under the item's text.

        Its numId 0 means "not numbered" to Word and LibreOffice; pandoc finds no list for
        it and so, rightly, folds it into the item before."""
        return self.paragraph(
            "List Paragraph", numbering=(0, level), indent=LIST_INDENT * (level + 1)
        )

    def segments(self, parent: BaseOxmlElement, segments: Iterable[Segment]) -> None:
        """Runs for the segments. Consecutive segments of one link share a hyperlink; a link
        that is not http, https or mailto stays plain text."""
        link: BaseOxmlElement | None = None
        href: str | None = None
        for segment in segments:
            if segment.href is None or not is_safe_url(segment.href):
                link = href = None
                self.text(parent, segment.text, segment.format)
                continue
            if link is None or segment.href != href:
                href = segment.href
                rid = self.part.relate_to(href, HYPERLINK_REL, is_external=True)
                link = w("hyperlink", parent, history="1")
                link.set(f"{{{R_NS}}}id", rid)  # once in the tree, so that it takes r:
            fmt = segment.format
            self.text(link, segment.text, RunFormat(fmt.bold, fmt.italic, "Hyperlink"))

    # --- footer and properties ----------------------------------------------------------

    def _footer(self) -> None:
        """The draft mark, organisation and title, and "side X af Y" to the right."""
        section = self.word.sections[0]
        footer = section.footer
        reference = self.document.options.templates.reference_docx is not None
        if reference and not footer.is_linked_to_previous:
            return  # the reference document's own footer wins, as with pandoc
        footer.is_linked_to_previous = False
        root = footer._element
        for child in list(root):
            root.remove(child)
        p = w("p", root)
        properties = w("pPr", p)
        w("pStyle", properties, val=self.styles["footer"])
        w("tab", w("tabs", properties), val="right", pos=str(self._text_width()))
        self.text(p, f"{self.footer_text()}\t")
        for piece in re.split(r"(\{page\}|\{pages\})", self.locale["page_x_of_y"]):
            if piece in ("{page}", "{pages}"):
                self._field_begin(p, " PAGE " if piece == "{page}" else " NUMPAGES ")
                self.text(p, "1")
                _field_char(p, "end")
            elif piece:
                self.text(p, piece)

    def footer_text(self) -> str:
        """The footer's left part: the draft mark, the organisation and the title."""
        doc = self.document
        return " · ".join(x for x in (doc.draft_mark, doc.author, doc.policy.title) if x)

    def _properties(self) -> None:
        """Core properties, dated from the policy so that the file is reproducible."""
        doc = self.document
        props = self.word.core_properties
        props.title = doc.policy.title
        props.author = doc.author
        props.subject = doc.subject
        props.keywords = ", ".join(doc.policy.keywords)
        props.language = self.locale.word_language
        props.content_status = doc.status_label
        props.version = doc.policy.version
        props.comments = ""
        props.last_modified_by = "policykit"
        props.revision = 1
        props.created = _midnight(doc.created)
        props.modified = _midnight(doc.modified)


def _group_anchor(group: GoalGroup, index: int) -> str:
    return f"goals-{group.id}" if group.id else f"goals-{index}"


def _field_char(p: BaseOxmlElement, kind: str, *, dirty: bool = False) -> None:
    char = w("fldChar", w("r", p), fldCharType=kind)
    if dirty:  # Word offers to update the field when it opens the file
        char.set(f"{{{W_NS}}}dirty", "true")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


_GENERIC_FONTS = ("serif", "sans-serif", "monospace", "system-ui", "cursive", "fantasy")


def _font_names(stack: str) -> list[str]:
    """The named families of a CSS font stack, without the generic ones."""
    names = (family.strip().strip("'\"").strip() for family in stack.split(","))
    return [name for name in names if name and name not in _GENERIC_FONTS]


def _first_font(stack: str) -> str | None:
    """The first named family of a CSS font stack: Word takes one font, not a list."""
    names = _font_names(stack)
    return names[0] if names else None


#: The schema's order of a run's properties, for inserting into an existing `w:rPr`.
_RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)


def _insert_in_order(parent: BaseOxmlElement, child: BaseOxmlElement, order: Sequence[str]) -> None:
    """Insert `child` where the schema's `order` of local names puts it."""
    rank = order.index(str(child.tag).rsplit("}", 1)[-1])
    for index, existing in enumerate(parent):
        local = str(existing.tag).rsplit("}", 1)[-1]
        if local in order and order.index(local) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _strip_rsids(element: BaseOxmlElement) -> None:
    for attribute in list(element.attrib):
        if str(attribute).startswith(f"{{{W_NS}}}rsid"):
            del element.attrib[attribute]


def _drop_template_extras(word: WordDocument) -> None:
    """python-docx's template carries a thumbnail of an empty page, a customXml item, and a
    second copy of its styles for Word 2010. A policy needs none of them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    unwanted = {
        RT.THUMBNAIL,
        RT.CUSTOM_XML,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
    for rels in (word.part.package.rels, word.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in unwanted:
                del rels[rid]


# --- inlines ----------------------------------------------------------------------------------


def inline_segments(
    inlines: Sequence[Inline], fmt: RunFormat = PLAIN, href: str | None = None
) -> list[Segment]:
    """Inlines as segments of one format each: a soft break is a space, and neighbours that
    look alike are merged, so there are as few runs as the formatting allows."""
    out: list[Segment] = []

    def add(segment: Segment) -> None:
        if out and out[-1].format == segment.format and out[-1].href == segment.href:
            out[-1] = Segment(out[-1].text + segment.text, segment.format, segment.href)
        elif segment.text:
            out.append(segment)

    for node in inlines:
        if isinstance(node, Text):
            add(Segment(node.text, fmt, href))
        elif isinstance(node, SoftBreak):
            add(Segment(" ", fmt, href))
        elif isinstance(node, Emphasis):
            for child in inline_segments(node.children, RunFormat(fmt.bold, True), href):
                add(child)
        elif isinstance(node, Strong):
            for child in inline_segments(node.children, RunFormat(True, fmt.italic), href):
                add(child)
        else:
            assert isinstance(node, Link)
            for child in inline_segments(node.children, fmt, node.href):
                add(child)
    return out


# --- the package ------------------------------------------------------------------------------


def _reproducible_zip(data: bytes) -> bytes:
    """The package rewritten with fixed timestamps and attributes, in a fixed entry order
    ([Content_Types].xml first, as Office writes it), so equal input gives equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    if "docProps/app.xml" in entries:
        entries["docProps/app.xml"] = APP_XML
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
