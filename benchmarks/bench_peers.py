"""Benchmark: policykit side by side with the tools its users would otherwise run (issue 16).

Each measure runs policykit's command and its peer's, one after the other, `RUNS` times
(`SHORT_RUNS` for a command on one file, whose second or so varies by a fifth from run to
run; alternating, so that the machine's moods fall on both), and prints the median of each,
the spread (lowest–highest), and the ratio of the medians: below 1, policykit is faster.
Every policykit run starts cold, its cache removed, unless the measure is the cache's.

The peers: check-jsonschema on the same files and schema, pandoc on the same content as
Markdown (policykit's own Markdown export), and WeasyPrint's command line on policykit's
own HTML. The corpora are made from the example policies (benchmarks/corpus.py).

    .venv/bin/python benchmarks/bench_peers.py [--quick]

`--quick` leaves out the 1,000-policy corpus and the 372-page redline, and exports 30
policies twice instead of 300.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import make_corpus, one_policy

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POLICYKIT = [str(BIN / "policykit")]
RUNS = 5
#: For the measures on one file: short, and noisy.
SHORT_RUNS = 15
Command = Sequence[str]


def run(command: Command, cwd: Path) -> float:
    """One run's wall time, in seconds; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return elapsed


def peak_memory(command: Command, cwd: Path) -> int:
    """The command's peak resident memory, in KiB (GNU time's %M)."""
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stderr.strip().splitlines()[-1])


def cold(cwd: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(cwd / ".policykit-cache", ignore_errors=True)


def side_by_side(
    label: str,
    ours: Callable[[], float],
    theirs: Callable[[], float],
    target: str,
    runs: int = RUNS,
) -> None:
    mine, peer = [], []
    for _ in range(runs):
        mine.append(ours())
        peer.append(theirs())
    a, b = statistics.median(mine), statistics.median(peer)
    print(
        f"| {label} | {a:.2f} s ({min(mine):.2f}–{max(mine):.2f}) | {b:.2f} s "
        f"({min(peer):.2f}–{max(peer):.2f}) | {a / b:.2f} | {target} |",
        flush=True,
    )


def timed(command: Command, cwd: Path, before: Callable[[], None] = lambda: None) -> float:
    before()
    return run(command, cwd)


def loop(commands: list[Command], cwd: Path) -> float:
    return sum(run(command, cwd) for command in commands)


def main(arguments: list[str]) -> int:
    quick = "--quick" in arguments
    work = Path(tempfile.mkdtemp(prefix="policykit-bench-"))
    try:
        print(f"{os.cpu_count()} CPUs; {RUNS} runs each ({SHORT_RUNS} on one file), "
              "alternating; median (lowest–highest)")  # fmt: skip
        print("\n| measure | policykit | peer | ratio | target |\n| --- | --- | --- | --- | --- |")
        startup(work)
        validation(work, quick)
        exports(work)
        pdf(work)
        memory(work, quick)
        redlines(work, quick)
        incremental(work, 30 if quick else 300)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def startup(work: Path) -> None:
    side_by_side(
        "`--version` vs `check-jsonschema --version`",
        lambda: run([*POLICYKIT, "--version"], work),
        lambda: run([str(BIN / "check-jsonschema"), "--version"], work),
        "",
        runs=SHORT_RUNS,
    )


def _check_jsonschema(folder: Path, files: list[str]) -> Command:
    schema = str(folder / "schema" / "policy.schema.json")
    return [str(BIN / "check-jsonschema"), "--schemafile", schema, *files]


def validation(work: Path, quick: bool) -> None:
    one = one_policy(work / "one")
    folder = one.parent.parent
    side_by_side(
        "`validate one.yaml` vs check-jsonschema, same file and schema",
        lambda: timed([*POLICYKIT, "validate", str(one)], folder, cold(folder)),
        lambda: run(_check_jsonschema(folder, [str(one)]), folder),
        "≤ 0.6",
        runs=SHORT_RUNS,
    )
    for count in (100,) if quick else (100, 1000):
        corpus = make_corpus(work / f"v{count}", count)
        files = sorted(str(p) for p in (corpus / "policies").glob("*.yaml"))
        side_by_side(
            f"validate {count:,} files vs check-jsonschema",
            lambda corpus=corpus: timed(
                [*POLICYKIT, "validate", "policies/"], corpus, cold(corpus)
            ),
            lambda corpus=corpus, files=files: run(_check_jsonschema(corpus, files), corpus),
            "≤ 0.33",
            runs=3 if count > 100 else RUNS,
        )


def _pandoc_jobs(folder: Path) -> list[Command]:
    """pandoc on each policy's Markdown (policykit's own export of it), to HTML and Word."""
    run([*POLICYKIT, "export", "policies/", "--md", "-d", "md"], folder)
    jobs: list[Command] = []
    for source in sorted((folder / "md").glob("*.md")):
        stem = str(folder / "pandoc" / source.stem)
        jobs.append(["pandoc", str(source), "-s", "-o", stem + ".html"])
        jobs.append(["pandoc", str(source), "-o", stem + ".docx"])
    (folder / "pandoc").mkdir(exist_ok=True)
    return jobs


def exports(work: Path) -> None:
    for count in (1, 100):
        corpus = (
            one_policy(work / "e1").parent.parent
            if count == 1
            else make_corpus(work / f"e{count}", count)
        )
        jobs = _pandoc_jobs(corpus)
        side_by_side(
            f"export HTML + Word, {count} polic{'y' if count == 1 else 'ies'}, vs pandoc",
            lambda corpus=corpus: timed(
                [*POLICYKIT, "export", "policies/", "--html", "--docx", "-d", "out"],
                corpus,
                cold(corpus),
            ),
            lambda corpus=corpus, jobs=jobs: loop(jobs, corpus),
            "≤ 1.5" if count == 1 else "≤ 0.25",
            runs=SHORT_RUNS if count == 1 else 3,
        )


#: WeasyPrint's command line asked for what policykit's PDF is: tagged PDF/UA-1.
WEASYPRINT = [str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "--pdf-tags"]


def pdf(work: Path) -> None:
    """policykit's PDF of a policy, beside WeasyPrint on the very page policykit prints
    (its HTML with the print stylesheet), tagged PDF/UA-1 as policykit's is."""
    from policykit.edge.workspace import validate_paths
    from policykit.writing.layout import ExportOptions, layout
    from policykit.writing.pdf import page_to_print, print_page

    one = one_policy(work / "p1")
    folder = one.parent.parent
    report = validate_paths([one], cached=False)
    document = layout(report.policies[0], report.project, ExportOptions())
    page = folder / "print.html"
    page.write_text(print_page(page_to_print(document), document), "utf-8")
    side_by_side(
        "PDF, 1 policy, vs WeasyPrint on the page policykit prints (both PDF/UA-1)",
        lambda: timed(
            [*POLICYKIT, "export", "policies/", "--pdf", "-d", "out"], folder, cold(folder)
        ),
        lambda: run([*WEASYPRINT, str(page), str(folder / "w.pdf")], folder),
        "≤ 1.15",
        runs=SHORT_RUNS,
    )


def memory(work: Path, quick: bool) -> None:
    peaks = {}
    for count in (10, 100) if quick else (10, 100, 1000):
        corpus = make_corpus(work / f"m{count}", count)
        command = [*POLICYKIT, "export", "policies/", "--html", "--docx", "-d", "out"]
        cold(corpus)()
        peaks[count] = peak_memory(command, corpus)
    last = max(peaks)
    shown = ", ".join(f"{n:,}: {kib / 1024:.0f} MiB" for n, kib in peaks.items())
    print(f"| export peak memory ({shown}) | {peaks[last] / peaks[10]:.2f}× the peak for 10 "
          f"| | | flat: ≤ 1.3× |")  # fmt: skip


def redlines(work: Path, quick: bool) -> None:
    from benchmarks.bench_diff import versions

    folder = work / "diff"
    folder.mkdir()
    old, new = versions()
    (folder / "old.yaml").write_text(old, "utf-8")
    (folder / "new.yaml").write_text(new, "utf-8")
    diff = [*POLICYKIT, "diff", "old.yaml", "new.yaml"]
    outputs = ["-o", "red.html", "-o", "red.docx"]
    text = [run([*diff, *outputs], folder) for _ in range(RUNS)]
    json = [run([*diff, "--format", "json"], folder) for _ in range(RUNS)]
    print(f"| diff of the 500-principle benchmark, text + HTML + Word redlines | "
          f"{statistics.median(text):.2f} s | | | < 1 s |")  # fmt: skip
    print(f"| the same, JSON | {statistics.median(json):.2f} s | | | < 1 s |")
    if quick:
        return
    from policykit.workflows.comparison import compare_versions, redline
    from policykit.writing.layout import ExportOptions, layout
    from policykit.writing.pdf import print_page
    from policykit.writing.registry import writer

    compared = compare_versions(str(folder / "old.yaml"), str(folder / "new.yaml"))
    html = redline(compared, writer("html"), ExportOptions()).decode("utf-8")
    new = layout(compared.changes.new, compared.project, ExportOptions())
    (folder / "print.html").write_text(print_page(html, new), "utf-8")
    side_by_side(
        "the 372-page PDF redline vs WeasyPrint alone on the page it prints (both PDF/UA-1)",
        lambda: run([*diff, "-o", "red.pdf"], folder),
        lambda: run([*WEASYPRINT, "print.html", "w.pdf"], folder),
        "≤ 1.0",
        runs=1,
    )


def incremental(work: Path, count: int) -> None:
    corpus = make_corpus(work / f"i{count}", count)
    command = [*POLICYKIT, "export", "policies/", "-d", "out"]
    first = run(command, corpus)
    again = [run(command, corpus) for _ in range(RUNS)]
    print(f"| a second export of {count} unchanged policies, all formats (the first: "
          f"{first:.0f} s)"
          f" | {statistics.median(again):.2f} s ({min(again):.2f}–{max(again):.2f}) | | "
          f"| < 2 s |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
