"""The table of writers: every output format policykit writes, stated once.

`policykit export`'s flags, the file names of exports, the register's list of files, the redline
formats of `policykit diff` and the PDF variants are all built from `WRITERS`. Each writer's
module is imported only when it writes, so a command that writes nothing never loads
WeasyPrint, python-docx or Jinja2.

To add a format: write one module with a pure `write_<name>(document) -> str | bytes`, add one
`Writer` below, and one label `catalog_file_<name>` per locale if the register lists it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policykit.diagnostics.errors import UsageError
from policykit.model.project import DRAFT_SUFFIX

if TYPE_CHECKING:
    from policykit.checking.shelf import Card
    from policykit.comparing.diff import ChangeSet
    from policykit.model.policy import Policy
    from policykit.writing.layout import Document


@dataclass(frozen=True, slots=True)
class Redline:
    """How a redline is made: the change set, both versions laid out, and for Word's tracked
    changes their author and date."""

    changes: ChangeSet
    old: Document
    new: Document
    author: str = "policykit"
    date: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Writer:
    """One output format: how it writes a policy and a redline, and when it pools."""

    #: The name on the command line (`--html`) and in messages.
    name: str
    #: The format's name for people: "Word", not "docx".
    title: str
    #: The file name's ending, with its dot.
    extension: str
    media_type: str
    #: A slow writer renders in the process pool of a batch once the batch has this many of
    #: its files to render (None: always in this process, for writers that take a
    #: millisecond or two). A pool started for the batch takes about 0.4 s; one started
    #: while the files are checked takes every file of a slow writer (`workflows.render_pool`).
    pool_from: int | None
    #: Written by `policykit export` when no format is chosen.
    default: bool
    #: Listed, with the label `catalog_file_<name>`, among each policy's files in the register.
    in_register: bool
    #: One policy laid out, as bytes.
    write: Callable[[Document], bytes]
    #: A redline of two versions in this format, if it has one.
    redline: Callable[[Redline], bytes] | None = None
    #: Variants the writer can be asked for (PDF/UA, PDF/A); the first is the default.
    variants: tuple[str, ...] = ()
    #: What of the export's options it reads besides the branding and the policies' titles:
    #: `pages` (the HTML templates and stylesheets), `reference_docx`, `pdf_variant`. The
    #: export cache keys its files by these only, so that a new stylesheet renders no Word.
    reads: tuple[str, ...] = ()
    #: For a slow writer: readies its engine in a pool's worker before the first file
    #: (imports it, parses its template), while the command still checks the policies.
    ready: Callable[[], None] | None = None
    #: A writer in two steps, `write` being `finish(prepare(document), document)`: a batch
    #: prepares in this process and finishes in the pool. The PDF's page is made here, so
    #: that a worker still loading WeasyPrint has only the printing left to do.
    prepare: Callable[[Document], str] | None = None
    finish: Callable[[str, Document], bytes] | None = None

    @property
    def help(self) -> str:
        return f"Write {self.title}."


# --- the writers, imported when they write ----------------------------------------------------


def _html(document: Document) -> bytes:
    from policykit.writing.html import write_html

    return write_html(document).encode("utf-8")


def _pdf(document: Document) -> bytes:
    from policykit.writing.pdf import write_pdf

    return write_pdf(document)


def _print_page(document: Document) -> str:
    from policykit.writing.pdf import page_to_print

    return page_to_print(document)


def _print(page: str, document: Document) -> bytes:
    from policykit.writing.pdf import html_to_pdf

    return html_to_pdf(page, document)


def _ready_pdf() -> None:
    from policykit.writing.pdf import ready

    ready()


def _docx(document: Document) -> bytes:
    from policykit.writing.docx import write_docx

    return write_docx(document)


def _ready_docx() -> None:
    from policykit.writing.docx.package import ready

    ready()


def _markdown(document: Document) -> bytes:
    from policykit.writing.markdown import write_markdown

    return write_markdown(document).encode("utf-8")


def _redline_html_text(redline: Redline) -> str:
    from policykit.writing.redline_html import write_redline_html

    return write_redline_html(redline.changes, redline.old, redline.new)


def _redline_html(redline: Redline) -> bytes:
    return _redline_html_text(redline).encode("utf-8")


def _redline_pdf(redline: Redline) -> bytes:
    from policykit.writing.pdf import html_to_pdf

    return html_to_pdf(_redline_html_text(redline), redline.new)


def redline_date(date: dt.datetime | None) -> dt.datetime:
    """The date of a Word redline's tracked changes: `date`, or now."""
    return date or dt.datetime.now(dt.UTC).replace(microsecond=0)


def _redline_docx(redline: Redline) -> bytes:
    from policykit.writing.redline_docx import write_redline_docx

    when = redline_date(redline.date)
    return write_redline_docx(
        redline.old, redline.new, author=redline.author, date=when, changes=redline.changes
    )


PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2b", "pdf/a-2u", "pdf/a-3b", "pdf/a-3u", "pdf/a-4u")

#: A Word document takes 38 ms; from this many, two processes beat one that starts none.
WORD_POOL_FROM = 24

WRITERS: tuple[Writer, ...] = (
    Writer(
        "html", "HTML", ".html", "text/html",
        pool_from=None, default=True, in_register=True, write=_html, redline=_redline_html,
        reads=("pages",),
    ),
    Writer(
        "pdf", "PDF", ".pdf", "application/pdf",
        pool_from=2, default=True, in_register=True, write=_pdf, redline=_redline_pdf,
        variants=PDF_VARIANTS, reads=("pages", "pdf_variant"), ready=_ready_pdf,
        prepare=_print_page, finish=_print,
    ),
    Writer(
        "docx", "Word", ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        pool_from=WORD_POOL_FROM, default=True, in_register=True, write=_docx,
        redline=_redline_docx, reads=("reference_docx",), ready=_ready_docx,
    ),
    Writer(
        "md", "Markdown", ".md", "text/markdown",
        pool_from=None, default=False, in_register=False, write=_markdown,
    ),
)  # fmt: skip

BY_NAME = {writer.name: writer for writer in WRITERS}


def writer(name: str) -> Writer:
    return BY_NAME[name]


def default_writers() -> list[Writer]:
    return [w for w in WRITERS if w.default]


def register_writers() -> list[Writer]:
    return [w for w in WRITERS if w.in_register]


def redline_writer(suffix: str, shown: str) -> Writer:
    """The redline writer for a file name's ending; UsageError if there is none."""
    for candidate in WRITERS:
        if candidate.redline is not None and candidate.extension == suffix.lower():
            return candidate
    endings = [w.extension for w in WRITERS if w.redline is not None]
    listed = ", ".join(endings[:-1]) + f" or {endings[-1]}" if len(endings) > 1 else endings[0]
    raise UsageError(
        f"{shown}: a redline is written as {listed}",
        hint="name the output file with one of those endings",
    )


def output_name(policy: Policy | Card, chosen: Writer) -> str:
    """`<id>.<ext>`; a draft revision shares its policy's id, so it gets `<id>-draft.<ext>`."""
    stem = f"{policy.id}{DRAFT_SUFFIX}" if policy.is_draft_revision else policy.id
    return stem + chosen.extension
