"""The file system edge: finding policy files and the project file, and reading them.

Everything else in policykit works on bytes and models; this module is where paths are
walked and files opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykit.checking.shelf import Card
from policykit.checking.validate import Report, SourceFile, validate
from policykit.diagnostics import rules
from policykit.diagnostics.errors import InvalidInputError
from policykit.diagnostics.findings import Finding
from policykit.edge.files import display_path, read_limited
from policykit.edge.paths import find_project_file, policy_paths, project_root, walk_policies
from policykit.model.policy import Span
from policykit.model.project import (
    DEFAULT_MAX_FILE_SIZE,
    DRAFTS_FOLDER,
    POLICIES_FOLDER,
    PROJECT_FILE,
    Project,
)
from policykit.reading.reader import ProjectRead, read_project, read_title


@dataclass(slots=True)
class Workspace:
    """The policy files found under some paths, and the project they belong to."""

    files: list[SourceFile] = field(default_factory=list)
    project: ProjectRead | None = None
    #: Files that exist but could not be read.
    unreadable: list[Finding] = field(default_factory=list)
    #: Errors of the project file itself, or its being unreadable.
    setup: list[Finding] = field(default_factory=list)

    @property
    def settings(self) -> Project:
        return self.project.project if self.project else Project()


def load_project(start: Path) -> ProjectRead | Finding | None:
    """The project file that governs `start`: read, unreadable (a finding), or none."""
    project_file = find_project_file(start)
    return _read_project_file(project_file) if project_file is not None else None


def _read_project_file(project_file: Path) -> ProjectRead | Finding:
    shown = display_path(project_file)
    try:
        data = read_limited(project_file, DEFAULT_MAX_FILE_SIZE, within=project_file.parent)
        return read_project(data, shown)
    except OSError as error:
        return _unreadable(shown, error)


def read_named(path: Path, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """A policy file a command names (`diff`, `adopt`, `brief`): a regular file inside its
    repository (with none, its own folder), of at most `limit + 1` bytes."""
    project_file = find_project_file(path)
    return read_limited(path, limit, within=project_file.parent if project_file else path.parent)


def load_workspace(paths: Sequence[Path]) -> Workspace:
    workspace = Workspace()
    project_file = find_project_file(paths[0]) if paths else None
    project = _read_project_file(project_file) if project_file is not None else None
    if isinstance(project, Finding):
        workspace.unreadable.append(project)
        workspace.setup.append(project)
    else:
        workspace.project = project
        if project is not None:
            workspace.setup.extend(f for f in project.findings if f.is_error)
    limit = workspace.settings.lint.max_file_size
    root = project_file.parent if project_file else None
    for named in paths:
        # Inside the repository; without one, inside the folder named (or the file's own).
        within = root or (named if named.is_dir() else named.parent)
        for path in policy_paths([named]):
            if path.name == PROJECT_FILE:  # named explicitly: it is read above, as such
                continue
            shown = display_path(path)
            try:
                data = read_limited(path, limit, within=within)
            except OSError as error:
                workspace.unreadable.append(_unreadable(shown, error))
                continue
            draft = path.parent.name == DRAFTS_FOLDER
            workspace.files.append(SourceFile(shown, data, draft=draft))
    return workspace


def load_settings(start: Path) -> Project:
    """The settings of the project that governs `start`; the defaults when there is none.
    InvalidInputError when its project file cannot be read or has errors: every command but
    `validate` stops on that before it writes anything."""
    project = load_project(start)
    if project is None:
        return Project()
    if isinstance(project, Finding):
        raise InvalidInputError(project.span.file if project.span else PROJECT_FILE,
                                SETUP_STOPS, [project], {})  # fmt: skip
    errors = [finding for finding in project.findings if finding.is_error]
    if errors:
        raise InvalidInputError(project.path, SETUP_STOPS, errors, {project.path: project.text})
    return project.project


#: What every command but `validate` says when the project file has errors.
SETUP_STOPS = "policykit stops before it writes anything"


def validate_paths(paths: Sequence[Path], *, cached: bool = True) -> Report:
    """Validate the policies under `paths`, and the project file that governs them; with
    `cached`, each file unchanged since the last run comes from the project's cache."""
    from policykit.edge.memo import validation_memo
    from policykit.edge.pool import pooled_map

    workspace = load_workspace(paths)
    memo = validation_memo(project_root(paths), workspace.settings) if cached else None
    report = validate(
        workspace.files, workspace.settings, policies_in_force(paths), memo, pooled_map
    )
    if workspace.project is not None:
        report.sources[workspace.project.path] = workspace.project.text
        report.findings[:0] = workspace.project.findings
    report.findings[:0] = workspace.unreadable
    report.setup_errors = workspace.setup
    return report


def policies_in_force(paths: Sequence[Path]) -> set[str]:
    """The ids of the policies in the project's `policies/` (not its drafts), by file name:
    what a `policy:ID` link may name, whichever files are being validated."""
    folder = project_root(paths) / POLICIES_FOLDER
    if not folder.is_dir():
        return set()
    return {path.stem for path in walk_policies(folder) if DRAFTS_FOLDER not in path.parts[-2:-1]}


def policy_titles(root: Path, known: Sequence[Card] = ()) -> tuple[tuple[str, str], ...]:
    """The id and title of each policy in force in the project at `root` (its `policies/`,
    not its drafts): what links between policies are shown with. `known` are the cards of
    policies read already, whose files are not read again. Files that cannot be read, or
    give no title, are left out; `validate` reports them."""
    titles = [(p.id, p.title) for p in known if not p.is_draft_revision]
    read = {p.file for p in known}
    folder = root / POLICIES_FOLDER
    if not folder.is_dir():
        return tuple(sorted(set(titles)))
    for path in sorted(walk_policies(folder)):
        if path.parent.name == DRAFTS_FOLDER or display_path(path) in read:
            continue
        try:
            data = read_limited(path, DEFAULT_MAX_FILE_SIZE, within=root)
            found = read_title(data, path.name)
        except OSError:
            continue
        if found is not None:
            titles.append(found)
    return tuple(sorted(set(titles)))


def checked_settings(report: Report) -> Project:
    """The report's project settings; InvalidInputError if the project file has errors."""
    if report.setup_errors:
        first = report.setup_errors[0].span
        path = first.file if first is not None else PROJECT_FILE
        raise InvalidInputError(path, SETUP_STOPS, report.setup_errors, report.sources)
    return report.project


def _unreadable(shown: str, error: OSError) -> Finding:
    reason = error.strerror or str(error)
    hint = getattr(error, "hint", "check that the file exists and that you may read it")
    return Finding.of(
        rules.UNREADABLE_FILE, f"cannot read the file: {reason[:1].lower()}{reason[1:]}",
        Span(shown, 1, 1), hint=hint,
    )  # fmt: skip
