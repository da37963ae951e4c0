"""The workflow behind `policykit brief`: find what the council is asked to decide, read and
check the versions (files or FILE@REV), build the brief (`planning.brief`) and write it as PDF
and Word (`writing.brief`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policykit.checking.checks import placeholder_errors
from policykit.comparing.diff import Overruling
from policykit.diagnostics.errors import InvalidInputError, UsageError
from policykit.edge.files import display_path
from policykit.edge.workspace import checked_settings, read_named, validate_paths
from policykit.model.policy import Policy, Status
from policykit.model.project import DRAFTS_FOLDER, Project
from policykit.planning.brief import Action, Brief, make_brief
from policykit.workflows.comparison import compare_versions
from policykit.writing.brief import write_brief_docx, write_brief_pdf
from policykit.writing.layout import ExportOptions, layout

NOT_WRITTEN = "no brief is written"


@dataclass(frozen=True, slots=True)
class LoadedBrief:
    brief: Brief
    project: Project
    #: The file the brief is about, for finding the repository root.
    path: Path


def load_brief(
    path: Path,
    meeting: dt.date,
    *,
    against: str | None = None,
    repeal: bool = False,
    body: str | None = None,
    reference: str | None = None,
    version: str | None = None,
    overrulings: Sequence[Overruling] = (),
) -> LoadedBrief:
    """Read and check the policy, find what the council is asked to decide, and brief it.

    - `--repeal`: repeal `path`, which must be the policy in force.
    - `--against`: a revision of that version (a file or FILE@REV).
    - A draft revision `drafts/ID.yaml` with `ID.yaml` one folder up: a revision of it.
    - A policy never adopted, with no version in force: a new policy.

    `version` is the version proposed for adoption, as `adopt --version` would record it.
    `overrulings` are the secretariat's categories for changes, as `diff --classify` takes
    them; the draft's own `classification:` applies too.
    """
    shown = display_path(path)
    if not path.exists():
        raise UsageError(
            f"{shown}: no such file", hint="name a policy file, such as policies/drafts/ID.yaml"
        )
    if path.is_dir():
        raise UsageError(f"{shown}: is a folder; a brief is written for one policy file")
    if repeal and version is not None:
        raise UsageError(
            "--repeal and --version do not go together: a repeal ends the version in force"
        )
    if repeal and against is not None:
        raise UsageError(
            "--repeal and --against do not go together: a repeal has no changes",
            hint="for a repeal, name the policy in force and leave out --against",
        )
    in_force = path.parent.parent / path.name if path.parent.name == DRAFTS_FOLDER else None
    if against is None and not repeal and in_force is not None and in_force.is_file():
        against = str(in_force)
    if against is not None:
        return _revision(against, path, meeting, body, reference, version, overrulings)
    policy, project = _read(path)
    if not repeal:
        _refuse_placeholders(policy, path)
    if repeal:
        _check_repealable(policy, shown, in_force)
        action = Action.REPEAL
    elif not policy.adoptions:
        action = Action.NEW
    else:
        raise _no_action(policy, shown)
    brief = make_brief(
        policy,
        action,
        meeting,
        body=body,
        reference=reference,
        version=version,
        calendar=project.electoral_calendar,
        default_body=project.body(policy.language),
    )
    return LoadedBrief(brief, project, path)


def _revision(
    against: str,
    path: Path,
    meeting: dt.date,
    body: str | None,
    reference: str | None,
    version: str | None,
    overrulings: Sequence[Overruling],
) -> LoadedBrief:
    try:
        comparison = compare_versions(against, str(path), overrulings)
    except InvalidInputError as error:
        raise InvalidInputError(error.label, NOT_WRITTEN, error.findings, error.sources) from None
    project = comparison.project
    _refuse_placeholders(comparison.changes.new, path)
    brief = make_brief(
        comparison.changes.new,
        Action.REVISION,
        meeting,
        changes=comparison.changes,
        body=body,
        reference=reference,
        version=version,
        calendar=project.electoral_calendar,
        default_body=project.body(comparison.changes.new.language),
    )
    return LoadedBrief(brief, project, path)


def _refuse_placeholders(policy: Policy, path: Path) -> None:
    """A brief puts the text before the council: none may still be `new`'s placeholder."""
    errors = placeholder_errors(policy)
    if errors:
        shown = display_path(path)
        text = read_named(path).decode("utf-8-sig", errors="replace")
        raise InvalidInputError(shown, NOT_WRITTEN, errors, {shown: text})


def _read(path: Path) -> tuple[Policy, Project]:
    report = validate_paths([path])
    checked_settings(report)
    errors = [finding for finding in report.findings if finding.is_error]
    policies = report.clean_policies()
    if errors or not policies:
        raise InvalidInputError(display_path(path), NOT_WRITTEN, errors, report.sources)
    return policies[0], report.project


def _check_repealable(policy: Policy, shown: str, in_force: Path | None) -> None:
    if in_force is not None:
        raise UsageError(
            f"{shown} is a draft revision; a repeal is proposed for the policy in force",
            hint=f"name the policy in force: policykit brief {display_path(in_force)} --repeal",
        )
    if policy.status is not Status.ADOPTED:
        raise UsageError(
            f"{shown}: only a policy in force can be repealed, and its status is "
            f"`{policy.status.value}`"
        )


def _no_action(policy: Policy, shown: str) -> UsageError:
    """A policy with adoptions and no version in force to compare with."""
    if policy.is_draft_revision:
        return UsageError(
            f"{shown} revises a policy that was adopted, but the version in force, "
            f"{policy.id}.yaml one folder up, is missing",
            hint="name the version in force with --against FILE or --against FILE@REV",
        )
    if policy.status is Status.ADOPTED:
        return UsageError(
            f"{shown} is in force already, so there is nothing to adopt",
            hint=f"brief its draft revision, policies/{DRAFTS_FOLDER}/{policy.id}.yaml, "
            "or propose a repeal with --repeal",
        )
    return UsageError(
        f"{shown} was adopted before, and there is no version in force to compare it with",
        hint="name the version in force with --against FILE@REV (the file at a git revision)",
    )


def brief_names(brief: Brief) -> tuple[str, str]:
    """`<id>-brief.pdf` and `<id>-brief.docx`."""
    return f"{brief.policy.id}-brief.pdf", f"{brief.policy.id}-brief.docx"


def render_brief(brief: Brief, project: Project, options: ExportOptions) -> list[tuple[str, bytes]]:
    """The brief as PDF and Word: (file name, bytes) for each."""
    document = layout(brief.policy, project, options)
    pdf_name, docx_name = brief_names(brief)
    return [
        (pdf_name, write_brief_pdf(brief, document)),
        (docx_name, write_brief_docx(brief, document)),
    ]
