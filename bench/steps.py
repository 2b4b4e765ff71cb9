"""What several benchmarks do before they measure: a PostgreSQL database of their own, made
afresh, and set-up commands whose output goes to the run's log."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recreate_database(database_url: str, create: bool = True) -> None:
    """Drop the benchmark's PostgreSQL database (and create it again, empty)."""
    from sqlalchemy import create_engine, make_url, text

    url = make_url(database_url)
    if url.database in (None, "postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of its own, not {url.database}")
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()


def run_step(argv: list[str], env: dict, log: Path) -> None:
    """Run a set-up command from the repository root; stop the benchmark if it fails."""
    with open(log, "ab") as out:
        done = subprocess.run(argv, cwd=ROOT, env=env, stdout=out, stderr=out, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv[1:5])} failed (see {log}):\n{log.read_text()[-3000:]}")
