"""Breach notification: telling 1,000, 10,000 and 100,000 affected sellers, in flat memory?

``portal.breaches.notify.notify_sellers`` renders the bilingual notice once per language,
then for each batch of 1,000 affected sellers reads the next user ids from
``breach_notices`` (one range scan), their address and language (one SELECT), hands the
emails to ``portal.outbox.services.queue_many`` (one SELECT of Message-IDs, one bulk
INSERT), marks the batch and commits. Nothing is held per seller beyond the batch.

Each size runs in a fresh process on a fresh SQLite database in a temporary folder: the
sellers and the breach's selection are inserted before the clock starts; the run is timed
with ``time.perf_counter`` and its peak Python allocation measured with ``tracemalloc``.
Afterwards the outbox is checked: one ``breach_notice`` per affected seller, none twice.
Exit status 1 if a check fails or the largest run's peak is more than ``--tolerance-mb``
over the smallest's.

    .venv/bin/python bench/breach_notify.py                       # 1,000 10,000 100,000
    .venv/bin/python bench/breach_notify.py --sizes 1000 10000    # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHUNK = 5000


def run(sellers: int, instance: Path) -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select

    from portal import create_app
    from portal.auth.models import User
    from portal.breaches import notify, selection
    from portal.breaches import services as breaches
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench-" + "x" * 40,
            "PUBLIC_URL": "https://portal.koopseri.example",
        }
    )
    with app.app_context():
        upgrade()
        now = utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "email": "dpo@koopseri.com",
                    "password_hash": "x",
                    "role": "dpo",
                    "status": "active",
                }
            ],
        )
        for start in range(1, sellers + 1, CHUNK):
            db.session.execute(
                insert(User),
                [
                    {
                        "email": f"seller{n}@example.com",
                        "password_hash": "x",
                        "role": "seller",
                        "status": "active",
                        "locale": "ms" if n % 20 == 0 else "en",
                        "created_at": now,
                    }
                    for n in range(start, min(start + CHUNK, sellers + 1))
                ],
            )
        db.session.commit()
        dpo = db.session.scalar(select(User).where(User.role == "dpo"))
        breach = breaches.record_breach(
            dpo,
            discovered_at=now,
            description="Benchmark",
            categories=["email"],
            systems="bench",
            containment="bench",
            harm={"over_1000": True},
        )
        ids = db.session.scalars(select(User.id).where(User.role == "seller")).all()
        selection.save(breach, dpo, ids, "benchmark")
        del ids
        notify.start(breach, dpo, message_en="What happened.", message_ms="Apa yang berlaku.")
        db.session.commit()
        breach_id = breach.id
        db.session.expunge_all()

        tracemalloc.start()
        started = time.perf_counter()
        queued = notify.notify_sellers(breach_id, batch_size=1000)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        rows = db.session.scalar(select(func.count()).where(OutboxMessage.kind == notify.KIND))
        distinct = db.session.scalar(
            select(func.count(func.distinct(OutboxMessage.user_id))).where(
                OutboxMessage.kind == notify.KIND
            )
        )
    return {"queued": queued, "rows": rows, "distinct": distinct, "seconds": seconds,
            "peak": peak}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--tolerance-mb", type=float, default=8.0)
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(args.run, args.instance)))
        return 0
    results, problems = {}, []
    load = os.getloadavg()[0]
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
            command = [sys.executable, __file__, "--run", str(size), "--instance", tmp]
            done = subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
            results[size] = result = json.loads(done.stdout.decode().splitlines()[-1])
        if not result["queued"] == result["rows"] == result["distinct"] == size:
            problems.append(f"{size:,}: {result}")
    print("Breach notification, SQLite: notify_sellers, batches of 1,000")
    print(f"{'sellers':>8} {'emails':>8} {'seconds':>8} {'emails/s':>9} {'peak (tracemalloc)':>19}")
    for size, r in results.items():
        print(f"{size:>8,} {r['rows']:>8,} {r['seconds']:>8.2f} {r['queued'] / r['seconds']:>9,.0f} "
              f"{r['peak'] / 2**20:>15.2f} MiB")  # fmt: skip
    sizes = sorted(results)
    growth = (results[sizes[-1]]["peak"] - results[sizes[0]]["peak"]) / 2**20
    print(f"peak({sizes[-1]:,}) - peak({sizes[0]:,}) = {growth:+.2f} MiB")
    if growth > args.tolerance_mb:
        problems.append("memory grows with the number of sellers")
    for problem in problems:
        print("PROBLEM:", problem)
    print(f"machine: Python {platform.python_version()}, os.cpu_count() = {os.cpu_count()}, "
          f"load {load:.2f}; run on {date.today()}")  # fmt: skip
    print("reproduce: .venv/bin/python bench/breach_notify.py"
          + ("" if args.sizes == [1_000, 10_000, 100_000] else " --sizes " + " ".join(map(str, args.sizes))))  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
