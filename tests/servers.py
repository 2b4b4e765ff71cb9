"""The portal under gunicorn, as ``make serve`` and production run it, for the tests that need
real server processes: the access log, several servers over one database and one Redis, and
shutting down. Also a ``flask`` command in a process of its own (the outbox worker), and a
person's browser for the servers."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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
        _end(process, timeout=20)
        _keep(log, f"gunicorn-{port}.log")


@contextmanager
def flask_command(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen]:
    """``flask --app wsgi ARGS`` in a process of its own, with ``env`` on top of this
    process's environment; its output goes to ``log``, kept like gunicorn's. A process the
    test left running is stopped at the end."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        _end(process, timeout=10)
        _keep(log, f"flask-{process.pid}.log")


def _end(process: subprocess.Popen, timeout: float) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def _keep(log: Path, name: str) -> None:
    """A copy of ``log`` in the run's log folder, for the personal-data scan."""
    folder = logscan.log_dir()
    if folder is not None and log.exists():
        shutil.copy(log, folder / name)


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


class Browser:
    """One person's cookies, whichever server answers (the load balancer's choice)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str, dict]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (loopback)

    def post(self, url: str, fields: dict) -> tuple[int, str, dict]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(), dict(error.headers)

    def form_token(self, url: str) -> str:
        status, page, _ = self.get(url)
        assert status == 200, page
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def cookie_header(self) -> str:
        """The ``Cookie`` header for a request sent by hand, over a socket of the test's own."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def log_in(self, server: str, password: str) -> tuple[int, str, dict]:
        token = self.form_token(f"{server}/auth/login")
        fields = {"csrf_token": token, "email": "seller@example.com", "password": password}
        return self.post(f"{server}/auth/login", fields)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
