"""The workflow behind `policykit catalog`: the register page of every policy, written beside
(or into) the export folder it links to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from policykit.checking.validate import Report
from policykit.edge.assets import export_options
from policykit.edge.files import write_atomic
from policykit.planning.review import review_all
from policykit.writing.catalog import link_base, linked_files, write_catalog


@dataclass(frozen=True, slots=True)
class Register:
    page: Path
    policies: int
    #: The folder of the exported files the page links to.
    folder: Path
    #: Files the page links to that are not in `folder` yet.
    missing: list[str]


def write_register(
    report: Report,
    root: Path,
    page: Path,
    exports: Path | None,
    today: dt.date,
    template: Path | None = None,
) -> Register:
    """Write the register of the report's valid policies, as on `today`, to `page`."""
    project, policies = report.project, report.clean_policies()
    reviews = review_all(policies, today, project.electoral_calendar)
    revisions = {policy.id: policy for policy in policies if policy.is_draft_revision}
    folder = exports if exports is not None else page.parent
    html = write_catalog(
        reviews,
        project,
        export_options(project, root, template, known=report.policies.cards),
        today,
        revisions=revisions,
        link_base=link_base(page.parent, folder),
    )
    write_atomic(page, html.encode("utf-8"))
    missing = [name for name in linked_files(reviews, revisions) if not (folder / name).exists()]
    return Register(page, len(reviews), folder, missing)
