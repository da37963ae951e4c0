from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def seed_policy_bytes() -> bytes:
    return (ROOT / "policies" / "kommunikationspolitik.yaml").read_bytes()


@pytest.fixture
def pool_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each render pool the test starts, in order (the pools are real)."""
    from policykit.workflows import render_pool

    sizes: list[int] = []
    real_pool = render_pool.ProcessPoolExecutor

    def counted(max_workers: int, **options: Any) -> object:
        sizes.append(max_workers)
        return real_pool(max_workers=max_workers, **options)

    monkeypatch.setattr(render_pool, "ProcessPoolExecutor", counted)
    return sizes


def example_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example policies in a project of their own (drafts left out), with this test's
    own cache secret."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "policies", repo / "policies")
    shutil.rmtree(repo / "policies" / "drafts")
    shutil.copy(ROOT / "policykit.yaml", repo)
    return repo
