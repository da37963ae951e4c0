"""Recording decisions in a policy file: `adopt`, `evaluate` and `repeal`.

A decision edits the YAML in place with ruamel.yaml's round-trip mode, so comments, key
order, quoting and block scalars stay as they were, except on the lines that change. Before
anything is written, the edited text is read back and validated; the file is replaced
atomically, under a lock on the repository, so that two runs at once cannot both win or
leave a half-written file. What makes no sense (a date before the last decision, adopting a
repealed policy, a file with errors) is refused with the file untouched.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import fcntl
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policykit.checking.checks import placeholder_errors
from policykit.checking.validate import SourceFile, validate
from policykit.comparing.diff import Bump, bump_version, compare
from policykit.diagnostics.errors import InvalidInputError, PolicykitError, UsageError
from policykit.edge.files import display_path, write_atomic
from policykit.edge.workspace import load_settings, project_root, read_named
from policykit.model.policy import Policy, Status
from policykit.model.project import DRAFTS_FOLDER, Project


class DecisionError(PolicykitError):
    """A decision that cannot be recorded; the file is left as it was."""


class BusyError(DecisionError):
    """Another policykit is recording a decision in this repository right now."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a decision wrote: the file, and for an adopted draft the file it replaced."""

    path: Path
    message: str
    removed: Path | None = None
    version: str | None = None
    notes: list[str] = field(default_factory=list)


# --- the three decisions ----------------------------------------------------------------------


def adopt(
    path: Path,
    body: str | None,
    date: dt.date,
    reference: str | None = None,
    version: str | None = None,
) -> Recorded:
    """Record an adoption: the record appended, the status adopted, the version set (by
    default the bump `diff` suggests against the version in force). A draft revision in
    `drafts/` then replaces the policy in force."""
    with _editing(path, final=True) as (policy, project, document):
        _refuse_repealed(policy, "adopt")
        _refuse_before(policy, date, "adoption")
        last = policy.last_adoption
        if last is not None and last.date == date and policy.status is Status.ADOPTED:
            raise DecisionError(
                f"{display_path(path)}: already adopted on {date.isoformat()}",
                hint="each adoption is recorded once; check `adoptions:` in the file",
            )
        in_force = _in_force(path, policy, project)
        new_version, note = _new_version(path, policy, in_force, version)
        body = _deciding(body, policy, project, "adopted")
        record: dict[str, Any] = {"date": date, "body": body}
        if reference:
            record["reference"] = reference
        document["status"] = "adopted"
        _set_version(document, new_version)
        _append(document, "adoptions", record, after=("owner", "status"))
        target = in_force[0] if policy.is_draft_revision and in_force else path
        message = f"adopted by {body} on {date.isoformat()}, version {new_version}"
        return Recorded(
            target,
            message,
            removed=path if target != path else None,
            version=new_version,
            notes=[note] if note else [],
        )


def evaluate(path: Path, date: dt.date, note: str | None = None) -> Recorded:
    """Record an evaluation under `evaluation.records`."""
    with _editing(path) as (policy, _, document):
        _refuse_repealed(policy, "evaluate")
        if policy.last_adoption is None:
            raise DecisionError(
                f"{display_path(path)}: the policy has not been adopted, so it cannot be evaluated",
                hint="record the adoption first: `policykit adopt FILE --by … --date …`",
            )
        if date < policy.last_adoption.date:
            raise DecisionError(
                f"{display_path(path)}: an evaluation on {date.isoformat()} would come before "
                f"the adoption on {policy.last_adoption.date.isoformat()}"
            )
        if policy.evaluation is None:
            raise DecisionError(
                f"{display_path(path)}: the policy has no evaluation rule to record an "
                "evaluation under",
                hint="add `evaluation:` with its `rule:` first",
            )
        records = policy.evaluation.records
        if records and date < records[-1].date:
            raise DecisionError(
                f"{display_path(path)}: the last evaluation is of {records[-1].date.isoformat()}; "
                f"{date.isoformat()} comes before it",
                hint="evaluations are recorded in order",
            )
        record: dict[str, Any] = {"date": date}
        if note:
            record["note"] = note
        _append(document["evaluation"], "records", record, after=())
        return Recorded(path, f"evaluation of {date.isoformat()} recorded")


def repeal(path: Path, body: str | None, date: dt.date, reference: str | None = None) -> Recorded:
    """Record a repeal: `repeal:` set and the status repealed."""
    with _editing(path) as (policy, project, document):
        _refuse_repealed(policy, "repeal")
        if policy.last_adoption is None or policy.is_draft_revision:
            raise DecisionError(
                f"{display_path(path)}: only a policy in force can be repealed",
                hint="a draft that is not wanted can simply be deleted",
            )
        _refuse_before(policy, date, "repeal")
        body = _deciding(body, policy, project, "repealed")
        record: dict[str, Any] = {"date": date, "body": body}
        if reference:
            record["reference"] = reference
        document["status"] = "repealed"
        _set_key(document, "repeal", _mapping(record), after=("adoptions",))
        return Recorded(path, f"repealed by {body} on {date.isoformat()}")


# --- checks -----------------------------------------------------------------------------------


def _refuse_repealed(policy: Policy, verb: str) -> None:
    if policy.status is Status.REPEALED:
        raise DecisionError(
            f"{policy.span.file}: the policy is repealed, so you cannot {verb} it",
            hint="a repealed policy stays as it was; write a new policy instead",
        )


def _refuse_before(policy: Policy, date: dt.date, what: str) -> None:
    last = policy.last_adoption
    if last is not None and date < last.date:
        raise DecisionError(
            f"{policy.span.file}: the {what} date {date.isoformat()} is before the last "
            f"adoption on {last.date.isoformat()}",
            hint="decisions are recorded in the order they were made",
        )


def _deciding(body: str | None, policy: Policy, project: Project, done: str) -> str:
    """The body that decided: `--by`; else the one that adopted the policy last, as `brief`
    proposes; else the project's body for the policy's language."""
    last = policy.last_adoption
    deciding = body or (last.body if last else None) or project.body(policy.language)
    if deciding is None:
        raise DecisionError(
            f"say which body {done} it, with --by (Byrådet, say)",
            hint="or name the council once, in policykit.yaml: `body: Byrådet`, or one name "
            "per language (`body: {da: Byrådet, en: City Council}`)",
        )
    return deciding


def _in_force(path: Path, policy: Policy, project: Project) -> tuple[Path, Policy] | None:
    """The policy in force that a draft revision revises (see `_policy_file`)."""
    if not policy.is_draft_revision:
        return None
    target = _policy_file(path, policy)
    if not target.is_file():
        return None
    source = SourceFile(display_path(target), read_named(target))
    report = validate([source], project)
    return (target, report.policies[0]) if report.policies else None


def _new_version(
    path: Path, policy: Policy, in_force: tuple[Path, Policy] | None, version: str | None
) -> tuple[str, str | None]:
    if version is not None:
        return version, None
    if in_force is None:
        raise UsageError(
            f"{display_path(path)}: there is no earlier version to compare with, so give the "
            "version to adopt",
            hint="add --version, such as --version 1.0",
        )
    changes = compare(in_force[1], policy)
    bump = changes.bump if changes.bump is not Bump.NONE else Bump.MINOR
    suggested = bump_version(in_force[1].version, bump)
    if suggested is None:
        raise UsageError(
            f"the version in force, `{in_force[1].version}`, is not dotted numbers, so "
            "policykit cannot suggest the next one",
            hint="add --version",
        )
    why = changes.category.value if changes.category else "no"
    return suggested, f"version {suggested}: a {bump.value} bump for {why} changes"


# --- editing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _editing(path: Path, *, final: bool = False) -> Iterator[tuple[Policy, Project, Any]]:
    """Lock the repository, read and check the policy, hand over its YAML to change, then
    check the result and write it atomically. Any error leaves every file as it was.
    `final` (an adoption) refuses a policy that still holds a placeholder of `new`."""
    shown = display_path(path)
    if not path.is_file():
        raise UsageError(f"{shown}: no such file")
    # A file with no write permission for anyone is read-only by intent, even to root.
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        raise DecisionError(
            f"{shown}: the file is read-only, so the decision cannot be recorded",
            hint="make it writable (chmod u+w), or check out the repository with write access",
        )
    with _locked(project_root([path])):
        project = load_settings(path.parent)
        data = read_named(path)
        policy = _checked(SourceFile(shown, data, path.parent.name == DRAFTS_FOLDER), project)
        placeholders = placeholder_errors(policy) if final else []
        if placeholders:
            text = data.decode("utf-8-sig", "replace")
            raise InvalidInputError(shown, "it is not adopted", placeholders, {shown: text})
        yaml = _round_trip()
        document = yaml.load(data.decode("utf-8-sig"))
        yield policy, project, document
        out = io.StringIO()
        yaml.dump(document, out)
        _finish(path, _as_read(out.getvalue(), data), project, data)


def _as_read(text: str, data: bytes) -> str:
    """The edited text with the file's own line endings and byte-order mark: ruamel.yaml
    writes LF, and a CRLF file would otherwise change on every line."""
    if b"\r\n" in data:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return ("\ufeff" + text) if data.startswith(codecs.BOM_UTF8) else text


def _finish(path: Path, text: str, project: Project, read: bytes) -> None:
    """Validate the edited text and write it; for an adopted draft, over the policy in force.
    Refused if the file is no longer what was read: the lock keeps out another policykit,
    not an editor that saved meanwhile, whose edit would be lost."""
    draft = path.parent.name == DRAFTS_FOLDER
    edited = _checked(SourceFile(display_path(path), text.encode("utf-8"), draft), project)
    if read_named(path) != read:
        raise DecisionError(
            f"{display_path(path)}: the file changed while the decision was being recorded",
            hint="nothing was written; run the command again on the file as it is now",
        )
    if draft and edited.status is Status.ADOPTED:
        target = _policy_file(path, edited)
        write_atomic(target, _moved_modeline(text).encode("utf-8"))
        path.unlink()
    else:
        write_atomic(path, text.encode("utf-8"))


def _policy_file(draft: Path, policy: Policy) -> Path:
    """`policies/<id>.yaml`, the policy in force that a draft in `policies/drafts/` revises
    and, once adopted, replaces: by its id (which PK312 makes its file name, too)."""
    return draft.parent.parent / f"{policy.id}{draft.suffix}"


def _checked(source: SourceFile, project: Project) -> Policy:
    report = validate([source], project)
    errors = [finding for finding in report.findings if finding.is_error]
    if errors or not report.policies:
        raise InvalidInputError(
            source.path, "no decision is recorded in it", errors, report.sources
        )
    return report.policies[0]


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """An exclusive lock on the repository folder while a decision is recorded."""
    descriptor = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(
                f"another policykit is recording a decision in {display_path(root)} right now",
                hint="run the command again when it has finished",
            ) from None
        yield
    finally:
        os.close(descriptor)


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never rewrap a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _mapping(record: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(record)


def _append(parent: Any, key: str, record: dict[str, Any], after: tuple[str, ...]) -> None:
    """Append `record` to the list at `key`, creating the list where it belongs."""
    from ruamel.yaml.comments import CommentedSeq

    items = parent.get(key)
    if items is None:
        _set_key(parent, key, CommentedSeq([_mapping(record)]), after)
        return
    follows = _take_trailing(parent, key)  # comments about what comes after the list
    items.append(_mapping(record))
    _give_trailing(parent, key, follows)


def _set_key(parent: Any, key: str, value: Any, after: tuple[str, ...]) -> None:
    """Set `key`, placing a new key after the first of `after` that exists (else last)."""
    if key in parent:
        parent[key] = value
        return
    keys = list(parent.keys())
    previous = next((name for name in after if name in keys), keys[-1] if keys else None)
    if previous is None:
        parent[key] = value
        return
    follows = _take_trailing(parent, previous)
    parent.insert(keys.index(previous) + 1, key, value)
    _give_trailing(parent, key, follows)


# ruamel.yaml keeps the comment lines between two keys with the last scalar before them, as
# the rest of its end-of-line comment. When something is added at that place, the lines move
# along to the new end, so that they stay above the key they describe.


def _end_of(parent: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comment after the last line of `parent[key]`: the collection
    holding the last scalar under it, that scalar's key, and the slot in its comment entry."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = parent[key]
    if isinstance(node, CommentedMap) and node:
        return _end_of(node, list(node.keys())[-1])
    if isinstance(node, CommentedSeq) and node:
        return _end_of(node, len(node) - 1)
    return parent, key, 0 if isinstance(parent, CommentedSeq) else 2


def _take_trailing(parent: Any, key: Any) -> str | None:
    """The lines after `parent[key]`'s last line (not its end-of-line comment, which stays):
    comment lines are removed to be given to what is added, blank lines only copied."""
    holder, last, slot = _end_of(parent, key)
    entry = holder.ca.items.get(last)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is None or "\n" not in token.value:
        return None
    text = str(token.value)
    line, rest = text.split("\n", 1)
    if rest.strip():  # comment lines move; blank lines are copied, so both sides keep one
        token.value = line + "\n"
    return rest or None


def _give_trailing(parent: Any, key: Any, text: str | None) -> None:
    """Put comment lines taken by `_take_trailing` after `parent[key]`'s last line."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if text is None:
        return
    holder, last, slot = _end_of(parent, key)
    entry = holder.ca.items.setdefault(last, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        token.value = token.value.rstrip("\n") + "\n" + text


def _set_version(document: Any, version: str) -> None:
    """The version as text, quoted as before (a bare 2.0 would be the number 2.0)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    old = document.get("version")
    quote = SingleQuotedScalarString if isinstance(old, SingleQuotedScalarString) else None
    document["version"] = (quote or DoubleQuotedScalarString)(version)


_MODELINE = re.compile(r"^(# yaml-language-server: \$schema=)\.\./(\.\./)", re.MULTILINE)


def _moved_modeline(text: str) -> str:
    """A draft's schema modeline points one folder further up than the policy's."""
    return _MODELINE.sub(r"\1\2", text, count=1)
