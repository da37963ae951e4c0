"""The seed, Ikast-Brande Kommune's communication policy, transcribed faithfully.

The seed page is kept in tests/data/seed as scraped, website chrome included; these tests
cut the policy out of it and check the YAML transcription against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from policykit.checking.validate import SourceFile, validate
from policykit.model.outline import outline
from policykit.model.policy import OrderedList, Policy
from policykit.reading.prose import plain_text
from policykit.reading.reader import read_policy, read_project
from tests.conftest import DATA, ROOT

SEED = (DATA / "seed" / "ikast-brande-kommunikationspolitik.txt").read_text("utf-8")
CHROME = (
    "Find en af kommunens andre hjemmesider",
    "Chat med Borgerservice",
    "Gå ind på den valgte",
)


def seed_policy_text() -> str:
    """The policy body: from section 1's heading (after the page's table of contents) to the
    contact block that follows section 7."""
    start = SEED.index("Kommunikationspolitikkens formål\n\nKommunikationspolitikken beskriver")
    end = SEED.index("Ikast-Brande Kommune\nRådhusstrædet 6")
    return SEED[start:end]


def seed_units() -> list[str]:
    """Every sentence, bullet and heading of the policy, whitespace-normalised."""
    units = []
    for line in seed_policy_text().splitlines():
        line = re.sub(r"^\s*(?:•|\d+\.)\s*", "", line).strip()
        # A sentence ends at . ! or ? followed by a space and a capital letter.
        units.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])", line) if s.strip())
    return units


def reading_order(policy: Policy) -> Iterator[str]:
    """The policy's visible text in document order."""
    yield policy.title
    yield policy.purpose.heading or ""
    yield plain_text(policy.purpose.text)
    yield policy.goals.heading or ""
    yield plain_text(policy.goals.intro) if policy.goals.intro else ""
    for group in policy.goals.groups:
        yield group.title
        yield from (plain_text(item.text) for item in group.items)
    yield policy.definitions.heading or ""
    for term in policy.definitions.terms:
        yield plain_text(term.text)
    for principle in policy.principles.items:
        yield principle.title
        yield plain_text(principle.text)
    yield policy.evaluation.heading or ""
    yield plain_text(policy.evaluation.rule)


@pytest.fixture(scope="module")
def seed() -> Policy:
    path = ROOT / "policies" / "kommunikationspolitik.yaml"
    read = read_policy(path.read_bytes(), "policies/kommunikationspolitik.yaml")
    assert read.policy is not None, read.findings
    return read.policy


def test_the_seed_yields_its_sentences_and_headings() -> None:
    units = seed_units()
    assert len(units) > 50
    assert "Vi inddrager vores samarbejdsparter i markedsføringsindsatsen." in units


def test_every_sentence_of_the_seed_is_transcribed_in_reading_order(seed: Policy) -> None:
    text = " ".join(" ".join(reading_order(seed)).split())
    position = 0
    for unit in seed_units():
        # Goal-group titles drop the lead-in colon of "Mål med kommunikation:".
        wanted = unit.removesuffix(":") if unit.startswith("Mål ") else unit
        found = text.find(wanted, position)
        assert found >= 0, f"missing or out of order: {unit!r}"
        position = found + len(wanted)


def test_website_chrome_is_left_out() -> None:
    yaml_text = (ROOT / "policies" / "kommunikationspolitik.yaml").read_text("utf-8")
    for chrome in CHROME:
        assert chrome in SEED
        assert chrome not in yaml_text


def test_seven_sections_in_order_under_their_original_headings(seed: Policy) -> None:
    # The page opens with a table of contents of the seven sections.
    toc = re.findall(r"^ \d\. (.+)$", SEED, flags=re.MULTILINE)[:7]
    assert toc[-1].startswith("Vi måler")
    headings = [section.heading for section in outline(seed)]
    assert headings == toc


def test_two_goal_groups(seed: Policy) -> None:
    groups = seed.goals.groups
    assert [g.title for g in groups] == ["Mål med kommunikation", "Mål for markedsføring"]
    assert [len(g.items) for g in groups] == [5, 5]


def test_dialog_checklist_is_a_numbered_list_from_1_to_6(seed: Policy) -> None:
    dialog = next(p for p in seed.principles.items if p.id == "dialog")
    lists = [b for b in dialog.text.blocks if isinstance(b, OrderedList)]
    assert len(lists) == 1
    assert lists[0].start == 1
    assert len(lists[0].items) == 6
    assert plain_text(dialog.text).splitlines()[2] == "hvad skal kommunikeres - budskabet"


def test_adoption_by_byraadet_on_29_may_2007(seed: Policy) -> None:
    assert seed.status.value == "adopted"
    assert [(a.date.isoformat(), a.body) for a in seed.adoptions] == [("2007-05-29", "Byrådet")]


def test_related_documents_vision_2012_and_med_aftale(seed: Policy) -> None:
    titles = [doc.title for doc in seed.related]
    assert "Vision 2012 for Ikast-Brande Kommune" in titles
    assert any("MED-aftale" in title for title in titles)


def test_evaluation_every_electoral_period(seed: Policy) -> None:
    assert str(seed.evaluation.interval) == "electoral-period"
    assert "politiskvalgperiode" in plain_text(seed.evaluation.rule)


def test_project_file_holds_the_address_and_phone() -> None:
    read = read_project((ROOT / "policykit.yaml").read_bytes(), "policykit.yaml")
    assert read.findings == []
    org = read.project.organisation
    assert org is not None
    assert org.name == "Ikast-Brande Kommune"
    assert "Rådhusstrædet 6" in org.address
    assert "7430 Ikast" in org.address
    assert org.phone == "9960 4000"
    assert re.search(r"Tlf:\s9960 4000", SEED)  # the page has a no-break space after "Tlf:"


def test_example_policies_validate_without_errors() -> None:
    files = [
        SourceFile(f"policies/{p.name}", p.read_bytes()) for p in (ROOT / "policies").glob("*.yaml")
    ]
    report = validate(files)
    assert report.errors == 0, report.findings
    languages = {policy.language for policy in report.policies}
    assert languages == {"da", "en"}
