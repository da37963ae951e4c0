"""The methods that `dataclasses` writes for policykit's classes, compiled once and kept.

Python 3.11 and 3.12 write the source of each method of a dataclass (`__init__`,
`__repr__`, `__eq__`, and for a frozen class `__setattr__`, `__delattr__` and `__hash__`)
and compile it on its own as the class is defined: policykit's 70 classes make about 390
methods, whose compiling took 20 to 50 ms of every command's start, a sixth of `validate`
on one file and of each process of an export (Python 3.13 compiles once a class).

`install`, called by `policykit/__init__.py` before any of policykit's classes is defined,
has `dataclasses` compile through `_kept_exec`, which keeps each compiled method of a
policykit module in this user's cache folder, keyed by its source, as Python keeps a
module's bytecode in `__pycache__`. The same source compiled the same way gives the same
code, so a kept method is the one compiling would give; a test checks every class's
methods against Python's own. The methods of other packages' classes are compiled as
Python compiles them. The file is read only if its checksum holds and it was written by
this Python (`sys.hexversion`); anything else is ignored, and written again at exit.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import sys
import zlib
from pathlib import Path
from types import CodeType
from typing import Any

#: The kept methods' file, in `writing.usercache.user_cache_folder()`.
FILE_NAME = "methods.marshal"
#: A larger file is not read: no policykit has this many methods.
MAX_BYTES = 8 * 1024 * 1024
#: Past this many kept methods (policykit's code changed, run after run: it has about 450),
#: only this run's are kept.
MAX_KEPT = 2000
_HEADER = b"policykit methods 1\n"


class _Kept:
    """The compiled methods read from the file, those this run used, and whether any is new."""

    def __init__(self, path: Path) -> None:
        self.path = path
        #: Read as the first method is asked for: `--version` defines none of them.
        self.codes: dict[str, CodeType] | None = None
        self.used: set[str] = set()
        self.new = False

    def code(self, source: str) -> CodeType:
        if self.codes is None:
            self.codes = read(self.path)
        code = self.codes.get(source)
        if code is None:
            # As `exec` compiles a string: without the caller's `from __future__` flags
            # (this module's would make every annotation of `__init__` a string).
            code = self.codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            self.new = True
        self.used.add(source)
        return code

    def save(self) -> None:
        """Write the methods if any is new: atomically, so that a process reading the file
        meanwhile sees the old one or this one whole (`edge.files.write_entry`). A cache
        folder that cannot be written leaves the file as it was."""
        if not self.new or self.codes is None:
            return
        codes = self.codes
        if len(codes) > MAX_KEPT:
            codes = {source: codes[source] for source in self.used}
        payload = marshal.dumps(codes)
        from policykit.edge.files import write_entry

        with contextlib.suppress(OSError):
            write_entry(self.path, _HEADER + _stamp(payload) + b"\n" + payload)


_kept: _Kept | None = None


def _kept_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """`exec` as `dataclasses` sees it: a policykit module's method from the kept ones."""
    module = globals.get("__name__", "") if isinstance(globals, dict) else ""
    if _kept is None or not isinstance(source, str) or not module.startswith("policykit."):
        return builtins.exec(source, globals, locals)
    return builtins.exec(_kept.code(source), globals, locals)


def _stamp(payload: bytes) -> bytes:
    """The payload's checksum, and the Python that compiled it: its exact version, and
    whether it strips asserts (`-O`)."""
    python = f"{sys.implementation.cache_tag} {sys.hexversion:x} {sys.flags.optimize}"
    return f"{zlib.crc32(payload)} {python}".encode()


def read(path: Path) -> dict[str, CodeType]:
    """The methods kept at `path`; none if the file is missing, too large, damaged, or was
    written by another Python."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return {}
    header, _, rest = data.partition(b"\n")
    stamp, _, payload = rest.partition(b"\n")
    if len(data) > MAX_BYTES or header + b"\n" != _HEADER or stamp != _stamp(payload):
        return {}
    try:
        codes = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}


def install() -> None:
    """Have `dataclasses` take policykit's methods from the kept ones, and keep the new
    ones at exit. Once a process."""
    global _kept
    if _kept is not None:
        return
    from policykit.writing.usercache import user_cache_folder

    path = user_cache_folder() / FILE_NAME
    _kept = _Kept(path)
    # A module's global hides the builtin of the same name: `dataclasses` alone calls this.
    dataclasses.exec = _kept_exec  # type: ignore[attr-defined]
    atexit.register(_kept.save)
