"""This user's cache folder: where policykit keeps what it keeps between runs outside any
project (the cache's secret, Jinja's compiled templates).

Its own module, in the lowest layer that uses it (templating), so that the cache of
`edge.cache` finds it without importing the templates and the layout: `validate` needs the
one and not the others."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_folder() -> Path:
    """`$XDG_CACHE_HOME/policykit`, else `~/.cache/policykit`."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policykit"
