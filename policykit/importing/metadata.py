"""What an imported text says of its own adoption and review, found only where it is said
plainly, and never guessed.

- **An adoption** is a sentence with a whole date, a decision verb and a body: "29. maj 2007
  vedtog Byrådet …" is 2007-05-29 by Byrådet. A year or a month alone is not a date, and is
  reported, not guessed.
- **The interval** comes only from the evaluation's sentences with an evaluation verb: "en
  gang i hver (politisk) valgperiode" is `electoral-period`, "hvert andet år" `P2Y`. Two
  different intervals, or none, leave it unset, with the sentences quoted.
- **The organisation** is the municipality the text names most often ("Ikast-Brande
  Kommune").
- **The language** is the one whose commonest words the text uses more.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from policykit.importing.blocks import sentences
from policykit.model.intervals import FIRST_DAY, LAST_DAY, Interval, parse_interval

_MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: "29. maj 2007", "29 May 2007", "May 29, 2007", "29.05.2007", "2007-05-29".
_DATES = (
    re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s+(?P<m>{_MONTH})\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
)
_PARTIAL_DATE = re.compile(rf"\b((?:{_MONTH})\s+\d{{4}}|i\s+\d{{4}}|in\s+\d{{4}})\b", re.I)
_DECISION = re.compile(
    r"\b(vedtog|vedtaget|vedtages|godkendt|godkendte|besluttede|adopted|approved)\b", re.I
)
#: A deciding body: a council, committee or board by its Danish or English name.
_BODY = re.compile(
    r"\b((?:[A-ZÆØÅ][\w-]*\s)?(?:[A-ZÆØÅ][\w-]*(?:rådet|udvalget|bestyrelsen|bestyrelse|"
    r"direktionen|råd))|Byråd|Kommunalbestyrelsen|Regionsrådet|"
    r"(?:the\s)?(?:[A-Z][a-z]+\s)?(?:City\s)?(?:Council|Board|Committee|Assembly))\b"
)
_ORGANISATION = re.compile(r"\b((?:[A-ZÆØÅ][\w]*-)*[A-ZÆØÅ][\w]+ (?:Kommune|Region|Municipality))")


@dataclass(frozen=True, slots=True)
class Adoption:
    date: dt.date
    body: str
    sentence: str


def find_adoption(texts: list[str]) -> tuple[Adoption | None, list[str]]:
    """The first sentence that states an adoption, and the sentences that name a decision
    with only part of a date (for the report)."""
    partial: list[str] = []
    for text in texts:
        for sentence in sentences(text):
            if not _DECISION.search(sentence):
                continue
            day = date_in(sentence)
            body = _BODY.search(sentence)
            if day is not None and body is not None:
                return Adoption(day, body.group(1), sentence), partial
            if day is None and _PARTIAL_DATE.search(sentence):
                partial.append(sentence)
    return None, partial


def date_in(sentence: str) -> dt.date | None:
    for pattern in _DATES:
        found = pattern.search(sentence)
        if found is None:
            continue
        month = found.group("m")
        number = int(month) if month.isdigit() else _MONTHS[month.casefold()]
        try:
            day = dt.date(int(found.group("y")), number, int(found.group("d")))
        except ValueError:
            continue
        if FIRST_DAY <= day <= LAST_DAY:
            return day
    return None


# --- the interval ------------------------------------------------------------------------------

_REVIEW_VERB = re.compile(
    r"\b(evaluere[sr]?|evalueret|revidere[sr]?|revideret|revurdere[sr]?|gennemgå[rs]?|"
    r"tages op|drøftes|følges op|opdatere[sr]?|evaluated|reviewed|revised|updated|"
    r"evaluate|review|revise)\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "andet": 2, "andet.": 2, "2.": 2, "tredje": 3, "3.": 3, "fjerde": 4, "4.": 4,
    "femte": 5, "5.": 5, "second": 2, "two": 2, "third": 3, "three": 3, "fourth": 4,
    "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5,
}  # fmt: skip
_INTERVALS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"valgperiode|election period|electoral (period|term)|council term", re.I),
     "electoral-period"),
    (re.compile(r"\bhvert\s+(andet|2\.|tredje|3\.|fjerde|4\.|femte|5\.)\s+år\b", re.I), None),
    (re.compile(r"\bevery\s+(second|two|third|three|fourth|four|five|2|3|4|5)\s+years?\b",
                re.I), None),
    (re.compile(r"\b(hvert\s+år|årligt|årlig|en\s+gang\s+om\s+året|én\s+gang\s+om\s+året|"
                r"annually|every\s+year|each\s+year|once\s+a\s+year)\b", re.I), "P1Y"),
    (re.compile(r"\b(hvert\s+halve\s+år|halvårligt|every\s+six\s+months|twice\s+a\s+year)\b",
                re.I), "P6M"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class IntervalFound:
    """The interval the evaluation states (None when it states none, or several), and
    the sentences it was read from."""

    interval: Interval | None
    sentences: tuple[str, ...]
    several: bool = False


def find_interval(texts: list[str]) -> IntervalFound:
    found: dict[str, list[str]] = {}
    for text in texts:
        for sentence in sentences(text):
            if not _REVIEW_VERB.search(sentence):
                continue
            for value in intervals_in(sentence):
                found.setdefault(value, []).append(sentence)
    if len(found) == 1:
        ((value, said),) = found.items()
        return IntervalFound(parse_interval(value), tuple(said))
    quoted = tuple(dict.fromkeys(s for said in found.values() for s in said))
    return IntervalFound(None, quoted, several=len(found) > 1)


def intervals_in(sentence: str) -> list[str]:
    out = []
    for pattern, value in _INTERVALS:
        match = pattern.search(sentence)
        if match is None:
            continue
        if value is None:
            value = f"P{_ORDINALS[match.group(1).casefold()]}Y"
        out.append(value)
        break  # the first, most specific reading of one sentence
    return out


# --- the organisation and the language ----------------------------------------------------------


def find_organisation(texts: list[str]) -> str | None:
    counts = Counter(found for text in texts for found in _ORGANISATION.findall(text))
    return counts.most_common(1)[0][0] if counts else None


_DANISH = {"og", "at", "er", "det", "til", "af", "som", "på", "ikke", "med", "vi", "den", "de"}
_ENGLISH = {"the", "and", "of", "to", "is", "that", "with", "we", "are", "be", "not", "this"}


def find_language(texts: list[str]) -> str:
    words = [w.casefold() for text in texts for w in re.findall(r"\w+", text)]
    danish = sum(1 for w in words if w in _DANISH)
    english = sum(1 for w in words if w in _ENGLISH)
    return "en" if english > danish else "da"
