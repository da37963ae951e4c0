"""`policykit import --update`: an edited Word export read back into its policy file.

Each edit set is made on the export's `document.xml` as Word makes edits (`word_edits`), with
track changes and without, and each of those files is saved again by LibreOffice. For every
file the policy file after the update must be the hand-made expected file in
`tests/data/roundtrip/`, byte for byte, and `policykit diff` must find the two identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.command import policykit
from tests.conftest import ROOT
from tests.edit_sets import committee, facts, harder
from tests.word_edits import Editor, edited

DATA = ROOT / "tests" / "data" / "roundtrip"
SEED = "policies/kommunikationspolitik.yaml"
EXPORT = "out/kommunikationspolitik.docx"


EDITS: dict[str, tuple[Callable[[Editor], None], int]] = {
    "committee": (committee, 1),  # exit 1: the interval is not applied
    "harder": (harder, 0),
    "facts": (facts, 1),
}
#: For each edit set, the reasons of what is not applied.
NOT_APPLIED = {
    "committee": [
        "evaluation.interval: the rule's sentence and the “Evalueres:” line now "
        "state different intervals"
    ],
    "harder": [],
    "facts": [
        "version: the version is set by `policykit adopt`",
        "status: the status is set by `policykit adopt`",
        "contents: the table of contents is made from the headings",
        "an image, which a policy cannot hold",
    ],
}
VARIANTS = ("untracked", "tracked", "untracked, re-saved", "tracked, re-saved")


def _repository(folder: Path) -> Path:
    """The example policies in a git repository of their own, committed, and exported."""
    repo = folder / "repo"
    shutil.copytree(ROOT / "policies", repo / "policies")
    shutil.copy(ROOT / "policykit.yaml", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "the policies")
    done = policykit("export", SEED, "--docx", "-d", "out", cwd=repo)
    assert done.returncode == 0, done.stderr
    return repo


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def edited_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Every edit set in every variant: made with and without track changes from one export,
    and each saved again by LibreOffice (one run for all)."""
    from tests.clients import require

    folder = tmp_path_factory.mktemp("edited")
    repo = _repository(folder)
    export = (repo / EXPORT).read_bytes()
    files: dict[tuple[str, str], Path] = {}
    for name, (edits, _) in EDITS.items():
        for tracked in (False, True):
            variant = "tracked" if tracked else "untracked"
            path = folder / f"{name}-{variant}.docx"
            path.write_bytes(edited(export, edits, tracked=tracked))
            files[(name, variant)] = path
    soffice = require("soffice")
    # `--convert-to`, not the Python bridge: LibreOffice 7.4 driven through its bridge
    # cannot load a file with comments at all (see test_redline_docx); this is the same
    # import and export filter a person's "Save" runs.
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "lo"),
         *(str(p) for p in files.values())],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    for (name, variant), path in list(files.items()):
        files[(name, f"{variant}, re-saved")] = folder / "lo" / path.name
    return files


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_export_updates_its_yaml_to_the_expected_file(
    name: str, variant: str, edited_files: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    before = (repo / SEED).read_bytes()
    done = policykit("import", "--update", SEED, str(edited_files[(name, variant)]), cwd=repo)
    assert done.returncode == EDITS[name][1], done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    expected = DATA / f"{name}.yaml" if (DATA / f"{name}.yaml").exists() else None
    after = (repo / SEED).read_bytes()
    if expected is None:
        assert after == before, "nothing the Word file changed is applied"
    else:
        assert after.decode() == expected.read_text(encoding="utf-8")
        same = policykit("diff", str(expected), SEED, cwd=repo)
        assert same.returncode == 0, same.stdout
    text = " ".join(done.stdout.split())
    for reason in NOT_APPLIED[name]:
        assert reason in text, (reason, done.stdout)
    assert text.count("not applied:") == len(NOT_APPLIED[name]), done.stdout


def test_the_committee_report_names_the_changes_comments_and_both_interval_lines(
    edited_files: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    source = edited_files[("committee", "tracked")]
    done = policykit("import", "--update", SEED, str(source), "--format", "json", cwd=repo)
    report = json.loads(done.stdout)
    assert report["written"] is True
    kinds = {(c["kind"], c["path"]) for c in report["tracked_changes"]}
    assert ("inserted", "goals.groups[1].items[4]") in kinds
    assert ("deleted", "purpose") in kinds
    assert ("paragraph joined", "goals") in kinds  # the goal deleted with its mark
    assert all(c["author"] == "Anne Hansen" and c["date"] == "2026-11-30"
               for c in report["tracked_changes"])  # fmt: skip
    (comment,) = report["comments"]
    assert (comment["author"], comment["path"]) == ("Bo Jensen", "evaluation")
    assert comment["text"] == "Hvem gennemfører målingerne?"
    (interval,) = report["not_applied"]
    assert interval["path"] == "evaluation.interval"
    (rule, line) = interval["quoted"]
    assert rule["label"] == "the rule" and "drøftes hvert andet år" in rule["text"]
    assert line == {"label": "the “Evalueres:” line", "text": "mindst én gang i hver valgperiode"}
    paths = {c["path"] for c in report["diff"]["changes"]}
    assert "goals[markedsfoering].items[4]" in paths
    assert "principles[tillid].title" in paths


def test_an_unedited_export_reads_back_as_no_changes(tmp_path: Path) -> None:
    """Straight from the export, and saved again by LibreOffice: the file keeps every byte,
    for each example policy."""
    from tests.clients import require

    repo = _repository(tmp_path)
    names = [path.stem for path in sorted((repo / "policies").glob("*.yaml"))]
    done = policykit("export", *(f"policies/{n}.yaml" for n in names), "--docx", "-d", "out",
                     cwd=repo)  # fmt: skip
    assert done.returncode == 0, done.stderr
    subprocess.run(
        [require("soffice"), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
         *(str(repo / "out" / f"{n}.docx") for n in names)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    for name in names:
        policy = repo / "policies" / f"{name}.yaml"
        before = policy.read_bytes()
        for source in (repo / "out" / f"{name}.docx", tmp_path / "lo" / f"{name}.docx"):
            done = policykit("import", "--update", str(policy), str(source), cwd=repo)
            assert done.returncode == 0, done.stdout + done.stderr
            assert "no changes" in done.stdout, done.stdout
            assert policy.read_bytes() == before


def test_a_rewritten_goal_keeps_its_id_and_indicator_by_its_bookmark(tmp_path: Path) -> None:
    """A goal rewritten so far that its words no longer pair it is still the same goal: its
    paragraph's bookmark says so, and it is not flagged for a check."""
    repo = _repository(tmp_path)
    path = "policies/information-security-policy.yaml"
    assert policykit("export", path, "--docx", "-d", "out", cwd=repo).returncode == 0

    def rewrite(e: Editor) -> None:
        e.replace("Every information asset", "Every information asset has an owner.",
                  "Each system in the asset list names the person who answers for it.")  # fmt: skip

    source = tmp_path / "rewritten.docx"
    export = (repo / "out" / "information-security-policy.docx").read_bytes()
    source.write_bytes(edited(export, rewrite, tracked=True))
    done = policykit("import", "--update", path, str(source), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "check:" not in done.stdout
    diff = _git(repo, "diff", "-U0", path)
    assert "-          text: Every information asset has an owner." in diff
    assert "+          text: Each system in the asset list names" in diff
    assert diff.count("\n-  ") == 1 and diff.count("\n+  ") == 1  # one line, nothing else


def test_a_goal_without_its_bookmark_is_matched_by_its_words_and_flagged(tmp_path: Path) -> None:
    repo = _repository(tmp_path)

    def retyped(e: Editor) -> None:
        goal = e.find("at borgeren i alle sine henvendelser")
        for mark in goal.findall(f"{{{e.root.nsmap['w']}}}bookmarkStart"):
            goal.remove(mark)
        e.replace("at borgeren i alle sine henvendelser", "øjenhøjde", "øjenhøjde og med respekt")

    source = tmp_path / "retyped.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), retyped, tracked=False))
    done = policykit("import", "--update", SEED, str(source), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "check: goals.groups[kommunikation].items[3] was matched by similar text only" in (
        " ".join(done.stdout.split())
    )


def _moved_on(repo: Path) -> None:
    """The YAML's own changes since the export, committed: the goals' introduction and the
    dialog principle's first paragraph."""
    policy = repo / SEED
    text = policy.read_text(encoding="utf-8")
    text = text.replace("skal kendetegne hele", "skal altid kendetegne hele")
    text = text.replace("indgår kommunikation proaktivt", "indgår kommunikation altid proaktivt")
    policy.write_text(text, encoding="utf-8")
    _git(repo, "commit", "-qam", "since the export")


def _word_side(e: Editor) -> None:
    """The Word file's edits: one to the purpose, one to the same paragraph the YAML changed."""
    e.replace("Kommunikationspolitikken beskriver", "retningslinier", "retningslinjer")
    e.replace("I Ikast-Brande Kommune indgår", "proaktivt", "aktivt")


def test_a_yaml_that_moved_on_is_refused_without_base(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    _moved_on(repo)
    source = tmp_path / "returned.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), _word_side, tracked=True))
    before = (repo / SEED).read_bytes()
    done = policykit("import", "--update", SEED, str(source), cwd=repo)
    assert done.returncode == 2
    assert "has changed since the Word file was exported from it (version 1.0)" in done.stderr
    assert "--base REV" in done.stderr
    assert (repo / SEED).read_bytes() == before
    wrong = policykit("import", "--update", SEED, str(source), "--base", "HEAD", cwd=repo)
    assert wrong.returncode == 2
    assert "is not the file the Word file was exported from" in wrong.stderr


def test_base_merges_three_ways_and_a_conflict_keeps_the_yaml(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    exported = _git(repo, "rev-parse", "HEAD").strip()
    _moved_on(repo)
    source = tmp_path / "returned.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), _word_side, tracked=True))
    done = policykit("import", "--update", SEED, str(source), "--base", exported[:10], cwd=repo)
    assert done.returncode == 1, done.stdout + done.stderr  # the conflict is for a person
    text = (repo / SEED).read_text(encoding="utf-8")
    assert "mål og retningslinjer for" in text  # Word's edit to another item lands
    assert "skal altid kendetegne hele" in text  # the YAML's own edit stays
    assert "indgår kommunikation altid proaktivt" in text  # the conflict: the YAML's version
    out = " ".join(done.stdout.split())
    assert "conflict: principles.items[dialog].text changed in both" in out
    assert "Word: I Ikast-Brande Kommune indgår kommunikation aktivt" in out
    assert "YAML: I Ikast-Brande Kommune indgår kommunikation altid proaktivt" in out
    assert f"merged with the file's changes since {exported[:10]}" in out


def test_a_word_file_policykit_did_not_export_is_refused(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    foreign = ROOT / "tests" / "data" / "import" / "handbook.docx"
    if not foreign.exists():
        foreign = next((ROOT / "tests" / "data" / "import").glob("*.docx"))
    before = (repo / SEED).read_bytes()
    done = policykit("import", "--update", SEED, str(foreign), cwd=repo)
    assert done.returncode == 2
    assert "is not a Word file that policykit exported" in done.stderr
    assert f"policykit import {foreign}" in " ".join(done.stderr.split())
    other = policykit("export", "policies/personalepolitik.yaml", "--docx", "-d", "out", cwd=repo)
    assert other.returncode == 0
    wrong = policykit("import", "--update", SEED, "out/personalepolitik.docx", cwd=repo)
    assert wrong.returncode == 2
    assert "is the export of personalepolitik, not of kommunikationspolitik" in wrong.stderr
    assert (repo / SEED).read_bytes() == before


def test_dry_run_writes_nothing_and_o_writes_the_redline(
    edited_files: dict[tuple[str, str], Path], tmp_path: Path
) -> None:
    repo = _repository(tmp_path)
    source = str(edited_files[("committee", "untracked")])
    before = (repo / SEED).read_bytes()
    dry = policykit("import", "--update", SEED, source, "--dry-run", "-o", "red.docx", cwd=repo)
    assert dry.returncode == 1, dry.stdout + dry.stderr
    assert dry.stdout.startswith(f"would update {SEED} from")
    assert (repo / SEED).read_bytes() == before
    with zipfile.ZipFile(repo / "red.docx") as package:
        document = package.read("word/document.xml").decode()
    assert "<w:ins " in document and "<w:del " in document
    assert "retningslinjer" in document
    done = policykit("import", "--update", SEED, source, "-o", "red.html", cwd=repo)
    assert done.returncode == 1
    assert done.stdout.startswith(f"updated {SEED} from")
    page = (repo / "red.html").read_text(encoding="utf-8")
    assert "<ins" in page and "retningslinjer" in page
    again = policykit("import", "--update", SEED, source, cwd=repo)
    assert again.returncode == 2  # the file is no longer the one exported
    assert "has changed since the Word file was exported" in again.stderr


def test_a_part_that_no_longer_reads_as_itself_is_refused(tmp_path: Path) -> None:
    """Every goal of a group deleted, its heading kept: the goals would no longer read as
    goals, and nothing is written rather than the part turned into something else."""
    repo = _repository(tmp_path)

    def all_goals(e: Editor) -> None:
        for start in ("at skabe og styrke", "at styrke oplevelsen", "at skabe opmærksomhed",
                      "at skabe bredt kendskab", "at sikre et ensartet"):  # fmt: skip
            e.delete(start)

    source = tmp_path / "empty.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), all_goals, tracked=False))
    before = (repo / SEED).read_bytes()
    done = policykit("import", "--update", SEED, str(source), cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    message = " ".join(done.stderr.split())
    assert "is the goals part, but its text is not an introduction and lists" in message
    assert (repo / SEED).read_bytes() == before


def test_a_crlf_file_keeps_its_line_endings(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    policy = repo / SEED
    policy.write_bytes(policy.read_bytes().replace(b"\n", b"\r\n"))
    _git(repo, "commit", "-qam", "CRLF")
    assert policykit("export", SEED, "--docx", "-d", "out", cwd=repo).returncode == 0

    def reword(e: Editor) -> None:
        e.replace("Kommunikationspolitikken beskriver", "retningslinier", "retningslinjer")

    source = tmp_path / "crlf.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), reword, tracked=False))
    done = policykit("import", "--update", SEED, str(source), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    data = policy.read_bytes()
    assert b"retningslinjer" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def _without_bookmarks(e: Editor, start: str) -> None:
    p = e.find(start)
    for mark in p.findall(f"{{{e.root.nsmap['w']}}}bookmarkStart"):
        p.remove(mark)


def test_headings_that_lost_their_bookmarks_are_found_by_text_then_by_words(
    tmp_path: Path,
) -> None:
    """A principle's heading retyped as it was is found by its text, silently; the purpose's
    heading retyped with new words is found by the words of its section, and flagged."""
    repo = _repository(tmp_path)

    def retyped(e: Editor) -> None:
        _without_bookmarks(e, "5. Dialog i kommunikation")
        _without_bookmarks(e, "1. Kommunikationspolitikkens formål")
        e.replace("1. Kommunikationspolitikkens formål", "formål", "formål og rammer")

    source = tmp_path / "retyped.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), retyped, tracked=False))
    done = policykit("import", "--update", SEED, str(source), "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [c["path"] for c in report["diff"]["changes"]] == ["purpose.heading"]
    assert report["check"] == [
        "purpose (its heading “1. Kommunikationspolitikkens formål og rammer” matched by "
        "its words only)"
    ]
    assert "heading: Kommunikationspolitikkens formål og rammer\n" in (repo / SEED).read_text()


def _goals(*texts: str) -> dict[str, object]:
    return {"goals": {"items": [{"text": f"{t}\n"} for t in texts]}}


def test_three_way_lists_keep_both_sides_and_report_what_both_changed() -> None:
    """Word removed b, added d after c and reworded c; the YAML added e first, reworded a
    and reworded c otherwise: both sides land, c is a conflict kept as the YAML has it."""
    from policykit.merging.tree import Log, merge3

    answer, plain, measure = (
        "Alle borgere får svar inden for fem dage",
        "Vi bruger et klart sprog",
        "Vi måler tilfredsheden hvert år",
    )
    base = _goals(answer, plain, measure)
    word = _goals(answer, "Vi måler tilfredsheden hvert andet år", "Vi lytter til medarbejderne")
    yaml = _goals(
        "Vi svarer også på sociale medier",
        "Alle borgere får svar inden for tre dage",
        plain,
        "Vi måler tilfredsheden hvert kvartal",
    )
    log = Log()
    merged = merge3(base, word, yaml, "", log)
    texts = [item["text"].strip() for item in merged["goals"]["items"]]
    assert texts == [
        "Vi svarer også på sociale medier",
        "Alle borgere får svar inden for tre dage",
        "Vi måler tilfredsheden hvert kvartal",
        "Vi lytter til medarbejderne",
    ]
    (conflict,) = log.conflicts
    assert conflict.path == "goals.items[3].text"
    assert conflict.word == "Vi måler tilfredsheden hvert andet år\n"
    assert conflict.yaml == "Vi måler tilfredsheden hvert kvartal\n"


def test_three_way_a_removal_of_what_the_other_side_changed_is_a_conflict() -> None:
    from policykit.merging.tree import Log, merge3

    base = _goals("Alle borgere får svar inden for fem dage", "Vi bruger et klart sprog")
    word = _goals("Vi bruger et klart sprog")
    yaml = _goals("Alle borgere får svar inden for tre dage", "Vi bruger et klart sprog")
    log = Log()
    merged = merge3(base, word, yaml, "", log)
    assert merged == yaml  # kept as the YAML has it
    (conflict,) = log.conflicts
    assert (conflict.path, conflict.word) == ("goals.items[1]", None)


def test_goals_reordered_and_a_term_added(tmp_path: Path) -> None:
    """A goal cut and pasted first in its list moves there with its own line; a term typed
    in the term style, with a paragraph under it, is a new term at its place."""
    repo = _repository(tmp_path)

    def edits(e: Editor) -> None:
        goal = e.find("at borgeren i alle sine henvendelser")
        e.find("at borgeren opnår viden").addprevious(goal)
        term = e.insert_after("Dette betyder, at det er modtageren", "markedsføring",
                              like="god kommunikation og markedsføring")  # fmt: skip
        e.insert_after("markedsføring", "Markedsføring er at gøre kommunens tilbud kendt.",
                       like="Dette betyder, at det er modtageren")  # fmt: skip
        assert term is not None

    source = tmp_path / "reordered.docx"
    source.write_bytes(edited((repo / EXPORT).read_bytes(), edits, tracked=True))
    done = policykit("import", "--update", SEED, str(source), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    assert "goals[kommunikation].items[1] moved, editorial: only the order, position 3 → 1" in text
    assert "+ definitions[markedsføring] added" in text
    diff = _git(repo, "diff", "-U0", SEED)
    assert "+    - term: markedsføring\n+      definition: |\n" in diff
    assert "+        Markedsføring er at gøre kommunens tilbud kendt.\n" in diff
    added = [line for line in diff.splitlines() if line.startswith("+ ")]
    removed = [line for line in diff.splitlines() if line.startswith("- ")]
    assert len(removed) == 1 and "at borgeren i alle sine henvendelser" in removed[0]
    assert len(added) == 4  # the goal at its new place, and the term's three lines


def test_options_of_a_new_import_are_refused_with_update(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    for option in (["--id", "x"], ["--language", "en"], ["--from", "docx"], ["--show-dropped"]):
        done = policykit("import", "--update", SEED, EXPORT, *option, cwd=repo)
        assert done.returncode == 2
        assert f"{option[0]} does not go with --update" in done.stderr
    alone = policykit("import", EXPORT, "--base", "HEAD", cwd=repo)
    assert alone.returncode == 2 and "--base goes with --update" in alone.stderr


def test_a_reworded_paragraph_is_wrapped_as_its_author_wrapped_it(tmp_path: Path) -> None:
    """The staff policy wraps its prose: the reworded paragraph is wrapped at the same
    width, and a subsection added under a subsection is one level deeper."""
    repo = _repository(tmp_path)
    path = "policies/personalepolitik.yaml"
    assert policykit("export", path, "--docx", "-d", "out", cwd=repo).returncode == 0

    def edits(e: Editor) -> None:
        e.replace("Hver medarbejder har en årlig samtale", "årlig", "halvårlig")
        e.insert_after("Vi ansætter efter kvalifikationer", "Seniorpolitik", style="Heading3")
        e.insert_after("Seniorpolitik", "Vi tilbyder seniorsamtaler fra 60 år.", style="Normal")

    source = tmp_path / "staff.docx"
    source.write_bytes(edited((repo / "out/personalepolitik.docx").read_bytes(), edits,
                              tracked=True))  # fmt: skip
    done = policykit("import", "--update", path, str(source), cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    diff = _git(repo, "diff", "-U0", path)
    assert (
        "+          Hver medarbejder har en halvårlig samtale med sin leder. Samtalen\n"
        "+          handler om opgaver, trivsel og udvikling.\n"
    ) in diff
    assert (
        "+        sections:\n"
        "+          - id: seniorpolitik\n"
        "+            heading: Seniorpolitik\n"
        "+            text: Vi tilbyder seniorsamtaler fra 60 år.\n"
    ) in diff
