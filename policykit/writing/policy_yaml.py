"""The YAML writer: any policy model as a policy file that reads back as the same model.

The importers write their files through this. The file has the schema modeline, the metadata
in a stable key order, every prose field as a literal block scalar (`|`), and the parts and
free sections in the author's order, with `order:` where the default would not give it. Prose
is written as CommonMark with its markup characters escaped, so that its words read back as
the same words; links to other policies stay `policy:ID`.
"""

from __future__ import annotations

import io
from typing import Any

from policykit.model.intervals import Interval
from policykit.model.outline import PART_NAMES, default_order
from policykit.model.policy import (
    Decision,
    Definitions,
    Evaluation,
    GoalItem,
    Goals,
    Policy,
    Principles,
    Prose,
    Purpose,
    Section,
)
from policykit.reading.prose import commonmark

#: The schema's path as seen from `policies/`; a file in `policies/drafts/` is a level deeper.
MODELINE = "# yaml-language-server: $schema={schema}/policy.schema.json\n"


def write_policy_yaml(policy: Policy, schema: str = "../schema") -> str:
    """The policy as a YAML file; `schema` is the path from the file to the schema folder."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    out = io.StringIO()
    out.write(MODELINE.format(schema=schema) + "\n")
    yaml.dump(policy_data(policy), out)
    return out.getvalue()


def policy_data(policy: Policy) -> dict[str, Any]:
    """The policy as the plain data of its file (prose as canonical CommonMark), in one form
    whatever form its file took: what `import --update` compares and merges."""
    data: dict[str, Any] = {"format": policy.format, "id": policy.id, "title": policy.title}
    _put(data, "organisation", policy.organisation)
    data["language"] = policy.language
    data["version"] = policy.version
    data["status"] = policy.status.value
    _put(data, "owner", policy.owner)
    _put(data, "department", policy.department)
    _put(data, "case_number", policy.case_number)
    _put(data, "kle", policy.kle)
    if policy.contact is not None:
        contact = {"name": policy.contact.name}
        _put(contact, "email", policy.contact.email)
        _put(contact, "phone", policy.contact.phone)
        data["contact"] = contact
    if policy.adoptions:
        data["adoptions"] = [_decision(d) for d in policy.adoptions]
    if policy.repeal is not None:
        data["repeal"] = _decision(policy.repeal)
    if policy.legal_basis:
        data["legal_basis"] = [_titled(law.title, law.url) for law in policy.legal_basis]
    if policy.related:
        data["related"] = [_titled(doc.title, doc.url) for doc in policy.related]
    if policy.keywords:
        data["keywords"] = list(policy.keywords)
    if policy.classification:
        data["classification"] = [
            {"path": o.path, "category": o.category, "reason": o.reason}
            for o in policy.classification
        ]
    order = policy.order or default_order(policy)
    wrote_sections = False
    for name in order:
        if name in PART_NAMES:
            data[name] = _PARTS[name](getattr(policy, name))
        elif not wrote_sections:  # the free sections stand where the first of them does
            data["sections"] = [_section(s) for s in policy.sections]
            wrote_sections = True
    if policy.sections and not wrote_sections:
        data["sections"] = [_section(s) for s in policy.sections]
    if tuple(order) != default_order(policy):
        data["order"] = list(order)
    return data


def _put(data: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        data[key] = value


def _prose(prose: Prose) -> Any:
    from ruamel.yaml.scalarstring import LiteralScalarString

    return LiteralScalarString(commonmark(prose, None, keep_breaks=True) + "\n")


def _titled(title: str, url: str | None) -> dict[str, str]:
    data = {"title": title}
    _put(data, "url", url)
    return data


def _decision(decision: Decision) -> dict[str, Any]:
    data: dict[str, Any] = {"date": decision.date.isoformat(), "body": decision.body}
    _put(data, "reference", decision.reference)
    _put(data, "note", decision.note)
    return data


def _headed(heading: str | None, intro: Prose | None = None) -> dict[str, Any]:
    """A part's own `heading` and `intro`, those it has."""
    data: dict[str, Any] = {"heading": heading} if heading is not None else {}
    if intro is not None:
        data["intro"] = _prose(intro)
    return data


def _purpose(purpose: Purpose) -> dict[str, Any]:
    return {**_headed(purpose.heading), "text": _prose(purpose.text)}


def _goals(goals: Goals) -> dict[str, Any]:
    data = _headed(goals.heading, goals.intro)
    if len(goals.groups) == 1 and goals.groups[0].title is None:  # a plain list
        data["items"] = [_goal(item) for item in goals.groups[0].items]
        return data
    groups = []
    for group in goals.groups:
        entry: dict[str, Any] = {}
        _put(entry, "id", group.id)
        entry["title"] = group.title
        if group.intro is not None:
            entry["intro"] = _prose(group.intro)
        entry["items"] = [_goal(item) for item in group.items]
        groups.append(entry)
    data["groups"] = groups
    return data


def _goal(item: GoalItem) -> Any:
    entry: dict[str, Any] = {}
    _put(entry, "id", item.id)
    entry["text"] = _prose(item.text)
    _put(entry, "indicator", item.indicator)
    return entry


def _definitions(definitions: Definitions) -> dict[str, Any]:
    data = _headed(definitions.heading, definitions.intro)
    terms = []
    for term in definitions.terms:
        entry: dict[str, Any] = {}
        _put(entry, "id", term.id)
        entry["term"] = term.term
        entry["definition"] = _prose(term.text)
        terms.append(entry)
    data["terms"] = terms
    return data


def _principles(principles: Principles) -> dict[str, Any]:
    data = _headed(principles.heading, principles.intro)
    data["items"] = [
        {"id": item.id, "title": item.title, "text": _prose(item.text)} for item in principles.items
    ]
    return data


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    data = _headed(evaluation.heading)
    data["rule"] = _prose(evaluation.rule)
    _put(data, "interval", _interval(evaluation.interval))
    if evaluation.methods:
        data["methods"] = list(evaluation.methods)
    _put(data, "responsible", evaluation.responsible)
    if evaluation.records:
        data["records"] = [
            {"date": r.date.isoformat(), **({"note": r.note} if r.note else {})}
            for r in evaluation.records
        ]
    return data


def _interval(interval: Interval | None) -> str | None:
    return str(interval) if interval is not None else None


def _section(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _put(data, "id", section.id)
    data["heading"] = section.heading
    if section.text is not None:
        data["text"] = _prose(section.text)
    if not section.numbered:
        data["numbered"] = False
    if section.subsections:
        data["sections"] = [_section(child) for child in section.subsections]
    return data


_PARTS: dict[str, Any] = {
    "purpose": _purpose,
    "goals": _goals,
    "definitions": _definitions,
    "principles": _principles,
    "evaluation": _evaluation,
}
