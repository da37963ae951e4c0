"""The command line, through typer's runner and, for the entry points, a real process."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.edge import workspace
from tests.conftest import DATA, ROOT

runner = CliRunner()
CASES = DATA / "cases"
BASE = (CASES / "valid-minimal.yaml").read_text("utf-8")


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty policy repository as the working directory."""
    (tmp_path / "policykit.yaml").write_text(
        "format: 1\norganisation:\n  name: Testby Kommune\n", encoding="utf-8"
    )
    (tmp_path / "policies" / "drafts").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_policy(path: Path, policy_id: str, **replace: str) -> Path:
    text = BASE.replace("id: case-policy", f"id: {policy_id}")
    for old, new in replace.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_defaults_to_policies_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run("validate")
    assert code == 0, out
    assert "4 files checked: 0 errors" in out  # three policies and a draft revision


def test_errors_show_location_source_line_and_caret(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a", **{'version: "1.0"': "version: 1.10"})
    code, out = run("validate")
    assert code == 1
    assert "error[PK107]" in out
    assert "--> policies/a.yaml:5:10" in out
    assert "5 | version: 1.10" in out
    assert "  |          ^^^^" in out
    assert 'hint: put it in quotes: `"1.10"`' in out


def test_warnings_pass_unless_strict(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a", **{"  interval: P2Y\n": ""})
    assert run("validate")[0] == 0
    code, out = run("validate", "--strict")
    assert code == 1
    assert "warning[PK309]" in out


def test_json_output(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a", **{"purpose:": "purpse:"})
    code, out = run("validate", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == 1
    assert report["errors"] == 2
    unknown = next(f for f in report["findings"] if f["code"] == "PK102")
    assert unknown["rule"] == "unknown-key"
    assert (unknown["file"], unknown["line"], unknown["column"]) == ("policies/a.yaml", 10, 1)
    assert unknown["hint"] == "did you mean `purpose`?"


def test_github_annotations(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a", **{"status: adopted": "status: adoptd"})
    code, out = run("validate", "--format", "github")
    assert code == 1
    assert out.startswith("::error file=policies/a.yaml,line=6,col=9,title=PK104 invalid-value::")
    assert "Hint: did you mean `adopted`?" in out


def test_stats_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run("validate", "--stats", "policies/kommunikationspolitik.yaml")
    assert code == 0
    assert "LIX" in out and "Kommunikationspolitikkens" in out
    assert "very hard" in out  # section 1 is LIX 66: the seed's own wording


def test_missing_path_is_a_usage_error(repo: Path) -> None:
    code, out = run("validate", "nowhere/")
    assert code == 2
    assert "nowhere: no such file or folder" in out
    assert "Traceback" not in out


def test_folder_without_policies_is_a_usage_error(repo: Path) -> None:
    code, out = run("validate", "policies")
    assert code == 2
    assert "no policy files" in out


def test_unreadable_file_exits_2(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_policy(repo / "policies" / "a.yaml", "a")

    def denied(path: Path, limit: int, within: Path | None = None) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    # Tests may run as root, who reads any file; so the refusal is simulated at the edge.
    monkeypatch.setattr(workspace, "read_limited", denied)
    code, out = run("validate")
    assert code == 2
    assert "error[PK001]" in out and "permission denied" in out


def test_size_limit_comes_from_the_project_file(repo: Path) -> None:
    (repo / "policykit.yaml").write_text(
        "format: 1\norganisation:\n  name: X\nlint:\n  max_file_size: 300\n", encoding="utf-8"
    )
    write_policy(repo / "policies" / "a.yaml", "a")
    code, out = run("validate")
    assert code == 1
    assert "error[PK002]" in out and "larger than the limit of 300 bytes" in out


def test_project_file_is_validated_too(repo: Path) -> None:
    (repo / "policykit.yaml").write_text("format: 1\norganisaton:\n  name: X\n", encoding="utf-8")
    write_policy(repo / "policies" / "a.yaml", "a")
    code, out = run("validate")
    assert code == 1
    assert "--> policykit.yaml:2:1" in out
    assert "did you mean `organisation`?" in out


def test_policy_ids_unique_in_force_and_among_drafts(repo: Path) -> None:
    policies = repo / "policies"
    write_policy(policies / "a.yaml", "shared")
    write_policy(policies / "drafts" / "shared.yaml", "shared")  # a revision: same id is right
    assert run("validate")[0] == 0
    write_policy(policies / "b.yaml", "shared")
    code, out = run("validate")
    assert code == 1
    assert "the policy id `shared` is used twice among the policies" in out
    write_policy(policies / "drafts" / "b.yaml", "shared")
    assert "used twice among the drafts" in run("validate")[1]


def test_draft_without_a_policy_in_force_is_a_warning(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a")
    write_policy(repo / "policies" / "drafts" / "b.yaml", "b")
    code, out = run("validate")
    assert code == 0
    assert "warning[PK310]" in out


def test_id_defaults_to_the_file_name(repo: Path) -> None:
    write_policy(repo / "policies" / "Bad Name.yaml", "x", **{"id: x\n": ""})
    code, out = run("validate")
    assert code == 1
    assert "the file name `Bad Name` is not a valid id" in out


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_case_gets_a_traceback(case: Path) -> None:
    code, out = run("validate", str(case))
    assert code in (0, 1)
    assert "Traceback" not in out


def test_schema_command_prints_the_committed_schemas() -> None:
    assert run("schema")[1] == (ROOT / "schema" / "policy.schema.json").read_text("utf-8")
    assert run("schema", "--project")[1] == (ROOT / "schema" / "project.schema.json").read_text(
        "utf-8"
    )
    assert run("schema", "--diff")[1] == (ROOT / "schema" / "diff.schema.json").read_text("utf-8")


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "policykit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("policykit ")


def test_a_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    policy = tmp_path / "evil.yaml"
    policy.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "policykit", "validate", str(policy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "PK011" in result.stderr
    assert not marker.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "policies"],
        [
            "diff",
            "policies/kommunikationspolitik.yaml",
            "policies/drafts/kommunikationspolitik.yaml",
        ],
        ["review", "policies"],
    ],
)
def test_commands_keep_heavy_libraries_out(command: list[str]) -> None:
    code = (
        "import sys; from policykit.cli.app import app\n"
        f"try:\n    app({command!r})\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'docx', 'jinja2', 'babel') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_validating_one_file_in_a_hook_loads_only_what_it_needs() -> None:
    """`validate` on the seed, its stderr a pipe (a commit hook, an editor): the findings are
    plain text written without rich, the prose (paragraphs and simple lists) is read
    without markdown-it, and the cache does not load the templates. Each is a tenth of the
    command's start-up."""
    code = (
        "import sys; from policykit.cli.app import app\n"
        "try:\n    app(['validate', 'policies/kommunikationspolitik.yaml'])\n"
        "except SystemExit:\n    pass\n"
        "names = ('rich', 'markdown_it', 'policykit.writing.layout', 'jinja2')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert "warning[PK401]" in result.stderr  # the findings were written
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("environment", "plain"),
    [({}, True), ({"FORCE_COLOR": "1"}, False), ({"FORCE_COLOR": ""}, True),
     ({"TTY_COMPATIBLE": "1"}, False)],
)  # fmt: skip
def test_findings_are_plain_text_where_no_colour_can_show(
    environment: dict[str, str], plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policykit.cli.diagnostics import PlainText, output_console

    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert isinstance(output_console(), PlainText) is plain


def test_a_draft_validated_alone_does_not_claim_its_policy_is_missing(repo: Path) -> None:
    write_policy(repo / "policies" / "a.yaml", "a")
    write_policy(repo / "policies" / "drafts" / "a.yaml", "a")
    code, out = run("validate", "policies/drafts")
    assert code == 0
    assert "PK310" not in out


def test_help_lists_every_command_in_the_order_of_the_year() -> None:
    from policykit.cli.app import Commands

    code, out = run("--help")
    assert code == 0
    listed = [n for n in re.findall(r"^│ (\w+) ", out, re.MULTILINE) if n in Commands.ORDER]
    assert listed == list(Commands.ORDER)
    assert set(typer.main.get_command(app).commands) == set(Commands.ORDER)
