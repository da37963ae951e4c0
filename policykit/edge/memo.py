"""The validation memo: each file's validation, kept in the project's `.policykit-cache/` for
the next run, by everything it is made from (`ValidationMemo._key`).

Its entries are rows of one SQLite file (`validate.sqlite`), written in one transaction as
a run ends, and not a file each as the rendered files are (`edge.cache`): a cold `validate`
of 100 files wrote 100 entry files in 82 new folders, and on a file system slow to make
files that was 90 ms of a 0.48 s run. Rendered files are few and large; these are many and
small, and all made at once.

What holds for the rendered files holds here too:
- Each row is sealed with this user's secret (`cache.seal`): a row that does not match (a
  disk error, an edit, a memo that came with a cloned repository) is not served, and is
  made again.
- A stale row cannot be found, since its inputs' key differs. Only the newest row of a
  path is kept, so that the memo grows with the project, not with its edits.
- A run that stops on bad input writes nothing (`flush` is called only on success).

The file is opened as hostile: it is read only as a regular file (not a link) of at most
`MAX_BYTES`, in a cache folder that is not a link either, and only if its schema is
exactly the memo's (no view, trigger or index to run); SQLite is asked not to trust
anything a schema names (`trusted_schema`). A file that fails any of these, or that SQLite
finds damaged, is replaced whole at the next `flush`, never repaired.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policykit.checking.validate import SourceFile
from policykit.edge.cache import FOLDER, seal, user_secret
from policykit.edge.files import is_link
from policykit.edge.fingerprint import code_fingerprint, fingerprint
from policykit.model.project import PROJECT_FILE, Project

if TYPE_CHECKING:
    import sqlite3

#: The memo's file, in the cache folder.
DATABASE = "validate.sqlite"
#: A memo larger than this is not read (a project's memo is about 20 KB a policy).
MAX_BYTES = 256 * 1024 * 1024
#: The one table, as `sqlite_master` must hold it.
SCHEMA = (
    "CREATE TABLE memo (key TEXT PRIMARY KEY, path TEXT NOT NULL, "
    "seal BLOB NOT NULL, body BLOB NOT NULL) WITHOUT ROWID"
)
#: Each row to keep: its key, its file's path, and what makes its bytes.
_Pending = list[tuple[str, str, Callable[[], bytes]]]
#: How long a run waits for another run's writing before it leaves its rows unkept.
_BUSY_SECONDS = 2.0


@dataclass
class ValidationMemo:
    """`checking.validate.Memo` in the project's cache: a file's validation by its bytes,
    path and kind, the project's settings (`fingerprint`) and policykit's own code."""

    folder: Path
    secret: bytes
    settings: str
    #: Rows made this run, kept only when the command succeeds (`flush`).
    pending: _Pending = field(default_factory=list)
    #: How many files came from the memo.
    cached: int = 0
    _database: sqlite3.Connection | None = field(default=None, init=False, repr=False)
    _opened: bool = field(default=False, init=False, repr=False)

    @property
    def path(self) -> Path:
        return self.folder / DATABASE

    def _key(self, file: SourceFile) -> str:
        digest = hashlib.sha256(f"validate\0{code_fingerprint()}\0{self.settings}\0".encode())
        digest.update(f"{file.path}\0{file.draft}\0".encode("utf-8", "surrogatepass"))
        digest.update(hashlib.sha256(file.data).digest())
        return digest.hexdigest()

    def recall(self, file: SourceFile) -> bytes | None:
        database = self._read()
        if database is None:
            return None
        key = self._key(file)
        try:
            row = database.execute("SELECT seal, body FROM memo WHERE key = ?", (key,)).fetchone()
        except _errors():
            return None
        if row is None or not _sealed(row, key, self.secret):
            return None
        self.cached += 1
        return bytes(row[1])

    def keep(self, file: SourceFile, data: Callable[[], bytes]) -> None:
        self.pending.append((self._key(file), file.path, data))

    def flush(self) -> None:
        """Write this run's rows in one transaction. A memo that cannot be written is no
        error: the next run validates those files again."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        with contextlib.suppress(OSError, *_errors()):
            self._write(pending)

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None

    # --- the file ------------------------------------------------------------------------

    def _read(self) -> sqlite3.Connection | None:
        """The memo opened to read, once a run; None if there is none fit to read."""
        if not self._opened:
            self._opened = True
            self._database = _opened(self.path, readonly=True)
        return self._database

    def _write(self, pending: _Pending) -> None:
        self.close()
        if is_link(self.folder):
            return
        self.folder.mkdir(exist_ok=True)
        database = _opened(self.path, readonly=False)
        if database is None:  # none, or unfit: a new one, put in its place whole
            self._replace(pending)
            return
        with contextlib.closing(database), database:
            self._put(database, pending)

    def _replace(self, pending: _Pending) -> None:
        temporary = self.folder / f".{DATABASE}.{os.getpid()}.tmp"
        temporary.unlink(missing_ok=True)
        # Private, as every entry of the cache is: SQLite fills the empty file it is given.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            database = _connect(temporary, readonly=False)
            with contextlib.closing(database), database:
                database.execute(SCHEMA)
                self._put(database, pending)
            temporary.replace(self.path)
        finally:
            temporary.unlink(missing_ok=True)

    def _put(self, database: sqlite3.Connection, pending: _Pending) -> None:
        # The older rows of each path go first: only the newest validation of a file is kept.
        older = [(path, key) for key, path, _ in pending]
        database.executemany("DELETE FROM memo WHERE path = ? AND key <> ?", older)
        database.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)", self._rows(pending))

    def _rows(self, pending: _Pending) -> Iterator[tuple[str, str, bytes, bytes]]:
        """Each row pickled and sealed as SQLite takes it, not all at once: an export of
        1,000 policies held 10 MB of them (its peak went from 56 to 61 MiB)."""
        for key, path, data in pending:
            body = data()
            yield key, path, seal(self.secret, key, body), body


def validation_memo(root: Path, settings: Project) -> ValidationMemo | None:
    """The memo of the project at `root`, when it has a project file (and this user a
    secret); else None, and every file is validated afresh."""
    if not (root / PROJECT_FILE).is_file():
        return None
    secret = user_secret()
    return ValidationMemo(root / FOLDER, secret, fingerprint(settings)) if secret else None


def _sealed(row: tuple[object, object], key: str, secret: bytes) -> bool:
    import hmac

    mark, body = row
    if not isinstance(mark, bytes) or not isinstance(body, bytes):
        return False
    return hmac.compare_digest(mark, seal(secret, key, body))


def _opened(path: Path, *, readonly: bool) -> sqlite3.Connection | None:
    """The memo at `path`, if it is a regular file of at most `MAX_BYTES` with the memo's
    schema and nothing else; None otherwise (or if there is none)."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES or is_link(path.parent):
        return None
    database = None
    try:
        database = _connect(path, readonly=readonly)
        found = database.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        if found == [("table", "memo", "memo", SCHEMA)]:
            return database
    except _errors():
        pass
    if database is not None:
        database.close()
    return None


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    import sqlite3
    from urllib.parse import quote

    mode = "ro" if readonly else "rwc"
    database = sqlite3.connect(
        f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=_BUSY_SECONDS
    )
    # A schema's functions are not run; a cache is not worth a wait for the disk, and a
    # row torn by a crash is caught by its seal.
    database.execute("PRAGMA trusted_schema = OFF")
    database.execute("PRAGMA synchronous = OFF")
    return database


def _errors() -> tuple[type[Exception], ...]:
    import sqlite3

    return (sqlite3.Error,)
