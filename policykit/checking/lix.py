"""LIX, the Scandinavian readability index: words per sentence plus the share of long words.

    LIX = words / sentences + 100 × long words / words

A long word has more than six letters. Björnsson's scale: below 25 very easy, 25–34 easy,
35–44 medium, 45–54 hard, 55 and above very hard. A sentence ends at `.`, `!`, `?` or `:`
followed by a space or the end of the text, and every paragraph and list item ends one,
punctuated or not (a bullet such as "at borgeren opnår viden …" is a sentence of its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
#: Abbreviations whose full stop does not end a sentence. The lookahead (of the letters they
#: start with, matched as they are, regardless of case) changes no match: it spares the
#: engine trying all fourteen at every other place, a third of its time.
_ABBREVIATIONS = re.compile(
    r"(?=[dfbmpjcneiv])\b(?:dvs|f\.eks|bl\.a|m\.m|mv|pga|jf|ca|nr|e\.g|i\.e|etc|vs|cf)\.",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Readability:
    """The counts LIX is made from, for one text."""

    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if not self.words:
            return 0.0
        return self.words / max(1, self.sentences) + 100 * self.long_words / self.words

    @property
    def band(self) -> str:
        for limit, name in ((25, "very easy"), (35, "easy"), (45, "medium"), (55, "hard")):
            if self.lix < limit:
                return name
        return "very hard"


def measure(units: Iterable[str]) -> Readability:
    """Readability of a section, given its paragraphs and list items as separate texts."""
    words = sentences = long_words = 0
    for unit in units:
        found = _WORD.findall(unit)
        if not found:
            continue
        words += len(found)
        long_words += sum(1 for word in found if len(word.replace("-", "")) > 6)
        stripped = unit.strip()
        # Without a full stop, no abbreviation: most goals and list items have none.
        bare = _ABBREVIATIONS.sub("", stripped) if "." in stripped else stripped
        closed = bare.endswith((".", "!", "?", ":"))
        sentences += len(_SENTENCE_END.findall(bare)) + (0 if closed else 1)
    return Readability(words, sentences, long_words)
