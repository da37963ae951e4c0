"""Checks on the meaning of policies: what the schema cannot see.

`check_policy` looks at one policy (ids, decision records, empty parts, terms, goals,
readability); `check_collection` looks across the files of a folder (policy ids, drafts).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath

from policykit.checking.lix import Readability, measure
from policykit.diagnostics import rules
from policykit.diagnostics.findings import Finding, Note
from policykit.model.outline import Entry, numbered, outline, walk
from policykit.model.policy import Policy, PolicyIdentity, Span, Status
from policykit.model.project import DRAFT_SUFFIX, LintOptions, Project
from policykit.reading.prose import plain_text, policy_links, policy_target, text_units


@dataclass(frozen=True, slots=True)
class SectionStats:
    """A numbered section's readability, for `validate --stats`."""

    #: The section's number, or None for one outside the count (an annex).
    number: int | None
    key: str
    heading: str | None
    readability: Readability
    span: Span


def check_policy(policy: Policy, project: Project | None = None) -> list[Finding]:
    project = project or Project()
    return [
        *_duplicate_ids(policy),
        *_decision_order(policy),
        *_status(policy),
        *_empty_parts(policy),
        *_unused_terms(policy),
        *_duplicate_goals(policy),
        *_interval(policy),
        *placeholders(policy),
        *_readability(policy, project.lint),
    ]


def section_stats(policy: Policy) -> list[SectionStats]:
    """Readability of each numbered section, as `validate --stats` shows it."""
    return [
        SectionStats(number, s.path, s.heading, _measure(s), s.span)
        for number, s in numbered(outline(policy))
    ]


def _measure(section: Entry) -> Readability:
    return measure(unit.text for prose in section.prose for unit in text_units(prose))


def _duplicate_ids(policy: Policy) -> Iterator[Finding]:
    seen: dict[str, Span] = {}
    for kind, ident, span in _ids(policy):
        if ident in seen:
            yield Finding.of(
                rules.DUPLICATE_ID,
                f"the id `{ident}` ({kind}) is already used in this policy",
                span,
                notes=[Note(f"`{ident}` is first used here", seen[ident])],
                hint="ids name anchors and diff paths, so each must be unique; rename one",
            )
        else:
            seen[ident] = span


def _ids(policy: Policy) -> Iterator[tuple[str, str, Span]]:
    for group in policy.goal_groups:
        if group.id:
            yield "goal group", group.id, group.span
        for item in group.items:
            if item.id:
                yield "goal", item.id, item.span
    for term in policy.terms:
        if term.id:
            yield "term", term.id, term.span
    for principle in policy.principle_items:
        yield "principle", principle.id, principle.span
    for top in policy.sections:
        for _, section in walk(top):
            if section.id:
                yield "section", section.id, section.span


def _decision_order(policy: Policy) -> Iterator[Finding]:
    decisions = [("adoption", d.date, d.span) for d in policy.adoptions]
    if policy.repeal:
        decisions.append(("repeal", policy.repeal.date, policy.repeal.span))
    records = [("evaluation", r.date, r.span) for r in policy.evaluation_records]
    for sequence in (decisions, records):
        for (_, before, before_span), (kind, date, span) in pairwise(sequence):
            if date < before:
                yield Finding.of(
                    rules.ADOPTION_ORDER,
                    f"this {kind} on {date.isoformat()} comes before the record above it "
                    f"({before.isoformat()})",
                    span,
                    notes=[Note("the earlier record is here", before_span)],
                    hint="list records oldest first, and check the dates",
                )


def _status(policy: Policy) -> Iterator[Finding]:
    status_span = policy.field_spans.get("status", policy.span)
    if policy.status in (Status.ADOPTED, Status.REPEALED) and not policy.adoptions:
        yield Finding.of(
            rules.STATUS_WITHOUT_ADOPTION,
            f"the policy is {policy.status.value}, but it has no adoption record",
            status_span,
            width=6,
            hint="add the adoption under `adoptions:`, with its date and the body that adopted it",
        )
    if policy.status is Status.REPEALED and policy.repeal is None:
        yield Finding.of(
            rules.REPEAL_MISMATCH,
            "the policy is repealed, but it has no `repeal:` record",
            status_span,
            width=6,
            hint="add `repeal:` with the date and the body that repealed it",
        )
    if policy.repeal is not None and policy.status is not Status.REPEALED:
        yield Finding.of(
            rules.REPEAL_MISMATCH,
            f"the policy has a repeal record, but its status is {policy.status.value}",
            policy.repeal.span,
            hint="set `status: repealed`, or remove the `repeal:` record",
        )


def _empty_parts(policy: Policy) -> Iterator[Finding]:
    """Each empty entry, where it is written: the empty text, or the empty list's key."""

    def empty(what: str, span: Span | None) -> Finding:
        return Finding.of(
            rules.EMPTY_PART, f"{what} is empty", span, hint="write it, or remove the empty entry"
        )

    if policy.purpose is not None and policy.purpose.text.is_empty:
        yield empty("the purpose", policy.purpose.text.span)
    if policy.goals is not None and not policy.goals.groups:
        yield empty("the list of goal groups", policy.goals.list_span or policy.goals.span)
    for group in policy.goal_groups:
        if not group.items:
            what = f"the goal group `{group.title}`" if group.title else "the list of goals"
            yield empty(what, group.list_span or group.span)
        yield from (empty("a goal", i.text.span) for i in group.items if i.text.is_empty)
    if policy.definitions is not None and not policy.definitions.terms:
        definitions = policy.definitions
        yield empty("the list of terms", definitions.list_span or definitions.span)
    for term in policy.terms:
        if term.text.is_empty:
            yield empty(f"the definition of `{term.term}`", term.text.span)
    if policy.principles is not None and not policy.principles.items:
        principles = policy.principles
        yield empty("the list of principles", principles.list_span or principles.span)
    for principle in policy.principle_items:
        if principle.text.is_empty:
            yield empty(f"the principle `{principle.id}`", principle.text.span)
    if policy.evaluation is not None and policy.evaluation.rule.is_empty:
        yield empty("the evaluation rule", policy.evaluation.rule.span)


def _unused_terms(policy: Policy) -> Iterator[Finding]:
    # Joined and casefolded once: the same text as the pieces' own, joined for each term.
    before, after = (["\n".join(p).casefold()] if p else [] for p in _document_text(policy))
    definitions = [plain_text(t.text).casefold() for t in policy.terms]
    for index, term in enumerate(policy.terms):
        others = definitions[:index] + definitions[index + 1 :]
        text = "\n".join([*before, *others, *after])
        if not _term_pattern(term.term).search(text):
            yield Finding.of(
                rules.UNUSED_TERM,
                f"the term `{term.term}` is defined but never used in the text",
                term.span,
                hint="use the term where it applies, or remove its definition",
            )


def _term_pattern(term: str) -> re.Pattern[str]:
    # Each word may take an inflection (kommunikation → kommunikationen, policy → policies).
    words = [
        re.escape(word.casefold()[:-1] if len(word) > 4 else word.casefold())
        for word in term.split()
    ]
    return re.compile(r"(?<!\w)" + r"\w*\s+".join(words) + r"\w*")


def _document_text(policy: Policy) -> tuple[list[str], list[str]]:
    """Every text of the policy a reader sees, but for the definitions: the pieces that
    come before them and those after, read once for all the terms (each term is looked
    for in them and in the other terms' definitions)."""
    before = [policy.title]
    for section in outline(policy):
        if section.part != "definitions":
            before.append(section.heading or "")
            before.extend(plain_text(prose) for prose in section.prose)
    if policy.definitions is not None:
        before.append(policy.definitions.heading or "")
        if policy.definitions.intro:
            before.append(plain_text(policy.definitions.intro))
    after = [section.heading for top in policy.sections for depth, section in walk(top) if depth]
    for group in policy.goal_groups:
        after.append(group.title or "")
        after.extend(item.indicator or "" for item in group.items)
    return before, after


def _duplicate_goals(policy: Policy) -> Iterator[Finding]:
    seen: dict[str, Span] = {}
    for group in policy.goal_groups:
        for item in group.items:
            key = " ".join(plain_text(item.text).casefold().split()).rstrip(".!;")
            if key and key in seen:
                yield Finding.of(
                    rules.DUPLICATE_GOAL,
                    "this goal repeats an earlier one",
                    item.span,
                    notes=[Note("the same goal is first stated here", seen[key])],
                    hint="state each goal once",
                )
            elif key:
                seen[key] = item.span


#: The placeholders `policykit new` writes: a field that opens "Skriv … her" or "Write …
#: here" within its first sentence ("Skriv her, hvorfor vi har politikken.").
_PLACEHOLDER = re.compile(r"^\s*(?:skriv\b[^.\n|]*?\bher\b|write\b[^.\n|]*?\bhere\b)", re.I)


def placeholders(policy: Policy) -> Iterator[Finding]:
    """PK311 for each paragraph, list item, cell or heading that still holds a placeholder
    from `policykit new`: a warning in `validate`, and an error where the text goes to the
    council (`adopt`, `brief`, `export --pdf`)."""
    for entry in outline(policy):
        texts = [(entry.heading or "", entry.span)]
        texts += [(unit.text, unit.span) for prose in entry.prose for unit in text_units(prose)]
        for text, span in texts:
            if _PLACEHOLDER.match(text):
                yield Finding.of(
                    rules.PLACEHOLDER,
                    f"this is still the placeholder of `policykit new`: {_clip(text)}",
                    span,
                    hint="write the policy's own text here; `adopt`, `brief` and "
                    "`export --pdf` refuse a policy that still holds one",
                )


def placeholder_errors(policy: Policy) -> list[Finding]:
    """The placeholders as errors, for the commands that refuse them."""
    return [finding.as_error() for finding in placeholders(policy)]


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= limit else f'"{text[: limit - 1]}…"'


def _interval(policy: Policy) -> Iterator[Finding]:
    if policy.evaluation is None:
        yield Finding.of(
            rules.NO_INTERVAL,
            "the policy has no evaluation rule, so it will have no review date",
            policy.span,
            hint="add `evaluation:` with a `rule:` and an `interval:` such as P2Y or "
            "electoral-period",
        )
    elif policy.evaluation.interval is None:
        yield Finding.of(
            rules.NO_INTERVAL,
            "the evaluation rule has no machine-readable `interval`",
            policy.field_spans.get("evaluation", policy.evaluation.span),
            hint="add `interval: P2Y` (an ISO 8601 duration) or `interval: electoral-period`, "
            "so the review date can be computed",
        )


def _readability(policy: Policy, lint: LintOptions) -> Iterator[Finding]:
    setting = lint.rules.get(rules.HARD_TO_READ.code)
    if setting is not None and setting.level == "off":  # not measured at all: LIX costs
        return
    threshold = lint.threshold(policy.language)
    for stats in section_stats(policy):
        lix = stats.readability.lix
        # A sentence or two gives a number, not a measure: one long heading-like line
        # ("Principles.") would read as very hard.
        if lix > threshold and stats.readability.sentences >= lint.lix_min_sentences:
            heading = stats.heading or stats.key
            name = f"section {stats.number} ({heading})" if stats.number else f"“{heading}”"
            yield Finding.of(
                rules.HARD_TO_READ,
                f"{name} has LIX {lix:.0f} ({stats.readability.band}), above the threshold of "
                f"{threshold:g}",
                stats.span,
                hint="shorter sentences and shorter words lower the LIX; "
                "`policykit validate --stats` shows every section",
            )


def check_collection(identities: Sequence[PolicyIdentity]) -> list[Finding]:
    """Ids are unique among policies in force and, separately, among drafts."""
    findings: list[Finding] = []
    for drafts in (False, True):
        seen: dict[str, PolicyIdentity] = {}
        for policy in (p for p in identities if p.draft is drafts):
            first = seen.setdefault(policy.id, policy)
            if first is not policy:
                findings.append(_duplicate_policy(policy, first, drafts))
    findings.extend(_misnamed(p) for p in identities if p.draft and _stem(p) != p.id)
    draft_ids = {p.id: p for p in identities if p.draft}
    for policy in identities:
        revised = draft_ids.get(policy.id.removesuffix(DRAFT_SUFFIX))
        if not policy.draft and policy.id.endswith(DRAFT_SUFFIX) and revised is not None:
            findings.append(_same_exports(policy, revised))
    in_force = {p.id for p in identities if not p.draft}
    # Drafts checked on their own say nothing about the policies in force.
    orphans = [p for p in identities if p.draft and p.id not in in_force]
    for draft in orphans if in_force else []:
        findings.append(
            Finding.of(
                rules.DRAFT_WITHOUT_POLICY,
                f"the draft revises `{draft.id}`, but no policy with that id is in this folder",
                draft.span,
                hint="a draft in drafts/ has the id of the policy it revises; a new policy "
                "belongs in policies/ with `status: draft`",
            )
        )
    return findings


def _same_exports(policy: PolicyIdentity, draft: PolicyIdentity) -> Finding:
    return Finding.of(
        rules.DUPLICATE_POLICY_ID,
        f"the policy id `{policy.id}` names the same exported files as the draft of "
        f"`{draft.id}` ({policy.id}.html, .pdf, .docx)",
        policy.span,
        notes=[Note("the draft", draft.span)],
        hint="give the policy another id: one ending in -draft is taken by drafts' exports",
    )


def _stem(identity: PolicyIdentity) -> str:
    return PurePosixPath(identity.span.file).stem


def _misnamed(draft: PolicyIdentity) -> Finding:
    """A draft is found by its file name and adopted over `policies/<id>.yaml`: the two must
    be one name, or the draft would revise one policy and replace another."""
    return Finding.of(
        rules.DRAFT_NAME_MISMATCH,
        f"the draft's id is `{draft.id}`, but its file is named `{_stem(draft)}`",
        draft.span,
        width=2,
        hint=f"a draft of `{draft.id}` is the file drafts/{draft.id}.yaml; rename the file, or "
        "give the id of the policy it revises",
    )


def _duplicate_policy(policy: PolicyIdentity, first: PolicyIdentity, drafts: bool) -> Finding:
    where = "among the drafts" if drafts else "among the policies"
    return Finding.of(
        rules.DUPLICATE_POLICY_ID,
        f"the policy id `{policy.id}` is used twice {where}",
        policy.span,
        notes=[Note("the other policy with this id", first.span)],
        hint="give each policy its own id (it names its exports)",
    )


#: A `policy:ID` link: the id it names, its href and where it is.
PolicyLink = tuple[str, str, Span]


def policy_links_of(policy: Policy) -> tuple[PolicyLink, ...]:
    """Each `policy:ID` link of the policy: what `check_policy_links` checks, found where
    the policy is read (a pool's process), so that the set is checked without it."""
    found = []
    for entry in outline(policy):
        for prose in entry.prose:
            for link in policy_links(prose):
                target = policy_target(link.href)
                if target is not None:
                    found.append((target, link.href, link.span))
    return tuple(found)


def check_policy_links(
    policy_id: str, links: Iterable[PolicyLink], known: Collection[str]
) -> Iterator[Finding]:
    """Each `policy:ID` link names one of the council's policies (not this one)."""
    for target, href, span in links:
        if target in known and target != policy_id:
            continue
        if target == policy_id:
            message = f"the link `{href}` points at this policy itself"
            hint = "link to another policy, or to a section of this one by its text"
        else:
            message = f"the link `{href}` names no policy in force"
            guess = difflib.get_close_matches(target, sorted(known), n=1, cutoff=0.6)
            hint = (
                f"did you mean `policy:{guess[0]}`?"
                if guess
                else "link by the id of a policy in policies/, as its file is named"
            )
        yield Finding.of(rules.UNKNOWN_POLICY, message, span, hint=hint)
