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

from policykit.importing.assemble import Imported
from policykit.importing.blocks import Comment, Revision
from policykit.importing.exports import interval_of
from policykit.importing.metadata import find_interval
from policykit.merging.tree import Conflict, Data, Log, merge3, word_edits
from policykit.model.policy import Policy
from policykit.writing.policy_yaml import policy_data

#: What a returned Word file may change: the title and the parts.
CONTENT = ("title", "purpose", "goals", "definitions", "principles", "evaluation", "sections",
           "order")  # fmt: skip

#: What it shows but does not change, and why.
_SET_ELSEWHERE = {
    "version": "the version is set by `policykit adopt`, not by the Word file",
    "status": "the status is set by `policykit adopt`, not by the Word file",
    "adoptions": "adoptions are recorded by `policykit adopt`, not by the Word file",
    "repeal": "a repeal is recorded by `policykit repeal`, not by the Word file",
    "owner": "the title page's facts come from the YAML; change the owner there",
    "organisation": "the title page's facts come from the YAML; change the organisation there",
    "related": "the related documents come from the YAML's `related:`; change them there",
    "legal_basis": "the legal basis comes from the YAML's `legal_basis:`; change it there",
    "contact": "the contact comes from the YAML and the project file; change it there",
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
    base_data, yaml_data = policy_data(base), policy_data(yaml)
    shown_data, edited_data = policy_data(shown.policy), policy_data(edited.policy)
    result = Update(dict(yaml_data))
    _facts(shown_data, edited_data, result)
    _interval(shown, edited, shown_data, edited_data, result)
    _unheld(shown, edited, result)
    log = Log()
    word = word_edits(_content(base_data), _content(shown_data), _content(edited_data), "", log)
    merged = merge3(_content(base_data), word, _content(yaml_data), "", log)
    result.data = {k: v for k, v in yaml_data.items() if k not in CONTENT} | merged
    if yaml.format < 2 and ("sections" in merged or "order" in merged):
        result.data["format"] = 2  # free sections and their order are format 2's
    result.conflicts, result.check = log.conflicts, sorted(set(log.by_text))
    result.revisions = [(edited.path_at(r.where), r) for r in edited.revisions]
    result.comments = [(edited.path_at(c.where), c) for c in edited.comments]
    return result


def _content(data: dict[str, Data]) -> dict[str, Data]:
    return {key: data[key] for key in CONTENT if key in data}


def _facts(shown: dict[str, Data], edited: dict[str, Data], result: Update) -> None:
    for key, reason in _SET_ELSEWHERE.items():
        if shown.get(key) != edited.get(key):
            result.not_applied.append(
                NotApplied(key, reason, _said(edited.get(key)), _said(shown.get(key)))
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
