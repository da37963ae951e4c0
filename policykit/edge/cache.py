"""The export cache: each rendered file kept in the project's `.policykit-cache/`, under a
key made from everything it is made from, so that an export of what has not changed is
copied, not rendered again (as make, Quarto's freeze and Sphinx do).

An entry is the file's bytes after a header that holds their SHA-256: an entry that does
not match its digest (a torn write, a disk error, an edit) is removed and rendered again,
never served. A stale entry cannot be found at all, since its inputs' key differs. Entries
are written atomically, so two exports at once can only both write the same bytes.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

#: The cache folder, in the project's root (the `.gitignore` that `init` writes leaves it out).
FOLDER = ".policykit-cache"
_MAGIC = b"policykit-cache 1\n"
_DIGEST = 32


@dataclass
class RenderCache:
    """Rendered files by key, in `root`/.policykit-cache; `enabled=False` keeps nothing."""

    root: Path | None
    #: Counts for the summary line.
    rendered: int = 0
    cached: int = 0
    #: Entries found damaged, and removed.
    damaged: list[str] = field(default_factory=list)

    @property
    def folder(self) -> Path | None:
        return self.root / FOLDER if self.root is not None else None

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / key if self.folder is not None else None

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
        digest = entry[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        if not entry.startswith(_MAGIC) or hashlib.sha256(body).digest() != digest:
            self.damaged.append(key)
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
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
                dir=path.parent, prefix=".", suffix=".tmp", delete=False
            )
            with handle:
                handle.write(_MAGIC + hashlib.sha256(data).digest() + data)
            Path(handle.name).replace(path)
        except OSError:
            return
