"""Golden files for every output: one folder per case in tests/data/outputs, its settings in
`case.yaml` and each output it makes beside it.

`pytest --update-goldens` rewrites them all; review the diff before committing. Outputs are
normalised first (no inline stylesheet, pretty-printed Word XML) and hold no clock or random
ids, so a golden changes only when what a reader sees changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.golden import check_golden
from tests.outputs import OUTPUTS, Case, makes

CASES = sorted(p for p in (DATA / "outputs").iterdir() if (p / "case.yaml").is_file())
PARAMS = [
    pytest.param(folder, name, id=f"{folder.name}/{name}")
    for folder in CASES
    for name in OUTPUTS
    if makes(Case.load(folder), name)
]


@pytest.mark.parametrize(("folder", "name"), PARAMS)
def test_golden(folder: Path, name: str, update_goldens: bool) -> None:
    make, _ = OUTPUTS[name]
    check_golden(make(Case.load(folder)), folder / name, update_goldens)


def test_no_stray_goldens() -> None:
    """Every file in a case folder is its settings or a golden the case makes."""
    expected = {(folder, name) for folder, name, *_ in (p.values for p in PARAMS)}
    for folder in CASES:
        for path in folder.iterdir():
            if path.name != "case.yaml":
                assert (folder, path.name) in expected, f"{path}: no output makes this file"


def test_every_output_has_a_golden() -> None:
    made = {name for _, name, *_ in (p.values for p in PARAMS)}
    assert made == set(OUTPUTS)
    assert len(CASES) >= 6
