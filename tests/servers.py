"""The portal under gunicorn, as ``make serve`` and production run it, for the tests that need
real server processes: the access log, and several servers over one database and one Redis."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import logscan
from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    base: str
    log: Path
    process: subprocess.Popen


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def gunicorn(env: dict[str, str], log: Path, *, workers: int = 2) -> Iterator[Server]:
    """gunicorn with the repository's ``gunicorn.conf.py`` on a free loopback port, with
    ``env`` (``PORTAL_*`` settings) on top of this process's environment; its output goes to
    ``log``, which is kept with the run's logs for the personal-data scan."""
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": str(workers),
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log)
        yield Server(base, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        folder = logscan.log_dir()
        if folder is not None and log.exists():
            shutil.copy(log, folder / f"gunicorn-{port}.log")


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):  # noqa: S310 (loopback)
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(log.read_text()) from None
            time.sleep(0.1)
