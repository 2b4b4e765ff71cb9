"""``flask reminders send``: the yearly "please check your details" email. Safe to run daily."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.clock import utcnow
from portal.extensions import db
from portal.profile import services


@click.group(help="Reminders sent to sellers.")
def reminders():
    pass


@reminders.command("send")
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Sellers per commit.")
@with_appcontext
def send(batch_size: int | None) -> None:
    """Remind every seller whose details were last reviewed over a year ago.

    Each reminder is written to the outbox in the same commit that notes it was sent, so a
    second run the same day (or a run that was interrupted) sends nobody a second one.
    """
    app = current_app._get_current_object()
    batch_size = batch_size or app.config["REMINDER_BATCH_SIZE"]
    now = utcnow()
    sent = 0
    while batch := services.reminder_batch(now, batch_size):
        for user in batch:
            services.send_review_reminder(user, now)
        db.session.commit()
        sent += len(batch)
        db.session.expunge_all()  # memory stays flat however many sellers there are
    click.echo(f"Sent {sent} review reminders.")
