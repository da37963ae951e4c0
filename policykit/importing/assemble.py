"""Cleaned blocks into a policy: sections by their headings, each mapped to a typed part by
keyword or kept as a free section, the metadata the text states, and the model built.

A section is mapped to a part only when its content fits the part: goals are lists (under
lead-in lines or subheadings, after an introduction), definitions are terms, principles
are subsections. Otherwise it stays a free section under its own heading, and the report
says why, so that nothing is forced into a part it does not fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from policykit.importing.blocks import (
    Block,
    Comment,
    Document,
    Dropped,
    Facts,
    Heading,
    Item,
    ListBlock,
    Paragraph,
    Revision,
    Run,
    Runs,
    TableBlock,
    Term,
    plain,
    sentences,
)
from policykit.importing.cleanup import clean
from policykit.importing.exports import day, event, interval_of, recognise
from policykit.importing.keywords import part_named
from policykit.importing.metadata import (
    Adoption,
    IntervalFound,
    find_adoption,
    find_interval,
    find_language,
    find_organisation,
)
from policykit.model import policy as m
from policykit.model.outline import PART_NAMES
from policykit.model.policy import Span, Status


@dataclass(frozen=True, slots=True)
class Options:
    """What the user told import: the source's name (for spans), and the id, title and
    language when the text should not decide them."""

    source: str
    policy_id: str | None = None
    language: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one section of the source went, and why."""

    heading: str
    where: int
    part: str | None  # None: a free section
    reason: str
    #: Its place in the YAML: the part's name, or `sections[ID]`.
    path: str = ""
    #: The part policykit's own export marks it as, when it is not placed there because its
    #: content no longer fits (a goals section whose lists are gone).
    misfit: str | None = None

    @property
    def by_keyword(self) -> bool:
        return self.part is not None


@dataclass(frozen=True, slots=True)
class Imported:
    """An import's policy and its report."""

    policy: m.Policy
    format: str
    unit: str
    placements: tuple[Placement, ...]
    dropped: tuple[Dropped, ...]
    adoption: Adoption | None
    partial_dates: tuple[str, ...]
    interval: IntervalFound | None
    sentences_read: int
    notes: tuple[str, ...] = field(default=())
    revisions: tuple[Revision, ...] = ()
    comments: tuple[Comment, ...] = ()
    #: What policykit's own labels said, as read (`exports.recognise`).
    facts: Facts = field(default_factory=Facts)
    #: policykit's content bookmarks, by paragraph (`Document.marks`).
    marks: dict[int, str] = field(default_factory=dict)

    def path_at(self, where: int) -> str:
        """The YAML path of the section a place in the source lies in ("" before them)."""
        before = [p for p in self.placements if p.where <= where and p.path]
        return max(before, key=lambda p: p.where).path if before else ""

    @property
    def needs_a_person(self) -> list[str]:
        """What the text does not say, for a person to fill in."""
        needs = []
        if self.policy.evaluation is not None:
            if self.policy.evaluation.interval is None:
                needs.append("evaluation.interval is not stated plainly in the text")
            if self.policy.evaluation.responsible is None:
                needs.append("evaluation.responsible is not in the text")
        else:
            needs.append("the text has no evaluation section")
        if not self.policy.adoptions:
            needs.append("no adoption is stated in the text, so the policy is a draft")
        return needs

    @property
    def all_by_keyword(self) -> bool:
        return all(p.by_keyword for p in self.placements)


@dataclass
class _Section:
    heading: Heading
    blocks: list[Block] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The heading without its typed number ("2. Mål" → "Mål")."""
        return _SECTION_NUMBER.sub("", self.heading.text)


_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+(?=\S)")


def assemble(document: Document, options: Options) -> Imported:
    # policykit's own labels first: the footer pass would take "Relaterede dokumenter".
    cleaned = clean(recognise(document))
    doc = cleaned.document
    preamble, sections = _sections(doc.blocks)
    preamble, sections = _statements(preamble, sections)
    texts = [b.text for b in doc.blocks]
    adoption, partial = find_adoption([b.text for b in preamble] + texts)
    if adoption is not None:
        preamble = [b for b in preamble if b.text != adoption.sentence]
    title = options.title or cleaned.title or _stem(options.source)
    builder = _Builder(options.source)
    # Where the source numbers its sections ("2. Mål"), one it does not number (an annex)
    # is unnumbered in the policy too.
    typed = [bool(_SECTION_NUMBER.match(s.heading.text)) for s in sections]
    builder.numbers_typed = sum(typed) >= 2 and sum(typed) * 2 > len(typed)
    mapped = _Mapper(builder, doc.hints)
    for unit in _units(sections, doc.hints):
        if isinstance(unit, list):
            mapped.principles(unit)
        else:
            mapped.section(unit)
    if preamble:
        mapped.preamble(preamble)
    parts, free, order, placements = mapped.parts, mapped.free, mapped.order, mapped.placements
    interval = mapped.interval
    language = options.language or find_language(texts)
    policy = m.Policy(
        format=2,
        id=options.policy_id or slug(title) or "imported-policy",
        title=title,
        organisation=find_organisation(texts),
        language=language,
        version="1.0" if adoption else "0.1",
        status=Status.ADOPTED if adoption else Status.DRAFT,
        owner=None,
        adoptions=(
            (m.Decision(adoption.date, adoption.body, None, adoption.sentence, builder.span(0)),)
            if adoption
            else ()
        ),
        repeal=None,
        related=(),
        keywords=(),
        purpose=parts.get("purpose"),  # type: ignore[arg-type]
        goals=parts.get("goals"),  # type: ignore[arg-type]
        definitions=parts.get("definitions"),  # type: ignore[arg-type]
        principles=parts.get("principles"),  # type: ignore[arg-type]
        evaluation=parts.get("evaluation"),  # type: ignore[arg-type]
        span=builder.span(1),
        sections=tuple(free),
        order=tuple(order),
    )
    policy = _with_facts(policy, doc.facts, builder)
    read = sum(len(sentences(_counted(b))) for b in doc.blocks) + len(sentences(title))
    return Imported(
        policy, doc.format, doc.unit, tuple(placements), doc.dropped, adoption,
        tuple(partial), interval, read, doc.notes, doc.revisions, doc.comments, doc.facts,
        doc.marks,
    )  # fmt: skip


def _counted(block: Block) -> str:
    """A block's text as the policy will hold it: a heading without its typed number."""
    return _SECTION_NUMBER.sub("", block.text) if isinstance(block, Heading) else block.text


def _with_facts(policy: m.Policy, facts: Facts, builder: _Builder) -> m.Policy:
    """The policy with what policykit's own labels said: the owner, the version, the
    evaluation's interval, methods and responsible, the related documents, and the
    history's decisions (which say more exactly than a sentence does)."""
    values = facts.values
    span = builder.span(1)
    changes: dict[str, Any] = {
        name: values[name]
        for name in ("owner", "department", "case_number", "kle", "version")
        if values.get(name)
    }
    evaluation = policy.evaluation
    if evaluation is not None:
        interval = interval_of(values.get("interval", "")) or evaluation.interval
        methods = tuple(x.strip() for x in values.get("methods", "").split(",") if x.strip())
        changes["evaluation"] = replace(
            evaluation,
            interval=interval,
            methods=methods or evaluation.methods,
            responsible=values.get("responsible") or evaluation.responsible,
        )
    if values.get("contact_name"):
        changes["contact"] = m.Contact(
            values["contact_name"], values.get("contact_email"), values.get("contact_phone"), span
        )
    if facts.related:
        changes["related"] = tuple(m.RelatedDocument(t, u, span) for t, u in facts.related)
    if facts.laws:
        changes["legal_basis"] = tuple(m.Law(t, u, span) for t, u in facts.laws)
    adoptions, records, repeal = [], [], None
    for date_text, what, body, case, note in facts.history:
        when = day(date_text)
        kind = event(what)
        if when is None or kind is None:
            continue
        if kind == "adopted":
            adoptions.append(m.Decision(when, body, case or None, note or None, span))
        elif kind == "repealed":
            repeal = m.Decision(when, body, case or None, note or None, span)
        else:
            records.append(m.EvaluationRecord(when, note or None, span))
    if adoptions:
        changes.update(adoptions=tuple(adoptions), status=Status.ADOPTED)
    reference = values.get("case_reference")
    decided = changes.get("adoptions", policy.adoptions)
    if reference and decided and decided[-1].reference is None:
        # The title block's "Sagsnr." is the last adoption's case.
        changes["adoptions"] = (*decided[:-1], replace(decided[-1], reference=reference))
    if repeal is not None:
        changes.update(repeal=repeal, status=Status.REPEALED)
    if records and "evaluation" in changes:
        changes["evaluation"] = replace(changes["evaluation"], records=tuple(records))
    return replace(policy, **changes) if changes else policy


def _stem(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


# --- sections ----------------------------------------------------------------------------------


def _sections(blocks: Sequence[Block]) -> tuple[list[Block], list[_Section]]:
    """The blocks before the first heading, and the sections as a tree by heading level."""
    preamble: list[Block] = []
    top: list[_Section] = []
    stack: list[_Section] = []
    for block in blocks:
        if isinstance(block, Heading):
            section = _Section(block)
            while stack and stack[-1].heading.level >= block.level:
                stack.pop()
            (stack[-1].children if stack else top).append(section)
            stack.append(section)
        elif stack:
            stack[-1].blocks.append(block)
        else:
            preamble.append(block)
    return preamble, top


def _units(sections: list[_Section], hints: dict[str, str]) -> list[_Section | list[_Section]]:
    """The sections in order, with a run that policykit's own export marks as principles
    (`principle-ID`) as one unit: the principles part, which stands where they stood."""
    units: list[_Section | list[_Section]] = []
    marks = [hints.get(section.heading.text) for section in sections]
    free = any((m or "").startswith("section") for m in marks)
    for index, section in enumerate(sections):
        mark = marks[index] or ""
        in_run = bool(units) and isinstance(units[-1], list)
        # A heading with no mark after a principle (added in Word) is one too: if another
        # principle follows, or if the policy has no free sections to be one of.
        after = _next_marked(marks, index)
        added = not mark and in_run and (after.startswith("principle-") or not free)
        if mark.startswith("principle-") or added:
            if units and isinstance(units[-1], list):
                units[-1].append(section)
                continue
            units.append([section])
        else:
            units.append(section)
    return units


def _next_marked(marks: list[str | None], index: int) -> str:
    """The next mark after `index`, or ""."""
    return next((m for m in marks[index + 1 :] if m), "")


class _Mapper:
    """The parts and free sections built so far, in order, and where each section went."""

    def __init__(self, builder: _Builder, hints: dict[str, str]) -> None:
        self.builder = builder
        self.hints = hints
        self.parts: dict[str, object] = {}
        self.free: list[m.Section] = []
        self.order: list[str] = []
        self.placements: list[Placement] = []
        self.interval: IntervalFound | None = None

    def section(self, section: _Section) -> None:
        part, reason = _map(section, self.parts, self.hints)
        if part == "evaluation":
            self.interval = find_interval([b.text for b in _all_blocks(section)])
        built = self.builder.part(part, section, self.interval) if part is not None else None
        if part is not None and built is not None:
            self.parts[part] = built
            self.order.append(part)
        else:
            if part is not None:
                reason = f"{reason}, {misfit_reason(part)}; kept as a free section"
            part = None
            self.free.append(self.builder.section(section, self._section_id(section)))
            self.order.append(self.free[-1].id or "")
        path = part or f"sections[{self.free[-1].id}]"
        hinted = self.hints.get(section.heading.text)
        misfit = hinted if hinted in PART_NAMES and part != hinted else None
        self.placements.append(
            Placement(section.text, section.heading.where, part, reason, path, misfit)
        )

    def _section_id(self, section: _Section) -> str:
        """The id policykit's own export marks the section with, else one from its heading."""
        hinted = self.hints.get(section.heading.text, "")
        ident = hinted.removeprefix("section-")
        taken = {s.id for s in self.free} | set(PART_NAMES)
        if hinted.startswith("section-") and ident and ident not in taken:
            return ident
        return _unique_id(section.text, self.free)

    def principles(self, sections: list[_Section]) -> None:
        """Sections the export marks as principles (and any added among them): one
        principle each. A second run of them, after another part, joins the first."""
        earlier = self.parts.get("principles")
        items = list(earlier.items) if isinstance(earlier, m.Principles) else []
        for section in sections:
            text = self.builder.prose(_all_blocks(section))
            hinted = self.hints.get(section.heading.text, "")
            taken = {item.id for item in items}
            ident = (
                hinted.removeprefix("principle-")
                if hinted
                else _unique(slug(section.text) or "principle", taken)
            )
            if text is None:
                text = m.Prose("", (), self.builder.span(section.heading.where))
            items.append(
                m.Principle(ident, section.text, text, self.builder.span(section.heading.where))
            )
            reason = f"policykit's own export marks it principle {ident}"
            if not hinted:
                reason = "a heading added among the principles policykit's export marks"
            path = f"principles[{ident}]"
            place = Placement(section.text, section.heading.where, "principles", reason, path)
            self.placements.append(place)
        if isinstance(earlier, m.Principles):
            self.parts["principles"] = replace(earlier, items=tuple(items))
            return
        span = self.builder.span(sections[0].heading.where)
        self.parts["principles"] = m.Principles(None, None, tuple(items), span)
        self.order.append("principles")

    def preamble(self, blocks: list[Block]) -> None:
        self.parts, self.order = self.builder.preamble(blocks, self.parts, self.order)
        opening = Placement("(before the first heading)", blocks[0].where, "purpose",
                            "the text before the first heading opens the purpose",
                            "purpose")  # fmt: skip
        self.placements.insert(0, opening)


def _statements(
    preamble: list[Block], sections: list[_Section]
) -> tuple[list[Block], list[_Section]]:
    """A heading with nothing under it that states an adoption ("Vedtaget af Byrådet den 29.
    maj 2007", set large in a title block) is that statement, not a section."""
    kept: list[_Section] = []
    for section in sections:
        empty = not section.blocks and not section.children
        if empty and find_adoption([section.heading.text])[0] is not None:
            preamble = [*preamble, Paragraph(section.heading.runs, section.heading.where)]
        else:
            kept.append(section)
    return preamble, kept


def _all_blocks(section: _Section) -> list[Block]:
    out = list(section.blocks)
    for child in section.children:
        out.append(child.heading)
        out.extend(_all_blocks(child))
    return out


def _map(
    section: _Section, placed: dict[str, object], hints: dict[str, str]
) -> tuple[str | None, str]:
    hinted = hints.get(section.heading.text)
    if hinted is not None and (hinted == "section" or hinted.startswith("section-")):
        return None, "policykit's own export marks it a free section"
    if hinted is not None and hinted not in placed:
        return hinted, f"policykit's own export marks it {hinted}"
    named = part_named(section.text)
    if named is None:
        return None, "no keyword of a part in its heading"
    part, word = named
    if part in placed:
        return None, f"keyword “{word}”, but {part} is placed already"
    return part, f"keyword “{word}”"


def _default_headings(part: str) -> set[str]:
    from policykit.reading.locales import available_languages, locale

    return {locale(language).labels[part].casefold() for language in available_languages()}


def misfit_reason(part: str) -> str:
    return {
        "goals": "but its text is not an introduction and lists",
        "definitions": "but it holds no terms, in bold or before a colon",
        "principles": "but it has no subsections, one per principle",
        "purpose": "but it is empty",
        "evaluation": "but it is empty",
    }[part]


def slug(text: str) -> str:
    """An id from a heading or title: "Mål for markedsføring" → "maal-for-markedsfoering"."""
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", text))[:60].strip("-")


def _unique(base: str, taken: Container[str | None]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _unique_id(heading: str, taken: Sequence[m.Section]) -> str:
    """A free section's id from its heading, unlike its siblings' and the parts' names
    (which `order:` lists beside the ids)."""
    base = slug(heading) or "section"
    ids = {s.id for s in taken} | set(PART_NAMES)
    candidate, n = base, 2
    while candidate in ids:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# --- the model -------------------------------------------------------------------------------


class _Builder:
    """Model nodes from blocks, each with a span at its place in the source."""

    def __init__(self, source: str) -> None:
        self.source = source
        #: The source numbers its top-level sections itself.
        self.numbers_typed = False

    def span(self, where: int) -> Span:
        return Span(self.source, max(where, 1), 1)

    # --- prose

    def prose(self, blocks: Sequence[Block]) -> m.Prose | None:
        nodes: list[m.Block] = []
        for block in blocks:
            nodes.extend(self.block(block))
        if not nodes:
            return None
        text = "\n\n".join(b.text for b in blocks)
        return m.Prose(text, tuple(nodes), self.span(blocks[0].where))

    def block(self, block: Block) -> list[m.Block]:
        span = self.span(block.where)
        if isinstance(block, Paragraph | Heading):
            # A heading deeper than the subsections: a paragraph in bold.
            inlines = self.inlines(block.runs, span)
            if isinstance(block, Heading):
                inlines = (m.Strong(inlines, span),)
            return [m.Paragraph(inlines, span)] if inlines else []
        if isinstance(block, Term):  # a term outside a definitions part: in bold
            return [m.Paragraph((m.Strong(self.inlines(block.term, span), span),), span)]
        if isinstance(block, ListBlock):
            return [self.list_block(block.items, block.ordered, block.start, span)]
        return [self.table(block, span)]

    def list_block(self, items: Sequence[Item], ordered: bool, start: int, span: Span) -> m.Block:
        """Items by depth: deeper items nest in the item above them."""
        entries: list[m.ListItem] = []
        index = 0
        while index < len(items):
            item = items[index]
            children = []
            index += 1
            while index < len(items) and items[index].depth > item.depth:
                children.append(items[index])
                index += 1
            paragraph = m.Paragraph(self.inlines(item.runs, span), span)
            nested = [self.list_block(children, ordered, 1, span)] if children else []
            entries.append(m.ListItem((paragraph, *nested), span))
        if ordered:
            return m.OrderedList(start, tuple(entries), span)
        return m.BulletList(tuple(entries), span)

    def table(self, block: TableBlock, span: Span) -> m.Table:
        width = max(len(row) for row in block.rows)
        rows = [tuple(row) + ((),) * (width - len(row)) for row in block.rows]

        def cells(row: tuple[Runs, ...]) -> tuple[m.TableCell, ...]:
            return tuple(m.TableCell(self.inlines(cell, span), span) for cell in row)

        caption = self.inlines(block.caption, span)
        header, body = cells(rows[0]), tuple(cells(r) for r in rows[1:])
        return m.Table(header, body, (None,) * width, caption, span)

    def inlines(self, runs: Runs, span: Span) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        text = _joined(runs)
        for run in text:
            node: m.Inline = m.Text(run.text, span)
            if run.italic:
                node = m.Emphasis((node,), span)
            if run.bold:
                node = m.Strong((node,), span)
            href = _href(run.href)
            if href:
                node = m.Link(href, (node,), span)
            out.append(node)
        return tuple(out)

    # --- parts

    def part(self, part: str, section: _Section, interval: IntervalFound | None) -> object:
        # A heading that is the part's default ("Formål", "Purpose") is what an export
        # prints for a part with none of its own: no heading, which shows the same.
        heading = None if section.text.casefold() in _default_headings(part) else section.text
        span = self.span(section.heading.where)
        if part == "purpose":
            text = self.prose(_all_blocks(section))
            return m.Purpose(heading, text, span) if text else None
        if part == "evaluation":
            rule = self.prose(_all_blocks(section))
            if rule is None:
                return None
            value = interval.interval if interval else None
            return m.Evaluation(heading, rule, value, (), None, (), span)
        if part == "goals":
            return self.goals(section, heading, span)
        if part == "definitions":
            return self.definitions(section, heading, span)
        return self.principles(section, heading, span)

    def goals(self, section: _Section, heading: str | None, span: Span) -> m.Goals | None:
        """An introduction, then lists, each under a lead-in line ("Mål med kommunikation:")
        or a subheading; nothing after a list but another group."""
        groups: list[m.GoalGroup] = []
        intro: list[Block] = []
        pending: str | None = None
        blocks: list[Block | _Section] = [*section.blocks, *section.children]
        for index, block in enumerate(blocks):
            if isinstance(block, _Section):
                if (
                    block.children
                    or len(block.blocks) != 1
                    or not isinstance(block.blocks[0], ListBlock)
                ):
                    return None
                groups.append(self.group(block.text, block.blocks[0], block.heading.where))
            elif isinstance(block, ListBlock):
                groups.append(self.group(pending, block))
                pending = None
            elif (
                isinstance(block, Paragraph)
                and block.text.endswith(":")
                and _next_is_list(blocks, index)
            ):
                pending = block.text.rstrip(":").strip()
            elif not groups and pending is None:
                intro.append(block)
            else:
                return None
        if not groups or (len(groups) > 1 and any(g.title is None for g in groups)):
            return None
        return m.Goals(heading, self.prose(intro), tuple(groups), span)

    def group(self, title: str | None, block: ListBlock, where: int = 0) -> m.GoalGroup:
        """A group of goals, at its heading (`where`) if it has one, else at its list."""
        span = self.span(block.where)
        items = []
        for item in block.items:
            runs, indicator = _indicator(item.runs)
            at = self.span(item.where) if item.where else span
            text = m.Prose(plain(runs), (m.Paragraph(self.inlines(runs, at), at),), at)
            items.append(m.GoalItem(None, text, indicator, at))
        return m.GoalGroup(None, title, None, tuple(items), self.span(where) if where else span)

    def definitions(
        self, section: _Section, heading: str | None, span: Span
    ) -> m.Definitions | None:
        """Terms, each followed by its definition's blocks, after an introduction."""
        intro: list[Block] = []
        terms: list[tuple[Term, list[Block]]] = []
        for block in section.blocks:
            if isinstance(block, Term):
                terms.append((block, []))
            elif terms:
                terms[-1][1].append(block)
            else:
                intro.append(block)
        # Terms as bold lines ("kommunikation"), read as guessed subheadings.
        if (
            not terms
            and section.children
            and all(c.heading.guessed and not c.children for c in section.children)
        ):
            terms = [(Term(c.heading.runs, c.heading.where), c.blocks) for c in section.children]
        elif not terms or section.children:
            return None
        entries = []
        for term, blocks in terms:
            text = self.prose(blocks)
            if text is None:
                return None
            entries.append(m.Definition(None, plain(term.term), text, self.span(term.where)))
        return m.Definitions(heading, self.prose(intro), tuple(entries), span)

    def principles(self, section: _Section, heading: str | None, span: Span) -> m.Principles | None:
        if not section.children or any(child.children for child in section.children):
            return None
        items = []
        for child in section.children:
            text = self.prose(child.blocks)
            if text is None:
                return None
            items.append(m.Principle(slug(child.text) or "principle", child.text, text,
                                     self.span(child.heading.where)))  # fmt: skip
        return m.Principles(heading, self.prose(section.blocks), tuple(items), span)

    def section(self, section: _Section, section_id: str, *, top: bool = True) -> m.Section:
        children: list[m.Section] = []
        for child in section.children:
            children.append(self.section(child, _unique_id(child.text, children), top=False))
        typed = bool(_SECTION_NUMBER.match(section.heading.text))
        numbered = not top or not self.numbers_typed or typed
        return m.Section(
            section_id, section.text, self.prose(section.blocks), tuple(children), numbered,
            self.span(section.heading.where),
        )  # fmt: skip

    def preamble(
        self, blocks: list[Block], parts: dict[str, object], order: list[str]
    ) -> tuple[dict[str, object], list[str]]:
        """Text before the first heading opens the purpose, or is the purpose."""
        purpose = parts.get("purpose")
        text = self.prose(blocks)
        assert text is not None
        if isinstance(purpose, m.Purpose):
            merged = m.Prose(f"{text.source}\n\n{purpose.text.source}",
                             (*text.blocks, *purpose.text.blocks), text.span)  # fmt: skip
            return {**parts, "purpose": m.Purpose(purpose.heading, merged, purpose.span)}, order
        return {**parts, "purpose": m.Purpose(None, text, text.span)}, ["purpose", *order]


_INDICATOR = re.compile(r"\s*\b(?:Indikator|Indicator):\s*")


def _indicator(runs: Runs) -> tuple[Runs, str | None]:
    """A goal's words, and its indicator where the item says "Indikator: …", as policykit's
    exports print it."""
    text = "".join(run.text for run in runs)
    found = _INDICATOR.search(text)
    if found is None or found.start() == 0:
        return runs, None
    kept: list[Run] = []
    length = 0
    for run in runs:
        if length + len(run.text) <= found.start():
            kept.append(run)
        elif length < found.start():
            kept.append(Run(run.text[: found.start() - length], run.bold, run.italic, run.href))
        length += len(run.text)
    return tuple(kept), " ".join(text[found.end() :].split()) or None


_POLICY_FILE = re.compile(r"^(?:\./)?([a-z0-9]+(?:-[a-z0-9]+)*)\.(?:html|md|pdf|docx)$")


def _href(href: str | None) -> str | None:
    """A link the policy can keep: a web or mail address, or another policy, which an
    export links as its file beside this one (`personalepolitik.html` → `policy:…`).
    Any other link (relative to a site, `javascript:`) keeps its words and loses its
    target, as the format refuses it."""
    if not href:
        return None
    own = _POLICY_FILE.match(href)
    if own:
        return f"policy:{own.group(1)}"
    if re.match(r"^(https?://[^\s]+|mailto:[^\s]+|policy:[a-z0-9-]+)$", href):
        return href
    return None


def _next_is_list(blocks: Sequence[Block | _Section], index: int) -> bool:
    return index + 1 < len(blocks) and isinstance(blocks[index + 1], ListBlock)


def _joined(runs: Runs) -> list[Run]:
    """Runs with white space made single and trimmed at the ends, neighbours of one style
    merged."""
    out: list[Run] = []
    for run in runs:
        text = re.sub(r"\s+", " ", run.text)
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (run.bold, run.italic, run.href):
            out[-1] = Run(out[-1].text + text, run.bold, run.italic, run.href)
        else:
            out.append(Run(text, run.bold, run.italic, run.href))
    if out:
        out[0] = Run(out[0].text.lstrip(), out[0].bold, out[0].italic, out[0].href)
        out[-1] = Run(out[-1].text.rstrip(), out[-1].bold, out[-1].italic, out[-1].href)
    return [run for run in out if run.text]


def written_texts(policy: m.Policy) -> list[str]:
    """Every text of the policy that a reader sees: the report counts their sentences, to
    show that none was lost between the source and the file."""
    from policykit.model.outline import node_prose, walk
    from policykit.reading.prose import plain_text

    out = [policy.title, *(d.note or "" for d in policy.adoptions)]
    nodes: list[Any] = [getattr(policy, name) for name in PART_NAMES]
    nodes += policy.sections  # each with its subsections' prose (`node_prose`)
    out += [s.heading for top in policy.sections for depth, s in walk(top) if depth]
    for node in nodes:
        if node is None:
            continue
        out.append(getattr(node, "heading", None) or "")
        if isinstance(node, m.Goals):
            out.extend(group.title or "" for group in node.groups)
        elif isinstance(node, m.Definitions):
            out.extend(term.term for term in node.terms)
        elif isinstance(node, m.Principles):
            out.extend(item.title for item in node.items)
            out.extend(plain_text(item.text) for item in node.items)
        out.extend(plain_text(prose) for prose in node_prose(node))
    return [text for text in out if text]
