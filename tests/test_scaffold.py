"""`policykit init` and `policykit new`: a repository and a policy that validate as written."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from policykit.cli.app import app
from policykit.diagnostics import rules
from policykit.diagnostics.errors import UsageError
from policykit.reading.reader import read_policy, read_project
from policykit.reading.schema import check, schema_text
from policykit.reading.yamlsource import YMapping, parse_yaml
from policykit.workflows import scaffold
from tests.conftest import ROOT

runner = CliRunner()
PARTS = ("purpose", "goals", "definitions", "principles", "evaluation")
REPOSITORY_FILES = {
    ".gitignore",
    ".pre-commit-config.yaml",
    "exports/README.md",
    "policies/drafts/README.md",
    "policykit.yaml",
    "schema/policy.schema.json",
    "schema/project.schema.json",
}
EXAMPLES = {"da": "policies/henvendelser.yaml", "en": "policies/enquiries.yaml"}


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, with its bytes: to show that nothing was written."""
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def load(path: Path) -> object:
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository made by `policykit init` (Danish), as the working directory."""
    folder = tmp_path / "politikker"
    code, out = run("init", str(folder), "--organisation", "Testby Kommune")
    assert code == 0, out
    monkeypatch.chdir(folder)
    return folder


def assert_validates_cleanly(policies: Path) -> None:
    """No finding but the placeholders of `new`, which the secretariat replaces (PK311)."""
    code, out = run("validate", str(policies))
    assert code == 0, out
    assert "0 errors" in out
    warnings = [line for line in out.splitlines() if line.startswith("warning[")]
    assert all(line.startswith("warning[PK311]") for line in warnings), warnings


# --- init -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["da", "en"])
def test_init_creates_the_repository(tmp_path: Path, language: str) -> None:
    folder = tmp_path / "new" / "repo"  # made, parents and all
    code, out = run("init", str(folder), "--language", language)
    assert code == 0, out
    files = {path for path in tree(folder) if not path.startswith(".git/")}
    assert files == REPOSITORY_FILES | {EXAMPLES[language]}
    assert (folder / "policies" / "drafts").is_dir()
    assert (folder / "exports").is_dir()
    # Each file, and the git repository (tmp_path lies in none).
    assert out.count("created ") == len(REPOSITORY_FILES) + 2
    assert "created a git repository" in out
    project = load(folder / "policykit.yaml")
    assert isinstance(project, dict)
    assert project["language"] == language
    example = load(folder / EXAMPLES[language])
    assert isinstance(example, dict)
    assert example["language"] == language
    assert example["status"] == "draft"


@pytest.mark.parametrize("language", ["da", "en"])
def test_init_result_validates_without_findings(tmp_path: Path, language: str) -> None:
    code, _ = run("init", str(tmp_path), "--language", language, "--organisation", "Testby")
    assert code == 0
    assert_validates_cleanly(tmp_path / "policies")
    project_file = tmp_path / "policykit.yaml"
    read = read_project(project_file.read_bytes(), "policykit.yaml")
    assert read.findings == []
    assert read.project.organisation is not None
    assert read.project.organisation.name == "Testby"
    jsonschema.validate(load(project_file), json.loads(schema_text("project")))


def test_init_writes_the_modelines_and_the_packaged_schemas(tmp_path: Path) -> None:
    assert run("init", str(tmp_path))[0] == 0
    for name in ("policy", "project"):
        written = (tmp_path / "schema" / f"{name}.schema.json").read_text("utf-8")
        assert written == schema_text(name)
    for relative, schema in [
        ("policykit.yaml", "schema/project.schema.json"),
        (EXAMPLES["da"], "../schema/policy.schema.json"),
    ]:
        path = tmp_path / relative
        first_line = path.read_text("utf-8").splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema={schema}"
        assert (path.parent / schema).resolve().is_file()


def test_init_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("init")
    assert code == 0, out
    assert (tmp_path / "policykit.yaml").is_file()
    assert "created policykit.yaml" in out
    project = load(tmp_path / "policykit.yaml")
    assert isinstance(project, dict)
    assert project["organisation"]["name"] == "Eksempel Kommune"  # a placeholder to replace


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_init_pre_commit_config_runs_validate_and_git_ignores_exports(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert run("init", str(tmp_path))[0] == 0
    config = load(tmp_path / ".pre-commit-config.yaml")
    assert isinstance(config, dict)
    (repository,) = config["repos"]
    assert repository["repo"] == "local"
    (hook,) = repository["hooks"]
    assert hook["id"] == "policykit-validate"  # the id of the hook policykit publishes
    assert hook["entry"] == "policykit validate"
    assert hook["language"] == "system"
    assert hook["pass_filenames"] is False
    for path in ("policies/hr.yaml", "policies/drafts/hr.yml", "policykit.yaml"):
        assert re.search(hook["files"], path), path
    for path in ("README.md", "exports/hr.yaml", "schema/policy.schema.json"):
        assert not re.search(hook["files"], path), path
    (tmp_path / "exports" / "henvendelser.html").write_text("<html></html>", encoding="utf-8")
    ignored = subprocess.run(
        ["git", "-C", str(tmp_path), "check-ignore", "exports/henvendelser.html"],
        capture_output=True,
        check=False,
    )
    assert ignored.returncode == 0
    status = subprocess.run(
        ["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "exports/README.md" in status
    assert "policies/drafts/README.md" in status  # so git keeps the drafts folder
    assert "henvendelser.html" not in status
    if shutil.which("pre-commit"):
        subprocess.run(["pre-commit", "validate-config"], cwd=tmp_path, check=True)


def test_init_refuses_an_existing_repository_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "policykit.yaml").write_text("format: 1\n", encoding="utf-8")
    before = tree(tmp_path)
    code, out = run("init", str(tmp_path), "--organisation", "Andet navn")
    assert code == 2
    assert "policykit.yaml exists" in out
    assert "nothing was written" in out
    assert tree(tmp_path) == before


def test_init_twice_refuses_the_second_time(tmp_path: Path) -> None:
    assert run("init", str(tmp_path))[0] == 0
    before = tree(tmp_path)
    assert run("init", str(tmp_path), "--language", "en")[0] == 2
    assert tree(tmp_path) == before


def test_init_keeps_existing_files_and_adds_no_example_to_existing_policies(
    tmp_path: Path,
) -> None:
    (tmp_path / ".gitignore").write_text("secret.txt\n", encoding="utf-8")
    (tmp_path / "policies").mkdir()
    hr = tmp_path / "policies" / "hr.yaml"
    hr.write_text("format: 1\n", encoding="utf-8")
    code, out = run("init", str(tmp_path))
    assert code == 0, out
    assert (tmp_path / ".gitignore").read_text("utf-8") == "secret.txt\n"
    assert hr.read_text("utf-8") == "format: 1\n"
    assert re.search(r"kept \S*\.gitignore: it exists already", out)
    assert not (tmp_path / EXAMPLES["da"]).exists()
    assert (tmp_path / "policykit.yaml").is_file()


def test_init_refuses_a_file_where_a_folder_belongs(tmp_path: Path) -> None:
    (tmp_path / "exports").write_text("not a folder\n", encoding="utf-8")
    before = tree(tmp_path)
    code, out = run("init", str(tmp_path))
    assert code == 2
    assert "is a file, but policykit needs a folder there" in out
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--language", "de"], "there are no templates for the language `de`"),
        (["--organisation", "  "], "the organisation's name is empty"),
        (["--organisation", "Testby\nKommune"], "line break"),
    ],
)
def test_init_refuses_bad_options_and_writes_nothing(
    tmp_path: Path, options: list[str], message: str
) -> None:
    folder = tmp_path / "repo"
    code, out = run("init", str(folder), *options)
    assert code == 2
    assert message in out
    assert not folder.exists()


def test_init_quotes_an_organisation_name_yaml_would_misread(tmp_path: Path) -> None:
    name = 'Testby: "Kommune" #1'
    assert run("init", str(tmp_path), "--organisation", name)[0] == 0
    read = read_project((tmp_path / "policykit.yaml").read_bytes(), "policykit.yaml")
    assert read.findings == []
    assert read.project.organisation is not None
    assert read.project.organisation.name == name


# --- new ------------------------------------------------------------------------------------


def test_new_creates_a_valid_draft_with_all_five_parts(repo: Path) -> None:
    code, out = run("new", "personale", "--title", "Personalepolitik")
    assert code == 0, out
    path = repo / "policies" / "personale.yaml"
    assert "created policies/personale.yaml" in out
    text = path.read_text("utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schema/policy.schema.json"
    read = read_policy(text.encode("utf-8"), "policies/personale.yaml")
    assert read.findings == []
    assert read.policy is not None
    policy = read.policy
    assert (policy.id, policy.title, policy.version) == ("personale", "Personalepolitik", "0.1")
    assert policy.status.value == "draft"
    assert policy.language == "da"
    data = load(path)
    assert isinstance(data, dict)
    assert all(part in data for part in PARTS)
    assert policy.goal_groups and policy.terms and policy.principle_items
    assert policy.evaluation is not None and policy.evaluation.interval is not None
    assert policy.format == 2
    assert_validates_cleanly(repo / "policies")


@pytest.mark.parametrize("language", ["da", "en"])
def test_new_shows_free_sections_and_an_annex_as_an_example_that_validates(
    repo: Path, language: str
) -> None:
    code, out = run("new", "hr", "--title", "HR", "--language", language)
    assert code == 0, out
    text = (repo / "policies" / "hr.yaml").read_text("utf-8")
    start = text.index("# sections:")
    # The commented-out YAML starts with a key, a space or a dash (a bare `#` is a blank
    # line of it); the guidance with a capital.
    lines = [
        "" if line == "#" else line[2:] if line[2:3].islower() or line[2:3] in (" ", "-") else line
        for line in text[start:].splitlines()
    ]
    example = text[:start] + "\n".join(lines) + "\n"
    read = read_policy(example.encode("utf-8"), "policies/hr.yaml")
    assert read.findings == [], read.findings
    assert read.policy is not None
    sections = read.policy.sections
    assert len(sections) == 2 and sections[0].subsections and not sections[1].numbered
    text_blocks = sections[0].text.blocks if sections[0].text else ()
    assert [type(block).__name__ for block in text_blocks] == ["Paragraph", "Table"]
    assert read.policy.order[-1] == sections[1].id  # the annex last, as `order` puts it


@pytest.mark.parametrize(
    ("project_language", "option", "language", "guide"),
    [
        ("da", [], "da", "# --- del 1: formål"),
        ("da", ["--language", "en"], "en", "# --- part 1: purpose"),
        ("en", [], "en", "# --- part 1: purpose"),
        ("en", ["--language", "da"], "da", "# --- del 1: formål"),
    ],
)
def test_new_follows_the_project_language_unless_told(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    project_language: str,
    option: list[str],
    language: str,
    guide: str,
) -> None:
    assert run("init", str(tmp_path), "--language", project_language)[0] == 0
    monkeypatch.chdir(tmp_path)
    code, out = run("new", "ny-politik", "--title", "Ny politik", *option)
    assert code == 0, out
    text = (tmp_path / "policies" / "ny-politik.yaml").read_text("utf-8")
    assert f"\nlanguage: {language}\n" in text
    assert guide in text
    for part in PARTS:
        assert f"\n{part}:\n" in text
    assert_validates_cleanly(tmp_path / "policies")


@pytest.mark.parametrize(
    "bad_id", ["Hr", "hr_x", "hr x", "-hr", "hr-", "hr--x", "../hr", "hr\n", "ø"]
)
def test_new_refuses_an_invalid_id(repo: Path, bad_id: str) -> None:
    before = tree(repo)
    code, out = run("new", "--title", "Politik", "--", bad_id)  # `--`: `-hr` is no option
    assert code == 2
    assert "is not a valid policy id" in out
    assert tree(repo) == before


@pytest.mark.parametrize("name", ["henvendelser.yaml", "henvendelser.yml"])
def test_new_refuses_an_existing_file(repo: Path, name: str) -> None:
    (repo / "policies" / "henvendelser.yaml").unlink()
    existing = repo / "policies" / name
    existing.write_text("# mine\n", encoding="utf-8")
    before = tree(repo)
    code, out = run("new", "henvendelser", "--title", "Svartider")
    assert code == 2
    assert f"policies/{name} exists already" in out
    assert tree(repo) == before


def test_new_never_overwrites_a_file_made_after_its_check(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if another process wrote the file between `new`'s check and its write.
    monkeypatch.setattr(scaffold, "POLICY_SUFFIXES", ())
    theirs = repo / "policies" / "svar.yaml"
    theirs.write_text("# theirs\n", encoding="utf-8")
    before = tree(repo)
    code, out = run("new", "svar", "--title", "Svartider")
    assert code == 2
    assert "policies/svar.yaml exists already" in out
    assert tree(repo) == before  # unchanged, and no temporary file left behind


def test_new_refuses_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("new", "hr", "--title", "Personalepolitik")
    assert code == 2
    assert "no policykit.yaml" in out
    assert "policykit init" in out
    assert tree(tmp_path) == {}


@pytest.mark.parametrize(
    ("title", "message"),
    [("   ", "the title is empty"), ("To\nlinjer", "line break"), ("Bip\x07", "control")],
)
def test_new_refuses_a_title_that_is_not_one_line_of_text(
    repo: Path, title: str, message: str
) -> None:
    before = tree(repo)
    code, out = run("new", "hr", "--title", title)
    assert code == 2
    assert message in out
    assert tree(repo) == before


def test_new_quotes_a_title_yaml_would_misread(repo: Path) -> None:
    title = 'IT: "sikkerhed" & data #2'
    assert run("new", "it", "--title", title)[0] == 0
    read = read_policy((repo / "policies" / "it.yaml").read_bytes(), "it.yaml")
    assert read.policy is not None
    assert read.policy.title == title


def test_new_from_a_subfolder_writes_to_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "policies" / "drafts")
    assert run("new", "hr", "--title", "Personalepolitik")[0] == 0
    assert (repo / "policies" / "hr.yaml").is_file()
    assert not (repo / "policies" / "drafts" / "policies").exists()


def test_new_policy_exports_to_html(repo: Path) -> None:
    assert run("new", "personale", "--title", "Personalepolitik")[0] == 0
    code, out = run("export", str(repo / "policies"), "--html", "-o", str(repo / "out"))
    assert code == 0, out
    html = (repo / "out" / "personale.html").read_text("utf-8")
    assert "Personalepolitik" in html
    assert (repo / "out" / "henvendelser.html").is_file()


# --- the library ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy_id", ["hr", "hr-2024", "a1-b2-c3", "Hr", "hr_x", "-hr", "hr-", "hr--x", "hr\n", ""]
)
def test_id_check_agrees_with_the_schema(policy_id: str) -> None:
    document = parse_yaml(f"id: {json.dumps(policy_id)}\n", "x.yaml")
    assert isinstance(document.root, YMapping)
    schema = json.loads(schema_text("policy"))
    schema_ok = re.fullmatch(schema["definitions"]["slug"]["pattern"], policy_id) is not None
    findings = [f for f in check(document.root, "policy") if f.rule is rules.INVALID_ID]
    assert schema_ok == (not findings)
    try:
        scaffold.check_policy_id(policy_id)
    except UsageError:
        assert not schema_ok
    else:
        assert schema_ok


def test_scaffold_templates_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["policykit"]
    package = ROOT / "policykit"
    templates = sorted((package / "templates" / "scaffold").rglob("*.tmpl"))
    assert templates
    for path in templates:
        relative = path.relative_to(package).as_posix()
        matches = [
            p
            for p in patterns
            if fnmatch.fnmatch(relative, p) and p.count("/") == relative.count("/")
        ]
        assert matches, f"{relative} is not in the package data"
    assert scaffold.template_languages() == ["da", "en"]


def test_init_makes_a_git_repository_where_there_is_none(tmp_path: Path) -> None:
    result = scaffold.init_repository(tmp_path / "p", "Testkommune", "da")
    assert result.git is True
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=tmp_path / "p",
                         capture_output=True, text=True, check=True)  # fmt: skip
    assert Path(top.stdout.strip()) == (tmp_path / "p").resolve()


def test_init_never_touches_an_existing_repository(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / ".git").rglob("*"))
    result = scaffold.init_repository(tmp_path / "policies-repo", "Testkommune", "da")
    assert result.git is False
    assert not (tmp_path / "policies-repo" / ".git").exists()
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / ".git").rglob("*")) == before


def test_init_without_git_says_so_and_writes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    result = CliRunner().invoke(app, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "git is not installed" in result.output
    assert (tmp_path / "p" / "policykit.yaml").is_file()
    assert not (tmp_path / "p" / ".git").exists()
