"""The HTML redline: the new version in full, with what the change set deleted struck through
(`<del>`) and what it inserted underlined (`<ins>`), after a summary of the changes.

The parts are laid out from the change set's alignments, so a removed principle appears
where it stood and a moved one says where it came from. Prose that changed comes from the
change set as it compared it (`comparing.lines`): paragraph by paragraph and list item by
list item, a reworded one diffed word by word with its bold, italics and links kept. Screen
readers do not announce `<del>` and `<ins>`, so each carries visually hidden words
("[slettet: … ]") from the locale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from policykit.comparing.diff import Change, ChangeSet, Kind, Pair, document_units, filled
from policykit.comparing.lines import PLAIN, MergedCell, MergedLine, MergedTable, Status, Style
from policykit.comparing.summary import category_text, summary_rows
from policykit.comparing.words import Op, styled_diff
from policykit.model.intervals import Interval, parse_interval
from policykit.model.policy import Definition, GoalItem, Policy, Principle, Prose, Section
from policykit.reading.locales import Locale
from policykit.reading.prose import is_safe_url, policy_target
from policykit.writing.html import cell_align, table_html
from policykit.writing.layout import Document, subsection_anchor
from policykit.writing.reasons import field_label, reason_rows
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

TEMPLATE = "redline.html.j2"
STYLESHEET = "redline.css"


def write_redline_html(changes: ChangeSet, old: Document, new: Document) -> str:
    from markupsafe import Markup

    writer = _Redline(changes, old, new)
    templates = new.options.templates
    return render(
        TEMPLATE,
        templates,
        doc=new,
        old=old,
        changes=changes,
        labels=new.locale.labels,
        summary=summary_rows(changes),
        metadata=[(field_label(c, new), writer.field(c)) for c in _metadata(changes)],
        category=category_text(changes, new.locale),
        reasons=reason_rows(changes, old, new),
        subtitle=_subtitle(old, new),
        css=Markup(stylesheet(STYLESHEET, templates, tables=old.has_tables or new.has_tables)),
        branding_css=Markup(new.options.branding.css + _marker_css(new)),
        logo=new.options.branding.logo_uri,
        title=Markup(writer.words(old.policy.title, new.policy.title)),
        sections=writer.sections(),
    )


# --- the summary ------------------------------------------------------------------------------


def _subtitle(old: Document, new: Document) -> str:
    """ "Ændringer fra version 1.0 til version 2.0", or, for a draft that keeps the version
    number, "Ændringer i forhold til version 1.0"."""
    labels = new.locale.labels
    before, after = old.policy.version, new.policy.version
    if before == after:
        return labels["redline_subtitle_same"].format(old=before)
    return labels["redline_subtitle"].format(old=before, new=after)


def _metadata(changes: ChangeSet) -> list[Change]:
    """Changes to fields the body does not show: metadata and the evaluation's facts."""
    shown_in_body = ("evaluation.rule", "evaluation.heading")
    return [
        c
        for c in changes.changes
        if c.part == "metadata" or (c.part == "evaluation" and c.path not in shown_in_body)
    ]


def _marker_css(document: Document) -> str:
    """The hidden words that tell a screen reader where a change starts and ends."""
    labels = document.locale

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return (
        f":root {{ --del-start: {quoted(labels['deleted_start'])}; "
        f"--ins-start: {quoted(labels['inserted_start'])}; "
        f"--change-end: {quoted(labels['change_end'])}; }}\n"
    )


# --- the body ---------------------------------------------------------------------------------


class _Redline:
    def __init__(self, changes: ChangeSet, old: Document, new: Document) -> None:
        self.changes = changes
        self.old = old
        self.new = new
        self.labels = new.locale
        self.numbers = {s.anchor: s.number for s in new.sections}
        self.old_numbers = {s.anchor: s.number for s in old.sections}

    def sections(self) -> list[SectionView]:
        """The sections of both versions in the new version's order, as the part macros take
        them, with each part or section that was removed where it stood."""
        builders: dict[str, Callable[[], list[SectionView]]] = {
            "purpose": self.purpose,
            "goals": self.goals,
            "definitions": self.definitions,
            "principles": self.principles,
            "evaluation": self.evaluation,
        }
        free = self.changes.alignments.sections.get("sections", ())
        views: list[SectionView] = []
        for unit in _merged_order(self.old.policy, self.new.policy, free):
            if isinstance(unit, str):
                views.extend(builders[unit]())
            else:
                views.append(self.free(free[unit], "sections"))
        return views

    # --- sections -------------------------------------------------------------------------

    def part(self, name: str) -> tuple[Any, Any, str]:
        """A typed part of both versions (an empty one where a version lacks it), and how it
        changed: "inserted", "deleted", or "" when both versions have it."""
        old, new = self.old.policy, self.new.policy
        css = "inserted" if getattr(old, name) is None else ""
        css = "deleted" if getattr(new, name) is None else css
        return getattr(filled(old, name), name), getattr(filled(new, name), name), css

    def heading(self, anchor: str, old: str | None, new: str | None) -> Markup:
        """A section heading, numbered as in the new version, with its words diffed; a part
        the new version lacks has no number there."""
        default = self.labels[anchor] if anchor in self.labels.labels else ""
        words = self.words(old or default, new or default)
        number = self.numbers.get(anchor)
        return _markup(f"{number}. {words}" if number is not None else words)

    def notes(self, css: str) -> tuple[Markup, ...]:
        return (_markup(self.labels["removed_section"]),) if css == "deleted" else ()

    def purpose(self) -> list[SectionView]:
        old, new, css = self.part("purpose")
        title = self.heading("purpose", old.heading, new.heading)
        text = self.prose(old.text, new.text)
        return [SectionView("purpose", "purpose", title, text, notes=self.notes(css), css=css)]

    def goals(self) -> list[SectionView]:
        old, new, css = self.part("goals")
        alignments = self.changes.alignments
        groups = []
        for index, pair in enumerate(alignments.groups):
            items = alignments.items.get(index)
            if items is None:  # a group added or removed as a whole
                group = pair.new or pair.old
                assert group is not None
                items = tuple(
                    Pair(None if pair.new else i, i if pair.new else None, n, n)
                    for n, i in enumerate(group.items)
                )
            node = pair.new or pair.old
            assert node is not None
            groups.append(
                GroupView(
                    node.id,
                    _markup(self.words(*_sides(pair, lambda g: g.title))) if node.title else None,
                    self.prose(*_sides(pair, lambda g: g.intro)) or None,
                    tuple(self.goal_item(item) for item in items),
                    _css(_status(pair), False),
                )
            )
        title = self.heading("goals", old.heading, new.heading)
        intro = self.prose(old.intro, new.intro) or None
        notes = self.notes(css)
        return [
            SectionView("goals", "goals", title, intro, groups=tuple(groups), notes=notes, css=css)
        ]

    def goal_item(self, pair: Pair[GoalItem]) -> GoalView:
        node = pair.new or pair.old
        assert node is not None
        old_indicator, new_indicator = _sides(pair, lambda i: i.indicator)
        indicator = None
        if old_indicator or new_indicator:
            indicator = _markup(self.words(old_indicator, new_indicator))
        text = self.prose(*_sides(pair, lambda i: i.text), inline=True)
        note = None
        if pair.moved and pair.old_index is not None:
            note = self.labels["goal_moved_from"].format(number=pair.old_index + 1)
        return GoalView(node.id, text, indicator, _css(_status(pair), pair.moved), note)

    def definitions(self) -> list[SectionView]:
        old, new, css = self.part("definitions")
        terms = tuple(self.definition(pair) for pair in self.changes.alignments.definitions)
        title = self.heading("definitions", old.heading, new.heading)
        intro = self.prose(old.intro, new.intro) or None
        notes = self.notes(css)
        return [
            SectionView(
                "definitions", "definitions", title, intro, terms=terms, notes=notes, css=css
            )
        ]

    def definition(self, pair: Pair[Definition]) -> TermView:
        node = pair.new or pair.old
        assert node is not None
        term = _markup(self.words(*_sides(pair, lambda d: d.term)))
        text = self.prose(*_sides(pair, lambda d: d.text))
        return TermView(node.id, term, text, _css(_status(pair), pair.moved))

    def principles(self) -> list[SectionView]:
        old, new, _ = self.part("principles")
        views = []
        if old.intro or new.intro:
            title = self.heading("principles", old.heading, new.heading)
            views.append(
                SectionView("principles", "principles", title, self.prose(old.intro, new.intro))
            )
        views.extend(self.principle(pair) for pair in self.changes.alignments.principles)
        return views

    def principle(self, pair: Pair[Principle]) -> SectionView:
        status = _status(pair)
        node = pair.new or pair.old
        assert node is not None
        anchor = f"principle-{node.id}"
        title = self.words(*_sides(pair, lambda p: p.title))
        # A removed principle has no number in the new version.
        heading = f"{self.numbers[anchor]}. {title}" if pair.new is not None else title
        notes = []
        if pair.new is None:
            notes.append(_markup(self.labels["removed_section"]))
        elif pair.moved and pair.old is not None:
            number = self.old_numbers.get(anchor)
            if number is not None:
                notes.append(_markup(self.labels["moved_from"].format(number=number)))
        return SectionView(
            "principle",
            anchor,
            _markup(heading),
            self.prose(*_sides(pair, lambda p: p.text)),
            notes=tuple(notes),
            css=status if status in ("deleted", "inserted") else "",
        )

    def evaluation(self) -> list[SectionView]:
        old, new, css = self.part("evaluation")
        labels = self.labels
        facts = []
        for label, before, after in (
            ("interval", _interval(labels, old.interval), _interval(labels, new.interval)),
            ("methods", ", ".join(old.methods) or None, ", ".join(new.methods) or None),
            ("responsible", old.responsible, new.responsible),
        ):
            if before is not None or after is not None:
                # How often is one value: replaced whole, not word by word.
                value = (
                    self.whole(before, after) if label == "interval" else self.words(before, after)
                )
                facts.append(FactView(labels[label], _markup(value)))
        title = self.heading("evaluation", old.heading, new.heading)
        rule = self.prose(old.rule, new.rule)
        notes = self.notes(css)
        return [
            SectionView(
                "evaluation", "evaluation", title, rule, facts=tuple(facts), notes=notes, css=css
            )
        ]

    def free(self, pair: Pair[Section], path: str) -> SectionView:
        """A free section of both versions, with its subsections."""
        status = _status(pair)
        node = pair.new or pair.old
        assert node is not None
        index = pair.new_index if pair.new_index is not None else pair.old_index
        key = node.id or str((index or 0) + 1)
        anchor = f"section-{key}"
        title = self.words(*_sides(pair, lambda x: x.heading))
        number = self.numbers.get(anchor) if pair.new is not None else None
        notes = [_markup(self.labels["removed_section"])] if pair.new is None else []
        where = f"{path}[{node.id or (index or 0) + 1}]"
        moved = any(c.kind is Kind.MOVED and c.path == where for c in self.changes.changes)
        if moved and pair.old is not None and pair.new is not None:
            before = self.old_numbers.get(anchor)
            if before is not None:
                notes.append(_markup(self.labels["moved_from"].format(number=before)))
        return SectionView(
            "section",
            anchor,
            _markup(f"{number}. {title}" if number is not None else title),
            self.prose(*_sides(pair, lambda x: x.text)) or None,
            subsections=self.subsections(f"{where}.sections", anchor, 3, pair),
            notes=tuple(notes),
            css=_css(status, False),
        )

    def subsections(
        self, path: str, parent: str, level: int, pair: Pair[Section]
    ) -> tuple[SubsectionView, ...]:
        pairs = self.changes.alignments.sections.get(path)
        if pairs is None:  # a section added or removed whole: its subsections with it
            node = pair.new or pair.old
            assert node is not None
            pairs = tuple(
                Pair(None if pair.new else c, c if pair.new else None, n, n)
                for n, c in enumerate(node.subsections)
            )
        views = []
        for index, child in enumerate(pairs, start=1):
            node = child.new or child.old
            assert node is not None
            anchor = subsection_anchor(node, parent, index)
            where = f"{path}[{node.id or index}]"
            views.append(
                SubsectionView(
                    anchor,
                    _markup(self.words(*_sides(child, lambda x: x.heading))),
                    self.prose(*_sides(child, lambda x: x.text)) or None,
                    min(level, 6),
                    self.subsections(f"{where}.sections", anchor, level + 1, child),
                    _css(_status(child), child.moved),
                )
            )
        return tuple(views)

    def field(self, change: Change) -> tuple[str, str]:
        """A metadata change's before and after, each whole: struck through and underlined."""
        before, after = self.shown(change, change.old), self.shown(change, change.new)
        return (
            _pieces_html([("delete", before, PLAIN)]) if before else "",
            _pieces_html([("insert", after, PLAIN)]) if after else "",
        )

    def shown(self, change: Change, value: str | None) -> str | None:
        """A field's value as the documents word it: "Vedtaget", not `adopted`."""
        if value is None:
            return None
        if change.path == "status":
            return self.labels[f"status_{value}"]
        if change.path == "evaluation.interval":
            interval = parse_interval(value)
            return self.labels.interval(interval) if interval else value
        return value

    # --- text -------------------------------------------------------------------------------

    def whole(self, old: str | None, new: str | None) -> str:
        if old == new:
            return self.words(old, new)
        pieces: list[tuple[Op, str, Style]] = [
            ("delete", old or "", PLAIN),
            ("insert", new or "", PLAIN),
        ]
        return _pieces_html([piece for piece in pieces if piece[1]])

    def words(self, old: str | None, new: str | None) -> str:
        """A one-line text with its changed words marked."""
        return _pieces_html(styled_diff(_one(old), _one(new)))

    def prose(self, old: Prose | None, new: Prose | None, *, inline: bool = False) -> Markup:
        """Prose with its changes marked, paragraph by paragraph and word by word, as the
        change set compared it."""
        lines = self.changes.prose_lines(old, new)
        if not lines:
            return _markup("")
        if inline and len(lines) == 1 and lines[0].line.kind == "p":
            return _markup(_pieces_html(lines[0].pieces))
        return _markup(_render_lines(lines))


def _one(text: str | None) -> list[tuple[str, Style]]:
    return [(text, PLAIN)] if text else []


def _interval(labels: Locale, interval: Interval | None) -> str | None:
    return labels.interval(interval) if interval is not None else None


T = TypeVar("T")
V = TypeVar("V")


def _sides(pair: Pair[T], get: Callable[[T], V]) -> tuple[V | None, V | None]:
    """A field of the old part and of the new one; None for a side that lacks the part."""
    return (
        get(pair.old) if pair.old is not None else None,
        get(pair.new) if pair.new is not None else None,
    )


def _status(pair: Pair[T]) -> Status:
    if pair.old is None:
        return "inserted"
    if pair.new is None:
        return "deleted"
    return "equal"


def _merged_order(old: Policy, new: Policy, free: Sequence[Pair[Section]]) -> list[str | int]:
    """The parts and free sections of both versions, in the new version's order, each that
    only the old version has after the one it followed there: a typed part by its name, a
    free section by the index of its pair."""
    before, after = document_units(old, free, "old"), document_units(new, free, "new")
    merged = list(after)
    shown = set(after)
    for position, unit in enumerate(before):
        if unit in shown:
            continue
        predecessor = next((u for u in reversed(before[:position]) if u in shown), None)
        at = merged.index(predecessor) + 1 if predecessor is not None else 0
        merged.insert(at, unit)
        shown.add(unit)
    return merged


def _css(status: Status, moved: bool) -> str:
    """A part's classes: "inserted", "deleted", "moved", or none."""
    names: list[str] = [status] if status != "equal" else []
    names += ["moved"] if moved else []
    return " ".join(names)


def _markup(html: str) -> Markup:
    """HTML built here from escaped pieces, for the templates."""
    from markupsafe import Markup

    return Markup(html)


# --- prose as lines ---------------------------------------------------------------------------


def _render_lines(lines: Sequence[MergedLine]) -> str:
    """Merged lines as HTML, with lists opened and closed as their depth changes. A deleted
    item keeps its old number and the others their new ones, through `value`."""
    out: list[str] = []
    open_lists: list[str] = []  # the tags of the open lists, outermost first; each has an open <li>
    for merged in lines:
        line = merged.line
        css = f' class="{merged.status}"' if merged.status in ("deleted", "inserted") else ""
        if merged.table is not None:  # a table stands outside any list
            out.extend(f"</li></{tag}>" for tag in reversed(open_lists))
            open_lists.clear()
            out.append(_table_html(merged.table, merged.status))
            continue
        target = line.depth if line.kind != "p" else 0
        tag = "ol" if line.ordered else "ul"
        while len(open_lists) > target or (
            line.kind == "li" and len(open_lists) == target and open_lists and open_lists[-1] != tag
        ):
            out.append(f"</li></{open_lists.pop()}>")
        if line.kind == "p":
            body = f"<p{css}>{_pieces_html(merged.pieces)}</p>"
            out.append(f"<blockquote>{body}</blockquote>" if line.quote else body)
        elif line.kind == "more":
            out.append(f"<p{css}>{_pieces_html(merged.pieces)}</p>")
        else:
            if len(open_lists) == line.depth:
                out.append("</li>")
            while len(open_lists) < line.depth:
                open_lists.append(tag)
                out.append(f"<{tag}>")
            # `value` for browsers; the counter for WeasyPrint, which ignores `value`: reset
            # to one less, since the item then counts itself.
            value = (
                f' value="{line.number}" style="counter-reset: list-item {line.number - 1}"'
                if line.ordered
                else ""
            )
            out.append(f"<li{value}{css}>{_pieces_html(merged.pieces)}")
    out.extend(f"</li></{tag}>" for tag in reversed(open_lists))
    return "\n".join(out)


def _table_html(table: MergedTable, status: Status) -> str:
    """Both versions of a table in one, cell by cell: a changed cell with its words struck
    and inserted, a row or column only one version has marked as deleted or inserted."""

    def cell(index: int, merged: MergedCell) -> tuple[str, str]:
        classes = [cell_align(table.align, index)]
        if table.columns[index] in ("deleted", "inserted"):
            classes.append(table.columns[index])
        elif merged.status == "changed":
            classes.append("changed")
        return " ".join(c for c in classes if c), _pieces_html(merged.pieces)

    header = next(row for row in table.rows if row.header)
    body = [row for row in table.rows if not row.header]
    label = "".join(text for op, text, _ in table.caption if op != "delete")
    label = label or ", ".join(c.text("new") or c.text("old") for c in header.cells)
    return table_html(
        [cell(i, c) for i, c in enumerate(header.cells)],
        [[cell(i, c) for i, c in enumerate(row.cells)] for row in body],
        _pieces_html(table.caption) if table.caption else None,
        label,
        [row.status if row.status in ("deleted", "inserted") else "" for row in body],
        css=status if status in ("deleted", "inserted") else "",
    )


def _pieces_html(pieces: Sequence[tuple[Op, str, Style | None]]) -> str:
    """Pieces as HTML: each escaped and styled, deletions in <del> and insertions in <ins>."""
    from markupsafe import escape

    out: list[str] = []
    for op, text, style in pieces:
        html = str(escape(text))
        bold, italic, href = style or PLAIN
        if italic:
            html = f"<em>{html}</em>"
        if bold:
            html = f"<strong>{html}</strong>"
        target = policy_target(href) if href is not None else None
        if target is not None:
            html = f'<a href="{escape(target)}.html">{html}</a>'
        elif href is not None and is_safe_url(href):
            html = f'<a href="{escape(href)}">{html}</a>'
        if op == "delete":
            html = f"<del>{html}</del>"
        elif op == "insert":
            html = f"<ins>{html}</ins>"
        out.append(html)
    return "".join(out)
