"""What this machine lets the process use."""

from __future__ import annotations

import os


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity (`taskset`, a container's cpuset), not
    the machine's count, which `os.cpu_count()` gives."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
