"""Golden-file comparison: compare output with a file, or rewrite it with --update-goldens."""

from __future__ import annotations

from pathlib import Path


def check_golden(actual: str, golden: Path, update: bool) -> None:
    if update or not golden.exists():
        golden.write_text(actual, encoding="utf-8")
        if not update:
            raise AssertionError(f"{golden} did not exist; written. Review it and rerun.")
        return
    expected = golden.read_text(encoding="utf-8")
    assert actual == expected, (
        f"output differs from {golden}; rerun with --update-goldens to accept"
    )
