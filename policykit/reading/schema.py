"""The published JSON Schemas, and schema findings phrased for people.

The schemas in `policykit/schemas/` are the single definition of the file formats: editors
validate against them as people type, and `validate` runs them too. jsonschema's own
messages speak of "instances" and "properties"; here each error becomes a finding with a
rule code, a plain message, a hint, and the YAML position of the offending key or value.
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding
from policykit.diagnostics.rules import Rule
from policykit.model.policy import Span
from policykit.reading.yamlsource import YMapping, YNode, YScalar, YSequence, to_plain

if TYPE_CHECKING:
    from jsonschema import ValidationError

SchemaName = Literal["policy", "project", "diff"]

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of keys",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}

_PATTERN_MESSAGES = {
    "invalid-id": (
        rules.INVALID_ID,
        "`{value}` is not a valid id",
        "use lower-case letters a-z, digits and single hyphens, such as `kommunikation`",
    ),
    "invalid-date": (
        rules.INVALID_DATE,
        "`{value}` is not a date in the form YYYY-MM-DD",
        "write the date as year-month-day, such as 2007-05-29",
    ),
    "invalid-interval": (
        rules.INVALID_INTERVAL,
        "`{value}` is not a valid evaluation interval",
        "use an ISO 8601 duration of years, months, weeks or days (P2Y, P18M, P1Y6M) or "
        "`electoral-period`",
    ),
    "invalid-color": (
        rules.INVALID_VALUE,
        "`{value}` is not a colour in the form #rrggbb",
        "write six hexadecimal digits after #, such as #1f4e79",
    ),
    "invalid-font": (
        rules.INVALID_VALUE,
        "`{value}` is not a font-family list",
        "use font names, quotes, spaces, hyphens and commas, such as 'Source Sans 3', Arial",
    ),
    "invalid-language": (
        rules.UNKNOWN_LANGUAGE,
        "`{value}` is not a language code",
        "use a two-letter ISO 639-1 code such as `da` or `en`",
    ),
    "invalid-kle": (
        rules.INVALID_VALUE,
        "`{value}` is not a KLE code",
        "write the main group, group and subject as digits with points, such as 00.01.00",
    ),
    "invalid-email": (
        rules.INVALID_VALUE,
        "`{value}` is not an e-mail address",
        "write it as name@example.dk",
    ),
    "unsafe-link": (
        rules.UNSAFE_LINK,
        "`{value}` is not an http, https or mailto address",
        "give a full address such as https://www.example.dk/side",
    ),
}


@cache
def schema_text(name: SchemaName) -> str:
    """The schema as published: the bytes of the packaged file."""
    return (resources.files("policykit") / "schemas" / f"{name}.schema.json").read_text("utf-8")


@cache
def slug_pattern() -> re.Pattern[str]:
    """The policy schema's id pattern (its `slug` definition). With `fullmatch`, it has
    ECMA-262 anchors, as in the schema check: no final newline slips through."""
    pattern = json.loads(schema_text("policy"))["definitions"]["slug"]["pattern"]
    return re.compile(str(pattern))


@cache
def validator(name: SchemaName) -> Any:
    """jsonschema's validator of a schema, with ECMA-262's patterns: what gives findings."""
    from jsonschema import Draft7Validator, validators

    extend: Any = validators.extend  # untyped in jsonschema's stubs
    ecma = extend(Draft7Validator, {"pattern": _ecma_pattern})
    return ecma(json.loads(schema_text(name)))


def _ecma_pattern(
    validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`pattern` with ECMA-262's `$`, which is the very end: Python's `$` also matches before a
    final newline, which would let `id: "x\\n"` through."""
    from jsonschema import ValidationError

    if not validator.is_type(instance, "string"):
        return
    match = re.search(pattern, instance)
    if match is None or (pattern.endswith("$") and match.end() != len(instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def is_valid(plain: Any, name: SchemaName) -> bool:
    """Whether a document is valid, by the schema compiled to Python
    (scripts/compile-schemas): most files are, and for those jsonschema, whose import
    alone is most of the start-up of `validate`, is never imported. It is asked only for
    the findings of a file that is not; a test checks that the two agree."""
    if name not in ("policy", "project"):
        return False
    compiled: Any = importlib.import_module(f"policykit.reading.compiled.{name}")  # untyped
    try:
        compiled.validate(plain)
    except compiled.JsonSchemaValueException:
        return False
    return True


def check(root: YMapping, name: SchemaName) -> list[Finding]:
    """Validate a document against a schema; one finding per problem, at its YAML position."""
    findings: list[Finding] = []
    seen: set[tuple[str, Span | None]] = set()
    plain = to_plain(root)
    if is_valid(plain, name):
        return findings
    for error in validator(name).iter_errors(plain):
        for relevant in _relevant(error):
            for finding in _findings(relevant, root):
                key = (finding.message, finding.span)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
    return findings


def failing_keys(root: YMapping, name: SchemaName) -> frozenset[str] | None:
    """The document's top-level keys with a schema error inside them (or unknown ones): what
    to leave out to read the rest. None when the document fails as a whole (a required key
    is missing, say), so that no part of it can be read on its own."""
    keys: set[str] = set()
    plain = to_plain(root)
    if is_valid(plain, name):
        return frozenset(keys)
    for error in validator(name).iter_errors(plain):
        if error.absolute_path:
            keys.add(str(error.absolute_path[0]))
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = _schema(error).get("properties", {})
            keys.update(key for key in error.instance if key not in known)
        else:
            return None
    return frozenset(keys)


def _schema(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


def _relevant(error: ValidationError) -> list[ValidationError]:
    """For `anyOf` (a goal item is text or a mapping), the errors of the branch whose type
    matches the value: a mapping with a misspelt key gets "unknown key", not "not text"."""
    if error.validator != "anyOf" or not error.context:
        return [error]
    branches: dict[int | str, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    typed = [
        errors
        for errors in branches.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    if len(typed) == 1:
        return [leaf for sub in typed[0] for leaf in _relevant(sub)]
    from jsonschema.exceptions import best_match

    return _relevant(best_match(error.context))


def _node_at(root: YNode, path: Sequence[str | int]) -> YNode:
    """The node at a JSON path. An empty value (`title:`) is placed at its key, since YAML
    marks an empty scalar where the next token starts, often on the following line."""
    node = root
    for part in path:
        if isinstance(node, YMapping) and isinstance(part, str) and part in node.entries:
            key, node = node.entries[part]
            if isinstance(node, YScalar) and node.plain and not node.text:
                node = YScalar(node.value, node.text, node.plain, node.style, key.span)
        elif isinstance(node, YSequence) and isinstance(part, int):
            node = node.items[part]
    return node


def _where(root: YNode, path: Sequence[str | int]) -> str:
    """A path in the document such as `goals.groups[kanaler].items[2]`: an item of a list by
    its id where it has one, else by its 1-based place, as `diff` names parts."""
    out, node = "", root
    for part in path:
        if isinstance(node, YSequence) and isinstance(part, int):
            node = node.items[part]
            ident = node.get("id") if isinstance(node, YMapping) else None
            name = ident.value if isinstance(ident, YScalar) and ident.value else part + 1
            out += f"[{name}]"
        elif isinstance(node, YMapping) and isinstance(part, str):
            out += f".{part}" if out else part
            node = node.get(part) or node
    return out or "the document"


def _findings(error: ValidationError, root: YMapping) -> Iterator[Finding]:
    path = list(error.absolute_path)
    node = _node_at(root, path)
    handler = _HANDLERS.get(str(error.validator), _generic)
    yield from handler(error, node, _where(root, path))


#: The parts format 1 requires and format 2 lets a policy leave out.
FORMAT_1_PARTS = ("purpose", "goals", "definitions", "principles", "evaluation")


def _read_as_key(node: YNode, known: Collection[str]) -> str | None:
    """`- Bemærk: vi melder …` as it was written, when YAML read a line of text as a mapping
    of one key (`Bemærk`) to the rest: a key the format does not know, unlike any it does,
    whose value is plain text on the same line."""
    if not isinstance(node, YMapping) or len(node.entries) != 1:
        return None
    ((key, (key_node, value)),) = node.entries.items()
    if (
        key in known
        or difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        or not isinstance(value, YScalar)
        or not value.plain
        or value.span.line != key_node.span.line
    ):
        return None
    return f"{key}: {value.text}"


def _colon_in_text(node: YMapping, text: str, where: str) -> Finding:
    quoted = text.replace('"', '\\"')
    return Finding.of(
        rules.COLON_IN_TEXT,
        f"YAML reads `{where}` as a key `{next(iter(node.entries))}` with a value, not as text",
        node.span,
        width=len(text),
        hint=f'a colon followed by a space starts a key; put the text in quotes: `"{quoted}"`',
    )


def _required(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    if _read_as_key(node, _schema(error).get("properties", {})):
        return  # `_additional` reports the colon; the missing key follows from it
    present = error.instance if isinstance(error.instance, dict) else {}
    known = set(_schema(error).get("properties", {}))
    strays = [key for key in present if key not in known]
    for key in _as_list(error.validator_value):
        if key not in present:
            inside = "" if where == "the document" else f" in `{where}`"
            hint = f"add `{key}:`; docs/format.md shows a complete example"
            if key in FORMAT_1_PARTS and where == "the document":
                hint = f"add `{key}:`, or set `format: 2`, in which every part is optional"
            typo = difflib.get_close_matches(key, strays, n=1, cutoff=0.6)
            if typo and isinstance(node, YMapping):
                hint = f"is `{typo[0]}` on line {node.key_span(typo[0]).line} a misspelling of it?"
            message = f"the required key `{key}` is missing{inside}"
            yield Finding.of(rules.MISSING_KEY, message, node.span, hint=hint)


def _additional(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    if not isinstance(node, YMapping):
        return
    known = sorted(_schema(error).get("properties", {}))
    text = _read_as_key(node, known)
    if text is not None:
        yield _colon_in_text(node, text, where)
        return
    for key in node.entries:
        if key in known:
            continue
        guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`?" if guess else f"the keys here are: {', '.join(known)}"
        inside = "" if where == "the document" else f" in `{where}`"
        yield Finding.of(
            rules.UNKNOWN_KEY,
            f"unknown key `{key}`{inside}",
            node.key_span(key),
            hint=hint,
            width=len(key),
        )


def _type(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    expected = error.validator_value
    wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in _as_list(expected))
    if isinstance(node, YScalar) and node.plain and "string" in _as_list(expected):
        if _schema(error).get("x-rule") in _PATTERN_MESSAGES:  # `date: 20190312`, say
            yield from _pattern(error, node, where)
            return
        if isinstance(node.value, int | float) and not isinstance(node.value, bool):
            yield _at(
                node,
                rules.UNQUOTED_NUMBER,
                f"`{where}` is read as the number {node.value!r}, not the text `{node.text}`",
                hint=f'put it in quotes: `"{node.text}"`',
            )
            return
        if isinstance(node.value, bool) or node.value is None:
            got = "nothing" if node.value is None else f"the value {str(node.value).lower()}"
            quote_hint = f'put it in quotes: `"{node.text}"`' if node.text else "fill it in"
            message = f"`{where}` should be {wanted}, but YAML reads {got}"
            yield _at(node, rules.WRONG_TYPE, message, hint=quote_hint)
            return
    text = _read_as_key(node, ()) if "string" in _as_list(expected) else None
    if text is not None and isinstance(node, YMapping):
        yield _colon_in_text(node, text, where)
        return
    message = f"`{where}` should be {wanted}, not {_describe(node)}"
    yield _at(node, rules.WRONG_TYPE, message, hint=_type_hint(expected))


def _enum(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    if where == "format":
        yield _at(
            node,
            rules.UNSUPPORTED_FORMAT,
            f"this file is in format {error.instance!r}; this policykit reads formats 1 and 2",
            hint="write `format: 1` or `format: 2`, or upgrade policykit",
        )
        return
    choices = _as_list(error.validator_value)
    words = [str(c) for c in choices]
    guess = difflib.get_close_matches(str(error.instance), words, n=1, cutoff=0.5)
    yield _at(
        node,
        rules.INVALID_VALUE,
        f"`{where}` is `{error.instance}`, which is not one of: {', '.join(words)}",
        hint=f"did you mean `{guess[0]}`?" if guess else None,
    )


def _pattern(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    name = _schema(error).get("x-rule", "")
    raw = str(error.instance)
    value = raw.encode("unicode_escape").decode("ascii")  # show a stray newline as \n
    if name == "invalid-id" and ("/" in raw or "\\" in raw or ".." in raw):
        yield _at(
            node,
            rules.INVALID_ID,
            f"the id `{value}` holds a path separator or `..`",
            hint="ids name exported files (exports/<id>.html); use letters, digits and hyphens",
        )
        return
    rule, message, hint = _PATTERN_MESSAGES.get(
        name, (rules.INVALID_VALUE, "`{value}` is not valid here", None)
    )
    yield _at(node, rule, f"{message.format(value=value)} (`{where}`)", hint=hint)


def _min_length(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    yield Finding.of(
        rules.EMPTY_VALUE, f"`{where}` is empty", node.span, hint="fill it in, or remove the key"
    )


def _generic(error: ValidationError, node: YNode, where: str) -> Iterator[Finding]:
    yield Finding.of(rules.INVALID_VALUE, f"`{where}`: {error.message}", node.span)


_HANDLERS = {
    "required": _required,
    "additionalProperties": _additional,
    "type": _type,
    "enum": _enum,
    "const": _enum,
    "pattern": _pattern,
    "minLength": _min_length,
}


def _at(node: YNode, rule: Rule, message: str, *, hint: str | None) -> Finding:
    """A finding that underlines the offending value."""
    return Finding.of(rule, message, node.span, width=_width(node), hint=hint)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _describe(node: YNode) -> str:
    if isinstance(node, YMapping):
        return "a mapping of keys"
    if isinstance(node, YSequence):
        return "a list"
    if node.value is None:
        return "nothing"
    if isinstance(node.value, bool):
        return f"the value {node.text}"
    if isinstance(node.value, int | float):
        return f"the number {node.text}"
    return f"the text `{_shorten(node.text)}`"


def _type_hint(expected: Any) -> str | None:
    kinds = _as_list(expected)
    if "array" in kinds:
        return "write a list, one `- ` item per line"
    if "object" in kinds:
        return "write `key: value` lines, indented under this key"
    return None


def _width(node: YNode) -> int:
    return len(node.text) if isinstance(node, YScalar) and node.style is None else 1


def _shorten(text: str, limit: int = 40) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"
