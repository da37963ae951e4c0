"""The command as a user runs it: `python -m policykit` in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def policykit(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process, in `cwd`, with its output as text (never raising on
    a non-zero exit, which the tests check)."""
    return subprocess.run(
        [sys.executable, "-m", "policykit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
