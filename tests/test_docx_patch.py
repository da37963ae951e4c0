"""`writing.docx_patch` and `package.release`: a Word export leaves nothing for the cycle
collector (so a batch's memory stays flat), with the same bytes; and a reminder to drop the
fix once python-docx walks its parts without a cycle."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.examples import ENGLISH, SEED, document


def _garbage_of(make: Callable[[], object]) -> list[Any]:
    """What `make` leaves that only the cycle collector can free."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        make()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _parts(garbage: list[Any]) -> list[Any]:
    from docx.opc.part import Part

    return [thing for thing in garbage if isinstance(thing, Part)]


@pytest.mark.parametrize("name", [SEED, ENGLISH])
def test_a_word_export_leaves_no_part_to_the_cycle_collector(name: str) -> None:
    from policykit.writing.docx.body import write_docx

    laid_out = document(name)
    write_docx(laid_out)  # python-docx's template, parsed once a process, is not garbage
    assert _parts(_garbage_of(lambda: write_docx(laid_out))) == []


def _python_docx_own() -> Callable[[Any], Iterator[Any]]:
    from policykit.writing import docx_patch
    from policykit.writing.docx.package import open_template

    open_template(None)  # applies the fix
    assert docx_patch.original is not None
    return docx_patch.original


def test_the_fix_gives_the_same_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same parts in the same order, so the same bytes, with python-docx's own walk."""
    from docx.opc.package import OpcPackage

    from policykit.writing import docx_patch
    from policykit.writing.docx.body import write_docx

    own = _python_docx_own()
    fixed = OpcPackage.__dict__["iter_parts"]
    with monkeypatch.context() as patched:
        patched.setattr(OpcPackage, "iter_parts", own)
        patched.setattr(docx_patch, "apply", lambda: None)
        without = write_docx(document(SEED))
        assert OpcPackage.__dict__["iter_parts"] is own
    assert OpcPackage.__dict__["iter_parts"] is fixed
    assert write_docx(document(SEED)) == without


def test_python_docx_still_leaves_a_cycle_holding_the_parts() -> None:
    """When this fails, python-docx walks its parts without a cycle: remove
    writing/docx_patch.py."""
    import docx

    from policykit.writing import docx_patch

    own = _python_docx_own()
    word = docx.Document()
    package = word.part.package
    assert list(own(package)) == list(package.iter_parts())
    # The walk's list of the parts it has seen is left behind, holding them all.
    garbage = _garbage_of(lambda: list(own(package)))
    left = [thing for thing in garbage if isinstance(thing, list) and _parts(thing)]
    assert left, (
        f"python-docx {docx.__version__} walks its parts without a cycle: drop the fix "
        f"for python-docx {docx_patch.FIXES} in policykit/writing/docx_patch.py"
    )
