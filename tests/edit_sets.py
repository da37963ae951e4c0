"""The edit sets of the Word round trip's tests, and of `make demo`: what a committee, and a
harder reader, do to the communication policy's Word export (see `word_edits`).

    python -m tests.edit_sets SET IN.docx OUT.docx [--untracked]

writes IN with the edit set made, as tracked changes unless `--untracked`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.word_edits import Editor, edited


def committee(e: Editor) -> None:
    """What a committee sends back: a reworded sentence, a goal deleted and one added, a
    paragraph added to a principle, the evaluation's sentence changed, a definition edited,
    a heading renamed, a paragraph deleted, and a comment."""
    e.replace("Kommunikationspolitikken beskriver", "retningslinier", "retningslinjer")
    e.delete("at skabe bredt kendskab")
    e.insert_after("Derfor opfatter vi kommunikation",
                   "Vi svarer på henvendelser inden for fem arbejdsdage.")  # fmt: skip
    e.insert_after("at borgeren i alle sine henvendelser",
                   "at borgeren kan klare sine sager digitalt")  # fmt: skip
    e.replace("Det betyder, at Kommunikationspolitikken",
              "som minimum en gang i hver politiskvalgperiode", "hvert andet år")  # fmt: skip
    e.replace("Kommunikation er således", 'end "information".',
              'end "information". Det gælder også sociale medier.')  # fmt: skip
    e.replace("6. Tillid i kommunikation", "Tillid i", "Tillid og åbenhed i")
    e.delete("I politikken er")
    e.comment("Ikast-Brande Kommune gennemfører", "Hvem gennemfører målingerne?")


def harder(e: Editor) -> None:
    """A section moved whole, a new section with no bookmark and a new principle after the
    last, a goal pasted as a plain paragraph with a typed bullet, the evaluation's
    responsible changed, a term deleted."""
    e.move_section("6. Tillid i kommunikation", "4. Ansvarlighed i kommunikation")
    e.insert_after("Ansvarlig for evaluering", "8. Kontakt og spørgsmål", style="Heading1")
    e.insert_after("8. Kontakt og spørgsmål",
                   "Spørgsmål om politikken sendes til kommunikationsafdelingen.",
                   style="Normal")  # fmt: skip
    e.insert_after("at sikre et ensartet", "• at alle medarbejdere kender politikken",
                   style="Normal")  # fmt: skip
    e.replace("Ansvarlig for evaluering", "Byrådet", "Direktionen")
    e.insert_after("De samme overvejelser skal", "Åbenhed i kommunikation", style="Heading1")
    e.insert_after("Åbenhed i kommunikation", "Vi er åbne om vores beslutninger.", style="Normal")
    for start in ("god kommunikation og markedsføring", "Vi definerer god kommunikation",
                  "hvem er modtageren", "hvilken situation foregår",
                  "Dette betyder, at det er modtageren"):  # fmt: skip
        e.delete(start)


def facts(e: Editor) -> None:
    """Edits the YAML does not take: the title page's version and status, an entry of the
    table of contents, and an image."""
    e.replace("Version: 1.0", "1.0", "2.0")
    e.replace("Status: Vedtaget", "Vedtaget", "Udkast")
    contents = e.find("5. Dialog i kommunikation", contents=True)
    next(contents.iter(f"{{{e.root.nsmap['w']}}}t")).text = "5. Dialog med borgerne"
    e.image("I Ikast-Brande Kommune anser vi")


SETS = {"committee": committee, "harder": harder, "facts": facts}


def main(arguments: list[str]) -> int:
    name, source, target, *rest = arguments
    data = edited(Path(source).read_bytes(), SETS[name], tracked="--untracked" not in rest)
    Path(target).write_bytes(data)
    print(
        f"edited {source} → {target}: the {name} edit set, as tracked changes"
        if "--untracked" not in rest
        else f"edited {source} → {target}: the {name} edit set"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
