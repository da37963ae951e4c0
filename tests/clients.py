"""Real clients (pandoc, LibreOffice, poppler, qpdf, Chromium, vnu, axe-core) for the tests.

A missing client skips its tests with the reason, except under POLICYKIT_REQUIRE_CLIENTS=1
(which .ci/run sets): there a missing client fails the run, so CI never passes by skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = os.environ.get("POLICYKIT_REQUIRE_CLIENTS") == "1"


def missing(reason: str) -> None:
    """Skip, or under POLICYKIT_REQUIRE_CLIENTS=1 fail, because a client is unavailable."""
    if REQUIRED:
        pytest.fail(f"required client unavailable: {reason}", pytrace=False)
    pytest.skip(f"client unavailable: {reason}")


def require(command: str) -> str:
    """The path of a command-line client, such as `pandoc` or `soffice`."""
    path = shutil.which(command)
    if path is None:
        missing(f"`{command}` is not installed (make test installs it with apt-get as root)")
    assert path is not None
    return path


def require_file(path: Path, what: str) -> Path:
    """A client installed as a file, such as node_modules/vnu-jar/build/dist/vnu.jar."""
    if not path.exists():
        missing(f"{what} is not installed at {path} (make test installs it with npm)")
    return path


def require_python_uno() -> str:
    """The system Python with LibreOffice's `uno` module, which scripts LibreOffice."""
    import subprocess

    python = shutil.which("python3", path="/usr/bin:/usr/local/bin") or "/usr/bin/python3"
    found = subprocess.run([python, "-c", "import uno"], capture_output=True, check=False)
    if found.returncode != 0:
        missing("LibreOffice's Python bridge (Debian: python3-uno) is not installed")
    return python


@contextmanager
def chromium_page(*, java_script: bool = True, bypass_csp: bool = False) -> Iterator[Any]:
    """A page in the Debian Chromium, driven by Playwright, closed afterwards."""
    chromium = require("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        pytest.fail("playwright is not installed: run `make test`")
    flags = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", *flags],
        )
        try:
            context = browser.new_context(
                java_script_enabled=java_script,
                bypass_csp=bypass_csp,
                viewport={"width": 1000, "height": 1400},
            )
            yield context.new_page()
        finally:
            browser.close()
