"""The caches of export and validate: each rendered file, and each file's validation, kept
in the project's `.policykit-cache/` under a key made from everything it is made from, so
that what has not changed is copied, not made again (as make, Quarto's freeze and Sphinx do).

An entry is its bytes after an HMAC-SHA256 of its key and bytes, made with a secret of this
user's (`~/.cache/policykit/cache-key`, 0600). An entry that does not match (a torn write, a
disk error, an edit, or one that came with a repository, made by someone else) is removed
and made again, never served: a cache in a cloned repository cannot plant a file in an
export, nor data in a validation. A stale entry cannot be found at all, since its inputs'
key differs. Entries are written atomically, so two runs at once can only both write the
same bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from policykit.checking.validate import SourceFile
from policykit.edge.files import write_entry
from policykit.edge.fingerprint import code_fingerprint, fingerprint
from policykit.kept import user_cache_folder
from policykit.model.project import PROJECT_FILE, Project

#: The cache folder, in the project's root (the `.gitignore` that `init` writes leaves it out).
FOLDER = ".policykit-cache"
_MAGIC = b"policykit-cache 2\n"
_DIGEST = 32


def user_secret() -> bytes | None:
    """This user's cache secret, made on first use; None where it cannot be kept (no
    writable home), and then nothing is cached."""
    path = user_cache_folder() / "cache-key"
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    import secrets

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(_DIGEST))
    except FileExistsError:
        pass  # another run made it first
    except OSError:
        return None
    try:
        return _read_secret(path)
    except OSError:
        return None


def _read_secret(path: Path) -> bytes | None:
    secret = path.read_bytes()
    return secret if len(secret) == _DIGEST else None


@dataclass
class RenderCache:
    """Rendered files by key, in `root`/.policykit-cache; `enabled=False` keeps nothing."""

    root: Path | None
    #: This user's secret, which signs each entry (`user_secret`).
    secret: bytes | None = None
    #: Counts for the summary line.
    rendered: int = 0
    cached: int = 0

    def _path(self, key: str) -> Path | None:
        if self.root is None or self.secret is None:
            return None
        return self.root / FOLDER / key[:2] / key

    def _seal(self, key: str, body: bytes) -> bytes:
        assert self.secret is not None
        return hmac.new(self.secret, key.encode("ascii") + b"\0" + body, "sha256").digest()

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, if there are any and they are whole."""
        path = self._path(key)
        if path is None:
            return None
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        body = entry[len(_MAGIC) + _DIGEST :]
        seal = entry[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        if not entry.startswith(_MAGIC) or not hmac.compare_digest(seal, self._seal(key, body)):
            path.unlink(missing_ok=True)
            return None
        self.cached += 1
        return body

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`. A cache that cannot be written is no error: the export
        has its files, and the next one renders again."""
        self.rendered += 1
        path = self._path(key)
        if path is None:
            return
        try:
            write_entry(path, _MAGIC + self._seal(key, data) + data)
        except OSError:
            return


@dataclass
class ValidationMemo:
    """`checking.validate.Memo` in the cache: a file's validation by its bytes, path and
    kind, the project's settings (`fingerprint`) and policykit's own code."""

    cache: RenderCache
    settings: str
    #: Entries made this run, kept only when the command succeeds (`flush`): a run that
    #: stops on bad input changes no file, its cache included.
    pending: list[tuple[str, Callable[[], bytes]]] = field(default_factory=list)

    def _key(self, file: SourceFile) -> str:
        digest = hashlib.sha256(f"validate\0{code_fingerprint()}\0{self.settings}\0".encode())
        digest.update(f"{file.path}\0{file.draft}\0".encode("utf-8", "surrogatepass"))
        digest.update(hashlib.sha256(file.data).digest())
        return digest.hexdigest()

    def recall(self, file: SourceFile) -> bytes | None:
        return self.cache.get(self._key(file))

    def keep(self, file: SourceFile, data: Callable[[], bytes]) -> None:
        self.pending.append((self._key(file), data))

    def flush(self) -> None:
        for key, data in self.pending:
            self.cache.put(key, data())
        self.pending.clear()


def validation_memo(root: Path, settings: Project) -> ValidationMemo | None:
    """The memo of the project at `root`, when it has a project file (and this user a
    secret); else None, and every file is validated afresh."""
    if not (root / PROJECT_FILE).is_file():
        return None
    secret = user_secret()
    return ValidationMemo(RenderCache(root, secret), fingerprint(settings)) if secret else None
