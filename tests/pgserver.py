"""A PostgreSQL server of a test's own, on a free loopback port, that the test may stop and
start: the shared server at 127.0.0.1:5432 is never stopped under the other tests.

It is a real cluster made by the machine's ``initdb`` (Debian's ``postgresql`` package; the
folder ``pg_config --bindir`` names). PostgreSQL refuses to run as root, so when the tests do,
the cluster belongs to the ``postgres`` account and its commands run as that account.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

SERVER_ACCOUNT = "postgres"


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None on a machine without PostgreSQL."""
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    folder = Path(
        subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
    )
    return folder if (folder / "initdb").exists() and (folder / "pg_ctl").exists() else None


@dataclass
class PrivateServer:
    bin: Path
    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_ACCOUNT}@127.0.0.1:{self.port}/postgres"

    def run(self, *argv: str) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_ACCOUNT, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """Start the server and wait until it takes connections (``pg_ctl -w``)."""
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "start")

    def stop(self) -> None:
        """Stop at once, as a crash or an operator would: sessions are cut (``-m fast``)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@contextmanager
def private_postgresql() -> Iterator[PrivateServer]:
    """A new cluster, started; stopped and removed afterwards."""
    folder = binaries()
    if folder is None:
        raise RuntimeError("PostgreSQL's server programs are not installed (pg_config --bindir)")
    # Not under pytest's tmp_path: the server account must be able to reach the folder.
    data = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, SERVER_ACCOUNT, SERVER_ACCOUNT)
    server = PrivateServer(folder, data, free_port())
    try:
        server.run("initdb", "-D", str(data), "-U", SERVER_ACCOUNT, "--auth=trust", "--no-sync")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"port = {server.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{data}'\nfsync = off\n"
            )
        server.start()
        try:
            yield server
        finally:
            with suppress(subprocess.CalledProcessError):  # stopped by the test already
                server.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)
