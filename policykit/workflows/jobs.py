"""What a pool's worker runs: the jobs of an export, and of a diff's redlines.

A job goes to a worker as a function and its arguments, and the worker imports the
function's module as it takes its first job. This module imports little beyond the writers
and the layout, which a worker has readied: `workflows.export` would bring the checks, the
reader and the cache with it (12 ms of an early worker's first Word file, while the export
of one policy waits for it).
"""

from __future__ import annotations

from policykit.checking.shelf import Stored, unshelved
from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.writing.layout import Document, ExportOptions, layout
from policykit.writing.registry import Redline, Writer, writer


def render(policy: Policy, project: Project, options: ExportOptions, chosen: Writer) -> bytes:
    """One policy in one format, as bytes."""
    return chosen.write(layout(policy, project, options))


def render_job(policy: Stored, project: Project, options: ExportOptions, name: str) -> bytes:
    """A batch's file: its policy laid out and written. The pool is given the writer's
    name, since a name pickles and a function imported lazily may not; and the policy as
    the shelf keeps it, so that pending jobs hold pickles, not policies."""
    return render(unshelved(policy), project, options, writer(name))


def finish_job(prepared: str | None, document: Document, name: str) -> bytes:
    """The pool's part of a writer in two steps (`Writer.prepare`), such as the PDF of a
    page; of any other, all of it (`prepared` None)."""
    chosen = writer(name)
    if prepared is None:
        return chosen.write(document)
    assert chosen.finish is not None
    return chosen.finish(prepared, document)


def written_redline(made: Redline, chosen: Writer) -> bytes:
    """A diff's redline in the format of `chosen`."""
    assert chosen.redline is not None, f"{chosen.name} has no redline"
    return chosen.redline(made)


def redline_job(made: Redline, name: str) -> bytes:
    """A diff's redline, in a pool."""
    return written_redline(made, writer(name))
