"""The project file, `policykit.yaml`: what all of an organisation's policies share."""

from __future__ import annotations

from dataclasses import dataclass, field

from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar

PROJECT_FILE = "policykit.yaml"
#: The folder of a project's policies, which commands read when no paths are given.
POLICIES_FOLDER = "policies"
#: The folder of proposed revisions of policies in force, beside them: `policies/drafts/`.
DRAFTS_FOLDER = "drafts"
#: The folder commands write to when no output is given, in the project's root.
EXPORTS_FOLDER = "exports"
DEFAULT_LIX_THRESHOLD = 55.0
DEFAULT_MAX_FILE_SIZE = 5_000_000


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    web: str | None = None


@dataclass(frozen=True, slots=True)
class LintOptions:
    lix_threshold: float = DEFAULT_LIX_THRESHOLD
    max_file_size: int = DEFAULT_MAX_FILE_SIZE


@dataclass(frozen=True, slots=True)
class BrandingSettings:
    """`branding:` as written; the export edge reads the logo file."""

    logo: str | None = None
    primary_color: str | None = None
    font_family: str | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """Shared settings. A repository without `policykit.yaml` gets these defaults."""

    organisation: Organisation | None = None
    language: str = "da"
    lint: LintOptions = field(default_factory=LintOptions)
    branding: BrandingSettings = field(default_factory=BrandingSettings)
    #: The council's terms, for `interval: electoral-period`.
    electoral_calendar: ElectoralCalendar = DANISH_MUNICIPAL
    #: The project file's path, or None when the defaults are in use.
    path: str | None = None
