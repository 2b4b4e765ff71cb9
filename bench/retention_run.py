"""Retention run over 1,000, 10,000 and 100,000 terminated sellers: flat memory, linear time?

``flask --app wsgi retention run`` erases terminated accounts whose deletion date has passed,
``RETENTION_BATCH_SIZE`` (500) accounts per transaction, one DELETE per table of the data map
per batch, and lists their mail files for deletion. This benchmark fills a fresh SQLite
database with N terminated sellers past their date, each with a profile, a bank account, a
consent record, two entries of change history, two emails (one a sent copy) and a staff
look, then times the run and reads the process's peak resident memory (``VmHWM``, reset just
before the run). The reference in the same run is the smallest size: the time per seller
should stay about the same (linear) and the peak should not grow (flat). Every size is a
fresh process on a fresh database, filled by another process before the clock starts.
Afterwards it checks that no row of any seller table is left, and that one non-personal
erasure record per seller remains. The exit status is 1 if a check fails, or if the largest
size's peak is more than ``--tolerance-mb`` (32) MiB over the smallest's. Linux only.

    .venv/bin/python bench/retention_run.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line, reset_peak, status_kib  # noqa: E402

CHUNK = 5_000
NOW = datetime(2027, 3, 1, tzinfo=UTC)


def _app(instance: Path):
    os.environ.setdefault("PORTAL_ENVIRONMENT", "development")
    from portal import create_app

    return create_app(
        {"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-" + "x" * 40, "TESTING": False}
    )


def prepare(instance: Path, sellers: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from portal.accesslog.models import StaffAccess
    from portal.auth.models import User
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage
    from portal.policy.models import ConsentRecord
    from portal.profile.models import BankAccount, ProfileChange, SellerProfile

    app = _app(instance)
    with app.app_context():
        upgrade()
        staff = User(email="staff@bench.test", password_hash="x", role="reviewer")
        db.session.add(staff)
        db.session.commit()
        version_id = db.session.execute(db.text("SELECT id FROM policy_versions")).scalar()
        terminated = NOW - timedelta(days=120)
        for start in range(0, sellers, CHUNK):
            ids = range(start + 2, min(start + CHUNK, sellers) + 2)
            db.session.execute(
                insert(User),
                [
                    {
                        "id": i,
                        "email": f"seller{i}@bench.test",
                        "password_hash": "x" * 60,
                        "role": "seller",
                        "status": "closed_by_seller",
                        "full_name": f"Seller {i}",
                        "phone_e164": "+60123456789",
                        "terminated_at": terminated,
                        "deletion_due_at": NOW - timedelta(days=1),
                        "created_at": terminated,
                    }
                    for i in ids
                ],
            )
            db.session.execute(
                insert(SellerProfile),
                [
                    {
                        "user_id": i,
                        "display_name": f"Shop {i}",
                        "address_line1": "1 Jalan",
                        "city": "Ipoh",
                        "postcode": "30450",
                        "state": "MY-08",
                        "country": "MY",
                    }
                    for i in ids
                ],
            )
            db.session.execute(
                insert(BankAccount),
                [
                    {
                        "user_id": i,
                        "bank_code": "maybank",
                        "holder_name": f"Seller {i}",
                        "account_number": "514433221100",
                        "account_number_last4": "1100",
                        "account_number_digest": "d" * 64,
                    }
                    for i in ids
                ],
            )
            db.session.execute(
                insert(ConsentRecord),
                [
                    {
                        "user_id": i,
                        "policy_version_id": version_id,
                        "accepted_at": terminated,
                        "ip_address": "203.0.113.9",
                        "user_agent": "bench",
                        "context": "registration",
                    }
                    for i in ids
                ],
            )
            db.session.execute(
                insert(ProfileChange),
                [
                    {
                        "user_id": i,
                        "field": f,
                        "old_value": "a",
                        "new_value": "b",
                        "changed_at": terminated,
                        "actor": "seller",
                    }
                    for i in ids
                    for f in ("city", "phone")
                ],
            )
            db.session.execute(
                insert(OutboxMessage),
                [
                    {
                        "user_id": i,
                        "recipient": f"seller{i}@bench.test",
                        "kind": kind,
                        "subject": "s",
                        "body_text": "b" * 400,
                        "body_html": "<p>b</p>" * 50,
                        "message_id": f"<{kind}-{i}@bench>",
                        "status": "sent",
                        "created_at": terminated,
                    }
                    for i in ids
                    for kind in ("password_changed", "account_terminated")
                ],
            )
            db.session.execute(
                insert(StaffAccess),
                [
                    {
                        "seller_id": i,
                        "staff_id": staff.id,
                        "staff_role": "reviewer",
                        "subject": "document",
                        "accessed_at": terminated,
                    }
                    for i in ids
                ],
            )
            db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def run(instance: Path) -> dict:
    from sqlalchemy import func, select

    from portal.datamap import SELLER_TABLES
    from portal.erasure import Erasure
    from portal.extensions import db
    from portal.retention import job
    from portal.retention.rules import Run

    app = _app(instance)
    with app.test_request_context():
        db.session.execute(select(1))  # connect, import and warm up outside the measurement
        reset_peak()
        base = status_kib("VmRSS")
        started = time.perf_counter()
        summary = job.run(Run(now=NOW, batch_size=app.config["RETENTION_BATCH_SIZE"]))
        seconds = time.perf_counter() - started
        peak = status_kib("VmHWM")
        left = {}
        for name in SELLER_TABLES:
            table = db.metadata.tables[name]
            query = select(func.count()).select_from(table)
            if name == "users":
                query = query.where(table.c.role == "seller")  # the staff member stays
            left[name] = db.session.scalar(query)
        erasures = db.session.scalar(select(func.count()).select_from(Erasure))
    return {
        "erased": summary.counts["account"],
        "seconds": seconds,
        "peak_kib": peak,
        "base_kib": base,
        "left": left,
        "erasures": erasures,
    }


def child(args: list[str]) -> dict | None:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, stdout=subprocess.PIPE, check=True
    )
    lines = done.stdout.decode().strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--tolerance-mb", type=float, default=32)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(Path(args.instance), args.prepare)
        return 0
    if args.run:
        print(json.dumps(run(Path(args.instance))))
        return 0

    load = os.getloadavg()[0]
    command = "bench/retention_run.py --sizes " + " ".join(map(str, args.sizes))
    print("Retention run: terminated sellers past their deletion date, erased by the job")
    print(f"{'sellers':>9} {'seconds':>9} {'µs/seller':>10} {'peak MiB':>9} {'over base':>10}")
    results, failed = [], False
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="portal-retention-bench-") as tmp:
            child(["--prepare", str(size), "--instance", tmp])
            result = child(["--run", "--instance", tmp])
        results.append((size, result))
        per_seller = result["seconds"] / size * 1e6
        print(
            f"{size:>9,} {result['seconds']:>9.2f} {per_seller:>10.0f} "
            f"{result['peak_kib'] / 1024:>9.1f} {(result['peak_kib'] - result['base_kib']) / 1024:>10.1f}"
        )
        if result["erased"] != size or any(result["left"].values()) or result["erasures"] != size:
            print(f"  CHECK FAILED: erased {result['erased']}, left {result['left']}")
            failed = True
    smallest, largest = results[0][1], results[-1][1]
    growth = (largest["peak_kib"] - smallest["peak_kib"]) / 1024
    ratio = (largest["seconds"] / results[-1][0]) / (smallest["seconds"] / results[0][0])
    print(f"peak growth from {results[0][0]:,} to {results[-1][0]:,} sellers: {growth:+.1f} MiB")
    print(f"time per seller, largest / smallest: {ratio:.2f} (1.0 = linear)")
    print(machine_line(load))
    print(f"command: .venv/bin/python {command}")
    if growth > args.tolerance_mb:
        print(f"FAIL: memory grew by more than {args.tolerance_mb} MiB")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
