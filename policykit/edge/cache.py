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

The cache keeps one entry for each file an export writes (its slot: the file's name, and
the PDF variant), not one for each version of it: as a file is rendered anew, the entry
its slot had is removed (`_settle`). A register exported after every small edit would
otherwise keep every PDF it ever made. An entry served from the cache is its slot's
already: an older one is removed as a newer is made, so none is found again. An export of
the whole project (`prune`) also forgets the files it no longer makes, a removed or renamed
policy's, and any entry no slot names (one made before slots were, or left by a crash).

Its entries are read as hostile: only a regular file, not a link, of at most `MAX_BYTES`,
in a cache folder that is not a link; anything else there (a link to /dev/zero, a folder,
a pipe) is as a damaged entry, removed and made again. A folder of entries, or of slots,
that is a link is removed, never followed (`_own_folder`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from policykit.edge.files import is_link, read_limited, write_entry
from policykit.kept import user_cache_folder

#: The cache folder, in the project's root (the `.gitignore` that `init` writes leaves it out).
FOLDER = ".policykit-cache"
_MAGIC = b"policykit-cache 2\n"
_DIGEST = 32
#: An entry larger than this is not read: a bound on what one read may hold in memory.
MAX_BYTES = 512 * 1024 * 1024
#: The folder of the slots, each a file holding the key of its entry (`_settle`).
SLOTS = "slots"
#: An entry that no slot names is forgotten once it is this old (seconds): not at once,
#: since another run may have just made it and be about to name it (`put`), and a file's
#: time is taken from a coarser clock than `time.time()`.
ORPHAN_AGE = 60
#: The name of the folder of an entry: its key's first two digits.
_SHARD = re.compile(r"[0-9a-f]{2}")
#: A key, as `workflows.export.render_keys` makes them: an entry's name, and what a slot
#: names; and a slot's own name (the SHA-256 of its slot).
_NAME = re.compile(r"[0-9a-f]{64}")


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

    @cached_property
    def _folder(self) -> Path | None:
        if self.root is None or self.secret is None or is_link(self.root / FOLDER):
            return None
        return self.root / FOLDER

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, if there are any and they are whole."""
        folder = self._folder
        if folder is None or self.secret is None or not _own_folder(folder / key[:2]):
            return None
        path = folder / key[:2] / key
        try:
            entry = read_limited(path, MAX_BYTES, links=False)
        except FileNotFoundError:
            return None
        except OSError:  # a link, a folder, a pipe, a device: as a damaged entry
            entry = b""
        body = entry[len(_MAGIC) + _DIGEST :]
        mark = entry[len(_MAGIC) : len(_MAGIC) + _DIGEST]
        if (
            not entry.startswith(_MAGIC)
            or len(entry) > MAX_BYTES
            or not hmac.compare_digest(mark, seal(self.secret, key, body))
        ):
            _remove(path)
            return None
        self.cached += 1
        return body

    def put(self, key: str, data: bytes, slot: str | None = None) -> None:
        """Keep `data` under `key`, as the entry of `slot` (the file it is for), if given. A
        cache that cannot be written is no error: the export has its files, and the next
        one renders again."""
        self.rendered += 1
        folder = self._folder
        if folder is None or self.secret is None or not _own_folder(folder / key[:2]):
            return
        try:
            write_entry(folder / key[:2] / key, _MAGIC + seal(self.secret, key, data) + data)
        except OSError:
            return
        if slot is not None:
            self._settle(folder, slot, key)

    def prune(self, slots: Iterable[str]) -> int:
        """Forget every file but those of `slots` (all the files the whole project's
        policies may be exported as): each other slot and its entry, and every entry no
        slot names that is older than `ORPHAN_AGE`. How many entries went.

        Only names the cache gives are touched: slots and entries, by their hex names, in
        folders that are not links; anything else in the folder (the validation memo) is
        left."""
        folder = self._folder
        if folder is None:
            return 0
        kept, removed = _forget_slots(folder, {_slot_name(slot) for slot in slots})
        return removed + _forget_unnamed(folder, kept)

    def _settle(self, folder: Path, slot: str, key: str) -> None:
        """Make `key` the entry of `slot`, and remove the one it had before: an older
        rendering of the same file. What the slot's file holds is read as hostile: only a
        key names an entry to remove, and only in this folder."""
        if not _own_folder(folder / SLOTS):
            return
        marker = folder / SLOTS / _slot_name(slot)
        before = _read_key(marker)
        if before == key:
            return
        try:
            write_entry(marker, key.encode("ascii"))
        except OSError:
            return  # both entries stay: a slot that cannot be written costs room, not files
        if before is not None:
            _remove(folder / before[:2] / before)


def _forget_slots(folder: Path, keep: set[str]) -> tuple[list[os.DirEntry[str]], int]:
    """Each slot not in `keep` removed with its entry: the slots kept, and how many entries
    went."""
    kept, removed = [], 0
    for marker in _listed(folder / SLOTS, _NAME):
        if marker.name in keep:
            kept.append(marker)
            continue
        key = _read_key(Path(marker.path))
        _remove(Path(marker.path))
        if key is not None:
            removed += _remove(folder / key[:2] / key)
    return kept, removed


def _forget_unnamed(folder: Path, slots: Sequence[os.DirEntry[str]]) -> int:
    """Each entry that none of `slots` names and that is older than `ORPHAN_AGE` removed;
    how many went."""
    entries = [
        entry
        for shard in _listed(folder, _SHARD, folders=True)
        for entry in _listed(Path(shard.path), _NAME)
    ]
    # Each slot names one entry of its own (a key is made from the file's name), so with no
    # more entries than slots, none is left unnamed but by a slot whose entry was removed
    # as damaged, which the next export makes again: the slots, a file each, are read only
    # when there are more.
    if len(entries) <= len(slots):
        return 0
    named = {_read_key(Path(marker.path)) for marker in slots}
    before = time.time() - ORPHAN_AGE
    return sum(
        _remove(Path(entry.path))
        for entry in entries
        if entry.name not in named and _made_before(entry, before)
    )


def _listed(
    folder: Path, name: re.Pattern[str], *, folders: bool = False
) -> list[os.DirEntry[str]]:
    """What `folder` holds of the cache's making: files (or, with `folders`, folders) whose
    names are `name`; nothing if `folder` is missing or a link. A link under such a name is
    removed, not listed: the cache makes none."""
    if not _own_folder(folder):
        return []
    try:
        with os.scandir(folder) as found:
            named = [item for item in found if name.fullmatch(item.name)]
    except OSError:
        return []
    listed = []
    for item in named:
        if item.is_symlink():
            _remove(Path(item.path))
        elif item.is_dir(follow_symlinks=False) == folders:
            listed.append(item)
    return listed


def _own_folder(path: Path) -> bool:
    """Whether `path` may hold the cache's files: a folder, not a link, or nothing yet (it is
    made with its first file). Anything else in its place, such as a link that a cloned
    repository brought, is removed, never followed: through it, entries would be written,
    read and swept in a folder elsewhere."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISDIR(mode) or _remove(path)


def _made_before(entry: os.DirEntry[str], moment: float) -> bool:
    try:
        return entry.stat(follow_symlinks=False).st_mtime < moment
    except OSError:
        return False


def _slot_name(slot: str) -> str:
    return hashlib.sha256(slot.encode("utf-8", "surrogatepass")).hexdigest()


def _read_key(marker: Path) -> str | None:
    """The key a slot's file names, if it holds one and is a regular file, not a link."""
    try:
        held = read_limited(marker, 64, links=False).decode("latin-1")  # any bytes decode
    except OSError:
        return None
    return held if _NAME.fullmatch(held) else None


def _remove(path: Path) -> bool:
    """Remove a cache entry, or whatever stands in its place; what cannot be removed (a
    folder) is left, and is never read as an entry. Whether something went."""
    try:
        path.unlink()
    except OSError:
        return False
    return True
