"""The documentation keeps up with the code: every rule documented, the schemas published."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from policykit.diagnostics import rules
from policykit.reading.schema import schema_text
from tests.conftest import ROOT

RULES_MD = (ROOT / "docs" / "rules.md").read_text("utf-8")


def test_every_rule_is_documented() -> None:
    documented = set(re.findall(r"^### (PK\d{3}) ([a-z-]+)$", RULES_MD, flags=re.MULTILINE))
    registered = {(rule.code, rule.name) for rule in rules.ALL_RULES}
    assert registered - documented == set(), "rules missing from docs/rules.md"
    assert documented - registered == set(), "docs/rules.md documents rules that do not exist"


def test_every_rule_code_used_in_the_code_is_registered() -> None:
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "policykit").rglob("*.py"))
    used = set(re.findall(r"\brules\.([A-Z_]+)\b", source)) - {"ALL_RULES"}
    names = {name for name, value in vars(rules).items() if isinstance(value, rules.Rule)}
    assert used, "no rule references found: the pattern is wrong"
    assert used <= names
    # No finding is raised under a literal code that bypasses the registry.
    literal = [p for p in (ROOT / "policykit").rglob("*.py") if p.name != "rules.py"]
    assert not [p for p in literal if re.search(r'"PK\d{3}"', p.read_text("utf-8"))]


def test_rule_codes_and_names_are_unique() -> None:
    assert len({r.code for r in rules.ALL_RULES}) == len(rules.ALL_RULES)
    assert len({r.name for r in rules.ALL_RULES}) == len(rules.ALL_RULES)


@pytest.mark.parametrize("name", ["policy", "project", "diff"])
def test_committed_schema_matches_the_packaged_one(name: str) -> None:
    committed = (ROOT / "schema" / f"{name}.schema.json").read_text("utf-8")
    assert committed == schema_text(name)  # type: ignore[arg-type]
    jsonschema.Draft7Validator.check_schema(json.loads(committed))


def _load(path: str) -> object:
    # What an editor's YAML 1.2 language server sees: dates stay strings.
    data = YAML(typ="safe", pure=True).load((ROOT / path).read_text("utf-8"))
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize(
    "path",
    [
        "policies/kommunikationspolitik.yaml",
        "policies/information-security-policy.yaml",
        "policies/personalepolitik.yaml",
        "policies/drafts/kommunikationspolitik.yaml",
    ],
)
def test_example_policies_carry_the_modeline_and_satisfy_the_schema(path: str) -> None:
    first_line = (ROOT / path).read_text("utf-8").splitlines()[0]
    schema = Path(os.path.relpath(ROOT / "schema", (ROOT / path).parent)).as_posix()
    assert first_line == f"# yaml-language-server: $schema={schema}/policy.schema.json"
    jsonschema.validate(_load(path), json.loads(schema_text("policy")))


def test_project_file_satisfies_its_schema() -> None:
    jsonschema.validate(_load("policykit.yaml"), json.loads(schema_text("project")))


def test_the_compiled_schemas_are_up_to_date() -> None:
    """policykit/reading/compiled/ is what scripts/compile-schemas makes of the schemas now
    (`make schema` writes it)."""
    import subprocess
    import sys

    script = ROOT / "scripts" / "compile-schemas"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_readme_opens_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text("utf-8").splitlines() if line][:5]
    commands = [line.split("#")[0].strip() for line in lines]
    assert commands.index("make demo") < commands.index("make test")


def test_format_doc_example_validates() -> None:
    from policykit.checking.validate import SourceFile, validate

    doc = (ROOT / "docs" / "format.md").read_text("utf-8")
    examples = re.findall(r"```yaml\n(format: 1\n.*?|# yaml-language-server.*?)```", doc, re.S)
    complete = [e for e in examples if "evaluation:" in e and "principles:" in e]
    assert complete, "docs/format.md has no complete example policy"
    report = validate([SourceFile("example.yaml", complete[0].encode("utf-8"))])
    assert report.errors == 0, report.findings


def test_format_doc_format_2_example_validates_with_no_finding() -> None:
    from policykit.checking.validate import SourceFile, validate

    doc = (ROOT / "docs" / "format.md").read_text("utf-8")
    (example,) = re.findall(r"```yaml\n(format: 2\n.*?)```", doc, re.S)
    report = validate([SourceFile("personalepolitik.yaml", example.encode("utf-8"))])
    assert report.findings == []
    assert [s.heading for s in report.policies[0].sections] == [
        "Vores værdier",
        "Arbejdsmiljø",
        "Bilag 1: Lokale aftaler",
    ]
    (work,) = [s for s in report.policies[0].sections if s.id == "arbejdsmiljoe"]
    assert work.text is not None and type(work.text.blocks[1]).__name__ == "Table"


def test_pre_commit_hook_runs_validate_on_the_whole_folder() -> None:
    hooks = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    (hook,) = hooks
    assert hook["id"] == "policykit-validate"
    assert hook["entry"] == "policykit validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "policies/drafts/hr.yaml")
    assert not re.search(hook["files"], "README.md")
