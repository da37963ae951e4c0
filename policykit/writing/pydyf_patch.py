"""A fix for pydyf 0.13.0, which WeasyPrint 70 writes its PDFs with: `PDF.page_references`
builds the tuple of every page's reference anew on each call, and WeasyPrint's tagging asks
for it once per tagged element. A 372-page redline made 45,900 calls, each walking the page
list: 13 of its 14 seconds of tagging (docs/performance.md).

The fix keeps the tuple until a page is added, which gives the same references, so the PDF
keeps every byte (a test checks both, and another fails once pydyf caches it itself, when
this module should go). `apply` installs it once, before WeasyPrint writes.
"""

from __future__ import annotations

from typing import Any

#: The pydyf release this fixes.
FIXES = "0.13.0"
_KEY = "_policykit_page_references"


#: pydyf's own property, as it was before `apply` (None until then).
original: property | None = None


def apply() -> None:
    global original
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if getattr(current, "fget", None) is _page_references:
        return
    original = current
    pydyf.PDF.page_references = property(_page_references)


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get(_KEY)
    if kept is not None and kept[0] is kids and kept[1] == len(kids):
        return kept[2]  # type: ignore[no-any-return]
    references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
    pdf.__dict__[_KEY] = (kids, len(kids), references)
    return references
