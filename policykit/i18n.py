"""Labels and formats per language. A new language is one file, `locales/<code>.yaml`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

from policykit.intervals import Duration, ElectoralPeriod, Interval
from policykit.yamlsource import parse_yaml, to_plain


class UnknownLanguageError(ValueError):
    """No locale file for the policy's language."""


@dataclass(frozen=True, slots=True)
class Locale:
    language: str
    babel_locale: str
    #: The language tag Word proofs with, such as da-DK.
    word_language: str
    labels: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.labels[key]

    def date(self, value: dt.date) -> str:
        """A date in words, such as "29. maj 2007" or "29 May 2007"."""
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.babel_locale)

    def interval(self, interval: Interval) -> str:
        if isinstance(interval, ElectoralPeriod):
            return self["electoral_period"]
        return self["every"].format(duration=self.duration(interval))

    def duration(self, duration: Duration) -> str:
        from babel.units import format_unit

        parts = [
            format_unit(amount, unit, length="long", locale=self.babel_locale)
            for amount, unit in (
                (duration.years, "duration-year"),
                (duration.months, "duration-month"),
                (duration.weeks, "duration-week"),
                (duration.days, "duration-day"),
            )
            if amount
        ]
        return " ".join(parts)


def available_languages() -> list[str]:
    folder = resources.files("policykit") / "locales"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


@cache
def locale(language: str) -> Locale:
    """The labels of a language, from `policykit/locales/<language>.yaml`."""
    if language not in available_languages():
        raise UnknownLanguageError(language)
    path = resources.files("policykit") / "locales" / f"{language}.yaml"
    document = parse_yaml(path.read_text("utf-8"), str(path))
    assert document.root is not None, document.findings  # package data, checked by a test
    data = to_plain(document.root)
    labels = {str(k): str(v) for k, v in data["labels"].items()}
    return Locale(language, data["babel_locale"], data["word_language"], labels)
