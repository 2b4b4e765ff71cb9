"""SQL statements per seller page, with 10 and with 1,000 rows of everything a seller keeps.

A seller's change history, notifications, disclosures, pickups, staff looks at their data,
consent records and log-in sessions only ever grow; no page may run more statements because
of them. This benchmark builds a fresh database (SQLite in a temporary instance folder, or
PostgreSQL with ``--database-url``, whose public schema is dropped first and at the end),
makes the sellers of ``tests/test_page_queries.py`` (one who has accepted the policy in
effect, one who has yet to accept a newer version, one whose account is closed), logs each in
through the test client, and walks every seller GET page with ``--few`` rows of each kind,
then with ``--many``, inserted in bulk. Paged lists are walked at page 2 as well. Each walk
follows one that is not counted, since a first visit may do what later ones do not (a notice
is marked read).

It prints, for each page, the statements it ran and the time it took at both sizes, and
whether the counts are equal; then the machine and the command. The exit status is 1 if a
count differs or a page does not answer 200. About 3 s on SQLite, 6 s on PostgreSQL.

    .venv/bin/python bench/page_queries.py --few 10 --many 1000
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line  # noqa: E402


def empty(database_url: str) -> None:
    """Drop everything in the PostgreSQL database's public schema (the policy versions and
    consent records a run leaves cannot be migrated down)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def bench_config(instance: Path, database_url: str | None) -> dict:
    """A benchmark's portal: its own instance folder, cheap password hashes, no CSRF (the
    test client logs in with a plain form), limits in memory; PostgreSQL if given."""
    config = {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-" + "x" * 40,
        "BCRYPT_ROUNDS": 4,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return config


def build(instance: Path, database_url: str | None):
    """The portal on a freshly migrated database, CSRF off for the test client's log-ins."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    if database_url:
        empty(database_url)
    app = create_app(bench_config(instance, database_url) | {"TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def run(instance: Path, database_url: str | None, few: int, many: int):
    from portal.extensions import db
    from tests import test_page_queries as pages
    from tests.support import make_seller

    app = build(instance, database_url)
    with app.app_context():
        email = make_seller().email
    try:
        world = pages.prepare(app, app.test_client(), email)
        return pages.measure(app, world, few), pages.measure(app, world, many)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if database_url:
            empty(database_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=10, help="rows of each kind, first walk")
    parser.add_argument("--many", type=int, default=1_000, help="rows of each kind, second walk")
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped!)")
    args = parser.parse_args()
    if not 0 < args.few < args.many:
        parser.error("--few must be above 0 and below --many")

    os.environ.setdefault("PORTAL_ENVIRONMENT", "development")
    logging.disable(logging.INFO)  # the migrations' and the outbox's progress, on stderr
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="portal-pages-bench-") as tmp:
        small, large = run(Path(tmp), args.database_url, args.few, args.many)

    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"SQL statements per seller page, {args.few:,} and {args.many:,} rows of each kind")
    print(
        "(history, notifications, disclosures, pickups, staff looks, consent records, sessions;"
        f" {database})"
    )
    width = max(len(url) for url in small)
    few, many = f"at {args.few:,}", f"at {args.many:,}"
    print(
        f"{'page':<{width}} {'status':>6} {few:>8} {many:>8} {'equal':>5}"
        f" {'ms ' + few:>11} {'ms ' + many:>11}"
    )
    failed = []
    for url, visit in small.items():
        other = large[url]
        n, m = len(visit.statements), len(other.statements)
        ok = n == m and visit.status == other.status == 200
        if not ok:
            failed.append(url)
        status = (
            str(other.status) if visit.status == other.status else f"{visit.status}/{other.status}"
        )
        print(
            f"{url:<{width}} {status:>6} {n:>8} {m:>8} {'yes' if n == m else 'NO':>5}"
            f" {visit.seconds * 1000:>11.1f} {other.seconds * 1000:>11.1f}"
        )
    print(machine_line(load))
    command = f".venv/bin/python bench/page_queries.py --few {args.few} --many {args.many}"
    if args.database_url:
        command += " --database-url URL"
    print(f"command: {command}")
    if failed:
        from tests.test_page_queries import differences

        print(f"FAIL: {len(failed)} pages differ or did not answer 200:")
        for line in differences(small, large, (args.few, args.many)):
            print(f"  {line}")
        return 1
    print(f"all {len(small)} pages: the same statements at {args.few:,} and {args.many:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
