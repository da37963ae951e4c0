"""The git edge: a policy version named as a file, or as `PATH@REV`, that file at a git
revision (a tag, branch or commit), read with `git show`.

A revision is checked with `git rev-parse --verify --end-of-options`, and one that starts
with `-` is refused before git sees it, so an argument can never become an option of git.
The path must lie inside the repository, which git's `REV:path` would otherwise resolve
against the top level whatever `..` it held.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from policykit.diagnostics.errors import PolicykitError
from policykit.edge.files import display_path
from policykit.edge.workspace import read_named
from policykit.model.project import DRAFTS_FOLDER


class RevisionError(PolicykitError):
    """A version cannot be read: no such file, no git repository, or no such revision."""


@dataclass(frozen=True, slots=True)
class VersionSource:
    """A policy file's bytes, from the working tree or a revision, and how to name it."""

    label: str
    path: Path
    data: bytes
    revision: str | None = None

    @property
    def draft(self) -> bool:
        return self.path.parent.name == DRAFTS_FOLDER


def read_version(argument: str) -> VersionSource:
    """`FILE` or `FILE@REV`. A file whose own name holds an `@` is read as a file."""
    as_file = Path(argument)
    path_part, at, revision = argument.rpartition("@")
    if as_file.is_file() or not at or not path_part:
        return _read_file(as_file)
    return _read_revision(Path(path_part), revision)


def _read_file(path: Path) -> VersionSource:
    shown = display_path(path)
    if not path.exists():
        raise RevisionError(
            f"{shown}: no such file",
            hint="name a policy file, or a file at a git revision as FILE@REV (a tag, "
            "branch or commit)",
        )
    if path.is_dir():
        raise RevisionError(f"{shown}: is a folder; diff compares two policy files")
    try:
        return VersionSource(shown, path, read_named(path))
    except OSError as error:
        raise RevisionError(f"{shown}: cannot read the file: {error.strerror or error}") from None


def _read_revision(path: Path, revision: str) -> VersionSource:
    shown = f"{display_path(path)}@{revision}"
    if revision.startswith("-") or not revision.strip():
        raise RevisionError(f"{shown}: `{revision}` is not a revision name")
    folder = path.absolute().parent
    while not folder.is_dir():  # the file may exist only at the revision, in a folder gone now
        folder = folder.parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        raise RevisionError(
            f"{shown}: {display_path(folder)} is not in a git repository",
            hint="PATH@REV reads a file from git history; compare two files without @",
        )
    root = Path(top.decode("utf-8").strip())
    try:
        relative = path.absolute().resolve().relative_to(root.resolve())
    except ValueError:
        raise RevisionError(
            f"{shown}: the path is outside the git repository at {root}",
        ) from None
    verify = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]
    commit = _git(verify, root)
    if commit is None:
        raise RevisionError(
            f"{shown}: unknown revision `{revision}`",
            hint="use a tag, a branch or a commit; `git log --oneline -- FILE` lists the commits",
        )
    sha = commit.decode("ascii").strip()
    data = _git(["show", f"{sha}:{relative.as_posix()}"], root)
    if data is None:
        raise RevisionError(f"{shown}: the file did not exist at revision `{revision}`")
    return VersionSource(shown, path, data, revision)


def start_repository(folder: Path) -> bool | None:
    """`git init` in `folder` unless it lies in a git repository already: True when one was
    made, False when there is one, None when git is not installed (or fails). An existing
    repository is never touched: `git rev-parse` only reads."""
    if _git(["--version"], folder) is None:
        return None
    if _git(["rev-parse", "--show-toplevel"], folder) is not None:
        return False
    return True if _git(["init", "--quiet"], folder) is not None else None


def _git(arguments: list[str], cwd: Path) -> bytes | None:
    """git's output, or None when git fails (or is not installed)."""
    try:
        done = subprocess.run(
            ["git", *arguments], cwd=cwd, capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None
