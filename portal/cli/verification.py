"""``flask verification run``: every active seller's requirements evaluated and stored, and
the emails their changes call for. Run it daily; running it again the same day sends
nobody anything twice."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from portal.clock import utcnow
from portal.extensions import db
from portal.verification import services as verification
from portal.verification.states import Status

log = logging.getLogger(__name__)


@click.group("verification", help="Seller verification: requirements, deadlines and restrictions.")
def verification_group():
    pass


@verification_group.command("run")
@click.option("--batch-size", type=click.IntRange(1), default=500, help="Sellers per commit.")
@with_appcontext
def run(batch_size: int) -> None:
    """Evaluate every active seller on their own calendar day, store the states and
    deadlines, and queue each email once (a change of state is mailed in the commit that
    stores it, so an interrupted run resumes without repeating one)."""
    now = utcnow()
    counts = dict.fromkeys(Status, 0)
    last_id = 0
    while batch := verification.sellers_after(last_id, batch_size):
        for user in batch:
            result = verification.refresh(user.id, verification.today_for(user, now))
            counts[result.status] += 1
        last_id = batch[-1].id
        db.session.commit()
        db.session.expunge_all()  # memory stays flat however many sellers there are
        log.info("verification: %d sellers checked, up to id %d", sum(counts.values()), last_id)
    click.echo(
        f"Checked {sum(counts.values())} sellers: {counts[Status.VERIFIED]} verified, "
        f"{counts[Status.PENDING]} pending, {counts[Status.ACTION_NEEDED]} action needed, "
        f"{counts[Status.RESTRICTED]} restricted."
    )
