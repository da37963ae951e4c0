"""The Word redline: accepting every change in pandoc reads as the new version's Word export,
rejecting every change as the old version's, for the seed and its draft in both directions
and for generated revisions; the OOXML is the kind Word writes; LibreOffice converts it; the
same input gives the same bytes.

pandoc (2.17 and later) reads a heading or list item whose paragraph was wholly inserted or
deleted as an empty heading or an empty list item on the side where it is gone (it applies
tracked changes to a paragraph's text, but decides before that whether it is a heading or
an item), and it reads a link inside `w:ins`/`w:del` as its text. It also knows no tracked
row changes (`w:trPr/w:del`, `w:trPr/w:ins`): of a table row that is gone it keeps the row,
its cells emptied. So its views are compared without empty headings, empty list items,
empty table rows and tables left with no text, with links as their text, and without
column widths (a table in the redline has the new version's widths: they are not a
tracked change); everything else (every word, paragraph, heading level, list, list start
and table cell) must be the same.

LibreOffice's own Accept All and Reject All, scripted through its Python bridge
(tests/libreoffice_changes.py), give exactly the text of the new and the old export,
bullets and list numbers included, with one exception: it cannot join a paragraph with a
table, so of a paragraph wholly deleted (or, on Reject All, inserted) right before a table
that is gone too, it keeps an empty paragraph. The test counts those: exactly one empty
line for each such table, and no other difference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from policykit.model.policy import Policy, Prose, Span, Status
from policykit.reading.prose import parse_prose
from policykit.writing.docx import write_docx
from policykit.writing.layout import Document, layout
from policykit.writing.redline_docx import write_redline_docx
from tests.clients import require, require_python_uno
from tests.conftest import DATA
from tests.examples import draft, policy, project, read

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)


# --- helpers ---------------------------------------------------------------------------------


def laid_out(changed: Policy) -> Document:
    return layout(changed, project())


def part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def redline_of(old: Document, new: Document, *, comments: bool = True) -> bytes:
    """The Word redline as `policykit diff -o` writes it: with each change and why as a
    comment, which accepting or rejecting every change must leave out of the text."""
    from policykit.comparing.diff import compare

    changes = compare(old.policy, new.policy) if comments else None
    return write_redline_docx(old, new, date=DATE, changes=changes)


def pandoc(data: bytes, *args: str, stdin_json: Any = None) -> str:
    source: bytes = data if stdin_json is None else json.dumps(stdin_json).encode()
    result = subprocess.run(
        [require("pandoc"), *args], input=source, capture_output=True, timeout=180
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def comparable(blocks: list[Any]) -> list[Any]:
    """pandoc's blocks without empty headings and empty list items (and lists left with no
    item), links as their text, neighbouring Str joined, and bold or italic runs that a
    change split joined again: see the module's docstring.
    The exports never have an empty heading or an empty item, so this only removes what
    pandoc leaves of a paragraph that is gone."""

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: clean(value) for key, value in node.items()}
        if not isinstance(node, list):
            return node
        out: list[Any] = []
        for child in map(clean, node):
            kind = child.get("t") if isinstance(child, dict) else None
            if kind == "Header" and not child["c"][2]:
                continue
            if kind in ("BulletList", "OrderedList"):
                items = child["c"] if kind == "BulletList" else child["c"][1]
                items[:] = [item for item in items if item]
                if not items:
                    continue
            if kind == "Table":
                if not _table_rows(child):
                    continue
                # Columns are as wide as the new version's: the widths are no tracked change.
                child["c"][2] = [[align, {"t": "ColWidthDefault"}] for align, _ in child["c"][2]]
            if kind == "Link":
                out.extend(child["c"][1])
                continue
            if kind == "Str" and out and isinstance(out[-1], dict) and out[-1].get("t") == "Str":
                out[-1] = {"t": "Str", "c": out[-1]["c"] + child["c"]}
                continue
            if kind in ("Strong", "Emph"):
                # A change splits a bold run in two; pandoc then sets the space between the
                # runs outside both: `Strong [a], Space, Strong [b]` reads as `Strong [a b]`.
                gap = [{"t": "Space"}] if out and out[-1] == {"t": "Space"} else []
                before = out[-1 - len(gap)] if len(out) > len(gap) else None
                if isinstance(before, dict) and before.get("t") == kind:
                    del out[len(out) - len(gap) :]
                    out[-1] = {"t": kind, "c": clean(before["c"] + gap + child["c"])}
                    continue
            out.append(child)
        return out

    cleaned: list[Any] = clean(blocks)
    return cleaned


def _table_rows(table: dict[str, Any]) -> list[Any]:
    """A pandoc table's rows, head and bodies, with the rows whose cells are all empty (what
    pandoc leaves of a deleted or inserted row) taken out of it."""
    _, _, _, head, bodies, _ = table["c"]
    sections = [head[1], *(rows for body in bodies for rows in (body[2], body[3]))]
    for rows in sections:
        rows[:] = [row for row in rows if any(cell[4] for cell in row[1])]
    return [row for rows in sections for row in rows]


def views(data: bytes, track: str | None = None) -> tuple[str, str]:
    """pandoc's plain text and native form of a .docx, as `comparable` makes it."""
    options = ["-f", "docx", "-t", "json"] + ([f"--track-changes={track}"] if track else [])
    document = json.loads(pandoc(data, *options))
    document["blocks"] = comparable(document["blocks"])
    return (
        pandoc(b"", "-f", "json", "-t", "plain", stdin_json=document),
        pandoc(b"", "-f", "json", "-t", "native", stdin_json=document),
    )


def check_accept_and_reject(old: Document, new: Document) -> bytes:
    redline = redline_of(old, new)
    for track, export in (("accept", new), ("reject", old)):
        plain, native = views(redline, track)
        want_plain, want_native = views(write_docx(export))
        assert plain == want_plain, f"{track}: pandoc's plain text differs"
        assert native == want_native, f"{track}: pandoc's native form differs"
    return redline


def changes(data: bytes) -> list[Any]:
    body = part(data, "word/document.xml")
    return [e for e in body.iter() if e.tag in (f"{W}ins", f"{W}del")]


# --- the seed and its draft --------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pair() -> tuple[Document, Document]:
    return laid_out(policy()), laid_out(draft())


@pytest.fixture(scope="module")
def seed_redline(seed_pair: tuple[Document, Document]) -> bytes:
    return redline_of(*seed_pair)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_pandoc_accept_gives_new_and_reject_gives_old(
    seed_pair: tuple[Document, Document], direction: str
) -> None:
    old, new = seed_pair if direction == "forward" else seed_pair[::-1]
    check_accept_and_reject(old, new)


def test_raw_pandoc_plain_text_differs_only_by_empty_list_items(seed_redline: bytes) -> None:
    """Before `comparable`: pandoc's plain text has every line of the export, in order, and
    nothing else but the bullets it leaves of deleted (accept) or inserted (reject) items."""
    old, new = write_docx(laid_out(policy())), write_docx(laid_out(draft()))
    for track, export, gone in (("accept", new, 4), ("reject", old, 3)):
        lines = pandoc(seed_redline, "-f", "docx", "-t", "plain", f"--track-changes={track}")
        want = pandoc(export, "-f", "docx", "-t", "plain")
        assert Counter(lines.splitlines())["-   "] == gone, track
        kept = "\n".join(line for line in lines.splitlines() if line != "-   ")
        assert squeeze(kept) == squeeze(want), track


def squeeze(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def test_the_changes_are_tracked_as_word_writes_them(seed_redline: bytes) -> None:
    body = part(seed_redline, "word/document.xml")
    tracked = changes(seed_redline)
    assert tracked
    for change in tracked:
        assert change.get(f"{W}author") == "policykit"
        assert change.get(f"{W}date") == "2024-05-01T12:30:00Z"
    deleted = [e for e in tracked if e.tag == f"{W}del" and e.getparent().tag != f"{W}rPr"]
    # Deleted text is delText, never t; inserted text is t.
    assert all(not list(d.iter(f"{W}t")) for d in deleted)
    assert any(list(d.iter(f"{W}delText")) for d in deleted)
    assert not [t for t in body.iter(f"{W}delText") if t.getparent().getparent().tag != f"{W}del"]
    # The reworded goal is diffed word by word: "…henvendelser[, også de digitale,] oplever…"
    goal = next(p for p in body.iter(f"{W}p") if "alle sine henvendelser" in "".join(p.itertext()))
    inserted = ["".join(i.itertext()) for i in goal.iter(f"{W}ins")]
    assert ", også de digitale," in inserted and " og i et klart sprog" in inserted
    assert not list(goal.iter(f"{W}del"))
    # The removed bullet under "Tillid" is deleted with its paragraph mark.
    removed = next(
        p
        for p in body.iter(f"{W}p")
        if "Vi inddrager vores samarbejdsparter" in "".join(p.itertext())
    )
    assert removed.find(f"{W}pPr/{W}rPr/{W}del") is not None
    assert removed.find(f"{W}pPr/{W}numPr") is not None
    # The new principle is inserted with its paragraph marks, and its heading keeps its bookmark.
    heading = next(
        p
        for p in body.iter(f"{W}p")
        if "Tilgængelighed i kommunikation" in "".join(p.itertext())
        and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading1"
    )
    assert heading.find(f"{W}pPr/{W}rPr/{W}ins") is not None
    assert heading.find(f"{W}bookmarkStart") is not None


def test_ids_are_unique_and_clear_of_bookmarks(seed_redline: bytes) -> None:
    body = part(seed_redline, "word/document.xml")
    footer = part(seed_redline, "word/footer1.xml")
    change_ids = [int(e.get(f"{W}id")) for e in changes(seed_redline)]
    change_ids += [int(e.get(f"{W}id")) for e in footer.iter(f"{W}ins", f"{W}del")]
    marks = [int(e.get(f"{W}id")) for e in body.iter(f"{W}bookmarkStart")]
    assert len(set(change_ids)) == len(change_ids)
    assert not set(change_ids) & set(marks)
    names = [e.get(f"{W}name") for e in body.iter(f"{W}bookmarkStart")]
    assert len(set(names)) == len(names)
    assert "_pk_principle_tilgaengelighed" in names and "_pk_principle_tillid" in names


def test_the_footer_tracks_the_draft_mark(seed_redline: bytes) -> None:
    footer = part(seed_redline, "word/footer1.xml")
    inserted = ["".join(i.itertext()) for i in footer.iter(f"{W}ins")]
    assert any("UDKAST" in text for text in inserted)
    assert [c.text.strip() for c in footer.iter(f"{W}instrText")] == ["PAGE", "NUMPAGES"]


def test_the_rest_is_the_new_export(seed_redline: bytes) -> None:
    """Styles, numbering of the new lists, core properties and section come from the new
    version's export."""
    new = write_docx(laid_out(draft()))
    for name in ("docProps/core.xml", "docProps/app.xml", "word/settings.xml"):
        with zipfile.ZipFile(io.BytesIO(seed_redline)) as a, zipfile.ZipFile(io.BytesIO(new)) as b:
            assert a.read(name) == b.read(name), name
    new_nums = part(new, "word/numbering.xml")
    red_nums = part(seed_redline, "word/numbering.xml")
    for num in new_nums.iter(f"{W}num"):
        same = red_nums.find(f"{W}num[@{W}numId='{num.get(f'{W}numId')}']")
        assert same is not None and etree.tostring(same) == etree.tostring(num)


def test_same_input_same_bytes(seed_pair: tuple[Document, Document], seed_redline: bytes) -> None:
    assert redline_of(*seed_pair) == seed_redline
    with zipfile.ZipFile(io.BytesIO(seed_redline)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_no_changes_no_marks(seed_pair: tuple[Document, Document]) -> None:
    old = seed_pair[0]
    redline = redline_of(old, old)
    assert changes(redline) == []
    assert part(redline, "word/document.xml").find(f".//{W}body") is not None
    with (
        zipfile.ZipFile(io.BytesIO(redline)) as a,
        # The redline is not read back, so it has no content bookmarks (`content_marks`).
        zipfile.ZipFile(io.BytesIO(write_docx(old, content_marks=False))) as b,
    ):
        assert a.read("word/document.xml") == b.read("word/document.xml")


def test_libreoffice_converts_it_and_shows_both_versions(
    seed_redline: bytes, tmp_path: Path
) -> None:
    soffice = require("soffice")
    pdftotext = require("pdftotext")
    path = tmp_path / "redline.docx"
    path.write_bytes(seed_redline)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    text = subprocess.run(
        [pdftotext, "-raw", str(tmp_path / "redline.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    # LibreOffice shows tracked changes: deleted and inserted text both appear.
    for words in (
        "Vi inddrager vores samarbejdsparter i markedsføringsindsatsen.",
        "Tilgængelighed i kommunikation og markedsføring",
        "også de digitale",
        "hvert andet år",
        "politiskvalgperiode",
    ):
        assert words in flat, words


# --- generated revisions -----------------------------------------------------------------------

WORDS = [
    "borgerne",
    "altid",
    "klart",
    "**vigtigt**",
    "*gerne*",
    "[kommunen](https://ikast-brande.dk)",
]


def reprose(prose: Prose, source: str, *, format2: bool = False) -> Prose | None:
    locate = lambda line: Span("fuzz.yaml", line + 1, 1)  # noqa: E731
    parsed, findings = parse_prose(source, locate, format2=format2)
    return None if findings or not parsed.blocks else parsed


@st.composite
def reworded(draw: st.DrawFn, prose: Prose) -> Prose:
    """The prose with a word inserted, deleted or replaced in its markdown source."""
    pieces = re.split(r"(\s+)", prose.source)
    words = [i for i, piece in enumerate(pieces) if piece.strip()]
    index = draw(st.sampled_from(words))
    action = draw(st.sampled_from(["insert", "delete", "replace"]))
    word = draw(st.sampled_from(WORDS))
    if action == "insert":
        pieces[index : index + 1] = [word, " ", pieces[index]]
    elif action == "delete" and len(words) > 1:
        pieces[index] = ""
    else:
        pieces[index] = word
    return reprose(prose, "".join(pieces)) or prose


def shuffled(draw: st.DrawFn, items: tuple[Any, ...], make: Any) -> tuple[Any, ...]:
    """Items with one deleted, one inserted (from `make`), or two swapped."""
    out = list(items)
    action = draw(st.sampled_from(["delete", "insert", "swap"]))
    if action == "delete" and len(out) > 1:
        out.pop(draw(st.integers(0, len(out) - 1)))
    elif action == "insert":
        out.insert(draw(st.integers(0, len(out))), make(draw(st.sampled_from(out))))
    elif len(out) > 1:
        i, j = draw(st.integers(0, len(out) - 1)), draw(st.integers(0, len(out) - 1))
        out[i], out[j] = out[j], out[i]
    return tuple(out)


MUTATIONS = [
    "purpose", "goal", "goals", "definitions", "principle", "principles", "evaluation",
    "title", "version", "status",
]  # fmt: skip


def new_principle(taken: set[str]) -> Any:
    """A copy of a principle under a new id and title."""

    def made(principle: Any) -> Any:
        new_id = next(f"ny-{n}" for n in range(99) if f"ny-{n}" not in taken)
        taken.add(new_id)
        return dataclasses.replace(principle, id=new_id, title=f"Ny: {principle.title}")

    return made


@st.composite
def revised(draw: st.DrawFn, base: Policy) -> Policy:
    changed = base
    replace = dataclasses.replace
    for _ in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(MUTATIONS))
        if what == "purpose":
            purpose = changed.purpose
            changed = replace(changed, purpose=replace(purpose, text=draw(reworded(purpose.text))))
        elif what in ("goal", "goals"):
            groups = list(changed.goals.groups)
            g = draw(st.integers(0, len(groups) - 1))
            group = groups[g]
            if what == "goal":
                items = list(group.items)
                i = draw(st.integers(0, len(items) - 1))
                items[i] = replace(items[i], text=draw(reworded(items[i].text)))
                groups[g] = replace(group, items=tuple(items))
            else:
                groups[g] = replace(
                    group, items=shuffled(draw, group.items, lambda item: replace(item, id=None))
                )
            changed = replace(changed, goals=replace(changed.goals, groups=tuple(groups)))
        elif what == "definitions":
            terms = shuffled(
                draw, changed.definitions.terms, lambda d: replace(d, id=None, term=d.term + " ny")
            )
            changed = replace(changed, definitions=replace(changed.definitions, terms=terms))
        elif what in ("principle", "principles"):
            items = list(changed.principles.items)
            if what == "principle":
                i = draw(st.integers(0, len(items) - 1))
                items[i] = replace(items[i], text=draw(reworded(items[i].text)))
            else:
                made = new_principle({p.id for p in items})
                items = list(shuffled(draw, tuple(items), made))
            principles = replace(changed.principles, items=tuple(items))
            changed = replace(changed, principles=principles)
        elif what == "evaluation":
            evaluation = changed.evaluation
            rule = draw(reworded(evaluation.rule))
            changed = replace(changed, evaluation=replace(evaluation, rule=rule))
        elif what == "title":
            changed = replace(changed, title=draw(st.sampled_from(["Ny politik", "Politik 2.0"])))
        elif what == "version":
            changed = replace(changed, version=draw(st.sampled_from(["1.1", "2.0", "3"])))
        else:
            changed = replace(changed, status=draw(st.sampled_from(list(Status))))
    return changed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_revisions_accept_and_reject(data: st.DataObject) -> None:
    base = policy()
    changed = data.draw(revised(base))
    old, new = laid_out(base), laid_out(changed)
    if data.draw(st.booleans()):
        old, new = new, old
    redline = check_accept_and_reject(old, new)
    ids = [int(e.get(f"{W}id")) for e in changes(redline)]
    assert len(set(ids)) == len(ids)
    assert (old.policy == new.policy) == (not ids)


def test_a_link_that_changes_is_deleted_and_inserted_whole() -> None:
    base = policy()
    purpose = base.purpose
    linked = reprose(purpose.text, "Se [Vision 2012](https://ikast-brande.dk/vision) nu.")
    moved = reprose(purpose.text, "Se [Vision 2013](https://ikast-brande.dk/vision2) nu.")
    assert linked is not None and moved is not None
    old = laid_out(dataclasses.replace(base, purpose=dataclasses.replace(purpose, text=linked)))
    new = laid_out(dataclasses.replace(base, purpose=dataclasses.replace(purpose, text=moved)))
    redline = check_accept_and_reject(old, new)
    body = part(redline, "word/document.xml")
    codes = [c.text for c in body.iter(f"{W}instrText")]
    assert ' HYPERLINK "https://ikast-brande.dk/vision2" ' in codes
    deleted = [c.text for c in body.iter(f"{W}delInstrText")]
    assert ' HYPERLINK "https://ikast-brande.dk/vision" ' in deleted


# --- tables ------------------------------------------------------------------------------------


TABLE = "| Kanal | Ansvarlig | Frist |\n| --- | --- | --- |\n| Web | Kommunikation | Løbende |\n"
TABLE_REVISIONS = {
    "a row removed and one added": TABLE.replace(
        "| Web | Kommunikation | Løbende |", "| Presse | Direktionen | Straks |"
    ),
    "a column removed": "| Kanal | Frist |\n| --- | --- |\n| Web | Løbende |\n",
    "the table removed": "",
}


def table_pair(revision: str) -> tuple[Policy, Policy]:
    """The seed with a table after its purpose's text, and with the table revised."""
    base = policy()
    purpose = base.purpose
    assert purpose is not None and purpose.text is not None
    before = reprose(purpose.text, purpose.text.source + "\n" + TABLE, format2=True)
    after = reprose(purpose.text, purpose.text.source + "\n" + revision, format2=True)
    assert before is not None and after is not None
    return tuple(  # type: ignore[return-value]
        dataclasses.replace(base, format=2, purpose=dataclasses.replace(purpose, text=text))
        for text in (before, after)
    )


@pytest.mark.parametrize("revision", TABLE_REVISIONS, ids=list(TABLE_REVISIONS))
def test_table_revisions_accept_and_reject_in_pandoc(revision: str) -> None:
    old, new = table_pair(TABLE_REVISIONS[revision])
    check_accept_and_reject(laid_out(old), laid_out(new))
    check_accept_and_reject(laid_out(new), laid_out(old))


def _cell_texts(table: Any) -> list[list[str]]:
    def text(cell: Any, tags: tuple[str, ...]) -> str:
        return "".join(t.text or "" for t in cell.iter() if t.tag in tags)

    return [
        [
            text(cell, (f"{W}t",)) + "|" + text(cell, (f"{W}delText",))
            for cell in row.findall(f"{W}tc")
        ]
        for row in table.findall(f"{W}tr")
    ]


def test_a_table_is_compared_row_by_row_and_cell_by_cell() -> None:
    """A table of the same columns in both versions: one table, its header still repeating,
    a changed cell's words tracked inside the cell, an added row marked as inserted."""
    base = read("policies/personalepolitik.yaml")
    revised = read("tests/data/format2/personalepolitik-revised.yaml")
    # The same order as the base, so that the section is compared in place.
    revised = dataclasses.replace(
        revised, order=base.order, sections=tuple(s for s in revised.sections if s.id != "seniorer")
    )
    redline = redline_of(laid_out(base), laid_out(revised))
    body = part(redline, "word/document.xml")
    tables = body.findall(f".//{W}tbl")
    assert len(tables) == 1
    rows = tables[0].findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert [row.find(f"{W}trPr/{W}ins") is not None for row in rows] == [
        False,
        False,
        False,
        False,
        True,
        False,
    ]
    cells = _cell_texts(tables[0])
    assert cells[2][2] == "Hvert år|andet "  # "Hvert andet år" → "Hvert år"
    assert cells[3][1] == "Lederen og MED-udvalget|"
    inserted = [i.find(f".//{W}t").text for i in rows[3].iter(f"{W}ins")]
    assert inserted == [" og MED-udvalget"]
    check_accept_and_reject(laid_out(base), laid_out(revised))


def test_each_change_and_why_is_a_comment_on_its_section() -> None:
    old, new = laid_out(policy()), laid_out(draft())
    data = redline_of(old, new)
    comments = part(data, "word/comments.xml")
    texts = ["".join(c.itertext()) for c in comments.iter(f"{W}comment")]
    assert any("Version: ændret, redaktionel" in t for t in texts)  # on the title
    assert any(
        "'en gang i hver politiskvalgperiode' → 'hvert andet år' ændrer et tal" in t for t in texts
    )
    assert {c.get(f"{W}date") for c in comments.iter(f"{W}comment")} == {"2024-05-01T12:30:00Z"}
    body = part(data, "word/document.xml")
    for start in body.iter(f"{W}commentRangeStart"):
        p = start.getparent()
        marks = [m.get(f"{W}name") for m in p.iter(f"{W}bookmarkStart")]
        style = p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
        assert marks or style == "Title", style
    # pandoc reads no comment into the text when it accepts or rejects the changes.
    accepted = pandoc(data, "-f", "docx", "-t", "plain", "--track-changes=accept")
    assert "ændrer et tal" not in accepted


def test_a_moved_goal_says_in_its_comment_where_it_came_from() -> None:
    """The Word redline, as the HTML and PDF ones: "moved from place 3", and which goal."""
    cases = DATA / "diff"
    old = layout(_load(cases / "base.yaml"), project())
    new = layout(_load(cases / "goal-items-shuffled.yaml"), project())
    comments = part(redline_of(old, new), "word/comments.xml")
    texts = ["".join(c.itertext()) for c in comments.iter(f"{W}comment")]
    assert any(
        "moved, editorial – only the order; moved from place 3: “Only staff who need a record "
        "can read it.”" in text
        for text in texts
    ), texts


COMMENT_MARKS = re.compile(
    r'<w:commentRange(?:Start|End) w:id="\d+"/>|<w:r><w:rPr><w:rStyle w:val="CommentReference"/>'
    r'</w:rPr><w:commentReference w:id="\d+"/></w:r>'
)


def test_the_comments_change_nothing_else() -> None:
    old, new = laid_out(policy()), laid_out(draft())
    with_comments = zipfile.ZipFile(io.BytesIO(redline_of(old, new)))
    without = zipfile.ZipFile(io.BytesIO(redline_of(old, new, comments=False)))
    body = with_comments.read("word/document.xml").decode()
    assert COMMENT_MARKS.search(body)
    # The comments' part takes a relationship id, so the later parts' ids move up by one.
    ids = re.compile(r'r:id="rId\d+"')
    plain = without.read("word/document.xml").decode()
    assert ids.sub("", COMMENT_MARKS.sub("", body)) == ids.sub("", plain)


def test_libreoffice_converts_the_commented_redline(tmp_path: Path) -> None:
    source = tmp_path / "red.docx"
    source.write_bytes(redline_of(laid_out(policy()), laid_out(draft())))
    subprocess.run(
        [require("soffice"), "--headless", "--convert-to", "txt:Text (encoded):UTF8",
         "--outdir", str(tmp_path), f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
         str(source)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "red.txt").read_text("utf-8-sig")
    assert "Tilgængelighed i kommunikation og markedsføring" in text


# --- LibreOffice: Accept All and Reject All, exactly ----------------------------------------


#: A numbered list whose second item is reworded beyond the similarity threshold.
OLD_LIST = (
    "We do three things:\n\n1. Collect the data.\n2. Publish the report every year.\n"
    "3. Review it.\n"
)
NEW_LIST = OLD_LIST.replace("the report every year", "a short summary online, with the figures")


def reworded_list_pair() -> tuple[Policy, Policy]:
    english = read("policies/information-security-policy.yaml")
    assert english.purpose is not None

    def with_purpose(text: str) -> Policy:
        prose, findings = parse_prose(text, lambda line: Span("x.yaml", line + 1, 1))
        assert findings == []
        return dataclasses.replace(
            english, purpose=dataclasses.replace(english.purpose, text=prose)
        )

    return with_purpose(OLD_LIST), with_purpose(NEW_LIST)


def test_a_reworded_numbered_item_is_one_item_that_keeps_its_number() -> None:
    """Item 2 rewritten is item 2 with its words changed, not a deleted item 2 and an
    inserted one: as two, LibreOffice showed "[2.] … [3.] …" and then "2." for item 3."""
    old, new = reworded_list_pair()
    body = part(redline_of(layout(old, project()), layout(new, project())), "word/document.xml")
    items = [p for p in body.iter(f"{W}p") if p.find(f"{W}pPr/{W}numPr") is not None]
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in items[:3]]
    assert texts == ["Collect the data.", "Publish a short summary online, with the figures.",
                     "Review it."]  # fmt: skip
    # Its old words are tracked deletions inside it, and no paragraph mark is.
    assert "report every year" in "".join(t.text or "" for t in items[1].iter(f"{W}delText"))
    assert not any(p.find(f"{W}pPr/{W}rPr/{W}del") is not None for p in items[:3])


def test_libreoffice_accept_all_and_reject_all_give_the_two_exports(tmp_path: Path) -> None:
    """Writer's own Accept All gives exactly the new export's text, Reject All exactly the
    old one's, lists and numbers included: for the seed against its revision both ways, and
    for every golden diff case against its base, and for the format-2 example's revision."""
    python = require_python_uno()
    require("soffice")
    cases = DATA / "diff"
    base = _load(cases / "base.yaml")
    pairs = [(policy(), draft()), (draft(), policy())]
    pairs += [(base, _load(case)) for case in sorted(cases.glob("*.yaml")) if case.stem != "base"]
    # Format 2: a free section moved, a subsection reworded and one removed, a section added.
    pairs += [table_pair(revision) for revision in TABLE_REVISIONS.values()]
    pairs.append(reworded_list_pair())
    staff = read("policies/personalepolitik.yaml")
    pairs += [(staff, read("tests/data/format2/personalepolitik-revised.yaml"))]
    jobs: list[str] = []
    expected: list[tuple[Path, Path]] = []
    for n, (old, new) in enumerate(pairs):
        old_doc, new_doc = layout(old, project()), layout(new, project())
        files = {name: tmp_path / f"{n}-{name}" for name in ("red.docx", "old.docx", "new.docx")}
        # Without the comments: LibreOffice 7.4 driven through its bridge cannot load a
        # document with comments at all (nor pandoc's); the comments change no tracked
        # change (`test_the_comments_change_nothing_else`), and it converts them fine.
        files["red.docx"].write_bytes(redline_of(old_doc, new_doc, comments=False))
        files["old.docx"].write_bytes(write_docx(old_doc))
        files["new.docx"].write_bytes(write_docx(new_doc))
        for action, source, target in (
            ("accept", "red.docx", "accepted.txt"),
            ("reject", "red.docx", "rejected.txt"),
            ("none", "new.docx", "new.txt"),
            ("none", "old.docx", "old.txt"),
        ):
            jobs += [action, str(files[source]), str(tmp_path / f"{n}-{target}")]
        expected += [
            (tmp_path / f"{n}-accepted.txt", tmp_path / f"{n}-new.txt"),
            (tmp_path / f"{n}-rejected.txt", tmp_path / f"{n}-old.txt"),
        ]
    script = Path(__file__).with_name("libreoffice_changes.py")
    subprocess.run([python, str(script), *jobs], check=True, timeout=600)
    for got, want in expected:
        # The exports have no empty line: each one here is what LibreOffice keeps of a
        # paragraph before a table that is gone (see the module's docstring).
        text, wanted = got.read_text("utf-8"), want.read_text("utf-8")
        assert "\n\n" not in wanted
        redline = (tmp_path / got.name.replace(got.name.split("-", 1)[1], "red.docx")).read_bytes()
        change = "del" if got.name.endswith("accepted.txt") else "ins"
        assert text.count("\n\n") == _stranded(redline, change), got.name
        assert text.replace("\n\n", "\n") == wanted, got.name
    assert (tmp_path / "0-new.txt").read_text("utf-8") != (tmp_path / "0-old.txt").read_text(
        "utf-8"
    )
    assert len(changes((tmp_path / "0-red.docx").read_bytes())) > 10
    # The format-2 pair moves a section with a table, so the allowance above is exercised.
    last = len(pairs) - 1
    assert _stranded((tmp_path / f"{last}-red.docx").read_bytes(), "del") == 1


def _stranded(redline: bytes, change: str) -> int:
    """The tables that go whole when every `change` ("del" on Accept All, "ins" on Reject
    All) is applied, right after a paragraph that goes too: what LibreOffice leaves an
    empty paragraph of."""
    body = part(redline, "word/document.xml").find(f"{W}body")
    count = 0
    for table in body.iter(f"{W}tbl"):
        rows = table.findall(f"{W}tr")
        gone = all(row.find(f"{W}trPr/{W}{change}") is not None for row in rows)
        before = table.getprevious()
        mark = before.find(f"{W}pPr/{W}rPr/{W}{change}") if before is not None else None
        count += gone and mark is not None
    return count


def _load(path: Path) -> Policy:
    from policykit.model.project import Project
    from policykit.reading.reader import read_policy

    read = read_policy(path.read_bytes(), path.name, Project())
    assert read.policy is not None
    return read.policy


@given(st.text(st.sampled_from("ab æ\t\n\r ") | st.characters(blacklist_categories=("Cs", "Cc")),
               max_size=20))  # fmt: skip
def test_a_comment_s_further_paragraph_is_the_one_python_docx_writes(line: str) -> None:
    """The Word redline writes a comment's further paragraphs itself (a tenth of the time):
    the XML python-docx's `Comment.add_paragraph` writes, tabs, breaks and spaces included."""
    import docx

    from policykit.writing.redline_docx import _comment_paragraph

    comments = docx.Document().comments
    theirs = comments.add_comment("first", "policykit", "PK")
    ours = comments.add_comment("first", "policykit", "PK")
    theirs.add_paragraph(line)
    _comment_paragraph(ours._comment_elm, line)
    assert etree.tostring(theirs._comment_elm[-1]) == etree.tostring(ours._comment_elm[-1])


# The paragraphs a body may hold, as `_Version.read_properties` must read them: with no
# properties, empty ones, properties of several elements, a tracked change of properties
# (a `w:pPr` inside the `w:pPr`), attributes, text that looks like a tag, other tags that
# begin with `w:p`, and a table.
_PARAGRAPHS = [
    "<w:p/>",
    '<w:p w:rsidR="00A1"/>',
    "<w:p><w:r><w:t>no properties &lt;w:p&gt;&lt;w:pPr&gt;</w:t></w:r></w:p>",
    "<w:p><w:pPr/><w:r><w:t>a</w:t></w:r></w:p>",
    '<w:p><w:proofErr w:type="spellStart"/><w:r><w:ptab w:alignment="right"/></w:r></w:p>',
    '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>b</w:t></w:r></w:p>',
    '<w:p w:rsidR="00A1"><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:ilvl w:val="0"/>'
    '<w:numId w:val="3"/></w:numPr><w:rPr><w:b/></w:rPr></w:pPr></w:p>',
    '<w:p><w:pPr><w:jc w:val="center"/><w:pPrChange w:id="1" w:author="a"><w:pPr>'
    '<w:jc w:val="left"/></w:pPr></w:pPrChange></w:pPr></w:p>',
    '<w:tbl><w:tr><w:tc><w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p><w:p/></w:tc>'
    "</w:tr></w:tbl>",
]


@given(st.lists(st.sampled_from(_PARAGRAPHS), max_size=12), st.sampled_from(["w", "x"]))
def test_each_paragraph_s_properties_are_read_from_one_serialization(
    paragraphs: list[str], prefix: str
) -> None:
    """Each paragraph's properties are the bytes its `w:pPr` has alone, less the namespace
    declaration; a paragraph whose properties hold a tracked change, and every paragraph
    of a body with another prefix, is left to be serialized alone; and the shape of each is
    the one made from its own serialization."""
    from policykit.writing.redline_docx import _Version

    xml = "".join(paragraphs).replace("w:", f"{prefix}:")
    body = etree.fromstring(
        f'<{prefix}:body xmlns:{prefix}="{W[1:-1]}">{xml}</{prefix}:body>'.encode()
    )
    read = _Version(body, None, None)
    read.read_properties(body)
    alone = _Version(body, None, None)
    for p in body.iter(f"{W}p"):
        properties = p.find(f"{W}pPr")
        if properties is None:
            assert p not in read._properties
            continue
        own = re.sub(rb' xmlns:\w+="[^"]*"', b"", etree.tostring(properties))
        changed = properties.find(f"{W}pPrChange") is not None
        if prefix == "w" and not changed:
            assert read._properties[p] == own
        else:
            assert p not in read._properties
        assert read.shape(p, properties) == alone.shape(p, properties)
