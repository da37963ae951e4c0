"""The cache of export: each rendered file kept in the project's `.policykit-cache/` under a
key made from everything it is made from, so that what has not changed is copied, not made
again (as make, Quarto's freeze and Sphinx do). Each file's validation is kept in the same
folder, sealed the same way (`edge.memo`).

An entry is its bytes after an HMAC-SHA256 of its key and bytes, made with a secret of this
user's (`~/.cache/policykit/cache-key`, 0600). An entry that does not match (a torn write, a
disk error, an edit, or one that came with a repository, made by someone else) is removed
and made again, never served: a cache in a cloned repository cannot plant a file in an
export. A stale entry cannot be found at all, since its inputs'
key differs. Entries are written atomically, so two runs at once can only both write the
same bytes.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from policykit.edge.files import write_entry
from policykit.kept import user_cache_folder

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


def seal(secret: bytes, key: str, body: bytes) -> bytes:
    """An entry's seal: the HMAC-SHA256 of its key and bytes with this user's secret."""
    return hmac.new(secret, key.encode("ascii") + b"\0" + body, "sha256").digest()


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

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, if there are any and they are whole."""
        path = self._path(key)
        if path is None or self.secret is None:
            return None
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        body = entry[len(_MAGIC) + _DIGEST :]
        mark = entry[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        if not entry.startswith(_MAGIC) or not hmac.compare_digest(
            mark, seal(self.secret, key, body)
        ):
            path.unlink(missing_ok=True)
            return None
        self.cached += 1
        return body

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under `key`. A cache that cannot be written is no error: the export
        has its files, and the next one renders again."""
        self.rendered += 1
        path = self._path(key)
        if path is None or self.secret is None:
            return
        try:
            write_entry(path, _MAGIC + seal(self.secret, key, data) + data)
        except OSError:
            return
