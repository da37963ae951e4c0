"""The pages' templates and stylesheets: the packaged ones, or a user's from `--template`, in
a Jinja sandbox, with autoescape on. Every HTML page (the policy, the redline, the brief and
the register) is rendered through here, so a template folder restyles all four alike.

Templates extend `base.html.j2` and import their part macros from `parts.html.j2`; a template
may load only these known names (`TEMPLATE_NAMES`), the user's version where there is one.
"""

from __future__ import annotations

import os
import re
import resource
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from policykit.diagnostics.errors import UsageError
from policykit.kept import user_cache_folder
from policykit.writing.layout import TEMPLATE_NAMES, Templates

if TYPE_CHECKING:
    from jinja2 import Environment


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
    overrides = tuple((n, text) for n in TEMPLATE_NAMES if (text := templates.text(n)) is not None)
    if overrides:
        # A user's template may loop or grow without end: it renders in a child process,
        # bounded in time and memory, and its page keeps policykit's CSP whatever it says.
        return with_policy(_bounded(name, overrides, context))
    return _render(name, overrides, context)


#: The Content-Security-Policy of every page (base.html.j2 states it): the page loads nothing.
CSP = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
)
#: A user's template renders within these bounds.
TEMPLATE_SECONDS = 30
TEMPLATE_MEMORY = 2_000_000_000
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)


def with_policy(page: str) -> str:
    """The page with policykit's CSP first in its head. Policies add up, so a template's own
    can only make it stricter, never lift it."""
    head = _HEAD.search(page)
    at = head.end() if head else 0
    return page[:at] + ("\n" if head else "") + CSP + ("" if head else "\n") + page[at:]


def _bounded(name: str, overrides: tuple[tuple[str, str], ...], context: dict[str, Any]) -> str:
    """`render` of a user's template in a forked child: at most TEMPLATE_SECONDS, and
    TEMPLATE_MEMORY of address space. Where there is no fork, in this process."""
    import multiprocessing  # only for a user's own templates: off the start-up path

    if "fork" not in multiprocessing.get_all_start_methods():
        return _render(name, overrides, context)
    forked = multiprocessing.get_context("fork")
    receive, send = forked.Pipe(duplex=False)
    child = forked.Process(target=_render_child, args=(send, name, overrides, context))
    child.start()
    send.close()
    try:
        if not receive.poll(TEMPLATE_SECONDS):
            raise TemplateError(
                f"the template {name} took longer than {TEMPLATE_SECONDS} seconds to render",
                hint="a loop in the template may not end; compare it with the packaged one",
            )
        kind, text = receive.recv()
    except EOFError:
        kind, text = "error", f"the template {name} could not be rendered (it ran out of memory)"
    finally:
        child.kill()
        child.join()
    if kind == "error":
        raise TemplateError(text, hint="compare it with the packaged one in policykit/templates/")
    return str(text)


def _render_child(send: Any, name: str, overrides: Any, context: dict[str, Any]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (TEMPLATE_MEMORY, TEMPLATE_MEMORY))
    try:
        send.send(("page", _render(name, overrides, context)))
    except TemplateError as error:
        send.send(("error", error.message))
    except MemoryError:
        send.send(("error", f"the template {name} asks for more memory than a page needs"))


def _render(name: str, overrides: tuple[tuple[str, str], ...], context: dict[str, Any]) -> str:
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateNotFound

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
def _environment(overrides: tuple[tuple[str, str], ...]) -> Environment:
    """A user's templates render in Jinja's sandbox. policykit's own alone render without
    it: they are our code, and the sandbox's checks of each attribute and call were half
    of the benchmark's HTML redline (35,300 of them, 0.37 of 0.73 s in cProfile). The
    page is the same either way."""
    from jinja2 import Environment, FunctionLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    own = dict(overrides)

    def load(name: str) -> str | None:
        if name not in _PAGES:
            return None  # a template may load our templates only, never a path
        return own.get(name) or packaged(name)

    kind = SandboxedEnvironment if overrides else Environment
    return kind(
        loader=FunctionLoader(load),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(sandboxed=bool(overrides)),
    )


def _bytecode_cache(*, sandboxed: bool) -> Any:
    """Jinja's compiled templates kept in this user's cache folder (never the project's: it
    holds code), by each template's source, so that a command does not compile them again:
    most of the start-up of exporting one policy. None where the folder cannot be made.
    The sandbox's are kept apart: its code calls through the sandbox (`environment.call`),
    which a plain environment does not have."""
    from jinja2 import FileSystemBytecodeCache

    folder = user_cache_folder() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o022:
        return None  # someone else's, or writable by others: not to be loaded from
    pattern = "__jinja2_%s.cache" if sandboxed else "__jinja2_%s.plain.cache"
    return FileSystemBytecodeCache(str(folder), pattern)
