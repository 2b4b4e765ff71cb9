"""The portal's clock: now, today and calendar arithmetic, in one place.

Timestamps are stored in UTC; days are judged in a time zone. The portal's own zone
(``BABEL_DEFAULT_TIMEZONE``, Malaysia) decides what "today" means for rules such as the 18+
check and when a policy "takes effect on DAY"; a seller's own zone decides the day their data
is deleted. Nothing here touches the database or any feature.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now, timezone-aware in UTC. Used as a *callable* default, evaluated per row."""
    return datetime.now(UTC)


def portal_zone() -> ZoneInfo:
    """The portal's own time zone (Malaysia unless configured otherwise)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def zone_named(name: str | None) -> ZoneInfo:
    """A seller's own time zone by its name, or the portal's when they have none."""
    return ZoneInfo(name) if name else portal_zone()


def local_today() -> date:
    """Today in the portal's time zone: the day the 18+ rule and review dates are judged on."""
    return datetime.now(portal_zone()).date()


def local_date(moment: datetime | None) -> date | None:
    """The day ``moment`` falls on in the portal's time zone."""
    return moment.astimezone(portal_zone()).date() if moment else None


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the portal's time zone, as UTC: what "takes effect on DAY"
    means, from the command line and from the admin page alike."""
    return datetime.combine(day, time(), portal_zone()).astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """The same wall-clock time ``months`` calendar months later (earlier when negative); a
    day the month lacks becomes its last day (30 November + 3 months is 28 or 29 February)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def months_ago(now: datetime, months: int) -> datetime:
    """``now`` less ``months`` calendar months: the cut-off of a retention period."""
    return add_months(now, -months)


def local_moment(day: date, at: time) -> datetime:
    """``day`` at the wall-clock time ``at`` in the portal's time zone, as UTC: a moment as
    staff type it (a breach discovered "6 Dec 2026, 14:30", Malaysia time)."""
    return datetime.combine(day, at, portal_zone()).astimezone(UTC)


def today_in(zone: str | None) -> date:
    """Today on a seller's own calendar (``zone``, their time zone's name; the portal's when
    they have none): the day a date they typed is judged on."""
    return datetime.now(zone_named(zone)).date()
