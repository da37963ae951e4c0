"""A merged policy's data laid onto its YAML file as round-trip edits: only what changed is
touched. A changed prose field keeps the author's own text of every paragraph that did not
change; a changed scalar keeps its quoting; an item added to a list takes its neighbours'
form (a goal as a plain line where the others are); comment lines stay with what they
describe when items around them go or come.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from typing import Any

from policykit.comparing.bounds import longest_rising
from policykit.comparing.diff import align
from policykit.merging.tree import Data, identity
from policykit.merging.yamledit import give_trailing, take_trailing


def patch(document: Any, old: dict[str, Data], new: dict[str, Data], keys: tuple[str, ...]) -> None:
    """Turn `document` (ruamel's round-trip tree of a file whose data is `old`) into one
    whose data is `new`, for the top-level `keys` only."""
    _mapping(document, {k: old[k] for k in keys if k in old},
             {k: new[k] for k in keys if k in new}, "")  # fmt: skip


def _mapping(node: Any, old: dict[str, Data], new: dict[str, Data], path: str) -> None:
    for key in [k for k in old if k not in new and k in node]:
        _delete(node, key)
    previous: str | None = None
    for key, value in new.items():
        at = f"{path}.{key}" if path else key
        if key in node and key in old:
            if old[key] != value:
                _value(node, key, old[key], value, at)
        elif key not in node:
            _insert_key(node, key, _fresh(value, None), previous)
        previous = key


def _value(parent: Any, key: Any, old: Data, new: Data, path: str) -> None:
    node = parent[key]
    if isinstance(new, dict) and isinstance(old, dict):
        if isinstance(node, dict):
            _mapping(node, old, new, path)
        elif set(new) == {"text"}:  # a goal written as a plain line
            parent[key] = _scalar(node, old.get("text"), new["text"])
        else:
            parent[key] = _fresh(new, None)
        return
    if isinstance(new, list) and isinstance(old, list) and identity(path) is not None:
        _list(node, old, new, path)
        return
    if isinstance(new, list):
        parent[key] = _fresh(new, node)
        return
    parent[key] = _scalar(node, old if isinstance(old, str) else None, new)


def _list(node: Any, old: list[Data], new: list[Data], path: str) -> None:
    """Items removed, moved and added in place, each kept item patched."""
    keys = identity(path)
    assert keys is not None
    pairs = [p for p in align(old, new, *keys) if p.new is not None]
    kept = {p.old_index for p in pairs if p.old_index is not None}
    # Removed and moved items go first, from the end, their trailing comments to the one
    # before; moved ones come back below where they now belong.
    in_place = _staying(pairs)
    held: dict[int, Any] = {}
    for index in reversed(range(len(old))):
        if index in kept and index in in_place:
            continue
        if index in kept:
            held[index] = node[index]
        _remove_item(node, index)
    for position, pair in enumerate(pairs):
        if pair.old_index is not None and pair.old_index in in_place:
            continue
        like = node[0] if len(node) else None
        item = held[pair.old_index] if pair.old_index is not None else _fresh(pair.new, like)
        _insert_item(node, position, item)
    for position, pair in enumerate(pairs):
        if pair.old_index is not None and old[pair.old_index] != pair.new:
            _value(node, position, old[pair.old_index], pair.new, f"{path}[{position + 1}]")


def _staying(pairs: list[Any]) -> set[int]:
    """The old indexes of the longest run of kept items still in order: those that stay."""
    order = sorted((p.old_index, j) for j, p in enumerate(pairs) if p.old_index is not None)
    return {i for i, _ in longest_rising(order)}


def _remove_item(node: Any, index: int) -> None:
    follows = take_trailing(node, index) if index > 0 else None
    if follows is not None:
        give_trailing(node, index - 1, follows)
    del node[index]


def _insert_item(node: Any, index: int, item: Any) -> None:
    # The comment lines after the item before describe what follows it: they move to the
    # new item's end, so that they still stand just above it.
    follows = take_trailing(node, index - 1) if index > 0 else None
    node.insert(index, item)
    if follows is not None:
        give_trailing(node, index, follows)


def _delete(node: Any, key: str) -> None:
    keys = list(node.keys())
    at = keys.index(key)
    follows = take_trailing(node, key)
    del node[key]
    if follows is not None and at > 0:
        give_trailing(node, keys[at - 1], follows)


def _insert_key(node: Any, key: str, value: Any, after: str | None) -> None:
    keys = list(node.keys())
    if after is None or after not in keys:
        node.insert(0 if after is None else len(keys), key, value)
        return
    follows = take_trailing(node, after)
    stays, moves = _own_lines(follows, getattr(node.lc, "col", 0) or 0)
    give_trailing(node, after, stays)
    node.insert(keys.index(after) + 1, key, value)
    give_trailing(node, key, moves)


def _own_lines(text: str | None, column: int) -> tuple[str | None, str | None]:
    """Comment lines after a key's value, split: those indented under it (about it) and the
    rest (about what follows)."""
    if text is None:
        return None, None
    lines = text.splitlines(keepends=True)
    cut = 0
    while cut < len(lines) and (len(lines[cut]) - len(lines[cut].lstrip(" "))) > column:
        cut += 1
    return "".join(lines[:cut]) or None, "".join(lines[cut:]) or None


# --- values ----------------------------------------------------------------------------------


def _fresh(value: Data, like: Any) -> Any:
    """A new value as the file should hold it: one line of prose as a plain scalar, unless
    `like` (a neighbour) is a block; a goal with text only as a plain line where `like` is."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        if set(value) == {"text"} and isinstance(like, str):
            return _fresh(value["text"], like)
        sibling = like if isinstance(like, dict) else {}
        return CommentedMap({k: _fresh(v, sibling.get(k)) for k, v in value.items()})
    if isinstance(value, list):
        return CommentedSeq([_fresh(v, None) for v in value])
    if isinstance(value, str):
        text = value.rstrip("\n")
        if "\n" in text or isinstance(like, LiteralScalarString):
            return LiteralScalarString(text + "\n")
        return text
    return value


def _scalar(node: Any, old: str | None, new: Data) -> Any:
    """`new` in `node`'s style: a block stays a block, with the author's text of each
    paragraph that did not change; a quoted scalar stays quoted."""
    from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

    if not isinstance(new, str):
        return new
    text = new.rstrip("\n")
    if isinstance(node, str) and old is not None:
        text = _kept_paragraphs(str(node), old, text)
    if isinstance(node, LiteralScalarString) or "\n" in text:
        return LiteralScalarString(text + "\n")
    if isinstance(node, ScalarString):
        return type(node)(text)
    return text


def _kept_paragraphs(source: str, old: str, new: str) -> str:
    """`new`, with each top-level block that equals one of `old` written as `source` (the
    author's text of `old`) writes it: their wrapping, escapes and list markers stay."""
    theirs, olds, news = _blocks(source), _blocks(old), _blocks(new)
    if len(theirs) != len(olds):
        return new
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, olds, news, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(theirs[i1:i2])
        elif tag == "replace" and i2 - i1 == j2 - j1:  # reworded in place
            out.extend(map(_wrapped_like, news[j1:j2], theirs[i1:i2]))
        else:
            out.extend(news[j1:j2])
    return "\n\n".join(out)


#: A line that, inside a paragraph, would open a list, a quote or a heading.
_OPENS_BLOCK = re.compile(r"^\s*([-+*>#]|\d{1,9}[.)])(\s|$)")


def _wrapped_like(new: str, theirs: str) -> str:
    """A reworded paragraph wrapped as the author wrapped it (at their longest line), so
    that the lines it shares with theirs stay the same; as it is, when theirs was one line,
    or when a wrapped line would open a list or a heading."""
    lines = theirs.splitlines()
    if len(lines) < 2 or "\n" in new or _OPENS_BLOCK.match(lines[0]):
        return new
    width = max(len(line) for line in lines)
    wrapped = textwrap.fill(new, width, break_long_words=False, break_on_hyphens=False)
    if any(_OPENS_BLOCK.match(line) for line in wrapped.splitlines()[1:]):
        return new
    return wrapped


def _blocks(markdown: str) -> list[str]:
    """The top-level blocks of a Markdown text (paragraphs, whole lists, tables), each as its
    lines in the text."""
    from policykit.reading.prose import top_level_lines

    lines = markdown.splitlines()
    return ["\n".join(lines[start:end]).rstrip() for start, end in top_level_lines(markdown)]
