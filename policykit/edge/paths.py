"""Where a command's files are: its project, found as git finds its repository, and the
policy files under the paths it names. Nothing here reads a file: this module is what
`export` asks, before it loads the checks, how many policies it will check."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from policykit.diagnostics.errors import NoPoliciesError, PolicykitError, UsageError
from policykit.edge.files import display_path
from policykit.model.project import POLICIES_FOLDER, PROJECT_FILE

POLICY_SUFFIXES = (".yaml", ".yml")


def find_project_file(start: Path) -> Path | None:
    """The nearest `policykit.yaml` in `start` or a folder above it. Anything by that name
    counts, so that a project file that cannot be read (a folder, a broken link) is reported
    as such, not taken for no project at all."""
    folder = start.absolute() if start.is_dir() else start.absolute().parent
    for candidate in (folder, *folder.parents):
        path = candidate / PROJECT_FILE
        if path.exists() or path.is_symlink():
            return path
    return None


def policy_paths(paths: Sequence[Path]) -> Iterator[Path]:
    """Policy files named directly, or found by recursing into folders (hidden ones skipped)."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{display_path(path)}: no such file or folder")
        if path.is_dir():
            found = sorted(walk_policies(path))
            if not found:
                raise NoPoliciesError(
                    f"{display_path(path)}: no policy files (*.yaml, *.yml) in this folder",
                    hint="check the path; docs/format.md shows how a policy file looks",
                )
            yield from found
        else:
            yield path


def walk_policies(folder: Path) -> Iterator[Path]:
    """The policy files in `folder` and below, hidden files and folders skipped."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(POLICY_SUFFIXES) and name != PROJECT_FILE and not name.startswith("."):
                yield Path(root) / name


def project_root(paths: Sequence[Path]) -> Path:
    """The repository root: the folder of the governing policykit.yaml, else the working one."""
    project_file = find_project_file(paths[0]) if paths else None
    return project_file.parent if project_file else Path.cwd()


class NoProjectError(UsageError):
    """No `policykit.yaml` in the working folder or any folder above it."""


@dataclass(frozen=True, slots=True)
class Located:
    """Where a command works: the project's folder and the paths it reads."""

    root: Path
    paths: list[Path]


def locate(paths: Sequence[Path] | None) -> Located:
    """The project a command works on, found as git finds its repository: the nearest
    `policykit.yaml` above the first path named, or above the working folder. With no paths,
    the command reads the project's `policies/`, wherever in the project it runs from; outside
    any project, NoProjectError."""
    if paths:
        return Located(project_root(paths), list(paths))
    project_file = find_project_file(Path.cwd())
    if project_file is None:
        raise NoProjectError(
            f"{Path.cwd().as_posix()} is not in a policy repository: there is no "
            f"{PROJECT_FILE} here or in any folder above",
            hint="run `policykit init` to start one here, or name the policy files to read",
        )
    root = project_file.parent
    return Located(root, [root / POLICIES_FOLDER])


def covers_project(paths: Sequence[Path] | None, root: Path) -> bool:
    """Whether a command on `paths` reads all the policies of the project at `root`: it is
    named no paths, or its `policies/` among them."""
    if not paths:
        return True
    folder = (root / POLICIES_FOLDER).resolve()
    return any(path.resolve() == folder for path in paths)


def count_policy_files(paths: Sequence[Path] | None) -> int:
    """How many policy files a command on `paths` reads; 0 when it will stop before it reads
    any (no project, a path that is not there), which it reports itself."""
    try:
        return sum(1 for _ in policy_paths(locate(paths).paths))
    except (PolicykitError, OSError):
        return 0
