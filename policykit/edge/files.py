"""Files in and out: atomic writes, bounded reads, and paths as the user sees them.

Every file policykit writes goes through `write_atomic` (or, for a cache's entries,
`write_entry`), so a failed write leaves the old file as it was and no stray file behind.
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from pathlib import Path

from policykit.diagnostics.errors import UsageError
from policykit.diagnostics.visible import visible


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


def write_entry(path: Path, data: bytes) -> None:
    """Write all of `data` to `path`, or leave `path` as it was, without waiting for the
    disk (no fsync): for a cache's entries, which a crash may lose but never tears. The
    folder is made only when it is missing: a cold `validate` of 100 files writes 100
    entries, and a `mkdir` for each took more than the writing. OSError as it comes."""
    try:
        temporary, descriptor = _temporary(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, descriptor = _temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write(path: Path, data: bytes, *, overwrite: bool) -> None:
    temporary, descriptor = _temporary(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # The temporary file is private (0600); give the export the usual permissions.
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
        if overwrite:
            temporary.replace(path)
        else:
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


#: Numbers this process's temporary files apart (a batch's threads write files too).
_TEMPORARY = itertools.count()


def _temporary(path: Path) -> tuple[Path, int]:
    """A new private file (0600) beside `path`, named for this process alone, and its
    descriptor: named here, not by `tempfile`, which took longer than a cache entry's
    writing."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{next(_TEMPORARY)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return temporary, os.open(temporary, flags, 0o600)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Up to this many `../` a path is shown relative to the working folder, as from
#: `policies/drafts/` to the project's files; further away it is shown whole.
NEARBY = 3


def display_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it or near it, else
    absolute; any control character in it spelled out (`diagnostics.visible`)."""
    absolute = path.absolute()
    relative = Path(os.path.relpath(absolute, Path.cwd()))
    ups = 0
    for part in relative.parts:
        if part != "..":
            break
        ups += 1
    # Up a folder or two inside one tree (a project), not across the file system.
    shared = Path(os.path.commonpath([absolute, Path.cwd()]))
    shown = relative if ups == 0 or (ups <= NEARBY and len(shared.parts) >= NEARBY) else absolute
    # A file name may hold an escape sequence: shown, it must not act on the terminal.
    return visible(shown.as_posix())


class UnsafeInputError(OSError):
    """An input policykit will not read: one whose real path leaves the folder it must stay
    in (a symlink to /etc/passwd in policies/), or that is no regular file (a FIFO, which
    would hang the read, or a device). An OSError, so that every reader reports it as a
    file it cannot read, with `strerror` saying why."""

    def __init__(self, reason: str, hint: str) -> None:
        super().__init__(errno.EPERM, reason)
        self.hint = hint


#: Reads go in pieces of this size, so that a large limit asks for no memory up front.
_CHUNK = 1 << 20


def confined(path: Path, within: Path) -> Path:
    """`path` if its real path (every symlink followed) lies inside `within`'s; else
    UnsafeInputError."""
    base = within.resolve()
    real = path.resolve()
    if not real.is_relative_to(base):
        raise UnsafeInputError(
            f"it leads to {real}, outside {base}",
            "policykit reads only files inside the repository (or the template folder); "
            "copy the file in instead of linking to it",
        )
    return real


def is_link(path: Path) -> bool:
    """Whether `path` is a symbolic link (False if it is not there at all)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def read_limited(
    path: Path, limit: int, within: Path | None = None, *, links: bool = True
) -> bytes:
    """At most `limit + 1` bytes of a regular file: enough to tell that it is too large
    without reading it all. With `within`, the file's real path must lie inside it; with
    `links=False`, the file must not be a link at all (OSError if it is)."""
    real = confined(path, within) if within is not None else path
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(real, flags if links else flags | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnsafeInputError(
                "it is not a regular file (a pipe, a device or a socket)",
                "name a file; policykit reads no pipes or devices",
            )
        # As many bytes as the file says it holds, and one more to find its end, in one
        # read: a read makes a buffer of the size asked, and asking for 1 MiB for each of
        # 100 small files took 7.2 ms, this 4.7. A file that grew meanwhile is read on.
        pieces, size, asked = [], 0, min(status.st_size + 1, limit + 1)
        while size <= limit:
            piece = handle.read(asked)
            pieces.append(piece)
            size += len(piece)
            if len(piece) < asked:  # a buffered read of a file comes short only at its end
                break
            asked = min(_CHUNK, limit + 1 - size)
        return b"".join(pieces)
