"""Every output policykit writes, made from one golden case's settings, normalised for comparison.

The golden tests in `test_goldens.py` compare these with the files beside each case. This
module is the one place that knows which library call makes which output, so a refactor that
moves code changes this file and no golden.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from ruamel.yaml import YAML

from policykit.comparing.diff import compare
from policykit.edge.assets import export_options
from policykit.model.policy import Policy, Status
from policykit.model.project import Project
from policykit.planning.brief import Action, make_brief
from policykit.planning.review import review_all
from policykit.reading.reader import read_policy, read_project
from policykit.writing.brief import write_brief_docx, write_brief_html
from policykit.writing.catalog import write_catalog
from policykit.writing.docx import write_docx
from policykit.writing.html import write_html
from policykit.writing.layout import ExportOptions, layout
from policykit.writing.markdown import write_markdown
from policykit.writing.redline_docx import write_redline_docx
from policykit.writing.redline_html import write_redline_html
from tests.conftest import ROOT

#: The tracked changes' date in the Word redline: fixed, so the golden does not follow the clock.
REDLINE_DATE = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
REDLINE_AUTHOR = "policykit"


@dataclass(frozen=True, slots=True)
class Case:
    """A golden case's settings, as its `case.yaml` gives them (black's flags, for writers)."""

    folder: Path
    policy: str | None = None
    old: str | None = None
    register: tuple[str, ...] = ()
    project: dict[str, Any] | None = None
    meeting: dt.date | None = None
    today: dt.date = dt.date(2026, 12, 1)
    new_policy: bool = False
    repeal: bool = False
    #: The outputs the case makes, when not every one it can.
    outputs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Case:
        settings = YAML(typ="safe").load((folder / "case.yaml").read_text("utf-8"))
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(settings) - names
        assert not unknown, f"{folder.name}/case.yaml: unknown settings {sorted(unknown)}"
        settings["register"] = tuple(settings.get("register", ()))
        settings["outputs"] = tuple(settings.get("outputs", ()))
        return cls(folder=folder, **settings)

    @property
    def settings(self) -> Project:
        """The case's project file; the repository's when it gives none, and no file at all
        (the defaults) when it gives `project: {}`."""
        if self.project == {}:
            return Project()
        if self.project is None:
            data = (ROOT / "policykit.yaml").read_bytes()
        else:
            buffer = io.StringIO()
            YAML().dump(self.project, buffer)
            data = buffer.getvalue().encode("utf-8")
        read = read_project(data, "policykit.yaml")
        assert not [f for f in read.findings if f.is_error], read.findings
        return read.project

    def read(self, path: str) -> Policy:
        draft = Path(path).parent.name == "drafts"
        result = read_policy((ROOT / path).read_bytes(), path, self.settings, draft=draft)
        assert result.policy is not None, result.findings
        policy = result.policy
        if self.new_policy:
            policy = dataclasses.replace(policy, status=Status.DRAFT, adoptions=())
        return policy

    @property
    def options(self) -> ExportOptions:
        return export_options(self.settings, ROOT)


# --- normalisation ------------------------------------------------------------------------------

_STYLE = re.compile(r"(<style>\n).*?(</style>)", re.S)


def without_stylesheets(page: str) -> str:
    """The page with each inline stylesheet's body left out, so that a CSS change does not touch
    every golden (the CSS has tests of its own, and screenshots)."""
    return _STYLE.sub(r"\1/* stylesheet left out of the golden */\n\2", page)


def document_xml(package: bytes) -> str:
    """A Word package's `word/document.xml`, pretty-printed."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        xml = archive.read("word/document.xml")
    root = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(root, pretty_print=True, encoding="unicode")


# --- the outputs ----------------------------------------------------------------------------------


def _document(case: Case) -> Any:
    assert case.policy
    return layout(case.read(case.policy), case.settings, case.options)


def policy_html(case: Case) -> str:
    return without_stylesheets(write_html(_document(case)))


def policy_markdown(case: Case) -> str:
    return write_markdown(_document(case))


def policy_docx(case: Case) -> str:
    return document_xml(write_docx(_document(case)))


def _versions(case: Case) -> tuple[Any, Any, Any]:
    assert case.policy and case.old
    old, new = case.read(case.old), case.read(case.policy)
    settings, options = case.settings, case.options
    return compare(old, new), layout(old, settings, options), layout(new, settings, options)


def redline_html(case: Case) -> str:
    return without_stylesheets(write_redline_html(*_versions(case)))


def redline_docx(case: Case) -> str:
    changes, old, new = _versions(case)
    data = write_redline_docx(old, new, author=REDLINE_AUTHOR, date=REDLINE_DATE, changes=changes)
    return document_xml(data)


def _brief(case: Case) -> tuple[Any, Any]:
    assert case.policy and case.meeting
    calendar = case.settings.electoral_calendar
    if case.old:
        changes = compare(case.read(case.old), case.read(case.policy))
        brief = make_brief(
            changes.new, Action.REVISION, case.meeting, changes=changes, calendar=calendar
        )
    else:
        action = Action.REPEAL if case.repeal else Action.NEW
        brief = make_brief(case.read(case.policy), action, case.meeting, calendar=calendar)
    return brief, layout(brief.policy, case.settings, case.options)


def brief_html(case: Case) -> str:
    return without_stylesheets(write_brief_html(*_brief(case)))


def brief_docx(case: Case) -> str:
    return document_xml(write_brief_docx(*_brief(case)))


def register_html(case: Case) -> str:
    policies = [case.read(path) for path in case.register]
    settings = case.settings
    reviews = review_all(policies, case.today, settings.electoral_calendar)
    revisions = {p.id: p for p in policies if p.is_draft_revision}
    page = write_catalog(reviews, settings, case.options, case.today, revisions=revisions)
    return without_stylesheets(page)


def makes(case: Case, name: str) -> bool:
    """Whether the case makes the output called `name`: it has what that needs, and asks."""
    _, applies = OUTPUTS[name]
    return applies(case) and (not case.outputs or name in case.outputs)


#: Each output's golden file name, what makes it, and whether a case has what it needs.
OUTPUTS: dict[str, tuple[Callable[[Case], str], Callable[[Case], bool]]] = {
    "policy.html": (policy_html, lambda c: c.policy is not None),
    "policy.document.xml": (policy_docx, lambda c: c.policy is not None),
    "policy.md": (policy_markdown, lambda c: c.policy is not None),
    "redline.html": (redline_html, lambda c: c.old is not None),
    "redline.document.xml": (redline_docx, lambda c: c.old is not None),
    "brief.html": (brief_html, lambda c: c.meeting is not None),
    "brief.document.xml": (brief_docx, lambda c: c.meeting is not None),
    "register.html": (register_html, lambda c: bool(c.register)),
}
