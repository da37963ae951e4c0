"""The methods that `dataclasses` writes for policykit's classes, compiled once and kept.

Python 3.11 and 3.12 write the source of each method of a dataclass (`__init__`,
`__repr__`, `__eq__`, and for a frozen class `__setattr__`, `__delattr__` and `__hash__`)
and compile it on its own as the class is defined: policykit's classes make about 850
methods (450 of them in an export), whose compiling took 20 ms of every command's start, a
sixth of `validate` on one file and a tenth of each process of an export (Python 3.13
compiles once a class).

`install`, called by `policykit/__init__.py` before any of policykit's classes is defined,
has `dataclasses` compile through `_kept_exec`, which keeps each compiled method of a
policykit module in this user's cache folder, keyed by its source, as Python keeps a
module's bytecode in `__pycache__` (a `kept.Table`, made by this Python: its version and
`-O`). The same source compiled the same way gives the same code, so a kept method is the
one compiling would give; a test checks every class's methods against Python's own. The
methods of other packages' classes are compiled as Python compiles them.
"""

from __future__ import annotations

import builtins
import dataclasses
import sys
from types import CodeType
from typing import Any

from policykit.kept import Table

#: The kept methods' file, in `kept.user_cache_folder()`.
FILE_NAME = "methods.marshal"
#: Past this many kept methods (policykit's code changed, run after run: it has about 850),
#: only this run's are kept.
LIMIT = 3000


def _python() -> str:
    """The Python that compiled the methods: its version, and whether it strips asserts."""
    return f"{sys.implementation.cache_tag} {sys.hexversion:x} {sys.flags.optimize}"


METHODS: Table[CodeType] = Table(FILE_NAME, _python, CodeType, limit=LIMIT)


def compiled(source: str) -> CodeType:
    """A method's code, kept or compiled now: as `exec` compiles a string, without the
    caller's `from __future__` flags (this module's would make every annotation of
    `__init__` a string)."""
    return METHODS.made(source, lambda: compile(source, "<string>", "exec", dont_inherit=True))


def _kept_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    """`exec` as `dataclasses` sees it: a policykit module's method from the kept ones."""
    module = globals.get("__name__", "") if isinstance(globals, dict) else ""
    if not isinstance(source, str) or not module.startswith("policykit."):
        return builtins.exec(source, globals, locals)
    return builtins.exec(compiled(source), globals, locals)


def install() -> None:
    """Have `dataclasses` take policykit's methods from the kept ones."""
    # A module's global hides the builtin of the same name: `dataclasses` alone sees it.
    dataclasses.exec = _kept_exec  # type: ignore[attr-defined]
