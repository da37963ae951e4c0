"""The example policies, read once, and laid out for the writers."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from policykit.model.policy import Policy
from policykit.model.project import Project
from policykit.reading.reader import read_policy, read_project
from policykit.writing.layout import Document, ExportOptions, layout
from tests.conftest import ROOT

SEED = "kommunikationspolitik"
ENGLISH = "information-security-policy"
#: The format-2 example: free sections with subsections, an annex, no definitions.
STAFF = "personalepolitik"


@cache
def project() -> Project:
    return read_project((ROOT / "policykit.yaml").read_bytes(), "policykit.yaml").project


@cache
def policy(name: str = SEED) -> Policy:
    return read(f"policies/{name}.yaml")


@cache
def draft(name: str = SEED) -> Policy:
    """The proposed revision in policies/drafts/."""
    return read(f"policies/drafts/{name}.yaml", draft=True)


def read(path: str, *, draft: bool = False) -> Policy:
    """A policy file of the repository, which must be valid."""
    result = read_policy((ROOT / path).read_bytes(), path, project(), draft=draft)
    assert result.policy is not None, result.findings
    return result.policy


def document(name: str = SEED, options: ExportOptions | None = None, **changes: Any) -> Document:
    """The example laid out; `changes` replace policy fields (status=Status.DRAFT, say)."""
    return layout(dataclasses.replace(policy(name), **changes), project(), options)
