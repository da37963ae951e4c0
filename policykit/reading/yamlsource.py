"""Read YAML safely into a tree of positioned nodes.

We never let a YAML library construct Python objects from a policy file. ruamel.yaml's
parser turns the text into events, and this module builds its own small tree from them,
iteratively, so that:

- nothing in the file is executed: every tag (`!!python/object/apply:…`) is refused;
- scalars are resolved by the YAML 1.2 core schema, and we remember whether a value was
  quoted, so an unquoted `version: 1.10` can be reported instead of silently becoming 1.1;
- nesting depth and alias expansion have hard limits (no RecursionError, no billion laughs);
- duplicate keys are reported with both positions;
- every node keeps its 1-based line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding, Note
from policykit.model.policy import Span

MAX_DEPTH = 64
#: The most nodes a document may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 500_000

# Control characters (tab and newline aside), DEL and the C1 controls, the non-characters
# U+FFFE and U+FFFF, and lone surrogates: none can be stored in a Word document.
#: What no text may hold: controls (but tab and line feed), noncharacters and surrogates, which
#: XML 1.0, and so Word, cannot hold.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
#: A plain whole number longer than this is refused (see `_huge_number`): the largest value a
#: setting takes has 10 digits.
MAX_NUMBER_DIGITS = 30
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# A `%YAML` directive opens the file, before any content or `---`.
_YAML_DIRECTIVE = re.compile(r"\A(?:[ \t]*(?:#.*)?\n)*(?P<line>%YAML[ \t]+(?P<version>\S+))")
_SPECIAL_FLOAT = re.compile(r"([-+]?)\.(inf|Inf|INF|nan|NaN|NAN)")

Scalar = str | int | float | bool | None


@dataclass(slots=True)
class YScalar:
    """A YAML scalar with its position: its value, and its text as written."""

    value: Scalar
    #: The scalar's text as written, before resolution.
    text: str
    #: Plain (unquoted) scalars are the ones YAML resolves to numbers, booleans and null.
    plain: bool
    #: The block-scalar style (`|` or `>`), or None.
    style: str | None
    span: Span
    weight: int = 1


@dataclass(slots=True)
class YSequence:
    """A YAML sequence with its position."""

    items: list[YNode]
    span: Span
    weight: int = 1


@dataclass(slots=True)
class YMapping:
    """A YAML mapping with its position, and each key's own node."""

    entries: dict[str, tuple[YScalar, YNode]]
    span: Span
    weight: int = 1

    def key_span(self, key: str) -> Span:
        return self.entries[key][0].span

    def get(self, key: str) -> YNode | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None


YNode = YScalar | YSequence | YMapping


@dataclass(slots=True)
class YamlDocument:
    """A parsed file: its root node, or the findings that stopped parsing."""

    root: YNode | None
    findings: list[Finding] = field(default_factory=list)


def to_plain(node: YNode) -> Any:
    """The node as plain Python data (dicts, lists, scalars), for JSON Schema validation."""
    if isinstance(node, YScalar):
        return node.value
    if isinstance(node, YSequence):
        return [to_plain(item) for item in node.items]
    return {key: to_plain(value) for key, (_, value) in node.entries.items()}


#: What an unquoted scalar that is not a string starts with (null, a boolean, a number).
_NOT_STRING_STARTS = frozenset("~nNtTfF0123456789+-.")


def resolve_plain(text: str) -> Scalar:
    """Resolve an unquoted scalar by the YAML 1.2 core schema."""
    if text and text[0] not in _NOT_STRING_STARTS:
        return text  # most are words: spared five patterns
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    special = _SPECIAL_FLOAT.fullmatch(text)
    if special:  # YAML's `.inf` and `.nan` are Python's `inf` and `nan`
        return float(special.group(1) + special.group(2))
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


class _Abort(Exception):
    """Stops building once a finding makes the rest of the document meaningless."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse one YAML document into positioned nodes, or explain why it cannot be done."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    directive = _YAML_DIRECTIVE.search(text)
    if directive and directive.group("version") != "1.2":
        return YamlDocument(None, [_version_finding(text, directive, path)])
    nel = text.find("\x85")
    if nel >= 0:
        # The parser reads a NEL as a line break (YAML 1.1) before any check could see it,
        # so a raw one would silently become a space: it is a control character, PK013.
        return YamlDocument(None, [_control_character("U+0085", _span_at_index(text, nel, path))])
    fast = _fast_parse(text, path)
    if fast is not None:
        return fast
    builder = _TreeBuilder(path)
    try:
        builder.consume(YAML(typ="safe", pure=True).parse(text))
    except _Abort as abort:
        return YamlDocument(None, [abort.finding])
    except ReaderError as error:
        span = _span_at_index(text, error.position, path)
        char = f"U+{error.character:04X}" if isinstance(error.character, int) else "a character"
        return YamlDocument(None, [_control_character(char, span)])
    except MarkedYAMLError as error:
        return YamlDocument(None, [_syntax_finding(error, text, path)])
    except YAMLError as error:  # pragma: no cover - ruamel raises marked errors in practice
        return YamlDocument(None, [Finding.of(rules.YAML_SYNTAX, str(error), Span(path, 1, 1))])
    return YamlDocument(builder.root, builder.findings)


_YAML11_DIFFERENCES = re.compile("[\t\u0085\u2028\u2029]")


def _fast_parse(text: str, path: str) -> YamlDocument | None:
    """The document through libyaml (ruamel.yaml.clibz), twenty times faster than the pure
    parser; None when it is not installed, or when the document has a problem of any kind:
    the pure parser then reads it again, so that every finding is worded as it always is.

    libyaml follows YAML 1.1 where 1.1 and 1.2 differ on tabs (it allows one after `key:`,
    which the pure parser reports) and on line breaks (it breaks lines at U+0085, U+2028 and
    U+2029), so text holding any of them takes the pure parser's road too."""
    if _YAML11_DIFFERENCES.search(text):
        return None
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # set at import
        from ruamel.yaml.error import YAMLError
    except ImportError:  # pragma: no cover - clibz is a dependency; a wheel may be missing
        return None
    builder = _TreeBuilder(path)
    try:
        builder.consume(_events(CParser(text)))
    except (_Abort, YAMLError, ValueError):
        return None
    if builder.findings:
        return None
    return YamlDocument(builder.root, [])


def _events(parser: Any) -> Iterator[Any]:
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


def _version_finding(text: str, match: re.Match[str], path: str) -> Finding:
    return Finding.of(
        rules.YAML_VERSION,
        f"the file asks for YAML {match.group('version')}; policies are YAML 1.2",
        _span_at_index(text, match.start("line"), path),
        width=len(match.group("line")),
        hint="remove the `%YAML` line (YAML 1.1, for one, would read `no` as false)",
    )


def _syntax_hint(problem: str, text: str, span: Span) -> str:
    """For `title: Bemærk: vi …`, a colon inside the text: say to quote the text."""
    lines = text.splitlines()
    line = lines[span.line - 1] if span.line <= len(lines) else ""
    key, colon, value = line.partition(": ")
    if problem.startswith("mapping values are not allowed") and colon and ": " in value:
        quoted = value.strip().replace('"', '\\"')
        return (
            "a colon followed by a space starts a key; to keep it in the text, put the text "
            f'in quotes: `{key.strip()}: "{quoted}"`'
        )
    return "check the indentation and the quoting around this position"


def _syntax_finding(error: Any, text: str, path: str) -> Finding:
    mark = error.problem_mark or error.context_mark
    span = Span(path, mark.line + 1, mark.column + 1) if mark else Span(path, 1, 1)
    problem = str(error.problem or error.context or "invalid YAML")
    if "'\\t'" in problem:
        lines = text.splitlines()
        line = lines[span.line - 1] if span.line <= len(lines) else ""
        if not line[: span.column - 1].strip(" \t"):
            return Finding.of(
                rules.TAB_INDENTATION,
                "a tab character is used for indentation",
                span,
                hint="YAML indents with spaces only; replace the tab with spaces",
            )
        problem = "a tab character where YAML does not allow one"
        if line[: span.column - 1].rstrip().endswith(":"):
            # YAML 1.2 allows a tab after `key:`; ruamel.yaml, which policykit reads with,
            # does not (docs/format.md lists how it differs from YAML 1.2).
            return Finding.of(
                rules.YAML_SYNTAX,
                "a tab after a key's colon: policykit's YAML reader takes only spaces there",
                span,
                hint="write a space instead of the tab",
            )
    notes = []
    if error.context and error.context_mark and error.problem_mark:
        context_span = Span(path, error.context_mark.line + 1, error.context_mark.column + 1)
        notes.append(Note(str(error.context), context_span))
    return Finding.of(
        rules.YAML_SYNTAX,
        f"this is not valid YAML: {problem}",
        span,
        notes=notes,
        hint=_syntax_hint(problem, text, span),
    )


def _huge_number(text: str, span: Span) -> Finding:
    """A whole number longer than any setting takes, which Python would refuse to read as
    one beyond 4,300 digits: a finding, never a ValueError."""
    return Finding.of(
        rules.INVALID_VALUE,
        f"the number `{text[:12]}…` has {len(text):,} digits, more than any value in a "
        "policy file can have",
        span,
        width=min(len(text), 40),
        hint=f'if it is meant as text, put it in quotes: `"{text[:12]}…"`',
    )


def _control_character(char: str, span: Span) -> Finding:
    return Finding.of(
        rules.CONTROL_CHARACTER,
        f"the text holds the control character {char}",
        span,
        hint="remove it: Word documents and most tools cannot hold control characters",
    )


def _span_at_index(text: str, index: int, path: str) -> Span:
    before = text[:index]
    line = before.count("\n") + 1
    return Span(path, line, index - (before.rfind("\n") + 1) + 1)


#: The parser's events, by their class's name: those that close a collection, and those
#: that add or open a node (the rest, the stream's and a document's ends, add nothing).
_END_EVENTS = frozenset({"SequenceEndEvent", "MappingEndEvent"})
_STARTING_EVENTS = frozenset(
    {"ScalarEvent", "DocumentStartEvent", "AliasEvent", "SequenceStartEvent", "MappingStartEvent"}
)


@dataclass(slots=True)
class _OpenCollection:
    """A sequence or mapping being built, with its anchor and the key awaiting a value."""

    node: YSequence | YMapping
    anchor: str | None
    pending_key: YScalar | None = None


class _TreeBuilder:
    """Builds the node tree from parser events with an explicit stack (no recursion)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.root: YNode | None = None
        self.findings: list[Finding] = []
        self.stack: list[_OpenCollection] = []
        self.anchors: dict[str, YNode] = {}
        self.open_anchors: set[str] = set()
        self.documents = 0

    def consume(self, events: Iterator[Any]) -> None:
        # The commonest events first, and a span made only for those that keep one: this
        # loop is a third of reading a policy.
        path = self.path
        for event in events:
            kind = type(event).__name__
            if kind in _END_EVENTS:
                self._close()
                continue
            if kind not in _STARTING_EVENTS:
                continue  # the stream's start and end, a document's end
            mark = event.start_mark
            span = Span(path, mark.line + 1, mark.column + 1)
            if kind == "ScalarEvent":
                self._check_tag(event, span)
                self._add(self._scalar(event, span), event.anchor)
            elif kind == "DocumentStartEvent":
                self._start_document(event, span)
            elif kind == "AliasEvent":
                self._add(self._alias(event.anchor, span), None)
            else:
                self._check_tag(event, span)
                self._open(YSequence([], span) if kind[0] == "S" else YMapping({}, span), event)
        if self.documents == 0 or _is_null(self.root):
            raise _Abort(
                Finding.of(
                    rules.EMPTY_FILE,
                    "the file is empty: it holds no YAML document",
                    Span(self.path, 1, 1),
                    hint="docs/format.md shows a complete example to start from",
                )
            )

    def _start_document(self, event: Any, span: Span) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _Abort(
                Finding.of(
                    rules.MULTIPLE_DOCUMENTS,
                    "the file holds more than one YAML document",
                    span,
                    width=3,
                    hint="keep one policy per file; remove this `---` and what follows it",
                )
            )

    def _check_tag(self, event: Any, span: Span) -> None:
        tag = event.tag
        if tag is None or str(tag) == "!":
            return
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise _Abort(
            Finding.of(
                rules.YAML_TAG,
                f"the YAML tag `{shown}` is not allowed",
                span,
                hint="policy files hold plain data; remove the tag (policykit never runs tags)",
            )
        )

    def _scalar(self, event: Any, span: Span) -> YScalar:
        text: str = event.value
        plain = not event.style  # the pure parser says None, libyaml ""
        bad = FORBIDDEN.search(text)
        if bad:
            raise _Abort(_control_character(f"U+{ord(bad.group()):04X}", span))
        if plain and len(text) > MAX_NUMBER_DIGITS and _INT.fullmatch(text):
            raise _Abort(_huge_number(text, span))
        value = resolve_plain(text) if plain else text
        style = event.style if event.style in ("|", ">") else None
        return YScalar(value, text, plain, style, span)

    def _alias(self, anchor: str, span: Span) -> YNode:
        if anchor in self.open_anchors:
            raise _Abort(
                Finding.of(
                    rules.ALIAS_LIMIT,
                    f"the alias *{anchor} refers to the node that contains it",
                    span,
                    hint="a value cannot include itself; write the text out instead",
                )
            )
        node = self.anchors.get(anchor)
        if node is None:
            raise _Abort(
                Finding.of(rules.YAML_SYNTAX, f"the alias *{anchor} has no matching anchor", span)
            )
        return node

    def _open(self, node: YSequence | YMapping, event: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _Abort(
                Finding.of(
                    rules.TOO_DEEP,
                    f"the data is nested more than {MAX_DEPTH} levels deep",
                    node.span,
                    hint="a policy needs a handful of levels; check the structure",
                )
            )
        if event.anchor:
            self.open_anchors.add(event.anchor)
        self.stack.append(_OpenCollection(node, event.anchor))

    def _close(self) -> None:
        done = self.stack.pop()
        if done.anchor:
            self.open_anchors.discard(done.anchor)
        self._add(done.node, done.anchor)

    def _add(self, node: YNode, anchor: str | None) -> None:
        if anchor:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.node.weight += node.weight
        if parent.node.weight > MAX_EXPANDED_NODES:
            raise _Abort(self._too_many_values(node.span))
        if isinstance(parent.node, YSequence):
            parent.node.items.append(node)
        elif parent.pending_key is None:
            parent.pending_key = self._key(node)
        else:
            self._add_entry(parent.node, parent.pending_key, node)
            parent.pending_key = None

    def _too_many_values(self, span: Span) -> Finding:
        if self.anchors:
            return Finding.of(
                rules.ALIAS_LIMIT,
                f"aliases expand the document beyond {MAX_EXPANDED_NODES:,} values",
                span,
                hint="this looks like an alias bomb; write the values out instead",
            )
        return Finding.of(
            rules.FILE_TOO_LARGE,
            f"the document holds more than {MAX_EXPANDED_NODES:,} values",
            span,
            hint="a policy holds far fewer; split it, or check how the file was generated",
        )

    def _key(self, node: YNode) -> YScalar:
        if not isinstance(node, YScalar):
            raise _Abort(
                Finding.of(
                    rules.COMPLEX_KEY,
                    "a mapping key must be plain text, not a list or mapping",
                    node.span,
                )
            )
        return node

    def _add_entry(self, mapping: YMapping, key: YScalar, value: YNode) -> None:
        name = key.text
        first = mapping.entries.get(name)
        if first is not None:
            self.findings.append(
                Finding.of(
                    rules.DUPLICATE_KEY,
                    f"the key `{name}` appears twice in this mapping",
                    key.span,
                    width=len(name),
                    notes=[Note(f"`{name}` is first defined here", first[0].span)],
                    hint="YAML keeps only one of them; merge the two or remove one",
                )
            )
            return
        mapping.entries[name] = (key, value)


def _is_null(node: YNode | None) -> bool:
    return node is None or (isinstance(node, YScalar) and node.plain and node.value is None)
