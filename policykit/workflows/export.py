"""Exporting policies to files: the edge where writers meet the file system.

The writers are pure; this module reads what they need (logo, template folder), renders
each policy in the formats asked for, and writes every file atomically: a temporary file in
the target folder, then a rename. A failed export leaves the previous file intact and
no stray file behind. PDFs, the slow part, render in a process pool across the cores.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from policykit.diagnostics.errors import PolicykitError
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.reading.locales import UnknownLanguageError
from policykit.writing.layout import Branding, ExportOptions, Templates, layout

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
TEMPLATE_FILES = {"html": "policy.html.j2", "css": "policy.css", "reference_docx": "reference.docx"}


class ExportError(PolicykitError):
    """An export cannot be made as asked (a logo outside the repository, say)."""


class Format(StrEnum):
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


def render(policy: Policy, project: Project, options: ExportOptions, fmt: Format) -> bytes:
    """One policy in one format, as bytes."""
    try:
        document = layout(policy, project, options)
    except UnknownLanguageError as error:
        raise ExportError(f"there are no labels for the language `{error}`") from None
    if fmt is Format.HTML:
        from policykit.writing.html import write_html

        return write_html(document).encode("utf-8")
    if fmt is Format.PDF:
        from policykit.writing.pdf import write_pdf

        return write_pdf(document)
    from policykit.writing.docx import write_docx

    return write_docx(document)


def output_name(policy: Policy, fmt: Format) -> str:
    """`<id>.<ext>`; a draft revision shares its policy's id, so it gets `<id>-draft.<ext>`."""
    stem = f"{policy.id}-draft" if policy.is_draft_revision else policy.id
    return f"{stem}.{fmt.value}"


def write_atomic(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write all of `data` to `path`, or leave `path` as it was.

    With `overwrite=False`, FileExistsError if `path` exists, even when another process
    creates it at the same moment: the file is linked into place, which never replaces.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            # The temporary file is private (0600); give the export the usual permissions.
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
        if overwrite:
            Path(handle.name).replace(path)
        else:
            os.link(handle.name, path)
    finally:
        Path(handle.name).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- options from the project and the command line -------------------------------------------


def export_options(
    project: Project, root: Path, template_dir: Path | None = None, pdf_variant: str = "pdf/ua-1"
) -> ExportOptions:
    """Read the logo and the template folder that the options name."""
    settings = project.branding
    defaults = Branding()
    logo, media_type = _logo(settings.logo, root) if settings.logo else (None, None)
    branding = Branding(
        primary_color=settings.primary_color or defaults.primary_color,
        font_family=settings.font_family or defaults.font_family,
        logo=logo,
        logo_media_type=media_type,
    )
    templates = _templates(template_dir) if template_dir else Templates()
    return ExportOptions(branding=branding, templates=templates, pdf_variant=pdf_variant)


def _logo(reference: str, root: Path) -> tuple[bytes, str]:
    """The logo's bytes: a file inside the repository, never a URL or a path that leaves it."""
    if "://" in reference or reference.startswith(("file:", "data:", "http:", "https:")):
        raise ExportError(
            f"the logo `{reference}` is a URL; policykit reads logos from the repository only",
            hint="save the logo in the repository and give its path, such as assets/logo.svg",
        )
    base = root.resolve()
    path = (base / reference).resolve()
    if not path.is_relative_to(base):
        raise ExportError(
            f"the logo `{reference}` lies outside the repository ({base})",
            hint="keep the logo inside the repository, such as assets/logo.svg",
        )
    media_type = LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ExportError(f"the logo `{reference}` is not an SVG or PNG file")
    try:
        return path.read_bytes(), media_type
    except OSError as error:
        raise ExportError(f"cannot read the logo `{reference}`: {error.strerror}") from None


def _templates(folder: Path) -> Templates:
    if not folder.is_dir():
        raise ExportError(f"the template folder {folder} does not exist")
    found = {
        key: folder / name for key, name in TEMPLATE_FILES.items() if (folder / name).is_file()
    }
    if not found:
        raise ExportError(
            f"the template folder {folder} holds none of {', '.join(TEMPLATE_FILES.values())}"
        )
    return Templates(
        html=found["html"].read_text("utf-8") if "html" in found else None,
        css=found["css"].read_text("utf-8") if "css" in found else None,
        reference_docx=found["reference_docx"].read_bytes() if "reference_docx" in found else None,
    )


# --- batches ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """What happened to one policy in a batch."""

    policy: Policy
    written: list[Path] = field(default_factory=list)
    error: str | None = None


def _render_job(policy: Policy, project: Project, options: ExportOptions, fmt: Format) -> bytes:
    return render(policy, project, options, fmt)


def export_batch(
    policies: Sequence[Policy],
    project: Project,
    options: ExportOptions,
    formats: Sequence[Format],
    out_dir: Path,
    advance: Callable[[], None] = lambda: None,
) -> list[Outcome]:
    """Export every policy; one that fails is reported and the others still export.

    PDFs render in a process pool across the machine's cores; HTML and Word, which take
    milliseconds, render in this process. Each policy's files are written as they finish.
    """
    outcomes = [Outcome(policy) for policy in policies]
    pdf = Format.PDF in formats
    workers = min(len(policies), os.cpu_count() or 1) if pdf else 0
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        pending: dict[int, Future[bytes]] = {}
        if pool is not None:
            for i, policy in enumerate(policies):
                pending[i] = pool.submit(_render_job, policy, project, options, Format.PDF)
        for i, outcome in enumerate(outcomes):
            for fmt in formats:
                job = pending.get(i) if fmt is Format.PDF else None
                _export_one(outcome, project, options, fmt, out_dir, job)
                advance()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return outcomes


def _export_one(
    outcome: Outcome,
    project: Project,
    options: ExportOptions,
    fmt: Format,
    out_dir: Path,
    job: Future[bytes] | None,
) -> None:
    if outcome.error is not None:
        return
    try:
        data = job.result() if job is not None else render(outcome.policy, project, options, fmt)
        path = out_dir / output_name(outcome.policy, fmt)
        write_atomic(path, data)
        outcome.written.append(path)
    except PolicykitError as error:
        outcome.error = error.message
    except Exception as error:  # one policy's failure must not stop the batch
        outcome.error = f"{fmt.value}: {type(error).__name__}: {error}"


def iter_formats(html: bool, pdf: bool, docx: bool) -> Iterator[Format]:
    """The formats asked for; none asked for means all three."""
    chosen = [
        f for f, wanted in ((Format.HTML, html), (Format.PDF, pdf), (Format.DOCX, docx)) if wanted
    ]
    yield from chosen or list(Format)
