"""Word-level differences between two texts, shared by the diff and every redline writer.

Text is split into words, punctuation marks and runs of white space, so joining the tokens
gives the text back exactly. `\\w` is Unicode-aware, so "Ikast-Brande", "øjenhøjde" and
"markedsføring" stay whole words.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal, TypeVar

from policykit.comparing.bounds import MAX_COMPARED, matching_blocks, opcodes
from policykit.comparing.pairing import SIMILAR

#: A word (letters and digits, joined by inner hyphens or apostrophes), a run of white
#: space, or any other single character: a punctuation mark.
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|\s+|[^\w\s]")
#: The same tokens but the runs of white space, which the pattern passes over: `words`.
_NOT_SPACE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")

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
    # Lines (paragraphs, list items) first, then words within the lines that changed, so
    # that a removed list item is one deletion, not a ragged one across two items.
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[tuple[Op, str, None]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            _append(out, "equal", [(before, None)])
        elif tag == "replace":
            for op, text, _ in styled_diff([(before, None)], [(after, None)]):
                _append(out, op, [(text, None)])
        else:
            _append(out, "delete" if before else "insert", [(before or after, None)])
    return tuple(Piece(op, text) for op, text, _ in out)


S = TypeVar("S", bound=Hashable)


def styled_diff(
    old: Sequence[tuple[str, S]], new: Sequence[tuple[str, S]]
) -> list[tuple[Op, str, S]]:
    """Word pieces of text that carries a style (bold, a link…) per stretch. A word whose
    style changed is deleted and inserted, so that both versions can be rebuilt exactly."""
    a = [(token, style) for text, style in old for token in tokens(text)]
    b = [(token, style) for text, style in new for token in tokens(text)]
    raw: list[tuple[bool, list[tuple[str, S]], list[tuple[str, S]]]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        raw.append((tag == "equal", a[i1:i2], b[j1:j2]))
    out: list[tuple[Op, str, S]] = []
    for equal, before, after in _absorb_gaps(raw):
        if equal:
            _append(out, "equal", before)
        else:
            _append(out, "delete", before)
            _append(out, "insert", after)
    return out


def _absorb_gaps(
    raw: list[tuple[bool, list[tuple[str, S]], list[tuple[str, S]]]],
) -> list[tuple[bool, list[tuple[str, S]], list[tuple[str, S]]]]:
    """Fold a shared stretch of white space between two changes into them, so that
    "a b" → "x y" reads as one change rather than two with a space between."""
    merged: list[tuple[bool, list[tuple[str, S]], list[tuple[str, S]]]] = []
    for index, (equal, old, new) in enumerate(raw):
        gap = equal and all(not token.strip() for token, _ in old)
        between = 0 < index < len(raw) - 1 and not raw[index + 1][0]
        if merged and not merged[-1][0] and (not equal or (gap and between)):
            merged[-1] = (False, merged[-1][1] + old, merged[-1][2] + new)
        else:
            merged.append((equal, list(old), list(new)))
    return merged


def _append(out: list[tuple[Op, str, S]], op: Op, styled: list[tuple[str, S]]) -> None:
    """Add tokens as pieces, merging neighbours with the same op and style."""
    for token, style in styled:
        if out and out[-1][0] == op and out[-1][2] == style:
            out[-1] = (op, out[-1][1] + token, style)
        else:
            out.append((op, token, style))


def similarity(old: str, new: str) -> float:
    """How alike two texts are, from 0 to 1, by their words: what pairs a reworded goal
    with its old wording."""
    return token_similarity(words(old), words(new))


def token_similarity(old: Sequence[str], new: Sequence[str]) -> float:
    """`similarity` of two texts' words. Two cheap upper bounds come first (the lengths,
    then the words shared in any order): below `SIMILAR` the true value is too, and the
    bound is returned, as pairing needs no more of it. Then difflib's ratio: the share of
    words in the runs both texts have, which two long texts take from `matching_blocks`."""
    if not old and not new:
        return 1.0
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        value = bound()
        if value < SIMILAR:
            return value
    if len(old) * len(new) <= MAX_COMPARED:
        return matcher.ratio()
    shared = sum(size for _, _, size in matching_blocks(old, new))
    return 2 * shared / (len(old) + len(new))


def words(text: str) -> list[str]:
    """The words and punctuation of a text, without its spaces: what similarity counts.
    (Spaces, the commonest token by far, would only make the comparison slower.)"""
    return _NOT_SPACE.findall(text)
