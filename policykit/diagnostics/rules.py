"""Every rule a finding can come from, with its stable code and default severity.

Codes never change meaning once published: tools and `# noqa`-style filters depend on them.
Each rule is documented in `docs/rules.md`; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    """A check's rule: its code (PK101), name, severity and one-line summary."""

    code: str
    name: str
    severity: Severity
    summary: str


E, W = Severity.ERROR, Severity.WARNING

# --- reading the file (PK0xx) ---
UNREADABLE_FILE = Rule("PK001", "unreadable-file", E, "The file cannot be read.")
FILE_TOO_LARGE = Rule("PK002", "file-too-large", E, "The file is larger than the size limit.")
INVALID_ENCODING = Rule("PK003", "invalid-encoding", E, "The file is not valid UTF-8.")
EMPTY_FILE = Rule("PK004", "empty-file", E, "The file holds no YAML document.")
YAML_SYNTAX = Rule("PK005", "yaml-syntax", E, "The file is not well-formed YAML.")
TAB_INDENTATION = Rule("PK006", "tab-indentation", E, "A tab is used for indentation.")
DUPLICATE_KEY = Rule("PK007", "duplicate-key", E, "A key appears twice in one mapping.")
MULTIPLE_DOCUMENTS = Rule("PK008", "multiple-documents", E, "The file holds several documents.")
ALIAS_LIMIT = Rule("PK009", "alias-limit", E, "Aliases recurse or expand beyond the limit.")
TOO_DEEP = Rule("PK010", "too-deep", E, "The data is nested deeper than the limit.")
YAML_TAG = Rule("PK011", "yaml-tag", E, "A YAML tag (`!name`) is used.")
YAML_VERSION = Rule("PK012", "yaml-version", E, "A `%YAML` directive other than 1.2.")
CONTROL_CHARACTER = Rule("PK013", "control-character", E, "Text holds a control character.")
NOT_A_MAPPING = Rule("PK014", "not-a-mapping", E, "The document is not a mapping.")
COMPLEX_KEY = Rule("PK015", "complex-key", E, "A mapping key is not plain text.")

# --- the schema (PK1xx) ---
MISSING_KEY = Rule("PK101", "missing-key", E, "A required key is missing.")
UNKNOWN_KEY = Rule("PK102", "unknown-key", E, "A key the format does not know.")
WRONG_TYPE = Rule("PK103", "wrong-type", E, "A value of the wrong type.")
INVALID_VALUE = Rule("PK104", "invalid-value", E, "A value outside the allowed choices.")
INVALID_DATE = Rule("PK105", "invalid-date", E, "A date that is malformed or does not exist.")
INVALID_INTERVAL = Rule("PK106", "invalid-interval", E, "An evaluation interval that is invalid.")
UNQUOTED_NUMBER = Rule("PK107", "unquoted-number", E, "Text that YAML reads as a number.")
INVALID_ID = Rule("PK108", "invalid-id", E, "An id that is not a slug.")
EMPTY_VALUE = Rule("PK109", "empty-value", E, "Required text is empty.")
UNSUPPORTED_FORMAT = Rule("PK110", "unsupported-format", E, "A format version policykit lacks.")
UNKNOWN_LANGUAGE = Rule("PK111", "unknown-language", E, "A language policykit has no labels for.")
NEEDS_FORMAT_2 = Rule("PK112", "newer-format", E, "A format-2 construct in a format-1 file.")
NO_SECTIONS = Rule("PK113", "no-sections", E, "A policy with no part and no section.")
INVALID_ORDER = Rule("PK114", "invalid-order", E, "`order` names what the policy lacks.")
UNKNOWN_POLICY = Rule("PK115", "unknown-policy", E, "A `policy:` link to no policy in force.")
COLON_IN_TEXT = Rule("PK116", "colon-in-text", E, "Text with `: ` that YAML reads as a key.")

# --- prose (PK2xx) ---
PROSE_RAW_HTML = Rule("PK201", "prose-raw-html", E, "Raw HTML in prose.")
PROSE_IMAGE = Rule("PK202", "prose-image", E, "An image in prose.")
PROSE_HEADING = Rule("PK203", "prose-heading", E, "A heading inside prose.")
PROSE_TABLE = Rule("PK204", "prose-table", E, "A table inside a list or a quote.")
UNSAFE_LINK = Rule("PK205", "unsafe-link", E, "A link that is not http, https or mailto.")
PROSE_UNSUPPORTED = Rule("PK206", "prose-unsupported", E, "Markdown outside the prose subset.")
INVISIBLE_CHARACTER = Rule(
    "PK207", "invisible-character", W, "Prose holds a character that shows as nothing."
)

# --- meaning (PK3xx) ---
DUPLICATE_ID = Rule("PK301", "duplicate-id", E, "An id used twice within a policy.")
DUPLICATE_POLICY_ID = Rule("PK302", "duplicate-policy-id", E, "Two policies share an id.")
ADOPTION_ORDER = Rule("PK303", "adoption-order", E, "Decision records out of date order.")
STATUS_WITHOUT_ADOPTION = Rule(
    "PK304", "status-without-adoption", E, "An adopted or repealed policy lacks an adoption."
)
REPEAL_MISMATCH = Rule("PK305", "repeal-mismatch", E, "Repeal record and status disagree.")
EMPTY_PART = Rule("PK306", "empty-part", W, "A part, group or list has no content.")
UNUSED_TERM = Rule("PK307", "unused-term", W, "A defined term is never used in the text.")
DUPLICATE_GOAL = Rule("PK308", "duplicate-goal", W, "The same goal item appears twice.")
NO_INTERVAL = Rule("PK309", "no-interval", W, "The evaluation rule has no interval.")
DRAFT_WITHOUT_POLICY = Rule(
    "PK310", "draft-without-policy", W, "A draft revision has no policy in force to revise."
)
PLACEHOLDER = Rule(
    "PK311", "placeholder-text", W, "Text still holds a placeholder from `policykit new`."
)
DRAFT_NAME_MISMATCH = Rule(
    "PK312", "draft-name-mismatch", E, "A draft's file name is not its policy's id."
)

# --- plain language (PK4xx) ---
HARD_TO_READ = Rule("PK401", "hard-to-read", W, "A section's LIX is above the threshold.")

ALL_RULES: tuple[Rule, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Rule))
#: Each rule by its code.
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
