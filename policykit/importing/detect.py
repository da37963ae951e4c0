"""Which format a file is, from its content (the extension only breaks a tie between
Markdown and plain text), and text decoded as old Danish files are encoded.
"""

from __future__ import annotations

import io
import re
import zipfile

from policykit.diagnostics.errors import UsageError

FORMATS = ("txt", "md", "html", "docx", "pdf")

_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]|<(div|p|h[1-6])[\s>]", re.I)
_MARKDOWN = re.compile(
    r"^(#{1,6}\s+\S|\s{0,3}[-*+]\s+\S.*\n\s{0,3}[-*+]\s+\S|.*\*\*\S.*\*\*|.*\[[^\]]+\]\([^)]+\)|"
    r"\|.*\|\s*\n\|?\s*:?-{3,})",
    re.M,
)
_SETEXT = re.compile(r"^\S.*\n(=+|-{3,})\s*$", re.M)


class UnreadableError(UsageError):
    """A source that cannot be imported: its format, its encoding or its structure."""


def detect(data: bytes, name: str) -> str:
    """The format of `data`: docx and pdf by their signatures, HTML by its tags, Markdown
    by its markup, else plain text."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    # The first 64 KB tell; a character cut in two at the end is only replaced.
    text = data[:65_536].decode("utf-8", errors="replace")
    if _HTML.search(text[:4096]):
        return "html"
    if (
        name.lower().endswith((".md", ".markdown"))
        or _MARKDOWN.search(text)
        or _SETEXT.search(text)
    ):
        return "md"
    return "txt"


def _zip_format(data: bytes, name: str) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as error:
        raise UnreadableError(f"{name}: a broken zip file ({error})") from None
    if "word/document.xml" in names:
        return "docx"
    raise UnreadableError(
        f"{name}: a zip file that is not a Word document",
        hint="import reads .docx, .pdf, .html, .md and .txt files",
    )


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without a byte-order mark), UTF-16 with one, else
    Windows-1252 or Latin-1, which old Danish files use. They differ only in bytes 0x80 to
    0x9F, which Windows-1252 gives letters and punctuation (“”–…) and Latin-1 control
    characters, so a file with those bytes is read as Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UnreadableError(f"{name}: binary data, not text in any encoding import knows")
    if re.search(rb"[\x80-\x9f]", data):
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"
