"""Files in and out: atomic writes, bounded reads, and paths as the user sees them.

Every file policykit writes goes through `write_atomic`, so a failed write leaves the old file
as it was and no stray file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from policykit.diagnostics.errors import UsageError


class WriteError(UsageError):
    """A file or folder cannot be written where the user asked."""


def prepare_folder(folder: Path) -> None:
    """Make `folder` (and the folders above it) if it is missing; WriteError if it cannot be
    made, or is a file: checked before a batch starts, so nothing is half-written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = "a file is in the way" if isinstance(error, FileExistsError) else error.strerror
        raise WriteError(
            f"cannot write to the folder {display_path(folder)}: {(reason or str(error)).lower()}",
            hint="name a folder you may write to, or leave the option out for exports/",
        ) from None


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write all of `data` to `path`, or leave `path` as it was; WriteError if it cannot be
    written there.

    With `overwrite=False`, FileExistsError if `path` exists, even when another process
    creates it at the same moment: the file is linked into place, which never replaces.
    """
    prepare_folder(path.parent)
    try:
        _write(path, data, overwrite=overwrite)
    except FileExistsError:
        if not overwrite:
            raise
        raise _cannot_write(path, "a folder is in the way") from None
    except OSError as error:
        raise _cannot_write(path, error.strerror or str(error)) from None


def _cannot_write(path: Path, reason: str) -> WriteError:
    return WriteError(
        f"cannot write {display_path(path)}: {reason.lower()}",
        hint="check that the folder is yours to write to and the disk has room",
    )


def _write(path: Path, data: bytes, *, overwrite: bool) -> None:
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


#: Up to this many `../` a path is shown relative to the working folder, as from
#: `policies/drafts/` to the project's files; further away it is shown whole.
NEARBY = 3


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it or near it, else
    absolute."""
    absolute = path.absolute()
    relative = Path(os.path.relpath(absolute, Path.cwd()))
    ups = 0
    for part in relative.parts:
        if part != "..":
            break
        ups += 1
    # Up a folder or two inside one tree (a project), not across the file system.
    shared = Path(os.path.commonpath([absolute, Path.cwd()]))
    if ups == 0 or (ups <= NEARBY and len(shared.parts) >= NEARBY):
        return relative.as_posix()
    return absolute.as_posix()


def read_limited(path: Path, limit: int) -> bytes:
    """At most `limit + 1` bytes: enough to tell that a file is too large without reading it."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)
