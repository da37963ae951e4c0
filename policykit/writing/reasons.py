"""Each change of a change set and why it is in its category, for a reader: where in the
document it is (the section's heading, or the field's label), what happened, the category
and the reason, in the document's language. The HTML and PDF redlines and the brief show
these rows; the Word redline has their lines as comments (`comment_lines`)."""

from __future__ import annotations

from dataclasses import dataclass

from policykit.comparing.diff import Change, ChangeSet, Kind
from policykit.writing.layout import Document, NumberedSection


@dataclass(frozen=True, slots=True)
class ReasonRow:
    place: str
    kind: str
    category: str
    reason: str
    #: For a category the secretariat overruled: what policykit had found, in words.
    overruled: str | None = None

    @property
    def line(self) -> str:
        """ "ændret, indholdsmæssig – 'skal' → 'kan' ændrer en pligt" """
        overruled = f" ({self.overruled})" if self.overruled else ""
        return f"{self.kind}, {self.category}{overruled} – {self.reason}"


def reason_rows(changes: ChangeSet, old: Document | None, new: Document) -> list[ReasonRow]:
    """One row per change, in the change set's order. Without the old version's document,
    a section that went is named by its field."""
    labels = new.locale.labels
    return [
        ReasonRow(
            place(change, old, new),
            labels[f"kind_{change.kind.value}"],
            labels[f"category_short_{change.category.value}"],
            change.reason.text(labels, field_label(change, new)),
            _overruled(change, labels),
        )
        for change in changes.changes
    ]


#: The lines of the Word redline's comments, by the anchor of the section they are on (None:
#: the metadata, commented on the title).
Comments = dict[str | None, list[str]]


def comment_lines(changes: ChangeSet, old: Document, new: Document) -> Comments:
    """Each change and why, as the Word redline comments on its section's heading: the
    reason row's line, and for the metadata where it is ("Status: ændret, …")."""
    out: Comments = {}
    rows = reason_rows(changes, old, new)
    for change, row in zip(changes.changes, rows, strict=True):
        section = section_of(change, old, new)
        where = section.anchor if section is not None else None
        label = "" if section is not None else f"{row.place}: "
        out.setdefault(where, []).append(f"{label}{row.line}{_moved_goal(change, new)}")
    return out


def _moved_goal(change: Change, new: Document) -> str:
    """For a goal moved within its group, where it came from and which it is, as the HTML
    redline says beside it: "; flyttet fra plads 3: “Kun medarbejdere, der …”"."""
    if change.kind is not Kind.MOVED or change.moved is None or change.part != "goals":
        return ""
    text = " ".join((change.new or change.old or "").split())
    quoted = text if len(text) <= 60 else text[:59].rstrip() + "…"
    return f"; {new.locale['goal_moved_from'].format(number=change.moved[0])}: “{quoted}”"


def _overruled(change: Change, labels: dict[str, str]) -> str | None:
    if change.found is None:
        return None
    return labels["overruled_from"].format(category=labels[f"category_short_{change.found.value}"])


def place(change: Change, old: Document | None, new: Document) -> str:
    """The heading of the section the change is in (the new version's, or the old one's
    for a section that went), or else the label of the field it changed."""
    section = section_of(change, old, new)
    return section.title if section is not None else field_label(change, new)


def section_of(change: Change, old: Document | None, new: Document) -> NumberedSection | None:
    """The section the change is in: the new version's, or the old one's for a section that
    went; None for a change to the metadata. The innermost: the longest section path that
    the change's path starts with (whole, or up to a `.` or a `[`)."""
    enclosing = [change.path[:i] for i, c in enumerate(change.path) if c in ".["]
    candidates = [change.path, *reversed(enclosing)]
    for document in (new, old) if old is not None else (new,):
        for path in candidates:
            if path in document.by_path:
                return document.by_path[path]
    return None


def field_label(change: Change, document: Document) -> str:
    """A field's label in the document's language, such as "Version"."""
    labels = document.locale.labels
    name = change.path.split("[", 1)[0].rsplit(".", 1)[-1]
    key = {
        "adoptions": "adoption",
        "records": "evaluation_record",
        "keywords": "keywords",
    }.get(name, name)
    return labels.get(key, change.path)
