"""Which typed part a heading names, by keyword, in Danish and English.

Keywords match whole words of the heading, its section number removed, letter case aside.
The order of the tests matters: "Vi måler om …" is the evaluation, so the evaluation's
keywords are tried before the goals' ("mål").
"""

from __future__ import annotations

import re

#: (part, keywords) in the order they are tried. A keyword may be a phrase.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "evaluation",
        (
            "vi måler", "måling", "målinger", "evaluering", "evalueres", "opfølgning",
            "revision", "revidering", "evaluation", "review", "follow-up", "monitoring",
        ),
    ),
    ("purpose", ("formål", "formålet", "purpose", "aim of the policy")),
    (
        "definitions",
        (
            "definition", "definitioner", "begreber", "begrebsafklaring", "ordforklaring",
            "definitions", "terms", "glossary",
        ),
    ),
    ("principles", ("principper", "princip", "værdier", "principles", "values")),
    ("goals", ("mål", "målsætning", "målsætninger", "goals", "goal", "objectives", "aims")),
)  # fmt: skip

_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+")
_PATTERNS = tuple(
    (
        part,
        re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(word) for word in words) + r")(?![\w-])",
            re.IGNORECASE,
        ),
    )
    for part, words in KEYWORDS
)


def part_named(heading: str) -> tuple[str, str] | None:
    """(part, the keyword found) for a heading that names a typed part, else None."""
    text = _NUMBER.sub("", heading)
    for part, pattern in _PATTERNS:
        found = pattern.search(text)
        if found:
            return part, found.group(1).casefold()
    return None
