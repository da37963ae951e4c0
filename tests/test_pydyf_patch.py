"""`writing.pydyf_patch`: the same PDF bytes with the fix as without it, and a reminder to
drop the fix once pydyf has its own."""

from __future__ import annotations

import pytest


def _pydyf_own() -> property:
    from policykit.writing import pydyf_patch

    pydyf_patch.apply()
    assert pydyf_patch.original is not None
    return pydyf_patch.original


def test_the_fix_gives_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed's tagged PDF (every tag names its page) without the fix and with it."""
    import pydyf

    from policykit.writing import pydyf_patch
    from policykit.writing.pdf import write_pdf
    from tests.examples import document

    own = _pydyf_own()
    fixed = pydyf.PDF.__dict__["page_references"]
    with monkeypatch.context() as patched:
        patched.setattr(pydyf.PDF, "page_references", own)
        patched.setattr(pydyf_patch, "apply", lambda: None)
        without = write_pdf(document())
    assert pydyf.PDF.__dict__["page_references"] is fixed
    assert write_pdf(document()) == without


def test_pydyf_still_rebuilds_the_page_references_on_every_call() -> None:
    """When this fails, pydyf keeps them itself: remove writing/pydyf_patch.py."""
    import pydyf

    from policykit.writing import pydyf_patch

    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    getter = _pydyf_own().fget
    assert getter is not None
    first, second = getter(pdf), getter(pdf)
    assert first == second == pdf.page_references
    assert first is not second, (
        f"pydyf {pydyf.__version__} keeps its page references: drop the fix for pydyf "
        f"{pydyf_patch.FIXES} in policykit/writing/pydyf_patch.py"
    )
