"""The export cache (`edge.cache`): a second export of what has not changed renders nothing
and leaves every file as it was; a change renders again exactly what depends on it; an
entry that is damaged, or that this user did not make, is never served."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.command import policykit
from tests.conftest import ROOT, example_project

FORMATS = ("--html", "--docx", "--pdf")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return example_project(tmp_path, monkeypatch)


def _export(repo: Path, *extra: str) -> tuple[int, int]:
    """Export every format; (rendered, from the cache), as the summary line says."""
    done = policykit("export", *FORMATS, "-d", "out", *extra, cwd=repo, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    found = re.search(r"(\d+) rendered, (\d+) from the cache", done.stdout)
    assert found, done.stdout
    return int(found.group(1)), int(found.group(2))


def _files(repo: Path) -> dict[str, tuple[bytes, int]]:
    """Each exported file's bytes and modification time (ns)."""
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted((repo / "out").iterdir())
    }


def test_an_unchanged_export_renders_nothing_and_a_change_renders_what_depends_on_it(
    project: Path,
) -> None:
    assert _export(project) == (9, 0)  # 3 policies, 3 formats
    first = _files(project)
    assert _export(project) == (0, 9)
    assert _files(project) == first  # the same bytes, and not one file written again

    # One policy's text: its three files, and nothing else.
    policy = project / "policies" / "information-security-policy.yaml"
    policy.write_text(policy.read_text("utf-8").replace("our data.", "all our data.", 1), "utf-8")
    assert _export(project) == (3, 6)
    after = _files(project)
    changed = {name for name in first if after[name] != first[name]}
    assert changed == {f"information-security-policy{ext}" for ext in (".html", ".docx", ".pdf")}

    # A stylesheet in the template folder: the HTML and PDF files, not the Word files.
    templates = project / "templates"
    templates.mkdir()
    (templates / "policy.css").write_text(
        (ROOT / "policykit" / "templates" / "policy.css").read_text("utf-8")
        + "\nh1 { color: #123456; }\n",
        "utf-8",
    )
    assert _export(project, "--template", "templates") == (6, 3)
    styled = _files(project)
    assert {name for name in after if styled[name][1] != after[name][1]} == {
        name for name in after if not name.endswith(".docx")
    }

    # The project file (the organisation's phone, which every export prints): every file.
    settings = project / "policykit.yaml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace('phone: "9960 4000"', 'phone: "9960 4001"'), "utf-8")
    assert _export(project, "--template", "templates") == (9, 0)
    # --force renders all, and gives the same bytes the cache gave.
    kept = _files(project)
    assert _export(project, "--template", "templates", "--force") == (9, 0)
    assert {name: data for name, (data, _) in _files(project).items()} == {
        name: data for name, (data, _) in kept.items()
    }


def test_a_damaged_or_foreign_cache_entry_is_made_again_not_served(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout
    fresh = _files(project)
    entries = sorted(p for p in (project / ".policykit-cache").rglob("*") if p.is_file())
    assert entries
    # Every entry damaged (a byte flipped), and the exports deleted.
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[-1] ^= 0xFF
        entry.write_bytes(bytes(data))
    shutil.rmtree(project / "out")
    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    assert {n: d for n, (d, _) in _files(project).items()} == {n: d for n, (d, _) in fresh.items()}
    # A cache made by someone else (another secret), as a cloned repository could bring:
    # an entry in it that claims to be this export, with other bytes, is not served.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    for entry in sorted(p for p in (project / ".policykit-cache").rglob("*") if p.is_file()):
        entry.write_bytes(entry.read_bytes().replace(b"Information Security", b"Planted"))
    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    assert b"Planted" not in (project / "out" / "information-security-policy.html").read_bytes()


def test_init_leaves_the_cache_out_of_git(tmp_path: Path) -> None:
    done = policykit("init", "repo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert ".policykit-cache/" in (tmp_path / "repo" / ".gitignore").read_text("utf-8")


def test_validation_from_the_cache_is_the_validation(project: Path) -> None:
    """A second validate reads each file's result from the cache: the same findings, the
    same policies, and the rules the registry has (so that `rule is rules.X` holds)."""
    from policykit.diagnostics import rules
    from policykit.edge.workspace import validate_paths

    bad = project / "policies" / "personalepolitik.yaml"
    good = bad.read_text("utf-8")
    bad.write_text(good.replace("status: draft", "status: bogus", 1), "utf-8")
    first = validate_paths([project / "policies"])
    assert first.errors and first.memo is not None and first.memo.pending
    first.remember()
    assert first.memo.pending  # a run with an error keeps nothing...
    assert not (project / ".policykit-cache").exists()
    bad.write_text(good, "utf-8")
    clean = validate_paths([project / "policies"])
    assert clean.errors == 0
    clean.remember()  # ...and all, with none
    assert clean.memo is not None and not clean.memo.pending
    again = validate_paths([project / "policies"])
    assert again.memo is not None and again.memo.cached == 3  # every file from it
    assert again.findings == clean.findings and list(again.policies) == list(clean.policies)
    assert again.policies.cards == clean.policies.cards
    assert again.findings  # the examples' warnings (LIX), read back
    assert all(f.rule is rules.RULES_BY_CODE[f.rule.code] for f in again.findings)


def test_the_pdf_pool_is_as_large_as_the_cpus_the_process_may_use(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`os.sched_getaffinity` (as `taskset -c 0` sets it), not `os.cpu_count()`; `--jobs`
    overrides it."""
    from policykit.edge.workspace import validate_paths
    from policykit.workflows import export, render_pool
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import writer

    sizes: list[int] = []

    class Pool:
        def __init__(self, max_workers: int, **_: object) -> None:
            sizes.append(max_workers)
            raise RuntimeError("no pool in this test")

    monkeypatch.setattr(render_pool, "ProcessPoolExecutor", Pool)
    report = validate_paths([project / "policies"], cached=False)
    pdf = [writer("pdf")]
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    # One CPU: no pool at all, each PDF rendered in this process.
    outcomes = export.export_batch(report.policies[:1], report.project, ExportOptions(), pdf,
                                   project / "one")  # fmt: skip
    assert sizes == [] and outcomes[0].error is None
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    with pytest.raises(RuntimeError):
        export.export_batch(report.policies, report.project, ExportOptions(), pdf, project / "a")
    with pytest.raises(RuntimeError):
        export.export_batch(report.policies, report.project, ExportOptions(), pdf,
                            project / "b", jobs=2)  # fmt: skip
    assert sizes == [3, 2]


def test_many_files_are_validated_in_a_pool_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60 policies: validated across two processes, and in this one, alike."""
    from benchmarks.corpus import make_corpus
    from policykit.checking.validate import validate
    from policykit.edge import pool
    from policykit.edge.workspace import load_workspace

    corpus = make_corpus(tmp_path / "corpus", 60)
    workspace = load_workspace([corpus / "policies"])
    import concurrent.futures

    monkeypatch.setattr(pool, "available_cpus", lambda: 2)
    used: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    def counted(*args: object, **options: object) -> object:
        used.append(int(options["max_workers"]))  # type: ignore[call-overload]
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counted)
    pooled = validate(workspace.files, workspace.settings, mapper=pool.pooled_map)
    alone = validate(workspace.files, workspace.settings)
    assert used == [2]
    assert pooled.findings == alone.findings and list(pooled.policies) == list(alone.policies)
    assert pooled.policies.cards == alone.policies.cards and len(pooled.policies) == 60
    # From the pool, each policy stays its pickle, read back when asked for.
    assert all(isinstance(pooled.policies.stored(i), bytes) for i in range(60))


def test_a_cache_entry_that_cannot_be_written_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry is written beside its place and renamed onto it: a write that fails (a full
    disk) leaves neither the entry nor its temporary file, and is no error of the export."""

    from policykit.edge import cache

    store = cache.RenderCache(tmp_path, b"k" * 32)
    store.put("ab" + "0" * 62, b"first")
    assert store.get("ab" + "0" * 62) == b"first"

    real = os.fdopen

    class Full:
        def __init__(self, descriptor: int, mode: str) -> None:
            self.handle = real(descriptor, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "fdopen", Full)
    store.put("cd" + "0" * 62, b"second")
    folder = tmp_path / cache.FOLDER
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["ab" + "0" * 62]
    assert store.get("cd" + "0" * 62) is None


def _entries(repo: Path) -> set[str]:
    """The names of the cache's rendered entries (not its slots, nor the memo)."""
    folder = repo / ".policykit-cache"
    return {p.name for p in folder.glob("??/*")}


def test_the_cache_keeps_one_entry_for_each_file_not_one_for_each_edit(project: Path) -> None:
    """Each edit of a policy renders its files anew and removes their older entries: the
    cache of a register exported after every edit stays the size of one export. An edit
    taken back renders again (its entry was removed), and the bytes are the same."""
    done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
    assert "6 rendered, 0 from the cache" in done.stdout, done.stdout
    first = _entries(project)
    original = _files(project)
    assert len(first) == 6
    policy = project / "policies" / "information-security-policy.yaml"
    text = policy.read_text("utf-8")
    for edit in ("all our data.", "every bit of our data.", "our data."):
        policy.write_text(text.replace("our data.", edit, 1), "utf-8")
        done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
        assert "2 rendered, 4 from the cache" in done.stdout, done.stdout
        assert len(_entries(project)) == 6
    assert _entries(project) == first  # back as it was: the same keys again
    assert {n: d for n, (d, _) in _files(project).items()} == {
        n: d for n, (d, _) in original.items()
    }
    done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
    assert "0 rendered, 6 from the cache" in done.stdout, done.stdout


def test_each_pdf_variant_keeps_its_own_entry() -> None:
    from policykit.checking.shelf import Card
    from policykit.workflows.export import cache_slot
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import writer

    card = Card(id="p", file="policies/p.yaml", title="P", is_draft_revision=False)
    ua, a = ExportOptions(pdf_variant="pdf/ua-1"), ExportOptions(pdf_variant="pdf/a-3b")
    assert cache_slot(card, writer("pdf"), ua) != cache_slot(card, writer("pdf"), a)
    assert cache_slot(card, writer("html"), ua) == cache_slot(card, writer("html"), a)
    assert cache_slot(card, writer("pdf"), ua) != cache_slot(card, writer("html"), ua)


@pytest.mark.parametrize("planted", ["link to /dev/zero", "folder", "fifo", "link out"])
def test_an_entry_that_is_no_regular_file_is_made_again_not_read(
    project: Path, planted: str, tmp_path: Path
) -> None:
    """An entry in a cache that a repository brought (or anyone made) is read as hostile: a
    link to a device that never ends, a folder, a pipe that would wait forever, or a link
    to a file elsewhere, is rendered again, with no error, and nothing outside is touched."""

    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    fresh = _files(project)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"not the cache's")
    for name in _entries(project):
        entry = next((project / ".policykit-cache").glob(f"??/{name}"))
        entry.unlink()
        if planted == "link to /dev/zero":
            entry.symlink_to("/dev/zero")
        elif planted == "folder":
            entry.mkdir()
        elif planted == "fifo":
            os.mkfifo(entry)
        else:
            entry.symlink_to(outside)
    done = policykit("export", "--html", "-d", "out", cwd=project, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
    assert {n: d for n, (d, _) in _files(project).items()} == {n: d for n, (d, _) in fresh.items()}
    assert outside.read_bytes() == b"not the cache's"


def test_a_slot_names_only_an_entry_of_this_cache(project: Path, tmp_path: Path) -> None:
    """A slot's file holds the key of its entry: one that holds anything else (a path out of
    the cache), or is a link, removes nothing, and is written over as a key again."""
    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    slots = sorted((project / ".policykit-cache" / "slots").iterdir())
    assert len(slots) == 3
    # As an entry's path is made (the folder of its first two characters, then its name),
    # this one names the victim: .policykit-cache/../../victim.
    slots[0].write_text("../victim", "utf-8")
    slots[1].unlink()
    slots[1].symlink_to(victim)
    slots[2].write_bytes(b"0" * 10_000_000)
    done = policykit("export", "--html", "-d", "out", "--force", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert victim.read_bytes() == b"keep me"
    assert len(_entries(project)) == 3
    for slot in slots:
        assert not slot.is_symlink()
        assert re.fullmatch(r"[0-9a-f]{64}", slot.read_text("ascii"))


def test_a_cache_folder_that_is_a_link_is_not_written_through(
    project: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".policykit-cache").symlink_to(elsewhere)
    for _ in range(2):
        done = policykit("export", "--html", "-d", "out", cwd=project)
        assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    assert not any(elsewhere.iterdir())  # neither rendered entries nor the memo


def _entry_of(repo: Path, name: str) -> Path | None:
    """The cache's entry for the exported file `name` (an HTML or Word file), as its slot
    names it; None if it has none."""
    slot = _sha256(f"{name}\0")
    try:
        key = (repo / ".policykit-cache" / "slots" / slot).read_text("ascii")
    except FileNotFoundError:
        return None
    return repo / ".policykit-cache" / key[:2] / key


def test_an_export_of_the_whole_project_forgets_what_it_no_longer_makes(
    project: Path, tmp_path: Path
) -> None:
    """A removed policy's entries stay while only some files are exported, and go with the
    next export of the whole project; so does an entry no slot names, once it is old
    (one made before slots were, or left by a crash). A young one, which another run may be
    about to name, stays, as does everything in the folder that the cache did not make,
    and nothing is followed out of it."""
    done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
    assert "6 rendered, 0 from the cache" in done.stdout, done.stdout
    removed = "information-security-policy"
    gone = [_entry_of(project, f"{removed}{ext}") for ext in (".html", ".docx")]
    assert all(entry is not None and entry.is_file() for entry in gone)
    cache = project / ".policykit-cache"
    old, young = cache / "ab" / ("ab" + "0" * 62), cache / "ab" / ("ab" + "1" * 62)
    for entry in (old, young):
        entry.parent.mkdir(exist_ok=True)
        entry.write_bytes(b"policykit-cache 2\nwhatever")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    foreign = [cache / "notes.txt", cache / "ab" / "notes.txt"]
    for path in foreign:
        path.write_text("mine", "utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ("cd" + "0" * 62)).write_bytes(b"not the cache's")
    os.utime(outside / ("cd" + "0" * 62), (an_hour_ago, an_hour_ago))
    (cache / "cd").symlink_to(outside)

    (project / "policies" / f"{removed}.yaml").unlink()
    kept = sorted(project.glob("policies/*.yaml"))
    done = policykit("export", "--html", "--docx", "-d", "out", str(kept[0]), cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(entry is not None and entry.is_file() for entry in gone)  # only some: kept
    assert old.is_file()

    done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not any(entry is not None and entry.exists() for entry in gone)
    assert _entry_of(project, f"{removed}.html") is None  # and its slots
    for policy in kept:  # the others' entries stay, and serve the next export
        for ext in (".html", ".docx"):
            entry = _entry_of(project, policy.stem + ext)
            assert entry is not None and entry.is_file()
    assert not old.exists()
    assert young.is_file()
    assert all(path.read_text("utf-8") == "mine" for path in foreign)
    assert (outside / ("cd" + "0" * 62)).read_bytes() == b"not the cache's"
    assert (cache / "validate.sqlite").is_file()
    done = policykit("export", "--html", "--docx", "-d", "out", cwd=project)
    assert f"0 rendered, {2 * len(kept)} from the cache" in done.stdout, done.stdout


def test_every_slot_of_a_policy_is_kept_whichever_writers_an_export_uses(
    tmp_path: Path,
) -> None:
    """The whole project's export keeps each file any writer makes of its policies, in
    every PDF variant: an export of its HTML alone forgets none of its PDFs."""
    from policykit.checking.shelf import Card
    from policykit.edge.cache import RenderCache
    from policykit.workflows.export import cache_slot, every_slot
    from policykit.writing.layout import ExportOptions
    from policykit.writing.registry import PDF_VARIANTS, WRITERS

    card = Card(id="p", file="policies/p.yaml", title="P", is_draft_revision=False)
    other = Card(id="q", file="policies/q.yaml", title="Q", is_draft_revision=False)
    cache = RenderCache(tmp_path, b"k" * 32)
    made = {}
    for variant in PDF_VARIANTS:
        options = ExportOptions(pdf_variant=variant)
        for chosen in WRITERS:
            for policy in (card, other):
                slot = cache_slot(policy, chosen, options)
                key = _sha256(slot)
                cache.put(key, slot.encode(), slot)
                made[slot] = key
    assert set(every_slot(card)) == {s for s in made if s.startswith("p.")}
    assert cache.prune(every_slot(card)) == len(made) // 2
    for slot, key in made.items():
        assert (cache.get(key) is not None) == slot.startswith("p."), slot


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_no_folder_of_the_cache_that_is_a_link_is_read_written_or_swept(
    project: Path, tmp_path: Path
) -> None:
    """A cloned repository may bring a `.policykit-cache/` whose slots folder and entry
    folders are links elsewhere (to a folder of files named by SHA-256, as a container
    store's are): nothing is written there, read from there or removed there, and the
    links are replaced by folders of the cache's own."""
    cache = project / ".policykit-cache"
    cache.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    digest = outside / ("ab" + "0" * 62)
    digest.write_bytes(b"not the cache's")
    an_hour_ago = time.time() - 3600
    os.utime(digest, (an_hour_ago, an_hour_ago))

    def plant(name: str) -> None:
        if (cache / name).is_dir() and not (cache / name).is_symlink():
            shutil.rmtree(cache / name)
        (cache / name).symlink_to(outside, target_is_directory=True)

    for name in ("slots", *(f"{shard:02x}" for shard in range(256))):
        plant(name)
    # Rendered, not looked up first: each entry and slot is written where a link was.
    done = policykit("export", "--html", "-d", "out", "--force", cwd=project)
    assert "3 rendered, 0 from the cache" in done.stdout, done.stdout
    assert sorted(p.name for p in outside.iterdir()) == [digest.name]
    # Every file from the cache, so that only the sweep goes through the slots folder.
    plant("slots")
    done = policykit("export", "--html", "-d", "out", cwd=project)
    assert "0 rendered, 3 from the cache" in done.stdout, done.stdout
    assert sorted(p.name for p in outside.iterdir()) == [digest.name]
    assert digest.read_bytes() == b"not the cache's"
    assert not any(path.is_symlink() for path in cache.iterdir())
