"""Benchmark: diff two versions of a large generated policy (issue 4).

500 principles and 5,000 goal items (50 groups of 100); the new version changes 10% of
them: rewords, removals, additions and moves. Times reading both files, the comparison,
and every output but PDF. Run with `make bench`; the figures go in docs/performance.md.
"""

from __future__ import annotations

import io
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from policykit.cli.diagnostics import make_console
from policykit.cli.diffreport import changes_to_json, render_changes
from policykit.workflows.comparison import Comparison, compare_versions, redline
from policykit.writing.layout import ExportOptions
from policykit.writing.registry import writer

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
#: The vocabulary of the generated text: every word of the seed policy, so that sentences
#: differ as much as a real policy's do.
WORDS = sorted(
    set(
        re.findall(
            r"[a-zæøå]{2,}",
            (ROOT / "policies" / "kommunikationspolitik.yaml").read_text("utf-8").lower(),
        )
    )
)
GROUPS, ITEMS, PRINCIPLES = 50, 100, 500


def sentence(rng: random.Random, n: int = 14) -> str:
    return "at " + " ".join(rng.choice(WORDS) for _ in range(n))


def policy_yaml(groups: list[list[str]], principles: list[tuple[str, str]], version: str) -> str:
    lines = [
        "format: 1",
        "id: benchmark",
        "title: Benchmark Policy",
        "language: da",
        f'version: "{version}"',
        "status: adopted",
        "adoptions:",
        "  - date: 2020-01-15",
        "    body: Byrådet",
        "purpose:",
        "  text: |",
        "    Denne politik er genereret til en benchmark.",
        "goals:",
        "  groups:",
    ]
    for g, items in enumerate(groups):
        lines += [f"    - id: g{g}", f"      title: Gruppe {g}", "      items:"]
        lines += [f"        - {item}" for item in items]
    lines += [
        "definitions:",
        "  terms:",
        "    - term: borgeren",
        "      definition: Den, der bor i kommunen.",
        "principles:",
        "  items:",
    ]
    for pid, text in principles:
        lines += [
            f"    - id: {pid}",
            f"      title: Princip {pid}",
            "      text: |",
            f"        {text}",
        ]
    lines += [
        "evaluation:",
        "  rule: |",
        "    Politikken evalueres hvert andet år.",
        "  interval: P2Y",
    ]
    return "\n".join(lines) + "\n"


def versions() -> tuple[str, str]:
    rng = random.Random(4)
    groups = [[sentence(rng) for _ in range(ITEMS)] for _ in range(GROUPS)]
    principles = [(f"p{n}", sentence(rng, 40)) for n in range(PRINCIPLES)]
    old = policy_yaml(groups, principles, "1.0")
    new_groups = [list(items) for items in groups]
    for items in new_groups:  # 10% of the goal items: 6 reworded, 2 removed, 2 added
        for index in rng.sample(range(len(items)), 6):
            words = items[index].split()
            words[rng.randrange(1, len(words))] = rng.choice(WORDS)
            items[index] = " ".join(words) + " og mere"
        for index in sorted(rng.sample(range(len(items)), 2), reverse=True):
            del items[index]
        for _ in range(2):
            items.insert(rng.randrange(len(items)), sentence(rng))
    new_principles = list(principles)
    for index in rng.sample(range(PRINCIPLES), 30):  # 10%: 30 reworded, 10 moved, 10 added
        pid, text = new_principles[index]
        new_principles[index] = (pid, text.replace(" ", " nye ", 1))
    for _ in range(10):
        moved = new_principles.pop(rng.randrange(PRINCIPLES))
        new_principles.insert(rng.randrange(PRINCIPLES), moved)
    new_principles += [(f"ny{n}", sentence(rng, 40)) for n in range(10)]
    return old, policy_yaml(new_groups, new_principles, "2.0")


def timed(label: str, work: Callable[[], T], results: dict[str, float]) -> T:
    start = time.perf_counter()
    value = work()
    results[label] = time.perf_counter() - start
    return value


def main() -> int:
    old_text, new_text = versions()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        old_path, new_path = Path(folder, "old.yaml"), Path(folder, "new.yaml")
        old_path.write_text(old_text, "utf-8")
        new_path.write_text(new_text, "utf-8")
        comparison: Comparison = timed(
            "read, validate and compare",
            lambda: compare_versions(str(old_path), str(new_path)),
            results,
        )
    changes = comparison.changes
    console = make_console(file=io.StringIO(), width=100, no_color=True)
    timed("terminal", lambda: render_changes(changes, "old", "new", console), results)
    timed("json", lambda: changes_to_json(changes, "old", "new"), results)
    options = ExportOptions()
    for fmt in (writer("html"), writer("docx")):
        timed(f"redline {fmt.name}", lambda fmt=fmt: redline(comparison, fmt, options), results)
    total = sum(results.values())
    print(
        f"{len(changes.changes)} changes between two policies of {PRINCIPLES} principles "
        f"and {GROUPS * ITEMS} goal items"
    )
    for label, seconds in results.items():
        print(f"  {label:<28} {seconds:6.3f} s")
    print(f"  {'total':<28} {total:6.3f} s")
    unmatched()
    long_paragraph()
    return 0


def unmatched() -> None:
    """Issue 13: a list of goals replaced by as many others, none alike by id or text (the
    hostile case that grew with the square). The time should about double with the list."""
    print("goals replaced by as many unmatched ones")
    for count in (500, 1000, 2000):
        rng = random.Random(count)
        with tempfile.TemporaryDirectory() as folder:
            old_path, new_path = Path(folder, "a.yaml"), Path(folder, "b.yaml")
            old_path.write_text(goal_list(rng, count, 1), "utf-8")
            new_path.write_text(goal_list(rng, count, 2), "utf-8")
            start = time.perf_counter()
            compare_versions(str(old_path), str(new_path))
            print(f"  {count:>5} goals{'':<17} {time.perf_counter() - start:6.3f} s")


def long_paragraph() -> None:
    """Issue 13: one paragraph of 20,000 words (the tester's 93 KB file took more than 120 s)
    with three words edited: of ordinary text, whose rare words anchor the match, and of the
    seed's few hundred words repeated, which has nothing to anchor on."""
    print("one paragraph of 20,000 words, three words edited")
    rng = random.Random(20_000)
    ordinary = [f"ord{n}" for n in range(6000)]
    zipf = [1 / (n + 1) for n in range(6000)]
    cases = {
        "ordinary words": rng.choices(ordinary, zipf, k=20_000),
        "the seed's words, repeated": [WORDS[n % len(WORDS)] for n in range(20_000)],
    }
    for label, words in cases.items():
        edited = [*words[:5000], "aldrig", *words[5001:17000], "ikke", *words[17000:]]
        head = "format: 2\nid: x\ntitle: T\nversion: '1'\nstatus: draft\nlanguage: da\n"
        with tempfile.TemporaryDirectory() as folder:
            old_path, new_path = Path(folder, "a.yaml"), Path(folder, "b.yaml")
            old_path.write_text(f"{head}purpose:\n  text: {' '.join(words)}\n", "utf-8")
            new_path.write_text(f"{head}purpose:\n  text: {' '.join(edited)}\n", "utf-8")
            start = time.perf_counter()
            comparison = compare_versions(str(old_path), str(new_path))
            for fmt in (writer("html"), writer("docx")):
                redline(comparison, fmt, ExportOptions())
            shortcuts = ", ".join(r.shortcut for r in comparison.changes.shortcuts) or "none"
            seconds = time.perf_counter() - start
            print(f"  {label:<28} {seconds:6.3f} s  (diff and redlines; shortcuts: {shortcuts})")


def goal_list(rng: random.Random, count: int, seed: int) -> str:
    # One group with one id on both sides, so that the goals themselves are paired.
    items = "".join(f"        - {sentence(rng)} {seed}{n}.\n" for n in range(count))
    return (
        "format: 2\nid: x\ntitle: T\nversion: '1'\nstatus: draft\nlanguage: da\n"
        f"goals:\n  groups:\n    - id: g\n      title: Mål\n      items:\n{items}"
    )


if __name__ == "__main__":
    sys.exit(main())
