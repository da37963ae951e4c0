"""Make the Word and PDF fixtures from the seed's text, as secretariats' files are made:

- `seed-styles.docx`: real heading styles, lists from the List Bullet and List Number
  styles (their numbering is in the style, not the paragraph), a Word table of contents;
- `seed-typed.docx`: headings as bold paragraphs with typed numbers ("1. Formål"), typed
  bullets ("•⇥") and numbers ("1.⇥"), a typed table of contents with page numbers, and
  "Side 1 af 3" lines;
- `seed-styles-lo.docx`: the first, re-saved by LibreOffice;
- `seed-tagged.pdf` and `seed-untagged.pdf`: the first, printed by LibreOffice with and
  without tags.

Run once, with LibreOffice installed; the files are kept.

    python tests/data/import/make_documents.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from make_pages import sections  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent


def _blocks(html_blocks: list[str]) -> list[tuple[str, list[str]]]:
    """The pages' HTML blocks back as ("p" | "ul" | "ol", texts)."""
    import html
    import re

    out = []
    for block in html_blocks:
        kind = block[1:3].rstrip(">")
        texts = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", block)
        out.append((kind, [html.unescape(t) for t in texts]))
    return out


def _toc_field(document: Document) -> None:
    """A Word TOC field, as Insert > Table of Contents makes it (its entries in TOC 1)."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, ' TOC \\o "1-3" \\h \\z \\u '), ("separate", None)):
        if kind:
            element = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            element = run._r.makeelement(qn("w:instrText"), {})
            element.text = text
        run._r.append(element)
    for number, (heading, _) in enumerate(sections(), start=1):
        entry = document.add_paragraph(f"{heading}\t{number + 1}", style=_toc_style(document))
        entry.paragraph_format.left_indent = Pt(0)
    end = document.add_paragraph().add_run()
    end._r.append(end._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))


def _toc_style(document: Document) -> object:
    try:
        return document.styles["TOC 1"]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = document.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        return style


def styles() -> Document:
    document = Document()
    document.add_paragraph("Ikast-Brande Kommune")
    document.add_heading("Kommunikationspolitik", level=0)
    document.add_paragraph(
        "29. maj 2007 vedtog Byrådet en kommunikationspolitik for Ikast-Brande Kommune"
    )
    _toc_field(document)
    for heading, html_blocks in sections():
        document.add_heading(heading, level=1)
        for kind, texts in _blocks(html_blocks):
            if kind == "p":
                document.add_paragraph(texts[0])
            else:
                style = "List Bullet" if kind == "ul" else "List Number"
                for text in texts:
                    document.add_paragraph(text, style=style)
    return document


def typed() -> Document:
    document = Document()
    title = document.add_paragraph()
    title.add_run("Kommunikationspolitik").bold = True
    document.add_paragraph(
        "29. maj 2007 vedtog Byrådet en kommunikationspolitik for Ikast-Brande Kommune"
    )
    document.add_paragraph("Indhold")
    for number, (heading, _) in enumerate(sections(), start=1):
        document.add_paragraph(f"{number}. {heading}\t{number + 1}")
    document.add_paragraph("Side 1 af 3")
    for number, (heading, html_blocks) in enumerate(sections(), start=1):
        document.add_paragraph().add_run(f"{number}. {heading}").bold = True
        for kind, texts in _blocks(html_blocks):
            if kind == "p":
                document.add_paragraph(texts[0])
            else:
                for n, text in enumerate(texts, start=1):
                    marker = "•" if kind == "ul" else f"{n}."
                    document.add_paragraph(f"{marker}\t{text}")
        if number in (3, 6):
            document.add_paragraph(f"Side {number // 3 + 1} af 3")
    return document


def main() -> None:
    styles().save(HERE / "seed-styles.docx")
    typed().save(HERE / "seed-typed.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice makes the re-saved and PDF fixtures"
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copy(HERE / "seed-styles.docx", work / "seed-styles-lo.docx")
        profile = f"-env:UserInstallation=file://{work}/profile"
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(work / "out"),
                str(work / "seed-styles-lo.docx"),
            ],
            check=True,
        )
        shutil.copy(work / "out" / "seed-styles-lo.docx", HERE / "seed-styles-lo.docx")
        for name, tagged in (("seed-tagged.pdf", "true"), ("seed-untagged.pdf", "false")):
            options = (
                f'pdf:writer_pdf_Export:{{"UseTaggedPDF":{{"type":"boolean","value":"{tagged}"}}}}'
            )
            subprocess.run(
                [
                    soffice,
                    profile,
                    "--headless",
                    "--convert-to",
                    options,
                    "--outdir",
                    str(work / name),
                    str(HERE / "seed-styles.docx"),
                ],
                check=True,
            )
            shutil.copy(work / name / "seed-styles.pdf", HERE / name)


if __name__ == "__main__":
    main()
