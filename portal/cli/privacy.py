"""``flask privacy deadlines``: every statutory clock still running, for operators' monitoring;
``flask privacy notify BREACH_ID``: finish notifying a breach's sellers after an interruption.

One line per clock: data-subject requests (PDPA s.30-31, s.35, s.43A: 21 days, 14 more once
extended) and breaches (PDPA s.12B: the Commissioner's notice 72 hours after discovery, the
further details 30 days after that notice), the soonest first, with the deadline in Malaysia
time and the time left. Exits 1 when any is overdue, so cron or a monitoring check can alert
on the exit status alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext

from portal.breaches import notify
from portal.breaches import services as breaches
from portal.clock import portal_zone, utcnow
from portal.requests import services as requests

BREACH_CLOCKS = {"commissioner": "notice to the Commissioner", "follow_up": "further details"}


@dataclass(frozen=True)
class Deadline:
    what: str
    reference: str
    due_at: datetime
    left: timedelta


def deadlines(now: datetime) -> list[Deadline]:
    """Every running clock, the soonest deadline first."""
    found = [
        Deadline("request", clock.request.reference, clock.due_at, clock.left)
        for clock in requests.open_clocks(now)
    ]
    found += [
        Deadline(
            f"breach, {BREACH_CLOCKS.get(clock.kind, clock.kind)}",
            clock.reference,
            clock.due_at,
            clock.left(now),
        )
        for clock in breaches.open_clocks()
    ]
    return sorted(found, key=lambda deadline: (deadline.due_at, deadline.reference))


def _left(left: timedelta) -> str:
    """ "2 days 3 hours left" or "overdue by 5 hours": whole hours, for a log line."""
    hours = int(abs(left).total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    words = " ".join(
        part
        for part in (
            f"{days} day{'s' if days != 1 else ''}" if days else "",
            f"{hours} hour{'s' if hours != 1 else ''}" if hours or not days else "",
        )
        if part
    )
    return f"overdue by {words}" if left < timedelta(0) else f"{words} left"


@click.group(help="Privacy operations: the statutory clocks.")
def privacy():
    pass


@privacy.command("deadlines")
@with_appcontext
def deadlines_command() -> None:
    """Print every open request's and breach's deadline; exit 1 if one is overdue."""
    now = utcnow()
    found = deadlines(now)
    for deadline in found:
        due = deadline.due_at.astimezone(portal_zone())
        click.echo(
            f"{deadline.reference:<14} {deadline.what:<38} due {due:%Y-%m-%d %H:%M} MYT  "
            f"{_left(deadline.left)}"
        )
    overdue = sum(1 for deadline in found if deadline.left < timedelta(0))
    click.echo(f"{len(found)} clock{'s' if len(found) != 1 else ''} running, {overdue} overdue.")
    if overdue:
        raise SystemExit(1)


@privacy.command("notify")
@click.argument("breach_id", type=int)
@with_appcontext
def notify_command(breach_id: int) -> None:
    """Queue the notice for every seller the breach affected who has not had it yet: what
    "Go on notifying" does in the back office, for a run too long for a web request or one
    that was interrupted. Each seller still gets exactly one notice."""
    try:
        queued = notify.notify_sellers(breach_id)
    except breaches.BreachError as error:
        raise click.ClickException(
            f"breach {breach_id}: {error} (start it in the back office first)"
        ) from error
    click.echo(f"Breach {breach_id}: {queued} notices queued, {notify.pending(breach_id)} left.")
