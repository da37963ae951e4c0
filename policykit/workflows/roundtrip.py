"""The library behind `policykit import --update`: a Word export that came back edited, read
into the policy file it was made from.

The Word file's custom properties say which policy and which YAML (its SHA-256) it was made
from. That YAML is exported again in memory and read back beside the returned file, so that
only what people changed counts as an edit (`merging.update`). The edits are laid onto the
file as round-trip edits, the result validated, and compared with the file as it was; the
file is replaced only when all of that succeeded.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from policykit.checking.validate import SourceFile, checked_policy
from policykit.comparing.diff import ChangeSet, compare
from policykit.diagnostics.errors import PolicykitError, UsageError
from policykit.edge.assets import export_options
from policykit.edge.files import display_path, write_atomic
from policykit.edge.paths import project_root
from policykit.edge.revisions import VersionSource, read_version
from policykit.edge.workspace import load_settings, read_named
from policykit.importing.blocks import Document
from policykit.importing.docx import read_docx
from policykit.merging.patch import patch
from policykit.merging.tree import Unmapped
from policykit.merging.update import CONTENT, Update, update
from policykit.merging.yamledit import as_read, round_trip
from policykit.model.policy import Policy
from policykit.model.project import DRAFTS_FOLDER, Project
from policykit.writing.policy_yaml import policy_data
from policykit.writing.registry import Writer


class UpdateError(PolicykitError):
    """The Word file cannot be read into this policy file."""


@dataclass(frozen=True, slots=True)
class Updated:
    """The policy file before and after the Word file's edits, and what was not applied."""

    path: Path
    source: Path
    before: Policy
    after: Policy
    changes: ChangeSet
    text: str
    update: Update
    #: The git revision the edits were merged from, when the YAML moved on since the export.
    base: str | None
    written: bool
    project: Project

    @property
    def label(self) -> str:
        return display_path(self.path)


def update_from_word(
    yaml_path: Path, docx_path: Path, *, base: str | None = None, dry_run: bool = False
) -> Updated:
    """Read the edited Word file `docx_path` into the policy file `yaml_path`. With `base`,
    the git revision that was exported, when the file has changed since."""
    shown = display_path(yaml_path)
    if not yaml_path.is_file():
        raise UsageError(f"{shown}: no such file")
    data = read_named(yaml_path)
    project = load_settings(yaml_path.parent)
    draft = yaml_path.parent.name == DRAFTS_FOLDER
    current = _checked(SourceFile(shown, data, draft), project)
    edited, properties = _returned(docx_path)
    exported = properties.get("policykit.id")
    if exported != current.id:
        raise UpdateError(
            f"{display_path(docx_path)} is the export of {exported}, not of {current.id}",
            hint=f"name the policy file it was exported from: policies/{exported}.yaml",
        )
    base_policy, revision = _base(yaml_path, data, current, properties, base, project, draft)
    shown_back, _ = read_docx(_export(base_policy, project, yaml_path), "the export")
    try:
        result = update(base_policy, current, shown_back, edited, display_path(docx_path))
    except Unmapped as error:
        raise UpdateError(
            f"{display_path(docx_path)} cannot be read into {shown}: {error}",
            hint="nothing was written; edit the Word file so that each part keeps its shape "
            "(goals in lists, terms before their definitions), or make the change in the YAML",
        ) from None
    text = _patched(data, current, result)
    after = _checked(SourceFile(shown, text.encode("utf-8"), draft), project)
    changes = compare(current, after)
    written = False
    if not dry_run and not changes.identical:
        if read_named(yaml_path) != data:
            raise UpdateError(
                f"{shown}: the file changed while the Word file was read into it",
                hint="nothing was written; run the command again on the file as it is now",
            )
        write_atomic(yaml_path, text.encode("utf-8"))
        written = True
    return Updated(
        yaml_path, docx_path, current, after, changes, text, result, revision, written, project
    )


def redline_of(result: Updated, chosen: Writer) -> bytes:
    """The redline of the policy file before and after, in `chosen`'s format."""
    from policykit.workflows.comparison import Comparison, redline

    before = VersionSource(result.label, result.path, b"")
    after = VersionSource(display_path(result.source), result.source, b"")
    comparison = Comparison(before, after, result.changes, result.project)
    options = export_options(result.project, project_root([result.path]))
    return redline(comparison, chosen, options)


def _returned(path: Path) -> tuple[Document, dict[str, str]]:
    """The returned Word file, read back, and its policykit properties."""
    from policykit.workflows.importer import read_document, read_source

    document, extra = read_document(read_source(path), "docx", display_path(path))
    properties = extra.get("export")
    if not isinstance(properties, dict) or "policykit.sha256" not in properties:
        raise UpdateError(
            f"{display_path(path)} is not a Word file that policykit exported: it does not "
            "say which policy file it was made from",
            hint=f"to make a new policy of it, run `policykit import {display_path(path)}`",
        )
    return document, properties


def _base(
    path: Path,
    data: bytes,
    current: Policy,
    properties: dict[str, str],
    revision: str | None,
    project: Project,
    draft: bool,
) -> tuple[Policy, str | None]:
    """The version the Word file was exported from: the file as it is, or at `revision`."""
    exported = properties["policykit.sha256"]
    version = properties.get("policykit.version", "?")
    if hashlib.sha256(data).hexdigest() == exported:
        return current, None
    if revision is None:
        raise UpdateError(
            f"{display_path(path)} has changed since the Word file was exported from it "
            f"(version {version})",
            hint="give --base REV, the git revision that was exported, to merge the Word "
            "file's edits with the file's own; or export the file again and send that",
        )
    source = read_version(f"{path}@{revision}")
    if hashlib.sha256(source.data).hexdigest() != exported:
        raise UpdateError(
            f"{source.label} is not the file the Word file was exported from",
            hint="name the revision the export was made from: `git log --oneline -- FILE` "
            "lists them",
        )
    return _checked(SourceFile(source.label, source.data, draft), project), revision


def _export(policy: Policy, project: Project, path: Path) -> bytes:
    """The policy's Word export, as `export` makes it."""
    from policykit.workflows.jobs import render
    from policykit.writing.registry import writer

    options = export_options(project, project_root([path]))
    return render(policy, project, options, writer("docx"))


def _patched(data: bytes, current: Policy, result: Update) -> str:
    """The file with the update's data laid on: only what changed is touched."""
    yaml = round_trip()
    text = data.decode("utf-8-sig")
    document = yaml.load(text)
    patch(document, policy_data(current), result.data, (*CONTENT, "format"))
    out = io.StringIO()
    yaml.dump(document, out)
    return as_read(out.getvalue(), data)


def _checked(source: SourceFile, project: Project) -> Policy:
    return checked_policy(source, project, "the Word file's edits are not applied")
