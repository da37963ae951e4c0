"""The command line: flags in, workflow calls, rendered results and exit codes out.

Each command is a few lines over the workflows. Library errors become messages in one place,
`Commands.invoke`, and each error type has a fixed exit code (see `diagnostics.errors`).
Findings and the commands' own messages go to stderr; what a command was asked for (a JSON
report, a table, the paths it wrote) goes to stdout.

Unlike the rest of the package, this module does not postpone its annotations (no
`from __future__ import annotations`): typer reads every command's annotations each time
the command line starts, and as strings it would compile each one again (13 ms a run).
"""

import datetime as dt
import functools
import gc
import inspect
import io
import os
import signal
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from policykit import __version__
from policykit.diagnostics.errors import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    InvalidInputError,
    PolicykitError,
    UsageError,
)
from policykit.diagnostics.visible import visible
from policykit.writing.registry import WRITERS, writer

if TYPE_CHECKING:
    from policykit.checking.validate import Report
    from policykit.comparing.diff import Overruling
    from policykit.diagnostics.findings import Finding
    from policykit.model.project import Project
    from policykit.workflows.decisions import Recorded
    from policykit.workflows.render_pool import RenderPool
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import Writer


def escape(text: str) -> str:
    """`text` with rich's markup escaped. rich is imported as a message is printed, not as
    the command line starts (rich.markup takes 18 ms), so `export` starts its workers sooner."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class Commands(TyperGroup):
    """Turns library errors into messages and exit codes: the one place where that happens."""

    #: `--help` lists the commands in the order of the secretariat's year.
    ORDER = (
        "init", "import", "new", "validate", "diff", "export", "brief",
        "adopt", "evaluate", "repeal", "review", "catalog", "schema",
    )  # fmt: skip

    def list_commands(self, ctx: Any) -> list[str]:
        known = super().list_commands(ctx)
        last = len(self.ORDER)  # a command not in ORDER yet comes at the end
        return sorted(
            known, key=lambda name: self.ORDER.index(name) if name in self.ORDER else last
        )

    # typer vendors click's Context; `Any` accepts whichever this typer release passes.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInputError as error:
            _findings(error.findings, error.sources)
            _message("error", error.message, error.hint)
            raise typer.Exit(error.exit_code) from None
        except PolicykitError as error:
            _message("error", error.message, error.hint)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:
            # A write the library did not foresee: stdout at /dev/full, a disk that fills.
            _message("error", _os_error(error), "nothing was left half-written")
            raise typer.Exit(EXIT_USAGE) from None


def _os_error(error: OSError) -> str:
    """ "cannot write exports/a.pdf: no space left on device" (or "the output", for stdout)"""
    from policykit.edge.files import display_path

    reason = (error.strerror or str(error)).lower()
    where = f" {display_path(Path(error.filename))}" if error.filename else ""
    return f"cannot write{where or ' the output'}: {reason}"


def _message(level: str, message: str, hint: str | None = None) -> None:
    """An error or warning of the command itself (not a finding in a file), on stderr."""
    from policykit.cli.diagnostics import make_console

    console = make_console(stderr=True)
    style = "bold red" if level == "error" else "bold yellow"
    console.print(f"[{style}]{level}:[/] {escape(visible(message))}")
    if hint:
        console.print(f"   [cyan]= hint:[/] {escape(visible(hint))}")


def _findings(findings: list["Finding"], sources: dict[str, str]) -> None:
    """Findings on stderr, each with its source line and caret."""
    from policykit.cli.diagnostics import output_console, render_text

    render_text(findings, sources, output_console())


def _deprecated(old: str, new: str) -> None:
    _message("warning", f"{old} is deprecated and goes in the next release; use {new}")


app = typer.Typer(
    cls=Commands,
    name="policykit",
    help="A council's policies as structured YAML: validate, diff and export them, record "
    "the council's decisions, and keep track of when each is due for evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# --- options every command spells alike ----------------------------------------------------------


def _path(value: str | Path) -> Path:
    """A path as typed. An empty one (`-o ''`, an unset shell variable) is refused: click would
    read it as the current folder, and a command would write or read there."""
    if isinstance(value, Path):
        return value
    if not value.strip():
        raise typer.BadParameter("it is empty; name a file or folder")
    return Path(value)


_path.__name__ = "path"  # what `--help` shows as the value's type: `<path>`


# The policy files or folders most commands take; the project's `policies/` when none are given.
PolicyPaths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Policy files or folders. Default: the project's policies/",
        show_default=False,
        parser=_path,
    ),
]
# The day a command computes for: "as of this day".
AsOf = Annotated[
    str | None, typer.Option("--date", help="Compute as on this date, YYYY-MM-DD. Default: today.")
]
# `--on` was the name of --date in review and catalog; kept for one release.
LegacyOn = Annotated[str | None, typer.Option("--on", hidden=True)]
# A folder to write several files into; -o names a file in every command.
OutDir = Annotated[
    Path | None,
    typer.Option(
        "--out-dir",
        "-d",
        help="The folder to write to. Default: the project's exports/.",
        parser=_path,
    ),
]
# A template folder restyles every HTML page, the PDFs printed from them, and Word.
TemplateDir = Annotated[
    Path | None,
    typer.Option(
        "--template",
        help="A folder with any of the packaged templates, stylesheets and reference.docx.",
        parser=_path,
    ),
]
# The secretariat's own category for a change, with the reason recorded.
Classify = Annotated[
    list[str] | None,
    typer.Option(
        "--classify",
        help="Overrule a change's category: PATH=editorial:REASON or PATH=substantive:REASON "
        "(repeatable).",
    ),
]
# `-o` was the folder of export and brief; kept for one release.
LegacyOutput = Annotated[Path | None, typer.Option("--output", "-o", hidden=True, parser=_path)]


def _as_of(date: str | None, on: str | None) -> dt.date:
    if on is not None:
        _deprecated("--on", "--date")
        return _day(on, "--on")
    return _day(date, "--date")


def _out_dir(out_dir: Path | None, legacy: Path | None, root: Path) -> Path:
    from policykit.model.project import EXPORTS_FOLDER

    if legacy is not None:
        _deprecated("-o/--output for a folder", "-d/--out-dir (-o names a file)")
        return legacy
    return out_dir if out_dir is not None else root / EXPORTS_FOLDER


def _day(value: str | None, option: str) -> dt.date:
    """A date option as a date; today when it is not given."""
    if value is None:
        return dt.date.today()
    from policykit.model.intervals import FIRST_DAY, LAST_DAY, in_range

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value}: not a date", hint="write it as YYYY-MM-DD, such as 2026-12-10"
        ) from None
    if not in_range(day):
        raise UsageError(
            f"{option} {value}: outside the years {FIRST_DAY.year} to {LAST_DAY.year}",
            hint="check the year",
        )
    return day


def _overrulings(values: list[str] | None) -> list["Overruling"]:
    """`--classify PATH=CATEGORY:REASON` as overrulings; UsageError for another form."""
    from policykit.comparing.diff import Overruling
    from policykit.comparing.meaning import Category

    out = []
    for value in values or []:
        path, _, rest = value.partition("=")
        category, _, reason = rest.partition(":")
        if not path or category not in ("editorial", "substantive") or not reason.strip():
            raise UsageError(
                f"--classify {value}: not PATH=CATEGORY:REASON",
                hint="such as --classify 'principles[dialog].text=editorial:Only clarifies "
                "the wording'; the reason is recorded in the redline and the brief",
            )
        out.append(Overruling(path, Category(category), reason.strip()))
    return out


def _unmatched(overrulings: Sequence["Overruling"]) -> None:
    """A warning for each category given for a change that is not there."""
    from policykit.cli.diagnostics import make_console

    console = make_console(stderr=True)
    for ruling in overrulings:
        console.print(
            f"warning: the category given for `{escape(ruling.path)}` matches no change; "
            "`policykit diff` prints the paths of the changes"
        )


def _unrelated(old_id: str, new_id: str) -> None:
    """A warning when the two versions are two policies: their changes mean little."""
    from policykit.cli.diagnostics import make_console

    if old_id != new_id:
        make_console(stderr=True).print(
            f"warning: these are two different policies (`{escape(old_id)}` and "
            f"`{escape(new_id)}`), not two versions of one; the changes below compare them "
            "part by part"
        )


def _made(value: str, what: str) -> dt.date:
    """The date of a decision or evaluation that was made: not after today, since the
    register and review would take it as done."""
    day = _day(value, "--date")
    today = dt.date.today()
    if day > today:
        raise UsageError(
            f"--date {value}: the {what} date is after today ({today.isoformat()}); only what "
            "has happened is recorded",
            hint="record it on the day it is made, or after; `policykit brief --date` "
            "prepares a coming meeting",
        )
    return day


def _wrote(path: Path) -> None:
    from policykit.cli.diagnostics import make_console
    from policykit.edge.files import display_path

    make_console().print(f"wrote {escape(display_path(path))}")


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policykit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """policykit: policies as YAML, checked and published."""


# --- validate ------------------------------------------------------------------------------------


@app.command()
def validate(
    paths: PolicyPaths = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text, json or github annotations.")
    ] = OutputFormat.TEXT,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    stats: Annotated[
        bool, typer.Option("--stats", help="Show LIX and word counts per section.")
    ] = False,
) -> None:
    """Check policy files: structure, meaning and plain language."""
    from policykit.cli import diagnostics as render
    from policykit.edge.paths import locate
    from policykit.edge.workspace import validate_paths

    result = validate_paths(locate(paths).paths)
    if output is OutputFormat.JSON:
        typer.echo(render.to_json(result.findings, result.files))
    elif output is OutputFormat.GITHUB:
        if result.findings:
            typer.echo(render.to_github(result.findings))
    else:
        errors = render.output_console()
        render.render_text(result.findings, result.sources, errors)
        if stats:
            render.render_stats(result.stats(), render.make_console())
        errors.print(render.summary_line(result.findings, result.files))
    result.remember()
    raise typer.Exit(_validation_exit_code(result, strict))


def _validation_exit_code(result: "Report", strict: bool) -> int:
    """2 when input could not be read, 1 for errors (or warnings under --strict), else 0."""
    from policykit.diagnostics import rules

    if any(finding.rule is rules.UNREADABLE_FILE for finding in result.findings):
        return EXIT_USAGE
    failed = result.errors or (strict and result.warnings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _checked(
    paths: list[Path] | None, *, refused: Collection[str] = ()
) -> tuple["Report", list["Finding"], Path]:
    """Validate the policies under `paths` and show their errors; InvalidInputError if the
    project file has errors. The report, its errors and the project's folder. Findings of
    the `refused` rules (by code) count as errors: the command will not go on with them."""
    from policykit.edge.paths import locate
    from policykit.edge.workspace import checked_settings, validate_paths

    located = locate(paths)
    result = validate_paths(located.paths)
    checked_settings(result)
    if refused:
        result.findings[:] = [
            f.as_error() if f.rule.code in refused else f for f in result.findings
        ]
    errors = [finding for finding in result.findings if finding.is_error]
    _findings(errors, result.sources)
    return result, errors, located.root


# --- export: one flag per writer of the registry -------------------------------------------------

#: The PDF writer's variants, as the registry lists them.
PdfVariant = StrEnum(  # type: ignore[misc]
    "PdfVariant",
    [(name.replace("/", "_").replace("-", "_"), name) for name in writer("pdf").variants],
)
DEFAULT_PDF_VARIANT = PdfVariant(writer("pdf").variants[0])


def export(
    paths: PolicyPaths = None,
    out_dir: OutDir = None,
    template: TemplateDir = None,
    pdf_variant: Annotated[
        PdfVariant, typer.Option(help="PDF/UA-1 (tagged) by default; PDF/A for archiving.")
    ] = DEFAULT_PDF_VARIANT,
    legacy_output: LegacyOutput = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="PDF and Word workers. Default: the CPUs this process may use.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Render every file again, not from the cache.")
    ] = False,
    **chosen: bool,
) -> None:
    """Export policies to HTML, PDF and Word (all three unless some are chosen), or Markdown."""
    from policykit.edge.paths import count_policy_files
    from policykit.workflows.render_pool import RenderPool
    from policykit.writing.registry import default_writers

    writers = [w for w in WRITERS if chosen.get(w.name)] or default_writers()
    with RenderPool(writers, jobs) as pool:
        # Before the checks are even imported: the workers ready WeasyPrint meanwhile.
        pool.start_early(count_policy_files(paths))
        from policykit.cli import diagnostics as render
        from policykit.diagnostics.rules import PLACEHOLDER
        from policykit.edge.assets import export_options
        from policykit.edge.cache import RenderCache, user_secret
        from policykit.edge.paths import covers_project
        from policykit.model.project import PROJECT_FILE
        from policykit.workflows.export import Outcome, export_batch

        # A PDF is what goes to the council and the archive: no placeholder text in it.
        refused = {PLACEHOLDER.code} if any(w.name == "pdf" for w in writers) else set()
        result, errors, root = _checked(paths, refused=refused)
        project, policies = result.project, result.clean_policies()
        options = export_options(
            project, root, template, pdf_variant.value, result.policies.cards, result.digests
        )
        folder = _out_dir(out_dir, legacy_output, root)
        console = render.output_console(stderr=False)
        # The cache lives in a project; without a project file there is none, and all renders.
        cache = RenderCache(root if (root / PROJECT_FILE).is_file() else None, user_secret())
        # Of the whole project, the cache forgets what none of its policies is exported as.
        whole = result.policies.cards if covers_project(paths, root) else None

        def run(advance: Callable[[], None]) -> list[Outcome]:
            return export_batch(policies, project, options, writers, folder, advance,
                                cache=cache, force=force, pool=pool,
                                project_cards=whole)  # fmt: skip

        outcomes = render.run_with_progress(
            len(policies) * len(writers), run, render.output_console()
        )
    skipped = result.files - len(policies)  # files with errors were not exported
    render.render_export_summary(outcomes, skipped, console, cache)
    failed = bool(errors) or any(outcome.error for outcome in outcomes)
    if not failed:
        result.remember()
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _with_writer_flags(command: Callable[..., None]) -> Callable[..., None]:
    """The command with one `--<name>` flag per writer, in the registry's order."""
    signature = inspect.signature(command, eval_str=True)
    fixed = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
    flags = [
        inspect.Parameter(
            w.name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=False,
            annotation=Annotated[bool, typer.Option(f"--{w.name}", help=w.help)],
        )
        for w in WRITERS
    ]
    command.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[fixed[0], *flags, *fixed[1:]]
    )
    return command


app.command("export")(_with_writer_flags(export))


# --- diff ----------------------------------------------------------------------------------------


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The old version: a file, or FILE@REV (git).")],
    new: Annotated[str, typer.Argument(help="The new version: a file, or FILE@REV (git).")],
    output: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text (the terminal) or json.")
    ] = DiffFormat.TEXT,
    redlines: Annotated[
        list[Path] | None,
        typer.Option(
            "--output",
            "-o",
            help="Also write a redline: FILE.html, .pdf or .docx (repeatable).",
            parser=_path,
        ),
    ] = None,
    author: Annotated[
        str, typer.Option(help="The author of the Word redline's tracked changes.")
    ] = "policykit",
    template: TemplateDir = None,
    classify: Classify = None,
) -> None:
    """Compare two versions of a policy. Exit 0: identical, 1: different, 2: error."""
    from policykit.cli import diffreport
    from policykit.cli.diagnostics import output_console
    from policykit.edge.collector import rare_collections
    from policykit.edge.files import display_path, write_atomic
    from policykit.workflows import comparison as library
    from policykit.writing.registry import redline_writer

    paths = redlines or []
    chosen = [redline_writer(path.suffix, display_path(path)) for path in paths]
    # Asked for by the early Word draft and by the other redlines: made once (it reads the
    # logo, the templates and every policy's title).
    options_of = _made_once(functools.partial(_redline_options, template=template))
    # Its objects live until it ends: collected rarely, here and in the forked workers.
    with _redline_pool(chosen) as pool, rare_collections():
        early = library.EarlyRedline(options_of, author) if pool is not None else None
        result = library.compare_versions(old, new, _overrulings(classify), pool, early)
        _unmatched(result.unmatched)
        _unrelated(result.changes.old.id, result.changes.new.id)
        made: list[Callable[[], bytes]] = []
        if chosen:  # the slow ones sent to the pool now, to render while the report prints
            options = options_of(result.project, result.new.path)
            made = library.redlines(result, chosen, options, author=author, pool=pool, early=early)
        changes = result.changes
        if output is DiffFormat.JSON:
            typer.echo(diffreport.changes_to_json(changes, result.old.label, result.new.label))
        else:
            diffreport.render_changes(
                changes, result.old.label, result.new.label, output_console(stderr=False)
            )
        for path, data in zip(paths, made, strict=True):
            write_atomic(path, data())
            _wrote(path)
    raise typer.Exit(EXIT_OK if changes.identical else EXIT_FINDINGS)


def _made_once(
    make: "Callable[[Project, Path], ExportOptions]",
) -> "Callable[[Project, Path], ExportOptions]":
    """`make`, called the first time only: one command's project and new version."""
    made: list[ExportOptions] = []

    def once(project: "Project", path: Path) -> "ExportOptions":
        if not made:
            made.append(make(project, path))
        return made[0]

    return once


def _redline_options(project: "Project", path: Path, template: Path | None) -> "ExportOptions":
    """The redlines' options: the project's, with the template folder of `--template` or
    the project's, found from the new version's file."""
    from policykit.edge.assets import export_options
    from policykit.edge.paths import project_root

    return export_options(project, project_root([_existing(path)]), template)


def _redline_pool(writers: "list[Writer]") -> "AbstractContextManager[RenderPool | None]":
    """A pool for the slow redlines (Word, PDF), to start once the versions are read; none
    for a diff without them, which then imports no pool at all."""
    if not any(w.pool_from is not None for w in writers):
        return nullcontext()
    from policykit.workflows.render_pool import RenderPool

    return RenderPool([w for w in writers if w.pool_from is not None])


def _existing(path: Path) -> Path:
    """The nearest folder of `path` that exists: a file may exist only at a git revision."""
    folder = path.absolute().parent
    while not folder.is_dir():
        folder = folder.parent
    return folder


# --- decisions -----------------------------------------------------------------------------------


def _record(decide: Callable[[], "Recorded"]) -> None:
    """Run a decision and print what it wrote."""
    from policykit.cli.diagnostics import make_console

    console = make_console()
    recorded = decide()
    console.print(f"{escape(str(recorded.path))}: {escape(recorded.message)}")
    for note in recorded.notes:
        console.print(f"   [cyan]= note:[/] {escape(note)}")
    if recorded.removed is not None:
        console.print(f"moved {escape(str(recorded.removed))} over {escape(str(recorded.path))}")


@app.command()
def adopt(
    file: Annotated[
        Path, typer.Argument(help="The policy, or its draft revision in drafts/.", parser=_path)
    ],
    date: Annotated[str, typer.Option("--date", help="The date of the decision, YYYY-MM-DD.")],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="The body that adopted it. Default: the last adopter, or policykit.yaml's `body`.",
        ),
    ] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="The case reference.")] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Default: the bump diff suggests.")
    ] = None,
) -> None:
    """Record an adoption: status adopted, the version set, a draft moved over its policy."""
    from policykit.workflows.decisions import adopt as record

    day = _made(date, "adoption")
    _record(lambda: record(file, by, day, ref, version))


@app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(help="The policy.", parser=_path)],
    date: Annotated[str, typer.Option("--date", help="The date of the evaluation.")],
    note: Annotated[str | None, typer.Option("--note", help="What it found, briefly.")] = None,
) -> None:
    """Record an evaluation of a policy."""
    from policykit.workflows.decisions import evaluate as record

    day = _made(date, "evaluation")
    _record(lambda: record(file, day, note))


@app.command()
def repeal(
    file: Annotated[Path, typer.Argument(help="The policy.", parser=_path)],
    date: Annotated[str, typer.Option("--date", help="The date of the decision.")],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="The body that repealed it. Default: the last adopter, or policykit.yaml's body.",
        ),
    ] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="The case reference.")] = None,
) -> None:
    """Record a repeal: status repealed, and the decision under `repeal:`."""
    from policykit.workflows.decisions import repeal as record

    day = _made(date, "repeal")
    _record(lambda: record(file, by, day, ref))


# --- review --------------------------------------------------------------------------------------


class ReviewFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


@app.command()
def review(
    paths: PolicyPaths = None,
    output: Annotated[
        ReviewFormat, typer.Option("--format", "-f", help="text, json or csv.")
    ] = ReviewFormat.TEXT,
    fail_on_overdue: Annotated[
        bool, typer.Option("--fail-on-overdue", help="Exit 1 when a policy is overdue.")
    ] = False,
    date: AsOf = None,
    on: LegacyOn = None,
) -> None:
    """When each policy is next due for evaluation, soonest first."""
    from policykit.cli import reviewreport
    from policykit.cli.diagnostics import make_console
    from policykit.planning.review import State, review_all

    today = _as_of(date, on)
    result, errors, _ = _checked(paths)
    reviews = review_all(result.clean_policies(), today, result.project.electoral_calendar)
    if output is ReviewFormat.JSON:
        typer.echo(reviewreport.to_json(reviews, today))
    elif output is ReviewFormat.CSV:
        typer.echo(reviewreport.to_csv(reviews), nl=False)
    else:
        reviewreport.render_table(reviews, today, make_console())
    overdue = any(r.state is State.OVERDUE for r in reviews)
    failed = bool(errors) or (fail_on_overdue and overdue)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


# --- schema, brief, init, new, catalog -----------------------------------------------------------


@app.command()
def schema(
    project: Annotated[
        bool, typer.Option("--project", help="The schema of policykit.yaml instead.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="The schema of `diff --format json` instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of the policy format (for editors and tooling)."""
    from policykit.reading.schema import schema_text

    if project and diff:
        raise UsageError("--project and --diff do not go together: choose one schema")
    sys.stdout.write(schema_text("project" if project else "diff" if diff else "policy"))


@app.command()
def brief(
    file: Annotated[
        Path,
        typer.Argument(
            help="The proposal (a draft revision or a new policy), or the policy to repeal.",
            parser=_path,
        ),
    ],
    against: Annotated[
        str | None,
        typer.Option(help="The version in force: a file or FILE@REV. Default: drafts/../ID.yaml"),
    ] = None,
    repeal: Annotated[bool, typer.Option("--repeal", help="Propose to repeal FILE.")] = False,
    date: Annotated[
        str | None, typer.Option("--date", help="The meeting date, YYYY-MM-DD. Default: today.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="The deciding body. Default: the last adopter, or `body` in policykit.yaml.",
        ),
    ] = None,
    ref: Annotated[str | None, typer.Option("--ref", help="The case reference (sagsnr.).")] = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version", help="The version to adopt. Default: diff's bump, or the file's version."
        ),
    ] = None,
    out_dir: OutDir = None,
    template: TemplateDir = None,
    legacy_output: LegacyOutput = None,
    classify: Classify = None,
) -> None:
    """Write the one-page adoption brief (indstilling) for the agenda, as PDF and Word."""
    from policykit.cli.diagnostics import make_console
    from policykit.edge.assets import export_options
    from policykit.edge.files import prepare_folder, write_atomic
    from policykit.edge.paths import project_root
    from policykit.workflows.brief import load_brief, render_brief

    meeting = _day(date, "--date")
    loaded = load_brief(
        file,
        meeting,
        against=against,
        repeal=repeal,
        body=by,
        reference=ref,
        version=version,
        overrulings=_overrulings(classify),
    )
    root = project_root([loaded.path])
    options = export_options(loaded.project, root, template)
    folder = _out_dir(out_dir, legacy_output, root)
    prepare_folder(folder)
    for name, data in render_brief(loaded.brief, loaded.project, options):
        write_atomic(folder / name, data)
        _wrote(folder / name)
    make_console().print(escape(loaded.brief.recommendation))


@app.command()
def init(
    folder: Annotated[
        Path,
        typer.Argument(
            help="The folder to set up. Default: the current one.", show_default=False, parser=_path
        ),
    ] = Path(),
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="The organisation's name.")
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="The default language of policies: da or en.")
    ] = "da",
) -> None:
    """Start a policy repository: policykit.yaml, policies/, exports/ and an example policy."""
    from policykit.cli.diagnostics import make_console
    from policykit.edge.files import display_path
    from policykit.workflows.scaffold import init_repository

    result = init_repository(folder, organisation, language)
    console = make_console()
    for path in result.written:
        console.print(f"created {escape(display_path(path))}")
    for path in result.kept:
        console.print(f"kept {escape(display_path(path))}: it exists already")
    if result.git:
        console.print(f"created a git repository in {escape(display_path(folder))}")
    elif result.git is None:
        console.print(
            "   [cyan]= note:[/] git is not installed, so no repository was made; "
            "`diff FILE@REV` and `brief` read earlier versions from git"
        )
    here = folder.resolve() == Path.cwd().resolve()
    step = "" if here else f"`cd {escape(display_path(folder))}`, then "
    console.print(f'next: {step}`policykit validate`, and `policykit new ID --title "Title"`')


class ImportFormat(StrEnum):
    TXT = "txt"
    MD = "md"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


@app.command("import")
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(help="Documents or folders to import.", show_default=False, parser=_path),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The file (one source) or folder. Default: policies/.",
            parser=_path,
        ),
    ] = None,
    from_format: Annotated[
        ImportFormat | None,
        typer.Option(
            "--from", help="The format, when detection from the content should not decide."
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="da or en. Default: the text's language.")
    ] = None,
    policy_id: Annotated[
        str | None, typer.Option("--id", help="The policy's id. Default: from its title.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be written; write nothing.")
    ] = False,
    show_dropped: Annotated[
        bool, typer.Option("--show-dropped", help="List every line left out, and why.")
    ] = False,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text or json.")
    ] = DiffFormat.TEXT,
    update: Annotated[
        Path | None,
        typer.Option(
            "--update",
            help="Read an edited Word export back into this policy file; -o then writes "
            "a redline (.html, .pdf or .docx).",
            parser=_path,
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base", help="With --update: the git revision the Word file was exported from."
        ),
    ] = None,
) -> None:
    """Import existing policies (Word, PDF, web pages, Markdown, text) as policy files."""
    from policykit.cli import importreport
    from policykit.cli.diagnostics import make_console
    from policykit.workflows.importer import ImportOptions, import_all

    if update is not None:
        given = {"--from": from_format, "--language": language, "--id": policy_id,
                 "--show-dropped": show_dropped or None}  # fmt: skip
        for option, value in given.items():
            if value is not None:
                why = "--update reads back the policy's own Word export"
                raise UsageError(f"{option} does not go with --update", hint=why)
        _update_from_word(update, sources, output, base, dry_run, output_format)
    if base is not None:
        raise UsageError("--base goes with --update", hint="import --update FILE.yaml "
                         "EDITED.docx --base REV")  # fmt: skip

    if language is not None and language not in ("da", "en"):
        raise UsageError(f"--language {language}: not a language policykit knows",
                         hint="give da or en")  # fmt: skip
    if policy_id is not None:
        from policykit.workflows.scaffold import check_policy_id

        check_policy_id(policy_id)
    options = ImportOptions(
        output, from_format.value if from_format else None, language, policy_id, dry_run
    )
    with _import_progress(sources) as progress:
        batch = import_all(sources, options, Path.cwd(), progress)
    if output_format is DiffFormat.JSON:
        print(importreport.to_json(batch.results, batch.failed))
    else:
        console = make_console()
        for result in batch.results:
            importreport.render(result, console, show_dropped=show_dropped)
            if result.errors:
                _findings(result.errors, {importreport.display_target(result): result.yaml})
        if len(batch.results) + len(batch.failed) > 1:
            importreport.render_summary(batch.results, batch.failed, console)
        for source, message, hint in batch.failed:
            _message("error", f"{source}: {message}", hint)
    raise typer.Exit(batch.exit_code)


def _update_from_word(
    policy: Path,
    sources: list[Path],
    redline: Path | None,
    base: str | None,
    dry_run: bool,
    output_format: DiffFormat,
) -> NoReturn:
    """`import --update`: the Word file's edits into the policy file, the diff and report."""
    from policykit.cli import updatereport
    from policykit.cli.diagnostics import make_console
    from policykit.edge.files import display_path, write_atomic
    from policykit.workflows.roundtrip import redline_of, update_from_word
    from policykit.writing.registry import redline_writer

    if len(sources) != 1:
        raise UsageError("--update reads one Word file", hint="import --update FILE.yaml "
                         "EDITED.docx")  # fmt: skip
    chosen = redline_writer(redline.suffix, display_path(redline)) if redline else None
    result = update_from_word(policy, sources[0], base=base, dry_run=dry_run)
    if output_format is DiffFormat.JSON:
        typer.echo(updatereport.to_json(result))
    else:
        updatereport.render(result, make_console())
    if redline is not None and chosen is not None:
        write_atomic(redline, redline_of(result, chosen))
        _wrote(redline)
    done = result.update
    raise typer.Exit(EXIT_FINDINGS if done.not_applied or done.conflicts else EXIT_OK)


@contextmanager
def _import_progress(paths: list[Path]) -> Iterator[Callable[[Path], None] | None]:
    """A progress bar on the terminal (stderr) for a folder's import; none in a pipe."""
    from policykit.workflows.importer import sources_in

    count = len(list(sources_in(paths)))
    if count < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from policykit.cli.diagnostics import make_console

    with Progress(console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("importing", total=count)
        yield lambda source: bar.advance(task)


@app.command()
def new(
    policy_id: Annotated[
        str, typer.Argument(metavar="ID", help="The policy's id, such as `hr`; its file name.")
    ],
    title: Annotated[str, typer.Option("--title", help="The policy's title.")],
    language: Annotated[
        str | None, typer.Option("--language", help="da or en. Default: the project's language.")
    ] = None,
) -> None:
    """Start a new policy, policies/ID.yaml: a draft with the five parts to fill in."""
    from policykit.cli.diagnostics import make_console
    from policykit.edge.files import display_path
    from policykit.workflows.scaffold import new_policy, repository_root

    path = new_policy(repository_root(Path.cwd()), policy_id, title, language)
    make_console().print(f"created {escape(display_path(path))}")


@app.command()
def catalog(
    paths: PolicyPaths = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The page to write. Default: exports/index.html.", parser=_path
        ),
    ] = None,
    date: AsOf = None,
    on: LegacyOn = None,
    exports: Annotated[
        Path | None,
        typer.Option(
            help="The folder of the exported files it links to. Default: the page's.", parser=_path
        ),
    ] = None,
    template: TemplateDir = None,
) -> None:
    """Write the policy register for the website: every policy, its status and next review."""
    from policykit.cli.diagnostics import make_console
    from policykit.edge.files import display_path
    from policykit.model.project import EXPORTS_FOLDER
    from policykit.workflows.register import write_register

    today = _as_of(date, on)
    result, errors, root = _checked(paths)
    page = output if output is not None else root / EXPORTS_FOLDER / "index.html"
    written = write_register(result, root, page, exports, today, template)
    make_console().print(f"wrote {escape(display_path(page))}: {written.policies} policies")
    if written.missing:
        folder = display_path(written.folder)
        _message(
            "warning",
            f"{len(written.missing)} of the files the register links to are not in "
            f"{folder}/ yet, such as {written.missing[0]}",
            hint=f"run `policykit export -d {folder}` to write them",
        )
    raise typer.Exit(EXIT_FINDINGS if errors else EXIT_OK)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    """The console script. Text the terminal's encoding cannot show (a Danish title on an
    ASCII terminal) is escaped, not an error; and a failure to write to stdout itself is a
    message and exit 2."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    # SIGTERM as an interrupt, so that every `finally` runs: the PDF workers are let go
    # and no temporary file is left (`edge.files.write_atomic`).
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    finally:
        # Everything left is freed as the process ends, each object by its count: Python's
        # last collection would first walk every object of every module the command loaded
        # (20 to 60 ms, a sixth of `validate` on one file), looking for cycles to break.
        gc.freeze()
        try:
            sys.stdout.flush()
        except OSError as error:
            sys.stderr.write(f"error: cannot write to standard output: {error.strerror}\n")
            # Python would flush stdout again at exit and report the same failure.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(EXIT_USAGE) from None
