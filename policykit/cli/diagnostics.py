"""Rendering findings: a human report in the style of pip's and rustc's diagnostics (error,
location, source line with a caret, note, hint), JSON for tooling, and GitHub Actions
annotations.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from policykit.checking.checks import SectionStats
from policykit.diagnostics.findings import Finding, count
from policykit.diagnostics.rules import Severity
from policykit.diagnostics.visible import visible
from policykit.edge.files import display_path
from policykit.model.policy import Policy, Span

if TYPE_CHECKING:
    from rich.console import Console

    from policykit.edge.cache import RenderCache
    from policykit.workflows.export import Outcome

T = TypeVar("T")


def make_console(**options: Any) -> Console:
    """A console for reports: no emoji codes (`x.yaml:100:7` must not become 💯), no
    highlighting of numbers, and no wrapping, so carets stay under their column."""
    from rich.console import Console

    return Console(emoji=False, highlight=False, soft_wrap=True, **options)


class PlainText:
    """A stream that no colour can show on (a pipe, a file), written as the plain text a
    console would write to it, without importing rich: a tenth of `validate` on one file,
    which is how a commit hook or an editor runs it, and of `export` in a script. `print`
    writes its text as it is, so it is given no markup."""

    #: As a rich console has it: none, the text is plain.
    color_system = None

    def __init__(self, file: TextIO) -> None:
        self.file = file

    def print(self, text: str = "") -> None:
        self.file.write(text + "\n")


def output_console(stderr: bool = True) -> Console | PlainText:
    """Where findings and reports go: stderr (or stdout) as plain text when it surely shows
    no colour, as rich would decide it (not a terminal, and neither `TTY_COMPATIBLE=1` nor
    a `FORCE_COLOR` says otherwise); else a rich console, which decides the rest."""
    stream = sys.stderr if stderr else sys.stdout
    forced = os.environ.get("TTY_COMPATIBLE") == "1" or os.environ.get("FORCE_COLOR")
    if not forced and not _isatty(stream):
        return PlainText(stream)
    return make_console(stderr=stderr)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


# --- human output ---------------------------------------------------------------------------

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}

#: A line of a report (a finding's, the export's summary, a diff's) as pieces of text, each
#: with its rich style ("" for none).
Line = list[tuple[str, str]]


def render_text(
    findings: Sequence[Finding], sources: Mapping[str, str], console: Console | PlainText
) -> None:
    """Print findings as `error[PK101]: message`, `--> file:line:col`, the line and a caret,
    a blank line after each (`print_lines`)."""
    # Each file split into lines once, not once a finding: 20,000 findings in one file.
    # Lines as the spans count them: at \n only (str.splitlines also breaks at \x85, \x0c
    # and U+2028, which a source line may hold and the caret's line must show).
    lines = {name: _lines(text) for name, text in sources.items()}
    out: list[Line] = []
    for finding in findings:
        out.extend(_finding_lines(finding, lines))
        out.append([])
    print_lines(out, console)


def print_lines(lines: Sequence[Line], console: Console | PlainText) -> None:
    """Lines of styled pieces: through rich where colours may show; else (a pipe, a file,
    `NO_COLOR`) as plain text written at once, which is what rich would write, at a
    fraction of the cost (a thousand files' findings are tens of thousands of lines).
    Every piece is made visible (`visible`), so no control character is left for rich to
    strip."""
    if console.color_system is not None:
        from rich.text import Text

        for line in lines:
            console.print(Text.assemble(*line))
        return
    if lines:
        console.file.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        console.file.flush()


def _lines(text: str) -> list[str]:
    return [line.removesuffix("\r") for line in text.split("\n")] if text else []


def _finding_lines(finding: Finding, sources: Mapping[str, list[str]]) -> list[Line]:
    style = _STYLE[finding.severity]
    lines = [
        [
            (f"{finding.severity.value}[{finding.rule.code}]", style),
            (f": {visible(finding.message)}", "bold"),
        ]
    ]
    if finding.span is not None:
        lines.extend(_location(finding.span, finding.width, sources, style))
    for note in finding.notes:
        where = f" ({note.span})" if note.span else ""
        lines.append([("   = note:", "cyan"), (f" {visible(note.message + where)}", "")])
    if finding.hint:
        lines.append([("   = hint:", "cyan"), (f" {visible(finding.hint)}", "")])
    return lines


def _location(span: Span, width: int, sources: Mapping[str, list[str]], style: str) -> list[Line]:
    lines = [[("  -->", "blue"), (f" {visible(str(span))}", "")]]
    source = sources.get(span.file, [])
    if not 1 <= span.line <= len(source):
        return lines
    raw = source[span.line - 1].expandtabs(1)
    # Control and invisible characters spelled out, the caret moved along with them.
    column = len(visible(raw[: span.column - 1])) + 1
    line, column = _window(visible(raw), column)
    gutter = str(span.line)
    pad = " " * len(gutter)
    caret_width = max(1, min(width, len(line) - column + 1))
    lines.append([(f"  {pad} |", "blue")])
    lines.append([("  " + gutter + " | ", "blue"), (line, "")])
    caret = [("  " + pad + " | ", "blue"), (" " * (column - 1), ""), ("^" * caret_width, style)]
    lines.append(caret)
    return lines


def _window(line: str, column: int, limit: int = 100) -> tuple[str, int]:
    """At most `limit` characters of a long line, around `column`; and the column within."""
    if len(line) <= limit:
        return line, column
    start = max(0, min(column - limit // 2, len(line) - limit))
    shown = line[start : start + limit]
    prefix = "…" if start else ""
    suffix = "…" if start + limit < len(line) else ""
    return prefix + shown + suffix, column - start + len(prefix)


def render_stats(stats: Sequence[tuple[Policy, Sequence[SectionStats]]], console: Console) -> None:
    """A table per policy: words, sentences, long words and LIX of each numbered section."""
    from rich.markup import escape
    from rich.table import Table

    for policy, sections in stats:
        table = Table(title=f"{policy.title} ({policy.id})", title_justify="left")
        for name in ("§", "section", "words", "sentences", "long words", "LIX", "reading"):
            table.add_column(name, justify="left" if name in ("section", "reading") else "right")
        for s in sections:
            r = s.readability
            table.add_row(
                str(s.number) if s.number is not None else "",
                escape(s.heading or s.key),
                str(r.words),
                str(r.sentences),
                str(r.long_words),
                f"{r.lix:.0f}",
                r.band,
            )
        console.print(table)
        console.print()


def run_with_progress(
    total: int, work: Callable[[Callable[[], None]], T], console: Console | PlainText
) -> T:
    """Run `work` under a progress bar; `work` calls the function it is given once per step.
    Where no bar can show (`PlainText`), the work alone: rich would draw nothing there."""
    if isinstance(console, PlainText):
        return work(lambda: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("exporting"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("export", total=total)
        return work(lambda: progress.advance(task))


def render_export_summary(
    outcomes: Sequence[Outcome],
    skipped: int,
    console: Console | PlainText,
    cache: RenderCache | None = None,
) -> None:
    lines: list[Line] = []
    for outcome in outcomes:
        name = visible(f"{outcome.policy.id} ({outcome.policy.file})")
        if outcome.error:
            lines.append([("failed:", "bold red"), (f" {name}: {visible(outcome.error)}", "")])
        else:
            files = ", ".join(display_path(path) for path in outcome.written)
            lines.append([("wrote", "green"), (f" {visible(files)}", "")])
    exported = sum(1 for outcome in outcomes if not outcome.error)
    line = f"{exported} exported, {len(outcomes) - exported + skipped} failed"
    if cache is not None and cache.root is not None:
        line += f" · {cache.rendered} rendered, {cache.cached} from the cache"
    lines.append([(line, "")])
    print_lines(lines, console)


def summary_line(findings: Sequence[Finding], files: int) -> str:
    errors, warnings = count(findings)
    noun = "file" if files == 1 else "files"
    return (
        f"{files} {noun} checked: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )


# --- machine output -------------------------------------------------------------------------


def to_json(findings: Sequence[Finding], files: int) -> str:
    """A stable JSON report; the shape is documented in docs/rules.md."""
    errors, warnings = count(findings)
    report = {
        "version": 1,
        "files": files,
        "errors": errors,
        "warnings": warnings,
        "findings": [_finding_dict(f) for f in findings],
    }
    return json.dumps(report, ensure_ascii=False, indent=2)


def _finding_dict(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.rule.code,
        "rule": finding.rule.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        **_span_dict(finding.span),
        "notes": [{"message": n.message, **_span_dict(n.span)} for n in finding.notes],
    }


def _span_dict(span: Span | None) -> dict[str, object]:
    if span is None:
        return {"file": None, "line": None, "column": None}
    return {"file": span.file, "line": span.line, "column": span.column}


def to_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one `::error file=…,line=…,col=…::…` per finding."""
    lines = []
    for finding in findings:
        level = "error" if finding.is_error else "warning"
        props = [f"title={_gh_property(f'{finding.rule.code} {finding.rule.name}')}"]
        if finding.span:
            span = finding.span
            props[:0] = [
                f"file={_gh_property(span.file)}",
                f"line={span.line}",
                f"col={span.column}",
            ]
        message = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
        lines.append(f"::{level} {','.join(props)}::{_gh_data(message)}")
    return "\n".join(lines)


def _gh_data(value: str) -> str:
    # The escaping GitHub's runner applies to command data (toolkit's escapeData).
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")
