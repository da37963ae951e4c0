"""Every command against broken set-ups: a clear message on stderr, exit 2, no traceback, and
nothing written. And every command run from anywhere in a project works on the whole project.

The set-ups: an unknown language in policykit.yaml, a missing folder, a file where a folder is
expected, an unreadable project file, and an output path that cannot be written. `validate`
reports a project file's errors as findings (exit 1, as for any file with errors); every other
command stops on them before it writes anything (exit 2).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.command import policykit
from tests.conftest import ROOT

DRAFT = "policies/drafts/kommunikationspolitik.yaml"
IN_FORCE = "policies/kommunikationspolitik.yaml"

#: Each command, with arguments that work in a sound copy of this repository.
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "export": ["export", "--html"],
    "diff": ["diff", IN_FORCE, DRAFT],
    "brief": ["brief", DRAFT, "--date", "2026-11-20"],
    "adopt": ["adopt", DRAFT, "--by", "Byrådet", "--date", "2026-11-20"],
    "evaluate": ["evaluate", IN_FORCE, "--date", "2026-11-20"],
    "repeal": ["repeal", IN_FORCE, "--by", "Byrådet", "--date", "2026-11-20"],
    "review": ["review"],
    "catalog": ["catalog"],
    "new": ["new", "hr", "--title", "Personalepolitik"],
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of this repository's project file and policies."""
    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str, code: int = 2) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


# --- an unknown language ---------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_language_in_the_project_file_is_a_finding_and_stops(
    repo: Path, command: str
) -> None:
    project = repo / "policykit.yaml"
    project.write_text(project.read_text("utf-8").replace("language: da", "language: fr"), "utf-8")
    before = snapshot(repo)
    result = policykit(*COMMANDS[command], cwd=repo)
    code = 1 if command == "validate" else 2
    assert_refused(result, "error[PK111]", "the language `fr`", "--> policykit.yaml:", code=code)
    assert snapshot(repo) == before
    if command != "validate":
        assert "error: policykit.yaml has errors, so " in result.stderr


def test_an_unknown_language_in_a_policy_is_a_finding(repo: Path) -> None:
    path = repo / IN_FORCE
    path.write_text(path.read_text("utf-8").replace("language: da", "language: fr"), "utf-8")
    result = policykit("validate", cwd=repo)
    assert_refused(result, "error[PK111]", f"--> {IN_FORCE}:", code=1)
    result = policykit("catalog", "-o", "x.html", cwd=repo)
    assert "Traceback" not in result.stderr and result.returncode == 1  # the others are listed
    assert "error[PK111]" in result.stderr


# --- missing paths, and files where folders belong ---------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "nowhere/"],
        ["export", "nowhere/"],
        ["review", "nowhere/"],
        ["catalog", "nowhere/"],
        ["diff", "nowhere.yaml", IN_FORCE],
        ["brief", "nowhere.yaml"],
        ["adopt", "nowhere.yaml", "--by", "B", "--date", "2026-11-20"],
        ["evaluate", "nowhere.yaml", "--date", "2026-11-20"],
        ["repeal", "nowhere.yaml", "--by", "B", "--date", "2026-11-20"],
    ],
    ids=lambda args: args[0],
)
def test_a_missing_path_is_named(repo: Path, args: list[str]) -> None:
    before = snapshot(repo)
    assert_refused(policykit(*args, cwd=repo), "nowhere")
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--html", "-d", "policies/kommunikationspolitik.yaml"],
        ["brief", DRAFT, "-d", "policies/kommunikationspolitik.yaml"],
        ["export", "--html", "--template", "policykit.yaml"],
        ["catalog", "--exports", "policykit.yaml", "-o", "policykit.yaml/index.html"],
        ["init", "policykit.yaml"],
    ],
    ids=["export", "brief", "template", "catalog", "init"],
)
def test_a_file_where_a_folder_is_expected(repo: Path, args: list[str]) -> None:
    before = snapshot(repo)
    assert_refused(policykit(*args, cwd=repo), "error:")
    assert snapshot(repo) == before


def test_an_output_path_that_cannot_be_written(repo: Path) -> None:
    (repo / "blocked").write_text("a file, not a folder\n", "utf-8")
    before = snapshot(repo)
    for args in (
        ["export", "--html", "-d", "blocked/exports"],
        ["brief", DRAFT, "--date", "2026-11-20", "-d", "blocked/exports"],
        ["diff", IN_FORCE, DRAFT, "-o", "blocked/redline.html"],
        ["catalog", "-o", "blocked/index.html"],
    ):
        result = policykit(*args, cwd=repo)
        assert_refused(result, "cannot write", "blocked")
    assert snapshot(repo) == before


def test_an_unreadable_project_file(repo: Path) -> None:
    """As root any file is readable, so the project file is made a folder: it exists, and
    reading it fails."""
    (repo / "policykit.yaml").unlink()
    (repo / "policykit.yaml").mkdir()
    before = snapshot(repo)
    for command, args in COMMANDS.items():
        result = policykit(*args, cwd=repo)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert result.returncode == 2, (command, result.returncode, result.stderr)
        assert "policykit.yaml" in result.stderr, (command, result.stderr)
    assert snapshot(repo) == before


# --- the project, found from anywhere in it ------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "export", "review", "catalog"])
def test_commands_run_from_the_drafts_folder_work_on_the_whole_project(
    repo: Path, command: str
) -> None:
    drafts = repo / "policies" / "drafts"
    args = (
        [*COMMANDS[command], "--date", "2026-11-28"]
        if command in ("review", "catalog")
        else (COMMANDS[command])
    )
    result = policykit(*args, cwd=drafts)
    assert result.returncode == 0, result.stderr
    if command == "validate":
        assert "4 files checked: 0 errors" in result.stderr
    if command == "export":
        assert (repo / "exports" / "kommunikationspolitik.html").is_file()
        assert (repo / "exports" / "kommunikationspolitik-draft.html").is_file()
        assert not (drafts / "exports").exists()
    if command == "review":
        assert "Kommunikationspolitik" in result.stdout and "Information" in result.stdout
    if command == "catalog":
        assert (repo / "exports" / "index.html").is_file()


def test_a_policy_named_from_elsewhere_is_exported_to_its_projects_exports(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = policykit("export", "--html", str(repo / IN_FORCE), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (repo / "exports" / "kommunikationspolitik.html").is_file()
    assert not (elsewhere / "exports").exists()


def test_outside_any_project_a_command_says_so_and_names_init(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    for args in (["validate"], ["export"], ["review"], ["catalog"]):
        result = policykit(*args, cwd=outside)
        assert_refused(result, "not in a policy repository", "policykit init")


# --- the old spellings, for one release --------------------------------------------------------


def test_old_spellings_still_work_with_a_deprecation_warning(repo: Path) -> None:
    result = policykit("export", "--html", "-o", "old-exports", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "warning: -o/--output for a folder is deprecated" in result.stderr
    assert (repo / "old-exports" / "kommunikationspolitik.html").is_file()
    result = policykit("review", "--on", "2026-11-28", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "warning: --on is deprecated" in result.stderr and "--date" in result.stderr
    assert "2026-11-28" in result.stdout
