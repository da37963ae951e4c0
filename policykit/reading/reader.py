"""The YAML reader: bytes of a policy file in, a `Policy` model (or findings) out.

Pure: it takes bytes and a display path and never touches the file system. The stages are
decode → YAML nodes (`yamlsource`) → JSON Schema (`schema`) → model, with prose parsed once
on the way. A stage that finds errors stops the ones after it, so a finding never cascades
into a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, TypeVar, cast

from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding
from policykit.diagnostics.rules import Severity
from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar, calendar_from
from policykit.model.intervals import (
    FIRST_DAY,
    LAST_DAY,
    Duration,
    Interval,
    in_range,
    parse_interval,
)
from policykit.model.outline import default_order
from policykit.model.policy import (
    Contact,
    Decision,
    Definition,
    Definitions,
    Evaluation,
    EvaluationRecord,
    GoalGroup,
    GoalItem,
    Goals,
    Law,
    Overrule,
    Policy,
    PolicyIdentity,
    Principle,
    Principles,
    Prose,
    Purpose,
    RelatedDocument,
    Section,
    Span,
    Status,
)
from policykit.model.project import (
    BrandingSettings,
    LintOptions,
    Organisation,
    Project,
    RuleLevel,
    RuleSetting,
)
from policykit.reading.locales import available_languages
from policykit.reading.prose import parse_prose
from policykit.reading.schema import SchemaName, check, failing_keys, slug_pattern
from policykit.reading.yamlsource import YMapping, YNode, YScalar, YSequence, parse_yaml

T = TypeVar("T")


@dataclass(slots=True)
class Loaded:
    """A file read as far as it would go: its text (for showing source lines) and findings."""

    path: str
    text: str
    #: The document, once it parsed as a mapping; see `valid` for whether it fits the schema.
    root: YMapping | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.root is not None and not self.findings


@dataclass(slots=True)
class PolicyRead:
    """A policy file read: the policy when it has no errors, and the findings."""

    path: str
    text: str
    #: The policy, when the file has no errors.
    policy: Policy | None
    findings: list[Finding]
    identity: PolicyIdentity | None = None
    #: The policy as far as it could be read despite its errors, for the checks of meaning
    #: (`validate` reports a file's warnings with its errors, not on the run after): the
    #: whole model when only prose or meaning is wrong, or the model without `left_out`,
    #: the top-level keys that fail the schema.
    partial: Policy | None = None
    left_out: frozenset[str] = frozenset()


@dataclass(slots=True)
class ProjectRead:
    """The project file read: its settings and the findings."""

    path: str
    text: str
    project: Project
    findings: list[Finding]


def decode(data: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text with any byte-order mark removed, or a finding at the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace")) + 1
        return None, [
            Finding.of(
                rules.INVALID_ENCODING,
                f"the file is not valid UTF-8 (byte 0x{data[error.start]:02X})",
                Span(path, line, column),
                hint="save the file as UTF-8; most editors offer it under 'Save with encoding'",
            )
        ]
    return text.removeprefix("\ufeff"), []


def load(data: bytes, path: str, schema_name: SchemaName, max_size: int) -> Loaded:
    """Decode, parse and schema-check a YAML file."""
    if len(data) > max_size:
        finding = Finding.of(
            rules.FILE_TOO_LARGE,
            f"the file is larger than the limit of {max_size:,} bytes",
            Span(path, 1, 1),
            hint="policies are far smaller; raise `lint.max_file_size` in policykit.yaml if needed",
        )
        return Loaded(path, "", None, [finding])
    text, findings = decode(data, path)
    if text is None:
        return Loaded(path, "", None, findings)
    document = parse_yaml(text, path)
    loaded = Loaded(path, text, None, document.findings)
    root = document.root
    if root is None:
        return loaded
    if not isinstance(root, YMapping):
        kind = "a list" if isinstance(root, YSequence) else "a single value"
        loaded.findings.append(
            Finding.of(
                rules.NOT_A_MAPPING,
                f"the file holds {kind}, but a {schema_name} file is a mapping of keys",
                root.span,
                hint="start the file with `format: 1` and the other keys; see docs/format.md",
            )
        )
        return loaded
    loaded.root = root
    loaded.findings.extend(check(root, schema_name))
    return loaded


def read_policy(
    data: bytes, path: str, project: Project | None = None, *, draft: bool = False
) -> PolicyRead:
    """Read one policy file. `draft` marks a proposed revision (a file in `policies/drafts/`)."""
    project = project or Project()
    loaded = load(data, path, "policy", project.lint.max_file_size)
    identity = _identity(loaded.root, path, draft) if loaded.root else None
    if loaded.root is None:
        return PolicyRead(path, loaded.text, None, loaded.findings, identity)
    if not loaded.valid:
        return _read_partly(loaded, loaded.root, project, draft, identity)
    builder = _PolicyBuilder(path, loaded.text, project)
    policy = builder.build(loaded.root, draft)
    findings = loaded.findings + builder.findings
    if any(f.is_error for f in findings):
        return PolicyRead(path, loaded.text, None, findings, identity, partial=policy)
    return PolicyRead(path, loaded.text, policy, findings, identity)


#: Findings that leaving parts out would cause: reported for the whole file, or not at all.
_ARTEFACTS_OF_LEAVING_OUT = {rules.NO_SECTIONS.code, rules.INVALID_ORDER.code}


def _read_partly(
    loaded: Loaded, root: YMapping, project: Project, draft: bool, identity: PolicyIdentity | None
) -> PolicyRead:
    """A file that fails the schema, read without its failing top-level keys where the rest
    passes: their errors are reported, and so are the rest's, prose errors and all."""
    read = PolicyRead(loaded.path, loaded.text, None, loaded.findings, identity)
    left_out = failing_keys(root, "policy")
    if left_out is None:
        return read
    rest = YMapping({k: e for k, e in root.entries.items() if k not in left_out}, root.span)
    if check(rest, "policy"):
        return read  # a key the format requires failed: nothing stands on its own
    builder = _PolicyBuilder(loaded.path, loaded.text, project)
    read.partial, read.left_out = builder.build(rest, draft), left_out
    read.findings = loaded.findings + [
        f for f in builder.findings if f.rule.code not in _ARTEFACTS_OF_LEAVING_OUT
    ]
    return read


def read_title(data: bytes, path: str) -> tuple[str, str] | None:
    """A policy file's id (its file name when it sets none) and title, read without checking
    the rest: what a link to the policy is shown with. None if the file gives no title."""
    try:
        document = parse_yaml(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        return None
    root = document.root
    if not isinstance(root, YMapping):
        return None
    title, ident = root.get("title"), root.get("id")
    if not (isinstance(title, YScalar) and isinstance(title.value, str)):
        return None
    if isinstance(ident, YScalar) and isinstance(ident.value, str):
        return ident.value, title.value
    return PurePath(path).stem, title.value


def _identity(root: YMapping, path: str, draft: bool) -> PolicyIdentity:
    node = root.get("id")
    if isinstance(node, YScalar) and isinstance(node.value, str):
        return PolicyIdentity(node.value, draft, root.key_span("id"))
    return PolicyIdentity(PurePath(path).stem, draft, root.span)


def read_project(data: bytes, path: str) -> ProjectRead:
    loaded = load(data, path, "project", Project().lint.max_file_size)
    if loaded.root is None or not loaded.valid:
        return ProjectRead(path, loaded.text, Project(path=path), loaded.findings)
    root = loaded.root
    org = _mapping(root, "organisation")
    lint = root.get("lint")
    lint_findings: list[Finding] = []
    project = Project(
        organisation=Organisation(
            name=_text(org, "name"),
            address=tuple(_texts(org, "address")),
            phone=_opt_text(org, "phone"),
            email=_opt_text(org, "email"),
            web=_opt_text(org, "web"),
        ),
        language=_opt_text(root, "language") or "da",
        lint=_lint(lint, lint_findings) if isinstance(lint, YMapping) else LintOptions(),
        branding=_branding(root.get("branding")),
        path=path,
        **_bodies(root.get("body")),
        **_pdf(root.get("pdf")),
    )
    findings = list(loaded.findings) + lint_findings
    language = root.get("language")
    if isinstance(language, YScalar) and project.language not in available_languages():
        findings.append(_unknown_language(project.language, language.span))
    calendar = root.get("electoral_calendar")
    if isinstance(calendar, YMapping):
        project = replace(project, electoral_calendar=_calendar(calendar, findings))
    return ProjectRead(path, loaded.text, project, findings)


def _unknown_language(language: str, span: Span, *, inherited: bool = False) -> Finding:
    """PK111, in a policy or in the project file: every writer needs the language's labels."""
    where = " (the default from policykit.yaml)" if inherited else ""
    return Finding.of(
        rules.UNKNOWN_LANGUAGE,
        f"policykit has no labels for the language `{language}`{where}",
        span,
        width=len(language) if not inherited else 1,
        hint=f"use one of: {', '.join(available_languages())}; a new language is "
        "one file in policykit/locales/",
    )


def _calendar(node: YMapping, findings: list[Finding]) -> ElectoralCalendar:
    """`electoral_calendar:`; a date that does not exist is a finding, and the default
    calendar serves meanwhile."""
    dates: list[dt.date] = []
    for scalar in [*(_items(node.get("terms"))), node.get("start")]:
        if not isinstance(scalar, YScalar):
            continue
        day = _checked_date(scalar, findings)
        if day is None:
            return DANISH_MUNICIPAL
        dates.append(day)
    years = node.get("years")
    return calendar_from(tuple(dates), None, int(_value(years)) if years else None)


def _items(node: YNode | None) -> list[YNode]:
    return list(node.items) if isinstance(node, YSequence) else []


def _branding(node: YNode | None) -> BrandingSettings:
    if not isinstance(node, YMapping):
        return BrandingSettings()
    return BrandingSettings(
        logo=_opt_text(node, "logo"),
        primary_color=_opt_text(node, "primary_color"),
        font_family=_opt_text(node, "font_family"),
    )


def _lint(node: YMapping, findings: list[Finding]) -> LintOptions:
    defaults = LintOptions()
    threshold, size = node.get("lix_threshold"), node.get("max_file_size")
    sentences = node.get("lix_min_sentences")
    per_language = threshold.entries if isinstance(threshold, YMapping) else {}
    return LintOptions(
        lix_threshold=float(_value(threshold))
        if isinstance(threshold, YScalar)
        else defaults.lix_threshold,
        lix_thresholds={lang: float(_value(value)) for lang, (_, value) in per_language.items()},
        lix_min_sentences=int(_value(sentences)) if sentences else defaults.lix_min_sentences,
        max_file_size=int(_value(size)) if size else defaults.max_file_size,
        rules=_rule_settings(_mapping(node, "rules") if node.get("rules") else None, findings),
    )


def _bodies(node: YNode | None) -> dict[str, Any]:
    """`body:` as `Project` keeps it: one name, or a name per language."""
    if isinstance(node, YMapping):
        return {"bodies": {lang: _text(node, lang) for lang in node.entries}}
    return {"body_name": str(_value(node))} if node is not None else {}


def _pdf(node: YNode | None) -> dict[str, Any]:
    """`pdf:` as `Project` keeps it."""
    if not isinstance(node, YMapping):
        return {}
    keys = ("contents_min_sections", "title_page_min_words")
    return {key: int(_value(node.get(key))) for key in keys if node.get(key) is not None}


def _rule_settings(node: YMapping | None, findings: list[Finding]) -> dict[str, RuleSetting]:
    """`lint.rules`, by code. A rule is named by its code or its name; an unknown one, or an
    error set below `error` (policykit cannot read on past it), is a finding."""
    settings: dict[str, RuleSetting] = {}
    by_name = {r.code.casefold(): r for r in rules.ALL_RULES} | {r.name: r for r in rules.ALL_RULES}
    for name, (key, value) in (node.entries if node else {}).items():
        rule = by_name.get(name.casefold())
        if rule is None:
            guess = difflib.get_close_matches(name, [r.name for r in rules.ALL_RULES], n=1)
            findings.append(
                Finding.of(
                    rules.INVALID_VALUE,
                    f"`lint.rules` names `{name}`, which is no rule",
                    key.span,
                    width=len(name),
                    hint=f"did you mean `{guess[0]}`?"
                    if guess
                    else "docs/rules.md lists every rule, by code and name",
                )
            )
            continue
        level = value.get("level") if isinstance(value, YMapping) else value
        setting = RuleSetting(
            level=cast("RuleLevel", _value(level)) if level is not None else None,
            ignore=tuple(_texts(value, "ignore")) if isinstance(value, YMapping) else (),
        )
        if rule.severity is Severity.ERROR and (setting.level != "error" or setting.ignore):
            findings.append(
                Finding.of(
                    rules.INVALID_VALUE,
                    f"{rule.code} ({rule.name}) is an error, which cannot be switched off or "
                    "lowered",
                    key.span,
                    width=len(name),
                    hint="errors stop a policy from being read or exported as it is meant; only "
                    "warnings can be lowered, and any rule raised to `error`",
                )
            )
            continue
        settings[rule.code] = setting
    return settings


# --- typed access to schema-checked nodes ----------------------------------------------------
# The schema has already checked every type, so these only narrow for mypy.


def _key_span(node: YMapping, key: str) -> Span | None:
    return node.key_span(key) if key in node.entries else None


def _value(node: YNode | None) -> str | int | float:
    assert isinstance(node, YScalar) and node.value is not None
    assert not isinstance(node.value, bool)
    return node.value


def _flag(node: YMapping, key: str, default: bool) -> bool:
    child = node.get(key)
    if child is None:
        return default
    assert isinstance(child, YScalar) and isinstance(child.value, bool)
    return child.value


def _mapping(node: YMapping, key: str) -> YMapping:
    child = node.get(key)
    assert isinstance(child, YMapping), key
    return child


def _sequence(node: YMapping, key: str) -> list[YNode]:
    child = node.get(key)
    return child.items if isinstance(child, YSequence) else []


def _text(node: YMapping, key: str) -> str:
    return str(_value(node.get(key)))


def _opt_text(node: YMapping, key: str) -> str | None:
    return _text(node, key) if node.get(key) is not None else None


def _texts(node: YMapping, key: str) -> list[str]:
    return [str(_value(item)) for item in _sequence(node, key)]


#: The top-level keys format 2 adds.
FORMAT_2_KEYS = (
    "sections",
    "order",
    "legal_basis",
    "case_number",
    "kle",
    "department",
    "contact",
    "classification",
)


class _PolicyBuilder:
    """Turns a schema-checked node tree into the model, collecting the remaining findings."""

    def __init__(self, path: str, text: str, project: Project) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.project = project
        self.findings: list[Finding] = []
        self.format = 1

    def build(self, root: YMapping, draft: bool) -> Policy:
        org = self.project.organisation
        self.format = int(_value(root.get("format")))
        self._format_2_constructs(root)
        policy = Policy(
            format=int(_value(root.get("format"))),
            id=self._policy_id(root),
            title=_text(root, "title"),
            organisation=_opt_text(root, "organisation") or (org.name if org else None),
            language=self._language(root),
            version=_text(root, "version"),
            status=Status(_text(root, "status")),
            owner=_opt_text(root, "owner"),
            adoptions=tuple(self._decision(n) for n in _sequence(root, "adoptions")),
            repeal=self._optional(root.get("repeal"), self._decision),
            related=tuple(self._related(n) for n in _sequence(root, "related")),
            keywords=tuple(_texts(root, "keywords")),
            purpose=self._optional(root.get("purpose"), self._purpose),
            goals=self._optional(root.get("goals"), self._goals),
            definitions=self._optional(root.get("definitions"), self._definitions),
            principles=self._optional(root.get("principles"), self._principles),
            evaluation=self._optional(root.get("evaluation"), self._evaluation),
            span=root.span,
            is_draft_revision=draft,
            field_spans={key: key_node.span for key, (key_node, _) in root.entries.items()},
            sections=tuple(self._section(n) for n in _sequence(root, "sections")),
            legal_basis=tuple(self._law(n) for n in _sequence(root, "legal_basis")),
            classification=tuple(self._overrule(n) for n in _sequence(root, "classification")),
            case_number=_opt_text(root, "case_number"),
            kle=_opt_text(root, "kle"),
            department=_opt_text(root, "department"),
            contact=self._optional(root.get("contact"), self._contact),
        )
        return replace(policy, order=self._order(root, policy))

    def _format_2_constructs(self, root: YMapping) -> None:
        """The keys format 2 adds: a format-1 file that uses them says so."""
        for key in FORMAT_2_KEYS:
            if root.get(key) is not None:
                self._needs_format_2(root, key)

    def _law(self, node: YNode) -> Law:
        assert isinstance(node, YMapping)
        return Law(_text(node, "title"), _opt_text(node, "url"), node.span)

    def _overrule(self, node: YNode) -> Overrule:
        assert isinstance(node, YMapping)
        return Overrule(
            _text(node, "path"), _text(node, "category"), _text(node, "reason"), node.span
        )

    def _contact(self, node: YMapping) -> Contact:
        return Contact(
            _text(node, "name"), _opt_text(node, "email"), _opt_text(node, "phone"), node.span
        )

    def _needs_format_2(self, node: YMapping, key: str, what: str | None = None) -> None:
        """PK112 at `key` in a format-1 file: `what` (or the key) is part of format 2."""
        if self.format >= 2:
            return
        name = f"{what} (`{key}`)" if what else f"`{key}`"
        self.findings.append(
            Finding.of(
                rules.NEEDS_FORMAT_2,
                f"{name} is part of format 2, and this file is in format 1",
                node.key_span(key),
                width=len(key),
                hint="set `format: 2`; docs/format.md says what format 2 adds",
            )
        )

    def _section(self, node: YNode) -> Section:
        assert isinstance(node, YMapping)
        return Section(
            id=_opt_text(node, "id"),
            heading=_text(node, "heading"),
            text=self._opt_prose(node, "text"),
            subsections=tuple(self._section(n) for n in _sequence(node, "sections")),
            numbered=_flag(node, "numbered", default=True),
            span=node.span,
        )

    def _order(self, root: YMapping, policy: Policy) -> tuple[str, ...]:
        """The author's order: `order:` where it is given, the parts and sections it leaves
        out after it; else the default. A name it gives that the policy lacks is a finding."""
        default = default_order(policy)
        if not default:
            self.findings.append(
                Finding.of(
                    rules.NO_SECTIONS,
                    "the policy has no part and no section, so it says nothing",
                    root.span,
                    hint="add a part such as `purpose:`, or free sections under `sections:`",
                )
            )
        node = root.get("order")
        if not isinstance(node, YSequence):
            return default
        given: list[str] = []
        for item in node.items:
            name = str(_value(item))
            if name not in default or name in given:
                self.findings.append(self._bad_order(name, item, default, given))
            else:
                given.append(name)
        return (*given, *(name for name in default if name not in given))

    @staticmethod
    def _bad_order(name: str, item: YNode, known: Sequence[str], given: list[str]) -> Finding:
        if name in given:
            message, hint = f"`order` names `{name}` twice", "name each part or section once"
        else:
            message = (
                f"`order` names `{name}`, which the policy has neither as a part nor a section"
            )
            guess = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = (
                f"did you mean `{guess[0]}`?"
                if guess
                else f"name parts and section ids: {', '.join(known)}"
            )
        return Finding.of(rules.INVALID_ORDER, message, item.span, width=len(name), hint=hint)

    def _policy_id(self, root: YMapping) -> str:
        if root.get("id") is not None:
            return _text(root, "id")
        stem = PurePath(self.path).stem
        if not slug_pattern().fullmatch(stem):
            self.findings.append(
                Finding.of(
                    rules.INVALID_ID,
                    f"the file name `{stem}` is not a valid id, and the file sets no `id:`",
                    Span(self.path, 1, 1),
                    hint="add `id:` (lower-case letters, digits, hyphens), or rename the file",
                )
            )
        return stem

    def _language(self, root: YMapping) -> str:
        language = _opt_text(root, "language") or self.project.language
        if language not in available_languages():
            node = root.get("language")
            span = node.span if node is not None else Span(self.path, 1, 1)
            self.findings.append(_unknown_language(language, span, inherited=node is None))
        return language

    @staticmethod
    def _optional(node: YNode | None, build: Callable[[YMapping], T]) -> T | None:
        return build(node) if isinstance(node, YMapping) else None

    def _decision(self, node: YNode) -> Decision:
        assert isinstance(node, YMapping)
        return Decision(
            date=self._date(node),
            body=_text(node, "body"),
            reference=_opt_text(node, "reference"),
            note=_opt_text(node, "note"),
            span=node.span,
        )

    def _date(self, node: YMapping) -> dt.date:
        scalar = node.get("date")
        assert isinstance(scalar, YScalar)
        return _checked_date(scalar, self.findings) or dt.date.min

    def _related(self, node: YNode) -> RelatedDocument:
        assert isinstance(node, YMapping)
        return RelatedDocument(_text(node, "title"), _opt_text(node, "url"), node.span)

    def _prose(self, node: YNode | None) -> Prose:
        assert isinstance(node, YScalar)
        prose, findings = parse_prose(
            str(node.value),
            self._locator(node),
            format2=self.format >= 2,
            columns=node.style == "|",
        )
        self.findings.extend(findings)
        return prose

    def _opt_prose(self, node: YMapping, key: str) -> Prose | None:
        child = node.get(key)
        return self._prose(child) if child is not None else None

    def _locator(self, node: YScalar) -> Callable[[int], Span]:
        """Maps a line of the prose text to the file: exact for `|` blocks, else the start."""
        if node.style != "|":
            return lambda _line: node.span
        first = node.span.line  # the 0-based index of the line after the `|` indicator
        # The first line with text after it: found by looking on, not by taking every line
        # to the end of the file, once per block (20,000 goals).
        content = next((line for line in itertools.islice(self.lines, first, None)
                        if line.strip()), "")  # fmt: skip
        indent = len(content) - len(content.lstrip(" "))
        return lambda line: Span(self.path, first + 1 + line, indent + 1)

    def _purpose(self, node: YMapping) -> Purpose:
        return Purpose(_opt_text(node, "heading"), self._prose(node.get("text")), node.span)

    def _goals(self, node: YMapping) -> Goals:
        groups = tuple(self._goal_group(n) for n in _sequence(node, "groups"))
        if (node.get("items") is None) == (node.get("groups") is None):
            neither = node.get("items") is None
            self.findings.append(
                Finding.of(
                    rules.MISSING_KEY if neither else rules.INVALID_VALUE,
                    "the goals have neither `groups` nor `items`"
                    if neither
                    else "the goals have both `groups` and `items`",
                    node.span,
                    hint="give the goals in groups (`groups:`, each with a `title`), or, in "
                    "format 2, as one plain list (`items:`)",
                )
            )
        if node.get("items") is not None:  # a plain list: one group without a title
            self._needs_format_2(node, "items", "goals as one plain list")
            items = tuple(self._goal_item(n) for n in _sequence(node, "items"))
            groups = (GoalGroup(None, None, None, items, node.span, _key_span(node, "items")),)
        heading, intro = _opt_text(node, "heading"), self._opt_prose(node, "intro")
        return Goals(heading, intro, groups, node.span, _key_span(node, "groups"))

    def _goal_group(self, node: YNode) -> GoalGroup:
        assert isinstance(node, YMapping)
        return GoalGroup(
            id=_opt_text(node, "id"),
            title=_text(node, "title"),
            intro=self._opt_prose(node, "intro"),
            items=tuple(self._goal_item(n) for n in _sequence(node, "items")),
            span=node.span,
            list_span=_key_span(node, "items"),
        )

    def _goal_item(self, node: YNode) -> GoalItem:
        if isinstance(node, YScalar):
            return GoalItem(None, self._prose(node), None, node.span)
        assert isinstance(node, YMapping)
        return GoalItem(
            id=_opt_text(node, "id"),
            text=self._prose(node.get("text")),
            indicator=_opt_text(node, "indicator"),
            span=node.span,
        )

    def _definitions(self, node: YMapping) -> Definitions:
        terms = tuple(self._definition(n) for n in _sequence(node, "terms"))
        intro = self._opt_prose(node, "intro")
        heading, span = _opt_text(node, "heading"), _key_span(node, "terms")
        return Definitions(heading, intro, terms, node.span, span)

    def _definition(self, node: YNode) -> Definition:
        assert isinstance(node, YMapping)
        text = self._prose(node.get("definition"))
        return Definition(_opt_text(node, "id"), _text(node, "term"), text, node.span)

    def _principles(self, node: YMapping) -> Principles:
        items = tuple(self._principle(n) for n in _sequence(node, "items"))
        intro = self._opt_prose(node, "intro")
        heading, span = _opt_text(node, "heading"), _key_span(node, "items")
        return Principles(heading, intro, items, node.span, span)

    def _principle(self, node: YNode) -> Principle:
        assert isinstance(node, YMapping)
        text = self._prose(node.get("text"))
        return Principle(_text(node, "id"), _text(node, "title"), text, node.span)

    def _evaluation(self, node: YMapping) -> Evaluation:
        return Evaluation(
            heading=_opt_text(node, "heading"),
            rule=self._prose(node.get("rule")),
            interval=self._interval(node.get("interval")),
            methods=tuple(_texts(node, "methods")),
            responsible=_opt_text(node, "responsible"),
            records=tuple(self._record(n) for n in _sequence(node, "records")),
            span=node.span,
        )

    def _interval(self, node: YNode | None) -> Interval | None:
        if node is None:
            return None
        assert isinstance(node, YScalar)
        interval = parse_interval(str(node.value))
        problem = None
        if isinstance(interval, Duration) and interval.too_long:
            problem = (
                "is longer than a hundred years",
                "give the interval the council decided, such as P4Y",
            )
        elif interval is None:  # the schema's pattern admits `P0Y`, which means "never"
            problem = (
                "is zero: the policy would never fall due",
                "give a positive duration such as P2Y, or `electoral-period`",
            )
        if problem is None:
            return interval
        what, hint = problem
        self.findings.append(
            Finding.of(
                rules.INVALID_INTERVAL,
                f"the interval `{node.text}` {what}",
                node.span,
                width=len(node.text),
                hint=hint,
            )
        )
        return None

    def _record(self, node: YNode) -> EvaluationRecord:
        assert isinstance(node, YMapping)
        return EvaluationRecord(self._date(node), _opt_text(node, "note"), node.span)


def _checked_date(scalar: YScalar, findings: list[Finding]) -> dt.date | None:
    """A schema-checked `YYYY-MM-DD` as a date, or None and a finding: for a day that does
    not exist, or one outside the years policykit takes (`intervals.FIRST_DAY`–`LAST_DAY`)."""
    text = str(scalar.value)
    year, month, day = (int(part) for part in text.split("-"))
    try:
        found = dt.date(year, month, day)
    except ValueError:
        findings.append(_no_such_date(text, year, month, day, scalar.span))
        return None
    if not in_range(found):
        findings.append(
            Finding.of(
                rules.INVALID_DATE,
                f"the date {text} is outside the years {FIRST_DAY.year} to {LAST_DAY.year}",
                scalar.span,
                width=len(text),
                hint="check the year",
            )
        )
        return None
    return found


def _no_such_date(text: str, year: int, month: int, day: int, span: Span) -> Finding:
    if year < 1:
        reason = "years start at 0001"
    elif 1 <= month <= 12:
        days = calendar.monthrange(year, month)[1]
        month_name = dt.date(2000, month, 1).strftime("%B")
        reason = f"{month_name} {year} has {days} days"
    else:
        reason = "months run from 01 to 12"
    return Finding.of(
        rules.INVALID_DATE,
        f"the date {text} does not exist: {reason}",
        span,
        width=len(text),
        hint="check the day and the month",
    )
