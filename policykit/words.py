"""Word-level differences between two texts, shared by the diff and every redline writer.

Text is split into words, punctuation marks and runs of white space, so joining the tokens
gives the text back exactly. `\\w` is Unicode-aware, so "Ikast-Brande", "øjenhøjde" and
"markedsføring" stay whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

#: A word (letters and digits, joined by inner hyphens or apostrophes), a run of white
#: space, or any other single character: a punctuation mark.
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|\s+|[^\w\s]")

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of text that both versions share, only the old has, or only the new has."""

    op: Op
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The pieces that turn `old` into `new`. Joining the equal and delete pieces gives
    `old`; joining the equal and insert pieces gives `new`."""
    if old == new:
        return (Piece("equal", old),) if old else ()
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    raw: list[tuple[str, str, str]] = []  # (equal|change, old text, new text)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "equal" if tag == "equal" else "change"
        raw.append((kind, "".join(a[i1:i2]), "".join(b[j1:j2])))
    return tuple(_pieces(_absorb_gaps(raw)))


def _absorb_gaps(raw: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold a shared stretch of white space between two changes into them, so that
    "a b" → "x y" reads as one change rather than two with a space between."""
    merged: list[tuple[str, str, str]] = []
    for index, (kind, old, new) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and raw[index + 1][0] == "change"
        if kind == "equal" and between and not old.strip() and merged[-1][0] == "change":
            merged[-1] = ("change", merged[-1][1] + old, merged[-1][2] + new)
            continue
        if kind == "change" and merged and merged[-1][0] == "change":
            merged[-1] = ("change", merged[-1][1] + old, merged[-1][2] + new)
            continue
        merged.append((kind, old, new))
    return merged


def _pieces(raw: list[tuple[str, str, str]]) -> list[Piece]:
    out: list[Piece] = []
    for kind, old, new in raw:
        if kind == "equal":
            out.append(Piece("equal", old))
            continue
        if old:
            out.append(Piece("delete", old))
        if new:
            out.append(Piece("insert", new))
    return out


def similarity(old: str, new: str) -> float:
    """How alike two texts are, from 0 to 1, by their words: what pairs a reworded goal
    with its old wording."""
    if not old and not new:
        return 1.0
    a, b = tokens(old), tokens(new)
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
