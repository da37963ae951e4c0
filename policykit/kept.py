"""What policykit keeps between runs outside any project, in this user's cache folder:
the cache's secret, Jinja's compiled templates, and two tables (`Table`) of what every run
would otherwise make again the same way: the methods of policykit's dataclasses
(`policykit.methods`) and the words of dates (`reading.locales`).

The tables are written with `marshal`, as Python writes bytecode to `__pycache__`, and are
trusted as far as that is: the folder is this user's own (0700), and a file in it is read
only with its checksum whole and its maker's name (`Table`).

A module of the package itself, under every layer, since `policykit/__init__.py` and the
reading layer use it as well as the cache and the templates; it imports nothing of theirs.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

#: A larger table file is not read: none comes near it.
MAX_BYTES = 8 * 1024 * 1024
_HEADER = b"policykit table 1\n"

T = TypeVar("T")


def user_cache_folder() -> Path:
    """`$XDG_CACHE_HOME/policykit`, else `~/.cache/policykit`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policykit"


class Table(Generic[T]):
    """A table of values by their text key, kept in one file of the user's cache folder:
    read as it is first asked, and written at exit if a value was added.

    Every value depends on the key and on what `made_by` names (such as Python's version);
    the file holds its checksum and that name, and is read only if both hold: a file that
    is damaged, or was made by something else, is ignored and written again. Past `limit`
    values (the program changed, run after run), only those this run used are written.
    Values are what `marshal` writes: strings, numbers, code."""

    def __init__(self, name: str, made_by: Callable[[], str], kind: type[T], *, limit: int):
        self.name, self.made_by, self.kind, self.limit = name, made_by, kind, limit
        self.path: Path | None = None
        self.stamp = ""
        self._values: dict[str, T] | None = None
        #: The keys this run asked for or added.
        self.used: set[str] = set()
        self.added = False
        self._saved_at_exit = False

    def get(self, key: str) -> T | None:
        """The value kept for `key`, or None."""
        value = self.values().get(key)
        if value is not None:
            self.used.add(key)
        return value

    def made(self, key: str, make: Callable[[], T]) -> T:
        """The value kept for `key`; else the one `make` gives, kept."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def put(self, key: str, value: T) -> None:
        """Keep `value` for `key`: written at exit."""
        if not self._saved_at_exit:
            atexit.register(self.save)
            self._saved_at_exit = True
        self.values()[key] = value
        self.used.add(key)
        self.added = True

    def values(self) -> dict[str, T]:
        """Every value: those read from the file, and those this run added."""
        if self._values is None:
            self.path = user_cache_folder() / self.name
            self.stamp = self.made_by()
            self._values = read_table(self.path, self.stamp, self.kind)
        return self._values

    def save(self) -> None:
        """Write the table if a value was added: atomically, so that a process reading the
        file meanwhile sees the old one or this one whole. A cache folder that cannot be
        written leaves the file as it was."""
        if not self.added or self._values is None or self.path is None:
            return
        values = self._values
        if len(values) > self.limit:
            values = {key: values[key] for key in self.used}
        payload = marshal.dumps(values)
        with contextlib.suppress(OSError):
            _replace(self.path, _HEADER + _stamp(payload, self.stamp) + b"\n" + payload)
        self.added = False


def _replace(path: Path, data: bytes) -> None:
    """`path` replaced by `data` whole, through a private file beside it (at exit, where
    `tempfile`'s import costs no one a wait)."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # as the cache's secret's
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as out:
        temporary = Path(out.name)
        try:
            out.write(data)
            out.close()
            temporary.replace(path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _stamp(payload: bytes, made_by: str) -> bytes:
    return f"{zlib.crc32(payload)} {made_by}".encode()


def read_table(path: Path, made_by: str, kind: type[T]) -> dict[str, T]:
    """The table kept at `path` by `made_by`; empty if the file is missing, too large,
    damaged, or made by something else."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return {}
    header, _, rest = data.partition(b"\n")
    stamp, _, payload = rest.partition(b"\n")
    if len(data) > MAX_BYTES or header + b"\n" != _HEADER or stamp != _stamp(payload, made_by):
        return {}
    try:
        values = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, kind)}
