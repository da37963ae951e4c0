"""From the model back to YAML: any policy written by `write_policy_yaml` reads back as the
same model (but for where each node stands in the file). Checked on the example policies and
on policies that hypothesis makes, with prose full of Markdown's markup characters."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policykit.model.policy import Law, Policy, Prose, Section, Span
from policykit.reading.prose import parse_prose
from policykit.reading.reader import read_policy
from policykit.writing.policy_yaml import write_policy_yaml
from tests.conftest import DATA, ROOT
from tests.examples import project

EXAMPLES = sorted(
    str(p.relative_to(ROOT))
    for p in [*(ROOT / "policies").rglob("*.yaml"), *(DATA / "format2").glob("*.yaml")]
)


def shape(node: Any) -> Any:
    """A model without its positions: what must survive the round trip."""
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        skip = ("source", "field_spans")
        return {f.name: shape(getattr(node, f.name)) for f in dataclasses.fields(node)
                if f.name not in skip and not f.name.endswith("span")}  # fmt: skip
    if isinstance(node, tuple):
        return tuple(shape(item) for item in node)
    return node


def round_trip(policy: Policy, path: str = "policies/x.yaml") -> Policy:
    text = write_policy_yaml(policy)
    read = read_policy(text.encode("utf-8"), path, project(), draft=policy.is_draft_revision)
    assert [f for f in read.findings if f.is_error] == [], (read.findings, text)
    assert read.policy is not None
    return read.policy


@pytest.mark.parametrize("path", EXAMPLES)
def test_every_example_reads_back_as_the_same_model(path: str) -> None:
    draft = "drafts" in Path(path).parts
    read = read_policy((ROOT / path).read_bytes(), path, project(), draft=draft)
    assert read.policy is not None
    assert shape(round_trip(read.policy, path)) == shape(read.policy)


def test_the_file_has_the_modeline_block_scalars_and_the_authors_order() -> None:
    read = read_policy((ROOT / "policies/personalepolitik.yaml").read_bytes(), "p.yaml", project())
    assert read.policy is not None
    text = write_policy_yaml(read.policy)
    assert text.startswith("# yaml-language-server: $schema=../schema/policy.schema.json\n")
    assert "  text: |\n" in text
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys.index("purpose") < keys.index("sections") < keys.index("evaluation")
    assert keys[-1] == "order"
    assert write_policy_yaml(read.policy) == text  # stable


# --- generated policies ---------------------------------------------------------------------

SPAN = Span("gen.yaml", 1, 1)
#: Letters, digits and every character Markdown or YAML could read as markup.
ALPHABET = "abcxyzæøåABCÆØÅ0123456789 .,;:!?*_-+#()[]&<>'\"/\\%@|~=`"
words = st.text(alphabet=ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def prose(draw: st.DrawFn) -> Prose:
    """Prose parsed from generated text: paragraphs, and sometimes a list, with emphasis and
    links; text that the prose subset refuses (raw HTML, code) is discarded."""
    paragraphs = draw(st.lists(words, min_size=1, max_size=3))
    if draw(st.booleans()):
        paragraphs[0] = f"Read *{paragraphs[0]}* and [this](https://example.org/a)."
    if draw(st.booleans()):
        paragraphs.append(
            "\n".join(f"- {w}" for w in draw(st.lists(words, min_size=1, max_size=3)))
        )
    if draw(st.booleans()):
        paragraphs.insert(draw(st.integers(0, len(paragraphs))), draw(tables()))
    source = "\n\n".join(paragraphs) + "\n"
    parsed, findings = parse_prose(source, lambda line: SPAN, format2=True)
    # An empty list item ("-" alone) is no text a policy holds; its lists' looseness does
    # not survive Markdown either way.
    assume(not findings and parsed.blocks and not _empty_items(parsed.blocks))
    return parsed


@st.composite
def tables(draw: st.DrawFn) -> str:
    """A GFM table: a header row, body rows (some short of cells), the delimiter row's
    alignments, and sometimes a caption; `|` in a cell escaped."""
    width = draw(st.integers(1, 4))
    cell = words.map(lambda w: w.replace("|", "\\|"))
    rows = draw(st.lists(st.lists(cell, min_size=1, max_size=width), max_size=3))
    header = draw(st.lists(cell, min_size=width, max_size=width))
    align = draw(
        st.lists(st.sampled_from(["---", ":--", ":-:", "--:"]), min_size=width, max_size=width)
    )
    lines = ["| " + " | ".join(r) + " |" for r in (header, align, *rows)]
    caption = draw(st.none() | words)
    return "\n".join(lines) + (f"\n\nTable: {caption}" if caption else "")


def _empty_items(blocks: tuple[Any, ...]) -> bool:
    for block in blocks:
        items = getattr(block, "items", ())
        if any(not item.blocks or _empty_items(item.blocks) for item in items):
            return True
        if _empty_items(getattr(block, "blocks", ())):
            return True
    return False


def sections(depth: int) -> st.SearchStrategy[tuple[Section, ...]]:
    children = sections(depth - 1) if depth > 0 else st.just(())
    section = st.builds(
        Section,
        id=st.none(),
        heading=words,
        text=st.none() | prose(),
        subsections=children,
        numbered=st.booleans(),
        span=st.just(SPAN),
    )
    return st.lists(section, max_size=2).map(tuple)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    read = read_policy((DATA / "cases" / "format-2-minimal.yaml").read_bytes(), "g.yaml", project())
    assert read.policy is not None
    base = read.policy
    assert base.purpose is not None
    top = draw(sections(2))
    top = tuple(dataclasses.replace(s, id=f"s{n}") for n, s in enumerate(top))
    purpose = dataclasses.replace(base.purpose, text=draw(prose()), heading=draw(st.none() | words))
    laws = draw(st.lists(st.builds(Law, words, st.none() | st.just("https://example.org/l"),
                                   st.just(SPAN)), max_size=2))  # fmt: skip
    policy = dataclasses.replace(
        base,
        title=draw(words),
        owner=draw(st.none() | words),
        department=draw(st.none() | words),
        case_number=draw(st.none() | words),
        keywords=tuple(draw(st.lists(words, max_size=3))),
        purpose=purpose,
        evaluation=draw(st.none() | st.just(base.evaluation)),
        sections=top,
        legal_basis=tuple(laws),
    )
    names = ["purpose", *(["evaluation"] if policy.evaluation else []), *(s.id for s in top)]
    order = draw(st.permutations(names))
    return dataclasses.replace(policy, order=tuple(str(n) for n in order))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies())
def test_generated_policies_read_back_as_the_same_model(policy: Policy) -> None:
    assert shape(round_trip(policy)) == shape(policy)


def test_emphasis_inside_emphasis_stays_emphasis() -> None:
    """Found by the generated policies: `*_0_*` written as `**0**` read back as strong."""
    for source in ("Read *_0_* and *a **b** c*.\n", "**a *b* c** and **__d__**.\n"):
        prose, findings = parse_prose(source, lambda line: SPAN)
        assert not findings
        text = write_policy_yaml(dataclasses.replace(base_policy(), purpose=with_text(prose)))
        read = read_policy(text.encode("utf-8"), "policies/x.yaml", project())
        assert read.policy is not None and read.policy.purpose is not None
        assert shape(read.policy.purpose.text) == shape(prose)


def base_policy() -> Policy:
    read = read_policy((DATA / "cases" / "format-2-minimal.yaml").read_bytes(), "g.yaml", project())
    assert read.policy is not None
    return read.policy


def with_text(prose: Prose) -> Any:
    purpose = base_policy().purpose
    assert purpose is not None
    return dataclasses.replace(purpose, text=prose)
