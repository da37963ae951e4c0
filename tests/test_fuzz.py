"""Random input through the reader, the validator, review and the writers: findings, never
an exception. Issue 13 asks for at least 2,000 examples a run, with dates, durations, huge
integers and control characters among the values: the counts below add up to 2,925, and
the prose parser's test runs 3,000 more."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import string
import sys
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from policykit.checking.validate import SourceFile, validate
from policykit.cli import reviewreport
from policykit.cli.diagnostics import make_console
from policykit.diagnostics.errors import UsageError
from policykit.diagnostics.findings import Finding
from policykit.model.project import Project
from policykit.planning.brief import Action, make_brief
from policykit.planning.review import review_all
from policykit.reading.reader import read_policy, read_project
from policykit.writing.brief import write_brief_docx, write_brief_html
from policykit.writing.catalog import write_catalog
from policykit.writing.layout import ExportOptions, layout
from policykit.writing.registry import writer
from tests.conftest import DATA

BASE = (DATA / "cases" / "valid-minimal.yaml").read_text("utf-8")
KEYS = [
    "format", "id", "title", "language", "version", "status", "adoptions", "date", "body",
    "purpose", "text", "heading", "goals", "groups", "items", "intro", "definitions", "terms",
    "term", "definition", "principles", "evaluation", "rule", "interval", "records", "related",
    "url", "keywords", "repeal", "indicator", "methods", "responsible",
]  # fmt: skip
#: Characters that a terminal, XML or YAML treats specially: C0 and C1 controls, DEL, the
#: form feed of `&#12;`, NEL, the line and paragraph separators, zero-width and bidirectional
#: marks, a byte-order mark, a private-use character.
CONTROL = "\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9b\u2028\u2029\u200b\u200d\u202e\u2066\ufeff\ue000"
HOSTILE_TEXT = st.text(
    st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from(CONTROL)), max_size=30
)
#: Integers past every limit: Python's 4,300-digit string conversion, and 64-bit sizes.
HUGE_INTEGERS = st.integers(0, 5000).map(lambda digits: 10**digits - 1) | st.integers(
    -(2**70), 2**70
)
DATES = st.one_of(
    st.dates(),  # year 1 to 9999, where policykit takes 1800 to 2999
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["9999-12-31", "1799-12-31", "3000-01-01", "2020-02-30", "2024-02-29"]),
)
DURATIONS = st.one_of(
    st.sampled_from(["P2Y", "P4Y", "P1Y6M", "P0D", "P", "PT1H", "P-1Y", "electoral-period"]),
    st.builds(lambda n, unit: f"P{n}{unit}", st.integers(0, 10**40), st.sampled_from("YMWD")),
    HUGE_INTEGERS,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTEGERS,
    st.floats(allow_nan=False),
    DATES,
    DURATIONS,
    st.sampled_from(
        ["1", "P2Y", "P0D", "2007-02-30", "2020-01-01", "adopted", "da", "[x](javascript:y)"]
    ),
    st.text(max_size=40),
    HOSTILE_TEXT,
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
    # Python will not write an integer of more than 4,300 digits; the writing lifts that
    # limit, and the reading that follows has it back, as policykit has.
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yaml.dump(value, out)
    finally:
        sys.set_int_max_str_digits(limit)
    return out.getvalue().encode("utf-8", "surrogatepass")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATA_SHAPES)
def test_random_yaml_data(value: Any) -> None:
    check(dump(value))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), DATA_SHAPES, max_size=12))
def test_random_policy_shaped_mappings(value: dict[str, Any]) -> None:
    check(dump({"format": 1, **value}))


def mutated(data: st.DataObject) -> bytes:
    """The valid policy with one to four of its lines dropped, doubled, replaced or moved in."""
    lines = BASE.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "replace", "indent"]))
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "replace":
            text = st.text(string.printable, max_size=30) | HOSTILE_TEXT
            lines[index] = data.draw(text) + "\n"
        else:
            lines[index] = " " + lines[index]
        if not lines:
            break
    return "".join(lines).encode("utf-8")


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_mutated_valid_policy(data: st.DataObject) -> None:
    check(mutated(data))


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    check(data)


# --- hostile values in a valid policy, through review and every writer ----------------------

VALID: dict[str, Any] = YAML(typ="safe", pure=True).load(BASE)
DAYS = st.dates(dt.date(1800, 1, 1), dt.date(2999, 12, 31))  # what policykit takes
#: Values that often validate, so that many examples reach review and the writers: days at
#: the ends of the years policykit takes, long intervals, and text with invisible or
#: bidirectional marks (a warning); now and then a hostile value, which is refused.


def rarely(usual: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]) -> Any:
    """`usual` seven times in eight, else `hostile`: one field of many refused is enough."""
    return st.integers(0, 7).flatmap(lambda n: hostile if n == 0 else usual)


EDGE_DAYS = st.sampled_from([dt.date(1800, 1, 1), dt.date(2999, 12, 31), dt.date(2024, 2, 29)])
SOME_DATES = rarely(DAYS | EDGE_DAYS, DATES)
SOME_DURATIONS = rarely(
    st.builds(lambda n, unit: f"P{n}{unit}", st.integers(1, 99), st.sampled_from("YMWD"))
    | st.sampled_from(["P2Y", "P99Y", "P100Y", "P1200M", "electoral-period"]),
    DURATIONS,
)
MARKS = "\u200b\u200d\u202e\u2066\u00ad\u00a0"
WORDS = st.text(st.characters(categories=("L", "N", "P", "Zs")) | st.sampled_from(MARKS))
SOME_TEXT = rarely(WORDS.filter(str.strip), HOSTILE_TEXT | HUGE_INTEGERS)


@st.composite
def hostile_policies(draw: st.DrawFn) -> dict[str, Any]:
    """The minimal valid policy with its dates, interval, texts and numbers replaced by
    hostile values: most fail validation, and the rest must go through everything."""
    policy = copy.deepcopy(VALID)

    def maybe(value: Any, values: st.SearchStrategy[Any]) -> Any:
        return draw(values) if draw(st.booleans()) else value

    decision = st.fixed_dictionaries(
        {"date": SOME_DATES, "body": st.just("City Council") | SOME_TEXT}
    )
    policy["adoptions"] = draw(st.lists(decision, min_size=1, max_size=3))
    policy["status"] = draw(st.sampled_from(["adopted", "draft", "consultation", "repealed"]))
    if policy["status"] == "repealed":
        policy["repeal"] = draw(decision)
    policy["evaluation"]["interval"] = draw(SOME_DURATIONS)
    note = st.fixed_dictionaries({"date": SOME_DATES}, optional={"note": SOME_TEXT})
    policy["evaluation"]["records"] = draw(st.lists(note, max_size=3))
    policy["title"] = maybe(policy["title"], SOME_TEXT)
    policy["version"] = maybe(policy["version"], SOME_TEXT)
    policy["purpose"]["text"] = maybe(policy["purpose"]["text"], SOME_TEXT)
    principle = policy["principles"]["items"][0]
    principle["text"] = maybe(principle["text"], SOME_TEXT)
    return policy


@st.composite
def hostile_projects(draw: st.DrawFn) -> dict[str, Any]:
    """A project file whose electoral calendar starts on a hostile day, or none."""
    project: dict[str, Any] = {"organisation": {"name": draw(SOME_TEXT)}}
    if draw(st.booleans()):
        project["electoral_calendar"] = {
            "start": draw(SOME_DATES),
            "years": draw(st.integers(-2, 12) | HUGE_INTEGERS),
        }
    return project


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_policies(), hostile_projects(), DAYS)
def test_hostile_values_through_review_and_the_writers(
    value: dict[str, Any], project_value: dict[str, Any], today: dt.date
) -> None:
    """A policy that validates is reviewed (and the review shown), registered, briefed and
    written to HTML, Word and Markdown; one that does not gives findings. Either way, no
    exception."""
    project = read_project(dump(project_value), "policykit.yaml")
    assert all(isinstance(finding, Finding) for finding in project.findings)
    data = dump(value)
    check(data)
    read = read_policy(data, "fuzz.yaml", project.project)
    report = validate([SourceFile("fuzz.yaml", data)], project.project)
    if read.policy is None or any(finding.is_error for finding in report.findings):
        event("refused")
        return
    event("written")
    policy = read.policy
    calendar = project.project.electoral_calendar
    reviews = review_all([policy], today, calendar)
    terminal = io.StringIO()
    reviewreport.render_table(reviews, today, make_console(file=terminal, width=100))
    assert "\x1b" not in terminal.getvalue()  # no escape from the input reaches a terminal
    reviewreport.to_json(reviews, today)
    reviewreport.to_csv(reviews)
    write_catalog(reviews, project.project, ExportOptions(), today)
    document = layout(policy, project.project)
    for name in ("html", "docx", "md"):
        assert writer(name).write(document)
    try:
        brief = make_brief(policy, Action.NEW, today, calendar=calendar)
    except UsageError as refused:  # a meeting before the last adoption: a message, exit 2
        assert "comes before the last adoption" in str(refused)
        return
    write_brief_html(brief, document)
    write_brief_docx(brief, document)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_policies())
def test_hostile_values_through_the_pdf_writer(value: dict[str, Any]) -> None:
    """The PDF writer, on fewer examples: WeasyPrint takes a fifth of a second a page."""
    data = dump(value)
    read = read_policy(data, "fuzz.yaml", Project())
    report = validate([SourceFile("fuzz.yaml", data)], Project())
    if read.policy is None or any(finding.is_error for finding in report.findings):
        return
    assert writer("pdf").write(layout(read.policy, Project())).startswith(b"%PDF-")


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


_PLAIN_WORDS = st.text(
    st.sampled_from([*"abc æøå1.,:;()'\"-+=", " ", "\t", "\u2028", "\xa0", "\u3000"]),
    max_size=12,
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(_PLAIN_WORDS, min_size=1, max_size=4), min_size=1, max_size=4),
       st.sampled_from(["\n\n", "\n\n\n", "\n \n"]), st.booleans())  # fmt: skip
def test_the_paragraphs_fast_path_agrees_with_markdown_it(
    paragraphs: list[list[str]], gap: str, ending: bool
) -> None:
    """Paragraphs of lines, with and without Markdown in them: the same prose either way."""
    from policykit.model.policy import Span
    from policykit.reading.prose import parse_markdown, parse_prose

    def locate(line: int) -> Span:
        return Span("f.yaml", line + 10, 5)

    source = gap.join("\n".join(lines) for lines in paragraphs) + ("\n" if ending else "")
    assert parse_prose(source, locate) == parse_markdown(source, locate)


# --- the compiled schema (scripts/compile-schemas) and jsonschema agree -----------------------


def _agree(data: bytes, name: Any = "policy", *, counted: bool = True) -> bool:
    """Whether the compiled schema and jsonschema give one answer for the file, and the
    answer (valid or not); a file YAML cannot read gives no answer, and agrees."""
    from policykit.reading.schema import is_valid, validator
    from policykit.reading.yamlsource import parse_yaml, to_plain

    document = parse_yaml(data.decode("utf-8", "replace"), "fuzz.yaml")
    if document.root is None:
        return True
    plain = to_plain(document.root)
    slow = not any(True for _ in validator(name).iter_errors(plain))
    assert is_valid(plain, name) == slow, plain
    if counted:
        event(f"valid: {slow}")
    return slow


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_policies())
def test_the_compiled_schema_agrees_with_jsonschema(value: dict[str, Any]) -> None:
    _agree(dump(value))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_compiled_schema_agrees_on_mutated_policies(data: st.DataObject) -> None:
    _agree(mutated(data))


def test_the_compiled_schema_agrees_on_every_policy_and_project_file_in_the_tests() -> None:
    from tests.conftest import ROOT

    files = [*ROOT.glob("policies/**/*.yaml"), *ROOT.glob("tests/data/**/*.yaml")]
    answers = {}
    for path in files:
        is_project = path.name == "policykit.yaml" or "project" in path.stem
        name = "project" if is_project else "policy"
        answers[path] = _agree(path.read_bytes(), name, counted=False)
    assert answers[ROOT / "policies" / "kommunikationspolitik.yaml"] is True
    assert any(not valid for valid in answers.values())  # both answers are exercised
    assert _agree((ROOT / "policykit.yaml").read_bytes(), "project", counted=False) is True


#: The markers of the fast path, then markdown-it's; words that leave a line plain, then
#: any. A case draws from the first of each mostly (`_pick`), so that many take the path.
_STARTS = (["", "- ", "1. ", "2. ", "10. "], ["-  ", "+ ", "* ", "1) ", " - ", "  ", "-"])
_FAST_WORDS = st.text("abc æøå,.:'\"", min_size=1, max_size=10).filter(
    lambda words: words.strip() == words
)
_LINE = st.tuples(st.integers(0, 9), st.integers(0, 9), st.data())


def _pick(choice: int, usual: list[str], rare: list[str]) -> str:
    return usual[choice % len(usual)] if choice < 8 else rare[choice % len(rare)]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.lists(_LINE, min_size=1, max_size=4)),
                min_size=1, max_size=5),
       st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n"]), min_size=5, max_size=5),
       st.booleans())  # fmt: skip
def test_the_lists_fast_path_agrees_with_markdown_it(
    blocks: list[tuple[int, list[tuple[int, int, st.DataObject]]]], gaps: list[str], ending: bool
) -> None:
    """Paragraphs and lists of every marker, indented or not, with and without blank lines
    between them and Markdown in them: the same prose either way."""
    from policykit.model.policy import Span
    from policykit.reading.prose import parse_markdown, parse_prose

    def locate(line: int) -> Span:
        return Span("f.yaml", line + 10, 5)

    texts = []
    for marker, lines in blocks:
        start = _pick(marker, *_STARTS)
        rows = []
        for own, plain, data in lines:
            words = data.draw(_FAST_WORDS if plain < 8 else _PLAIN_WORDS)
            rows.append(f"{start if own < 8 else _pick(own + marker, *_STARTS)}{words}")
        texts.append("\n".join(rows))
    source = "".join(text + gap for text, gap in zip(texts, gaps[: len(texts)], strict=True))
    source = source if ending else source.rstrip("\n")
    assert parse_prose(source, locate) == parse_markdown(source, locate)


def test_the_fast_path_is_taken_for_plain_paragraphs_and_lists() -> None:
    from policykit.model.policy import BulletList, OrderedList, Paragraph, Span
    from policykit.reading import prose

    def locate(line: int) -> Span:
        return Span("f.yaml", line + 10, 5)

    source = (
        "Første linje,\nanden linje.\n\n- et punkt\n- et andet\n\n- et løst punkt\n\n"
        "3. tre\n4. fire\n\nEt afsnit mere.\n"
    )
    fast = prose._plain_blocks(source, locate)
    assert fast is not None
    assert [type(block) for block in fast] == [Paragraph, BulletList, OrderedList, Paragraph]
    assert len(fast[1].items) == 3 and fast[1].span == locate(3)  # type: ignore[union-attr]
    assert fast[2].start == 3  # type: ignore[union-attr]
    assert prose.parse_prose(source, locate) == prose.parse_markdown(source, locate)
    # A list that interrupts a paragraph, an item's second line: markdown-it's to read.
    assert prose._plain_blocks("Et afsnit\n- en liste\n", locate) is None
    assert prose._plain_blocks("- et punkt\nder fortsætter\n", locate) is None
    assert prose._plain_blocks("- et punkt\n1. og et tal\n", locate) is None


# --- LIX: the abbreviations found faster, and the same ----------------------------------------

_LIX_PIECES = st.sampled_from(
    ["Vi", "hjælper", "borgeren", "e-mail", "it-", "-", "'", "dvs", "DVS.", "f.eks.", "bl.a",
     "m.m.", "Mv.", "ca.", "nr. 3", "i.e", "etc", "vs.", "cf.", "ſ", "K", "İ", "ı", "1.", ".",
     "!", "?", ":", "…", ",", " ", "\t", "\n", "\u2028", "\xa0", "(", "_", "æøå"]
)  # fmt: skip
#: The abbreviations as `checking.lix` had them before it looked ahead: the oracle.
_ABBREVIATIONS_BEFORE = re.compile(
    r"\b(?:dvs|f\.eks|bl\.a|m\.m|mv|pga|jf|ca|nr|e\.g|i\.e|etc|vs|cf)\.", re.IGNORECASE
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.lists(_LIX_PIECES, max_size=12).map("".join), max_size=6))
def test_lix_counts_sentences_as_before(units: list[str]) -> None:
    """The lookahead and the skip of texts without a full stop change no count: against
    the abbreviations as they were, sentence by sentence, with Unicode's case pairs of the
    abbreviations' letters (ſ for s, the Kelvin sign for k, the Turkish i's) among them."""
    from policykit.checking import lix

    for unit in units:
        stripped = unit.strip()
        before = _ABBREVIATIONS_BEFORE.sub("", stripped)
        now = lix._ABBREVIATIONS.sub("", stripped) if "." in stripped else stripped
        assert now == before


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from([*"~nNtTfFuelrsaxo0123456789+-._eEiIAN :", "ø"]), max_size=8))
def test_a_plain_scalar_that_is_not_a_string_starts_as_the_shortcut_says(text: str) -> None:
    """`resolve_plain` returns a word at once when its first character cannot start a null,
    a boolean or a number: whatever any of the core schema's patterns reads as one does."""
    from policykit.reading import yamlsource as y

    not_a_string = (
        y._NULL.fullmatch(text)
        or text in y._BOOL
        or y._INT.fullmatch(text)
        or y._SPECIAL_FLOAT.fullmatch(text)
        or y._FLOAT.fullmatch(text)
    )
    if not_a_string:
        assert not text or text[0] in y._NOT_STRING_STARTS
        assert not isinstance(y.resolve_plain(text), str)
    else:
        assert y.resolve_plain(text) == text


@settings(max_examples=3000, deadline=None)
@given(st.text(st.sampled_from([*"ab æ1-'’.,!\t\n", "\u2028", "\xa0", "\u3000", "\x1c", "_"])))
def test_words_are_the_tokens_less_the_white_space(text: str) -> None:
    """`words` takes the tokens without the runs of white space by a pattern that passes
    over them: the same as the tokens, white space (as `str.isspace` has it) left out."""
    from policykit.comparing.words import tokens, words

    assert words(text) == [token for token in tokens(text) if not token.isspace()]
