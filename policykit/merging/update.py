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

from dataclasses import dataclass, field
from typing import Any

from policykit.importing.assemble import Imported, misfit_reason
from policykit.importing.blocks import Comment, Revision
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
    word: str = ""
    yaml: str = ""


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


def update(base: Policy, yaml: Policy, shown: Imported, edited: Imported) -> Update:
    """The YAML's data with the Word file's edits. `shown` is the export of `base` read back,
    `edited` the returned file read back. Raises `tree.Unmapped` when the export does not read
    back item for item (a policy the Word round trip cannot carry)."""
    for placement in edited.placements:
        if placement.misfit is not None:
            raise Unmapped(
                f"the section “{placement.heading}” is the {placement.misfit} part, "
                f"{misfit_reason(placement.misfit)}"
            )
    base_data, yaml_data = policy_data(base), policy_data(yaml)
    shown_data, edited_data = _marked_data(shown), _marked_data(edited)
    result = Update(dict(yaml_data))
    _facts(shown, edited, shown_data, edited_data, result)
    _interval(shown, edited, shown_data, edited_data, result)
    _unheld(shown, edited, result)
    log = Log()
    word = word_edits(_content(base_data), _content(shown_data), _content(edited_data), "", log)
    merged = merge3(_content(base_data), word, _content(yaml_data), "", log)
    result.data = {k: v for k, v in yaml_data.items() if k not in CONTENT} | merged
    if yaml.format < 2 and ("sections" in merged or "order" in merged):
        result.data["format"] = 2  # free sections and their order are format 2's
    result.conflicts, result.check = log.conflicts, sorted(set(log.by_text))
    result.revisions = [(place(edited, r.where), r) for r in edited.revisions]
    result.comments = [(place(edited, c.where), c) for c in edited.comments]
    return result


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
    """The data of a policy read back from Word, each goal and term with the content
    bookmark its paragraph opens with (`tree.MARK`), which matches it first."""
    data = policy_data(imported.policy)
    policy, marks = imported.policy, imported.marks
    goals = data.get("goals")
    if policy.goals is not None and isinstance(goals, dict):
        lists = [goals["items"]] if "items" in goals else [g["items"] for g in goals["groups"]]
        for entries, group in zip(lists, policy.goals.groups, strict=True):
            for entry, item in zip(entries, group.items, strict=True):
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


def _facts(
    shown: Imported,
    edited: Imported,
    shown_data: dict[str, Data],
    edited_data: dict[str, Data],
    result: Update,
) -> None:
    before, after = shown.facts.values, edited.facts.values
    for key, reason in _TITLE_PAGE.items():
        if before.get(key) != after.get(key):
            result.not_applied.append(
                NotApplied(key, reason, after.get(key, ""), before.get(key, ""))
            )
    for key, reason in _ELSEWHERE.items():
        if shown_data.get(key) != edited_data.get(key):
            result.not_applied.append(
                NotApplied(key, reason, _said(edited_data.get(key)), _said(shown_data.get(key)))
            )


def _interval(
    shown: Imported,
    edited: Imported,
    shown_data: dict[str, Data],
    edited_data: dict[str, Data],
    result: Update,
) -> None:
    """The interval comes from the "Evalueres:" line alone. An edited line that says no
    interval is not applied; a rule whose sentence now states another interval than the
    line is a conflict, and the interval stays."""
    before, after = shown_data.get("evaluation"), edited_data.get("evaluation")
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    line_before = shown.facts.values.get("interval", "")
    line_after = edited.facts.values.get("interval", "")
    kept = before.get("interval")
    if line_after != line_before:
        said = interval_of(line_after)
        if said is not None:
            after["interval"] = str(said)
            return
        result.not_applied.append(NotApplied(
            "evaluation.interval", "the “Evalueres:” line says no interval policykit can read",
            line_after, line_before,
        ))  # fmt: skip
    _put(after, "interval", kept)
    rule_before = find_interval(str(before.get("rule", "")).splitlines())
    rule_after = find_interval(str(after.get("rule", "")).splitlines())
    stated = rule_after.interval
    if stated is not None and stated != rule_before.interval and str(stated) != kept:
        result.not_applied.append(NotApplied(
            "evaluation.interval",
            "the rule's sentence now states another interval than the “Evalueres:” line; "
            "the interval stays as it was: change the line too, or the sentence back",
            " ".join(rule_after.sentences), line_before,
        ))  # fmt: skip


def _put(data: dict[str, Any], key: str, value: object) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _unheld(shown: Imported, edited: Imported, result: Update) -> None:
    """Edits to what the export makes from the rest (its contents) and content a policy
    cannot hold (images)."""

    def contents(imported: Imported) -> list[str]:
        return [d.text for d in imported.dropped if d.reason == "table of contents"]

    if contents(shown) != contents(edited):
        result.not_applied.append(NotApplied(
            "contents", "the table of contents is made from the headings; rename a heading "
            "in the text to change it",
        ))  # fmt: skip
    for note in edited.notes:
        if note not in shown.notes:
            result.not_applied.append(NotApplied("", note))


def _said(value: Data) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_said(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(_said(v) for v in value.values() if v)
    return str(value).strip()
