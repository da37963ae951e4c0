"""Starting a policy repository (`policykit init`) and a new policy in it (`policykit new`).

The files come from the templates in `policykit/templates/scaffold/`: one folder per language
for what people read and edit, and shared files for the tooling. They are rendered with
`str.format`; a value that goes into YAML (an id, a title, a name) is written as a YAML
scalar, so no input can change the structure of the file. Each rendered file is read back
as policykit reads it before it is written, an existing file is never overwritten, and each
file is written atomically.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath

from policykit.diagnostics.errors import UsageError
from policykit.edge.files import display_path, write_atomic
from policykit.edge.paths import POLICY_SUFFIXES, find_project_file
from policykit.edge.revisions import start_repository
from policykit.edge.workspace import load_settings
from policykit.model.project import (
    DRAFTS_FOLDER,
    EXPORTS_FOLDER,
    POLICIES_FOLDER,
    PROJECT_FILE,
    Project,
)
from policykit.reading.reader import read_policy, read_project
from policykit.reading.schema import schema_text, slug_pattern
from policykit.reading.yamlsource import parse_yaml, to_plain

SCHEMA_FOLDER = "schema"
DEFAULT_LANGUAGE = "da"

#: The organisation's name when `--organisation` is not given: to be replaced.
_PLACEHOLDER_ORGANISATION = {"da": "Eksempel Kommune", "en": "Example Council"}


@dataclass(slots=True)
class Initialised:
    """What `init_repository` did: the files it wrote, and those it found and left alone."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    #: True when a git repository was made, False when the folder was in one already, None
    #: when git is not there: `FILE@REV` (diff, brief) reads versions from git.
    git: bool | None = None


# --- init -----------------------------------------------------------------------------------


def init_repository(
    folder: Path, organisation: str | None = None, language: str = DEFAULT_LANGUAGE
) -> Initialised:
    """Set up a policy repository in `folder` (made if missing): the project file, the
    policies/, policies/drafts/ and exports/ folders, .gitignore, a pre-commit configuration,
    the schemas for editors, and an example policy.

    Refuses a folder that already holds a policykit.yaml, writing nothing. Any other file that
    exists is kept as it is; the example policy is left out when policies/ holds policies.
    """
    language = _template_language(language)
    shown = display_path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{shown}: not a folder")
    if (folder / PROJECT_FILE).exists():
        raise UsageError(
            f"{display_path(folder / PROJECT_FILE)} exists: this is a policy repository already",
            hint='nothing was written; add a policy with `policykit new ID --title "Title"`',
        )
    placeholder = _PLACEHOLDER_ORGANISATION.get(language, _PLACEHOLDER_ORGANISATION["en"])
    name = organisation if organisation is not None else placeholder
    files = _repository_files(folder, _one_line(name, "the organisation's name"), language)
    for relative, _ in files:
        _check_parents(folder, relative)
    result = Initialised(folder)
    # policykit.yaml comes last, so an init that fails half-way can simply be run again.
    for relative, text in files:
        path = folder / relative
        try:
            write_atomic(path, text.encode("utf-8"), overwrite=False)
        except FileExistsError:
            result.kept.append(path)
            continue
        result.written.append(path)
    result.git = start_repository(folder)
    return result


def _repository_files(folder: Path, organisation: str, language: str) -> list[tuple[Path, str]]:
    """The files of a new repository, relative to it, in the order they are written."""
    project_text = _render(f"{language}/policykit.yaml.tmpl", organisation=_scalar(organisation))
    _check_project(project_text)
    policies = Path(POLICIES_FOLDER)
    files = [
        (Path(SCHEMA_FOLDER, "policy.schema.json"), schema_text("policy")),
        (Path(SCHEMA_FOLDER, "project.schema.json"), schema_text("project")),
        (Path(".gitignore"), _render("gitignore.tmpl")),
        (Path(".pre-commit-config.yaml"), _render("pre-commit-config.yaml.tmpl")),
        (Path(EXPORTS_FOLDER, "README.md"), _render(f"{language}/exports-README.md.tmpl")),
        (policies / DRAFTS_FOLDER / "README.md", _render(f"{language}/drafts-README.md.tmpl")),
    ]
    if not _holds_policies(folder / policies):
        example = _render(f"{language}/example.yaml.tmpl", schema=_schema_link(policies))
        example_id = _policy_id(example)
        files.append((policies / f"{example_id}.yaml", example))
    files.append((Path(PROJECT_FILE), project_text))
    return files


def _holds_policies(folder: Path) -> bool:
    return folder.is_dir() and any(
        path.suffix in POLICY_SUFFIXES for path in folder.rglob("*") if path.is_file()
    )


def _check_parents(folder: Path, relative: Path) -> None:
    """A folder the repository needs must not exist as a file (checked before any write)."""
    for parent in list(reversed(relative.parents))[1:]:
        if (folder / parent).exists() and not (folder / parent).is_dir():
            raise UsageError(
                f"{display_path(folder / parent)} is a file, but policykit needs a folder there",
                hint="nothing was written; move or rename the file, then run `policykit init`",
            )


def _check_project(text: str) -> None:
    read = read_project(text.encode("utf-8"), PROJECT_FILE)
    errors = [finding for finding in read.findings if finding.is_error]
    if errors:
        raise UsageError(f"the project file would not be valid: {errors[0].message}")


def _policy_id(text: str) -> str:
    document = parse_yaml(text, "example.yaml")
    plain = to_plain(document.root) if document.root is not None else None
    if not isinstance(plain, dict) or not isinstance(plain.get("id"), str):
        raise AssertionError("the example policy template has no id")  # pragma: no cover
    return str(plain["id"])


# --- new ------------------------------------------------------------------------------------


def repository_root(start: Path) -> Path:
    """The folder of the policykit.yaml in `start` or the nearest folder above it."""
    project_file = find_project_file(start)
    if project_file is None:
        raise UsageError(
            "not in a policy repository: there is no policykit.yaml in this folder or any "
            "folder above it",
            hint="run `policykit init` to start one here, or change to the repository's folder",
        )
    return project_file.parent


def _exists(path: Path) -> UsageError:
    return UsageError(
        f"{display_path(path)} exists already",
        hint="policykit new never overwrites a file; choose another id, or edit that file",
    )


def new_policy(root: Path, policy_id: str, title: str, language: str | None = None) -> Path:
    """Write `policies/<policy_id>.yaml` under `root` from the template of the language
    (default: the project's): a draft with all five parts to fill in. Never overwrites."""
    check_policy_id(policy_id)
    title = _one_line(title, "the title")
    folder = root / POLICIES_FOLDER
    path = folder / f"{policy_id}.yaml"
    _check_parents(root, path.relative_to(root))
    for suffix in POLICY_SUFFIXES:
        existing = folder / f"{policy_id}{suffix}"
        if existing.exists():
            raise _exists(existing)
    project = _project(root)
    language = _template_language(language or project.language)
    text = _render(
        f"{language}/policy.yaml.tmpl",
        schema=_schema_link(Path(POLICIES_FOLDER)),
        id=_scalar(policy_id),
        title=_scalar(title),
    )
    read = read_policy(text.encode("utf-8"), display_path(path), project)
    errors = [finding for finding in read.findings if finding.is_error]
    if errors:
        raise UsageError(
            f"the new policy would not be valid: {errors[0].message}", hint=errors[0].hint
        )
    try:
        write_atomic(path, text.encode("utf-8"), overwrite=False)
    except FileExistsError:  # made by someone else since the check above
        raise _exists(path) from None
    return path


def check_policy_id(policy_id: str) -> None:
    """Refuse an id that the policy schema would refuse (its `slug` definition)."""
    if not slug_pattern().fullmatch(policy_id):
        raise UsageError(
            f"`{_shown(policy_id)}` is not a valid policy id",
            hint="use lower-case letters a-z, digits and single hyphens, such as "
            "`kommunikation`; the id is also the file name",
        )


def _project(root: Path) -> Project:
    """The project's settings; InvalidInputError when its file has errors."""
    return load_settings(root)


# --- templates ------------------------------------------------------------------------------


def template_languages() -> list[str]:
    """The languages with templates: one folder each in `policykit/templates/scaffold/`."""
    folder = resources.files("policykit") / "templates" / "scaffold"
    return sorted(entry.name for entry in folder.iterdir() if entry.is_dir())


def _template_language(language: str) -> str:
    languages = template_languages()
    if language not in languages:
        raise UsageError(
            f"there are no templates for the language `{_shown(language)}`",
            hint=f"use one of: {', '.join(languages)} (--language)",
        )
    return language


def _render(name: str, **values: str) -> str:
    template = resources.files("policykit") / "templates" / "scaffold" / name
    return template.read_text("utf-8").format_map(values)


def _schema_link(folder: Path) -> str:
    """The schema folder as seen from a file in `folder` of the repository: `../schema`."""
    return str(PurePosixPath(*[".."] * len(folder.parts), SCHEMA_FOLDER))


def _scalar(value: str) -> str:
    """`value` as a YAML scalar: plain when YAML reads that back as the same text, else in
    double quotes (a JSON string is a valid YAML 1.2 double-quoted scalar)."""
    document = parse_yaml(f"value: {value}\n", "value")
    root = document.root
    if not document.findings and root is not None and to_plain(root) == {"value": value}:
        return value
    return json.dumps(value, ensure_ascii=False)


def _one_line(value: str, what: str) -> str:
    """A name or title: one line of text, without control characters."""
    value = value.strip()
    if not value:
        raise UsageError(f"{what} is empty", hint="give it as text, in quotes if it has spaces")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise UsageError(f"{what} holds a line break or another control character")
    return value


def _shown(value: str) -> str:
    return value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
