"""The export's pool started early (`workflows.render_pool`): while the policies are checked,
its workers ready WeasyPrint and python-docx; it starts only where that pays, writes the same
bytes as this process, and is ended rather than waited for when no file needs it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from policykit.edge.pool import POOL_FROM
from policykit.workflows import render_pool
from policykit.workflows.render_pool import RenderPool
from policykit.writing.registry import Writer, writer

ROOT = Path(__file__).resolve().parent.parent


def run_script(
    script: str, *args: str, cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """`script` in a fresh process of one thread, as a command runs (a pytest worker has
    threads of its own, so that a pool there is spawned, not forked)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        input=stdin, capture_output=True, timeout=120, cwd=cwd,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


class FakeExecutor:
    """Records how a pool was made and what it was sent; starts no process."""

    made: ClassVar[list[FakeExecutor]] = []

    def __init__(self, max_workers: int, mp_context: Any, **options: Any) -> None:
        self.max_workers, self.method = max_workers, mp_context.get_start_method()
        self.options, self.submitted, self.ended = options, 0, False
        FakeExecutor.made.append(self)

    def submit(self, *args: Any) -> None:
        self.submitted += 1

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.ended = True


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeExecutor]:
    FakeExecutor.made = []
    monkeypatch.setattr(render_pool, "ProcessPoolExecutor", FakeExecutor)
    monkeypatch.setattr(render_pool, "available_cpus", lambda: 2)
    monkeypatch.setattr("policykit.edge.pool.available_cpus", lambda: 2)
    return FakeExecutor


def _started(writers: list[Writer], files: int, jobs: int | None = None) -> RenderPool:
    pool = RenderPool(writers, jobs)
    pool.start_early(files)
    return pool


def test_an_early_pool_starts_only_where_it_pays(
    fake: type[FakeExecutor], monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf, word, html = writer("pdf"), writer("docx"), writer("html")
    assert not _started([html, writer("md")], 1).early  # nothing slow to ready
    assert not _started([pdf], 0).early  # no file to export
    # As many files as validation starts its own pool for: that pool forks, and a fork
    # beside this pool's thread is not safe.
    assert not _started([pdf], POOL_FROM).early
    assert fake.made == []
    one = _started([html, pdf], 1)
    assert one.early and one.workers == 1 and fake.made[-1].max_workers == 1
    both = _started([pdf, word], 1)  # a PDF and a Word file: a worker each
    assert both.workers == 2
    assert _started([pdf], POOL_FROM - 1, jobs=1).workers == 1  # --jobs 1
    monkeypatch.setattr(render_pool, "available_cpus", lambda: 1)
    assert not _started([pdf], 1).early  # no CPU to spare for the checks
    assert len(fake.made) == 3


def test_early_workers_are_forked_only_from_a_single_thread(
    fake: type[FakeExecutor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked, they start at once and with what this process imported; with another
    thread running (a fork could copy a lock it holds), they are spawned instead. Either
    way every worker starts before the pool is handed on."""
    monkeypatch.setattr(render_pool.threading, "active_count", lambda: 1)
    forked = _started([writer("pdf"), writer("docx")], 3)
    monkeypatch.setattr(render_pool.threading, "active_count", lambda: 2)
    spawned = _started([writer("pdf"), writer("docx")], 3)
    made = fake.made
    assert [m.method for m in made] == ["fork", "spawn"]
    assert [m.submitted for m in made] == [1, 2]  # a fork pool starts all with its first
    assert forked.workers == spawned.workers == 2
    assert made[0].options["initargs"][1] == ("pdf", "docx")  # what each worker readies


def test_a_batch_uses_the_early_pool_or_starts_one_for_two_workers(
    fake: type[FakeExecutor],
) -> None:
    early = _started([writer("pdf")], 5)
    assert early.for_batch(5) is fake.made[0]
    cached = _started([writer("pdf")], 5)  # every file from the cache: ended at once
    assert cached.for_batch(0) is None and cached.executor is None and fake.made[1].ended
    del fake.made[1]
    late = RenderPool([writer("pdf")])
    assert late.for_batch(0) is None and late.for_batch(1) is None  # one file: here
    assert late.for_batch(2) is fake.made[1] and fake.made[1].method == "spawn"
    assert RenderPool([writer("pdf")], jobs=1).for_batch(10) is None


def test_a_worker_that_cannot_ready_its_writer_still_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """WeasyPrint that cannot load: the worker starts all the same, and the file's own
    render reports why (a failed start would break the pool, with a worse message)."""
    readied: list[str] = []

    def broken() -> None:
        readied.append("pdf")
        raise OSError("cannot load library 'libpango-1.0-0'")

    def word() -> None:
        readied.append("docx")

    writers = {
        "pdf": Writer("pdf", "PDF", ".pdf", "", 1, True, True, write=bytes, ready=broken),
        "docx": Writer("docx", "Word", ".docx", "", 1, True, True, write=bytes, ready=word),
    }
    monkeypatch.setattr(render_pool, "writer", writers.__getitem__)
    monkeypatch.setattr(render_pool, "start_worker", lambda parent: None)
    render_pool._start_ready(0, ("pdf", "docx"))
    assert readied == ["pdf", "docx"]


def test_an_early_pool_that_no_file_needs_is_ended_not_waited_for() -> None:
    """Every file came from the cache: the workers, still importing WeasyPrint, are ended at
    once, not waited for as Python's exit would."""
    pool = RenderPool([writer("pdf")], jobs=2)
    pool.start_early(2)
    assert pool.early and pool.executor is not None
    workers = list(pool.executor._processes.values())  # type: ignore[attr-defined]
    assert len(workers) == 2
    pool.close()
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == -signal.SIGTERM


SCRIPT = """
import sys
from pathlib import Path
from policykit.edge.assets import export_options
from policykit.edge.workspace import validate_paths
from policykit.workflows import export
from policykit.workflows.export import export_batch, render
from policykit.workflows.render_pool import RenderPool
from policykit.writing.registry import writer

folder = Path(sys.argv[1])
writers = [writer("pdf"), writer("docx")]
pool = RenderPool(writers, jobs=2)
pool.start_early(1)
assert pool.early and pool.executor._mp_context.get_start_method() == "fork"

def not_here(*args):
    raise AssertionError("rendered in this process, not the pool's")

export.render = not_here  # in this process only: the workers were forked before
report = validate_paths([folder / "policies" / "kommunikationspolitik.yaml"], cached=False)
options = export_options(report.project, folder, known=report.policies.cards)
done = export_batch(report.policies, report.project, options, writers, folder / "pool",
                    pool=pool)
assert [o.error for o in done] == [None], done
export.render = render
for chosen in writers:
    here = render(report.policies[0], report.project, options, chosen)
    (folder / "here").mkdir(exist_ok=True)
    (folder / "here" / ("kommunikationspolitik" + chosen.extension)).write_bytes(here)
print("forked")
"""


def test_files_from_early_forked_workers_are_those_of_this_process(tmp_path: Path) -> None:
    """Run as a command runs it, in a process of one thread, so that the workers are forked
    (a pytest worker has threads of its own, and would spawn them)."""
    project = tmp_path / "repo"
    shutil.copytree(ROOT / "policies", project / "policies")
    shutil.copy(ROOT / "policykit.yaml", project)
    done = run_script(SCRIPT, str(project), cwd=project)
    assert done.returncode == 0 and done.stdout.strip() == b"forked", done.stderr.decode()
    for name in ("kommunikationspolitik.pdf", "kommunikationspolitik.docx"):
        pooled = (project / "pool" / name).read_bytes()
        assert pooled == (project / "here" / name).read_bytes(), name
        assert len(pooled) > 10_000


def test_an_interrupt_while_workers_start_arrives_once_they_have_started() -> None:
    """A SIGTERM that another thread of the process takes (or that came just before the
    hold) would have its handler run by Python in the main thread inside the hold, where a
    spawned worker may be half sent its start: it is put off until the hold ends, and then
    handled once. Found by sending SIGTERM to an export of 300 policies as its PDF pool
    started: 2 runs in 200 left a worker's EOFError traceback."""
    from policykit.edge.pool import interrupts_held

    events: list[object] = []
    before = signal.signal(signal.SIGTERM, lambda number, frame: events.append(number))
    stop = threading.Event()
    bystander = threading.Thread(target=stop.wait)  # started unblocked: it takes the signal
    bystander.start()
    try:
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGTERM)
            bystander.join(0.2)  # time for the signal, and for Python to run a handler
            events.append("held")
        events.append("after")
    finally:
        stop.set()
        bystander.join()
        signal.signal(signal.SIGTERM, before)
    assert events == ["held", signal.SIGTERM, "after"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


DIFF_SCRIPT = """
import datetime as dt
import sys
from policykit.workflows import comparison, render_pool
from policykit.writing import redline_docx
from policykit.writing.layout import ExportOptions
from policykit.writing.registry import writer

render_pool.available_cpus = lambda: 2
comparison.PARALLEL_FROM = 0  # the seed's versions read as large ones are, in two forks
chosen = [writer("html"), writer("docx")]
date = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
with render_pool.RenderPool(chosen[1:]) as pool:
    result = comparison.compare_versions(sys.argv[1], sys.argv[2], pool=pool)
    assert pool.executor is None, "an early pool beside the versions' forks"
    made = comparison.redlines(result, chosen, ExportOptions(), date=date, pool=pool)
    assert pool.executor._mp_context.get_start_method() == "fork"
    assert comparison._INHERITED == []

    def not_here(*args, **options):
        raise AssertionError("made in this process, not the forked worker")

    real, redline_docx.write_redline_docx = redline_docx.write_redline_docx, not_here
    pooled = [m() for m in made]
    redline_docx.write_redline_docx = real
here = [comparison.redline(result, w, ExportOptions(), date=date) for w in chosen]
assert pooled == here, "not the same bytes"
print("forked")
"""


def test_the_redlines_of_large_versions_come_from_workers_forked_with_them() -> None:
    """Versions too large to send to a pool (`comparison.PARALLEL_FROM`, here 0) have no
    early pool: their Word redline is made by a worker forked once the redline is laid out,
    which starts with it, and its bytes are those made here. Run in a process of one thread,
    as the command is (a pytest worker has threads, and forks no pool)."""
    old = ROOT / "policies" / "kommunikationspolitik.yaml"
    new = ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml"
    done = run_script(DIFF_SCRIPT, str(old), str(new), cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == b"forked", done.stderr.decode()


EARLY_SCRIPT = """
import datetime as dt
import sys
from policykit.workflows import comparison, render_pool
from policykit.writing import redline_docx
from policykit.writing.layout import ExportOptions
from policykit.writing.registry import writer

render_pool.available_cpus = lambda: 2
comparison.PARALLEL_FROM = 0  # the seed's versions read as large ones are, in two forks
date = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
options = ExportOptions()


def not_here(*args, **options):
    raise AssertionError("made in this process, not the forked worker")


for names in (["html", "docx"], ["docx", "html"], ["html", "pdf", "docx"]):
    chosen = [writer(name) for name in names]
    slow = [w for w in chosen if w.pool_from is not None]
    early = comparison.EarlyRedline(lambda project, path: options, date=date)
    with render_pool.RenderPool(slow) as pool:
        real = redline_docx.DocxRedline.draft
        result = comparison.compare_versions(sys.argv[1], sys.argv[2], pool=pool, early=early)
        begun = early.drafted is not None
        assert begun == (names != ["html", "pdf", "docx"]), names  # Word the only slow one
        # This process drafts nothing from now on (late: once its workers are forked).
        if begun:
            redline_docx.DocxRedline.draft = not_here
        made = comparison.redlines(result, chosen, options, date=date, pool=pool, early=early)
        redline_docx.DocxRedline.draft = not_here
        pooled = [m() for m in made]
        redline_docx.DocxRedline.draft = real
    here = [comparison.redline(result, w, options, date=date) for w in chosen]
    docx = names.index("docx")
    assert pooled[docx] == here[docx], "not the same bytes"
    assert pooled[names.index("html")] == here[names.index("html")]
    print("begun" if begun else "late")
"""


def test_a_large_diff_begins_its_word_redline_before_it_compares() -> None:
    """For versions read in forks of their own, the Word redline's worker is forked as soon
    as both are checked, and drafts it while this process compares them
    (`comparison.EarlyRedline`); the comments follow. Its bytes are those made here in one
    go. With a PDF redline asked for too, the redlines wait for the comparison."""
    old = ROOT / "policies" / "kommunikationspolitik.yaml"
    new = ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml"
    done = run_script(EARLY_SCRIPT, str(old), str(new), cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.split() == [b"begun", b"begun", b"late"]


WORKER_SCRIPT = """
import pickle
import sys
from policykit.writing.registry import writer

writer("docx").ready()
document = pickle.loads(sys.stdin.buffer.read())
data = writer("docx").write(document)
assert not [name for name in sys.modules if name.startswith("babel")], "Babel loaded"
sys.stdout.buffer.write(data)
"""


def test_an_early_word_worker_sent_the_document_writes_it_without_babel() -> None:
    """An early pool's Word job is the document laid out in the command's process, which
    has the words of its days already: the worker, readied as an early one is, loads no
    Babel (20 ms of its first file) and writes the bytes written here."""
    import pickle

    from policykit.edge.workspace import validate_paths
    from policykit.writing.layout import ExportOptions, layout

    report = validate_paths([ROOT / "policies" / "kommunikationspolitik.yaml"], cached=False)
    document = layout(report.policies[0], report.project, ExportOptions())
    assert document.adoption_statement and document.history_table[1]
    done = run_script(WORKER_SCRIPT, cwd=ROOT, stdin=pickle.dumps(document))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == writer("docx").write(document)


def test_a_worker_that_ends_before_its_job_is_the_user_s_error() -> None:
    """A worker killed from outside (the system does so when memory runs out) breaks the
    pool: its job's result is a `WorkerLostError`, which the commands report with exit 2,
    not Python's `BrokenProcessPool` and a traceback."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from policykit.diagnostics.errors import EXIT_USAGE
    from policykit.workflows.render_pool import WorkerLostError, result_of, submitted

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        job = pool.submit(os._exit, 9)
        with pytest.raises(WorkerLostError) as raised:
            result_of(job, "the Word file")
        # A job sent once the pool is broken (its worker died before this process sent
        # the next job, as an early Word redline's may) is lost the same way.
        with pytest.raises(WorkerLostError):
            result_of(submitted(pool, int), "the Word redline")
    assert raised.value.message == "the process making the Word file ended before it was done"
    assert raised.value.exit_code == EXIT_USAGE and raised.value.hint


KILLED_SCRIPT = """
import os
import sys
from policykit.cli.app import main
from policykit.workflows import comparison, render_pool
from policykit.writing import redline_docx

render_pool.available_cpus = lambda: 2
comparison.PARALLEL_FROM = 0  # workers forked with the redline, and so with this
redline_docx.DocxRedline.draft = lambda *args, **options: os._exit(9)
sys.argv = ["policykit", "diff", sys.argv[1], sys.argv[2], "-o", "r.html", "-o", "r.docx"]
main()
"""


def test_a_diff_whose_redline_worker_is_killed_says_so(tmp_path: Path) -> None:
    """The Word redline's worker dies (here by its own hand, as the system's OOM killer
    would end it): the diff says which redline was lost, exits 2 with no traceback, and
    writes no Word file; the HTML before it is written."""
    old = ROOT / "policies" / "kommunikationspolitik.yaml"
    new = ROOT / "policies" / "drafts" / "kommunikationspolitik.yaml"
    done = run_script(KILLED_SCRIPT, str(old), str(new), cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert "the process making the Word redline ended before it was done" in stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_a_workers_jobs_import_neither_the_checks_nor_the_cache() -> None:
    """A worker imports a job's module as it takes its first job (`workflows.jobs`): the
    early Word worker of an export of one policy would otherwise import the checks, the
    reader and the cache (12 ms) while the export waits for its Word file."""
    done = run_script(
        """
        import sys
        import policykit.workflows.jobs
        print(sorted(m for m in sys.modules if m.startswith(("policykit.checking.validate",
              "policykit.edge", "policykit.reading.reader", "policykit.workflows.export"))))
        """,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "[]"
