"""The dataclass methods kept between runs (`policykit.methods`): the same code as Python's,
read back from the user's cache folder, and a damaged file never used."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
    kept = methods._kept
    print(json.dumps([kept.new, len(kept.used), found]))
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


def _cache_file(tmp_path: Path) -> Path:
    kept = methods._Kept(tmp_path / methods.FILE_NAME)
    for source in ("def __create_fn__():\n def f(): return 1\n return f",
                   "def __create_fn__():\n def g(): return 2\n return g"):  # fmt: skip
        kept.code(source)
    kept.save()
    return kept.path


def test_a_saved_file_reads_back(tmp_path: Path) -> None:
    path = _cache_file(tmp_path)
    codes = methods.read(path)
    assert sorted(codes) == [
        "def __create_fn__():\n def f(): return 1\n return f",
        "def __create_fn__():\n def g(): return 2\n return g",
    ]
    namespace: dict[str, object] = {}
    exec(codes["def __create_fn__():\n def g(): return 2\n return g"], {}, namespace)
    assert namespace["__create_fn__"]()() == 2  # type: ignore[operator]


@pytest.mark.parametrize(
    "damage",
    ["a byte flipped", "cut short", "another header", "another Python", "too large", "a folder"],
)
def test_a_damaged_file_is_not_used_and_is_written_again(tmp_path: Path, damage: str) -> None:
    path = _cache_file(tmp_path)
    data = path.read_bytes()
    header, stamp, payload = data.split(b"\n", 2)
    if damage == "a byte flipped":
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif damage == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "another header":
        path.write_bytes(b"policykit methods 0\n" + stamp + b"\n" + payload)
    elif damage == "another Python":
        checksum = stamp.split(b" ")[0]
        path.write_bytes(header + b"\n" + checksum + b" cpython-39 30907f0 0\n" + payload)
    elif damage == "too large":
        path.write_bytes(data + b"\0" * methods.MAX_BYTES)
    else:
        path.unlink()
        path.mkdir()
    assert methods.read(path) == {}
    if damage != "a folder":
        kept = methods._Kept(path)
        kept.code("def __create_fn__():\n def h(): return 3\n return h")
        assert kept.new
        kept.save()
        assert list(methods.read(path)) == ["def __create_fn__():\n def h(): return 3\n return h"]


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("in the way")
    kept = methods._Kept(tmp_path / "file" / methods.FILE_NAME)
    kept.code("def __create_fn__():\n def f(): return 1\n return f")
    kept.save()  # the cache is a saving, not a need
    assert (tmp_path / "file").read_text() == "in the way"


def test_only_policykits_classes_are_kept() -> None:
    """Another package's dataclass is compiled as Python compiles it, and not kept."""
    assert methods._kept is not None
    before = set(methods._kept.codes or {})

    @dataclasses.dataclass(frozen=True)
    class Elsewhere:  # this test module is not policykit's
        value: int

    assert Elsewhere(1) == Elsewhere(1) and hash(Elsewhere(1)) == hash(Elsewhere(1))
    assert set(methods._kept.codes or {}) == before


def test_past_the_limit_only_this_runs_methods_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _cache_file(tmp_path)  # f and g
    monkeypatch.setattr(methods, "MAX_KEPT", 2)
    kept = methods._Kept(path)
    kept.code("def __create_fn__():\n def g(): return 2\n return g")
    kept.code("def __create_fn__():\n def h(): return 3\n return h")
    kept.save()  # three, past the limit: f, which this run did not use, is let go
    assert sorted(methods.read(path)) == [
        "def __create_fn__():\n def g(): return 2\n return g",
        "def __create_fn__():\n def h(): return 3\n return h",
    ]
