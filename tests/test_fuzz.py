"""Random YAML-shaped input through the reader and validator: findings, never an exception."""

from __future__ import annotations

import io
import string
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from policykit.checking.validate import SourceFile, validate
from policykit.diagnostics.findings import Finding
from tests.conftest import DATA

BASE = (DATA / "cases" / "valid-minimal.yaml").read_text("utf-8")
KEYS = [
    "format", "id", "title", "language", "version", "status", "adoptions", "date", "body",
    "purpose", "text", "heading", "goals", "groups", "items", "intro", "definitions", "terms",
    "term", "definition", "principles", "evaluation", "rule", "interval", "records", "related",
    "url", "keywords", "repeal", "indicator", "methods", "responsible",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(
        ["1", "P2Y", "P0D", "2007-02-30", "2020-01-01", "adopted", "da", "[x](javascript:y)"]
    ),
    st.text(max_size=40),
)
DATA_SHAPES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=30,
)


def check(data: bytes) -> None:
    report = validate([SourceFile("fuzz.yaml", data)])
    assert all(isinstance(finding, Finding) for finding in report.findings)
    assert all(finding.span is None or finding.span.line >= 1 for finding in report.findings)


def dump(value: Any) -> bytes:
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.dump(value, out)
    return out.getvalue().encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA_SHAPES)
def test_random_yaml_data(value: Any) -> None:
    check(dump(value))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), DATA_SHAPES, max_size=12))
def test_random_policy_shaped_mappings(value: dict[str, Any]) -> None:
    check(dump({"format": 1, **value}))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_valid_policy(data: st.DataObject) -> None:
    lines = BASE.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "replace", "indent"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "replace":
            lines[index] = data.draw(st.text(string.printable, max_size=30)) + "\n"
        else:
            lines[index] = " " + lines[index]
        if not lines:
            break
    check("".join(lines).encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check(data)


# --- the literal-line fast path of the prose parser -----------------------------------------

_MARKDOWN_CHARACTERS = "ab æøå.,:;()-+=#>*_`[]<>&!|~\\0123456789\t\n"
_UNUSUAL_CHARACTERS = "\u00a0\u2028\x0b\r\x00\ufeff"
_PROSE_ALPHABET = st.sampled_from([*_MARKDOWN_CHARACTERS, *_UNUSUAL_CHARACTERS])


@settings(max_examples=3000, deadline=None)
@given(st.text(_PROSE_ALPHABET, max_size=30))
def test_prose_fast_path_agrees_with_markdown_it(source: str) -> None:
    from policykit.model.policy import Span
    from policykit.reading.prose import parse_markdown, parse_prose

    def locate(line: int) -> Span:
        return Span("f.yaml", line + 10, 5)

    assert parse_prose(source, locate) == parse_markdown(source, locate)
