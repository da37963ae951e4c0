"""`policykit export`: files, atomic writes, batches with failures, reproducible bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykit.cli.app import app
from tests.conftest import ROOT

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example repository as the working directory."""
    shutil.copy(ROOT / "policykit.yaml", tmp_path / "policykit.yaml")
    shutil.copytree(ROOT / "policies", tmp_path / "policies")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["export", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_exports_all_three_formats_by_default(repo: Path) -> None:
    code, out = run()
    assert code == 0, out
    names = sorted(p.name for p in (repo / "exports").iterdir())
    assert names == sorted(
        f"{stem}.{ext}"
        for stem in (
            "kommunikationspolitik",
            "kommunikationspolitik-draft",  # the revision in policies/drafts/
            "information-security-policy",
            "personalepolitik",  # format 2: free sections, no definitions
        )
        for ext in ("html", "pdf", "docx")
    )
    assert "4 exported, 0 failed" in out


def test_format_flags_and_output_folder(repo: Path) -> None:
    code, _ = run("policies/kommunikationspolitik.yaml", "--html", "-o", "out")
    assert code == 0
    assert [p.name for p in (repo / "out").iterdir()] == ["kommunikationspolitik.html"]
    assert oct((repo / "out" / "kommunikationspolitik.html").stat().st_mode & 0o777) != "0o600"


def test_same_input_same_bytes(repo: Path) -> None:
    assert run("-o", "one")[0] == 0
    assert run("-o", "two")[0] == 0
    for first in (repo / "one").iterdir():
        assert first.read_bytes() == (repo / "two" / first.name).read_bytes(), first.name


def test_a_failing_export_keeps_the_previous_file_and_leaves_no_stray_files(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policykit.writing import docx as word

    assert run("--html", "--docx")[0] == 0
    before = {p.name: p.read_bytes() for p in (repo / "exports").iterdir()}
    real_write = word.write_docx

    # The Word writer itself fails: here, and in the pool's workers, forked after this.
    def failing(document, **options):  # type: ignore[no-untyped-def]
        if document.policy.id == "kommunikationspolitik":
            raise RuntimeError("disk on fire")
        return real_write(document, **options)

    monkeypatch.setattr(word, "write_docx", failing)
    (repo / "policies" / "information-security-policy.yaml").write_text(
        (repo / "policies" / "information-security-policy.yaml")
        .read_text("utf-8")
        .replace('version: "2.1"', 'version: "2.2"'),
        encoding="utf-8",
    )
    # --force: the unchanged policy's files would come from the cache, not be rendered.
    code, out = run("--html", "--docx", "--force")
    assert code == 1
    assert "failed: kommunikationspolitik" in out and "disk on fire" in out
    after = {p.name: p.read_bytes() for p in (repo / "exports").iterdir()}
    assert sorted(after) == sorted(before), "a stray or missing file"
    assert after["kommunikationspolitik.docx"] == before["kommunikationspolitik.docx"]
    # The other policy still exported, with its change.
    assert after["information-security-policy.html"] != before["information-security-policy.html"]


def test_a_broken_policy_is_reported_and_the_others_export(repo: Path) -> None:
    broken = repo / "policies" / "broken.yaml"
    broken.write_text("format: 1\ntitle: Broken\n", encoding="utf-8")
    code, out = run("--html")
    assert code == 1
    assert "error[PK101]" in out and "broken.yaml" in out
    assert (repo / "exports" / "kommunikationspolitik.html").exists()
    assert not (repo / "exports" / "broken.html").exists()
    assert "4 exported, 1 failed" in out


def test_pdf_batch_renders_in_a_process_pool(
    repo: Path, monkeypatch: pytest.MonkeyPatch, pool_sizes: list[int]
) -> None:
    from policykit.workflows import render_pool

    monkeypatch.setattr(render_pool, "available_cpus", lambda: 2)
    code, _ = run("--pdf")
    assert code == 0
    assert pool_sizes == [2]
    assert (repo / "exports" / "kommunikationspolitik.pdf").read_bytes().startswith(b"%PDF")


def test_template_folder_overrides_the_css(repo: Path) -> None:
    (repo / "tpl").mkdir()
    (repo / "tpl" / "policy.css").write_text("h1 { color: #00aa00; }\n", encoding="utf-8")
    code, _ = run("--html", "--template", "tpl")
    assert code == 0
    html = (repo / "exports" / "kommunikationspolitik.html").read_text("utf-8")
    assert "h1 { color: #00aa00; }" in html
    assert "--measure" not in html  # the packaged stylesheet was replaced


def test_logo_from_the_project_is_embedded(repo: Path) -> None:
    (repo / "assets").mkdir()
    (repo / "assets" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', encoding="utf-8"
    )
    project = (repo / "policykit.yaml").read_text("utf-8")
    (repo / "policykit.yaml").write_text(
        project + "branding:\n  logo: assets/logo.svg\n  primary_color: '#7a0019'\n",
        encoding="utf-8",
    )
    code, out = run("--html")
    assert code == 0, out
    html = (repo / "exports" / "kommunikationspolitik.html").read_text("utf-8")
    assert 'src="data:image/svg+xml;base64,' in html
    assert "--primary: #7a0019" in html


def test_a_logo_outside_the_repository_stops_the_export(repo: Path) -> None:
    project = (repo / "policykit.yaml").read_text("utf-8")
    (repo / "policykit.yaml").write_text(project + "branding:\n  logo: /etc/passwd\n", "utf-8")
    code, out = run("--html")
    assert code == 2
    assert "outside the repository" in out
    assert not (repo / "exports").exists()
