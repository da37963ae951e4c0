"""Findings: what reading and validation report. Pure data; `report` renders them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from policykit.diagnostics.rules import Rule, Severity
from policykit.model.policy import Span


@dataclass(frozen=True, slots=True)
class Note:
    """A second location that explains a finding, such as the first of two duplicate keys."""

    message: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check found: its rule, a message, where, and a hint and notes."""

    rule: Rule
    message: str
    span: Span | None
    hint: str | None = None
    notes: tuple[Note, ...] = ()
    #: The width of the offending source text, for the caret underline.
    width: int = 1
    severity: Severity = field(default=Severity.ERROR)

    @classmethod
    def of(
        cls,
        rule: Rule,
        message: str,
        span: Span | None,
        *,
        hint: str | None = None,
        notes: Sequence[Note] = (),
        width: int = 1,
    ) -> Finding:
        return cls(rule, message, span, hint, tuple(notes), max(1, width), rule.severity)

    def as_error(self) -> Finding:
        """The finding as an error: a warning that a command refuses (a placeholder in a
        policy to adopt)."""
        return replace(self, severity=Severity.ERROR)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        span = self.span or Span("", 0, 0)
        return (span.file, span.line, span.column, self.rule.code)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
