"""The library behind `policykit diff`: two versions read and checked, compared, and the
change set rendered as a redline. The CLI only parses arguments and prints.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from policykit.checking.validate import SourceFile, validate
from policykit.comparing.diff import ChangeSet, compare
from policykit.diagnostics.errors import PolicykitError, UsageError
from policykit.diagnostics.findings import Finding
from policykit.edge.revisions import VersionSource, read_version
from policykit.edge.workspace import load_project
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.reading.locales import UnknownLanguageError
from policykit.reading.reader import ProjectRead
from policykit.writing.layout import ExportOptions, layout


class InvalidVersionError(PolicykitError):
    """A version to compare has validation errors; `findings` says which."""

    def __init__(self, label: str, findings: list[Finding], sources: dict[str, str]) -> None:
        super().__init__(
            f"{label} has errors, so it cannot be compared",
            hint="fix the errors above; `policykit validate` checks a file",
        )
        self.findings = findings
        self.sources = sources


class RedlineFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"

    @classmethod
    def of(cls, path: Path) -> RedlineFormat:
        try:
            return cls(path.suffix.lower().lstrip("."))
        except ValueError:
            raise UsageError(
                f"{path}: a redline is written as .html, .pdf or .docx",
                hint="name the output file with one of those endings",
            ) from None


@dataclass(frozen=True, slots=True)
class Comparison:
    old: VersionSource
    new: VersionSource
    changes: ChangeSet
    project: Project = field(default_factory=Project)


def compare_versions(old_argument: str, new_argument: str) -> Comparison:
    """Read both versions (files or FILE@REV), check them, and compare them."""
    old_source, new_source = read_version(old_argument), read_version(new_argument)
    project = _project(new_source.path)
    old, new = _checked(old_source, project), _checked(new_source, project)
    return Comparison(old_source, new_source, compare(old, new), project)


def _project(path: Path) -> Project:
    """The settings of the project the new version belongs to; a project file with errors
    is `policykit validate`'s to report, so its defaults serve here."""
    folder = path.absolute().parent
    while not folder.is_dir():  # a file that exists only at a revision
        folder = folder.parent
    project = load_project(folder)
    return project.project if isinstance(project, ProjectRead) else Project()


def _checked(source: VersionSource, project: Project) -> Policy:
    """The version's policy; InvalidVersionError if the file has errors."""
    report = validate([SourceFile(source.label, source.data, source.draft)], project)
    errors = [finding for finding in report.findings if finding.is_error]
    if errors or not report.policies:
        raise InvalidVersionError(source.label, errors, report.sources)
    return report.policies[0]


def redline(
    comparison: Comparison,
    fmt: RedlineFormat,
    options: ExportOptions,
    *,
    author: str = "policykit",
    date: dt.datetime | None = None,
) -> bytes:
    """The redline document as bytes: HTML, PDF, or Word with tracked changes."""
    changes, project = comparison.changes, comparison.project
    try:
        old = layout(changes.old, project, options)
        new = layout(changes.new, project, options)
    except UnknownLanguageError as error:
        raise UsageError(f"there are no labels for the language `{error}`") from None
    if fmt is RedlineFormat.DOCX:
        from policykit.writing.redline_docx import write_redline_docx

        when = date or dt.datetime.now(dt.UTC).replace(microsecond=0)
        return write_redline_docx(old, new, author=author, date=when)
    from policykit.writing.redline_html import write_redline_html

    html = write_redline_html(changes, old, new)
    if fmt is RedlineFormat.HTML:
        return html.encode("utf-8")
    from policykit.writing.pdf import html_to_pdf

    return html_to_pdf(html, new)
