"""The adoption brief's writers: one A4 page as HTML printed to PDF, and a Word file.

The HTML comes from `templates/brief.html.j2` (autoescaped, and a user's sandboxed, like the
policy's page) and is printed by the PDF writer's `html_to_pdf`. The Word file is the policy's
`DocxWriter` with another body, so it shares the template, styles, footer and properties.
Both are pure: the same brief gives the same bytes.
"""

from __future__ import annotations

from dataclasses import replace

from policykit.comparing.meaning import Category
from policykit.comparing.summary import KINDS
from policykit.planning.brief import Action, Brief
from policykit.writing.docx import BOLD, DocxWriter, Segment
from policykit.writing.docx.ooxml import W_NS, w
from policykit.writing.docx.tables import room
from policykit.writing.html import prose_html
from policykit.writing.layout import Document
from policykit.writing.reasons import ReasonRow, reason_rows
from policykit.writing.templating import render, stylesheet

TEMPLATE = "brief.html.j2"
STYLESHEET = "brief.css"
#: The summary table's columns in Word, in twentieths of a point: the part, then four counts.
PART_COLUMN = 2800
COUNT_COLUMN = 1300
#: The page's top and bottom margin in Word, in twentieths of a point (12.5 mm), with the
#: footer half as far from the edge.
BRIEF_MARGIN = 709
#: Room above a section heading (a policy has 480), so the brief fits on one A4 page.
HEADING_BEFORE = 200


def write_brief_html(brief: Brief, document: Document) -> str:
    """The brief as one self-contained page."""
    from markupsafe import Markup

    branding = document.options.branding
    templates = document.options.templates
    return render(
        TEMPLATE,
        templates,
        brief=brief,
        doc=document,
        labels=document.locale.labels,
        css=Markup(stylesheet(STYLESHEET, templates, tables=document.has_tables)),
        branding_css=Markup(branding.css),
        logo=branding.logo_uri,
        prose=prose_html,
        reasons=_reasons(brief, document),
    )


def _reasons(brief: Brief, document: Document) -> list[ReasonRow]:
    """The substantive changes and why, and any the secretariat overruled, each named by
    its part ("Mål") as the summary's rows are. The editorial ones are counted in the
    summary and shown in the redline, so that the brief stays one page."""
    if not brief.changes:
        return []
    labels = document.locale.labels
    rows = reason_rows(brief.changes, None, document)
    return [
        replace(row, place=labels.get(change.part, row.place))
        for row, change in zip(rows, brief.changes.changes, strict=True)
        if change.category is Category.SUBSTANTIVE or change.found is not None
    ]


def write_brief_pdf(brief: Brief, document: Document) -> bytes:
    from policykit.writing.pdf import html_to_pdf

    return html_to_pdf(write_brief_html(brief, document), document)


def write_brief_docx(brief: Brief, document: Document) -> bytes:
    return BriefDocxWriter(brief, document).write()


class BriefDocxWriter(DocxWriter):
    """The brief in Word: the policy writer's machinery with the brief as its body."""

    content_marks = False

    def __init__(self, brief: Brief, document: Document) -> None:
        super().__init__(document)
        self.brief = brief

    def custom_properties(self) -> list[tuple[str, str]]:
        return []  # a brief is not a copy of the policy to be edited and read back

    def body(self) -> None:
        brief, labels = self.brief, self.locale
        self._tighten_page()
        if self.document.author:
            self.text(self.paragraph("Organisation"), self.document.author)
        self.text(self.paragraph("Organisation"), brief.heading)
        self.text(self.paragraph("Title"), brief.title)
        if brief.reference:
            self.labelled("Policy Facts", labels["case_reference"], brief.reference)
        self.labelled("Policy Facts", labels["brief_meeting"], brief.meeting_text)
        p = self.paragraph("Policy Facts")
        self.text(p, f"{labels['brief_action']}:", BOLD)
        self.text(p, " ")
        self.text(p, brief.action_label, BOLD)
        self.labelled("Policy Facts", labels["version"], brief.version)

        self.section_heading(labels["brief_case"])
        for sentence in brief.proposal:
            self.text(self.paragraph("Normal"), sentence)

        if brief.changes is not None:
            self.section_heading(labels["brief_changes"])
            self.text(self.paragraph("Normal"), brief.category_text or "", BOLD)
            if brief.summary:
                self.summary_table()
            self.reasons()

        self.section_heading(labels["brief_evaluation"])
        if brief.action is Action.REPEAL:
            self.text(self.paragraph("Normal"), labels["brief_repeal_evaluation"])
        else:
            if brief.rule is not None:
                self.prose(brief.rule)
            else:
                self.text(self.paragraph("Normal"), labels["brief_no_rule"])
            if brief.interval_text:
                self.labelled("Policy Facts", labels["interval"], brief.interval_text)
            self.labelled("Policy Facts", labels["brief_next_due"], brief.next_due_text)

        self.section_heading(labels["brief_recommendation"])
        self.text(self.paragraph("Normal"), brief.recommendation, BOLD)

    def _tighten_page(self) -> None:
        """The packaged template's margins, less at the top and bottom (as the PDF's), so
        that the brief fits one A4 page. A reference document keeps its own."""
        if self.document.options.templates.reference_docx is not None:
            return
        margins = self.end.find(f"{{{W_NS}}}pgMar")
        if margins is not None:
            for side in ("top", "bottom"):
                margins.set(f"{{{W_NS}}}{side}", str(BRIEF_MARGIN))
            for side in ("header", "footer"):
                margins.set(f"{{{W_NS}}}{side}", str(BRIEF_MARGIN // 2))

    def section_heading(self, text: str) -> None:
        """A Heading 1 with less room above it than a policy's, so the brief fits a page."""
        p = self.paragraph("heading 1")
        properties = p[0]  # pPr, which holds only the style: spacing may follow it
        w("spacing", properties, before=str(HEADING_BEFORE), after="80")
        self.text(p, text)

    def summary_table(self) -> None:
        """The parts changed and the items added, removed, modified and moved: a Word table
        with a repeating header row and a total row."""
        labels = self.locale
        header = [labels["part"], *(labels[kind] for kind in KINDS)]
        rows = [
            [labels[row.part], *(str(getattr(row, kind)) for kind in KINDS)]
            for row in self.brief.summary
        ]
        totals = [labels["total"], *(str(total) for total in self.brief.totals)]
        cells = [[[Segment(text)] for text in row] for row in (header, *rows, totals)]
        # Each count column as wide as its bold heading ("Removed", "Tilføjet") needs.
        counts = max(COUNT_COLUMN, *(room(len(label), bold=True) for label in header[1:]))
        widths = [PART_COLUMN, *[counts] * 4]
        self.table(
            cells, widths, style="Policy Facts", align=[None, *["right"] * 4], total_row=True
        )

    def reasons(self) -> None:
        """Each change and why, one short paragraph each: "Mål: ændret, indholdsmæssig –
        'skal' → 'kan' ændrer en pligt"."""
        for row in _reasons(self.brief, self.document):
            p = self.paragraph("Brief Reason")
            self.text(p, f"• {row.place}: ", BOLD)
            self.text(p, row.line)

    def footer_text(self) -> str:
        """As the PDF's: "Ikast-Brande Kommune · Indstilling til Byrådet: Kommunikationspolitik"
        (the brief is no draft of the policy, so it has no draft mark)."""
        return self.brief.footer(self.document.author)

    def properties(self) -> None:
        """The policy's properties, titled as the brief."""
        super().properties()
        properties = self.word.core_properties
        properties.title = self.brief.full_title
        properties.subject = self.brief.recommendation
