"""Labels and formats per language. A new language is one file, `locales/<code>.yaml`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from policykit.diagnostics.errors import UsageError
from policykit.kept import Table
from policykit.model.intervals import Duration, ElectoralPeriod, Interval
from policykit.reading.yamlsource import parse_yaml, to_plain


def _babel() -> str:
    """What the words of a date depend on beyond the date and the locale: Babel, by its
    version and when it was installed (found, not imported)."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    if spec is None or spec.origin is None:
        return "no babel"
    init = Path(spec.origin)
    found = re.search(r"__version__ = ['\"]([^'\"]+)", init.read_text("utf-8"))
    return f"babel {found.group(1) if found else '?'} {init.stat().st_mtime_ns}"


#: Babel's words for dates and durations, kept between runs: Babel's import and its locale
#: data took 20 ms of an export of one policy, for the same few words every time.
WORDS: Table[str] = Table("words.marshal", _babel, str, limit=20_000)


class UnknownLanguageError(UsageError):
    """No locale file for a language. `validate` reports an unknown language as a finding
    first, so this reaches a user only through a model built some other way."""

    def __init__(self, language: str) -> None:
        super().__init__(
            f"there are no labels for the language `{language}`",
            hint=f"use one of: {', '.join(available_languages())}",
        )
        self.language = language


@dataclass(frozen=True, slots=True)
class Locale:
    """A language's labels, its Babel locale and the language Word proofs with."""

    language: str
    babel_locale: str
    #: The language tag Word proofs with, such as da-DK.
    word_language: str
    labels: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.labels[key]

    def date(self, value: dt.date) -> str:
        """A date in words, such as "29. maj 2007" or "29 May 2007"."""

        def make() -> str:
            from babel.dates import format_date

            return format_date(value, format="long", locale=self.babel_locale)

        return WORDS.made(f"{self.babel_locale} date {value.isoformat()}", make)

    def interval(self, interval: Interval) -> str:
        if isinstance(interval, ElectoralPeriod):
            return self["electoral_period"]
        # One unit has its own wording, since languages count them differently ("hvert 2. år",
        # "hver 3. måned"); a mixed duration such as P1Y6M falls back to the general one.
        used = [(unit, n) for unit, n in _amounts(interval) if n]
        if len(used) == 1:
            unit, n = used[0]
            return self[f"every_{unit}" if n == 1 else f"every_{unit}s"].format(n=n)
        return self["every"].format(duration=self.duration(interval))

    def duration(self, duration: Duration) -> str:
        parts = [self._amount(unit, amount) for unit, amount in _amounts(duration) if amount]
        return " ".join(parts)

    def _amount(self, unit: str, amount: int) -> str:
        """An amount of one unit in words, such as "2 år"."""

        def make() -> str:
            from babel.units import format_unit

            return format_unit(amount, f"duration-{unit}", length="long", locale=self.babel_locale)

        return WORDS.made(f"{self.babel_locale} duration-{unit} {amount}", make)


def _amounts(duration: Duration) -> tuple[tuple[str, int], ...]:
    return (
        ("year", duration.years),
        ("month", duration.months),
        ("week", duration.weeks),
        ("day", duration.days),
    )


@cache
def available_languages() -> tuple[str, ...]:
    """The languages policykit has labels for: asked for each policy and the project file,
    and listed from the package once."""
    folder = resources.files("policykit") / "locales"
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
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
