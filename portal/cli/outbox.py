"""``flask outbox work`` sends what is due; ``flask outbox bounce EMAIL`` records a bounce."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.extensions import db
from portal.outbox import signals, worker


@click.group(help="The outbox: every email the portal sends.")
def outbox():
    pass


@outbox.command("work")
@click.option("--once", is_flag=True, help="Send everything due, then exit.")
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Messages per claim.")
@click.option("--interval", type=click.FloatRange(0), default=None, help="Seconds between looks.")
@with_appcontext
def work(once: bool, batch_size: int | None, interval: float | None) -> None:
    """Deliver pending mail until stopped (SIGTERM or Ctrl-C: the message being sent is
    finished, the rest of its batch is released for the next worker, and the exit status is 0).

    Run as many as you like, on as many hosts: each message is claimed by one of them.
    """
    config = current_app.config
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        tally = worker.work(
            once=once,
            batch_size=batch_size or config["OUTBOX_BATCH_SIZE"],
            interval=config["OUTBOX_POLL_INTERVAL"] if interval is None else interval,
            stop=stop,
        )
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"sent {tally.sent}, to retry {tally.retrying}, failed {tally.failed}")


@outbox.command("bounce")
@click.argument("email")
@with_appcontext
def bounce(email: str) -> None:
    """Count a bounce reported for EMAIL after delivery (a "mailbox full" or "no such user")."""
    answers = signals.bounced.send(current_app._get_current_object(), address=email)
    if not any(known for _, known in answers):
        raise click.ClickException("No account has that email address.")
    db.session.commit()
    click.echo("Bounce recorded.")
