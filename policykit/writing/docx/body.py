"""The body of a Word document: the title block, contents, the numbered sections, prose,
lists, footer and properties, written by `DocxWriter`, which the redline and the brief
extend."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

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
    Section,
    SoftBreak,
    Strong,
    Table,
    Text,
)
from policykit.reading.prose import inline_text, is_safe_url, policy_target
from policykit.writing.docx.numbering import LIST_INDENT, MAX_LEVEL, Numbering, numbering_root
from policykit.writing.docx.ooxml import (
    HYPERLINK_REL,
    NOT_XML,
    R_NS,
    W_NS,
    XML_NS,
    append_text,
    bookmark_name,
    content_mark,
    field_char,
    strip_rsids,
    w,
)
from policykit.writing.docx.package import (
    only_section,
    open_template,
    package_parts,
    page_setup,
    release,
    reproducible_zip,
    text_width,
    with_custom_properties,
)
from policykit.writing.docx.styles import Styles, set_language, tune_template
from policykit.writing.docx.tables import (
    JUSTIFICATION,
    cell_element,
    column_widths,
    footer_table,
    footer_widths,
    room,
    row_element,
    table_element,
)
from policykit.writing.layout import (
    Document,
    NumberedSection,
    PolicyLinks,
    evaluation_facts,
    subsection_anchor,
)

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.parts.document import DocumentPart

#: Headings 1–3 as hyperlinks (\h), no page numbers in web view (\z), and paragraphs with
#: an outline level (\u).
#: The contents list the numbered sections (Heading 1), as the PDF's do; goal groups and
#: subsections are in Word's navigation pane.
TOC_INSTRUCTION = ' TOC \\o "1-1" \\h \\z \\u '


@dataclass(frozen=True, slots=True)
class RunFormat:
    """How a run of text looks: direct bold and italic, and a character style by name."""

    bold: bool = False
    italic: bool = False
    style: str | None = None


PLAIN = RunFormat()
BOLD = RunFormat(bold=True)


def write_docx(document: Document, *, content_marks: bool = True) -> bytes:
    """The policy as a .docx file. The same document always gives the same bytes."""
    writer = DocxWriter(document)
    writer.content_marks = content_marks
    return writer.write()


#: Content bookmarks' ids start here, above any heading's or tracked change's.
CONTENT_MARK_IDS = 1_000_000


@dataclass(frozen=True, slots=True)
class Segment:
    """A run's worth of inline text: one format, and the link it belongs to, if any."""

    text: str
    format: RunFormat = PLAIN
    href: str | None = None


class DocxWriter:
    """Writes one document. `write` opens the template, then calls the three hooks `body`,
    `footer` and `properties`, and packs the file.

    The redline and the brief extend it through those hooks and these attributes, set by
    `write` before the hooks run:

    - `word`, `part`: the python-docx document and its main part;
    - `styles` (`Styles`) and `numbering` (`Numbering`), which add what they are asked for;
    - `end`: the body's section properties, before which every paragraph is inserted;
    - `bookmark_count`: the bookmarks written so far, which number them.

    Every paragraph of the body is made by `paragraph`, and every run of text, in the body
    and the footer, by `text`.
    """

    #: A point bookmark opens every goal, term, prose paragraph and evaluation line, so that
    #: `import --update` finds each paragraph of an edited copy. The redline and the brief,
    #: which are not read back, leave them out.
    content_marks = True

    def __init__(self, document: Document) -> None:
        self.document = document
        self.locale = document.locale
        self.bookmark_count = 0
        self.content_mark_count = 0
        self._marking = False
        #: The first paragraph of each shape (style, numbering, indent, page break), which
        #: every other of that shape is a copy of.
        self._paragraphs: dict[
            tuple[str, tuple[int, int] | None, int | None, bool], BaseOxmlElement
        ] = {}
        #: The first run of each format, likewise.
        self._runs: dict[RunFormat, BaseOxmlElement] = {}
        #: Word cannot link to another policy's file: it names the policy instead.
        self.links = document.policy_links("")

    def write(self) -> bytes:
        """The document, packed: `build`, then `pack`."""
        return self.pack(self.build())

    def pack(self, word: WordDocument) -> bytes:
        """The package of `word`, zipped; `word` is let go of (`package.release`)."""
        parts = with_custom_properties(package_parts(word), self.custom_properties())
        release(word)
        return reproducible_zip(parts)

    def build(self) -> WordDocument:
        """The document made in memory (`word`), from the template through the hooks."""
        word = self.begin()
        self.body()
        self.footer()
        self.properties()
        return word

    def begin(self) -> WordDocument:
        """The template opened and readied (`word`), with none of the document in it yet."""
        self.word = word = open_template(self.document.options.templates.reference_docx)
        self.part: DocumentPart = word.part
        self.styles = Styles(cast("BaseOxmlElement", word.styles.element))
        self.numbering = Numbering(numbering_root(self.part))
        body = word.element.body
        for element in list(body):
            if element.tag != f"{{{W_NS}}}sectPr":
                body.remove(element)
        self.end: BaseOxmlElement = body.get_or_add_sectPr()
        strip_rsids(self.end)
        if self.document.options.templates.reference_docx is None:
            page_setup(self.end)
            tune_template(self.styles, self.part, self.document.options.branding)
        set_language(self.styles, word, self.locale.word_language)
        return word

    def custom_properties(self) -> list[tuple[str, str]]:
        """What `policykit import --update` reads an edited copy back against: the policy's
        id and version, and the SHA-256 of the YAML it was made from (when known)."""
        doc = self.document
        properties = [("policykit.id", doc.policy.id), ("policykit.version", doc.policy.version)]
        if doc.source_digest:
            properties.append(("policykit.sha256", doc.source_digest))
        return properties

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
        into: BaseOxmlElement | None = None,
    ) -> BaseOxmlElement:
        """A new paragraph at the end of the body (or of `into`, a table cell), in the style
        called `style`. With `numbering` as (numId, level), it is a list item."""
        shape = (style, numbering, indent, page_break_before)
        made = self._paragraphs.get(shape)
        if made is None:
            made = self._paragraphs[shape] = self._new_paragraph(*shape)
        # A copy of the first paragraph of its shape, made in C: a list item's six
        # elements made one by one took 18 µs, copied 4 (a redline makes 13,000 paragraphs).
        # lxml's `__copy__` copies the whole tree, as `copy.deepcopy` does through it, less
        # the memo (0.6 µs, not 1.5).
        p: BaseOxmlElement = made.__copy__()
        if into is not None:
            into.append(p)
        else:
            self.end.addprevious(p)  # the section's properties stay last
        if self._marking and into is None:
            self._marking = False
            self.point_bookmark(p, self.content_mark_count)
            self.content_mark_count += 1
        return p

    def _new_paragraph(
        self, style: str, numbering: tuple[int, int] | None, indent: int | None, page_break: bool
    ) -> BaseOxmlElement:
        """An empty paragraph of that shape, in no document (see `paragraph`)."""
        p = w("p")
        properties = w("pPr", p)
        w("pStyle", properties, val=self.styles[style])
        if page_break:
            w("pageBreakBefore", properties)
        if numbering is not None:
            number = w("numPr", properties)
            w("ilvl", number, val=str(numbering[1]))
            w("numId", number, val=str(numbering[0]))
        if indent is not None:
            w("ind", properties, left=str(indent))
        return p

    def table(
        self,
        rows: Sequence[Sequence[Sequence[Segment]]],
        widths: Sequence[int],
        *,
        style: str,
        header_style: str | None = None,
        align: Sequence[str | None] = (),
        total_row: bool = False,
    ) -> BaseOxmlElement:
        """A table at the end of the body: `rows` of cells of segments, the first row the
        header, which repeats on every page. Each cell is a paragraph in `style`, the
        header's in `header_style` (or in `style` and bold), aligned as its column's `align`
        says; with `total_row`, the last row is bold."""
        table = table_element(widths, total_row=total_row)
        for index, cells in enumerate(rows):
            header = index == 0
            bold = (header and header_style is None) or (total_row and index == len(rows) - 1)
            row = row_element(table, header=header)
            for column, (segments, width) in enumerate(zip(cells, widths, strict=True)):
                cell = cell_element(row, width, header=header)
                p = self.paragraph((header and header_style) or style, into=cell)
                properties = p[0]
                w("spacing", properties, before="20", after="20")
                value = align[column] if column < len(align) else None
                if value in JUSTIFICATION:
                    w("jc", properties, val=JUSTIFICATION[value])
                if bold:
                    segments = [
                        Segment(s.text, RunFormat(True, s.format.italic, s.format.style), s.href)
                        for s in segments
                    ]
                self.segments(p, segments)
        self.end.addprevious(table)
        return table

    def text(self, parent: BaseOxmlElement, text: str, fmt: RunFormat = PLAIN) -> BaseOxmlElement:
        """A run of `text` at the end of `parent`, a paragraph or a hyperlink; the run is
        returned. Tabs and line breaks in the text become Word's own."""
        made = self._runs.get(fmt)
        if made is None:
            made = self._runs[fmt] = self._new_run(fmt)
        # A copy of a run of that format with its text element, as `paragraph` copies (3 µs
        # instead of 6.5); text that `append_text` would split or clean goes through it.
        run: BaseOxmlElement = made.__copy__()
        parent.append(run)
        element = run[-1]
        if not text or "\t" in text or "\n" in text or NOT_XML.search(text):
            run.remove(element)
            append_text(run, text)
        else:
            element.text = text
            if text != text.strip():
                element.set(f"{{{XML_NS}}}space", "preserve")
        return run

    def _new_run(self, fmt: RunFormat) -> BaseOxmlElement:
        """A run in `fmt` with an empty text element, in no document (see `text`)."""
        run = w("r")
        if fmt != PLAIN:
            properties = w("rPr", run)
            if fmt.style is not None:
                w("rStyle", properties, val=self.styles[fmt.style])
            if fmt.bold:
                w("b", properties)
            if fmt.italic:
                w("i", properties)
        w("t", run)
        return run

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
        for key, value in (
            ("department", policy.department),
            ("case_number", policy.case_number),
            ("kle", policy.kle),
        ):
            if value:
                self.labelled("Policy Facts", self.locale[key], value)
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
        """The table of contents: a TOC field whose result already lists the sections, as
        Word's update will, each linked to its heading, so that it reads well when the file
        opens, with no prompt to update. It has no page numbers: where Word breaks the pages
        depends on the fonts of the machine that opens the file, so no number written here
        could be known to be right. Updating the field (F9) adds them."""
        self.text(self.paragraph("TOC Heading"), self.locale["contents"])
        sections = self.document.sections
        for index, section in enumerate(sections):
            p = self.paragraph("toc 1")
            if index == 0:
                self._field_begin(p, TOC_INSTRUCTION)
            link = w("hyperlink", p, anchor=bookmark_name(section.anchor), history="1")
            self.text(link, section.title)
            if index == len(sections) - 1:
                field_char(p, "end")

    def _field_begin(self, p: BaseOxmlElement, instruction: str) -> None:
        field_char(p, "begin")
        code = w("instrText", w("r", p))
        code.text = instruction
        code.set(f"{{{XML_NS}}}space", "preserve")
        field_char(p, "separate")

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
        elif isinstance(part, Section):
            self.free(part, section.anchor, 1)
        else:
            assert isinstance(part, Evaluation)
            self.evaluation(part)

    def free(self, section: Section, anchor: str, level: int) -> None:
        """A free section's prose, then its subsections as Heading 2, 3 and on (Word has nine
        heading levels; deeper ones stay at the ninth)."""
        if section.text is not None:
            self.prose(section.text)
        for index, child in enumerate(section.subsections, start=1):
            child_anchor = subsection_anchor(child, anchor, index)
            self.heading(min(level + 1, 9), child.heading, child_anchor)
            self.free(child, child_anchor, level + 1)

    def heading(
        self, level: int, text: str, anchor: str, *, page_break_before: bool = False
    ) -> None:
        """A heading with a bookmark, which the contents link to."""
        p = self.paragraph(f"heading {level}", page_break_before=page_break_before)
        mark = str(self.bookmark_count)
        self.bookmark_count += 1
        w("bookmarkStart", p, id=mark, name=bookmark_name(anchor))
        self.text(p, text)
        w("bookmarkEnd", p, id=mark)

    def mark_next(self) -> None:
        """Open the next body paragraph with a content bookmark (see `content_marks`)."""
        self._marking = self.content_marks

    def point_bookmark(self, p: BaseOxmlElement, number: int) -> None:
        """The `number`th content bookmark, empty, at the start of `p`: Word and LibreOffice
        keep it with the paragraph's first word, through edits and re-saves. Its id is
        counted apart from the headings' (`CONTENT_MARK_IDS`), which keep theirs."""
        mark = str(CONTENT_MARK_IDS + number)
        w("bookmarkStart", p, id=mark, name=content_mark(number))
        w("bookmarkEnd", p, id=mark)

    def goals(self, goals: Goals) -> None:
        if goals.intro:
            self.prose(goals.intro)
        for index, group in enumerate(goals.groups, start=1):
            self.goal_group(group, _group_anchor(group, index))

    def goal_group(self, group: GoalGroup, anchor: str) -> None:
        """A group's title as Heading 2, and its goals as a bulleted list."""
        if group.title:
            self.heading(2, group.title, anchor)
        if group.intro:
            self.prose(group.intro)
        num = self.numbering.bullet_list()
        for item in group.items:
            self.mark_next()
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
            self.mark_next()
            self.text(self.paragraph("Definition Term"), definition.term, BOLD)
            self.prose(definition.text)

    def evaluation(self, evaluation: Evaluation) -> None:
        """The rule, then how often, how and by whom, as labelled lines."""
        self.prose(evaluation.rule)
        for label, value in evaluation_facts(evaluation, self.locale):
            self.mark_next()
            self.labelled("Policy Facts", label, value)

    def closing(self) -> None:
        """Related documents and the organisation's contact block, after the last section."""
        laws = self.document.policy.legal_basis
        if laws:
            self.text(self.paragraph("Closing Heading"), self.locale["legal_basis"])
            num = self.numbering.bullet_list()
            for law in laws:
                p = self.paragraph("List Paragraph", numbering=(num, 0))
                self.segments(p, [Segment(law.title, PLAIN, law.url)])
        related = self.document.policy.related
        if related:
            self.text(self.paragraph("Closing Heading"), self.locale["related"])
            num = self.numbering.bullet_list()
            for item in related:
                p = self.paragraph("List Paragraph", numbering=(num, 0))
                self.segments(p, [Segment(item.title, PLAIN, item.url)])
        self.history()
        org = self.document.contact_organisation
        person = self.document.policy.contact
        if org is None and person is None:
            return
        self.text(self.paragraph("Closing Heading"), self.locale["contact"])
        if person is not None:
            self.contact_lines(person.name, (), person.phone, person.email, None)
        if org is not None:
            self.contact_lines(org.name, org.address, org.phone, org.email, org.web)

    def history(self) -> None:
        """The "Historik" table: every adoption, evaluation and the repeal, oldest first."""
        header, rows = self.document.history_table
        if not rows:
            return
        self.text(self.paragraph("Closing Heading"), self.locale["history"])
        # A date reads best on one line: its spaces do not break, and its column is as wide.
        table = [header, *((row[0].replace(" ", "\u00a0"), *row[1:]) for row in rows)]
        columns = [[row[c] for row in table] for c in range(len(header))]
        cells = [[[Segment(text, PLAIN)] for text in row] for row in table]
        widths = column_widths(columns, text_width(self.end))
        self.table(cells, widths, style="Table Text", header_style="Table Heading")

    def contact_lines(
        self,
        name: str,
        address: Sequence[str],
        phone: str | None,
        email: str | None,
        web: str | None,
    ) -> None:
        """One contact: the name in bold, then the address, phone, e-mail and website."""
        self.text(self.paragraph("Contact"), name, BOLD)
        for line in address:
            self.text(self.paragraph("Contact"), line)
        if phone:
            self.text(self.paragraph("Contact"), f"{self.locale['phone']} {phone}")
        if email:
            p = self.paragraph("Contact")
            self.text(p, f"{self.locale['email']}: ")
            self.segments(p, [Segment(email, PLAIN, f"mailto:{email}")])
        if web:
            self.segments(self.paragraph("Contact"), [Segment(web, PLAIN, web)])

    # --- prose ------------------------------------------------------------------------------

    def prose(self, prose: Prose) -> None:
        for block in prose.blocks:
            self.mark_next()
            self.block(block, level=-1)
        self._marking = False

    def block(self, block: Block, level: int, *, quote: bool = False) -> None:
        """A block inside a list item at `level`, or outside any list at level -1."""
        if isinstance(block, Paragraph):
            if quote:
                p = self.paragraph("Quote")
            elif level >= 0:
                p = self.continuation(level)
            else:
                p = self.paragraph("Normal")
            self.segments(p, inline_segments(block.children, links=self.links))
        elif isinstance(block, BlockQuote):
            for child in block.blocks:
                self.block(child, level, quote=True)
        elif isinstance(block, Table):
            self.prose_table(block)
        else:
            self.list_block(block, min(level + 1, MAX_LEVEL))

    def prose_table(self, table: Table) -> None:
        """A table in prose: its caption above it, as Word places a table's caption, and
        its columns sharing the text width by their content."""
        if table.caption:
            self.segments(
                self.paragraph("caption"), inline_segments(table.caption, links=self.links)
            )
        rows = [
            [inline_segments(cell.children, links=self.links) for cell in row]
            for row in (table.header, *table.rows)
        ]
        texts = [
            [inline_text(row[c].children) for row in (table.header, *table.rows)]
            for c in range(table.width)
        ]
        widths = column_widths(texts, text_width(self.end))
        # The header's bold comes from its style, so that readers such as pandoc do not
        # take it for strong text.
        self.table(
            rows, widths, style="Table Text", header_style="Table Heading", align=table.align
        )

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
            self.segments(p, inline_segments(first.children, links=self.links))
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

    def footer(self) -> None:
        """The draft mark, organisation and title, and "side X af Y" to the right."""
        footer = only_section(self.word).footer
        reference = self.document.options.templates.reference_docx is not None
        if reference and not footer.is_linked_to_previous:
            return  # the reference document's own footer wins, as with pandoc
        footer.is_linked_to_previous = False
        root = footer._element
        for child in list(root):
            root.remove(child)
        # Two cells of one borderless row: a long title wraps in its own cell, and "side 2
        # af 5" keeps to the right on the first line, whole (a tab would let it split or
        # drift to a line of its own).
        page_text = self.locale["page_x_of_y"]
        longest = page_text.format(page="999", pages="999")
        widths = footer_widths(text_width(self.end), room(len(longest)))
        row = w("tr", footer_table(root, widths))
        left = self.paragraph("footer", into=cell_element(row, widths[0], header=False))
        self.text(left, self.footer_text())
        right = self.paragraph("footer", into=cell_element(row, widths[1], header=False))
        w("jc", right[0], val="right")
        for piece in re.split(r"(\{page\}|\{pages\})", page_text):
            if piece in ("{page}", "{pages}"):
                self._field_begin(right, " PAGE " if piece == "{page}" else " NUMPAGES ")
                self.text(right, "1")
                field_char(right, "end")
            elif piece:
                self.text(right, piece.replace(" ", "\u00a0"))
        # A footer ends with a paragraph, as Word writes it; this one takes no room.
        end = self.paragraph("footer", into=root)
        w("spacing", end[0], before="0", after="0", line="20", lineRule="exact")
        w("sz", w("rPr", end[0]), val="2")

    def footer_text(self) -> str:
        """The footer's left part: the draft mark, the organisation and the title."""
        doc = self.document
        return " · ".join(x for x in (doc.draft_mark, doc.author, doc.policy.title) if x)

    def properties(self) -> None:
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


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def inline_segments(
    inlines: Sequence[Inline],
    fmt: RunFormat = PLAIN,
    href: str | None = None,
    links: PolicyLinks | None = None,
) -> list[Segment]:
    """Inlines as segments of one format each: a soft break is a space, and neighbours that
    look alike are merged, so there are as few runs as the formatting allows. A link to
    another policy is its text, and the policy's title where the text differs (`links`)."""
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
            for child in inline_segments(node.children, RunFormat(fmt.bold, True), href, links):
                add(child)
        elif isinstance(node, Strong):
            for child in inline_segments(node.children, RunFormat(True, fmt.italic), href, links):
                add(child)
        else:
            assert isinstance(node, Link)
            target = policy_target(node.href)
            if target is None:
                for child in inline_segments(node.children, fmt, node.href, links):
                    add(child)
                continue
            for child in inline_segments(node.children, fmt, None, links):
                add(child)
            _, title = (links or PolicyLinks(extension="")).resolve(
                target, inline_text(node.children)
            )
            if title:
                add(Segment(f" ({title})", fmt, None))
    return out
