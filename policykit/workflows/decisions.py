"""Recording decisions in a policy file: `adopt`, `evaluate` and `repeal`.

A decision edits the YAML in place with ruamel.yaml's round-trip mode, so comments, key
order, quoting and block scalars stay as they were, except on the lines that change. Before
anything is written, the edited text is read back and validated; the file is replaced
atomically, under a lock on the repository, so that two runs at once cannot both win or
leave a half-written file. What makes no sense (a date before the last decision, adopting a
repealed policy, a file with errors) is refused with the file untouched.
"""

from __future__ import annotations

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
from policykit.checking.validate import SourceFile, checked_policy, validate
from policykit.comparing.diff import Bump, bump_version, compare
from policykit.diagnostics.errors import InvalidInputError, PolicykitError, UsageError
from policykit.edge.files import display_path, write_atomic
from policykit.edge.paths import project_root
from policykit.edge.workspace import load_settings, read_named
from policykit.merging.yamledit import append, as_read, mapping, round_trip, set_key
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
        append(document, "adoptions", record, after=("owner", "status"))
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
        append(document["evaluation"], "records", record, after=())
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
        set_key(document, "repeal", mapping(record), after=("adoptions",))
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
        yaml = round_trip()
        document = yaml.load(data.decode("utf-8-sig"))
        yield policy, project, document
        out = io.StringIO()
        yaml.dump(document, out)
        _finish(path, as_read(out.getvalue(), data), project, data)


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
    return checked_policy(source, project, "no decision is recorded in it")


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
