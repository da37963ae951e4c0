"""The adoption brief (indstilling): one page for the council's agenda that says what is
proposed (a new policy, a revision, or a repeal), what changed against the version in force,
how the policy is evaluated and when it is next due once adopted, and the recommendation.

`make_brief` is pure: it builds the `Brief` from policies, a change set and dates.
`workflows.brief` reads and checks the versions and hands the brief to `writing.brief`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from policykit.comparing.diff import Bump, ChangeSet, bump_version
from policykit.comparing.meaning import Category
from policykit.comparing.summary import SummaryRow, category_text, summary_rows, totals
from policykit.diagnostics.errors import UsageError
from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar
from policykit.model.intervals import Interval
from policykit.model.policy import Decision, Policy, Prose, Status
from policykit.planning.review import review
from policykit.reading.locales import Locale, locale

#: The version a policy is first adopted as, unless the secretariat proposes another.
FIRST_VERSION = "1.0"


class Action(StrEnum):
    """What the council is asked to decide."""

    NEW = "new"
    REVISION = "revision"
    REPEAL = "repeal"


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
    def full_title(self) -> str:
        """ "Indstilling til Byrådet: Kommunikationspolitik", naming the body once: for a
        policy titled "18F: An Open Source Team" and decided by 18F, "Report to 18F: An
        Open Source Team"."""
        title = self.title
        for separator in (":", " –", " -", ","):
            prefix = f"{self.body}{separator}"
            if title.casefold().startswith(prefix.casefold()) and title[len(prefix) :].strip():
                title = title[len(prefix) :].strip()
                break
        return f"{self.heading}: {title}"

    def footer(self, organisation: str | None) -> str:
        """ "Ikast-Brande Kommune · Indstilling til Byrådet: Kommunikationspolitik", on every
        page of the PDF and the Word file."""
        return " · ".join(x for x in (self.organisation_shown(organisation), self.full_title) if x)

    def organisation_shown(self, organisation: str | None) -> str | None:
        """The organisation, to name beside the title, unless the body that decides is it:
        "Report to 18F: …" names 18F already."""
        if organisation and organisation.casefold() != self.body.casefold():
            return organisation
        return None

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
        """ "Indholdsmæssige ændringer. Foreslået version: 2.0 (ny hovedversion)". When the
        secretariat proposes another version than the changes suggest, it says both."""
        if not self.changes:
            return None
        suggested = self.suggested_version
        if suggested is None or suggested == self.version or self.changes.category is None:
            return category_text(self.changes, self.locale)
        labels = self.locale
        differs = labels["brief_version_differs"].format(
            version=self.version,
            suggested=suggested,
            bump=labels[f"bump_{self.changes.bump.value}"],
        )
        return f"{labels[f'category_{self.changes.category.value}']}. {differs}"

    @property
    def totals(self) -> tuple[int, int, int, int]:
        """The summary's column sums: added, removed, modified, moved."""
        return totals(self.summary)

    @property
    def rule(self) -> Prose | None:
        evaluation = self.policy.evaluation
        return evaluation.rule if evaluation is not None else None

    @property
    def interval(self) -> Interval | None:
        evaluation = self.policy.evaluation
        return evaluation.interval if evaluation is not None else None

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
    default_body: str | None = None,
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
    # The body given; else the one that adopted the version in force; else the project's.
    deciding = body or (decided.body if decided else None) or default_body
    deciding = deciding or labels["brief_council"]
    if reference is None and decided is not None:
        reference = decided.reference
    if version is None or action is Action.REPEAL:
        version = policy.version
        if action is Action.NEW:
            # A first adoption is version 1.0, whatever number the draft carried (`new`
            # starts a draft at 0.1).
            version = FIRST_VERSION
        elif action is Action.REVISION and in_force is not None and changes is not None:
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
