"""The pages' templates and stylesheets: the packaged ones, or a user's from `--template`, in
one Jinja sandbox with autoescape on. Every HTML page (the policy, the redline, the brief and
the register) is rendered through here, so a template folder restyles all four alike.

Templates extend `base.html.j2` and import their part macros from `parts.html.j2`; a template
may load only these known names (`TEMPLATE_NAMES`), the user's version where there is one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from policykit.diagnostics.errors import UsageError
from policykit.writing.layout import TEMPLATE_NAMES, Templates

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


class TemplateError(UsageError):
    """A template cannot be compiled or rendered: a syntax error, an unknown name."""


def packaged(name: str) -> str:
    """A file of `policykit/templates/`, as text."""
    return (resources.files("policykit") / "templates" / name).read_text("utf-8")


def source(name: str, templates: Templates) -> str:
    """A template or stylesheet: the user's, or else the packaged one."""
    own = templates.text(name)
    return own if own is not None else packaged(name)


def stylesheet(page: str | None, templates: Templates, *, tables: bool = False) -> str:
    """A page's CSS: the stylesheet every page starts from, then the tables' for a page
    that has a table, then the page's own, if any."""
    own = source(page, templates) if page is not None else ""
    table = source("tables.css", templates) if tables else ""
    return source("policy.css", templates) + table + own


def render(name: str, templates: Templates, **context: Any) -> str:
    """The template called `name`, rendered; TemplateError, naming the file and line, if a
    template has a mistake."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound

    overrides = tuple((n, text) for n in TEMPLATE_NAMES if (text := templates.text(n)) is not None)
    try:
        return _environment(overrides).get_template(name).render(**context)
    except TemplateNotFound as error:
        raise TemplateError(
            f"the template {name} asks for `{error.name}`, which is not one of policykit's "
            "templates",
            hint=f"a template may extend, import or include only: {', '.join(_PAGES)}",
        ) from None
    except JinjaError as error:
        where = getattr(error, "name", None) or name
        line = getattr(error, "lineno", None)
        at = f"{where}:{line}" if line else where
        raise TemplateError(
            f"the template {at} cannot be rendered: {error.message or error}",
            hint="compare it with the packaged one in policykit/templates/",
        ) from None


_PAGES = tuple(name for name in TEMPLATE_NAMES if name.endswith(".j2"))


@cache
def _environment(overrides: tuple[tuple[str, str], ...]) -> SandboxedEnvironment:
    from jinja2 import FunctionLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    own = dict(overrides)

    def load(name: str) -> str | None:
        if name not in _PAGES:
            return None  # a template may load our templates only, never a path
        return own.get(name) or packaged(name)

    return SandboxedEnvironment(
        loader=FunctionLoader(load),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
