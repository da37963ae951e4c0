"""Benchmark: `policykit import` of 300 documents in mixed formats (issue 14).

75 each of text, Markdown, web pages and Word files, made from the seed's fixtures with a
title of their own each (so that each gets its own file), and PDFs from policykit's own
export: all imported into one fresh repository, in the process pool. Run with `make bench`;
the figures go in docs/performance.md.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from policykit.edge.machine import available_cpus
from policykit.workflows.importer import ImportOptions, import_all

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "import"
SEED = ROOT / "tests" / "data" / "seed" / "ikast-brande-kommunikationspolitik.txt"
EACH = 60


def retitled_docx(data: bytes, title: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "word/document.xml":
                part = part.replace(b">Kommunikationspolitik<", f">{title}<".encode(), 1)
            target.writestr(name, part)
    return out.getvalue()


def make_sources(folder: Path) -> dict[str, int]:
    from policykit.writing.pdf import write_pdf
    from tests.examples import document

    text = SEED.read_text("utf-8")
    page = (FIXTURES / "seed-landmarks.html").read_text("utf-8")
    markdown = ROOT / "tests" / "data" / "outputs" / "seed" / "policy.md"
    word = (FIXTURES / "seed-styles.docx").read_bytes()
    counts = {"txt": 0, "md": 0, "html": 0, "docx": 0, "pdf": 0}
    for n in range(EACH):
        title = f"Kommunikationspolitik {n}"
        (folder / f"p{n}.txt").write_text(
            text.replace("\nKommunikationspolitik\n", f"\n{title}\n", 1), "utf-8"
        )
        (folder / f"p{n}.md").write_text(
            markdown.read_text("utf-8")
            .replace('title: "Kommunikationspolitik"', f'title: "{title}"')
            .replace('id: "kommunikationspolitik"', f'id: "kommunikationspolitik-md-{n}"'),
            "utf-8",
        )
        (folder / f"p{n}.html").write_text(
            page.replace("<h1>Kommunikationspolitik</h1>", f"<h1>{title} side</h1>"), "utf-8"
        )
        (folder / f"p{n}.docx").write_bytes(retitled_docx(word, f"{title} Word"))
        counts.update({k: counts[k] + 1 for k in ("txt", "md", "html", "docx")})
    for n in range(EACH):
        # policykit's own export, each with a title (and so an id) of its own.
        pdf = write_pdf(document(title=f"Kommunikationspolitik {n} PDF"))
        (folder / f"p{n}.pdf").write_bytes(pdf)
        counts["pdf"] += 1
    return counts


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "old"
        folder.mkdir()
        counts = make_sources(folder)
        repository = Path(work) / "repo"
        (repository / "policies").mkdir(parents=True)
        shutil.copy(ROOT / "policykit.yaml", repository)
        start = time.perf_counter()
        batch = import_all([folder], ImportOptions(output=repository / "policies", dry_run=True),
                           repository)  # fmt: skip
        seconds = time.perf_counter() - start
        total = sum(counts.values())
        print(f"import of {total} documents ({', '.join(f'{v} {k}' for k, v in counts.items())})")
        print(f"  {available_cpus()} workers, dry run (prepared, validated, not written)")
        print(
            f"  {seconds:6.2f} s, {seconds / total * 1000:5.1f} ms a document; "
            f"{len(batch.results)} prepared, {len(batch.failed)} failed"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
