"""The adoption brief (indstilling): one page for the council's agenda that says what is
proposed (a new policy, a revision, or a repeal), what changed against the version in force,
how the policy is evaluated and when it is next due once adopted, and the recommendation.

`make_brief` is pure: it builds the `Brief` from policies, a change set and dates.
`load_brief` is the edge: it finds and reads the versions (files or FILE@REV) through
`comparison` and `workspace`, and validates them. `render_brief` hands the brief to the
writers in `writers/brief.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from policykit.comparing.diff import Bump, Category, ChangeSet, bump_version
from policykit.diagnostics.errors import PolicykitError, UsageError
from policykit.diagnostics.findings import Finding
from policykit.edge.workspace import DRAFTS_FOLDER, display_path
from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar
from policykit.model.intervals import Interval
from policykit.model.policy import Decision, Policy, Prose, Status
from policykit.model.project import Project
from policykit.planning.review import review
from policykit.reading.locales import Locale, UnknownLanguageError, locale
from policykit.writing.layout import ExportOptions, layout
from policykit.writing.redline_html import SummaryRow, summary_rows

#: The kinds of change the summary counts, in the order of its columns.
KINDS = ("added", "removed", "modified", "moved")


class Action(StrEnum):
    """What the council is asked to decide."""

    NEW = "new"
    REVISION = "revision"
    REPEAL = "repeal"


class InvalidInputError(UsageError):
    """A policy to brief has validation errors; `findings` says which."""

    def __init__(self, label: str, findings: list[Finding], sources: dict[str, str]) -> None:
        super().__init__(
            f"{label} has errors, so no brief is written",
            hint="fix the errors above; `policykit validate` checks a file",
        )
        self.findings = findings
        self.sources = sources


@dataclass(frozen=True, slots=True)
class Brief:
    """One adoption brief. The texts are in the policy's language."""

    #: The version the council decides on: the proposal, or for a repeal the policy in force.
    policy: Policy
    action: Action
    #: The deciding body, such as Byrådet.
    body: str
    meeting: dt.date
    reference: str | None
    #: The version it is adopted as (the bump `adopt` would record), or the one repealed.
    version: str
    #: The version in force that a revision revises; None for a new policy and a repeal.
    in_force: Policy | None
    changes: ChangeSet | None
    summary: tuple[SummaryRow, ...]
    #: The next evaluation once adopted; None for a repeal or when there is no interval.
    next_due: dt.date | None
    locale: Locale

    @property
    def title(self) -> str:
        return self.policy.title

    @property
    def heading(self) -> str:
        """ "Indstilling til Byrådet"."""
        return self.locale["brief_heading"].format(body=self.body)

    @property
    def action_label(self) -> str:
        """ "Godkendelse af revideret politik" / "Adopt a revision"."""
        return self.locale[f"brief_action_{self.action.value}"]

    @property
    def meeting_text(self) -> str:
        return self.locale.date(self.meeting)

    @property
    def proposal(self) -> list[str]:
        """The case in a sentence or two: what is proposed, and what is in force."""
        labels, policy = self.locale, self.policy
        old = self.in_force.version if self.in_force else policy.version
        sentences = [
            labels[f"brief_proposal_{self.action.value}"].format(
                title=policy.title, version=self.version, old=old
            )
        ]
        decided = self.in_force if self.in_force is not None else policy
        last = decided.last_adoption if self.action is not Action.NEW else None
        if last is not None:
            sentences.append(
                labels["brief_in_force"].format(
                    body=last.body, date=labels.date(last.date), version=decided.version
                )
            )
        return sentences

    @property
    def category(self) -> Category | None:
        return self.changes.category if self.changes else None

    @property
    def suggested_version(self) -> str | None:
        return self.changes.suggested_version if self.changes else None

    @property
    def category_text(self) -> str | None:
        """ "Indholdsmæssige ændringer. Foreslået version: 2.0 (ny hovedversion)"."""
        changes = self.changes
        if changes is None:
            return None
        labels = self.locale
        if changes.category is None:
            return labels["no_changes"]
        text = labels[f"category_{changes.category.value}"]
        if changes.suggested_version is not None and changes.bump is not Bump.NONE:
            bump = labels[f"bump_{changes.bump.value}"]
            text += ". " + labels["suggested_version"].format(
                version=changes.suggested_version, bump=bump
            )
        return text

    @property
    def totals(self) -> tuple[int, int, int, int]:
        """The summary's column sums: added, removed, modified, moved."""
        rows = self.summary
        return (
            sum(r.added for r in rows),
            sum(r.removed for r in rows),
            sum(r.modified for r in rows),
            sum(r.moved for r in rows),
        )

    @property
    def rule(self) -> Prose:
        return self.policy.evaluation.rule

    @property
    def interval(self) -> Interval | None:
        return self.policy.evaluation.interval

    @property
    def interval_text(self) -> str | None:
        return self.locale.interval(self.interval) if self.interval is not None else None

    @property
    def next_due_text(self) -> str:
        if self.next_due is None:
            return self.locale["brief_no_due"]
        return self.locale["brief_due"].format(date=self.locale.date(self.next_due))

    @property
    def recommendation(self) -> str:
        """ "Det indstilles, at Byrådet godkender revisionen af … (version 2.0)"."""
        return self.locale[f"brief_recommend_{self.action.value}"].format(
            body=self.body, title=self.policy.title, version=self.version
        )


def make_brief(
    policy: Policy,
    action: Action,
    meeting: dt.date,
    *,
    changes: ChangeSet | None = None,
    body: str | None = None,
    reference: str | None = None,
    version: str | None = None,
    calendar: ElectoralCalendar = DANISH_MUNICIPAL,
) -> Brief:
    """The brief for deciding on `policy` at the meeting. A revision needs the change set
    against the version in force (`changes.old`). UnknownLanguageError if the policy's
    language has no labels; UsageError for a meeting before the last decision."""
    if action is Action.REVISION and changes is None:
        raise ValueError("a revision's brief needs the change set against the version in force")
    labels = locale(policy.language)
    in_force = changes.old if changes is not None and action is Action.REVISION else None
    decided = in_force.last_adoption if in_force is not None else policy.last_adoption
    last = max(
        (a.date for a in (*policy.adoptions, *(in_force.adoptions if in_force else ()))),
        default=None,
    )
    if last is not None and meeting < last:
        raise UsageError(
            f"the meeting date {meeting.isoformat()} comes before the last adoption, on "
            f"{last.isoformat()}",
            hint="give the date of the meeting that decides, with --date YYYY-MM-DD",
        )
    deciding = body or (decided.body if decided else None) or labels["brief_council"]
    if reference is None and decided is not None:
        reference = decided.reference
    if version is None or action is Action.REPEAL:
        version = policy.version
        if action is Action.REVISION and in_force is not None and changes is not None:
            # The version `policykit adopt` records by default: the bump diff suggests.
            bump = changes.bump if changes.bump is not Bump.NONE else Bump.MINOR
            version = bump_version(in_force.version, bump) or policy.version
    next_due = None
    if action is not Action.REPEAL:
        next_due = _due_once_adopted(policy, meeting, deciding, reference, version, calendar)
    return Brief(
        policy=policy,
        action=action,
        body=deciding,
        meeting=meeting,
        reference=reference,
        version=version,
        in_force=in_force,
        changes=changes if action is Action.REVISION else None,
        summary=tuple(summary_rows(changes)) if changes and action is Action.REVISION else (),
        next_due=next_due,
        locale=labels,
    )


def _due_once_adopted(
    policy: Policy,
    meeting: dt.date,
    body: str,
    reference: str | None,
    version: str,
    calendar: ElectoralCalendar,
) -> dt.date | None:
    """The next evaluation of the policy as it will be once adopted at the meeting."""
    adoption = Decision(meeting, body, reference, None, policy.span)
    adopted = dataclasses.replace(
        policy,
        adoptions=(*policy.adoptions, adoption),
        status=Status.ADOPTED,
        version=version,
    )
    due = review(adopted, meeting, calendar).due
    # A date before the meeting would say the policy is overdue on the day it is adopted
    # (an earlier electoral period without an evaluation): no date the council can act on.
    return due if due is not None and due >= meeting else None


# --- reading: the file-system and git edge -----------------------------------------------------


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
) -> LoadedBrief:
    """Read and check the policy, find what the council is asked to decide, and brief it.

    - `--repeal`: repeal `path`, which must be the policy in force.
    - `--against`: a revision of that version (a file or FILE@REV).
    - A draft revision `drafts/ID.yaml` with `ID.yaml` one folder up: a revision of it.
    - A policy never adopted, with no version in force: a new policy.

    `version` is the version proposed for adoption, as `adopt --version` would record it.
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
        return _revision(against, path, meeting, body, reference, version)
    policy, project = _read(path)
    try:
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
            calendar=_calendar(project),
        )
    except UnknownLanguageError as error:
        raise UsageError(f"there are no labels for the language `{error}`") from None
    return LoadedBrief(brief, project, path)


def _revision(
    against: str,
    path: Path,
    meeting: dt.date,
    body: str | None,
    reference: str | None,
    version: str | None,
) -> LoadedBrief:
    from policykit.workflows.comparison import InvalidVersionError, compare_versions

    try:
        comparison = compare_versions(against, str(path))
    except InvalidVersionError as error:
        raise InvalidInputError(
            error.message.split(" has errors", 1)[0], error.findings, error.sources
        ) from None
    except PolicykitError as error:  # a missing file or an unknown revision
        raise UsageError(error.message, hint=error.hint) from None
    project = comparison.project
    try:
        brief = make_brief(
            comparison.changes.new,
            Action.REVISION,
            meeting,
            changes=comparison.changes,
            body=body,
            reference=reference,
            version=version,
            calendar=_calendar(project),
        )
    except UnknownLanguageError as error:
        raise UsageError(f"there are no labels for the language `{error}`") from None
    return LoadedBrief(brief, project, path)


def _read(path: Path) -> tuple[Policy, Project]:
    from policykit.edge.workspace import validate_paths

    report = validate_paths([path])
    errors = [finding for finding in report.findings if finding.is_error]
    policies = report.clean_policies()
    if errors or not policies:
        raise InvalidInputError(display_path(path), errors, report.sources)
    return policies[0], report.project


def _calendar(project: Project) -> ElectoralCalendar:
    return project.electoral_calendar


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


# --- writing -----------------------------------------------------------------------------------


def brief_names(brief: Brief) -> tuple[str, str]:
    """`<id>-brief.pdf` and `<id>-brief.docx`."""
    return f"{brief.policy.id}-brief.pdf", f"{brief.policy.id}-brief.docx"


def render_brief(brief: Brief, project: Project, options: ExportOptions) -> list[tuple[str, bytes]]:
    """The brief as PDF and Word: (file name, bytes) for each."""
    from policykit.writing.brief import write_brief_docx, write_brief_pdf

    document = layout(brief.policy, project, options)
    pdf_name, docx_name = brief_names(brief)
    return [
        (pdf_name, write_brief_pdf(brief, document)),
        (docx_name, write_brief_docx(brief, document)),
    ]
