"""Review due dates: when each policy must next be evaluated, from its evaluation rule.

- An ISO 8601 interval: the last evaluation or adoption, plus the interval.
- `electoral-period`: once in every term of the council, the term it was adopted in
  included ("som minimum en gang i hver valgperiode"). An evaluation counts, and so does
  a later adoption (a revision the council decided on), which also leaves the terms before
  it behind. The policy is due at the end of the current term if nothing counted in it
  yet; if an earlier term since the last adoption passed with nothing, it is overdue since
  that term's end.

A policy is *due* when the date is at most 90 days away, and *overdue* when it has passed.
Pure: the caller says what day it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar, Term
from policykit.model.intervals import Duration, ElectoralPeriod
from policykit.model.policy import Policy, Status

#: How far ahead a review counts as coming up.
DUE_SOON = dt.timedelta(days=90)


class State(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    OK = "ok"
    #: Not in force: a draft never adopted, or a repealed policy.
    NONE = "none"


class Why(StrEnum):
    """What a due date follows from (or why there is none)."""

    REPEALED = "repealed"
    NOT_ADOPTED = "not_adopted"
    NO_INTERVAL = "no_interval"
    #: The policy has no evaluation rule at all (format 2 allows that).
    NO_RULE = "no_rule"
    #: An interval after the last evaluation.
    EVALUATED = "evaluated"
    #: An interval after the adoption, with no evaluation since.
    NOT_EVALUATED = "not_evaluated"
    #: An electoral period that passed without an evaluation.
    PERIOD_MISSED = "period_missed"
    #: None yet in the current period.
    PERIOD_PENDING = "period_pending"
    #: Evaluated in the current period; the next one is due.
    PERIOD_DONE = "period_done"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the review is due when it is, as data, so that each output can word it: the
    terminal, JSON and CSV in English (`str`), the register in the page's language."""

    why: Why
    #: The repeal, the last evaluation, or the adoption the interval counts from.
    date: dt.date | None = None
    interval: Duration | None = None
    term: Term | None = None
    next_term: Term | None = None

    def __str__(self) -> str:
        every = self.interval.describe() if self.interval else ""
        match self.why:
            case Why.REPEALED:
                when = f" on {self.date.isoformat()}" if self.date else ""
                return f"repealed{when}: no review"
            case Why.NOT_ADOPTED:
                return "not adopted yet: the review clock starts at adoption"
            case Why.NO_INTERVAL:
                return "the evaluation rule gives no interval"
            case Why.NO_RULE:
                return "the policy has no evaluation rule"
            case Why.EVALUATED:
                return f"every {every}: last evaluated {self.date}"
            case Why.NOT_EVALUATED:
                return f"every {every}: adopted {self.date}, not evaluated since"
            case Why.PERIOD_MISSED:
                return (
                    f"no evaluation in the electoral period {self.term}; one is due in every period"
                )
            case Why.PERIOD_PENDING:
                return f"once in every electoral period; none yet in {self.term}"
            case Why.PERIOD_DONE:
                return f"evaluated in the period {self.term}; next in {self.next_term}"


@dataclass(frozen=True, slots=True)
class Review:
    policy: Policy
    last_adopted: dt.date | None
    last_evaluated: dt.date | None
    due: dt.date | None
    state: State
    #: Why: in words, "no evaluation in the electoral period 2007–2009".
    reason: Reason

    @property
    def sort_key(self) -> tuple[int, dt.date, str]:
        """By due date, soonest (most overdue) first; policies with no date last."""
        return (self.due is None, self.due or dt.date.max, self.policy.title.casefold())


def review(
    policy: Policy, today: dt.date, calendar: ElectoralCalendar = DANISH_MUNICIPAL
) -> Review:
    adoptions = [a.date for a in policy.adoptions]
    evaluations = [r.date for r in policy.evaluation_records]
    last_adopted = max(adoptions, default=None)
    last_evaluated = max(evaluations, default=None)

    def result(due: dt.date | None, state: State, reason: Reason) -> Review:
        return Review(policy, last_adopted, last_evaluated, due, state, reason)

    if policy.status is Status.REPEALED:
        repealed = policy.repeal.date if policy.repeal else None
        return result(None, State.NONE, Reason(Why.REPEALED, repealed))
    if last_adopted is None:
        return result(None, State.NONE, Reason(Why.NOT_ADOPTED))
    if policy.evaluation is None:
        return result(None, State.NONE, Reason(Why.NO_RULE))
    interval = policy.evaluation.interval
    if interval is None:
        return result(None, State.NONE, Reason(Why.NO_INTERVAL))
    if isinstance(interval, ElectoralPeriod):
        due, reason = _electoral(sorted(adoptions), evaluations, today, calendar)
    else:
        due, reason = _every(interval, last_adopted, last_evaluated)
    return result(due, _state(due, today), reason)


def review_all(
    policies: Iterable[Policy], today: dt.date, calendar: ElectoralCalendar = DANISH_MUNICIPAL
) -> list[Review]:
    """Every policy in force or repealed (draft revisions are not policies of their own),
    by due date."""
    reviews = [review(p, today, calendar) for p in policies if not p.is_draft_revision]
    return sorted(reviews, key=lambda r: r.sort_key)


def _state(due: dt.date, today: dt.date) -> State:
    if due < today:
        return State.OVERDUE
    if due - today <= DUE_SOON:
        return State.DUE
    return State.OK


def _every(
    interval: Duration, adopted: dt.date, evaluated: dt.date | None
) -> tuple[dt.date, Reason]:
    if evaluated is not None and evaluated >= adopted:
        return interval.after(evaluated), Reason(Why.EVALUATED, evaluated, interval)
    return interval.after(adopted), Reason(Why.NOT_EVALUATED, adopted, interval)


def _electoral(
    adoptions: list[dt.date],
    evaluations: list[dt.date],
    today: dt.date,
    calendar: ElectoralCalendar,
) -> tuple[dt.date, Reason]:
    # The latest adoption starts the clock: a revision the council adopted leaves earlier
    # terms behind. Evaluations count for their term, and so does a re-adoption; the first
    # adoption does not, since it is where evaluation starts.
    start = adoptions[-1]
    counted = sorted([*evaluations, *adoptions[1:]])
    for term in calendar.terms_between(start, today):
        if any(day in term for day in counted):
            continue
        missed = term.end < today
        return term.end, Reason(Why.PERIOD_MISSED if missed else Why.PERIOD_PENDING, term=term)
    # Something counted in the current term: the next term is the next one due.
    current = calendar.term_of(today)
    following = next(t for t in calendar.terms() if current is None or t.start > current.end)
    return following.end, Reason(Why.PERIOD_DONE, term=current, next_term=following)
