"""Edits to a Word export, made the way Word makes them: on the package's `document.xml`
with lxml, either as plain edits or as tracked changes (`w:ins`, `w:del`, a deleted or
inserted paragraph mark) by one author at one time, and comments in `comments.xml`.

An edit set is a function of an `Editor`; `edited(docx, edits, tracked)` gives the file.
New paragraphs copy the properties of the paragraph they are made from, as pressing Enter
does in Word, but not its bookmarks, which stay where they were.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
AUTHOR, DATE = "Anne Hansen", "2026-11-30T10:00:00Z"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def text_of(p: Any) -> str:
    """A paragraph's text, as it reads with every tracked change accepted."""
    texts = p.iter(w("t"))
    return "".join(t.text or "" for t in texts if w("del") not in _ancestors(t))


def _ancestors(node: Any) -> set[str]:
    return {a.tag for a in node.iterancestors()}


class Editor:
    def __init__(self, root: Any, *, tracked: bool) -> None:
        self.root = root
        self.body = root.find(w("body"))
        self.tracked = tracked
        self.ids = 9000
        self.comments: list[tuple[str, str, str]] = []  # (id, author, text)
        self.images: list[str] = []

    def _change(self, kind: str) -> Any:
        self.ids += 1
        attributes = {w("id"): str(self.ids), w("author"): AUTHOR, w("date"): DATE}
        return etree.Element(w(kind), attributes)

    def find(self, start: str, *, contents: bool = False) -> Any:
        """The one paragraph of the body whose text starts with `start`: outside the table
        of contents, or with `contents` in it."""
        found = [
            p
            for p in self.body.iter(w("p"))
            if text_of(p).startswith(start) and _in_contents(p) == contents
        ]
        assert len(found) == 1, (start, len(found))
        return found[0]

    def _run(self, text: str, deleted: bool = False) -> Any:
        run = etree.Element(w("r"))
        etree.SubElement(run, w("delText" if deleted else "t"), {
            "{http://www.w3.org/XML/1998/namespace}space": "preserve"}).text = text  # fmt: skip
        return run

    def replace(self, start: str, old: str, new: str) -> None:
        """`old` → `new` inside one run of the paragraph that starts with `start`."""
        p = self.find(start)
        for t in p.iter(w("t")):
            if t.text and old in t.text:
                break
        else:
            raise AssertionError(f"{old!r} not in {start!r}")
        run = t.getparent()
        before, after = t.text.split(old, 1)
        if not self.tracked:
            t.text = before + new + after
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            return
        pieces: list[Any] = []
        if before:
            pieces.append(self._clone(run, before))
        if old:
            deleted = self._change("del")
            deleted.append(self._clone(run, old, deleted=True))
            pieces.append(deleted)
        if new:
            inserted = self._change("ins")
            inserted.append(self._clone(run, new))
            pieces.append(inserted)
        if after:
            pieces.append(self._clone(run, after))
        for piece in pieces:
            run.addprevious(piece)
        run.getparent().remove(run)

    def _clone(self, run: Any, text: str, deleted: bool = False) -> Any:
        out = etree.Element(w("r"))
        rpr = run.find(w("rPr"))
        if rpr is not None:
            out.append(copy.deepcopy(rpr))
        out.append(self._run(text, deleted)[0])
        return out

    def delete(self, start: str) -> None:
        """Delete a whole paragraph: its words and its mark."""
        self._delete(self.find(start))

    def _delete(self, p: Any) -> None:
        if not self.tracked:
            p.getparent().remove(p)
            return
        self._wrap(p, "del")

    def delete_section(self, heading: str) -> None:
        for p in self.section(heading):
            self._delete(p)

    def insert_after(self, start: str, text: str, *, like: str | None = None,
                     style: str | None = None) -> Any:  # fmt: skip
        """A new paragraph after the one that starts with `start`, with the properties of
        the one that starts with `like` (default: the same), or in `style`."""
        anchor = self.find(start)
        return self._insert(anchor, text, self.find(like) if like else anchor, style)

    def _insert(self, anchor: Any, text: str, like: Any, style: str | None) -> Any:
        p = etree.Element(w("p"))
        ppr = copy.deepcopy(like.find(w("pPr")))
        for old in ppr.findall(w("rPr")):
            ppr.remove(old)
        if style is not None:
            for old in ppr:
                ppr.remove(old)
            etree.SubElement(ppr, w("pStyle"), {w("val"): style})
        p.append(ppr)
        if self.tracked:
            etree.SubElement(ppr, w("rPr")).append(self._change("ins"))
            inserted = self._change("ins")
            inserted.append(self._run(text))
            p.append(inserted)
        else:
            p.append(self._run(text))
        anchor.addnext(p)
        return p

    def section(self, heading: str) -> list[Any]:
        """A Heading 1 paragraph and the body elements after it, up to the next heading
        of level 1 or a closing heading."""
        start = self.find(heading)
        out = [start]
        for element in start.itersiblings():
            style = element.find(f"{w('pPr')}/{w('pStyle')}")
            name = style.get(w("val")) if style is not None else ""
            if element.tag == w("sectPr") or name in ("Heading1", "ClosingHeading"):
                break
            out.append(element)
        return out

    def move_section(self, heading: str, before: str) -> None:
        """Cut a section whole and paste it before another heading. Tracked, as Word tracks
        a move: the text stays where it was inside `w:moveFrom`, and its copy, with the
        bookmarks, stands at the new place inside `w:moveTo`."""
        moving = self.section(heading)
        target = self.find(before)
        for element in moving:
            if not self.tracked:
                target.addprevious(element)
                continue
            moved = copy.deepcopy(element)
            for mark in element.iter(w("bookmarkStart"), w("bookmarkEnd")):
                mark.getparent().remove(mark)
            self._wrap(element, "moveFrom")
            self._wrap(moved, "moveTo")
            target.addprevious(moved)

    def _wrap(self, p: Any, kind: str) -> None:
        """Every run of `p`, and its mark, inside one tracked change of `kind`."""
        for run in list(p.iter(w("r"))):
            if any(a.tag in (w("del"), w("moveFrom")) for a in run.iterancestors()):
                continue  # deleted already
            wrapper = self._change(kind)
            run.addprevious(wrapper)
            wrapper.append(run)
            if kind in ("del", "moveFrom"):
                for t in run.iter(w("t")):
                    t.tag = w("delText")
        ppr = p.find(w("pPr"))
        rpr = ppr.find(w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(ppr, w("rPr"))
        rpr.append(self._change(kind))

    def comment(self, start: str, text: str, author: str = "Bo Jensen") -> None:
        p = self.find(start)
        ident = str(len(self.comments))
        p.insert(1, etree.Element(w("commentRangeStart"), {w("id"): ident}))
        p.append(etree.Element(w("commentRangeEnd"), {w("id"): ident}))
        reference = etree.SubElement(p, w("r"))
        etree.SubElement(reference, w("commentReference"), {w("id"): ident})
        self.comments.append((ident, author, text))

    def image(self, start: str) -> None:
        """A picture at the end of the paragraph, inserted by python-docx as Word inserts
        one (a `w:drawing` with its image part), once the other edits are made."""
        self.images.append(start)


def _in_contents(p: Any) -> bool:
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    return style is not None and (style.get(w("val")) or "").startswith("TOC")


Edits = Callable[[Editor], None]


def edited(docx: bytes, edits: Edits, *, tracked: bool) -> bytes:
    """The Word file with `edits` made, tracked or not."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    root = etree.fromstring(source.read("word/document.xml"))
    editor = Editor(root, tracked=tracked)
    edits(editor)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)  # fmt: skip
            elif editor.comments and name == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
                    b"</Relationships>"))  # fmt: skip
            elif editor.comments and name == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/word/comments.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>'
                ))  # fmt: skip
            target.writestr(name, data)
        if editor.comments:
            target.writestr("word/comments.xml", _comments(editor.comments))
    return _with_images(out.getvalue(), editor.images)


def _with_images(docx: bytes, paragraphs: list[str]) -> bytes:
    if not paragraphs:
        return docx
    import docx as python_docx
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(picture, "PNG")
    document = python_docx.Document(io.BytesIO(docx))
    for start in paragraphs:
        (paragraph,) = [p for p in document.paragraphs if p.text.startswith(start)]
        picture.seek(0)
        paragraph.add_run().add_picture(picture)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _comments(comments: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f'<w:comment w:id="{ident}" w:author="{author}" w:date="{DATE}"><w:p><w:r><w:t>'
        f"{text}</w:t></w:r></w:p></w:comment>"
        for ident, author, text in comments
    )
    return f'<w:comments xmlns:w="{W_NS}">{body}</w:comments>'
