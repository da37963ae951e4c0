"""The electoral calendar: the council's terms, which an `electoral-period` rule counts in.

The default is Danish municipal councils: a term starts on 1 January after the November
election and lasts four years (2010–2013, 2014–2017, 2018–2021, 2022–2025, 2026–2029). The
municipalities merged in 2007 had a first term of three years, 2007–2009.

`policykit.yaml` may give another calendar: a list of term start dates (`terms`), or a
first start date and a length in years (`start` and `years`). With both a list and a
length, terms of that length follow the last one listed; with a list alone, the last term
lasts as long as the one before it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Term:
    """One electoral term of the council: its first and last day."""

    start: dt.date
    #: The last day of the term.
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.year}–{self.end.year}"


@dataclass(frozen=True, slots=True)
class ElectoralCalendar:
    """When the council's terms begin: the listed ones, then one every `years`."""

    #: The first day of each listed term, in order.
    starts: tuple[dt.date, ...]
    #: The length in years of every term after the last listed one.
    years: int

    def terms(self) -> Iterator[Term]:
        """Every term, from the first, without end."""
        starts = list(self.starts)
        for this, following in itertools.pairwise(starts):
            yield Term(this, following - dt.timedelta(days=1))
        start = starts[-1]
        while True:
            following = _add_years(start, self.years)
            yield Term(start, following - dt.timedelta(days=1))
            start = following

    def term_of(self, day: dt.date) -> Term | None:
        """The term `day` falls in; None before the calendar's first term."""
        for term in self.terms():
            if day < term.start:
                return None
            if day in term:
                return term
        return None  # pragma: no cover - terms() never ends

    def terms_between(self, first: dt.date, last: dt.date) -> Iterator[Term]:
        """The terms that overlap the days from `first` to `last`."""
        for term in self.terms():
            if term.start > last:
                return
            if term.end >= first:
                yield term


DANISH_MUNICIPAL = ElectoralCalendar((dt.date(2007, 1, 1), dt.date(2010, 1, 1)), 4)


def calendar_from(
    starts: tuple[dt.date, ...] = (), start: dt.date | None = None, years: int | None = None
) -> ElectoralCalendar:
    """The calendar that `electoral_calendar:` in policykit.yaml describes."""
    listed = tuple(sorted(starts)) or ((start,) if start else ())
    if not listed:
        return DANISH_MUNICIPAL
    if years is None:
        # A list alone: the last term lasts as long as the one before it (or four years).
        years = _years_between(listed[-2], listed[-1]) if len(listed) > 1 else 4
    return ElectoralCalendar(listed, years)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _years_between(first: dt.date, second: dt.date) -> int:
    return max(1, round((second - first).days / 365.25))
