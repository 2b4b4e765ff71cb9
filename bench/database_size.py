"""Database size per seller, for the capacity plan (docs/capacity.md).

A fresh database (a throwaway SQLite file, or the PostgreSQL database named by
``--database-url``, which is dropped and created again, and dropped at the end: give it one of
its own) gets the schema (``flask --app wsgi db upgrade``) and the demo data (``flask --app
wsgi demo load``). Its size is measured, then ``flask --app wsgi demo load --sellers N`` adds
N sellers (portal/cli/seed.py: each with consent, profile, bank account, history, search terms
and two emails), and the size is measured again. It prints the bytes per seller (the
difference over N), the seeding rate, and on PostgreSQL the ten largest tables with their
bytes per seller. SQLite is measured after a WAL checkpoint; PostgreSQL after VACUUM ANALYZE
(``pg_database_size``, indexes and TOAST included).

    .venv/bin/python bench/database_size.py --sellers 20000
    .venv/bin/python bench/database_size.py --sellers 20000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_size

What it does not count: documents' files (object storage, docs/capacity.md counts them
apart), and the rows a seller's use adds over time (disclosures, access log, notifications
beyond the two emails): the plan adds those from the other benchmarks.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sellers", type=int, default=20000)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="portal-size-"))
    env = dict(os.environ, PORTAL_INSTANCE_PATH=str(instance), PORTAL_ENVIRONMENT="development")
    postgres = options.database_url
    if postgres:
        env["PORTAL_SQLALCHEMY_DATABASE_URI"] = postgres
        psql_admin(postgres, "DROP DATABASE IF EXISTS {name}", "CREATE DATABASE {name}")
    try:
        flask(env, "db", "upgrade")
        flask(env, "demo", "load")
        before = _size(instance, postgres)
        started = time.monotonic()
        flask(env, "demo", "load", "--sellers", str(options.sellers))
        seconds = time.monotonic() - started
        after = _size(instance, postgres)
        per_seller = (after - before) / options.sellers
        backend = "PostgreSQL" if postgres else "SQLite"
        print(
            f"{backend}: {options.sellers:,} sellers added in {seconds:.1f} s "
            f"({options.sellers / seconds:,.0f} per second)"
        )
        print(f"  database {before:,} -> {after:,} bytes: {per_seller:,.0f} bytes per seller")
        if postgres:
            for table, size in _tables(postgres):
                print(f"  {table:<28} {size / options.sellers:>9,.0f} bytes per seller")
        print(
            f"  machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}"
        )
        print("  command: .venv/bin/python bench/database_size.py " + " ".join(sys.argv[1:]))
    finally:
        if postgres:
            psql_admin(postgres, "DROP DATABASE IF EXISTS {name}")


def _size(instance: Path, postgres: str | None) -> int:
    if postgres:
        psql(postgres, "VACUUM ANALYZE")
        return int(psql(postgres, "SELECT pg_database_size(current_database())"))
    path = instance / "portal.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path.stat().st_size


def _tables(postgres: str) -> list[tuple[str, int]]:
    rows = psql(
        postgres,
        "SELECT relname || '|' || pg_total_relation_size(relid) FROM pg_statio_user_tables "
        "ORDER BY pg_total_relation_size(relid) DESC LIMIT 10",
    )
    return [(name, int(size)) for name, size in (line.split("|") for line in rows.splitlines())]


def _parts(url: str) -> tuple[str, str]:
    found = re.match(r"postgresql(?:\+\w+)?://(?P<server>[^/]+)/(?P<name>\w+)$", url)
    if found is None:
        raise SystemExit("--database-url: postgresql+psycopg://user@host:port/name")
    return found["server"], found["name"]


def psql(url: str, sql: str) -> str:
    server, name = _parts(url)
    user, _, hostport = server.rpartition("@")
    host, _, port = hostport.partition(":")
    command = ["psql", "-h", host, "-p", port or "5432", "-U", user or "postgres", "-d", name]
    return subprocess.run(
        [*command, "-tAqc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def psql_admin(url: str, *statements: str) -> None:
    server, name = _parts(url)
    for statement in statements:
        psql(f"postgresql://{server}/postgres", statement.format(name=name))


if __name__ == "__main__":
    main()
