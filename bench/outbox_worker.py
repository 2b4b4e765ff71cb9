"""Outbox worker: how fast does ``flask outbox work`` send, and in flat memory?

The worker (``portal.outbox.worker.work``) claims the due rows of ``outbox_messages`` a batch
at a time (``claim``: one short transaction), sends the batch over one SMTP connection
(``send_claimed``, building each MIME message with ``transports.build_email``) and records
every outcome with its own UPDATE and commit, so that a crash mid-batch never forgets that a
message went. This benchmark sends 10,000 messages through it to a real SMTP server on
loopback (aiosmtpd) and prints the messages per second and the worker's peak memory.

The reference, measured in the same run against the same server, does the same job without
the outbox: the same messages, built by the same ``build_email`` from the same ``Envelope``
objects, sent over one Flask-Mail connection per 100 messages, with no database at all.
The ratio of the two rates is what the database work costs (claiming, an UPDATE and a
commit per message).

Every measured run is a fresh process (this script started with ``--run``) on a fresh
database: SQLite in a temporary instance folder, or PostgreSQL with ``--database-url``
(its tables are dropped first). The messages are inserted before the clock starts, 1,000
rows per bulk INSERT, each the size of a real reminder (about 600 characters of text and
1,500 of HTML, 2.7 KB on the wire). Each run first sends 100 untimed messages (imports,
statement caches, the first connection); then ``5`` is written to ``/proc/self/clear_refs``,
which resets the process's peak resident set (``VmHWM``) to the current one, and after the
run ``VmHWM`` is its peak. The worker runs for 1,000 and for 10,000 messages. The claim is
that its memory is flat: the exit status is 1 if the 10,000-message peak is more than
``--tolerance-mb`` (16) MiB over the 1,000-message one, or if a message is not sent, not
marked sent, or not received. With ``--tracemalloc`` the worker runs both sizes once more,
untimed (tracing makes it about 2.5 times slower), tracing Python's own allocations: their
peak, and what is still allocated after the run and a full garbage collection.

The SMTP server runs in a process of its own (this script with ``--smtp``), so that its
memory and CPU do not count as the worker's: it counts the messages and bytes it accepts
and keeps nothing. The worker's log (one line a message) goes to a file. Linux only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line, reset_peak, status_kib  # noqa: E402

MIB = 1024 * 1024
BATCH = 100  # OUTBOX_BATCH_SIZE: messages claimed, and sent over one connection, at a time
WARM_UP = 100
CHUNK = 1_000  # rows per bulk INSERT


# --- the SMTP server process ---------------------------------------------------------------------


class Counter:
    """An aiosmtpd handler that counts what it accepts and keeps none of it."""

    def __init__(self):
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def serve_smtp() -> None:
    """Print the port; then answer each line on stdin with the counts, until stdin closes."""
    from tests.support import smtp_on_loopback

    handler = Counter()
    with smtp_on_loopback(handler) as controller:
        print(controller.port, flush=True)
        for _ in sys.stdin:
            print(handler.messages, handler.bytes, flush=True)


class SMTPServer:
    def __init__(self, log: Path):
        with open(log, "wb") as errors:
            self.process = subprocess.Popen(
                [sys.executable, __file__, "--smtp"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                cwd=ROOT,
            )
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.process.kill()
            raise SystemExit(f"the SMTP server did not start:\n{log.read_text()[-3000:]}")
        self.port = int(line)

    def received(self) -> tuple[int, int]:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        messages, size = self.process.stdout.readline().split()
        return int(messages), int(size)

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


# --- the messages ------------------------------------------------------------------------------


def content(n: int) -> dict:
    """Message ``n``: a review reminder of a real one's size (about 600 + 1,500 characters)."""
    url = f"https://portal.koopseri.com/profile/review?seller={n}&ref=reminder-{n:08d}"
    said = [
        f"Hello Seller {n},",
        "Our Seller Privacy Policy asks you to keep your details correct, true and up to "
        "date. You last reviewed them on 25 November 2025.",
        "Please take a minute to check them, and correct anything that has changed: your "
        "name, your address, your phone number and the bank account we pay you into.",
        "If everything is still right, there is nothing to do: open the page and confirm.",
        "You receive this email because you sell on Koopseri. We send it once a year.",
    ]
    text = "\n\n".join([*said[:3], url, *said[3:], "Koopseri Seller Support"])
    paragraphs = "".join(f'<p style="margin:0 0 16px;line-height:1.5">{s}</p>' for s in said)
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Review your '
        'details</title></head><body style="margin:0;padding:0;background:#f4f4f4">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td '
        'align="center"><table role="presentation" width="600" style="background:#ffffff;'
        'font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222222"><tr><td '
        f'style="padding:24px 32px">{paragraphs}<p style="margin:24px 0"><a href="{url}" '
        'style="display:inline-block;padding:12px 20px;background:#0b6e4f;color:#ffffff;'
        'text-decoration:none;border-radius:4px">Review my details</a></p><p style="'
        'margin:0;color:#666666;font-size:12px">Koopseri Seller Support</p></td></tr></table>'
        "</td></tr></table></body></html>"
    )
    return {
        "user_id": None,
        "recipient": f"seller{n}@example.com",
        "kind": "review_reminder",
        "subject": "Please review your details",
        "body_text": text,
        "body_html": html,
        "message_id": f"<{uuid.uuid4()}@bench>",
    }


def fill(first: int, count: int) -> None:
    from sqlalchemy import insert

    from portal.extensions import db
    from portal.outbox.models import OutboxMessage

    for start in range(first, first + count, CHUNK):
        stop = min(start + CHUNK, first + count)
        db.session.execute(insert(OutboxMessage), [content(n) for n in range(start, stop)])
        db.session.commit()


# --- one measured run, in a fresh process -------------------------------------------------------


def measured(function, count: int, trace: bool) -> dict:
    """Run ``function(count)`` once, from a reset peak resident set; its figures."""
    gc.collect()
    before = status_kib("VmRSS")
    reset_peak()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    done = function(count)
    seconds = time.perf_counter() - started
    peak = status_kib("VmHWM")
    traced = tracemalloc.get_traced_memory()[1] if trace else 0
    gc.collect()  # what is still allocated once the garbage is gone: a leak, if it grows
    retained = tracemalloc.get_traced_memory()[0] if trace else 0
    tracemalloc.stop()
    return {
        "done": done,
        "seconds": seconds,
        "rss_before_kib": before,
        "peak_kib": peak,
        "traced_peak": traced,
        "traced_retained": retained,
    }


def run_worker(count: int, port: int, database_url: str | None, trace: bool) -> dict:
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.outbox import worker
    from portal.outbox.models import MessageStatus, OutboxMessage

    def send(_count: int) -> int:
        tally = worker.work(once=True, batch_size=BATCH, interval=0)
        return tally.sent if not (tally.retrying or tally.failed) else -1

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        config = {
            "TESTING": True,
            "INSTANCE_PATH": str(Path(tmp) / "instance"),
            "SECRET_KEY": "bench-" + "x" * 40,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_HANDOVER_AFTER_COMMIT": False,
        }
        if database_url:
            config["SQLALCHEMY_DATABASE_URI"] = database_url
        app = create_app(config)
        with app.app_context():
            if database_url:
                downgrade(revision="base")
            upgrade()
            fill(0, WARM_UP)
            if send(WARM_UP) != WARM_UP:
                raise SystemExit("the warm-up messages were not all sent")
            fill(WARM_UP, count)
            result = measured(send, count, trace)
            sent = db.session.scalar(
                select(func.count()).where(OutboxMessage.status == MessageStatus.SENT)
            )
            result["rows_sent"] = sent - WARM_UP
            # claim() ends on a SELECT whose transaction stays open ("idle in transaction" on
            # PostgreSQL); it would hold off the DROPs below for ever.
            db.session.remove()
            if database_url:
                downgrade(revision="base")
            db.engine.dispose()
    return result


def run_reference(count: int, port: int, trace: bool) -> dict:
    """The same messages over one connection per batch, built the same way; no database."""
    from flask import Flask
    from flask_mail import Mail

    from portal.config import Defaults
    from portal.outbox.transports import build_email
    from portal.outbox.worker import Envelope

    created = datetime.now(UTC)
    app = Flask(__name__)  # Flask-Mail's settings only: no database, no portal
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail = Mail(app)

    def send(first: int, count: int) -> int:
        done = 0
        with app.app_context():
            for start in range(first, first + count, BATCH):
                with mail.connect() as connection:
                    for n in range(start, min(start + BATCH, first + count)):
                        row = content(n)
                        envelope = Envelope(
                            n, None, row["recipient"], row["subject"], row["body_text"],
                            row["body_html"], row["message_id"], created, 0,
                        )  # fmt: skip
                        connection.send(build_email(envelope, Defaults.MAIL_DEFAULT_SENDER))
                        done += 1
        return done

    send(0, WARM_UP)
    return measured(lambda n: send(WARM_UP, n), count, trace)


def run_child(kind: str, count: int, port: int, args, trace: bool, log: Path) -> dict:
    command = [sys.executable, __file__, "--run", kind, "--messages", str(count)]
    command += ["--port", str(port)] + ["--trace"] * trace
    if args.database_url:
        command += ["--database-url", args.database_url]
    with open(log, "ab") as errors:
        finished = subprocess.run(command, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT)
    if finished.returncode:
        raise SystemExit(f"{kind} run of {count} failed:\n{log.read_text()[-3000:]}")
    return json.loads(finished.stdout.decode().splitlines()[-1])


# --- the report --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1_000, 10_000])
    parser.add_argument("--database-url", help="PostgreSQL URL (its tables are dropped!)")
    parser.add_argument("--tolerance-mb", type=float, default=16.0)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace the worker's Python allocations"
    )
    parser.add_argument("--smtp", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run", choices=["worker", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--messages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp:
        serve_smtp()
        return 0
    if args.run == "worker":
        print(json.dumps(run_worker(args.messages, args.port, args.database_url, args.trace)))
        return 0
    if args.run == "reference":
        print(json.dumps(run_reference(args.messages, args.port, args.trace)))
        return 0
    if not Path("/proc/self/clear_refs").exists():
        raise SystemExit("needs Linux: /proc/self/clear_refs resets the peak memory")

    small, large = args.sizes
    plan = [("reference", large, False), ("worker", small, False), ("worker", large, False)]
    if args.tracemalloc:
        plan += [("worker", small, True), ("worker", large, True)]
    load = os.getloadavg()[0]
    problems, results = [], {}
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as tmp:
        log = Path(tmp) / "runs.log"
        server = SMTPServer(Path(tmp) / "smtp.log")
        try:
            for kind, count, trace in plan:
                before, _ = server.received()
                result = run_child(kind, count, server.port, args, trace, log)
                received = server.received()[0] - before - WARM_UP
                if result["done"] != count or received != count:
                    problems.append(f"{kind}, {count}: sent {result['done']}, received {received}")
                if kind == "worker" and result["rows_sent"] != count:
                    problems.append(f"worker, {count}: {result['rows_sent']} rows marked sent")
                results[kind, count, trace] = result
            total, size = server.received()
        finally:
            server.stop()

    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Outbox worker, {large:,} messages to aiosmtpd on loopback (its own process), "
        f"{database}, batches of {BATCH} (one SMTP connection each)"
    )
    print()
    print(f"{'run':<26} {'messages':>9} {'seconds':>8} {'msgs/s':>7} {'RSS before':>11} "
          f"{'peak':>7} {'peak - before':>14} {'traced peak':>12} {'retained':>9}   (MiB)")  # fmt: skip
    for kind, count, _ in plan[:3]:
        timed, traced = results[kind, count, False], results.get((kind, count, True))
        label = "reference (Flask-Mail)" if kind == "reference" else f"portal worker ({database})"
        print(
            f"{label:<26} {count:>9,} {timed['seconds']:>8.2f} "
            f"{count / timed['seconds']:>7.0f} {timed['rss_before_kib'] / 1024:>11.1f} "
            f"{timed['peak_kib'] / 1024:>7.1f} "
            f"{(timed['peak_kib'] - timed['rss_before_kib']) / 1024:>14.1f} "
            + (
                f"{traced['traced_peak'] / MIB:>12.2f} {traced['traced_retained'] / MIB:>9.2f}"
                if traced
                else f"{'-':>12} {'-':>9}"
            )
        )
    reference, portal = results["reference", large, False], results["worker", large, False]
    extra_ms = (portal["seconds"] - reference["seconds"]) / large * 1e3
    print()
    print(
        f"rate, worker / reference = {reference['seconds'] / portal['seconds']:.2f} "
        f"({extra_ms:+.2f} ms a message: the claims, and an UPDATE and a commit per message)"
    )
    difference = (portal["peak_kib"] - results["worker", small, False]["peak_kib"]) / 1024
    flat = difference <= args.tolerance_mb
    print(
        f"worker peak RSS({large:,}) - peak RSS({small:,}) = {difference:+.1f} MiB: "
        + (f"within {args.tolerance_mb:g} MiB, flat" if flat else f"OVER {args.tolerance_mb:g} MiB")
    )
    if not flat:
        problems.append("the worker's memory grows with the number of messages")
    if args.tracemalloc:
        big, little = results["worker", large, True], results["worker", small, True]
        growth = big["traced_peak"] / little["traced_peak"]
        print(
            f"worker traced peak, {large:,} / {small:,} = {growth:.2f} (flat if <= 2); "
            f"retained after a full collection: {big['traced_retained'] / 1024:.0f} KiB "
            f"after {large:,}, {little['traced_retained'] / 1024:.0f} KiB after {small:,}"
        )
        if growth > 2:
            problems.append("the worker's Python allocations grow with the number of messages")
    runs = sum(count for _, count, _ in plan)
    print(
        f"the SMTP server received {total:,} messages ({size / MIB:.1f} MiB): "
        f"{runs:,} in the runs + {len(plan)} x {WARM_UP} warm-up"
    )
    if total != runs + len(plan) * WARM_UP:
        problems.append(f"the SMTP server received {total:,} messages, not {runs:,}")
    for problem in problems:
        print("PROBLEM:", problem)
    print()
    print(machine_line(load))
    command = ".venv/bin/python bench/outbox_worker.py"
    if (small, large) != (1_000, 10_000):
        command += f" --sizes {small} {large}"
    if args.tolerance_mb != 16.0:
        command += f" --tolerance-mb {args.tolerance_mb:g}"
    if args.tracemalloc:
        command += " --tracemalloc"
    if args.database_url:
        command += " --database-url URL"
    print(f"reproduce: {command}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
