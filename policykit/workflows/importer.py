"""`policykit import`: documents in, policy files out, each validated before it is written.

Each source is read (bounded, a regular file), its format detected from its content, read
by that format's reader into blocks, cleaned, mapped and assembled (`importing`), written
as YAML by the model's own writer (`writing.policy_yaml`), and read back and validated as
any policy file is. A file that would not be valid, or that exists already, is not written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policykit.checking.validate import SourceFile, validate
from policykit.diagnostics.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from policykit.diagnostics.findings import Finding
from policykit.edge.files import UnsafeInputError, display_path, read_limited, write_atomic
from policykit.edge.machine import available_cpus
from policykit.importing.assemble import Imported, Options, assemble, slug
from policykit.importing.blocks import Document
from policykit.importing.detect import FORMATS, UnreadableError, decode, detect
from policykit.model.project import POLICIES_FOLDER, Project
from policykit.writing.policy_yaml import write_policy_yaml

#: The largest source import reads: a Word file or a PDF of a long policy is a few MB.
MAX_SOURCE_SIZE = 50 * 1024 * 1024
SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The command's options: where files go (a file for one source, or a folder), the
    format when detection should not decide, and what the text should not decide."""

    output: Path | None = None
    from_format: str | None = None
    language: str | None = None
    policy_id: str | None = None
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class ImportResult:
    """One source's import: what was read and placed, the file written (or that would be),
    and the findings of the file as written."""

    source: Path
    target: Path
    imported: Imported
    yaml: str
    findings: tuple[Finding, ...]
    written: bool

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


@dataclass(frozen=True, slots=True)
class Batch:
    """The imports of one command: those that ran, and the sources that could not be read
    (their display names and why)."""

    results: tuple[ImportResult, ...]
    #: (source, message, hint) of each source that could not be imported.
    failed: tuple[tuple[str, str, str | None], ...]

    @property
    def exit_code(self) -> int:
        """2 when a source could not be read; 1 when a file was not written, or something
        was left free or for a person; 0 when everything was placed by keyword."""
        if self.failed:
            return EXIT_USAGE
        clean = all(
            r.imported.all_by_keyword and not r.imported.needs_a_person and not r.errors
            for r in self.results
        )
        return EXIT_OK if clean else EXIT_FINDINGS


def import_all(
    paths: Sequence[Path],
    options: ImportOptions,
    cwd: Path,
    progress: Callable[[Path], None] | None = None,
) -> Batch:
    """Import every source named (folders walked); one that fails does not stop the rest.
    `progress` hears of each source as it is done."""
    sources = list(sources_in(paths))
    if not sources:
        raise UsageError("no documents to import", hint=f"name files ending {', '.join(SUFFIXES)}")
    output = options.output
    if output is not None and output.suffix.lower() in (".yaml", ".yml") and len(sources) > 1:
        raise UsageError(
            f"-o {display_path(output)} names one file, for {len(sources)} sources",
            hint="name a folder with -o, or import one document",
        )
    root, project = _project(cwd, options)
    results: list[ImportResult] = []
    failed: list[tuple[str, str, str | None]] = []
    targets: set[Path] = set()
    for source, prepared in zip(sources, _prepared(sources, options, root, project, progress),
                                strict=True):  # fmt: skip
        if isinstance(prepared, tuple):
            failed.append((display_path(source), *prepared))
            continue
        if prepared.target.resolve() in targets:
            clash = f"{display_path(prepared.target)} is the file of another source in this import"
            failed.append((display_path(source), clash, "give it another --id, or import it alone"))
            continue
        targets.add(prepared.target.resolve())
        if not prepared.errors and not options.dry_run:
            try:
                prepared = write(prepared)
            except UsageError as error:
                failed.append((display_path(source), error.message, error.hint))
                continue
        results.append(prepared)
    return Batch(tuple(results), tuple(failed))


def _prepared(
    sources: list[Path],
    options: ImportOptions,
    root: Path,
    project: Project,
    progress: Callable[[Path], None] | None,
) -> Iterator[ImportResult | tuple[str, str | None]]:
    """Each source prepared, in order: in a pool of processes when there are several
    (as many as the CPUs this process may use), else here. A source that cannot be read
    gives its message instead. Writing stays in this process, one file at a time."""
    workers = min(len(sources), available_cpus())
    if workers < 2:
        for source in sources:
            yield _prepare_one(source, options, root, project)
            if progress:
                progress(source)
        return
    from concurrent.futures import ProcessPoolExecutor

    from policykit.edge.pool import end_now, start_worker

    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=start_worker, initargs=(os.getpid(),)
    )
    try:
        futures = [pool.submit(_prepare_one, s, options, root, project) for s in sources]
        for source, future in zip(sources, futures, strict=True):
            yield future.result()
            if progress:
                progress(source)
    except BaseException:  # an interrupt, or the caller stopped early: nothing to wait for
        end_now(pool)
        raise
    pool.shutdown()


def _prepare_one(
    source: Path, options: ImportOptions, root: Path, project: Project
) -> ImportResult | tuple[str, str | None]:
    """`prepare`, with a source that cannot be read as its message and hint (which cross
    from a worker process whole, as an exception might not)."""
    try:
        return prepare(source, options, root, project)
    except UsageError as error:
        return error.message, error.hint


def _project(cwd: Path, options: ImportOptions) -> tuple[Path, Project]:
    """The repository the files go into, and its settings; with -o and no repository, the
    working folder and the defaults."""
    from policykit.edge.paths import find_project_file
    from policykit.edge.workspace import load_settings

    project_file = find_project_file(cwd)
    if project_file is not None:
        return project_file.parent, load_settings(project_file.parent)
    if options.output is None:
        from policykit.workflows.scaffold import repository_root

        repository_root(cwd)  # raises the usual "not in a policy repository"
    return cwd, Project()


def sources_in(paths: Sequence[Path]) -> Iterator[Path]:
    """The files named, and in a folder named every file import reads, in name order."""
    for path in paths:
        if path.is_dir():
            for folder, _, files in sorted(os.walk(path)):
                for name in sorted(files):
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        yield Path(folder) / name
        else:
            yield path


def import_source(path: Path, options: ImportOptions, root: Path, project: Project) -> ImportResult:
    """Import one source. UsageError when it cannot be read or the file exists."""
    result = prepare(path, options, root, project)
    if result.errors or options.dry_run:
        return result
    return write(result)


def prepare(path: Path, options: ImportOptions, root: Path, project: Project) -> ImportResult:
    """One source read, assembled, written as YAML in memory and validated; nothing on disk.
    UsageError when it cannot be read."""
    data = read_source(path)
    shown = display_path(path)
    fmt = options.from_format or detect(data, path.name)
    document, extra = read_document(data, fmt, shown)
    imported = assemble(
        document,
        Options(shown, options.policy_id, options.language or extra.get("language"),
                extra.get("title")),
    )  # fmt: skip
    imported = _with_front_matter(imported, extra)
    export = extra.get("export")
    if isinstance(export, dict):
        made = f"policykit's own export of {export.get('policykit.id')}, version "
        made += str(export.get("policykit.version"))
        imported = replace(imported, notes=(*imported.notes, made))
    if (
        project.organisation is not None
        and imported.policy.organisation == project.organisation.name
    ):
        # The project's name, as an export prints it for a policy with none of its own.
        imported = replace(imported, policy=replace(imported.policy, organisation=None))
    target = _target(path, imported, options, root)
    text = write_policy_yaml(imported.policy, _schema_path(target, root))
    report = validate([SourceFile(display_path(target), text.encode("utf-8"))], project)
    return ImportResult(path, target, imported, text, tuple(report.findings), False)


def write(result: ImportResult) -> ImportResult:
    """The prepared file written, never over another. UsageError if one is there."""
    target = result.target
    if target.exists():
        raise _exists(target)
    try:
        write_atomic(target, result.yaml.encode("utf-8"), overwrite=False)
    except FileExistsError:
        raise _exists(target) from None
    return replace(result, written=True)


def read_source(path: Path) -> bytes:
    try:
        data = read_limited(path, MAX_SOURCE_SIZE)
    except UnsafeInputError as error:
        raise UsageError(f"cannot import {display_path(path)}: {error}", hint=error.hint) from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise UsageError(f"cannot read {display_path(path)}: {reason}") from None
    if len(data) > MAX_SOURCE_SIZE:
        raise UnreadableError(
            f"{display_path(path)} is larger than {MAX_SOURCE_SIZE // (1024 * 1024)} MB",
            hint="import reads documents up to that size; split a larger one",
        )
    return data


def read_document(data: bytes, fmt: str, shown: str) -> tuple[Document, dict[str, Any]]:
    """The source in blocks, by its format's reader; and what its metadata says (Markdown's
    front matter) of the title and language."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt}", hint=f"--from takes {', '.join(FORMATS)}")
    if fmt in ("txt", "md", "html"):
        text, encoding = decode(data, shown)
        notes = () if encoding == "utf-8" else (f"read as {encoding}",)
        if fmt == "txt":
            from policykit.importing.text import read_text

            document = read_text(text)
            return replace(document, notes=(*document.notes, *notes)), {}
        if fmt == "md":
            from policykit.importing.markdown import read_markdown

            document, front = read_markdown(text)
            return replace(document, notes=(*document.notes, *notes)), _front(front)
        from policykit.importing.html import read_html

        document, extra = read_html(text, shown)
        return replace(document, notes=(*document.notes, *notes)), extra
    if fmt == "docx":
        from policykit.importing.docx import read_docx

        return read_docx(data, shown)
    from policykit.importing.pdf import read_pdf

    return read_pdf(data, shown)


def _front(front: dict[str, Any]) -> dict[str, Any]:
    """What front matter says, by policykit's names (pandoc's `lang`, `author`)."""
    out: dict[str, Any] = {}
    for ours, keys in (("title", ("title",)), ("language", ("lang", "language")),
                       ("organisation", ("organisation", "author")), ("id", ("id",)),
                       ("owner", ("owner",)), ("keywords", ("keywords",)),
                       ("version", ("version",)), ("department", ("department",)),
                       ("case_number", ("case_number",)), ("kle", ("kle",))):  # fmt: skip
        for key in keys:
            value = front.get(key)
            if isinstance(value, str | list) and value:
                out[ours] = value
                break
    if out.get("language") not in (None, "da", "en"):
        out.pop("language")
    return out


def _with_front_matter(imported: Imported, extra: dict[str, Any]) -> Imported:
    policy = imported.policy
    changes: dict[str, Any] = {}
    if isinstance(extra.get("organisation"), str):
        changes["organisation"] = extra["organisation"]
    if isinstance(extra.get("owner"), str):
        changes["owner"] = extra["owner"]
    for name in ("version", "department", "case_number", "kle"):
        if isinstance(extra.get(name), str):
            changes[name] = extra[name]
    keywords = extra.get("keywords")
    if isinstance(keywords, list) and all(isinstance(k, str) for k in keywords):
        changes["keywords"] = tuple(keywords)
    if isinstance(extra.get("id"), str) and slug(extra["id"]) == extra["id"]:
        changes["id"] = extra["id"]
    return replace(imported, policy=replace(policy, **changes)) if changes else imported


def _target(path: Path, imported: Imported, options: ImportOptions, root: Path) -> Path:
    name = f"{imported.policy.id}.yaml"
    output = options.output
    if output is None:
        return root / POLICIES_FOLDER / name
    if output.suffix.lower() in (".yaml", ".yml") and not output.is_dir():
        return output
    return output / name


def _schema_path(target: Path, root: Path) -> str:
    """The schema folder as the written file's modeline sees it."""
    try:
        relative = target.resolve().parent.relative_to(root.resolve())
    except ValueError:
        return "../schema"
    return "/".join([".."] * len(relative.parts) + ["schema"]) if relative.parts else "schema"


def _exists(path: Path) -> UsageError:
    return UsageError(
        f"{display_path(path)} exists already",
        hint="policykit import never overwrites a file; give another --id, or -o elsewhere",
    )
