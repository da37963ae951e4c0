"""The tables policykit keeps in the user's cache folder (`policykit.kept`): read back as
written, and a damaged file, or one made by something else, never used."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.units import format_unit

from policykit import kept
from policykit.kept import Table, read_table
from policykit.reading import locales
from tests.test_render_pool import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "policykit"


def _table(made_by: str = "maker 1", limit: int = 100) -> Table[str]:
    return Table("test.marshal", lambda: made_by, str, limit=limit)


def _saved(values: dict[str, str], made_by: str = "maker 1") -> Path:
    table = _table(made_by)
    for key, value in values.items():
        table.put(key, value)
    table.save()
    assert table.path is not None and table.path.is_file()
    return table.path


def test_a_table_reads_back_as_written(cache: Path) -> None:
    path = _saved({"a": "one", "b": "two"})
    assert path == cache / "test.marshal"
    assert cache.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600
    again = _table()
    assert again.get("a") == "one" and again.get("b") == "two" and again.get("c") is None
    assert not again.added
    written = path.stat().st_mtime_ns
    again.save()  # nothing added: the file is not written again
    assert path.stat().st_mtime_ns == written


@pytest.mark.parametrize(
    "damage",
    ["a byte flipped", "cut short", "another header", "another maker", "too large", "a folder"],
)
def test_a_damaged_table_is_not_used_and_is_written_again(cache: Path, damage: str) -> None:
    path = _saved({"a": "one", "b": "two"})
    data = path.read_bytes()
    header, stamp, payload = data.split(b"\n", 2)
    if damage == "a byte flipped":
        path.write_bytes(data[:-3] + bytes([data[-3] ^ 1]) + data[-2:])
    elif damage == "cut short":
        path.write_bytes(data[: len(data) - 5])
    elif damage == "another header":
        path.write_bytes(b"policykit table 0\n" + stamp + b"\n" + payload)
    elif damage == "another maker":
        path.write_bytes(header + b"\n" + stamp.replace(b"maker 1", b"maker 2") + b"\n" + payload)
    elif damage == "too large":
        path.write_bytes(data + b"\0" * kept.MAX_BYTES)
    else:
        path.unlink()
        path.mkdir()
    assert read_table(path, "maker 1", str) == {}
    table = _table()
    assert table.get("a") is None
    table.put("c", "three")
    table.save()
    if damage != "a folder":  # a folder in the way is left alone, and is no error
        assert read_table(path, "maker 1", str) == {"c": "three"}


def test_a_table_made_by_something_else_is_not_used(cache: Path) -> None:
    _saved({"a": "one"}, made_by="Babel 2.18")
    assert _table("Babel 2.19").get("a") is None


def test_a_folder_that_cannot_be_written_is_no_error(cache: Path) -> None:
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("in the way")
    table = _table()
    table.put("a", "one")
    table.save()  # a table is a saving, not a need
    assert cache.read_text() == "in the way"
    assert not list(cache.parent.glob(".test.marshal.*"))


def test_past_the_limit_only_this_runs_values_are_written(cache: Path) -> None:
    path = _saved({"a": "one", "b": "two"})
    table = _table(limit=2)
    assert table.get("b") == "two"
    table.put("c", "three")
    table.save()  # three, past the limit: a, which this run did not use, is let go
    assert read_table(path, "maker 1", str) == {"b": "two", "c": "three"}


def test_kept_words_are_babels(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates and durations in words, made by Babel and then read back: the same words."""
    monkeypatch.setattr(locales, "WORDS", Table("words.marshal", locales._babel, str,
                                                limit=20_000))  # fmt: skip
    days = [dt.date(2007, 5, 29) + dt.timedelta(days=n * 37) for n in range(60)]
    for language in locales.available_languages():
        loc = locales.locale(language)
        made = [loc.date(day) for day in days]
        assert made == [format_date(day, format="long", locale=loc.babel_locale) for day in days]
        assert loc._amount("year", 2) == format_unit(
            2, "duration-year", length="long", locale=loc.babel_locale
        )
    locales.WORDS.save()
    monkeypatch.setattr(locales, "WORDS", Table("words.marshal", locales._babel, str,
                                                limit=20_000))  # fmt: skip
    for language in locales.available_languages():
        loc = locales.locale(language)
        assert [loc.date(day) for day in days] == [
            format_date(day, format="long", locale=loc.babel_locale) for day in days
        ]
    assert not locales.WORDS.added  # every one read back, none made again


def test_an_export_with_its_words_kept_loads_no_babel(tmp_path: Path) -> None:
    """The second export of the seed to HTML, in a fresh process, takes its dates' words
    from the table, and does not import Babel."""
    script = """
        import sys
        from pathlib import Path
        from policykit.cli.app import app
        try:
            app(["export", "policies/kommunikationspolitik.yaml", "--html", "-d", sys.argv[1],
                 "--force"])
        except SystemExit as done:
            assert done.code in (0, None), done.code
        print("babel" in sys.modules, "babel.dates" in sys.modules)
    """
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(tmp_path)}

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "out")],
            capture_output=True, timeout=120, cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        return done.stdout.decode().split()[-2:]

    assert run() == ["True", "True"]  # the first: Babel made the words
    assert run() == ["False", "False"]


def test_a_value_is_made_once(cache: Path) -> None:
    calls: list[str] = []

    def make() -> str:
        calls.append("made")
        return "one"

    table = _table()
    assert table.made("a", make) == "one" and table.made("a", make) == "one"
    table.save()
    assert _table().made("a", make) == "one"
    assert calls == ["made"]  # once: then from this run's table, then from the file
