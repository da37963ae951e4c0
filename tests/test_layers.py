"""The house's rules, checked on the source: no import cycles, no private name imported from
another module, and the layers contract of `make lint` (import-linter) kept."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

from tests.conftest import ROOT

PACKAGE = ROOT / "policykit"


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles a depth-first walk meets, each as the chain of modules."""
    state: dict[str, str] = {}
    found: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(imports.get(module, ())):
            if state.get(imported) == "open":
                found.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(imports):
        if module not in state:
            visit(module, [module])
    return found


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_there_are_no_import_cycles() -> None:
    graph = grimp.build_graph("policykit")
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert sum(len(v) for v in imports.values()) > 100  # the graph was read
    found = cycles(imports)
    assert not found, " → ".join(found[0])


def test_no_private_name_is_imported_from_another_module() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("policykit"):
                offences += [
                    f"{path.relative_to(ROOT)}:{node.lineno}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and alias.name != "__version__"
                ]
    assert not offences, "\n".join(offences)


def test_the_layers_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert "1 kept, 0 broken" in result.stdout


def test_the_benchmarks_import_what_they_use() -> None:
    """`make bench` is not run by the tests; its scripts must still follow the code's moves."""
    import importlib.util

    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        spec = importlib.util.spec_from_file_location(script.stem, script)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # defines main(); runs nothing
        assert callable(module.main), script.name
