"""Edits as data: the changes a returned Word file makes, laid onto the YAML it was made from,
and a three-way merge of those with the YAML's own changes since.

Every version is the plain data of a policy file in one form (`policy_data`): mappings, lists
and strings, prose as canonical CommonMark. Lists of parts are matched as the diff matches
them (`comparing.diff.align`): by id, then by title or term, then by equal and last by
similar text. A pair matched by similar text only is recorded, so that the report can ask a
person to check it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from policykit.comparing.diff import Pair, align

Data = Any
Key = Callable[[Data], str | None]


class Unmapped(Exception):
    """The export, read back, does not line up item for item with the YAML it came from."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """One item that both the Word file and the YAML changed since the export."""

    path: str
    word: Data
    yaml: Data


@dataclass
class Log:
    """What a merge found beside its result: conflicts, and items matched by text only."""

    conflicts: list[Conflict] = field(default_factory=list)
    #: Paths of items matched by similar text, not by id or title: "check".
    by_text: list[str] = field(default_factory=list)


#: The key under which an item of an export read back carries the content bookmark its
#: paragraph opens with (`_pk_c7`): what matches it first, and never part of the result.
MARK = "~mark"


def _marked(name: str) -> Key:
    """An item's bookmark, else its `name` (its id)."""
    return lambda item: (item.get(MARK) or item.get(name)) if isinstance(item, dict) else None


def without_marks(value: Data) -> Data:
    if isinstance(value, dict):
        return {k: without_marks(v) for k, v in value.items() if k != MARK}
    if isinstance(value, list):
        return [without_marks(v) for v in value]
    return value


def _text(*names: str) -> Key:
    def key(item: Data) -> str | None:
        if not isinstance(item, dict):
            return str(item)
        return " ".join(str(item.get(name) or "") for name in names).strip() or None

    return key


def _get(name: str) -> Key:
    return lambda item: item.get(name) if isinstance(item, dict) else None


#: How the items of each list of parts are told apart: (id, title, text), by the list's key.
_IDENTITY: dict[str, tuple[Key, Key | None, Key]] = {
    "groups": (_marked("id"), _get("title"), _text("title", "intro")),
    "terms": (_marked("id"), _get("term"), _text("definition")),
    "sections": (_get("id"), _get("heading"), _text("heading", "text")),
    "items": (_marked("id"), _get("title"), _text("title", "text", "indicator")),
    "related": (_get("url"), _get("title"), _text("title")),
}


def identity(path: str) -> tuple[Key, Key | None, Key] | None:
    """The keys that match a list's items, or None for a list taken whole (`order`,
    `methods`, `keywords`): by the list's own name, the last word of its path."""
    name = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return _IDENTITY.get(name)


def _aligned(path: str, old: Sequence[Data], new: Sequence[Data], log: Log) -> list[Pair[Data]]:
    keys = identity(path)
    assert keys is not None
    ident, title, text = keys
    pairs = list(align(old, new, ident, title, text))
    for pair in pairs:
        if pair.old is None or pair.new is None:
            continue
        same_key = any(k is not None and k(pair.old) and k(pair.old) == k(pair.new)
                       for k in (ident, title))  # fmt: skip
        if not same_key and text(pair.old) != text(pair.new):
            log.by_text.append(item_path(path, pair.old_index or 0, pair.new))
    return pairs


def item_path(path: str, index: int, item: Data) -> str:
    """`principles.items[dialog]`, or by place for an item without an id: `…items[3]`."""
    ident = item.get("id") if isinstance(item, dict) else None
    return f"{path}[{ident if ident else index + 1}]"


# --- the Word file's edits, onto the YAML it was made from ----------------------------------


def word_edits(base: Data, shown: Data, edited: Data, path: str, log: Log) -> Data:
    """`base` (the exported YAML's data) with the changes that turn `shown` (the export, read
    back) into `edited` (the returned file, read back). What the two read alike stays as the
    YAML has it, so that what a Word file cannot show (ids, comments' places) is kept."""
    if shown == edited:
        return base
    if isinstance(shown, dict) and isinstance(edited, dict):
        return _edited_mapping(base if isinstance(base, dict) else {}, shown, edited, path, log)
    if isinstance(shown, list) and isinstance(edited, list) and identity(path) is not None:
        bases = base if isinstance(base, list) else []
        if len(bases) != len(shown):
            raise Unmapped(f"{path}: {len(bases)} in the YAML, {len(shown)} in its export")
        out = []
        for pair in _aligned(path, shown, edited, log):
            if pair.new is None:
                continue  # removed in Word
            if pair.old is None:
                out.append(without_marks(pair.new))  # added in Word
            else:
                assert pair.old_index is not None
                at = item_path(path, pair.old_index, bases[pair.old_index])
                out.append(word_edits(bases[pair.old_index], pair.old, pair.new, at, log))
        return out
    return without_marks(edited)


def _edited_mapping(
    base: dict[str, Data], shown: dict[str, Data], edited: dict[str, Data], path: str, log: Log
) -> dict[str, Data]:
    out: dict[str, Data] = {}
    for key in [*base, *(k for k in edited if k not in base and k != MARK)]:
        at = f"{path}.{key}" if path else key
        if key in shown and key not in edited:
            continue  # deleted in Word
        if key in edited and key not in shown:
            out[key] = without_marks(edited[key])
        elif key in edited:
            if key in base or shown[key] != edited[key]:
                out[key] = without_marks(
                    word_edits(base.get(key), shown[key], edited[key], at, log)
                )
        else:
            out[key] = base[key]  # what the export does not show
    return out


# --- three ways --------------------------------------------------------------------------------


def merge3(base: Data, word: Data, yaml: Data, path: str, log: Log) -> Data:
    """Word's changes and the YAML's since `base`, together: changes to different items both
    land; an item both changed, differently, stays as the YAML has it and is a conflict.
    An absent value is None."""
    if word in (base, yaml):
        return yaml
    if yaml == base:
        return word
    if isinstance(base, dict) and isinstance(word, dict) and isinstance(yaml, dict):
        out: dict[str, Data] = {}
        for key in [*yaml, *(k for k in word if k not in yaml)]:
            at = f"{path}.{key}" if path else key
            value = merge3(base.get(key), word.get(key), yaml.get(key), at, log)
            if value is not None:
                out[key] = value
        return out
    if all(isinstance(v, list) for v in (base, word, yaml)) and identity(path) is not None:
        return _merge_lists(path, base, word, yaml, log)
    log.conflicts.append(Conflict(path, word, yaml))
    return yaml


def _merge_lists(
    path: str, base: list[Data], word: list[Data], yaml: list[Data], log: Log
) -> list[Data]:
    """Items by their match in the base: what Word removed goes, what it added comes after
    its predecessor in Word's list; each kept item merged. The YAML's order stands."""
    quiet = Log()  # the base is matched twice; only Word's pairs are the report's
    to_word = {p.old_index: p.new_index for p in _aligned(path, base, word, quiet)
               if p.old_index is not None}  # fmt: skip
    to_yaml = {p.old_index: p.new_index for p in _aligned(path, base, yaml, quiet)
               if p.old_index is not None}  # fmt: skip
    base_of_word = {j: i for i, j in to_word.items() if j is not None}
    base_of_yaml = {j: i for i, j in to_yaml.items() if j is not None}
    out: list[tuple[float, Data]] = []
    for j, item in enumerate(yaml):
        i = base_of_yaml.get(j)
        if i is None:
            out.append((j, item))  # the YAML's own new item
            continue
        at = item_path(path, i, base[i])
        w = to_word.get(i)
        if w is None:
            if item != base[i]:
                log.conflicts.append(Conflict(at, None, item))  # Word removed what YAML changed
                out.append((j, item))
            continue
        out.append((j, merge3(base[i], word[w], item, at, log)))
    for w, item in enumerate(word):
        if w in base_of_word:
            continue
        # After its predecessor in Word's list, as that stands in the YAML's.
        before = [base_of_word[k] for k in range(w) if k in base_of_word]
        places = [to_yaml.get(i) for i in before]
        place = max((p for p in places if p is not None), default=-1)
        out.append((place + 0.5 + w / (len(word) + 1) / 2, item))
    removed_in_yaml = [i for i, j in to_yaml.items() if j is None and to_word.get(i) is not None]
    for i in removed_in_yaml:
        w = to_word[i]
        assert w is not None
        if word[w] != base[i]:
            log.conflicts.append(Conflict(item_path(path, i, base[i]), word[w], None))
    return [item for _, item in sorted(out, key=lambda pair: pair[0])]
