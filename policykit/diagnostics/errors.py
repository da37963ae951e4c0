"""Typed errors. Each kind has a fixed exit code; the CLI turns them into messages in one place
(`cli.app.Commands.invoke`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policykit.diagnostics.findings import Finding

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class PolicykitError(Exception):
    """An error the user can act on. `hint` says how."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PolicykitError):
    """The command line asks for something that cannot be done (a missing path, say)."""


class NoPoliciesError(UsageError):
    """A folder was given, but holds no policy files."""


class InvalidInputError(PolicykitError):
    """A file the command needs has errors, so it stops. The CLI shows each finding with its
    source line (from `sources`), then `message`.

    `label` names the input as the user gave it (`policies/hr.yaml`, `hr.yaml@v1.0`), and
    `doing` what could not be done with it: "compared", "no brief is written".
    """

    def __init__(
        self,
        label: str,
        doing: str,
        findings: Sequence[Finding],
        sources: Mapping[str, str],
    ) -> None:
        super().__init__(
            f"{label} has errors, so {doing}",
            hint="fix the errors above; `policykit validate` checks a file",
        )
        self.label = label
        self.findings = list(findings)
        self.sources = dict(sources)
