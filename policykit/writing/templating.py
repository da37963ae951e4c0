"""The pages' templates: the packaged ones, or a user's from `--template`, compiled once in a
Jinja sandbox with autoescape on. Every HTML page (the policy, the redline, the brief and the
register) is rendered through here."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Template


def packaged(name: str) -> str:
    """A file of `policykit/templates/`, as text."""
    return (resources.files("policykit") / "templates" / name).read_text("utf-8")


@cache
def compiled(source: str) -> Template:
    """A template's source, compiled: sandboxed, autoescaped, and strict about unknown names."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(
        autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
    )
    return environment.from_string(source)
