"""The project file, `policykit.yaml`: what all of an organisation's policies share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

from policykit.model.electoral import DANISH_MUNICIPAL, ElectoralCalendar

PROJECT_FILE = "policykit.yaml"
#: The folder of a project's policies, which commands read when no paths are given.
POLICIES_FOLDER = "policies"
#: The folder of proposed revisions of policies in force, beside them: `policies/drafts/`.
DRAFTS_FOLDER = "drafts"
#: What a draft revision's exports add to its policy's id: `<id>-draft.html`.
DRAFT_SUFFIX = "-draft"
#: The folder commands write to when no output is given, in the project's root.
EXPORTS_FOLDER = "exports"
DEFAULT_LIX_THRESHOLD = 55.0
DEFAULT_MAX_FILE_SIZE = 5_000_000
DEFAULT_LIX_MIN_SENTENCES = 3
#: A policy of fewer numbered sections gets a PDF without a contents list.
DEFAULT_CONTENTS_MIN_SECTIONS = 6
#: A policy of fewer words gets a PDF without a title page of its own: about a page of text.
DEFAULT_TITLE_PAGE_MIN_WORDS = 500


@dataclass(frozen=True, slots=True)
class Organisation:
    """The council or body that publishes the policies, as exports show it."""

    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    web: str | None = None


#: A rule's level in `lint.rules`: `off`, or the severity it is reported with.
RuleLevel = Literal["off", "warning", "error"]


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """One rule's entry in `lint.rules`, as yamllint and Vale allow: its level (None for the
    rule's own), and the files it is not checked in (patterns matched from the right, as
    `pathlib` does: `personalepolitik.yaml` or `policies/drafts/*.yaml`)."""

    level: RuleLevel | None = None
    ignore: tuple[str, ...] = ()

    def applies_to(self, file: str) -> bool:
        path = PurePosixPath(file)
        return not any(path.match(pattern) for pattern in self.ignore)


@dataclass(frozen=True, slots=True)
class LintOptions:
    """The project's settings for the checks: thresholds and limits."""

    lix_threshold: float = DEFAULT_LIX_THRESHOLD
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    #: The LIX threshold by language, where it differs from `lix_threshold`.
    lix_thresholds: Mapping[str, float] = field(default_factory=dict)
    #: A section of fewer sentences is too short for LIX to mean much, and is not reported.
    lix_min_sentences: int = DEFAULT_LIX_MIN_SENTENCES
    #: Each configured rule's setting, by code (`PK401`).
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)

    def threshold(self, language: str) -> float:
        return self.lix_thresholds.get(language, self.lix_threshold)


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
    #: `pdf.contents_min_sections` and `pdf.title_page_min_words`: see the defaults.
    contents_min_sections: int = DEFAULT_CONTENTS_MIN_SECTIONS
    title_page_min_words: int = DEFAULT_TITLE_PAGE_MIN_WORDS
    #: The body that decides on policies, by language (`body:`); a single name applies to
    #: every language.
    bodies: Mapping[str, str] = field(default_factory=dict)
    #: The name given for every language, when `body:` is one name.
    body_name: str | None = None

    def body(self, language: str) -> str | None:
        """The body that decides on a policy in `language`, as the project file names it."""
        return self.bodies.get(language, self.body_name)
