"""Fingerprints: what the export cache keys a rendered file by.

`fingerprint` writes a value (a dataclass tree such as the project's settings, a policy or
the export's options) in one canonical form: fields by name, mappings and sets sorted, bytes
by their digest. `repr` would not do: a set's order changes from run to run.
`code_fingerprint` is policykit's own: every file of the package (its code, templates,
locales and schemas) by size and time, so that an edit to policykit, released or not,
renders again.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import policykit


def fingerprint(value: Any) -> str:
    """The SHA-256 of the value's canonical form."""
    return hashlib.sha256(_canonical(value).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={_canonical(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    if isinstance(value, Mapping):
        items = sorted((_canonical(k), _canonical(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, bytes | bytearray):
        return "b:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


@cache
def code_fingerprint() -> str:
    """The SHA-256 of policykit's version and of every file of the installed package, by
    its path, size and modification time: an edit or an install changes them, and reading
    the files' bytes would cost a command more than its own work (`validate one.yaml`)."""
    digest = hashlib.sha256(policykit.__version__.encode("utf-8"))
    for line in _file_lines(str(Path(policykit.__file__).parent), ""):
        digest.update(line.encode())
    return digest.hexdigest()


def _file_lines(folder: str, prefix: str) -> Iterator[str]:
    """Each file's path, size and time: a folder's files in name order, then its folders
    (as `os.walk` goes), by `os.scandir` entries, a third of the time of a `Path` per file
    (this runs on every command)."""
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    for entry in entries:
        if not entry.is_dir():
            status = entry.stat()
            yield f"{prefix}{entry.name}\0{status.st_size}\0{status.st_mtime_ns}\0"
    for entry in entries:
        if entry.is_dir() and entry.name != "__pycache__":
            yield from _file_lines(entry.path, f"{prefix}{entry.name}/")
