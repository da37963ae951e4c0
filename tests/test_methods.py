"""The dataclass methods kept between runs (`policykit.methods`): the same code as Python's,
read back from the user's cache folder. The file itself: tests/test_kept.py."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from policykit import methods
from tests.test_render_pool import ROOT

#: Every class of every policykit module, each method's code described: run as Python
#: compiles them (`python`), or as policykit keeps them. Prints whether any was compiled
#: anew, how many were used, and the descriptions.
EVERY_METHOD = """
    import dataclasses, importlib, inspect, json, pkgutil, sys, types
    import policykit
    from policykit import methods
    if sys.argv[1] == "python":
        del dataclasses.exec  # the builtin, as without policykit.methods

    def described(code):
        return [code.co_name, code.co_qualname, code.co_filename, code.co_firstlineno,
                code.co_code.hex(), code.co_linetable.hex(), code.co_exceptiontable.hex(),
                code.co_flags, code.co_argcount, code.co_kwonlyargcount,
                code.co_posonlyargcount, code.co_nlocals, code.co_stacksize,
                list(code.co_names), list(code.co_varnames), list(code.co_freevars),
                list(code.co_cellvars),
                [described(c) if isinstance(c, types.CodeType) else repr(c)
                 for c in code.co_consts]]

    names = sorted(m.name for m in pkgutil.walk_packages(policykit.__path__, "policykit.")
                   if m.name != "policykit.__main__")
    for name in names:
        importlib.import_module(name)
    found = {}
    for name in names:
        for cls in list(vars(sys.modules[name]).values()):
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name:
                for attr in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__",
                             "__hash__"):
                    function = inspect.unwrap(cls.__dict__.get(attr) or (lambda: None))
                    if getattr(function, "__qualname__", "").startswith(cls.__qualname__):
                        found[f"{name}.{cls.__qualname__}.{attr}"] = described(function.__code__)
    kept = methods.METHODS
    print(json.dumps([kept.added, len(kept.used), found]))
"""


def _every_method(route: str, cache: Path) -> tuple[bool, int, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(EVERY_METHOD), route],
        capture_output=True, timeout=300, cwd=ROOT, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(cache)},
    )  # fmt: skip
    new, used, found = json.loads(done.stdout)
    return new, used, found


def test_kept_methods_are_pythons_own(tmp_path: Path) -> None:
    """Every method of every policykit dataclass is the code Python compiles for it: as
    compiled by policykit on a first run, and as read back from the file on the next,
    which compiles none."""
    python = _every_method("python", tmp_path)[2]
    first_new, _, first = _every_method("kept", tmp_path)
    again_new, again_used, again = _every_method("kept", tmp_path)
    assert len(python) > 300  # policykit's model, layout and writers
    assert first_new and first == python
    assert not again_new and again_used > 300 and again == python
    assert (tmp_path / "policykit" / methods.FILE_NAME).is_file()


def test_only_policykits_classes_are_kept() -> None:
    """Another package's dataclass is compiled as Python compiles it, and not kept."""
    before = dict(methods.METHODS.values())

    @dataclasses.dataclass(frozen=True)
    class Elsewhere:  # this test module is not policykit's
        value: int

    assert Elsewhere(1) == Elsewhere(1) and hash(Elsewhere(1)) == hash(Elsewhere(1))
    assert methods.METHODS.values() == before
