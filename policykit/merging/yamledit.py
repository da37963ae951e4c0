"""Round-trip edits of a policy file with ruamel.yaml, as `adopt` and `import --update` make
them: the author's comments, key order and quoting stay, long lines are never rewrapped,
and the file keeps its own line endings and byte-order mark."""

from __future__ import annotations

import codecs
from typing import Any


def as_read(text: str, data: bytes) -> str:
    """The edited text with the file's own line endings and byte-order mark: ruamel.yaml
    writes LF, and a CRLF file would otherwise change on every line."""
    if b"\r\n" in data:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return ("\ufeff" + text) if data.startswith(codecs.BOM_UTF8) else text


def round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never rewrap a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def mapping(record: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(record)


def append(parent: Any, key: str, record: dict[str, Any], after: tuple[str, ...]) -> None:
    """Append `record` to the list at `key`, creating the list where it belongs."""
    from ruamel.yaml.comments import CommentedSeq

    items = parent.get(key)
    if items is None:
        set_key(parent, key, CommentedSeq([mapping(record)]), after)
        return
    follows = take_trailing(parent, key)  # comments about what comes after the list
    items.append(mapping(record))
    give_trailing(parent, key, follows)


def set_key(parent: Any, key: str, value: Any, after: tuple[str, ...]) -> None:
    """Set `key`, placing a new key after the first of `after` that exists (else last)."""
    if key in parent:
        parent[key] = value
        return
    keys = list(parent.keys())
    previous = next((name for name in after if name in keys), keys[-1] if keys else None)
    if previous is None:
        parent[key] = value
        return
    follows = take_trailing(parent, previous)
    parent.insert(keys.index(previous) + 1, key, value)
    give_trailing(parent, key, follows)


# ruamel.yaml keeps the comment lines between two keys with the last scalar before them, as
# the rest of its end-of-line comment. When something is added at that place, the lines move
# along to the new end, so that they stay above the key they describe.


def end_of(parent: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel keeps the comment after the last line of `parent[key]`: the collection
    holding the last scalar under it, that scalar's key, and the slot in its comment entry."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node = parent[key]
    if isinstance(node, CommentedMap) and node:
        return end_of(node, list(node.keys())[-1])
    if isinstance(node, CommentedSeq) and node:
        return end_of(node, len(node) - 1)
    return parent, key, 0 if isinstance(parent, CommentedSeq) else 2


def take_trailing(parent: Any, key: Any) -> str | None:
    """The lines after `parent[key]`'s last line (not its end-of-line comment, which stays):
    comment lines are removed to be given to what is added, blank lines only copied."""
    holder, last, slot = end_of(parent, key)
    entry = holder.ca.items.get(last)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is None or "\n" not in token.value:
        return None
    text = str(token.value)
    line, rest = text.split("\n", 1)
    if rest.strip():  # comment lines move; blank lines are copied, so both sides keep one
        token.value = line + "\n"
    return rest or None


def give_trailing(parent: Any, key: Any, text: str | None) -> None:
    """Put comment lines taken by `take_trailing` after `parent[key]`'s last line."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if text is None:
        return
    holder, last, slot = end_of(parent, key)
    entry = holder.ca.items.setdefault(last, [None, None, None, None])
    token = entry[slot]
    if token is None:
        entry[slot] = CommentToken("\n" + text, CommentMark(0), None)
    else:
        token.value = token.value.rstrip("\n") + "\n" + text
