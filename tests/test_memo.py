"""The validation memo (`edge.memo`): one SQLite file in the project's cache, written once
a run succeeds; a row that is damaged, or that this user did not make, is not served; a
file that is not the memo's (a link, another schema, a trigger, garbage, too large) is
neither read nor written through, and is replaced whole."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from policykit.edge import memo as memo_module
from policykit.edge.memo import DATABASE, SCHEMA
from policykit.edge.workspace import validate_paths
from tests.conftest import example_project

FILES = 3  # the example policies, drafts left out


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_project(tmp_path, monkeypatch)


def _validated(project: Path) -> int:
    """Validate the project and keep its results; how many came from the memo."""
    report = validate_paths([project / "policies"])
    assert report.errors == 0
    report.remember()
    assert report.memo is not None
    return report.memo.cached


def _database(project: Path) -> Path:
    return project / ".policykit-cache" / DATABASE


def _rows(project: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(_database(project)) as database:
        return list(database.execute("SELECT key, path FROM memo ORDER BY path"))


def test_one_file_in_one_write_and_read_back(project: Path) -> None:
    assert _validated(project) == 0
    cache = project / ".policykit-cache"
    assert sorted(p.name for p in cache.iterdir()) == [DATABASE]  # no folders, no temporary
    assert stat.S_IMODE(_database(project).stat().st_mode) == 0o600
    assert [path.rsplit("/", 1)[-1] for _, path in _rows(project)] == sorted(
        p.name for p in (project / "policies").glob("*.yaml")
    )
    assert _validated(project) == FILES


def test_only_the_newest_row_of_a_file_is_kept(project: Path) -> None:
    _validated(project)
    before = {path: key for key, path in _rows(project)}
    policy = project / "policies" / "personalepolitik.yaml"
    policy.write_text(policy.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert _validated(project) == FILES - 1
    after = {path: key for key, path in _rows(project)}
    assert after.keys() == before.keys()  # as many rows as files
    changed = [path for path in after if after[path] != before[path]]
    assert [path.rsplit("/", 1)[-1] for path in changed] == ["personalepolitik.yaml"]


def test_a_damaged_row_is_validated_again_not_served(project: Path) -> None:
    _validated(project)
    first = validate_paths([project / "policies"]).findings
    with sqlite3.connect(_database(project)) as database:
        database.execute("UPDATE memo SET body = body || x'00'")
    again = validate_paths([project / "policies"])
    assert again.memo is not None and again.memo.cached == 0
    assert again.findings == first


def test_a_memo_made_by_someone_else_is_not_served(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _validated(project)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    assert _validated(project) == 0
    assert _validated(project) == FILES  # replaced by this user's rows


def _unfit(project: Path, make: str) -> None:
    """Put a file that is not the memo's where the memo goes."""
    path = _database(project)
    path.parent.mkdir(exist_ok=True)
    if make == "garbage":
        path.write_bytes(b"SQLite format 3\0" + os.urandom(4096))
    elif make == "another schema":
        with sqlite3.connect(path) as database:
            database.execute("CREATE TABLE memo (key TEXT, path TEXT, seal BLOB, body BLOB)")
    elif make == "a trigger":
        with sqlite3.connect(path) as database:
            database.execute(SCHEMA)
            database.execute("CREATE TRIGGER wipe AFTER INSERT ON memo BEGIN DELETE FROM memo; END")
    elif make == "a view":
        with sqlite3.connect(path) as database:
            database.execute(SCHEMA.replace("TABLE memo", "TABLE kept"))
            database.execute("CREATE VIEW memo AS SELECT * FROM kept")


@pytest.mark.parametrize("make", ["garbage", "another schema", "a trigger", "a view"])
def test_a_file_not_the_memos_is_replaced_whole(project: Path, make: str) -> None:
    _unfit(project, make)
    assert _validated(project) == 0
    with sqlite3.connect(_database(project)) as database:
        found = database.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
        assert found.fetchall() == [("table", "memo", "memo", SCHEMA)]
    assert len(_rows(project)) == FILES
    assert _validated(project) == FILES


def test_a_link_is_neither_read_nor_written_through(project: Path, tmp_path: Path) -> None:
    """A memo that is a link (as a cloned repository may hold) is left unread, and the
    file it points to, outside the project, as it was."""
    elsewhere = tmp_path / "elsewhere.sqlite"
    project_first = tmp_path / "first"
    shutil.copytree(project, project_first)
    _validated(project_first)
    shutil.copy(_database(project_first), elsewhere)  # a good memo of this user's, even
    kept = elsewhere.read_bytes()
    _database(project).parent.mkdir()
    _database(project).symlink_to(elsewhere)
    assert _validated(project) == 0
    assert elsewhere.read_bytes() == kept
    assert not _database(project).is_symlink()  # a memo of its own in its place
    assert _validated(project) == FILES


def test_a_cache_folder_that_is_a_link_is_not_written(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".policykit-cache").symlink_to(elsewhere)
    assert _validated(project) == 0
    assert list(elsewhere.iterdir()) == []


def test_a_memo_too_large_is_not_read(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _validated(project)
    monkeypatch.setattr(memo_module, "MAX_BYTES", _database(project).stat().st_size - 1)
    assert _validated(project) == 0


def test_a_cache_that_cannot_be_written_is_no_error(project: Path) -> None:
    (project / ".policykit-cache").write_text("a file where the folder goes", "utf-8")
    assert _validated(project) == 0
    assert _validated(project) == 0
    assert (project / ".policykit-cache").read_text("utf-8") == "a file where the folder goes"


def test_rows_are_made_one_at_a_time_as_they_are_written(project: Path) -> None:
    """Each kept result is pickled as SQLite takes its row, not all before: an export of
    1,000 policies held 10 MB of them at once."""
    report = validate_paths([project / "policies"])
    memo = report.memo
    assert memo is not None and len(memo.pending) == FILES
    made: list[str] = []
    pending = [
        (key, path, lambda data=data, path=path: made.append(path) or data())
        for key, path, data in memo.pending
    ]
    rows = memo._rows(pending)
    next(rows)
    assert len(made) == 1
    made.clear()
    memo.pending = pending
    memo.flush()
    assert len(made) == FILES and len(_rows(project)) == FILES
