"""What changed between two versions of a policy: the ChangeSet that every diff output reads.

The comparison runs on the model, never on the YAML, so comments, key order, quoting and
rewrapped block scalars are no change. Prose is compared in one canonical Markdown form
(`canonical_markdown`) and, where it differs, word by word (`policykit.comparing.words`).

Lists of parts (goal groups, goal items, definitions, principles, related documents) are
aligned before they are compared: by id, then by title or term, then by identical text, and
last by similar text within the stretch between two parts that stayed in place. So a
reworded goal is *modified*, not removed and added, and a principle that moved is *moved*.
A pair that is out of order relative to the longest run of pairs in order has moved.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Generic, TypeVar

from policykit.comparing.bounds import Shortcut, longest_rising, reach, recording
from policykit.comparing.lines import (
    CellChange,
    MergedLine,
    cell_changes,
    diff_prose,
    unchanged,
)
from policykit.comparing.meaning import (
    Category,
    Reason,
    Verdict,
    classify_markup,
    classify_text,
)
from policykit.comparing.pairing import near, pair_similar
from policykit.comparing.words import Piece, token_similarity, word_diff, words
from policykit.model.outline import (
    PART_NAMES,
    Node,
    default_order,
    node_prose,
    section_key,
    walk,
)
from policykit.model.policy import (
    Decision,
    Definition,
    Definitions,
    Evaluation,
    GoalGroup,
    GoalItem,
    Goals,
    Law,
    Policy,
    Principle,
    Principles,
    Prose,
    Purpose,
    RelatedDocument,
    Section,
    Span,
)
from policykit.reading.prose import canonical_markdown, plain_text

#: Parts left unpaired after pairing within stretches are compared all with all when there
#: are at most this many combinations, which keeps a diff of thousands of goals fast.
GLOBAL_PAIRING_LIMIT = 2500


class Kind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"


class Bump(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"


@dataclass(frozen=True, slots=True)
class Change:
    """One change, at a path such as `goals[kommunikation].items[3]` or `evaluation.interval`."""

    path: str
    #: The top-level part it belongs to: metadata, purpose, goals, definitions, principles,
    #: evaluation or related.
    part: str
    kind: Kind
    category: Category
    old: str | None = None
    new: str | None = None
    #: For changed text: the word-level pieces that turn `old` into `new`.
    words: tuple[Piece, ...] = ()
    #: For a move: the 1-based positions before and after.
    moved: tuple[int, int] | None = None
    #: Why it is in its category.
    reason: Reason = field(default_factory=lambda: Reason("field"))
    #: When the secretariat overruled the category: the one policykit found.
    found: Category | None = None
    #: For changed prose: its paragraphs and list items aligned, each diffed word by word.
    lines: tuple[MergedLine, ...] = field(default=(), compare=False, repr=False)
    #: For changed prose with tables: each table cell that changed.
    cells: tuple[CellChange, ...] = ()


T = TypeVar("T")
#: A part with a name: a definition or a principle.
N = TypeVar("N", Definition, Principle)
#: A prose field's two versions, by where each stands in its file.
ProseKey = tuple[Span | None, Span | None]


def prose_key(old: Prose | None, new: Prose | None) -> ProseKey:
    return (old.span if old is not None else None, new.span if new is not None else None)


@dataclass(frozen=True, slots=True)
class Pair(Generic[T]):
    """An aligned part: in both versions, only the old (removed) or only the new (added)."""

    old: T | None
    new: T | None
    old_index: int | None
    new_index: int | None
    moved: bool = False


@dataclass(frozen=True, slots=True)
class Alignments:
    """How the lists of parts line up, in the new version's order with each removed part
    after its old predecessor: what the redline writers lay out."""

    groups: tuple[Pair[GoalGroup], ...]
    items: dict[int, tuple[Pair[GoalItem], ...]]  # by the index of the group's pair
    definitions: tuple[Pair[Definition], ...]
    principles: tuple[Pair[Principle], ...]
    #: Free sections by the path of their list: `sections`, `sections[scope].sections`.
    sections: dict[str, tuple[Pair[Section], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reached:
    """A bound on pairing's work (`pairing.Shortcut`), reached in comparing one list of
    parts or one prose field."""

    path: str
    shortcut: Shortcut


@dataclass(frozen=True, slots=True)
class ChangeSet:
    old: Policy
    new: Policy
    changes: tuple[Change, ...]
    alignments: Alignments = field(compare=False)
    #: The lines of each prose field that changed, by the spans of its two versions.
    prose: Mapping[ProseKey, tuple[MergedLine, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: Where pairing reached a bound on its work, by the path of the list or prose field,
    #: in document order: what the report says, since pairs there may be missed.
    shortcuts: tuple[Reached, ...] = ()

    def prose_lines(self, old: Prose | None, new: Prose | None) -> tuple[MergedLine, ...]:
        """A prose field of both versions (the parts' own, as the alignments pair them), line
        by line: the lines of its change, or, when it did not change, the new version's."""
        found = self.prose.get(prose_key(old, new))
        if found is not None:
            return found
        if old is None or new is None:
            return unchanged(new or old, "inserted" if old is None else "deleted")
        return unchanged(new)

    @property
    def identical(self) -> bool:
        return not self.changes

    def count(self, kind: Kind) -> int:
        return sum(1 for change in self.changes if change.kind is kind)

    @property
    def parts(self) -> list[str]:
        """The parts with changes, in document order."""
        found = {change.part for change in self.changes}
        return [part for part in PARTS if part in found]

    @property
    def category(self) -> Category | None:
        if not self.changes:
            return None
        substantive = any(c.category is Category.SUBSTANTIVE for c in self.changes)
        return Category.SUBSTANTIVE if substantive else Category.EDITORIAL

    @property
    def bump(self) -> Bump:
        """Major for substantive changes, minor for editorial ones. The version field itself
        is bookkeeping, so a change to it alone asks for no bump."""
        content = [c for c in self.changes if c.path != "version"]
        if not content:
            return Bump.NONE
        if any(c.category is Category.SUBSTANTIVE for c in content):
            return Bump.MAJOR
        return Bump.MINOR

    @property
    def suggested_version(self) -> str | None:
        """The old version bumped, such as 1.0 → 2.0; None if it is not dotted numbers."""
        return bump_version(self.old.version, self.bump)


#: The parts a change belongs to, in document order: the outline's, between the metadata
#: and the related documents.
PARTS = ("metadata", *PART_NAMES, "sections", "related")


@dataclass(frozen=True, slots=True)
class Overruling:
    """A category the secretariat sets for a change, and why: from a draft's
    `classification:` or from the command line."""

    path: str
    category: Category
    reason: str


def overrule(
    changes: ChangeSet, overrulings: Sequence[Overruling]
) -> tuple[ChangeSet, list[Overruling]]:
    """The change set with the secretariat's categories in place of policykit's, each
    change saying it was overruled and why; and the overrulings that match no change (a
    path that is not there), which the caller reports. The last word on a path wins."""
    by_path = {o.path: o for o in overrulings}
    used: set[str] = set()
    out = []
    for change in changes.changes:
        ruling = by_path.get(change.path)
        if ruling is None:
            out.append(change)
            continue
        used.add(change.path)
        out.append(
            replace(
                change,
                category=ruling.category,
                reason=Reason("overruled", new=ruling.reason),
                found=change.category,
            )
        )
    unmatched = [o for o in by_path.values() if o.path not in used]
    return replace(changes, changes=tuple(out)), unmatched


def file_overrulings(policy: Policy) -> list[Overruling]:
    """The overrulings a draft records under `classification:`."""
    return [Overruling(o.path, Category(o.category), o.reason) for o in policy.classification]


def bump_version(version: str, bump: Bump) -> str | None:
    """`1.0` bumped: major `2.0`, minor `1.1`; a version that is not numbers is left to people."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        return None
    numbers = [int(n) for n in version.split(".")]
    if bump is Bump.MAJOR:
        numbers = [numbers[0] + 1] + [0] * (len(numbers) - 1)
        numbers += [0] if len(numbers) == 1 else []
    elif bump is Bump.MINOR:
        numbers += [0] if len(numbers) == 1 else []
        numbers[1] += 1
        numbers[2:] = [0] * (len(numbers) - 2)
    return ".".join(str(n) for n in numbers)


# --- comparing ------------------------------------------------------------------------------


def compare(old: Policy, new: Policy) -> ChangeSet:
    """The changes that turn `old` into `new`."""
    _WRITTEN.clear()
    try:
        return _compare(old, new)
    finally:
        _WRITTEN.clear()


def _compare(old: Policy, new: Policy) -> ChangeSet:
    differ = _Differ()
    differ.metadata(old, new)
    for name in PART_NAMES:  # the outline's order, which is the changes' order
        differ.part(name, old, new)
    differ.sections("sections", old.sections, new.sections)
    differ.document_moves(old, new)
    differ.related(old.related, new.related)
    alignments = Alignments(
        differ.groups,
        differ.items,
        differ.definition_pairs,
        differ.principle_pairs,
        differ.section_pairs,
    )
    return ChangeSet(
        old, new, tuple(differ.changes), alignments, differ.prose_diffs, tuple(differ.reached)
    )


class _Differ:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        #: While comparing a part only one version has, its inner changes are not recorded:
        #: the part's own addition or removal says it all, and carries its content.
        self.quiet = False
        self.section_pairs: dict[str, tuple[Pair[Section], ...]] = {}
        self.prose_diffs: dict[ProseKey, tuple[MergedLine, ...]] = {}
        self.groups: tuple[Pair[GoalGroup], ...] = ()
        self.items: dict[int, tuple[Pair[GoalItem], ...]] = {}
        self.definition_pairs: tuple[Pair[Definition], ...] = ()
        self.principle_pairs: tuple[Pair[Principle], ...] = ()
        self.reached: list[Reached] = []
        #: How each part of the outline is compared, by its name.
        self.parts: dict[str, Callable[[Policy, Policy], None]] = {
            "purpose": self.purpose,
            "goals": self.goals,
            "definitions": self.definitions,
            "principles": self.principles,
            "evaluation": self.evaluation,
        }

    def add(self, change: Change) -> None:
        if not self.quiet:
            self.changes.append(change)

    @contextmanager
    def bounded(self, path: str) -> Iterator[None]:
        """Note the bounds that pairing reaches in the block, as reached at `path`."""
        with recording() as reached:
            yield
        self.reached.extend(Reached(path, shortcut) for shortcut in Shortcut if shortcut in reached)

    def part(self, name: str, old: Policy, new: Policy) -> None:
        """A typed part: compared when both versions have it; added or removed whole, with
        its content, when one has it (format 2 lets a policy leave a part out). The part is
        still aligned against an empty one, so that the redlines can show its content."""
        before, after = getattr(old, name), getattr(new, name)
        if before is None and after is None:
            return
        if before is not None and after is not None:
            self.parts[name](old, new)
            return
        verdict = _ADDED if before is None else _REMOVED
        kind = Kind.ADDED if before is None else Kind.REMOVED
        whole = _node_text(after if before is None else before)
        self.add(
            Change(
                name,
                name,
                kind,
                verdict.category,
                old=None if before is None else whole,
                new=whole if before is None else None,
                reason=verdict.reason,
            )
        )
        self.quiet = True
        try:
            self.parts[name](filled(old, name), filled(new, name))
        finally:
            self.quiet = False

    def sections(self, path: str, old: Sequence[Section], new: Sequence[Section]) -> None:
        """Free sections, and their subsections at every depth: aligned by id, then heading,
        then similar text; each added (with its whole content), removed, moved, retitled or
        reworded."""
        with self.bounded(path):
            pairs = align(old, new, lambda s: s.id, lambda s: s.heading.casefold(), _section_text)
        self.section_pairs[path] = pairs
        top = path == "sections"  # whose moves are the document's (`document_moves`)
        for index, pair in enumerate(pairs):
            where = f"{path}[{_key(pair, lambda s: s.id, index)}]"
            self.placed(where, "sections", pair, _section_text, moves=not top)
            if pair.old is None or pair.new is None:
                continue
            self.text(f"{where}.heading", "sections", pair.old.heading, pair.new.heading)
            self.prose(f"{where}.text", "sections", pair.old.text, pair.new.text)
            numbered_old = "numbered" if pair.old.numbered else "unnumbered"
            numbered_new = "numbered" if pair.new.numbered else "unnumbered"
            self.value(f"{where}.numbered", "sections", numbered_old, numbered_new,
                       Category.EDITORIAL)  # fmt: skip
            self.sections(f"{where}.sections", pair.old.subsections, pair.new.subsections)

    # --- fields ---------------------------------------------------------------------------

    def text(
        self,
        path: str,
        part: str,
        old: str | None,
        new: str | None,
        category: Category | None = None,
        *,
        by_word: bool = True,
        verdict: Verdict | None = None,
    ) -> None:
        """A field: added, removed or modified. Text is diffed word by word; a value such as
        a version or a date (`by_word=False`) is replaced whole. Without a `category`, the
        change is classified by what its words change (`meaning`), unless the caller has
        its `verdict` already (prose)."""
        if old == new:
            return
        verdict = verdict or _field_verdict(path, old, new, category)
        if old is None:
            self.add(
                Change(path, part, Kind.ADDED, verdict.category, new=new, reason=verdict.reason)
            )
        elif new is None:
            self.add(
                Change(path, part, Kind.REMOVED, verdict.category, old=old, reason=verdict.reason)
            )
        else:
            words = word_diff(old, new) if by_word else (Piece("delete", old), Piece("insert", new))
            self.add(Change(path, part, Kind.MODIFIED, verdict.category, old, new, words,
                            reason=verdict.reason))  # fmt: skip

    def value(
        self,
        path: str,
        part: str,
        old: str | None,
        new: str | None,
        category: Category = Category.SUBSTANTIVE,
    ) -> None:
        self.text(path, part, old, new, category, by_word=False)

    def prose(self, path: str, part: str, old: Prose | None, new: Prose | None) -> None:
        """Prose, as canonical Markdown, and where it changed, line by line (also for a part
        only one version has, which the redlines show whole); classified by what its words
        change, as wording of a normative part or not (`meaning`)."""
        before_text, after_text = _markdown(old), _markdown(new)
        if before_text == after_text:
            return
        with self.bounded(path):
            lines = diff_prose(old, new)
        self.prose_diffs[prose_key(old, new)] = lines
        before = len(self.changes)
        self.text(path, part, before_text, after_text, verdict=_prose_verdict(part, old, new))
        if len(self.changes) > before:
            self.changes[-1] = replace(
                self.changes[-1], lines=lines, cells=tuple(cell_changes(lines))
            )

    def metadata(self, old: Policy, new: Policy) -> None:
        meaning = Category.SUBSTANTIVE
        editorial = Category.EDITORIAL
        self.value("id", "metadata", old.id, new.id)
        self.text("title", "metadata", old.title, new.title)
        self.text("organisation", "metadata", old.organisation, new.organisation)
        self.value("language", "metadata", old.language, new.language)
        self.value("version", "metadata", old.version, new.version, editorial)
        # Proposing a revision (adopted → draft) is the workflow, not a change of meaning.
        status = editorial if new.status.is_proposal else meaning
        self.value("status", "metadata", old.status.value, new.status.value, status)
        self.text("owner", "metadata", old.owner, new.owner, meaning)
        self.records("adoptions", old.adoptions, new.adoptions)
        old_repeal = (old.repeal,) if old.repeal else ()
        new_repeal = (new.repeal,) if new.repeal else ()
        self.records("repeal", old_repeal, new_repeal)
        self.text("keywords", "metadata", _list(old.keywords), _list(new.keywords))
        # Format 2's metadata: who answers for the policy is a named body, so substantive; the
        # records' numbers and the contact are bookkeeping.
        self.text("department", "metadata", old.department, new.department, meaning)
        self.value("case_number", "metadata", old.case_number, new.case_number, editorial)
        self.value("kle", "metadata", old.kle, new.kle, editorial)
        self.text("contact", "metadata", _contact(old), _contact(new), editorial)
        self.laws(old.legal_basis, new.legal_basis)

    def laws(self, old: Sequence[Law], new: Sequence[Law]) -> None:
        """The legal basis: a law added or removed changes what the policy rests on."""
        with self.bounded("legal_basis"):
            pairs = align(old, new, lambda x: None, lambda x: x.title.casefold(), lambda x: x.title)
        for index, pair in enumerate(pairs):
            path = f"legal_basis[{_key(pair, lambda x: None, index)}]"
            self.placed(path, "metadata", pair, lambda x: x.title, moves=False)
            if pair.old is not None and pair.new is not None:
                self.text(f"{path}.title", "metadata", pair.old.title, pair.new.title)
                self.value(
                    f"{path}.url", "metadata", pair.old.url, pair.new.url, Category.EDITORIAL
                )

    def records(self, path: str, old: Sequence[Decision], new: Sequence[Decision]) -> None:
        """Decisions are history: compared by position, each one substantive."""
        for index in range(max(len(old), len(new))):
            before = _decision(old[index]) if index < len(old) else None
            after = _decision(new[index]) if index < len(new) else None
            where = f"{path}[{index + 1}]" if path == "adoptions" else path
            self.value(where, "metadata", before, after)

    # --- parts ------------------------------------------------------------------------------

    def purpose(self, old: Policy, new: Policy) -> None:
        before, after = old.purpose, new.purpose
        assert before is not None and after is not None
        self.text("purpose.heading", "purpose", before.heading, after.heading)
        self.prose("purpose.text", "purpose", before.text, after.text)

    def goals(self, old: Policy, new: Policy) -> None:
        before, after = old.goals, new.goals
        assert before is not None and after is not None
        self.framed("goals", before.heading, after.heading, before.intro, after.intro)
        with self.bounded("goals"):
            groups = align(
                before.groups, after.groups, lambda g: g.id, lambda g: g.title or "", _group_text
            )
        items: dict[int, tuple[Pair[GoalItem], ...]] = {}
        for index, pair in enumerate(groups):
            path = f"goals[{_key(pair, lambda g: g.id, index)}]"
            self.placed(path, "goals", pair, lambda g: g.title or _group_text(g),
                        content=lambda g: _headed(g.title, _group_text(g)))  # fmt: skip
            if pair.old is None or pair.new is None:
                continue
            self.text(f"{path}.title", "goals", pair.old.title, pair.new.title)
            self.prose(f"{path}.intro", "goals", pair.old.intro, pair.new.intro)
            with self.bounded(f"{path}.items"):
                items[index] = aligned = align(
                    pair.old.items,
                    pair.new.items,
                    lambda i: i.id,
                    None,
                    lambda i: _markdown(i.text),
                )
            for item_index, item in enumerate(aligned):
                item_path = f"{path}.items[{_key(item, lambda i: i.id, item_index)}]"
                self.goal_item(item_path, item)
        self.groups, self.items = groups, items

    def goal_item(self, path: str, pair: Pair[GoalItem]) -> None:
        self.placed(path, "goals", pair, lambda i: _markdown(i.text) or "")
        if pair.old is None or pair.new is None:
            return
        self.prose(path, "goals", pair.old.text, pair.new.text)
        self.text(f"{path}.indicator", "goals", pair.old.indicator, pair.new.indicator)

    def definitions(self, old: Policy, new: Policy) -> None:
        before, after = old.definitions, new.definitions
        assert before is not None and after is not None
        self.framed("definitions", before.heading, after.heading, before.intro, after.intro)
        self.definition_pairs = self.named(
            "definitions", before.terms, after.terms, lambda d: d.id, lambda d: d.term,
            lambda d: d.text, ("term", "definition"),
        )  # fmt: skip

    def principles(self, old: Policy, new: Policy) -> None:
        before, after = old.principles, new.principles
        assert before is not None and after is not None
        self.framed("principles", before.heading, after.heading, before.intro, after.intro)
        self.principle_pairs = self.named(
            "principles", before.items, after.items, lambda p: p.id, lambda p: p.title,
            lambda p: p.text, ("title", "text"),
        )  # fmt: skip

    def framed(
        self,
        part: str,
        old_heading: str | None,
        new_heading: str | None,
        old_intro: Prose | None,
        new_intro: Prose | None,
    ) -> None:
        """A part's own heading and introduction."""
        self.text(f"{part}.heading", part, old_heading, new_heading)
        self.prose(f"{part}.intro", part, old_intro, new_intro)

    def named(
        self,
        part: str,
        old: Sequence[N],
        new: Sequence[N],
        ident: Callable[[N], str | None],
        name: Callable[[N], str],
        text: Callable[[N], Prose],
        fields: tuple[str, str],
    ) -> tuple[Pair[N], ...]:
        """A list of named parts (terms, principles): aligned by id, then name, then text;
        each added, removed, moved, renamed or reworded."""
        with self.bounded(part):
            pairs = align(
                old, new, ident, lambda x: name(x).casefold(), lambda x: _markdown(text(x))
            )
        name_field, text_field = fields
        for index, pair in enumerate(pairs):
            path = f"{part}[{_key(pair, lambda x: ident(x) or name(x), index)}]"
            self.placed(path, part, pair, name,
                        content=lambda x: _headed(name(x), _markdown(text(x))))  # fmt: skip
            if pair.old is not None and pair.new is not None:
                self.text(f"{path}.{name_field}", part, name(pair.old), name(pair.new))
                self.prose(f"{path}.{text_field}", part, text(pair.old), text(pair.new))
        return pairs

    def evaluation(self, old: Policy, new: Policy) -> None:
        before, after = old.evaluation, new.evaluation
        assert before is not None and after is not None
        meaning = Category.SUBSTANTIVE
        self.text("evaluation.heading", "evaluation", before.heading, after.heading)
        self.prose("evaluation.rule", "evaluation", before.rule, after.rule)
        interval_old = str(before.interval) if before.interval else None
        interval_new = str(after.interval) if after.interval else None
        self.value("evaluation.interval", "evaluation", interval_old, interval_new)
        self.text("evaluation.methods", "evaluation", _list(before.methods),
                  _list(after.methods), meaning)  # fmt: skip
        self.text("evaluation.responsible", "evaluation", before.responsible,
                  after.responsible, meaning)  # fmt: skip
        old_records = [_evaluation_record(r.date.isoformat(), r.note) for r in before.records]
        new_records = [_evaluation_record(r.date.isoformat(), r.note) for r in after.records]
        for index in range(max(len(old_records), len(new_records))):
            self.value(
                f"evaluation.records[{index + 1}]",
                "evaluation",
                old_records[index] if index < len(old_records) else None,
                new_records[index] if index < len(new_records) else None,
            )

    def related(self, old: Sequence[RelatedDocument], new: Sequence[RelatedDocument]) -> None:
        with self.bounded("related"):
            pairs = align(old, new, lambda r: None, lambda r: r.title.casefold(), lambda r: r.title)
        for index, pair in enumerate(pairs):
            path = f"related[{_key(pair, lambda r: None, index)}]"
            self.placed(path, "related", pair, lambda r: r.title)
            if pair.old is not None and pair.new is not None:
                self.text(f"{path}.title", "related", pair.old.title, pair.new.title)
                self.value(f"{path}.url", "related", pair.old.url, pair.new.url, Category.EDITORIAL)

    def document_moves(self, old: Policy, new: Policy) -> None:
        """Parts and free sections that moved in the document's order (`order:`), found as
        moves within a list are: those outside the longest run that kept its order."""
        free = self.section_pairs.get("sections", ())
        before, after = document_units(old, free, "old"), document_units(new, free, "new")
        where_new = {unit: n for n, unit in enumerate(after)}
        common = [(n, where_new[unit]) for n, unit in enumerate(before) if unit in where_new]
        stayed = set(longest_rising(common))
        for i, j in common:
            if (i, j) in stayed:
                continue
            unit = before[i]
            if isinstance(unit, str):
                path, part, text = unit, unit, unit
            else:
                pair = free[unit]
                assert pair.new is not None
                path = f"sections[{_key(pair, lambda s: s.id, unit)}]"
                part, text = "sections", pair.new.heading
            self.add(
                Change(path, part, Kind.MOVED, Category.EDITORIAL, text, text, (), (i + 1, j + 1),
                       reason=Reason("moved"))
            )  # fmt: skip

    def placed(
        self,
        path: str,
        part: str,
        pair: Pair[T],
        describe: Callable[[T], str],
        *,
        moves: bool = True,
        content: Callable[[T], str] | None = None,
    ) -> None:
        """An added, removed or moved part; adding or removing a part changes what the
        policy says, moving it only where it says it. An added or removed part carries its
        whole `content` (by default, what `describe` says of it); a moved one its name."""
        whole = content or describe
        if pair.old is None and pair.new is not None:
            added = _REFERENCE if part == "related" else _ADDED
            self.add(
                Change(
                    path,
                    part,
                    Kind.ADDED,
                    added.category,
                    new=whole(pair.new),
                    reason=added.reason,
                )
            )
        elif pair.new is None and pair.old is not None:
            removed = _REFERENCE if part == "related" else _REMOVED
            self.add(
                Change(
                    path,
                    part,
                    Kind.REMOVED,
                    removed.category,
                    old=whole(pair.old),
                    reason=removed.reason,
                )
            )
        elif moves and pair.moved and pair.old is not None and pair.new is not None:
            assert pair.old_index is not None and pair.new_index is not None
            positions = (pair.old_index + 1, pair.new_index + 1)
            text = describe(pair.new)
            self.add(Change(path, part, Kind.MOVED, Category.EDITORIAL, text, text, (), positions,
                            reason=Reason("moved")))  # fmt: skip


def document_units(policy: Policy, free: Sequence[Pair[Section]], side: str) -> list[str | int]:
    """The policy's parts and free sections in its order: a typed part by its name, a free
    section by the index of its pair in `free` (the aligned top-level sections)."""
    index_of = {
        (pair.old_index if side == "old" else pair.new_index): n for n, pair in enumerate(free)
    }
    keys = {section_key(s, i): i for i, s in enumerate(policy.sections)}
    units: list[str | int] = []
    for name in policy.order or default_order(policy):
        if name in PART_NAMES:
            units.append(name)
        elif name in keys:
            units.append(index_of[keys[name]])
    return units


#: Adding or removing a part changes what the policy says; a related document is a
#: reference, not part of what the policy says.
_ADDED = Verdict(Category.SUBSTANTIVE, Reason("added"))
_REMOVED = Verdict(Category.SUBSTANTIVE, Reason("removed"))
_REFERENCE = Verdict(Category.EDITORIAL, Reason("reference"))

#: The parts whose wording states what is to be done: a change to their words is
#: substantive unless it provably keeps the meaning (`meaning`).
NORMATIVE = frozenset({"goals", "definitions", "principles", "evaluation", "sections"})


def _field_verdict(
    path: str, old: str | None, new: str | None, category: Category | None
) -> Verdict:
    """A field's category: the given one (a value's: meaning or bookkeeping), or else its
    words' (`meaning.classify_text`), outside the normative parts."""
    if category is not None:
        code = "field" if category is Category.SUBSTANTIVE else "bookkeeping"
        return Verdict(category, Reason(code, path))
    if old is None or new is None:
        return Verdict(Category.EDITORIAL, Reason("wording_free"))
    return classify_text(old, new, normative=False)


def _prose_verdict(part: str, old: Prose | None, new: Prose | None) -> Verdict:
    normative = part in NORMATIVE
    if old is None or new is None:
        if not normative:
            return Verdict(Category.EDITORIAL, Reason("wording_free"))
        return Verdict(Category.SUBSTANTIVE, Reason("added" if old is None else "removed"))
    return classify_markup(
        plain_text(old), plain_text(new), _markdown(old) or "", _markdown(new) or "",
        normative=normative,
    )  # fmt: skip


def _key(pair: Pair[T], ident: Callable[[T], str | None], index: int) -> str:
    """A part's name in a path: its id, or its 1-based position in its version."""
    node = pair.new if pair.new is not None else pair.old
    assert node is not None
    name = ident(node)
    if name:
        return name
    position = pair.new_index if pair.new_index is not None else pair.old_index
    return str((position if position is not None else index) + 1)


#: Each prose field's canonical Markdown during one `compare`, by the field's identity:
#: aligning, pairing and diffing ask for one field's several times (11,000 goals and
#: principles, 42,000 times). The field is kept with it, so an id is never reused.
_WRITTEN: dict[int, tuple[Prose, str]] = {}


def _markdown(prose: Prose | None) -> str | None:
    if prose is None:
        return None
    kept = _WRITTEN.get(id(prose))
    if kept is not None and kept[0] is prose:
        return kept[1]
    text = canonical_markdown(prose)
    _WRITTEN[id(prose)] = (prose, text)
    return text


def _section_text(section: Section) -> str:
    """A free section's heading and text, and its subsections', as Markdown: what a section
    added or removed carries, and what similar sections are paired by."""
    parts = []
    for depth, node in walk(section):
        parts.append("#" * (depth + 1) + " " + node.heading)
        parts.extend([_markdown(node.text) or ""] if node.text is not None else [])
    return "\n\n".join(parts)


def _node_text(node: Node) -> str:
    """A whole typed part as Markdown: what its addition or removal carries."""
    heading = getattr(node, "heading", None)
    texts = [_markdown(prose) or "" for prose in node_prose(node)]
    return "\n\n".join([f"# {heading}", *texts] if heading else texts)


def filled(policy: Policy, name: str) -> Policy:
    """The policy with an empty part where it has none, to align the other version's with."""
    if getattr(policy, name) is not None:
        return policy
    span = policy.span
    empty = Prose("", (), span)
    blanks: dict[str, Any] = {
        "purpose": Purpose(None, empty, span),
        "goals": Goals(None, None, (), span),
        "definitions": Definitions(None, None, (), span),
        "principles": Principles(None, None, (), span),
        "evaluation": Evaluation(None, empty, None, (), None, (), span),
    }
    return replace(policy, **{name: blanks[name]})


def _headed(heading: str | None, text: str | None) -> str:
    """A part's heading and text as Markdown: what an added or removed part carries."""
    return "\n\n".join(x for x in (f"# {heading}" if heading else None, text) if x)


def _group_text(group: GoalGroup) -> str:
    return "\n".join(_markdown(item.text) or "" for item in group.items)


def _list(values: Sequence[str]) -> str | None:
    return ", ".join(values) if values else None


def _contact(policy: Policy) -> str | None:
    contact = policy.contact
    if contact is None:
        return None
    return " · ".join(x for x in (contact.name, contact.email, contact.phone) if x)


def _decision(decision: Decision) -> str:
    parts = [decision.date.isoformat(), decision.body]
    parts += [decision.reference] if decision.reference else []
    return " · ".join(parts)


def _evaluation_record(date: str, note: str | None) -> str:
    return f"{date} · {note}" if note else date


# --- alignment ------------------------------------------------------------------------------


def align(
    old: Sequence[T],
    new: Sequence[T],
    ident: Callable[[T], str | None],
    title: Callable[[T], str | None] | None,
    text: Callable[[T], str | None],
) -> tuple[Pair[T], ...]:
    """Pair up two lists of parts, in the new order with removed parts after their old
    predecessor. See the module docstring for the order of the criteria."""
    matches: dict[int, int] = {}  # old index → new index
    for key in (ident, title, text):
        if key is not None:
            _match_equal(old, new, key, matches)
    _match_similar(old, new, text, matches)
    in_order = longest_rising(sorted(matches.items()))
    return tuple(_merge(old, new, matches, in_order))


def _match_equal(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str | None],
    matches: dict[int, int],
) -> None:
    """Pair parts whose key is equal and unique on both sides."""
    taken = set(matches.values())
    old_keys = _unique_keys((i, key(x)) for i, x in enumerate(old) if i not in matches)
    new_keys = _unique_keys((j, key(x)) for j, x in enumerate(new) if j not in taken)
    for value, i in old_keys.items():
        j = new_keys.get(value)
        if j is not None:
            matches[i] = j


def _unique_keys(keyed: Iterator[tuple[int, str | None]]) -> dict[str, int]:
    seen: dict[str, int] = {}
    doubled: set[str] = set()
    for index, value in keyed:
        if value is None or value == "":
            continue
        if value in seen:
            doubled.add(value)
        seen[value] = index
    return {value: index for value, index in seen.items() if value not in doubled}


def _match_similar(
    old: Sequence[T],
    new: Sequence[T],
    text: Callable[[T], str | None],
    matches: dict[int, int],
) -> None:
    """Pair the rest by similar text, best pairs first: within each stretch between two
    pairs in order, so that the work stays small when a long list changes a little, and
    then across the list for what is left, when little is."""
    anchors = longest_rising(sorted(matches.items()))
    bounds = [(-1, -1), *anchors, (len(old), len(new))]
    # Each unpaired text's words once, not once a pair; a paired one's are never asked
    # for (the benchmark's goals: 10,000 items, all paired by id).
    taken = set(matches.values())
    old_words = {i: words(text(x) or "") for i, x in enumerate(old) if i not in matches}
    new_words = {j: words(text(x) or "") for j, x in enumerate(new) if j not in taken}
    for (i0, j0), (i1, j1) in itertools.pairwise(bounds):
        if i1 - i0 < 2 or j1 - j0 < 2:
            continue  # nothing between two pairs on one side: no candidates
        _pair_best(old_words, new_words, matches, range(i0 + 1, i1), range(j0 + 1, j1))
    olds = [i for i in range(len(old)) if i not in matches]
    news = sorted(set(range(len(new))) - set(matches.values()))
    if len(olds) * len(news) <= GLOBAL_PAIRING_LIMIT:
        _pair_best(old_words, new_words, matches, olds, news)
    elif olds and news:
        reach(Shortcut.ACROSS)


def _pair_best(
    old: Mapping[int, Sequence[str]],
    new: Mapping[int, Sequence[str]],
    matches: dict[int, int],
    old_range: Iterable[int],
    new_range: Iterable[int],
) -> None:
    """The best pairs of what is left in the ranges, by the texts' words: every one with
    every other in a small stretch, and in a long one each with those near its place
    (`pairing.near`), so that the work grows with the length, not its square."""
    taken = set(matches.values())
    olds = [i for i in old_range if i not in matches]
    news = [j for j in new_range if j not in taken]
    candidates = ((olds[a], news[b]) for a, b in near(len(olds), len(news)))
    matches.update(pair_similar(candidates, lambda i, j: token_similarity(old[i], new[j])))


def _merge(
    old: Sequence[T],
    new: Sequence[T],
    matches: dict[int, int],
    in_order: list[tuple[int, int]],
) -> Iterator[Pair[T]]:
    """The pairs in the new order; each removed part follows its old predecessor."""
    stayed = set(in_order)
    removed_after: dict[int, list[int]] = {}  # new index (-1: start) → removed old indexes
    new_of_old = dict(matches)
    last_new = -1
    for i in range(len(old)):
        if i in new_of_old:
            if (i, new_of_old[i]) in stayed:
                last_new = new_of_old[i]
            continue
        removed_after.setdefault(last_new, []).append(i)
    old_of_new = {j: i for i, j in matches.items()}
    for i in removed_after.get(-1, []):
        yield Pair(old[i], None, i, None)
    for j, part in enumerate(new):
        match = old_of_new.get(j)
        if match is None:
            yield Pair(None, part, None, j)
        else:
            yield Pair(old[match], part, match, j, moved=(match, j) not in stayed)
        for removed in removed_after.get(j, []):
            yield Pair(old[removed], None, removed, None)
