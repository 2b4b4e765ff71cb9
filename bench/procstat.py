"""What the benchmarks read from Linux about their own process, and the machine line."""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path


def status_kib(field: str) -> int:
    """A memory figure (``VmRSS``, ``VmHWM``) of this process from /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak() -> None:
    """Make the peak resident set (``VmHWM``) start again from the current one."""
    Path("/proc/self/clear_refs").write_text("5")


def machine_line(load: float, extra: str = "") -> str:
    return (
        f"machine: Python {platform.python_version()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.machine()}, load average {load:.2f} at the start; "
        f"run on {date.today().isoformat()}{extra}"
    )
