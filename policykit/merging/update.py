"""What a returned Word file changes in its policy, and what it cannot.

Four versions meet here, each as the plain data of a policy file (`policy_data`):

- `base`, the YAML the Word file was exported from;
- `shown`, that export read back by the Word importer;
- `edited`, the returned file read back the same way;
- `yaml`, the file as it is now (the base itself, unless it moved on since the export).

The Word file's edits are what turns `shown` into `edited`: both are read by one importer, so
what it cannot see the same in either (ids, indicators' places, the author's wrapping) is no
edit. Those edits are laid onto `base` (`tree.word_edits`), merged with the YAML's own changes
(`tree.merge3`), and the result is what `patch` writes. What the Word file shows but the
YAML does not take from it (the title page's facts, the contents, images) is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from policykit.comparing.pairing import SIMILAR
from policykit.comparing.words import token_similarity, words
from policykit.importing.assemble import Imported, Options, assemble, misfit_reason
from policykit.importing.blocks import Comment, Document, Heading, Revision
from policykit.importing.exports import interval_of
from policykit.importing.metadata import find_interval
from policykit.merging.tree import MARK, Conflict, Data, Log, Unmapped, merge3, word_edits
from policykit.model.policy import Policy
from policykit.writing.policy_yaml import policy_data

#: What a returned Word file may change: the title and the parts.
CONTENT = ("title", "purpose", "goals", "definitions", "principles", "evaluation", "sections",
           "order")  # fmt: skip

_BY_ADOPT = "is set by `policykit adopt`, not by the Word file"
_IN_YAML = "comes from the YAML; change it there"

#: The title page's facts, by the label's field (`importing.exports.FIELDS`): shown, never
#: taken from the Word file.
_TITLE_PAGE = {
    "version": f"the version {_BY_ADOPT}",
    "status": f"the status {_BY_ADOPT}",
    "case_reference": f"the case reference {_BY_ADOPT}",
    "owner": f"the owner on the title page {_IN_YAML}",
    "department": f"the department on the title page {_IN_YAML}",
    "case_number": f"the case number on the title page {_IN_YAML}",
    "kle": f"the KLE number on the title page {_IN_YAML}",
}

#: The rest of what the Word file shows but does not change, by the policy's field.
_ELSEWHERE = {
    "adoptions": "adoptions are recorded by `policykit adopt`, not by the Word file",
    "repeal": "a repeal is recorded by `policykit repeal`, not by the Word file",
    "organisation": f"the organisation {_IN_YAML}",
    "related": f"the list of related documents {_IN_YAML}",
    "legal_basis": f"the legal basis {_IN_YAML}",
    "contact": f"the contact {_IN_YAML} or in the project file",
}


@dataclass(frozen=True, slots=True)
class NotApplied:
    """An edit in the Word file that the YAML does not take, and why."""

    path: str
    reason: str
    #: What the report quotes: the Word file's text, and what it is set against, each with
    #: its label ("Word", "YAML"; "the rule", "the “Evalueres:” line").
    quoted: tuple[tuple[str, str], ...] = ()


@dataclass
class Update:
    """The policy's data after the Word file's edits, and what the report says of them."""

    data: dict[str, Data]
    not_applied: list[NotApplied] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    #: Items matched by similar text only, for a person to check.
    check: list[str] = field(default_factory=list)
    #: The tracked changes and comments, each with the YAML path of the section it is in.
    revisions: list[tuple[str, Revision]] = field(default_factory=list)
    comments: list[tuple[str, Comment]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Sides:
    """The export and the returned file, each read back, and the data of each."""

    shown: Imported
    edited: Imported
    shown_data: dict[str, Data]
    edited_data: dict[str, Data]


def update(base: Policy, yaml: Policy, shown: Document, edited: Document, name: str) -> Update:
    """The YAML's data with the Word file's edits. `shown` is the export of `base` read back,
    `edited` the returned file (called `name`) read back. Raises `tree.Unmapped` when a part
    of the returned file no longer reads as the part it was."""
    recovered, check = _recovered(shown, edited)
    sides = _read_back(assemble(shown, Options("the export")), assemble(recovered, Options(name)))
    base_data, yaml_data = policy_data(base), policy_data(yaml)
    result = Update(dict(yaml_data))
    _facts(sides, result)
    _interval(sides, result)
    _unheld(sides, result)
    log = Log()
    shown_content, edited_content = _content(sides.shown_data), _content(sides.edited_data)
    word = word_edits(_content(base_data), shown_content, edited_content, "", log)
    merged = merge3(_content(base_data), word, _content(yaml_data), "", log)
    result.data = {k: v for k, v in yaml_data.items() if k not in CONTENT} | merged
    if yaml.format < 2 and ("sections" in merged or "order" in merged):
        result.data["format"] = 2  # free sections and their order are format 2's
    result.conflicts, result.check = log.conflicts, sorted({*log.by_text, *check})
    returned = sides.edited
    result.revisions = [(place(returned, r.where), r) for r in returned.revisions]
    result.comments = [(place(returned, c.where), c) for c in returned.comments]
    return result


def _read_back(shown: Imported, edited: Imported) -> _Sides:
    for placement in edited.placements:
        if placement.misfit is not None:
            raise Unmapped(
                f"the section “{placement.heading}” is the {placement.misfit} part, "
                f"{misfit_reason(placement.misfit)}"
            )
    return _Sides(shown, edited, _marked_data(shown), _marked_data(edited))


def _recovered(shown: Document, edited: Document) -> tuple[Document, list[str]]:
    """The returned file with the parts whose heading lost its bookmark (retyped, say)
    found again: by the heading's text, then by the section's words. The second is for a
    person to check."""
    lost = {part: text for text, part in shown.hints.items() if part not in edited.hints.values()}
    if not lost:
        return edited, []
    hints = dict(edited.hints)
    theirs = {heading: body for heading, body in _sections(edited) if heading not in hints}
    for part, heading in list(lost.items()):
        if heading in theirs:
            hints[heading] = part
            del theirs[heading], lost[part]
    check = []
    ours = dict(_sections(shown))
    for part, heading in lost.items():
        mine = words(ours.get(heading, ""))
        scored = [(token_similarity(mine, words(body)), other) for other, body in theirs.items()]
        best = max(scored, default=(0.0, ""))
        if best[0] >= SIMILAR:
            hints[best[1]] = part
            del theirs[best[1]]
            check.append(f"{part} (its heading “{best[1]}” matched by its words only)")
    return replace(edited, hints=hints), check


def _sections(document: Document) -> list[tuple[str, str]]:
    """Each top-level heading's text, and the words of what follows it to the next."""
    out: list[tuple[str, list[str]]] = []
    for block in document.blocks:
        if isinstance(block, Heading) and block.level == 1:
            out.append((block.text, []))
        elif out:
            out[-1][1].append(block.text)
    return [(heading, " ".join(body)) for heading, body in out]


def place(imported: Imported, where: int) -> str:
    """The YAML path of what a paragraph of the returned file shows: a goal
    (`goals.groups[1].items[4]`), a term and its definition (`definitions.terms[2]`), else
    the section it is in (`principles[dialog]`)."""
    policy, section = imported.policy, imported.path_at(where)
    if section == "goals":
        for g, group in enumerate(policy.goal_groups, start=1):
            for i, item in enumerate(group.items, start=1):
                if item.span.line == where:
                    untitled = len(policy.goal_groups) == 1 and group.title is None
                    return f"goals.items[{i}]" if untitled else f"goals.groups[{g}].items[{i}]"
    if section == "definitions":
        before = [n for n, term in enumerate(policy.terms, start=1) if term.span.line <= where]
        if before:
            return f"definitions.terms[{before[-1]}]"
    return section


def _marked_data(imported: Imported) -> dict[str, Data]:
    """The data of a policy read back from Word, each goal group, goal and term with the
    bookmark its paragraph carries (`tree.MARK`), which matches it first."""
    data = policy_data(imported.policy)
    policy, marks = imported.policy, imported.marks
    goals = data.get("goals")
    if policy.goals is not None and isinstance(goals, dict):
        groups = [goals] if "items" in goals else goals["groups"]
        for data_group, group in zip(groups, policy.goals.groups, strict=True):
            if data_group is not goals:
                _mark(data_group, marks.get(group.span.line))
            for entry, item in zip(data_group["items"], group.items, strict=True):
                _mark(entry, marks.get(item.span.line))
    definitions = data.get("definitions")
    if policy.definitions is not None and isinstance(definitions, dict):
        for entry, term in zip(definitions["terms"], policy.definitions.terms, strict=True):
            _mark(entry, marks.get(term.span.line))
    return data


def _mark(entry: dict[str, Data], mark: str | None) -> None:
    if mark is not None:
        entry[MARK] = mark


def _content(data: dict[str, Data]) -> dict[str, Data]:
    return {key: data[key] for key in CONTENT if key in data}


def _facts(sides: _Sides, result: Update) -> None:
    before, after = sides.shown.facts.values, sides.edited.facts.values
    for key, reason in _TITLE_PAGE.items():
        if before.get(key) != after.get(key):
            result.not_applied.append(
                NotApplied(key, reason, _word_yaml(after.get(key), before.get(key)))
            )
    shown, edited = sides.shown_data, sides.edited_data
    for key, reason in _ELSEWHERE.items():
        if shown.get(key) != edited.get(key):
            result.not_applied.append(
                NotApplied(key, reason, _word_yaml(edited.get(key), shown.get(key)))
            )


def _interval(sides: _Sides, result: Update) -> None:
    """The interval is what the "Evalueres:" line says, and it changes only when the line
    and the rule's sentence agree: a line or a sentence changed to say another interval
    than the other is a conflict, and the interval stays as it was. An edited line that
    says no interval policykit can read is not applied either."""
    before, after = sides.shown_data.get("evaluation"), sides.edited_data.get("evaluation")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    line_before = sides.shown.facts.values.get("interval", "")
    line_after = sides.edited.facts.values.get("interval", "")
    kept = before.get("interval")
    _put(after, "interval", kept)
    said = interval_of(line_after) if line_after != line_before else None
    if line_after != line_before and said is None:
        result.not_applied.append(NotApplied(
            "evaluation.interval", "the “Evalueres:” line says no interval policykit can read",
            _word_yaml(line_after, line_before),
        ))  # fmt: skip
    line = str(said) if said is not None else kept
    rule = find_interval(str(after.get("rule", "")).splitlines())
    stated = rule.interval
    earlier = find_interval(str(before.get("rule", "")).splitlines()).interval
    changed = line_after != line_before or stated != earlier  # else: as the YAML had it
    if changed and stated is not None and str(stated) != line:
        result.not_applied.append(NotApplied(
            "evaluation.interval",
            "the rule's sentence and the “Evalueres:” line now state different intervals; "
            "the interval stays as it was: make the two agree",
            (("the rule", " ".join(rule.sentences)), ("the “Evalueres:” line", line_after)),
        ))  # fmt: skip
    elif said is not None:
        after["interval"] = str(said)


def _put(data: dict[str, Any], key: str, value: object) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _unheld(sides: _Sides, result: Update) -> None:
    """Edits to what the export makes from the rest (its contents) and content a policy
    cannot hold (images)."""

    def contents(imported: Imported) -> list[str]:
        return [d.text for d in imported.dropped if d.reason == "table of contents"]

    shown, edited = sides.shown, sides.edited
    if contents(shown) != contents(edited):
        result.not_applied.append(NotApplied(
            "contents", "the table of contents is made from the headings; rename a heading "
            "in the text to change it",
        ))  # fmt: skip
    for note in edited.notes:
        if note not in shown.notes:
            result.not_applied.append(NotApplied("", note))


def _word_yaml(word: Data, yaml: Data) -> tuple[tuple[str, str], ...]:
    return (("Word", _said(word)), ("YAML", _said(yaml)))


def _said(value: Data) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_said(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_said(v) for v in value.values() if v)
    return str(value).strip()
