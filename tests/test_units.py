"""Unit tests of the pure parts: intervals, LIX, prose, YAML nodes and spans."""

from __future__ import annotations

import datetime as dt

import pytest

from policykit.checking.lix import measure
from policykit.model.intervals import Duration, ElectoralPeriod, parse_interval
from policykit.model.policy import (
    BlockQuote,
    BulletList,
    Emphasis,
    Link,
    OrderedList,
    Paragraph,
    Span,
    Strong,
)
from policykit.reading.prose import is_safe_url, parse_prose, plain_text
from policykit.reading.reader import read_policy
from policykit.reading.yamlsource import YMapping, parse_yaml, resolve_plain
from tests.conftest import DATA

BASE = (DATA / "cases" / "valid-minimal.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P2Y", Duration(years=2)),
        ("P18M", Duration(months=18)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(weeks=2)),
        ("electoral-period", ElectoralPeriod()),
        ("P0Y", None),
        ("P", None),
        ("PT12H", None),
        ("2Y", None),
        ("p2y", None),
    ],
)
def test_parse_interval(text: str, expected: object) -> None:
    assert parse_interval(text) == expected


def test_duration_arithmetic_clamps_to_month_end() -> None:
    assert Duration(years=1).after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Duration(months=1).after(dt.date(2021, 1, 31)) == dt.date(2021, 2, 28)
    assert Duration(months=14).after(dt.date(2021, 11, 15)) == dt.date(2023, 1, 15)
    assert Duration(weeks=1, days=1).after(dt.date(2021, 12, 30)) == dt.date(2022, 1, 7)
    assert str(Duration(years=1, months=6)) == "P1Y6M"


def test_lix_by_hand() -> None:
    # 7 words, 2 sentences, 3 long words (hjælper, borgeren, kommunen): 7/2 + 300/7 ≈ 46.4.
    result = measure(["Vi hjælper borgeren. Det gør kommunen altid."])
    assert (result.words, result.sentences, result.long_words) == (7, 2, 3)
    assert result.lix == pytest.approx(7 / 2 + 100 * 3 / 7)
    assert result.band == "hard"


def test_lix_list_items_end_sentences_and_abbreviations_do_not() -> None:
    result = measure(["at borgeren opnår viden", "udveksling af information (dvs. data)"])
    assert result.sentences == 2


def test_lix_keeps_danish_letters_in_words() -> None:
    assert measure(["Øjenhøjde, ærlighed og åbenhed."]).long_words == 3


def locate(line: int) -> Span:
    return Span("x.yaml", 10 + line, 5)


def test_prose_blocks_and_inlines() -> None:
    source = (
        "A *soft* and **strong** [link](https://example.dk/).\n\n"
        "- one\n- two\n\n3. three\n4. four\n\n> quoted\n"
    )
    prose, findings = parse_prose(source, locate)
    assert findings == []
    paragraph, bullets, numbers, quote = prose.blocks
    assert isinstance(quote, BlockQuote)
    assert isinstance(paragraph, Paragraph)
    kinds = [type(node) for node in paragraph.children]
    assert Emphasis in kinds and Strong in kinds and Link in kinds
    link = next(n for n in paragraph.children if isinstance(n, Link))
    assert link.href == "https://example.dk/"
    assert isinstance(bullets, BulletList) and len(bullets.items) == 2
    assert isinstance(numbers, OrderedList) and numbers.start == 3
    assert bullets.span == Span("x.yaml", 12, 5)
    assert plain_text(prose).splitlines() == [
        "A soft and strong link.",
        "one",
        "two",
        "three",
        "four",
        "quoted",
    ]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://x.dk/a", True),
        ("http://x.dk", True),
        ("mailto:a@x.dk", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("/relative", False),
        ("https:///no-host", False),
        ("mailto:", False),
    ],
)
def test_safe_urls(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_yaml_1_2_core_resolution() -> None:
    assert resolve_plain("no") == "no"  # YAML 1.1 would say False
    assert resolve_plain("1.10") == 1.1
    assert resolve_plain("0x1F") == 31
    assert resolve_plain("2007-05-29") == "2007-05-29"
    assert resolve_plain("true") is True
    assert resolve_plain("~") is None


def test_nodes_carry_one_based_positions() -> None:
    document = parse_yaml("a: 1\nb:\n  c: text\n", "f.yaml")
    root = document.root
    assert isinstance(root, YMapping)
    b = root.get("b")
    assert isinstance(b, YMapping)
    assert root.key_span("b") == Span("f.yaml", 2, 1)
    assert b.key_span("c") == Span("f.yaml", 3, 3)


def test_model_spans_point_into_the_yaml() -> None:
    read = read_policy(BASE.encode(), "p.yaml")
    assert read.policy is not None
    policy = read.policy
    principle = policy.principles.items[0]
    assert principle.span.line == BASE.splitlines().index("    - id: care") + 1
    # A `|` block's first paragraph sits on the line after the indicator, at its indent.
    text_line = BASE.splitlines().index("        We handle each record with care.") + 1
    assert principle.text.blocks[0].span == Span("p.yaml", text_line, 9)


def test_model_is_frozen() -> None:
    read = read_policy(BASE.encode(), "p.yaml")
    assert read.policy is not None
    with pytest.raises(AttributeError):
        read.policy.title = "x"  # type: ignore[misc]


def test_bom_is_accepted_and_columns_unchanged() -> None:
    plain = read_policy(BASE.encode(), "p.yaml")
    with_bom = read_policy(b"\xef\xbb\xbf" + BASE.encode(), "p.yaml")
    assert plain.policy == with_bom.policy


def test_default_size_limit_is_5_mb() -> None:
    data = BASE.encode() + b"#" * (5_000_001 - len(BASE.encode()))
    read = read_policy(data, "big.yaml")
    assert [f.rule.code for f in read.findings] == ["PK002"]
    assert read_policy(data[:5_000_000], "ok.yaml").policy is not None


def test_every_locale_has_every_label() -> None:
    from policykit.reading.locales import available_languages, locale

    languages = available_languages()
    assert {"da", "en"} <= set(languages)
    keys = set(locale("en").labels)
    for language in languages:
        assert set(locale(language).labels) == keys, language
        assert "{page}" in locale(language)["page_x_of_y"]


def test_dates_are_formatted_in_the_policy_language() -> None:
    from policykit.reading.locales import locale

    assert locale("da").date(dt.date(2007, 5, 29)) == "29. maj 2007"
    assert locale("en").date(dt.date(2007, 5, 29)) == "29 May 2007"
    assert locale("da").interval(Duration(years=2)) == "hvert 2. år"
    assert locale("da").interval(Duration(years=1)) == "hvert år"
    assert locale("da").interval(Duration(months=6)) == "hver 6. måned"
    assert locale("da").interval(Duration(years=1, months=6)) == "med et interval på 1 år 6 måneder"
    assert locale("en").interval(Duration(years=2)) == "every 2 years"
    assert locale("en").interval(Duration(weeks=1)) == "every week"


#: A policy whose terms are each used in one kind of place only, but for two.
TERMS_POLICY = """format: 2
id: terms
title: Politik om titelzebra
version: "1"
status: draft
language: da
purpose:
  text: Vi skriver om formaalsgiraf her.
definitions:
  intro: Ordene om indledningsokapi står her.
  terms:
    - term: titelzebra
      definition: Et ord fra titlen.
    - term: formaalsgiraf
      definition: Et ord fra formålet.
    - term: indledningsokapi
      definition: Et ord fra indledningen.
    - term: definitionstapir
      definition: Et ord, som kun en anden definition bruger.
    - term: brugertapir
      definition: Den, der kender en definitionstapir.
    - term: egenpingvin
      definition: En egenpingvin er et ord, som kun dets egen definition bruger.
    - term: ubrugtpanda
      definition: Et ord, som ingen bruger.
    - term: underlama
      definition: Et ord fra en underoverskrift.
    - term: gruppeundulat
      definition: Et ord fra en gruppe af mål.
    - term: indikatorkoala
      definition: Et ord fra en indikator.
goals:
  groups:
    - id: g
      title: Mål for gruppeundulat
      items:
        - id: m
          text: Vi når målet.
          indicator: Andelen af indikatorkoala.
sections:
  - id: s
    heading: Afsnit
    text: Tekst om brugertapir.
    sections:
      - id: u
        heading: Om underlama
        text: Tekst.
"""


def test_an_unused_term_is_one_no_other_text_of_the_policy_names() -> None:
    """PK307 looks for each term in every text of the policy a reader sees (title, prose,
    the definitions' intro, the other terms' definitions, subsection headings, goal groups'
    titles, indicators), read once for all the terms; its own definition does not count."""
    from policykit.checking.checks import _unused_terms

    policy = read_policy(TERMS_POLICY.encode(), "terms.yaml").policy
    assert policy is not None
    found = [finding.message.split("`")[1] for finding in _unused_terms(policy)]
    assert found == ["egenpingvin", "ubrugtpanda"]
