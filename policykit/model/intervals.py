"""Evaluation intervals: an ISO 8601 duration of whole days, weeks, months and years, or
the electoral period.

Only date components are accepted: an evaluation rule counts in days at the finest, so a
time part (`PT12H`) would be a mistake, not a precision.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

#: At most nine digits a part, as the schema says: a longer number is no interval anyone
#: means, and reading thousands of digits as an int would fail.
_DURATION = re.compile(r"P(?=\d)(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})W)?(?:(\d{1,9})D)?")

ELECTORAL_PERIOD = "electoral-period"
#: The dates policykit takes: decisions from 1800, plans up to 2999. Every date it computes
#: from them (a review due, the end of a term) then stays far inside what a date can hold.
FIRST_DAY = dt.date(1800, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
#: The longest evaluation interval: a hundred years, in months and in days.
MAX_MONTHS = 1200
MAX_DAYS = 36_525


def in_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


@dataclass(frozen=True, slots=True)
class Duration:
    """A calendar duration such as `P2Y` or `P1Y6M`."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def __str__(self) -> str:
        parts = [(self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D")]
        body = "".join(f"{n}{unit}" for n, unit in parts if n)
        return "P" + (body or "0D")

    def describe(self) -> str:
        """In English words, such as "2 years" or "1 year 6 months", for the terminal."""
        parts = [
            (self.years, "year"),
            (self.months, "month"),
            (self.weeks, "week"),
            (self.days, "day"),
        ]
        return " ".join(f"{n} {unit}{'s' * (n != 1)}" for n, unit in parts if n) or "0 days"

    @property
    def too_long(self) -> bool:
        """Longer than a hundred years: no council means it, and dates would overflow."""
        return self.years * 12 + self.months > MAX_MONTHS or self.weeks * 7 + self.days > MAX_DAYS

    def after(self, start: dt.date) -> dt.date:
        """The date this duration after `start`; 29 February plus a year is 28 February."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(weeks=self.weeks, days=self.days)


@dataclass(frozen=True, slots=True)
class ElectoralPeriod:
    """At least once in every term of the council."""

    def __str__(self) -> str:
        return ELECTORAL_PERIOD


Interval = Duration | ElectoralPeriod


def parse_interval(text: str) -> Interval | None:
    """Parse `electoral-period` or an ISO 8601 date duration; None if it is neither."""
    if text == ELECTORAL_PERIOD:
        return ElectoralPeriod()
    match = _DURATION.fullmatch(text)
    if match is None:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    duration = Duration(years, months, weeks, days)
    return duration if duration != Duration() else None
