"""Validation of a set of policy files, held in memory: the library behind `policykit validate`.

Pure: the caller reads the files (see `workspace`) and renders the report.
"""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import hashlib
import operator
import pickle
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Protocol

from policykit.checking.checks import (
    PolicyLink,
    SectionStats,
    check_collection,
    check_policy,
    check_policy_links,
    policy_links_of,
    section_stats,
)
from policykit.checking.shelf import Card, Shelf, Stored, shelved
from policykit.diagnostics import findings as findings_model
from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding, count
from policykit.diagnostics.rules import RULES_BY_CODE, Rule, Severity
from policykit.model import intervals as intervals_model
from policykit.model import policy as policy_model
from policykit.model.policy import Policy, PolicyIdentity, Span
from policykit.model.project import LintOptions, Project, RuleSetting
from policykit.reading.reader import read_policy


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A policy file's bytes and the path to show for it."""

    path: str
    data: bytes
    #: True for a proposed revision in a `drafts/` folder.
    draft: bool = False


@dataclass(slots=True)
class Report:
    """What `validate` found in a set of files, with the policies read."""

    findings: list[Finding] = field(default_factory=list)
    #: Each file's text by display path, for quoting source lines.
    sources: dict[str, str] = field(default_factory=dict)
    #: Each file's SHA-256 by display path: which version of the YAML an export was made
    #: from (a Word export carries it, to read edits back against).
    digests: dict[str, str] = field(default_factory=dict)
    #: The policies read, each with its card (`checking.shelf`).
    policies: Shelf = field(default_factory=Shelf)
    files: int = 0
    project: Project = field(default_factory=Project)
    #: The errors of the set-up, not of one policy: the project file's, or its being unreadable.
    #: Every command but `validate` stops on them before it writes anything.
    setup_errors: list[Finding] = field(default_factory=list)
    #: The memo of this run (`Memo`), if any: what `remember` keeps.
    memo: Memo | None = None

    def remember(self) -> None:
        """Keep this run's results for the next, once the command has done its work: a run
        that stops on bad input leaves every file as it was, its cache included."""
        if self.memo is not None and not self.setup_errors and not self.errors:
            self.memo.flush()

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    def clean_policies(self) -> Shelf:
        """The policies whose files have no errors: the ones fit to export."""
        failed = {f.span.file for f in self.findings if f.is_error and f.span is not None}
        return self.policies.where(lambda card: card.file not in failed)

    def stats(self) -> list[tuple[Policy, list[SectionStats]]]:
        return [(policy, section_stats(policy)) for policy in self.policies]


def checked_policy(source: SourceFile, project: Project, refused: str) -> Policy:
    """The one policy of `source`, valid; InvalidInputError with its errors, which says
    `refused` (what is not done because of them), when it has any."""
    return checked_policies([source], project, refused)[0]


def checked_policies(
    sources: Sequence[SourceFile], project: Project, refused: str, mapper: Mapper = map
) -> list[Policy]:
    """The policy of each source, each validated on its own (two versions of one policy
    share its id), by `mapper`: the two large versions of a diff at once (`edge.pool.beside`).
    InvalidInputError for the first that has errors, as `checked_policy`."""
    from policykit.diagnostics.errors import InvalidInputError

    project = for_errors(project)
    _fast_pickling()  # here, and so in any process forked by `mapper`, for its results
    reports = list(mapper(functools.partial(_validated, project=project), sources))
    for source, report in zip(sources, reports, strict=True):
        errors = [finding for finding in report.findings if finding.is_error]
        if errors or not report.policies:
            raise InvalidInputError(source.path, refused, errors, report.sources)
    return [report.policies[0] for report in reports]


def for_errors(project: Project) -> Project:
    """`project`'s settings for a command that stops on a file's errors and shows none of
    its warnings (`checked_policies`): the readability check, a warning unless the project
    makes it an error, switched off. It is a third of a large file's checks (LIX over every
    section): of each of the diff benchmark's 850 KB versions, 0.07 s."""
    code = rules.HARD_TO_READ.code
    setting = project.lint.rules.get(code)
    if setting is not None and setting.level == "error":
        return project
    switched = {**project.lint.rules, code: RuleSetting("off")}
    return replace(project, lint=replace(project.lint, rules=switched))


def _validated(source: SourceFile, project: Project) -> Report:
    return validate([source], project)


class Memo(Protocol):
    """Where `validate` keeps each file's result for another run (`edge.memo`): by the
    file's bytes, path and kind, for one project's settings and one policykit."""

    def recall(self, file: SourceFile) -> bytes | None: ...

    def keep(self, file: SourceFile, data: Callable[[], bytes]) -> None:
        """Keep what `data` gives, when `flush` is called: until then, the result it
        pickles is the one the report holds, not a second copy as bytes."""

    def flush(self) -> None:
        """Write what `keep` was given (`Report.remember`)."""

    def close(self) -> None:
        """Let go of the memo's file until `flush`: the files not recalled are read next,
        in processes forked from this one, which are not to share it."""


@dataclass(frozen=True, slots=True)
class _FileResult:
    """What one file gives on its own: its text, findings, identity and policy (pickled on
    its own, where it is read in a pool: `checking.shelf`), the policy's card and its links
    to other policies. What the set gives (ids used twice, links that name no policy) is
    checked on each run."""

    text: str
    findings: list[Finding]
    identity: PolicyIdentity | None
    policy: Stored | None
    card: Card | None = None
    links: tuple[PolicyLink, ...] = ()


#: Runs a function over items, in order: the built-in `map`, or a pool's (`edge.pool`).
Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], Iterable[Any]]


def validate(
    files: Sequence[SourceFile],
    project: Project | None = None,
    policies_in_force: Collection[str] | None = None,
    memo: Memo | None = None,
    mapper: Mapper = map,
) -> Report:
    """Read and check every file, then the set as a whole. Never raises on bad input.

    `policies_in_force` are the ids of the council's policies besides these files' (those in
    the project's `policies/` folder): with them, each link to another policy
    (`policy:ID`) is checked to name one. Without them, such links are not checked. With a
    `memo`, a file validated before, unchanged, is not read again. `mapper` reads and checks
    the rest, each file on its own: in a pool of processes, for many files."""
    project = project or Project()
    report = Report(files=len(files), project=project, memo=memo)
    identities = []
    linked = []
    for file, result in zip(files, _file_results(files, project, memo, mapper), strict=True):
        report.sources[file.path] = result.text
        report.digests[file.path] = hashlib.sha256(file.data).hexdigest()
        report.findings.extend(result.findings)
        identities.extend([result.identity] if result.identity else [])
        if result.policy is not None and result.card is not None:
            report.policies.add(result.policy, result.card)
            linked.append((result.card.id, result.links))
    report.findings.extend(check_collection(identities))
    if policies_in_force is not None:
        known = set(policies_in_force) | {i.id for i in identities if not i.draft}
        for policy_id, links in linked:
            report.findings.extend(check_policy_links(policy_id, links, known))
    report.findings = configured(report.findings, project.lint)
    report.findings.sort(key=Finding.sort_key)
    return report


def _reduce(fields: Callable[[Any], tuple[Any, ...]], value: Any) -> tuple[type, tuple[Any, ...]]:
    return type(value), fields(value)


def _fields_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A function from an instance of the dataclass to its fields' values, in order: an
    `attrgetter`, which gets them in C (pickling calls it for every node of every policy),
    and for one field or none, a tuple made here (`attrgetter` gives one value alone, and
    takes no empty list of names)."""
    names = [f.name for f in dataclasses.fields(cls)]
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda value: tuple(getattr(value, name) for name in names)


def _rule(code: str) -> Rule:
    return RULES_BY_CODE[code]


@cache
def _fast_pickling() -> None:
    """The model and the findings pickled as their class and fields, which reads back by
    calling the class: a third of the time of dataclasses' own way (which asks `fields`
    for every node), and a rule as a reference to the one rule of its code, so that
    a finding read from the memo has the very rule object that the registry has."""
    modules = (policy_model, intervals_model, findings_model)
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                copyreg.pickle(value, functools.partial(_reduce, _fields_getter(value)))
    copyreg.pickle(_FileResult, functools.partial(_reduce, _fields_getter(_FileResult)))
    copyreg.pickle(Rule, lambda rule: (_rule, (rule.code,)))


def _file_results(
    files: Sequence[SourceFile], project: Project, memo: Memo | None, mapper: Mapper
) -> list[_FileResult]:
    """Each file's result: from the memo, else read and checked by `mapper`."""
    _fast_pickling()
    results: list[_FileResult | None] = [_recalled(file, memo) for file in files]
    if memo is not None:
        memo.close()
    missing = [i for i, result in enumerate(results) if result is None]
    todo = [files[i] for i in missing]
    if memo is None and mapper is map:
        made = mapper(functools.partial(_read_and_check, project=project), todo)
        for i, result in zip(missing, made, strict=True):
            results[i] = result
    else:
        # Pickled where it is made: a pool sends those bytes back, and the report keeps
        # the policy's own pickle within them. The memo pickles the result again only
        # when it is kept: a batch does not hold each result twice.
        kept = mapper(functools.partial(_read_and_check_pickled, project=project), todo)
        for i, data in zip(missing, kept, strict=True):
            results[i] = result = pickle.loads(data)
            if memo is not None:
                memo.keep(files[i], functools.partial(_pickled, result))
    return [result for result in results if result is not None]


def _recalled(file: SourceFile, memo: Memo | None) -> _FileResult | None:
    kept = memo.recall(file) if memo is not None else None
    if kept is None:
        return None
    try:
        result = pickle.loads(kept)  # sealed with this user's secret (`edge.memo`)
    except Exception:  # an entry of an older policykit: made again
        return None
    return result if isinstance(result, _FileResult) else None


def _read_and_check_pickled(file: SourceFile, project: Project) -> bytes:
    """The file's result pickled, its policy pickled on its own inside it (`shelved`): the
    report keeps that pickle (`checking.shelf`), and reads the policy back only when it
    is asked for."""
    result = _read_and_check(file, project)
    if isinstance(result.policy, Policy):
        result = replace(result, policy=shelved(result.policy))
    return _pickled(result)


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _read_and_check(file: SourceFile, project: Project) -> _FileResult:
    """One file read and checked on its own (in a pool's process, its result is pickled
    back: `_fast_pickling` makes that quick there too)."""
    _fast_pickling()
    read = read_policy(file.data, file.path, project, draft=file.draft)
    findings = list(read.findings)
    if read.policy is not None:
        findings.extend(check_policy(read.policy, project))
    elif read.partial is not None:
        findings.extend(_checked_partly(read.partial, read.left_out, read.findings, project))
    policy = read.policy
    if policy is None:
        return _FileResult(read.text, findings, read.identity, None)
    card, links = Card.of(policy), policy_links_of(policy)
    return _FileResult(read.text, findings, read.identity, policy, card, links)


#: Checks of a policy's text, which hold for whatever text was read.
_OF_TEXT = {rules.HARD_TO_READ.code, rules.PLACEHOLDER.code, rules.DUPLICATE_GOAL.code}
#: Checks of the decision records, whose dates may not have been read.
_OF_RECORDS = {r.code for r in (rules.ADOPTION_ORDER, rules.STATUS_WITHOUT_ADOPTION)} | {
    rules.REPEAL_MISMATCH.code
}


def _checked_partly(
    policy: Policy, left_out: Collection[str], errors: Sequence[Finding], project: Project
) -> list[Finding]:
    """The checks of meaning on a policy read in spite of its errors (`PolicyRead.partial`),
    less those its errors would mislead: a check of a part with errors of its own (an
    evaluation with an invalid interval seems to have none), a term used only in a part
    left out (it seems unused), an evaluation part left out (it seems missing), and the
    decision records' order and status (a date may not have been read)."""
    failed = {_part(policy, f.span) for f in errors if f.is_error}
    kept = []
    for finding in check_policy(policy, project):
        code = finding.rule.code
        if (
            code in _OF_RECORDS
            or (code == rules.UNUSED_TERM.code and left_out)
            or (code == rules.NO_INTERVAL.code and "evaluation" in left_out)
            or (code not in _OF_TEXT and _part(policy, finding.span) in failed)
        ):
            continue
        kept.append(finding)
    return kept


def _part(policy: Policy, span: Span | None) -> str | None:
    """The top-level key of the file that `span` lies in."""
    if span is None:
        return None
    above = [(s.line, key) for key, s in policy.field_spans.items() if s.line <= span.line]
    return max(above)[1] if above else None


def configured(findings: Iterable[Finding], lint: LintOptions) -> list[Finding]:
    """The findings as `lint.rules` sets them: a rule switched off, or not checked in a
    file, is dropped; one set to a level is reported at it."""
    out = []
    for finding in findings:
        setting = lint.rules.get(finding.rule.code)
        if setting is None:
            out.append(finding)
        elif setting.level != "off" and setting.applies_to(
            finding.span.file if finding.span else ""
        ):
            level = setting.level and Severity(setting.level)
            out.append(replace(finding, severity=level) if level else finding)
    return out
