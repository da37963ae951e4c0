"""What every writer renders: a policy laid out as a document, with labels in its language.

Every writer starts from `layout(policy, project, options)`. It numbers the sections of the
policy's outline (`model.outline`: purpose 1, goals 2, definitions 3, one per principle, then
the evaluation, as in the seed), picks each heading (the policy's own or the localised
default), and words the title block, so every format says the same things in the same order.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from policykit.model.outline import Kind, Node, node_prose, numbered, outline
from policykit.model.policy import Evaluation, Policy, Section, Status, Table
from policykit.model.project import (
    DEFAULT_CONTENTS_MIN_SECTIONS,
    DEFAULT_TITLE_PAGE_MIN_WORDS,
    Organisation,
    Project,
)
from policykit.reading.locales import Locale, locale


@dataclass(frozen=True, slots=True)
class NumberedSection:
    """A section of the outline (`model.outline`), numbered and headed for a reader."""

    #: Its number, or None for a section outside the count (an annex, "Tak").
    number: int | None
    #: A stable HTML id and bookmark name, such as `purpose` or `principle-dialog`.
    anchor: str
    heading: str
    kind: Kind
    part: Node
    #: Where it is in the YAML: `principles[dialog]`.
    path: str = ""

    @property
    def title(self) -> str:
        """The heading with its number, as the table of contents shows it."""
        return f"{self.number}. {self.heading}" if self.number is not None else self.heading


@dataclass(frozen=True, slots=True)
class Branding:
    """Look and feel from `policykit.yaml`. The logo arrives as bytes: writers do no I/O."""

    primary_color: str = "#1f4e79"
    font_family: str = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
    logo: bytes | None = None
    logo_media_type: str | None = None

    @property
    def css(self) -> str:
        """The CSS variables the stylesheets use. Both values passed the project schema's
        patterns, so they cannot close the rule."""
        return f":root {{ --primary: {self.primary_color}; --font: {self.font_family}; }}\n"

    @property
    def logo_uri(self) -> str | None:
        """The logo as a data URI, so that a page loads nothing."""
        if self.logo is None or not self.logo_media_type:
            return None
        return f"data:{self.logo_media_type};base64,{base64.b64encode(self.logo).decode()}"


@dataclass(frozen=True, slots=True)
class Templates:
    """A user's template folder, read at the edge; any file may be left out, and the packaged
    one serves. `html` and `css` are the policy page's template and the stylesheet every page
    starts from; `files` holds the other templates and stylesheets by name (`parts.html.j2`,
    `redline.css`, …), as `TEMPLATE_NAMES` lists them."""

    html: str | None = None
    css: str | None = None
    reference_docx: bytes | None = None
    files: tuple[tuple[str, str], ...] = ()

    def text(self, name: str) -> str | None:
        """The user's version of a packaged template or stylesheet, if there is one."""
        if name == "policy.html.j2" and self.html is not None:
            return self.html
        if name == "policy.css" and self.css is not None:
            return self.css
        return dict(self.files).get(name)


#: The templates and stylesheets a template folder may replace: every HTML page's.
TEMPLATE_NAMES = (
    "base.html.j2",
    "parts.html.j2",
    "policy.html.j2",
    "redline.html.j2",
    "brief.html.j2",
    "catalog.html.j2",
    "policy.css",
    "print.css",
    "redline.css",
    "tables.css",
    "brief.css",
    "catalog.css",
)


@dataclass(frozen=True, slots=True)
class PolicyLinks:
    """How a link to another of the council's policies (`policy:ID`) is written: to that
    policy's exported file beside this one (`extension`), or, in print and in Word, as its
    text followed by the policy's title where the two differ."""

    titles: Mapping[str, str] = field(default_factory=dict)
    #: `.html` on the web, `.md` in Markdown; "" where a document cannot link (print, Word).
    extension: str = ".html"

    def resolve(self, target: str, text: str) -> tuple[str, str | None]:
        """The link's address ("" for none), and the title to add after its text, if any."""
        if self.extension:
            return target + self.extension, None
        title = self.titles.get(target)
        return "", title if title and title.casefold() != text.strip().casefold() else None


@dataclass(frozen=True, slots=True)
class ExportOptions:
    branding: Branding = field(default_factory=Branding)
    templates: Templates = field(default_factory=Templates)
    #: WeasyPrint's PDF variant: PDF/UA-1 (tagged, accessible) unless archiving asks for PDF/A.
    pdf_variant: str = "pdf/ua-1"
    #: The council's policies by id, with their titles: what `policy:ID` links name.
    policies: tuple[tuple[str, str], ...] = ()
    #: On paper, a policy of fewer numbered sections has no contents list, and one of
    #: fewer words no title page of its own (`pdf:` in policykit.yaml).
    contents_min_sections: int = DEFAULT_CONTENTS_MIN_SECTIONS
    title_page_min_words: int = DEFAULT_TITLE_PAGE_MIN_WORDS
    #: The SHA-256 of each policy file, by the path its policy's span names: the version of
    #: the YAML a Word export says it was made from.
    digests: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a policy's history: a decision or an evaluation."""

    date: dt.date
    #: "Vedtaget", "Evalueret", "Ophævet".
    event: str
    body: str | None
    reference: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Document:
    policy: Policy
    locale: Locale
    organisation: Organisation | None
    sections: tuple[NumberedSection, ...]
    options: ExportOptions
    #: The sections by their path in the YAML (the first of a path): where a redline finds
    #: the section each of its changes is in.
    by_path: Mapping[str, NumberedSection] = field(init=False, repr=False, compare=False)
    #: The days of its history in words ("29. maj 2007"), made as it is laid out: a pool's
    #: worker sent the document writes them without loading Babel (20 ms of its first file).
    day_words: Mapping[dt.date, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, NumberedSection] = {}
        for section in self.sections:
            if section.path:
                index.setdefault(section.path, section)
        # Frozen: each set once, as it is made.
        object.__setattr__(self, "by_path", index)
        days = {entry.date for entry in self.history}
        object.__setattr__(self, "day_words", {day: self.locale.date(day) for day in days})

    @property
    def language(self) -> str:
        return self.policy.language

    @property
    def source_digest(self) -> str | None:
        """The SHA-256 of the YAML file the policy was read from, when the export knows it."""
        return dict(self.options.digests).get(self.policy.span.file)

    @property
    def printed_contents(self) -> bool:
        """Whether the PDF has a contents list: a policy of a few sections needs none."""
        return len(self.sections) >= self.options.contents_min_sections

    @property
    def printed_title_page(self) -> bool:
        """Whether the PDF has a title page of its own: a short policy's text starts on the
        first page, under its title block."""
        from policykit.reading.prose import text_units

        prose = (prose for entry in outline(self.policy) for prose in entry.prose)
        words = sum(len(unit.text.split()) for each in prose for unit in text_units(each))
        return words >= self.options.title_page_min_words

    @property
    def has_tables(self) -> bool:
        """Whether any prose of the policy holds a table: the pages of one that does get
        the tables' stylesheet."""
        return any(
            isinstance(block, Table)
            for section in self.sections
            for prose in node_prose(section.part)
            for block in prose.blocks
        )

    @property
    def history(self) -> tuple[HistoryEntry, ...]:
        """Every adoption, evaluation and the repeal, oldest first: the "Historik" block."""
        policy, labels = self.policy, self.locale
        entries = [
            HistoryEntry(a.date, labels["history_adopted"], a.body, a.reference, a.note)
            for a in policy.adoptions
        ]
        entries += [
            HistoryEntry(r.date, labels["history_evaluated"], None, None, r.note)
            for r in policy.evaluation_records
        ]
        if policy.repeal is not None:
            repeal = policy.repeal
            entries.append(
                HistoryEntry(
                    repeal.date,
                    labels["history_repealed"],
                    repeal.body,
                    repeal.reference,
                    repeal.note,
                )
            )
        # Stable: on one day, the adoption comes before the evaluation, as it was made.
        return tuple(sorted(entries, key=lambda entry: entry.date))

    @property
    def history_table(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """The history as a table, in the policy's language: its column headings and rows,
        without the columns no entry fills (most records have no case or note)."""
        labels = self.locale
        rows = [
            (self.day_words[e.date], e.event, e.body or "", e.reference or "", e.note or "")
            for e in self.history
        ]
        names = ("history_date", "history_event", "history_body", "history_case", "history_note")
        kept = [i for i in range(len(names)) if i < 2 or any(row[i] for row in rows)]
        header = tuple(labels[names[i]] for i in kept)
        # A cell a record leaves empty (an evaluation has no deciding body) shows a dash.
        return header, tuple(tuple(row[i] or "–" for i in kept) for row in rows)

    def policy_links(self, extension: str) -> PolicyLinks:
        """Links to other policies, written with `extension` (see `PolicyLinks`)."""
        return PolicyLinks(dict(self.options.policies), extension)

    @property
    def status_label(self) -> str:
        return self.locale[f"status_{self.policy.status.value}"]

    @property
    def draft_mark(self) -> str | None:
        """UDKAST / DRAFT on drafts and consultation versions."""
        return self.locale["draft_mark"] if self.policy.status.is_proposal else None

    @property
    def adoption_statement(self) -> str | None:
        """ "Vedtaget af Byrådet den 29. maj 2007", from the last adoption record."""
        last = self.policy.last_adoption
        if last is None:
            return None
        # A draft that carries its policy's adoptions is not adopted itself: say what it revises.
        key = "revises_adopted" if self.policy.status.is_proposal else "adopted_by"
        return self.locale[key].format(body=last.body, date=self.day_words[last.date])

    @property
    def repeal_statement(self) -> str | None:
        repeal = self.policy.repeal
        if repeal is None or self.policy.status is not Status.REPEALED:
            return None
        return self.locale["repealed_by"].format(body=repeal.body, date=self.day_words[repeal.date])

    @property
    def contact_organisation(self) -> Organisation | None:
        """The project's organisation for the contact block, unless the policy names another
        organisation: a policy of 18F's never ends with another council's address."""
        org = self.organisation
        if org is None or (self.policy.organisation and self.policy.organisation != org.name):
            return None
        return org

    @property
    def author(self) -> str:
        return self.policy.organisation or (self.organisation.name if self.organisation else "")

    @property
    def subject(self) -> str:
        """A one-line description for document metadata: the purpose's first sentence."""
        from policykit.reading.prose import plain_text

        first = next((plain_text(p) for e in outline(self.policy) for p in e.prose), "")
        first = first.split("\n", 1)[0]
        return first if len(first) <= 200 else first[:199].rstrip() + "…"

    @property
    def created(self) -> dt.date:
        """The first adoption, or for a policy never adopted, the epoch Word and zip share."""
        dates = [a.date for a in self.policy.adoptions]
        return min(dates) if dates else dt.date(1980, 1, 1)

    @property
    def modified(self) -> dt.date:
        """The latest decision or evaluation: the document's dates come from the policy, so the
        same policy always gives the same bytes."""
        policy = self.policy
        dates = [a.date for a in policy.adoptions] + [r.date for r in policy.evaluation_records]
        dates += [policy.repeal.date] if policy.repeal else []
        return max(dates) if dates else self.created


def layout(
    policy: Policy, project: Project | None = None, options: ExportOptions | None = None
) -> Document:
    """Lay out a policy for the writers; UnknownLanguageError if its language has no labels."""
    project = project or Project()
    labels = locale(policy.language)
    return Document(
        policy=policy,
        locale=labels,
        organisation=project.organisation,
        sections=tuple(_sections(policy, labels)),
        options=options or ExportOptions(),
    )


def with_policies(options: ExportOptions, titles: Iterable[tuple[str, str]]) -> ExportOptions:
    """The options with the ids and titles of the council's policies in force, for the links
    between them."""
    return replace(options, policies=tuple(sorted(titles)))


def _sections(policy: Policy, labels: Locale) -> list[NumberedSection]:
    """The outline's sections, numbered (but for those outside the count), each with its
    heading or the language's default."""
    return [
        NumberedSection(
            number,
            entry.anchor,
            entry.heading or labels[entry.kind],
            entry.kind,
            entry.node,
            entry.path,
        )
        for number, entry in numbered(outline(policy))
    ]


def evaluation_facts(evaluation: Evaluation, labels: Locale) -> list[tuple[str, str]]:
    """How often, how and by whom, as labelled values: what every writer shows under the rule."""
    facts = []
    if evaluation.interval is not None:
        facts.append((labels["interval"], labels.interval(evaluation.interval)))
    if evaluation.methods:
        facts.append((labels["methods"], ", ".join(evaluation.methods)))
    if evaluation.responsible:
        facts.append((labels["responsible"], evaluation.responsible))
    return facts


def subsection_anchor(section: Section, parent: str, index: int) -> str:
    """A subsection's anchor: `section-<id>` when it has an id, else under its parent's."""
    return f"section-{section.id}" if section.id else f"{parent}-{index}"
