"""The bounded sequence matcher (`comparing.bounds.opcodes`): difflib's answer within its
bound, and beyond it opcodes that still rebuild both sequences, whatever the input."""

from __future__ import annotations

import difflib
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykit.comparing import bounds
from policykit.comparing.bounds import Shortcut, opcodes, recording

SEQUENCES = st.lists(st.sampled_from("abcdefg"), max_size=40)


def assert_rebuilds(a: list[str], b: list[str], codes: list[bounds.Opcode]) -> None:
    """The opcodes cover both sequences in order, and each says truly what it does."""
    i = j = 0
    for tag, i1, i2, j1, j2 in codes:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2] and i2 > i1
        elif tag == "delete":
            assert i2 > i1 and j2 == j1
        elif tag == "insert":
            assert j2 > j1 and i2 == i1
        else:
            assert tag == "replace" and i2 > i1 and j2 > j1
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    tags = [code[0] for code in codes]
    # As difflib gives them: a change and a shared stretch in turn, never two of either.
    assert all((x == "equal") != (y == "equal") for x, y in itertools.pairwise(tags))


@settings(max_examples=300, deadline=None)
@given(SEQUENCES, SEQUENCES)
def test_within_the_bound_it_is_difflib(a: list[str], b: list[str]) -> None:
    expected = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    assert opcodes(a, b) == expected


@settings(max_examples=500, deadline=None)
@given(SEQUENCES, SEQUENCES, st.integers(0, 60))
def test_beyond_the_bound_it_still_rebuilds_both(a: list[str], b: list[str], bound: int) -> None:
    original = bounds.MAX_COMPARED
    bounds.MAX_COMPARED = bound  # every stretch past `bound` pairs takes the anchored path
    try:
        with recording():
            assert_rebuilds(a, b, opcodes(a, b))
    finally:
        bounds.MAX_COMPARED = original


def test_anchors_find_an_edit_in_a_long_sequence() -> None:
    a = [f"w{n}" for n in range(5000)]
    b = [*a[:1000], "new", *a[1001:4000], *a[4002:]]
    with recording() as reached:
        codes = [c for c in opcodes(a, b) if c[0] != "equal"]
    assert codes == [("replace", 1000, 1001, 1000, 1001), ("delete", 4000, 4002, 4000, 4000)]
    assert not reached


def test_a_long_stretch_with_nothing_unique_is_replaced_whole_and_recorded() -> None:
    a, b = ["a", "b"] * 3000, ["b", "a"] * 3000
    with recording() as reached:
        codes = opcodes(a, b)
    assert_rebuilds(a, b, codes)
    assert reached == {Shortcut.WHOLE}


def test_recordings_nest_and_pass_what_they_saw_outward() -> None:
    with recording() as outer:
        with recording() as inner:
            bounds.reach(Shortcut.NEAR)
        assert inner == {Shortcut.NEAR}
    assert outer == {Shortcut.NEAR}
    bounds.reach(Shortcut.ACROSS)  # outside any recording: nothing to record, no error


@pytest.mark.parametrize("size", [10_000])
def test_repetition_never_nests_past_the_stack(size: int) -> None:
    """Every stretch anchors on one element and leaves another with one of its own: the
    work is a loop over a stack, not recursion Python would refuse."""
    a = [f"u{n}" for n in range(size)]
    b = a[::-1]
    assert_rebuilds(a, b, opcodes(a, b))
