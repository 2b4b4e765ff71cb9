"""Policy publish: telling 100,000 sellers about a new policy version, in flat memory?

Publishing a version (``portal.policy.publishing.publish`` and a commit) is one row; telling
the sellers (``notify_sellers``, what ``flask --app wsgi policy publish`` runs next) queues
the "our policy changed" email for every active seller. It renders the email once per
language and, for each batch of 1,000 active sellers (``POLICY_NOTIFY_BATCH_SIZE``), reads
their id, address and language in one SELECT (``portal.auth.services.active_sellers``),
hands the rendered emails to ``portal.outbox.services.queue_many`` (one SELECT of the
Message-IDs already queued, one bulk INSERT) and commits: no seller is ever loaded as an
object. This benchmark times the publish and the notification for
10,000 and for 100,000 sellers and prints the peak memory of each. The claim: memory does
not grow with the number of sellers.

The reference, measured in the same run on 10,000 sellers, is the naive way the issue
warns against: load every active seller as a ``User`` object and call
``portal.outbox.services.queue_email`` for each, which renders both bodies per seller and
adds an ``OutboxMessage`` object per seller, all in one transaction. It is not run at
100,000 sellers unless asked (``--reference-sellers 100000``): there it takes about 80 s
and grows by about 370 MiB on this project's 2-core machine.

Every measured run is a fresh process (this script started with ``--run``) on a fresh
database, filled by another process (``--prepare``) before the clock starts: SQLite in a
temporary instance folder, or PostgreSQL with ``--database-url`` (that database is dropped
and created again, so give it one of its own; migration 0007 forbids deleting published
versions; its ``users`` table is analysed after the fill, as autovacuum would). The sellers are inserted 5,000 rows per bulk INSERT: 5% speak Malay, 1% are
terminated (they must not be emailed), a few have no language or one the portal does not
offer; three staff accounts come first. The measured process renders the email templates
once in both languages (untimed warm-up), writes ``5`` to ``/proc/self/clear_refs`` (the
peak resident set, ``VmHWM``, starts again from the current one) and reads ``VmHWM`` after
the run. Afterwards it checks the outbox: one ``policy_changed`` message per active seller,
none for anyone else, none twice, and Malay speakers' rendered in Malay (``<html
lang="ms">``). The exit status is 1 if a check fails, or if the 100,000-seller peak is more than
``--tolerance-mb`` (32) MiB over the 10,000-seller one. Linux only.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line, reset_peak, status_kib  # noqa: E402
from bench.steps import recreate_database  # noqa: E402

BATCH = 1_000  # POLICY_NOTIFY_BATCH_SIZE: sellers per bulk INSERT
CHUNK = 5_000  # sellers per bulk INSERT while filling
KIND = "policy_changed"
PUBLIC_URL = "http://127.0.0.1:5000"
SUMMARY = (
    "We now keep the documents you upload for 6 months after your account closes, "
    "not 3, and we name the payment provider that receives your bank account number."
)
SUMMARY_MS = (
    "Kami kini menyimpan dokumen yang anda muat naik selama 6 bulan selepas akaun anda "
    "ditutup, bukan 3, dan kami menamakan penyedia pembayaran yang menerima nombor akaun "
    "bank anda."
)
MS_PAGE = '%<html lang="ms">%'


# --- a fresh database, filled before the clock starts ----------------------------------------


def build(instance: Path, database_url: str | None):
    from portal import create_app

    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench-" + "x" * 40,
        "MAIL_HANDOVER_AFTER_COMMIT": False,  # the reference's queue_email: leave mail queued
        "PUBLIC_URL": PUBLIC_URL,  # links in the emails, as the CLI builds them
    }
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def seller(n: int, now) -> dict:
    """Seller ``n``: 5% speak Malay, 1% are terminated, 1% have no language, 1% Chinese."""
    locale = "ms" if n % 20 == 0 else {1: None, 2: "zh"}.get(n % 100, "en")
    return {
        "email": f"seller{n}@example.com",
        "password_hash": "$2b$12$" + "x" * 53,
        "role": "seller",
        "status": "closed_by_seller" if n % 100 == 50 else "active",
        "full_name": f"Seller {n}",
        "locale": locale,
        "created_at": now,
    }


def prepare(sellers: int, instance: Path, database_url: str | None) -> dict:
    """Migrate a fresh database and fill it; what the outbox should hold afterwards."""
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from portal.auth.models import User
    from portal.clock import utcnow
    from portal.extensions import db

    if database_url:
        recreate_database(database_url)
    app = build(instance, database_url)
    users = User.__table__
    with app.app_context():
        upgrade()
        now = utcnow()
        staff = [
            {**seller(0, now), "email": f"{role}@koopseri.com", "role": role, "locale": "ms"}
            for role in ("admin", "reviewer", "support")
        ]
        db.session.execute(insert(users), staff)
        for start in range(1, sellers + 1, CHUNK):
            rows = [seller(n, now) for n in range(start, min(start + CHUNK, sellers + 1))]
            db.session.execute(insert(users), rows)
        db.session.commit()
        if database_url:
            # Statistics, as autovacuum keeps them on a live database. Without them, until
            # autovacuum gets to the new rows, PostgreSQL picks each batch's ids with a
            # sequential scan of all the sellers (16 ms a batch at 100,000 of them).
            db.session.execute(text("ANALYZE users"))
            db.session.commit()
        active = (User.role == "seller") & (User.status == "active")
        expected = {
            "sellers": db.session.scalar(select(func.count()).where(User.role == "seller")),
            "active": db.session.scalar(select(func.count()).where(active)),
            "active_ms": db.session.scalar(select(func.count()).where(active, User.locale == "ms")),
        }
        db.session.remove()
        db.engine.dispose()
    return expected


# --- one measured run, in a fresh process -------------------------------------------------------


def measured(function) -> dict:
    """Run ``function()`` once, from a reset peak resident set; its figures."""
    gc.collect()
    # Give freed heap back to the system, so that "before" is what is really in use.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    before = status_kib("VmRSS")
    reset_peak()
    started = time.perf_counter()
    done = function()
    seconds = time.perf_counter() - started
    peak = status_kib("VmHWM")
    return {"done": done, "seconds": seconds, "rss_before_kib": before, "peak_kib": peak}


def warm_up() -> None:
    """Imports, mappers, Babel and both email templates in both languages, untimed."""
    from flask import render_template
    from flask_babel import force_locale

    from portal.extensions import db
    from portal.policy.models import PolicyVersion

    version = db.session.get(PolicyVersion, 1)
    context = {"version": version, "changes_url": PUBLIC_URL, "policy_url": PUBLIC_URL}
    for locale in ("en", "ms"):
        with force_locale(locale):
            render_template(f"email/{KIND}.txt", user=None, recipient="", **context)
            render_template(f"email/{KIND}.html", subject="", user=None, recipient="", **context)
    db.session.rollback()


def naive_notify(version) -> int:
    """The reference: every active seller as an object, and queue_email for each."""
    from flask_babel import lazy_gettext as _l
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.links import public_url
    from portal.outbox.services import queue_email

    subject = _l("Our Seller Privacy Policy is changing (version %(n)s)", n=version.version)
    changes = {"from": version.version - 1, "to": version.version}
    changes_url = public_url("policy.changes", **changes)
    policy_url = public_url("policy.version", number=version.version)
    sellers = db.session.scalars(
        select(User).where(User.role == "seller", User.status == "active").order_by(User.id)
    ).all()
    for user in sellers:
        queue_email(
            to=user.email,
            kind=KIND,
            subject=subject,
            user=user,
            version=version,
            changes_url=changes_url,
            policy_url=policy_url,
        )
    db.session.commit()
    return len(sellers)


def outbox_check() -> dict:
    """What the outbox holds after the run: counts of right and wrong messages."""
    from sqlalchemy import func, select

    from portal.auth.models import User
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage as M

    def count(*where, join=True) -> int:
        query = select(func.count()).select_from(M).where(M.kind == KIND, *where)
        return db.session.scalar(query.join(User, User.id == M.user_id) if join else query)

    twice = (
        select(M.user_id).where(M.kind == KIND).group_by(M.user_id).having(func.count() > 1)
    ).subquery()
    in_malay = M.body_html.like(MS_PAGE)
    return {
        "rows": count(join=False),
        "twice": db.session.scalar(select(func.count()).select_from(twice)),
        "not_active_sellers": count((User.role != "seller") | (User.status != "active")),
        "wrong_recipient": count(M.recipient != User.email),
        "malay_in_malay": count(User.locale == "ms", in_malay),
        "others_in_malay": count(User.locale.is_(None) | (User.locale != "ms"), in_malay),
    }


def run(kind: str, instance: Path, database_url: str | None, batch_size: int) -> dict:
    from sqlalchemy import event

    from portal.auth import services as auth
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.policy import publishing

    app = build(instance, database_url)
    statements = [0]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *args: statements.__setitem__(0, statements[0] + 1),
        )
        body = (ROOT / "portal" / "policy" / "content" / "v1.md").read_text(encoding="utf-8")
        body += "\n\nWe keep the documents you upload for 6 months after your account closes.\n"
        body_ms = (ROOT / "portal" / "policy" / "content" / "v1.ms.md").read_text(encoding="utf-8")
        body_ms += (
            "\n\nKami menyimpan dokumen yang anda muat naik selama 6 bulan selepas akaun anda "
            "ditutup.\n"
        )
        warm_up()
        number = publishing.next_number()
        effective = utcnow() + timedelta(days=30)

        def publish_and_notify() -> int:
            version = publishing.publish(
                body,
                body_ms=body_ms,
                number=number,
                effective_at=effective,
                summary=SUMMARY,
                summary_ms=SUMMARY_MS,
            )
            db.session.commit()
            if kind == "reference":
                return naive_notify(version)
            return publishing.notify_sellers(version, auth.active_sellers, batch_size)

        statements[0] = 0
        result = measured(publish_and_notify)
        result["statements"] = statements[0]
        db.session.remove()
        result["outbox"] = outbox_check()
        db.session.remove()
        db.engine.dispose()
    if database_url:
        recreate_database(database_url, create=False)
    return result


def child(arguments: list[str], log: Path) -> dict:
    command = [sys.executable, __file__, *arguments]
    with open(log, "ab") as errors:
        finished = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT)
    if finished.returncode:
        raise SystemExit(f"{' '.join(arguments[:2])} failed:\n{log.read_text()[-3000:]}")
    return json.loads(finished.stdout.decode().splitlines()[-1])


def run_child(kind: str, sellers: int, args, tmp: Path) -> dict:
    """Fill a fresh database with ``sellers`` sellers, then run ``kind`` on it; the figures."""
    instance = tmp / "instance"
    common = ["--instance", str(instance)]
    if args.database_url:
        common += ["--database-url", args.database_url]
    log = tmp / "runs.log"
    expected = child(["--prepare", str(sellers), *common], log)
    result = child(["--run", kind, "--batch-size", str(args.batch_size), *common], log)
    shutil.rmtree(instance)  # the SQLite database: 2 KB an email
    return {**result, "expected": expected}


def problems_in(kind: str, sellers: int, result: dict) -> list[str]:
    expected, outbox = result["expected"], result["outbox"]
    found = []
    if result["done"] != expected["active"] or outbox["rows"] != expected["active"]:
        found.append(
            f"{kind}, {sellers:,}: {result['done']:,} queued, {outbox['rows']:,} rows, "
            f"for {expected['active']:,} active sellers"
        )
    wrong = {k: outbox[k] for k in ("twice", "not_active_sellers", "wrong_recipient")}
    wrong["others_in_malay"] = outbox["others_in_malay"]
    wrong["malay_not_in_malay"] = expected["active_ms"] - outbox["malay_in_malay"]
    found += [f"{kind}, {sellers:,}: {name} = {n:,}" for name, n in wrong.items() if n]
    return found


# --- the report --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=BATCH)
    parser.add_argument("--database-url", help="PostgreSQL URL (that database is dropped!)")
    parser.add_argument("--tolerance-mb", type=float, default=32.0)
    parser.add_argument(
        "--reference-sellers", type=int, help="the reference's size (default: the smaller one)"
    )
    parser.add_argument("--prepare", type=int, metavar="SELLERS", help=argparse.SUPPRESS)
    parser.add_argument("--run", choices=["portal", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        print(json.dumps(prepare(args.prepare, args.instance, args.database_url)))
        return 0
    if args.run:
        print(json.dumps(run(args.run, args.instance, args.database_url, args.batch_size)))
        return 0
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("needs Linux: /proc/self/clear_refs resets the peak memory")

    small, large = args.sizes
    naive = args.reference_sellers or small
    if naive not in (small, large):
        parser.error("--reference-sellers must be one of the two --sizes")
    plan = [("reference", naive), ("portal", small), ("portal", large)]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    results, problems = {}, []
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        for kind, sellers in plan:
            results[kind, sellers] = result = run_child(kind, sellers, args, Path(tmp))
            problems += problems_in(kind, sellers, result)
    elapsed = time.perf_counter() - started

    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Policy publish, {database}: publish() + commit + email every active seller "
        f"(one SELECT and one bulk INSERT per {args.batch_size:,} sellers)"
    )
    print()
    print(f"{'run':<30} {'sellers':>8} {'emails':>8} {'seconds':>8} {'emails/s':>9} "
          f"{'statements':>11} {'RSS before':>11} {'peak':>7} {'peak - before':>14}   (MiB)")  # fmt: skip
    for kind, sellers in plan:
        result = results[kind, sellers]
        label = "reference (queue_email each)" if kind == "reference" else "portal (notify_sellers)"
        print(
            f"{label:<30} {sellers:>8,} {result['done']:>8,} {result['seconds']:>8.2f} "
            f"{result['done'] / result['seconds']:>9,.0f} {result['statements']:>11,} "
            f"{result['rss_before_kib'] / 1024:>11.1f} {result['peak_kib'] / 1024:>7.1f} "
            f"{(result['peak_kib'] - result['rss_before_kib']) / 1024:>14.1f}"
        )
    reference, portal = results["reference", naive], results["portal", naive]
    print()
    print(
        f"reference / portal at {naive:,} sellers: time "
        f"{reference['seconds'] / portal['seconds']:.1f}x, peak - before "
        f"{(reference['peak_kib'] - reference['rss_before_kib']) / 1024:.1f} MiB against "
        f"{(portal['peak_kib'] - portal['rss_before_kib']) / 1024:.1f} MiB"
        + (f" (--reference-sellers {large} runs it at {large:,})" if naive != large else "")
    )
    peaks = [results["portal", size]["peak_kib"] for size in (small, large)]
    difference = (peaks[1] - peaks[0]) / 1024
    flat = difference <= args.tolerance_mb
    print(
        f"portal peak RSS({large:,}) - peak RSS({small:,}) = {difference:+.1f} MiB: "
        + (f"within {args.tolerance_mb:g} MiB, flat" if flat else f"OVER {args.tolerance_mb:g} MiB")
    )
    if not flat:
        problems.append("the portal's memory grows with the number of sellers")
    for kind, sellers in plan:
        expected, outbox = results[kind, sellers]["expected"], results[kind, sellers]["outbox"]
        print(
            f"outbox after {kind}, {sellers:,}: {outbox['rows']:,} messages for "
            f"{expected['active']:,} active sellers of {expected['sellers']:,}, "
            f"{outbox['malay_in_malay']:,} in Malay for {expected['active_ms']:,}; "
            f"twice {outbox['twice']}, to others {outbox['not_active_sellers']}"
        )
    for problem in problems:
        print("PROBLEM:", problem)
    print()
    print(machine_line(load, f", {elapsed:.0f} s in all"))
    command = ".venv/bin/python bench/policy_publish.py"
    if (small, large) != (10_000, 100_000):
        command += f" --sizes {small} {large}"
    if args.batch_size != BATCH:
        command += f" --batch-size {args.batch_size}"
    if naive != small:
        command += f" --reference-sellers {naive}"
    if args.tolerance_mb != 32.0:
        command += f" --tolerance-mb {args.tolerance_mb:g}"
    if args.database_url:
        command += " --database-url URL"
    print(f"reproduce: {command}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
