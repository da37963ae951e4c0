"""Typed errors. Each kind has a fixed exit code; the CLI turns them into messages in one place."""

from __future__ import annotations

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
