"""The package: the template opened (python-docx's own, or the user's reference document),
its page set up, and the zip written so that the same document gives the same bytes."""

from __future__ import annotations

import copy
import io
import zipfile
from functools import cache
from typing import TYPE_CHECKING, Any

from policykit.diagnostics.errors import PolicykitError
from policykit.writing.docx.ooxml import R_NS, W_NS, child, get, w

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.section import Section

#: The timestamp of every zip entry: the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: A4 with 2.5 cm margins, in twentieths of a point, for the packaged template; a reference
#: document keeps its own page.
A4 = (11906, 16838)
MARGIN = 1418
#: docProps/app.xml: python-docx's template names Word for the Mac as the application.
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"><Application>policykit</Application><DocSecurity>0</DocSecurity>'
    b"</Properties>"
)


class ReferenceDocxError(PolicykitError):
    """The template folder's reference.docx cannot be read as a Word document."""


@cache
def _default_template() -> WordDocument:
    """python-docx's template without its extras, parsed once a process: each document is
    a copy of it, a third cheaper than parsing its 29 parts again."""
    import docx

    word = docx.Document()
    _drop_template_extras(word)
    return word


def ready() -> None:
    """python-docx loaded and its template parsed, in a pool's worker before its first
    document."""
    from policykit.writing import docx_patch

    docx_patch.apply()
    _default_template()


def open_template(reference: bytes | None) -> WordDocument:
    """python-docx's template without its extras, or the user's reference document."""
    import docx

    from policykit.writing import docx_patch

    docx_patch.apply()

    if reference is None:
        return copy.deepcopy(_default_template())
    _check_sizes(reference)
    try:
        word = docx.Document(io.BytesIO(reference))
    except Exception as error:  # python-docx raises several kinds for a bad package
        raise ReferenceDocxError(
            f"reference.docx is not a Word document ({error})",
            hint="save reference.docx from Word or LibreOffice as a Word document (.docx)",
        ) from None
    _keep_only_the_look(word)
    return word


#: No part of a reference document is larger than this, nor all of them together.
MAX_PART = 20_000_000
MAX_PARTS = 60_000_000


def _check_sizes(reference: bytes) -> None:
    """Before python-docx reads every part into memory: a reference document of 3 MB may
    hold a part of 3 GB."""
    try:
        with zipfile.ZipFile(io.BytesIO(reference)) as package:
            sizes = [info.file_size for info in package.infolist()]
    except zipfile.BadZipFile:
        raise ReferenceDocxError(
            "reference.docx is not a Word document (not a zip package)",
            hint="save reference.docx from Word or LibreOffice as a Word document (.docx)",
        ) from None
    if max(sizes, default=0) > MAX_PART or sum(sizes) > MAX_PARTS:
        raise ReferenceDocxError(
            f"reference.docx unpacks to {sum(sizes):,} bytes, beyond the limit of "
            f"{MAX_PARTS:,} (or a part beyond {MAX_PART:,})",
            hint="a reference document needs only its styles; save an empty one from Word",
        )


def _keep_only_the_look(word: WordDocument) -> None:
    """Of a reference document, only what makes the look: styles, numbering, theme, fonts,
    settings, headers and footers (and their images). Its body is replaced, and everything
    else goes: every external relationship (a remote `attachedTemplate`, Word's template
    injection), the thumbnail, customXml, comments, glossary and macros."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    look = {RT.STYLES, RT.NUMBERING, RT.THEME, RT.FONT_TABLE, RT.SETTINGS, RT.WEB_SETTINGS,
            RT.HEADER, RT.FOOTER}  # fmt: skip
    package = {RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES, RT.EXTENDED_PROPERTIES}
    _keep(word.part.package.rels, package)
    _keep(word.part.rels, look)
    for part in word.part.package.iter_parts():
        for rid, rel in list(part.rels.items()):
            if rel.is_external:
                _unlink(part, rid)
                del part.rels[rid]
    settings = word.settings.element
    for element in settings.findall(f"{{{W_NS}}}attachedTemplate"):
        settings.remove(element)


def _keep(rels: Any, kinds: set[str]) -> None:
    for rid, rel in list(rels.items()):
        if rel.reltype not in kinds or rel.is_external:
            del rels[rid]


def _unlink(part: Any, rid: str) -> None:
    """What in a kept part (a header, say) refers to an external relationship that goes: a
    hyperlink keeps its text, a linked image or other reference loses the reference."""
    element = getattr(part, "element", None)
    if element is None:
        return
    for node in list(element.iter()):
        if node.tag == f"{{{W_NS}}}hyperlink" and node.get(f"{{{R_NS}}}id") == rid:
            for run in list(node):
                node.addprevious(run)
            node.getparent().remove(node)
            continue
        for name, value in list(node.attrib.items()):
            if value == rid and name.startswith(f"{{{R_NS}}}"):
                del node.attrib[name]


def page_setup(section: BaseOxmlElement) -> None:
    """A4, for the packaged template: in the body's section properties."""
    for element in list(section):
        if element.tag in (f"{{{W_NS}}}pgSz", f"{{{W_NS}}}pgMar"):
            section.remove(element)
    margins = w("pgMar")
    for side in ("top", "right", "bottom", "left"):
        margins.set(f"{{{W_NS}}}{side}", str(MARGIN))
    for name, value in (("header", "709"), ("footer", "709"), ("gutter", "0")):
        margins.set(f"{{{W_NS}}}{name}", value)
    section.insert(0, margins)
    section.insert(0, w("pgSz", w=str(A4[0]), h=str(A4[1])))


def only_section(word: WordDocument) -> Section:
    """The document's one section, whose properties end its body: every document policykit
    writes has one (`DocxWriter.begin` keeps only the template's last `w:sectPr`).
    python-docx's `sections[0]` looks for others in every paragraph: 8 ms each time in the
    benchmark's redline."""
    from docx.section import Section

    return Section(word.element.body.get_or_add_sectPr(), word.part)


def text_width(section: BaseOxmlElement) -> int:
    """The width between the margins, in twentieths of a point."""
    size = child(section, "pgSz")
    margins = child(section, "pgMar")
    width = int(get(size, "w", str(A4[0]))) if size is not None else A4[0]
    if margins is None:
        return width - 2 * MARGIN
    return width - int(get(margins, "left", "0")) - int(get(margins, "right", "0"))


def _drop_template_extras(word: WordDocument) -> None:
    """python-docx's template carries a thumbnail of an empty page, a customXml item, and a
    second copy of its styles for Word 2010. A policy needs none of them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    unwanted = {
        RT.THUMBNAIL,
        RT.CUSTOM_XML,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
    for rels in (word.part.package.rels, word.part.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in unwanted:
                del rels[rid]


_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
#: The format id that Word and LibreOffice give user-defined document properties.
_USER_PROPERTIES = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def escaped(text: str) -> str:
    """`text` for XML character data: `xml.sax.saxutils.escape`, whose module would import
    `urllib.request` (11 ms of a worker's first Word document)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(text: str) -> str:
    """`text` as a quoted XML attribute value, as `xml.sax.saxutils.quoteattr` writes it
    (see `escaped`): in double quotes, or in single ones if it holds a double quote and no
    single one."""
    text = escaped(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def with_custom_properties(
    entries: dict[str, bytes], properties: list[tuple[str, str]]
) -> dict[str, bytes]:
    """The package's parts with `docProps/custom.xml` holding `properties` as text (Word's
    File › Properties › Custom; LibreOffice's user-defined properties, which a re-save
    keeps)."""
    if not properties:
        return entries
    items = "".join(
        f'<property fmtid="{_USER_PROPERTIES}" pid="{pid}" name={quoted(name)}>'
        f"<vt:lpwstr>{escaped(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties, start=2)
    )
    custom = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes">{items}</Properties>'
    ).encode()
    entries = dict(entries)
    entries["docProps/custom.xml"] = custom
    override = f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/>'
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>", f"{override}</Types>".encode()
    )
    entries["_rels/.rels"] = entries["_rels/.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdPolicykit" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/>'
        "</Relationships>".encode(),
    )
    return entries


def package_parts(word: WordDocument) -> dict[str, bytes]:
    """The document's package as its zip entries, as python-docx's `save` would write them
    (`OpcPackage.save` and `PackageWriter`, python-docx 1.2), without writing a zip only to
    read it again. The Word goldens, and the reproducibility tests, hold it to the same
    bytes."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI

    package = word.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries = {
        CONTENT_TYPES_URI.membername: _content_types(parts),
        PACKAGE_URI.rels_uri.membername: package.rels.xml,
    }
    for part in parts:
        entries[part.partname.membername] = part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return entries


def release(word: WordDocument) -> None:
    """Once a document is written: its package's parts and the package point at each other
    (a part knows its package, the package's relationships its parts), a cycle that holds
    every part's XML tree until a full collection, which in a long batch is rare. Its
    relationships are emptied, so that the tree goes as the document does (tested:
    writing leaves no garbage)."""
    package = word.part.package
    for part in list(package.iter_parts()):
        _empty(part.rels)
    _empty(package.rels)


def _empty(rels: Any) -> None:
    rels.clear()
    rels._target_parts_by_rId.clear()  # python-docx's second index of the same targets


def _content_types(parts: list[Any]) -> bytes:
    from docx.opc.pkgwriter import _ContentTypesItem

    build: Any = _ContentTypesItem.from_parts  # untyped in python-docx
    return bytes(build(parts).blob)


def reproducible_zip(entries: dict[str, bytes]) -> bytes:
    """The package's entries zipped with fixed timestamps and attributes, in a fixed entry
    order ([Content_Types].xml first, as Office writes it), so equal input gives equal
    bytes."""
    entries = dict(entries)
    if "docProps/app.xml" in entries:
        entries["docProps/app.xml"] = APP_XML
    first = ["[Content_Types].xml", "_rels/.rels"]
    names = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
