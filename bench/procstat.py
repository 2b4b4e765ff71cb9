"""What the benchmarks read from Linux about their own process, and the machine line."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import date
from pathlib import Path


def status_kib(field: str, pid: int | str = "self") -> int:
    """A memory figure (``VmRSS``, ``VmHWM``) of a process (this one by default) from
    /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak(pid: int | str = "self") -> None:
    """Make the peak resident set (``VmHWM``) of a process start again from the current one."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def start_server(
    argv: list[str], log: Path, cwd: Path, environment: dict[str, str] | None = None
) -> tuple[subprocess.Popen, int]:
    """Start a benchmark's own server process (``argv``), with ``environment`` added to this
    one's; it prints its port on the first line of its standard output. Its standard error
    goes to ``log``."""
    with open(log, "ab") as errors:
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=cwd,
            env=os.environ | (environment or {}),
        )
    line = process.stdout.readline()
    if not line.strip().isdigit():
        process.kill()
        raise SystemExit(f"the portal did not start:\n{log.read_text()[-3000:]}")
    return process, int(line)


def machine_line(load: float, extra: str = "") -> str:
    return (
        f"machine: Python {platform.python_version()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.machine()}, load average {load:.2f} at the start; "
        f"run on {date.today().isoformat()}{extra}"
    )
