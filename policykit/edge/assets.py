"""What an export reads besides the policy: the logo and the user's template folder.

The writers are pure and take these as bytes and text in `ExportOptions`; this is where they
are read, and where a logo is kept inside the repository.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from policykit.checking.shelf import Card
from policykit.diagnostics.errors import UsageError
from policykit.edge.files import display_path, read_limited
from policykit.edge.workspace import policy_titles
from policykit.model.project import Project
from policykit.writing.layout import (
    TEMPLATE_NAMES,
    Branding,
    ExportOptions,
    Templates,
    with_policies,
)

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
REFERENCE_DOCX = "reference.docx"


class ExportError(UsageError):
    """An export cannot be made as asked (a logo outside the repository, say)."""


def export_options(
    project: Project,
    root: Path,
    template_dir: Path | None = None,
    pdf_variant: str = "pdf/ua-1",
    known: Sequence[Card] = (),
    digests: Mapping[str, str] | None = None,
) -> ExportOptions:
    """Read the logo and the template folder that the options name, and the titles of the
    project's policies, which links between policies are shown with (`known`: the cards of
    the policies the command has read already)."""
    settings = project.branding
    defaults = Branding()
    logo, media_type = _logo(settings.logo, root) if settings.logo else (None, None)
    branding = Branding(
        primary_color=settings.primary_color or defaults.primary_color,
        font_family=settings.font_family or defaults.font_family,
        logo=logo,
        logo_media_type=media_type,
    )
    templates = _templates(template_dir) if template_dir else Templates()
    options = ExportOptions(
        branding=branding,
        templates=templates,
        pdf_variant=pdf_variant,
        contents_min_sections=project.contents_min_sections,
        title_page_min_words=project.title_page_min_words,
        digests=tuple(sorted((digests or {}).items())),
    )
    return with_policies(options, policy_titles(root, known))


def _logo(reference: str, root: Path) -> tuple[bytes, str]:
    """The logo's bytes: a file inside the repository, never a URL or a path that leaves it."""
    if "://" in reference or reference.startswith(("file:", "data:", "http:", "https:")):
        raise ExportError(
            f"the logo `{reference}` is a URL; policykit reads logos from the repository only",
            hint="save the logo in the repository and give its path, such as assets/logo.svg",
        )
    base = root.resolve()
    path = (base / reference).resolve()
    if not path.is_relative_to(base):
        raise ExportError(
            f"the logo `{reference}` lies outside the repository ({base})",
            hint="keep the logo inside the repository, such as assets/logo.svg",
        )
    media_type = LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ExportError(f"the logo `{reference}` is not an SVG or PNG file")
    data = _read(base / reference, base, f"the logo `{reference}`")
    if media_type == "image/png":
        _check_png(data, reference)
    return data, media_type


def _check_png(data: bytes, reference: str) -> None:
    """A PNG checked once, when it is read, by the library that reads it for Word (whose own
    error names neither file nor cause) and by Pillow's checksums, which find a truncated or
    damaged file."""
    from docx.image.exceptions import (
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
    )
    from docx.image.image import Image as WordImage
    from PIL import Image

    try:
        WordImage.from_blob(data)
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise ValueError(f"it holds {image.format}, not PNG")
            image.verify()
    except (
        OSError,  # Pillow's, UnidentifiedImageError among them
        ValueError,
        SyntaxError,  # Pillow's word for a damaged chunk
        InvalidImageStreamError,
        UnexpectedEndOfFileError,
        UnrecognizedImageError,
    ) as error:
        cause = str(error) or type(error).__name__
        raise ExportError(
            f"the logo `{reference}` is not a readable PNG image: {cause}",
            hint="save the logo again as PNG (or SVG) in an image editor",
        ) from None


def _templates(folder: Path) -> Templates:
    """The template folder's files: any of the packaged templates and stylesheets, and a
    reference.docx for Word."""
    if not folder.is_dir():
        raise ExportError(f"the template folder {folder} does not exist")
    texts = {
        name: _text(_read(folder / name, folder, f"the template {name}"), folder / name)
        for name in TEMPLATE_NAMES
        if (folder / name).exists()
    }
    reference = folder / REFERENCE_DOCX
    if not texts and not reference.exists():
        raise ExportError(
            f"the template folder {folder} holds none of the files a template folder may hold",
            hint=f"add any of {', '.join(TEMPLATE_NAMES)} or {REFERENCE_DOCX}",
        )
    return Templates(
        html=texts.pop("policy.html.j2", None),
        css=texts.pop("policy.css", None),
        reference_docx=_read(reference, folder, REFERENCE_DOCX) if reference.exists() else None,
        files=tuple(sorted(texts.items())),
    )


#: No logo, template or reference document is larger than this.
MAX_ASSET_SIZE = 10_000_000


def _read(path: Path, within: Path, what: str) -> bytes:
    """An asset's bytes: a regular file inside `within`, of at most MAX_ASSET_SIZE bytes."""
    try:
        data = read_limited(path, MAX_ASSET_SIZE, within=within)
    except OSError as error:
        raise ExportError(
            f"cannot read {what}: {error.strerror or error}",
            hint=getattr(error, "hint", "check that the file exists and that you may read it"),
        ) from None
    if len(data) > MAX_ASSET_SIZE:
        raise ExportError(f"{what} is larger than the limit of {MAX_ASSET_SIZE:,} bytes")
    return data


def _text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExportError(f"the template {display_path(path)} is not UTF-8 text") from None
