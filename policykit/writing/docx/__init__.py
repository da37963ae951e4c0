"""The Word writer: a policy as a .docx that Word, LibreOffice and pandoc all read as intended.

python-docx opens the template (its own, or the user's reference document, whose styles win,
as with pandoc's `--reference-doc`) and manages the package: parts, relationships and core
properties. The rest is plain OOXML, because python-docx writes neither numbering, fields nor
bookmarks. Along pandoc's lines, one module per concern:

- `package`: the template opened, the page set up, and the reproducible zip;
- `styles`: the styles a policy uses, added when the template lacks them, and the packaged
  template's colour, font and language;
- `numbering`: list definitions, one abstract numbering per ordered list so that each counts
  from its own start in every client;
- `body`: `DocxWriter`, which writes the title block, contents, sections, prose, footer and
  properties, and which the redline and the brief extend through its public hooks;
- `ooxml`: the elements, attributes and text runs all of them build with.

- Title and Heading 1–3 are used, so Word's navigation pane and TOC work. Section numbers are
  literal text, so every reader sees "1. Kommunikationspolitikkens formål" as the seed has it.
- The table of contents is a TOC field. Its result already lists the sections, linked to
  bookmarks on the headings, so it reads well before Word updates it with page numbers.
- The same document gives the same bytes: dates come from the policy, ids are counted in
  document order, and the zip is rewritten with fixed timestamps and a fixed entry order.
"""

from policykit.writing.docx.body import BOLD, PLAIN, DocxWriter, RunFormat, Segment, write_docx
from policykit.writing.docx.package import ReferenceDocxError

__all__ = [
    "BOLD",
    "PLAIN",
    "DocxWriter",
    "ReferenceDocxError",
    "RunFormat",
    "Segment",
    "write_docx",
]
