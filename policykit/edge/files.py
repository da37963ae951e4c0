"""Files in and out: atomic writes, bounded reads, and paths as the user sees them.

Every file policykit writes goes through `write_atomic`, so a failed write leaves the old file
as it was and no stray file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write all of `data` to `path`, or leave `path` as it was.

    With `overwrite=False`, FileExistsError if `path` exists, even when another process
    creates it at the same moment: the file is linked into place, which never replaces.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # The temporary file is private (0600); give the export the usual permissions.
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
        if overwrite:
            Path(handle.name).replace(path)
        else:
            os.link(handle.name, path)
    finally:
        Path(handle.name).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else absolute."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def read_limited(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes: enough to tell that a file is too large without reading it."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)
