"""The PDF writer: WeasyPrint renders the HTML writer's page with a paged-media stylesheet.

The result is A4 with a title page, a table of contents with page numbers, running header
and footer, bookmarks from the headings, document metadata, and tags (PDF/UA-1 by default;
PDF/A variants for the archive). WeasyPrint may fetch nothing: the HTML carries its CSS and
logo inline, so the URL fetcher admits `data:` URLs only and stops the render on anything
else, rather than quietly leaving a hole where a template pointed at a file or a server.
"""

from __future__ import annotations

from typing import Any

from policykit.diagnostics.errors import PolicykitError
from policykit.writing.html import write_html
from policykit.writing.layout import Document
from policykit.writing.templating import source

PRINT_STYLESHEET = "print.css"


class ForbiddenResourceError(PolicykitError):
    """A template or logo asked the PDF renderer to fetch something."""


def write_pdf(document: Document) -> bytes:
    return html_to_pdf(page_to_print(document), document)


def page_to_print(document: Document) -> str:
    """The HTML writer's page of the policy, as it is printed (`html_to_pdf`)."""
    return write_html(document, for_print=True)


def ready() -> None:
    """WeasyPrint loaded, which takes 0.7 s: a pool's worker does it while the policies are
    still being checked. (A first page rendered as well would take 0.07 s to save 0.03 s of
    the next.)"""
    import weasyprint  # noqa: F401

    from policykit.writing import pydyf_patch

    pydyf_patch.apply()


def html_to_pdf(page: str, document: Document) -> bytes:
    """A page from one of the HTML writers, printed; `document` gives its labels,
    metadata and options."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from policykit.writing import pydyf_patch

    pydyf_patch.apply()

    fetcher = _data_only_fetcher()
    try:
        html = HTML(
            string=print_page(page, document),
            url_fetcher=fetcher,
            base_url="data:,",
        )
        return bytes(
            html.write_pdf(
                pdf_variant=document.options.pdf_variant,
                pdf_tags=True,
                # An identifier derived from the policy, not the clock: same input, same bytes.
                pdf_identifier=_identifier(document),
                custom_metadata=True,
            )
        )
    # FatalURLFetchingError is a BaseException, so `except Exception` would miss it.
    except FatalURLFetchingError as error:
        raise ForbiddenResourceError(
            f"the PDF would fetch {error}; exports may not load files or URLs",
            hint="embed the resource in the template, or use `branding.logo` for a logo",
        ) from None


def print_page(html: str, document: Document) -> str:
    """The page with the paged-media stylesheet added last, so that it wins the cascade.
    (Passed to WeasyPrint as a user stylesheet instead, it would lose to the page's own.)"""
    page_css = _page_label_css(document) + source(PRINT_STYLESHEET, document.options.templates)
    return html.replace("</head>", f"<style>\n{page_css}</style>\n</head>", 1)


def _page_label_css(document: Document) -> str:
    # "side {page} af {pages}" → "side " counter(page) " af " counter(pages)
    label = document.locale["page_x_of_y"]
    parts = []
    for piece in label.replace("{pages}", "\0pages\0").replace("{page}", "\0page\0").split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append('"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return f":root {{ --page-label: {' '.join(parts)}; }}\n"


def _identifier(document: Document) -> bytes:
    import hashlib

    policy = document.policy
    seed = f"{policy.id}\0{policy.version}\0{policy.status}\0{document.modified}"
    return hashlib.md5(seed.encode("utf-8"), usedforsecurity=False).hexdigest().encode()


def _data_only_fetcher() -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise FatalURLFetchingError(url)
            return super().fetch(url, headers)

    return DataOnlyFetcher()
