"""Key rotation: does ``flask keys rotate`` work in batches, with flat memory, at a sane cost?

Rotating the encryption key re-encrypts every bank account number (and two-factor secret)
under the new key (``portal.crypto.rotate_batch``, driven by ``portal.cli.keys``): read a batch of
stored values as raw text, decrypt each under its old key, encrypt under the new one, write
it back, commit, continue after the last primary key.

The reference, measured in the same run on the same rows, is the same batched walk with the
cryptography taken out: read each batch as raw text and write every value back unchanged,
committing per batch. The difference between the two is what AES-256-GCM costs; the ratio
says whether rotation does anything more than that (an N+1, a rescan of the table per
batch, values piling up in memory).

Each size runs in a fresh SQLite database (or PostgreSQL, with ``--database-url``) filled
with that many bank accounts encrypted under key ``k1``; the rotation then runs with ``k1``
and ``k2`` configured and ``k2`` current. Peak memory is traced with ``tracemalloc`` over
each pass. The claim: peak memory does not grow with the number of rows (the exit status is
1 if the largest size's peak is over twice the smallest's, or if any value is left under
``k1`` or does not decrypt).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import String, bindparam, insert, select, text, type_coerce, update  # noqa: E402

from portal import create_app, crypto  # noqa: E402
from portal.extensions import db  # noqa: E402

K1, K2, HASH = crypto.generate_key(), crypto.generate_key(), crypto.generate_key()
COLUMN_CONTEXT = "bank_accounts.account_number"


def build(instance: Path, database_url: str | None, keys: dict):
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-" + "x" * 40,
        "HASH_KEY": HASH,
        **keys,
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def fill(app, rows: int) -> None:
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
        users, accounts = [], []
        for i in range(1, rows + 1):
            users.append(
                {
                    "id": i,
                    "email": f"seller{i}@example.com",
                    "password_hash": "x",
                    "role": "seller",
                    "status": "active",
                    "full_name": f"Seller {i}",
                    "date_of_birth": date(1990, 1, 1),
                    "failed_login_count": 0,
                }
            )
            number = f"{7_000_000_000 + i:012d}"
            accounts.append(
                {
                    "user_id": i,
                    "bank_code": "maybank",
                    "holder_name": f"Seller {i}",
                    "account_number": crypto.encrypt(number, COLUMN_CONTEXT),
                    "account_number_last4": number[-4:],
                    "account_number_digest": crypto.keyed_hash(number, COLUMN_CONTEXT),
                }
            )
        from portal.auth.models import User
        from portal.profile.models import BankAccount

        for start in range(0, rows, 5000):
            db.session.execute(insert(User), users[start : start + 5000])
            db.session.execute(
                insert(BankAccount.__table__).values(
                    account_number=bindparam("account_number", type_=String)
                ),
                accounts[start : start + 5000],
            )
        db.session.commit()


def reference_pass(app, batch_size: int) -> int:
    """The same batched walk and writes as rotation, without the cryptography."""
    from portal.profile.models import BankAccount

    table = BankAccount.__table__
    raw = type_coerce(table.c.account_number, String)
    statement = (
        update(table)
        .where(table.c.user_id == bindparam("row_id"))
        .values(account_number=bindparam("fresh", type_=String))
    )
    done, last = 0, 0
    with app.app_context():
        while True:
            rows = db.session.execute(
                select(table.c.user_id, raw)
                .where(raw.is_not(None), table.c.user_id > last)
                .order_by(table.c.user_id)
                .limit(batch_size)
            ).all()
            if not rows:
                return done
            for row_id, stored in rows:
                db.session.execute(statement, {"row_id": row_id, "fresh": stored})
            db.session.commit()
            done, last = done + len(rows), rows[-1][0]


def rotation_pass(app, batch_size: int) -> int:
    """What ``flask keys rotate`` does for the bank account column."""
    with app.app_context():
        column = next(
            c for c in crypto.encrypted_columns(db.metadata) if c.context == COLUMN_CONTEXT
        )
        done, last = 0, None
        while ids := crypto.rotate_batch(db.session, column, batch_size, after=last):
            db.session.commit()
            done, last = done + len(ids), ids[-1]
        return done


def measure(function, *args) -> tuple[int, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    count = function(*args)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, elapsed, peak


def check(app, rows: int) -> list[str]:
    problems = []
    with app.app_context():
        stored = [
            r[0] for r in db.session.execute(text("SELECT account_number FROM bank_accounts"))
        ]
        stale = sum(not value.startswith("k2:") for value in stored)
        if stale or len(stored) != rows:
            problems.append(f"{stale} of {len(stored)} values not under k2")
        for value in stored[:: max(rows // 50, 1)]:
            crypto.decrypt(value, COLUMN_CONTEXT)  # raises if a value was damaged
        db.engine.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database-url", help="PostgreSQL URL (its schema is dropped!)")
    args = parser.parse_args()

    old_keys = {"ENCRYPTION_KEYS": {"k1": K1}, "ENCRYPTION_KEY_ID": "k1"}
    both_keys = {"ENCRYPTION_KEYS": {"k1": K1, "k2": K2}, "ENCRYPTION_KEY_ID": "k2"}
    results, problems = [], []
    for rows in args.sizes:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
            instance = Path(tmp) / "instance"
            fill(build(instance, args.database_url, old_keys), rows)
            app = build(instance, args.database_url, both_keys)
            _, ref_time, ref_peak = measure(reference_pass, app, args.batch_size)
            count, rot_time, rot_peak = measure(rotation_pass, app, args.batch_size)
            if count != rows:
                problems.append(f"{rows} rows: rotated {count}")
            problems += [f"{rows} rows: {p}" for p in check(app, rows)]
            results.append((rows, ref_time, rot_time, ref_peak, rot_peak))

    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"Key rotation, bank_accounts.account_number, {database}, batches of {args.batch_size}")
    print()
    print(f"{'rows':>8} {'reference s':>12} {'rotation s':>11} {'ratio':>6} "
          f"{'µs/value (rot)':>15} {'peak KiB ref':>13} {'peak KiB rot':>13}")  # fmt: skip
    for rows, ref_time, rot_time, ref_peak, rot_peak in results:
        print(
            f"{rows:>8} {ref_time:>12.2f} {rot_time:>11.2f} {rot_time / ref_time:>6.2f} "
            f"{rot_time / rows * 1e6:>15.1f} {ref_peak / 1024:>13.0f} {rot_peak / 1024:>13.0f}"
        )
    smallest, largest = results[0][4], results[-1][4]
    growth = largest / smallest
    print()
    print(
        f"peak memory of rotation, largest / smallest size: {growth:.2f} "
        f"({'flat' if growth <= 2 else 'GROWS with the table'})"
    )
    if growth > 2:
        problems.append("rotation memory grows with the number of rows")
    for problem in problems:
        print("PROBLEM:", problem)
    print()
    print(
        f"machine: Python {platform.python_version()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.machine()}; run on {date.today().isoformat()}"
    )
    command = f".venv/bin/python bench/key_rotation.py --sizes {' '.join(map(str, args.sizes))}"
    command += f" --batch-size {args.batch_size}"
    if args.database_url:
        command += " --database-url URL"
    print(f"reproduce: {command}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
